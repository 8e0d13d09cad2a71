// A 200 MiB SnapshotReady through encode() and a FrameDecoder, as a big heap's snapshot travels from
// leakscope-host to the GUI. Prints the times (no assertion on them: machines and sanitizers differ).

#include "protocol_test_util.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

#include <cstring>
#include <vector>

using namespace protocol_test;

namespace {

constexpr std::size_t kBlobSize = 200 * 1024 * 1024;
constexpr std::size_t kSocketChunk = 64 * 1024;

double seconds(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e9;
}

std::string patternBlob(std::size_t size)
{
    std::string blob(size, '\0');
    std::uint64_t state = 0x9e3779b97f4a7c15u;
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::memcpy(blob.data() + i, &state, 8);
    }
    return blob;
}

} // namespace

class TestProtocolLarge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void snapshot200MiB()
    {
        SnapshotReady sent{17, "after 10000 requests", true, patternBlob(kBlobSize)};
        const Message message = std::move(sent);

        QElapsedTimer timer;
        timer.start();
        const std::string wire = encode(message);
        const double encodeSeconds = seconds(timer);
        QCOMPARE(wire.size(), kHeaderSize + 4 + 4 + 20 + 1 + 3 * 4 + 4 + kBlobSize); // 3 * 4: the series fields

        // The host sends more after a snapshot (a Progress, the next snapshot...): a read that completes the
        // snapshot often carries the start of the next message.
        const std::string stream = wire + encode(Progress{17, 1000, "done"});

        // As from a socket: 64 KiB reads, next() after each.
        timer.restart();
        FrameDecoder streamed;
        std::vector<Message> received;
        Message next;
        std::size_t pendingSeen = 0;
        for (std::size_t at = 0; at < stream.size(); at += kSocketChunk) {
            streamed.append(std::string_view(stream).substr(at, kSocketChunk));
            pendingSeen = std::max(pendingSeen, streamed.pendingPayload());
            while (streamed.next(next) == FrameDecoder::Status::Message)
                received.push_back(std::move(next));
        }
        const double streamedSeconds = seconds(timer);
        QCOMPARE(received.size(), std::size_t(2));
        QCOMPARE(pendingSeen, wire.size() - kHeaderSize);
        QVERIFY(sameMessage(received[0], message));
        QCOMPARE(std::get<Progress>(received[1]).message, std::string("done"));
        received.clear();

        // All in one read.
        timer.restart();
        FrameDecoder whole;
        whole.append(stream);
        QCOMPARE(whole.next(next), FrameDecoder::Status::Message);
        const double wholeSeconds = seconds(timer);
        QVERIFY(sameMessage(next, message));
        QCOMPARE(whole.next(next), FrameDecoder::Status::Message);
        QCOMPARE(std::get<Progress>(next).message, std::string("done"));
        QCOMPARE(whole.buffered(), std::size_t(0));

        qInfo("SnapshotReady of %zu MiB: encode %.3f s, decode %.3f s streamed in %zu KiB reads, %.3f s from one read",
              kBlobSize >> 20, encodeSeconds, streamedSeconds, kSocketChunk >> 10, wholeSeconds);
    }
};

QTEST_GUILESS_MAIN(TestProtocolLarge)
#include "tst_protocol_large.moc"
