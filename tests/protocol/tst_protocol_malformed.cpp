// protocol.h on untrusted input: every kind of malformed frame fails with an error naming the type and the
// problem, as early as it can be seen, and the decoder stays failed. Random bytes and mutated valid streams
// never crash it, and whatever it does decode re-encodes to exactly the bytes it consumed.

#include "protocol_test_util.h"

#include <QtTest/QTest>

#include <random>

using namespace protocol_test;
using namespace Qt::StringLiterals;

namespace {

constexpr std::uint16_t code(MessageType type)
{
    return static_cast<std::uint16_t>(type);
}

const MessageType kAllTypes[] = {
    MessageType::Hello,     MessageType::Welcome,       MessageType::Run,
    MessageType::Snapshot,  MessageType::Continue,      MessageType::Interrupt,
    MessageType::Terminate, MessageType::Describe,      MessageType::Progress,
    MessageType::SnapshotReady, MessageType::ScriptFinished, MessageType::ObjectDescription,
    MessageType::Error,
};

// Feeds input to a fresh decoder in random chunks, draining as it goes, and checks the invariant: the messages
// it returned re-encode to exactly the bytes it consumed (the encoding is canonical), and a failed decoder has
// an error and stays failed. Returns false, with a warning, when the invariant does not hold.
bool feedAndCheck(const std::string& input, std::mt19937& random, std::size_t* messageCount, bool* failed)
{
    FrameDecoder decoder;
    std::string reencoded;
    FrameDecoder::Status status = FrameDecoder::Status::NeedMore;
    Message message;
    for (std::size_t fed = 0; fed < input.size() && status != FrameDecoder::Status::Failed;) {
        const std::size_t chunk = std::min<std::size_t>(input.size() - fed, 1 + random() % 97);
        decoder.append(input.data() + fed, chunk);
        fed += chunk;
        while ((status = decoder.next(message)) == FrameDecoder::Status::Message) {
            encode(message, reencoded);
            ++*messageCount;
        }
    }
    *failed = status == FrameDecoder::Status::Failed;
    if (!std::string_view(input).starts_with(reencoded)) {
        qWarning("re-encoded messages are not a prefix of the input");
        return false;
    }
    if (*failed && (decoder.error().empty() || decoder.next(message) != FrameDecoder::Status::Failed)) {
        qWarning("a failed decoder must keep an error and stay failed");
        return false;
    }
    if (!*failed && reencoded.size() + decoder.buffered() != input.size()) {
        qWarning("%zu bytes decoded + %zu buffered != %zu fed", reencoded.size(), decoder.buffered(), input.size());
        return false;
    }
    return true;
}

} // namespace

class TestProtocolMalformed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void malformed_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("error");
        QTest::addColumn<bool>("headerOnly"); // the problem is visible in the 8-byte header alone

        QTest::newRow("type 0") << header(0, 0) << u"unknown message type 0"_s << true;
        QTest::newRow("type 3") << header(0, 3) << u"unknown message type 3"_s << true;
        QTest::newRow("type 65535") << header(1u << 31, 0xffff) << u"unknown message type 65535"_s << true;
        QTest::newRow("flags 1") << header(0, code(MessageType::Run), 1) << u"Run message: flags are 1, must be 0"_s
                                 << true;
        QTest::newRow("flags 0x8000") << header(4, code(MessageType::Welcome), 0x8000) << u"Welcome message: flags"_s
                                      << true;
        for (MessageType type : kAllTypes) {
            if (maxPayload(type) >= UINT32_MAX)
                continue; // SnapshotReady: no u32 length exceeds its limit
            const auto length = static_cast<std::uint32_t>(maxPayload(type) + 1);
            QTest::addRow("%d over its limit", int(type))
                << header(length, code(type))
                << QStringLiteral("message: payload of %1 bytes exceeds the limit of %2 bytes")
                       .arg(length)
                       .arg(maxPayload(type))
                << true;
        }
        QTest::newRow("Hello, empty payload")
            << frame(MessageType::Hello, {})
            << u"Hello message: payload ends inside the 4-byte field 'protocolVersion'"_s << false;
        QTest::newRow("Welcome, 3 bytes") << frame(MessageType::Welcome, "\1\0\0"_ba)
                                          << u"Welcome message: payload ends inside"_s << false;
        QTest::newRow("Hello, pid cut") << frame(MessageType::Hello, Bytes().u32(1).str("t").str("3").u32(7).data)
                                        << u"Hello message: payload ends inside the 8-byte field 'pid'"_s << false;
        QTest::newRow("Run, 1 byte left over")
            << frame(MessageType::Run, "x"_ba) << u"Run message: 1 bytes left over after the last field"_s << false;
        QTest::newRow("Welcome, 2 bytes left over")
            << frame(MessageType::Welcome, Bytes().u32(1).u16(0).data) << u"Welcome message: 2 bytes left over"_s
            << false;
        QTest::newRow("Error, 1 byte left over") << frame(MessageType::Error, Bytes().u32(1).str("m").u8(0).data)
                                                 << u"Error message: 1 bytes left over"_s << false;
        QTest::newRow("paused = 2")
            << frame(MessageType::SnapshotReady, Bytes().u32(1).str("l").u8(2).str("").data)
            << u"SnapshotReady message: bool field 'paused' is 2, not 0 or 1"_s << false;
        QTest::newRow("found = 255")
            << frame(MessageType::ObjectDescription, Bytes().u32(1).u64(2).u8(255).str("").u32(0).str("").data)
            << u"ObjectDescription message: bool field 'found' is 255"_s << false;
        QTest::newRow("bool missing") << frame(MessageType::SnapshotReady, Bytes().u32(1).str("l").data)
                                      << u"SnapshotReady message: payload ends before the bool field 'paused'"_s
                                      << false;
        QTest::newRow("label past the end")
            << frame(MessageType::Snapshot, Bytes().u32(1).u32(100).raw("abc").data)
            << u"Snapshot message: string 'label' of 100 bytes runs past the end of the payload (3 bytes left)"_s
            << false;
        QTest::newRow("Snapshot of version 3, no flags")
            << frame(MessageType::Snapshot, Bytes().u32(1).str("l").data)
            << u"Snapshot message: payload ends inside the 4-byte field 'flags'"_s << false;
        QTest::newRow("Snapshot, unknown flag")
            << frame(MessageType::Snapshot, Bytes().u32(1).str("l").u32(3).data)
            << u"Snapshot message: unknown flags 3"_s << false;
        QTest::newRow("length 0xffffffff") << frame(MessageType::Error, Bytes().u32(0).u32(UINT32_MAX).data)
                                           << u"Error message: string 'message' of 4294967295 bytes"_s << false;
        QTest::newRow("snapshot one byte short")
            << frame(MessageType::SnapshotReady, Bytes().u32(1).str("").u8(0).u32(0).u32(0).u32(0).u32(4).raw("abc").data)
            << u"SnapshotReady message: string 'snapshot' of 4 bytes runs past"_s << false;
        QTest::newRow("series fields missing")
            << frame(MessageType::SnapshotReady, Bytes().u32(1).str("l").u8(0).u32(1).data)
            << u"SnapshotReady message: payload ends inside the 4-byte field 'seriesIndex'"_s << false;
        QTest::newRow("series index past its length")
            << frame(MessageType::SnapshotReady, Bytes().u32(0).str("l").u8(0).u32(1).u32(4).u32(4).str("").data)
            << u"SnapshotReady message: series index 4 is not below the series length 4"_s << false;
        QTest::newRow("series index without a series")
            << frame(MessageType::SnapshotReady, Bytes().u32(0).str("l").u8(0).u32(0).u32(1).u32(0).str("").data)
            << u"SnapshotReady message: series index 1 and length 0 given without a series (seriesId 0)"_s << false;
        QTest::newRow("series of no snapshots")
            << frame(MessageType::SnapshotReady, Bytes().u32(0).str("l").u8(0).u32(3).u32(0).u32(0).str("").data)
            << u"SnapshotReady message: series index 0 is not below the series length 0"_s << false;
        QTest::newRow("count cannot fit")
            << frame(MessageType::ObjectDescription,
                     Bytes().u32(1).u64(2).u8(1).str("r").u32(UINT32_MAX).str("e").data)
            << u"ObjectDescription message: list 'attributes' claims 4294967295 strings, more than the 5 bytes"_s
            << false;
        QTest::newRow("count just too big")
            << frame(MessageType::ObjectDescription, Bytes().u32(1).u64(2).u8(1).str("r").u32(3).u32(0).u32(0).data)
            << u"list 'attributes' claims 3 strings, more than the 8 bytes"_s << false;
        QTest::newRow("list item past the end")
            << frame(MessageType::ObjectDescription,
                     Bytes().u32(1).u64(2).u8(1).str("r").u32(2).str("a").u32(5).raw("bc").data)
            << u"ObjectDescription message: string 'attributes' of 5 bytes runs past"_s << false;
        QTest::newRow("Describe of version 1, no type")
            << frame(MessageType::Describe, Bytes().u32(1).u64(2).data)
            << u"Describe message: payload ends inside the 8-byte field 'typeAddress'"_s << false;
        QTest::newRow("Describe, type address cut")
            << frame(MessageType::Describe, Bytes().u32(1).u64(2).u32(3).data)
            << u"Describe message: payload ends inside the 8-byte field 'typeAddress'"_s << false;
        QTest::newRow("Describe, type name past the end")
            << frame(MessageType::Describe, Bytes().u32(1).u64(2).u64(3).u32(50).raw("ab").data)
            << u"Describe message: string 'typeName' of 50 bytes runs past the end of the payload (2 bytes left)"_s
            << false;
        QTest::newRow("Describe, byte left over")
            << frame(MessageType::Describe, Bytes().u32(1).u64(2).u64(3).str("t").u8(0).data)
            << u"Describe message: 1 bytes left over after the last field"_s << false;
        QTest::newRow("ObjectDescription, type name missing")
            << frame(MessageType::ObjectDescription, Bytes().u32(1).u64(2).u8(0).str("").u32(0).str("e").data)
            << u"ObjectDescription message: payload ends inside the 4-byte field 'typeName'"_s << false;
        QTest::newRow("error field missing")
            << frame(MessageType::ObjectDescription, Bytes().u32(1).u64(2).u8(1).str("r").u32(0).data)
            << u"ObjectDescription message: payload ends inside the 4-byte field 'error'"_s << false;
    }
    void malformed()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, error);
        QFETCH(bool, headerOnly);
        const std::string bytes = input.toStdString();
        const std::string valid = encode(Progress{1, 2, "after the bad frame"});

        // All at once.
        FrameDecoder decoder;
        decoder.append(bytes);
        Message message;
        QCOMPARE(decoder.next(message), FrameDecoder::Status::Failed);
        QVERIFY(decoder.failed());
        const QString reported = QString::fromStdString(decoder.error());
        QVERIFY2(reported.contains(error), qPrintable(reported));
        QCOMPARE(decoder.pendingPayload(), std::size_t(0));

        // It stays failed, with the same error, whatever comes next.
        decoder.append(valid);
        QCOMPARE(decoder.next(message), FrameDecoder::Status::Failed);
        QCOMPARE(decoder.next(message), FrameDecoder::Status::Failed);
        QCOMPARE(QString::fromStdString(decoder.error()), reported);

        // Byte by byte, after a valid message: that one comes out, then the failure as soon as it can be seen.
        FrameDecoder streamed;
        const std::string stream = valid + bytes;
        std::size_t failedAt = 0;
        std::size_t messages = 0;
        for (std::size_t i = 0; i < stream.size() && !failedAt; ++i) {
            streamed.append(stream.data() + i, 1);
            FrameDecoder::Status status;
            while ((status = streamed.next(message)) == FrameDecoder::Status::Message)
                ++messages;
            if (status == FrameDecoder::Status::Failed)
                failedAt = i + 1;
        }
        QCOMPARE(messages, std::size_t(1));
        QCOMPARE(failedAt, headerOnly ? valid.size() + kHeaderSize : stream.size());
        QCOMPARE(QString::fromStdString(streamed.error()), reported);
    }

    // Headers at exactly the limit are accepted and wait for their payload.
    void headerAtTheLimit()
    {
        for (MessageType type : kAllTypes) {
            const auto length = static_cast<std::uint32_t>(std::min<std::size_t>(maxPayload(type), UINT32_MAX));
            FrameDecoder decoder;
            decoder.append(header(length, code(type)).toStdString());
            Message message;
            QCOMPARE(decoder.next(message), FrameDecoder::Status::NeedMore);
            QCOMPARE(decoder.pendingPayload(), std::size_t(length));
            QVERIFY(!decoder.failed());
        }
    }

    void randomBytes()
    {
        std::mt19937 random(4242);
        std::size_t messages = 0, failures = 0;
        for (int round = 0; round < 4000; ++round) {
            std::string input;
            const std::size_t parts = 1 + random() % 4;
            for (std::size_t p = 0; p < parts; ++p) {
                // Half the time a plausible header (a known type, zero flags, a short length) before random bytes,
                // so the payload parsers see random input too, not only the header check.
                const std::size_t payload = random() % 48;
                if (random() % 2)
                    input += header(static_cast<std::uint32_t>(payload), code(kAllTypes[random() % 13])).toStdString();
                for (std::size_t i = 0; i < payload; ++i)
                    input += static_cast<char>(random() % 8 == 0 ? random() % 3 : random());
            }
            bool failed = false;
            QVERIFY2(feedAndCheck(input, random, &messages, &failed), qPrintable(QString::number(round)));
            failures += failed;
        }
        qInfo("random bytes: %zu messages decoded, %zu of 4000 inputs failed", messages, failures);
        QVERIFY(messages > 0);
        QVERIFY(failures > 0);
    }

    void mutatedFrames()
    {
        const std::vector<Message> samples = sampleMessages(false);
        std::string wire;
        for (const Message& message : samples)
            encode(message, wire);
        std::mt19937 random(31337);
        std::size_t messages = 0, failures = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string input = wire;
            const int mutations = 1 + int(random() % 4);
            for (int m = 0; m < mutations; ++m) {
                const std::size_t at = random() % input.size();
                switch (random() % 6) {
                case 0: input[at] = static_cast<char>(input[at] ^ (1 << (random() % 8))); break;
                case 1: input[at] = static_cast<char>(random()); break;
                case 2: input.insert(input.begin() + std::ptrdiff_t(at), static_cast<char>(random())); break;
                case 3: input.erase(at, 1 + random() % 8); break;
                case 4: input.resize(at + 1); break;
                default: input.insert(at, input.substr(random() % input.size(), 1 + random() % 64)); break;
                }
                if (input.empty())
                    input = wire;
            }
            bool failed = false;
            QVERIFY2(feedAndCheck(input, random, &messages, &failed), qPrintable(QString::number(round)));
            failures += failed;
        }
        qInfo("mutated frames: %zu messages decoded, %zu of 3000 streams failed", messages, failures);
        QVERIFY(messages > 0);
        QVERIFY(failures > 0);
    }
};

QTEST_GUILESS_MAIN(TestProtocolMalformed)
#include "tst_protocol_malformed.moc"
