// protocol.h on well-formed input: the exact wire bytes, round trips of every message type, streaming in any
// split, the per-type limits and the decoder's buffer handling around large blobs.

#include "protocol_test_util.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

#include <random>
#include <stdexcept>

using namespace protocol_test;

namespace {

struct Drained
{
    std::vector<Message> messages;
    FrameDecoder::Status status = FrameDecoder::Status::NeedMore;
};

// Takes every whole message the decoder holds.
void drain(FrameDecoder& decoder, Drained& into)
{
    Message message;
    while ((into.status = decoder.next(message)) == FrameDecoder::Status::Message)
        into.messages.push_back(std::move(message));
}

std::string encodeAll(const std::vector<Message>& messages)
{
    std::string out;
    for (const Message& message : messages)
        encode(message, out);
    return out;
}

// Checks decoded against expected, message by message; a mismatch fails the calling test.
bool sameMessages(const std::vector<Message>& decoded, const std::vector<Message>& expected)
{
    if (decoded.size() != expected.size()) {
        qWarning("decoded %zu messages, expected %zu", decoded.size(), expected.size());
        return false;
    }
    for (std::size_t i = 0; i < decoded.size(); ++i) {
        if (!sameMessage(decoded[i], expected[i])) {
            qWarning("message %zu (type %d) differs", i, int(typeOf(expected[i])));
            return false;
        }
    }
    return true;
}

} // namespace

class TestProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wireFormat_data()
    {
        QTest::addColumn<int>("sample");
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("Hello") << 0
                               << Bytes().u32(26).u16(1).u16(0).u32(1).str("ab").str("3.11").u64(~std::uint64_t(1)).data;
        QTest::newRow("Run") << 1 << QByteArray::fromHex("000000000a000000");
        QTest::newRow("SnapshotReady")
            << 2
            << QByteArray::fromHex("1d000000150000000403020101000000" "4c" "01" "00000000" "00000000" "00000000"
                                   "03000000" "78797a");
        QTest::newRow("ObjectDescription")
            << 3
            << Bytes().u32(41).u16(23).u16(0).u32(5).u64(0x1122334455667788).u8(0).str("r").u32(2).str("a").str("")
                   .str("e").str("t").data;
        QTest::newRow("ScriptFinished") << 4 << QByteArray::fromHex("0d00000016000000ffffffff0000000001000000" "6d");
        QTest::newRow("Describe") << 5 << Bytes().u32(29).u16(15).u16(0).u32(7).u64(0x10).u64(0x20).str("pkg.T").data;
        // The series fields come after paused and before the snapshot bytes.
        QTest::newRow("SnapshotReady in a series")
            << 6
            << Bytes().u32(37).u16(21).u16(0).u32(0).str("s: round 2/3").u8(0).u32(7).u32(2).u32(4).str("").data;
    }
    void wireFormat()
    {
        QFETCH(int, sample);
        QFETCH(QByteArray, bytes);
        const Message messages[] = {
            Hello{1, "ab", "3.11", -2},
            Run{},
            SnapshotReady{0x01020304, "L", true, "xyz"},
            ObjectDescription{5, 0x1122334455667788, false, "r", {"a", ""}, "e", "t"},
            ScriptFinished{-1, "", "m"},
            DescribeRequest{7, 0x10, 0x20, "pkg.T"},
            SnapshotReady{0, "s: round 2/3", false, "", 7, 2, 4},
        };
        const Message& message = messages[sample];
        QCOMPARE(toBytes(encode(message)).toHex(), bytes.toHex());

        FrameDecoder decoder;
        decoder.append(bytes.constData(), std::size_t(bytes.size()));
        Message decoded;
        QCOMPARE(decoder.next(decoded), FrameDecoder::Status::Message);
        QVERIFY(sameMessage(decoded, message));
        QCOMPARE(decoder.next(decoded), FrameDecoder::Status::NeedMore);
    }

    void roundTripEveryType()
    {
        const std::vector<Message> samples = sampleMessages(true);
        std::vector<bool> seen(std::variant_size_v<Message>);
        for (const Message& message : samples) {
            seen[message.index()] = true;
            std::string wire = "prefix";
            encode(message, wire);
            QVERIFY(wire.starts_with("prefix"));
            QCOMPARE(wire.substr(6), encode(message));
            // The header: payload length, then the type, then zero flags.
            const QByteArray head = toBytes(std::string_view(wire).substr(6, kHeaderSize));
            QCOMPARE(head.mid(0, 4), Bytes().u32(std::uint32_t(wire.size() - 6 - kHeaderSize)).data);
            QCOMPARE(head.mid(4, 4), Bytes().u16(std::uint16_t(typeOf(message))).u16(0).data);

            FrameDecoder decoder;
            decoder.append(std::string_view(wire).substr(6));
            Message decoded;
            QCOMPARE(decoder.next(decoded), FrameDecoder::Status::Message);
            QVERIFY2(sameMessage(decoded, message), qPrintable(QString::number(int(typeOf(message)))));
            QCOMPARE(typeOf(decoded), typeOf(message));
            QCOMPARE(decoder.next(decoded), FrameDecoder::Status::NeedMore);
            QCOMPARE(decoder.buffered(), std::size_t(0));
            QVERIFY(!decoder.failed());
        }
        for (std::size_t i = 0; i < seen.size(); ++i)
            QVERIFY2(seen[i], qPrintable(QStringLiteral("no sample of variant index %1").arg(i)));
    }

    void maxPayloadPerType()
    {
        const std::size_t kib = 1024, mib = 1024 * kib;
        QCOMPARE(maxPayload(MessageType::SnapshotReady), std::size_t(UINT32_MAX)); // all a u32 length can say
        QCOMPARE(maxPayload(MessageType::ObjectDescription), 16 * mib);
        for (MessageType type : {MessageType::Hello, MessageType::Error, MessageType::ScriptFinished,
                                 MessageType::Progress})
            QCOMPARE(maxPayload(type), mib);
        for (MessageType type : {MessageType::Welcome, MessageType::Run, MessageType::Snapshot, MessageType::Continue,
                                 MessageType::Interrupt, MessageType::Terminate, MessageType::Describe})
            QCOMPARE(maxPayload(type), 64 * kib);
    }

    void encodeRefusesOversizedPayloads()
    {
        // At the limit: an Error payload of exactly 1 MiB (4-byte id, 4-byte length, text).
        const Message atLimit = Error{1, std::string(1024 * 1024 - 8, 'e')};
        const std::string wire = encode(atLimit);
        QCOMPARE(wire.size(), kHeaderSize + 1024 * 1024);
        FrameDecoder decoder;
        decoder.append(wire);
        Message decoded;
        QCOMPARE(decoder.next(decoded), FrameDecoder::Status::Message);
        QVERIFY(sameMessage(decoded, atLimit));

        // One byte more is refused, and the output is left as it was.
        std::string out = "kept";
        QVERIFY_THROWS_EXCEPTION(std::length_error, encode(Error{1, std::string(1024 * 1024 - 7, 'e')}, out));
        QCOMPARE(out, std::string("kept"));
        ObjectDescription huge{1, 2, true, std::string(16 * 1024 * 1024, 'r'), {}, ""};
        QVERIFY_THROWS_EXCEPTION(std::length_error, encode(huge, out));
        QCOMPARE(out, std::string("kept"));
        QVERIFY_THROWS_EXCEPTION(std::length_error, encode(SnapshotRequest{1, std::string(64 * 1024, 'l')}, out));
        QCOMPARE(out, std::string("kept"));
    }

    void streamAllAtOnce()
    {
        const std::vector<Message> samples = sampleMessages(true);
        const std::string wire = encodeAll(samples);
        FrameDecoder decoder;
        decoder.append(wire);
        Drained drained;
        drain(decoder, drained);
        QCOMPARE(drained.status, FrameDecoder::Status::NeedMore);
        QVERIFY(sameMessages(drained.messages, samples));
        QCOMPARE(decoder.buffered(), std::size_t(0));
    }

    void streamByteByByte()
    {
        const std::vector<Message> samples = sampleMessages(false);
        const std::string wire = encodeAll(samples);
        FrameDecoder decoder;
        Drained drained;
        for (char byte : wire) {
            decoder.append(&byte, 1);
            drain(decoder, drained);
            QCOMPARE(drained.status, FrameDecoder::Status::NeedMore);
        }
        QVERIFY(sameMessages(drained.messages, samples));
        QCOMPARE(decoder.buffered(), std::size_t(0));
    }

    void streamRandomChunks()
    {
        const std::vector<Message> samples = sampleMessages(true);
        const std::string wire = encodeAll(samples);
        std::mt19937 random(20261126);
        for (int round = 0; round < 20; ++round) {
            FrameDecoder decoder;
            Drained drained;
            const std::size_t maxChunk = round < 10 ? 64 : 100000;
            for (std::size_t at = 0; at < wire.size();) {
                const std::size_t chunk = std::min<std::size_t>(wire.size() - at, 1 + random() % maxChunk);
                decoder.append(wire.data() + at, chunk);
                at += chunk;
                if (random() % 3 != 0) // sometimes let several messages pile up
                    drain(decoder, drained);
            }
            drain(decoder, drained);
            QCOMPARE(drained.status, FrameDecoder::Status::NeedMore);
            QVERIFY(sameMessages(drained.messages, samples));
        }
    }

    void pendingPayload()
    {
        const Message message = SnapshotReady{3, "label", false, std::string(1000, 's')};
        const std::string wire = encode(message);
        const std::size_t payload = wire.size() - kHeaderSize;
        FrameDecoder decoder;
        QCOMPARE(decoder.pendingPayload(), std::size_t(0));
        Message decoded;
        for (std::size_t i = 0; i < wire.size(); ++i) {
            decoder.append(wire.data() + i, 1);
            QCOMPARE(decoder.pendingPayload(), i + 1 < kHeaderSize ? std::size_t(0) : payload);
            QCOMPARE(decoder.buffered(), i + 1);
            if (i + 1 < wire.size())
                QCOMPARE(decoder.next(decoded), FrameDecoder::Status::NeedMore);
        }
        QCOMPARE(decoder.next(decoded), FrameDecoder::Status::Message);
        QCOMPARE(decoder.pendingPayload(), std::size_t(0));

        // The largest frame a u32 length allows is a valid SnapshotReady header: the decoder waits for it.
        decoder.append(toBytes(encode(Run{})).append(header(UINT32_MAX, 21)).toStdString());
        QCOMPARE(decoder.pendingPayload(), std::size_t(0)); // Run's empty payload is next
        QCOMPARE(decoder.next(decoded), FrameDecoder::Status::Message);
        QCOMPARE(decoder.pendingPayload(), std::size_t(UINT32_MAX));
        QCOMPARE(decoder.next(decoded), FrameDecoder::Status::NeedMore);

        // A header that will fail reports nothing pending.
        FrameDecoder bad;
        bad.append(header(100, 999).toStdString());
        QCOMPARE(bad.pendingPayload(), std::size_t(0));
    }

    // Blobs of a megabyte or more are moved out of the decoder's buffer when little follows them, and copied
    // when much does; both must give the same messages, wherever the message sits in the buffer, whether
    // the decoder trusts its peer (the whole frame reserved at its header) or not (at an eighth of it).
    void largeBlobsInAStream_data()
    {
        QTest::addColumn<bool>("trusted");
        QTest::newRow("untrusted") << false;
        QTest::newRow("trusted") << true;
    }
    void largeBlobsInAStream()
    {
        QFETCH(bool, trusted);
        std::string blob(3 * 1024 * 1024, '\0');
        for (std::size_t i = 0; i < blob.size(); ++i)
            blob[i] = static_cast<char>(i * 2654435761u >> 24);
        const std::vector<std::vector<Message>> streams = {
            {SnapshotReady{1, "alone", false, blob}},
            {Progress{1, 5, "p"}, SnapshotReady{1, "between", true, blob}, Continue{}},
            {SnapshotReady{1, "first", false, blob}, Error{0, std::string(1000000, 'x')},
             ObjectDescription{1, 1, true, std::string(4 * 1024 * 1024, 'r'), {}, ""},
             SnapshotReady{2, "second", false, blob.substr(1)}},
            {SnapshotReady{1, "exactly 1 MiB", false, std::string(1024 * 1024, 'm')},
             SnapshotReady{2, "just under", false, std::string(1024 * 1024 - 1, 'u')}},
        };
        for (const std::vector<Message>& stream : streams) {
            const std::string wire = encodeAll(stream);
            for (std::size_t chunk : {wire.size(), std::size_t(65536), std::size_t(1000003)}) {
                FrameDecoder decoder;
                if (trusted)
                    decoder.trustPeer();
                Drained drained;
                for (std::size_t at = 0; at < wire.size(); at += chunk) {
                    decoder.append(std::string_view(wire).substr(at, chunk));
                    drain(decoder, drained);
                }
                QCOMPARE(drained.status, FrameDecoder::Status::NeedMore);
                QVERIFY(sameMessages(drained.messages, stream));
                QCOMPARE(decoder.buffered(), std::size_t(0));
            }
        }
    }

    // A long stream of small messages through one decoder: consumed bytes must be dropped as it goes.
    void manySmallMessages()
    {
        std::vector<Message> messages;
        for (std::uint32_t i = 0; i < 200000; ++i)
            messages.push_back(Progress{i, i % 1001, "step " + std::to_string(i)});
        const std::string wire = encodeAll(messages);
        QElapsedTimer timer;
        timer.start();
        FrameDecoder decoder;
        std::size_t count = 0;
        Message message;
        for (std::size_t at = 0; at < wire.size(); at += 4096) {
            decoder.append(std::string_view(wire).substr(at, 4096));
            while (decoder.next(message) == FrameDecoder::Status::Message) {
                const auto& progress = std::get<Progress>(message);
                QCOMPARE(progress.requestId, std::uint32_t(count));
                ++count;
            }
            QVERIFY(decoder.buffered() < 4096 + 64);
        }
        QCOMPARE(count, messages.size());
        qInfo("%zu messages, %.1f MB, decoded in %.3f s", count, double(wire.size()) / 1e6,
              double(timer.nsecsElapsed()) / 1e9);
    }
};

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
