// Snapshot files (.lssnap): exact round trips with and without compression, the documented header,
// and the loader on damaged files: every truncation, every flipped bit, text-mode and 7-bit damage,
// wrong versions, lying lengths (without a big allocation), things that are not snapshots at all.
// Saving is tested where it can fail: a missing or read-only folder, a file size limit standing in
// for a full disk, and a writer killed in the middle of saving.

#include "snapshot/atomic_file.h"
#include "snapshot/checksum.h"
#include "snapshot/snapshot_codec.h"
#include "snapshot/snapshot_file.h"
#include "synthetic_heap.h"
#include "counting_allocator.h"
#include "feature_columns.h"
#include "test_graph.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

namespace {

// The header as docs/snapshot-format.md lays it out.
constexpr std::size_t kHeader = 56;
constexpr std::size_t kVersionAt = 14;
constexpr std::size_t kCompressionAt = 16;
constexpr std::size_t kStoredAt = 24;
constexpr std::size_t kDecodedAt = 32;
constexpr std::size_t kDataSumAt = 40;
constexpr std::size_t kHeaderSumAt = 48;
const std::string kMagic("\x89LeakScope\r\n\x1a\n", 14);

template<typename T>
T peek(const std::string& bytes, std::size_t at)
{
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

template<typename T>
void poke(std::string& bytes, std::size_t at, T value)
{
    std::memcpy(bytes.data() + at, &value, sizeof(T));
}

// Recomputes the header checksum, as a writer that meant these fields would have.
void resealHeader(std::string& bytes)
{
    poke<std::uint64_t>(bytes, kHeaderSumAt, xxh64(bytes.data(), kHeaderSumAt));
}

// A file with these fields and data, checksums made to match.
std::string craftFile(std::uint8_t compression, std::string_view data, std::uint64_t decoded)
{
    std::string bytes = kMagic + std::string(kHeader - kMagic.size(), '\0');
    poke<std::uint16_t>(bytes, kVersionAt, 1);
    bytes[kCompressionAt] = static_cast<char>(compression);
    poke<std::uint64_t>(bytes, kStoredAt, data.size());
    poke<std::uint64_t>(bytes, kDecodedAt, decoded);
    poke<std::uint64_t>(bytes, kDataSumAt, xxh64(data));
    resealHeader(bytes);
    return bytes.append(data);
}

std::string readAll(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

bool writeAll(const std::string& path, std::string_view bytes)
{
    // A fresh file each time: rewriting one in place makes ext4 flush it on close (auto_da_alloc),
    // which turns the corpus tests' thousands of small files into thousands of disk writes.
    QFile::remove(QString::fromStdString(path));
    QFile file(QString::fromStdString(path));
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes.data(), static_cast<qint64>(bytes.size())) == static_cast<qint64>(bytes.size());
}

// The loader's message for a file that must be rejected, or a marker the checks below fail on.
std::string rejection(const std::string& path)
{
    try {
        loadSnapshotFile(path);
    } catch (const SnapshotFileError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("WRONG EXCEPTION TYPE: ") + e.what();
    }
    return "ACCEPTED";
}

// One line that starts with the file's name and says something after it.
bool isCleanMessage(const std::string& message, const std::string& path)
{
    return message.size() > path.size() + 2 && message.compare(0, path.size() + 2, path + ": ") == 0
        && message.find('\n') == std::string::npos;
}

std::string rejectionOf(const std::string& path, std::string_view bytes)
{
    if (!writeAll(path, bytes))
        return "CANNOT WRITE " + path;
    return rejection(path);
}

QStringList entries(const QString& folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

SnapshotSaveOptions stored(SnapshotCompression compression)
{
    SnapshotSaveOptions options;
    options.compression = compression;
    return options;
}

// The section payloads of an encoding, [start, end) each, found by walking its headers.
std::vector<std::pair<std::size_t, std::size_t>> sectionPayloads(const std::string& encoding)
{
    std::vector<std::pair<std::size_t, std::size_t>> payloads;
    for (std::size_t pos = 16; pos + 16 <= encoding.size();) {
        const std::size_t bytes = peek<std::uint32_t>(encoding, pos + 4) * peek<std::uint64_t>(encoding, pos + 8);
        payloads.emplace_back(pos + 16, pos + 16 + bytes);
        pos += 16 + (bytes + 7) / 8 * 8;
    }
    return payloads;
}

} // namespace

class TestSnapshotFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string pathOf(const QString& name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void checksumIsXxh64()
    {
        // The published XXH64 values of the empty input and of "abc"...
        QCOMPARE(xxh64("", 0), 0xEF46DB3751D8E999ULL);
        QCOMPARE(xxh64(std::string_view("abc")), 0x44BC2CF5AD770999ULL);
        // ...and zstd's frame checksum, the low 32 bits of XXH64 of the content, across every tail
        // length and the stripe boundaries; fed in uneven pieces it gives the same value.
        std::mt19937_64 random(7);
        std::string data(100'003, '\0');
        for (char& c : data)
            c = static_cast<char>(random());
        for (std::size_t length : {0, 1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 65, 100, 1000, 100'003}) {
            const std::string_view input(data.data(), length);
            std::string frame(ZSTD_compressBound(length), '\0');
            ZSTD_CCtx* cctx = ZSTD_createCCtx();
            ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
            const std::size_t written = ZSTD_compress2(cctx, frame.data(), frame.size(), input.data(), input.size());
            ZSTD_freeCCtx(cctx);
            QVERIFY(!ZSTD_isError(written));
            const auto zstdSum = peek<std::uint32_t>(frame, written - 4);
            QCOMPARE(static_cast<std::uint32_t>(xxh64(input)), zstdSum);
            Xxh64 pieces;
            for (std::size_t at = 0, step = 1; at < length; at += step, step = step * 3 % 97 + 1)
                pieces.update(input.substr(at, step));
            QCOMPARE(pieces.digest(), xxh64(input));
        }
        QVERIFY(xxh64(data, 1) != xxh64(data, 0)); // the seed counts
    }

    void roundTrips_data()
    {
        QTest::addColumn<int>("compression");
        QTest::addColumn<int>("level");
        QTest::addColumn<int>("workers");
        QTest::newRow("as is") << int(SnapshotCompression::None) << 0 << 0;
        QTest::newRow("zstd, default level") << int(SnapshotCompression::Zstd) << SnapshotSaveOptions().zstdLevel << 0;
        QTest::newRow("zstd -5") << int(SnapshotCompression::Zstd) << -5 << 0;
        QTest::newRow("zstd 19") << int(SnapshotCompression::Zstd) << 19 << 0;
        QTest::newRow("zstd, 2 workers") << int(SnapshotCompression::Zstd) << 3 << 2;
    }

    void roundTrips()
    {
        QFETCH(int, compression);
        QFETCH(int, level);
        QFETCH(int, workers);
        const SnapshotSaveOptions options{SnapshotCompression(compression), level, workers};
        for (const SnapshotColumns& original : {featureColumns(), SnapshotColumns(), syntheticHeap(50'000, "big")}) {
            const std::string path = pathOf(u"round.lssnap"_s);
            saveSnapshotFile(Snapshot(original), path, options);
            const SnapshotPtr loaded = loadSnapshotFile(path);
            QVERIFY(loaded);
            compareColumns(loaded->expandedColumns(), original);
            if (QTest::currentTestFailed())
                return;

            // The header says what the document says it says.
            const std::string bytes = readAll(path);
            QCOMPARE(bytes.substr(0, kMagic.size()), kMagic);
            QCOMPARE(peek<std::uint16_t>(bytes, kVersionAt), std::uint16_t(1));
            QCOMPARE(int(bytes[kCompressionAt]), compression == int(SnapshotCompression::Zstd) ? 1 : 0);
            QCOMPARE(peek<std::uint64_t>(bytes, kStoredAt), std::uint64_t(bytes.size() - kHeader));
            const std::string encoding = encodeSnapshot(Snapshot(original));
            QCOMPARE(peek<std::uint64_t>(bytes, kDecodedAt), std::uint64_t(encoding.size()));
            QCOMPARE(peek<std::uint64_t>(bytes, kDataSumAt), xxh64(std::string_view(bytes).substr(kHeader)));
            QCOMPARE(peek<std::uint64_t>(bytes, kHeaderSumAt), xxh64(bytes.data(), kHeaderSumAt));
            if (compression == int(SnapshotCompression::None))
                QCOMPARE(bytes.substr(kHeader), encoding);
            else
                QVERIFY(bytes.size() < kHeader + encoding.size()); // it pays, even on the small ones
            QCOMPARE(entries(m_dir.path()), QStringList{u"round.lssnap"_s});
            QVERIFY(isSnapshotFile(path));
            QVERIFY(QFile::remove(QString::fromStdString(path)));
        }
    }

    void replacesAnExistingFile()
    {
        const std::string path = pathOf(u"replace.lssnap"_s);
        saveSnapshotFile(Snapshot(syntheticHeap(100, "old")), path);
        saveSnapshotFile(Snapshot(syntheticHeap(200, "new")), path, stored(SnapshotCompression::None));
        const SnapshotPtr loaded = loadSnapshotFile(path);
        QCOMPARE(loaded->info().label, std::string("new"));
        QCOMPARE(loaded->objectCount(), std::size_t(200));
        QVERIFY(QFile::remove(QString::fromStdString(path)));
        QCOMPARE(entries(m_dir.path()), QStringList());
    }

    void everyTruncationFails_data()
    {
        QTest::addColumn<int>("compression");
        QTest::newRow("as is") << int(SnapshotCompression::None);
        QTest::newRow("zstd") << int(SnapshotCompression::Zstd);
    }

    void everyTruncationFails()
    {
        QFETCH(int, compression);
        const std::string whole = pathOf(u"whole.lssnap"_s);
        saveSnapshotFile(Snapshot(featureColumns()), whole, stored(SnapshotCompression(compression)));
        const std::string bytes = readAll(whole);
        QVERIFY(bytes.size() > kHeader);
        const std::string path = pathOf(u"cut.lssnap"_s);
        for (std::size_t length = 0; length < bytes.size(); ++length) {
            const std::string message = rejectionOf(path, std::string_view(bytes).substr(0, length));
            QVERIFY2(isCleanMessage(message, path), message.c_str());
            QVERIFY2(message.find(length == 0 ? "empty" : "truncated") != std::string::npos, message.c_str());
        }
        QVERIFY(QFile::remove(QString::fromStdString(path)) && QFile::remove(QString::fromStdString(whole)));
    }

    void everyBitFlipFails_data() { everyTruncationFails_data(); }

    // Every bit of the header and of every section of the data, one at a time.
    void everyBitFlipFails()
    {
        QFETCH(int, compression);
        const std::string whole = pathOf(u"whole.lssnap"_s);
        saveSnapshotFile(Snapshot(featureColumns()), whole, stored(SnapshotCompression(compression)));
        const std::string bytes = readAll(whole);
        if (compression == int(SnapshotCompression::None)) {
            // The flips below cover every section: all 30 lie inside the stored data.
            const auto payloads = sectionPayloads(bytes.substr(kHeader));
            QCOMPARE(payloads.size(), std::size_t(30));
            QCOMPARE((payloads.back().second + 7) / 8 * 8, bytes.size() - kHeader);
        }
        const std::string path = pathOf(u"flipped.lssnap"_s);
        std::size_t flips = 0;
        for (std::size_t at = 0; at < bytes.size(); ++at) {
            for (int bit = 0; bit < 8; ++bit) {
                std::string damaged = bytes;
                damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
                const std::string message = rejectionOf(path, damaged);
                QVERIFY2(isCleanMessage(message, path), (std::to_string(at) + "." + std::to_string(bit) + ": " + message).c_str());
                // Damage to the data is caught by its checksum, before anything is decoded.
                if (at >= kHeader)
                    QVERIFY2(message.find("checksum") != std::string::npos, message.c_str());
                ++flips;
            }
        }
        qInfo("%zu flipped bits in a %zu-byte file, each refused with a message", flips, bytes.size());
        QVERIFY(QFile::remove(QString::fromStdString(path)) && QFile::remove(QString::fromStdString(whole)));
    }

    void notSnapshots_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << u"empty"_s;
        QTest::newRow("text") << QByteArray("print('hello')\n") << u"text \"print('h\""_s;
        QTest::newRow("png") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << u"PNG image"_s;
        QTest::newRow("zstd") << QByteArray("\x28\xb5\x2f\xfd\x20\x00", 6) << u"zstd-compressed"_s;
        QTest::newRow("bare encoding") << QByteArray::fromStdString(encodeSnapshot(Snapshot(featureColumns())))
                                       << u"without the file header"_s;
        QTest::newRow("binary") << QByteArray("\x01\x02\x03\xff", 4) << u"bytes 01 02 03 FF"_s;
        QTest::newRow("one byte of the magic") << QByteArray("\x89") << u"truncated"_s;
    }

    void notSnapshots()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string path = pathOf(u"not-a-snapshot.lssnap"_s);
        const std::string message = rejectionOf(path, std::string_view(bytes.constData(), std::size_t(bytes.size())));
        QVERIFY2(isCleanMessage(message, path), message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QVERIFY(QFile::remove(QString::fromStdString(path)));
    }

    void notFiles()
    {
        const std::string missing = pathOf(u"missing.lssnap"_s);
        QVERIFY(rejection(missing) == missing + ": no such file");
        const std::string folder = m_dir.path().toStdString();
        QVERIFY2(rejection(folder).find(folder + ": it is a folder") == 0, rejection(folder).c_str());
        // A FIFO with no writer: refused at once instead of waiting for one.
        const std::string fifo = pathOf(u"fifo.lssnap"_s);
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QVERIFY2(rejection(fifo).find("not a regular file") != std::string::npos, rejection(fifo).c_str());
        QVERIFY(!isSnapshotFile(pathOf(u"fifo"_s)));
        QCOMPARE(::rename(fifo.c_str(), pathOf(u"fifo"_s).c_str()), 0);
        QVERIFY(!isSnapshotFile(pathOf(u"fifo"_s)));
        QCOMPARE(::unlink(pathOf(u"fifo"_s).c_str()), 0);
    }

    void transferDamage()
    {
        const std::string whole = pathOf(u"whole.lssnap"_s);
        saveSnapshotFile(Snapshot(featureColumns()), whole);
        const std::string bytes = readAll(whole);
        const std::string path = pathOf(u"transferred.lssnap"_s);

        std::string crlfToLf = bytes;
        for (std::size_t at; (at = crlfToLf.find("\r\n")) != std::string::npos;)
            crlfToLf.erase(at, 1);
        std::string lfToCrlf;
        for (char c : bytes)
            lfToCrlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        std::string sevenBits = bytes;
        for (char& c : sevenBits)
            c = static_cast<char>(c & 0x7f);
        QVERIFY2(rejectionOf(path, crlfToLf).find("text mode") != std::string::npos, rejectionOf(path, crlfToLf).c_str());
        QVERIFY2(rejectionOf(path, lfToCrlf).find("text mode") != std::string::npos, rejectionOf(path, lfToCrlf).c_str());
        QVERIFY2(rejectionOf(path, sevenBits).find("7 bits") != std::string::npos, rejectionOf(path, sevenBits).c_str());
        QVERIFY(QFile::remove(QString::fromStdString(path)) && QFile::remove(QString::fromStdString(whole)));
    }

    void headerClaimsAreChecked()
    {
        const std::string path = pathOf(u"claims.lssnap"_s);
        const std::string encoding = encodeSnapshot(Snapshot(featureColumns()));
        QVERIFY(writeAll(path, craftFile(0, encoding, encoding.size())));
        QVERIFY(loadSnapshotFile(path)); // the crafted header is what a writer writes

        const auto expectRejection = [&](const std::string& bytes, const char* expected) {
            const std::string message = rejectionOf(path, bytes);
            QVERIFY2(isCleanMessage(message, path), message.c_str());
            QVERIFY2(message.find(expected) != std::string::npos, (message + " lacks " + expected).c_str());
        };
        std::string newer = craftFile(0, encoding, encoding.size());
        poke<std::uint16_t>(newer, kVersionAt, 2);
        resealHeader(newer);
        expectRejection(newer, "file layer version 2 is newer than this LeakScope reads (1)");
        std::string zero = newer;
        poke<std::uint16_t>(zero, kVersionAt, 0);
        resealHeader(zero);
        expectRejection(zero, "version 0");
        std::string kind = craftFile(7, encoding, encoding.size());
        expectRejection(kind, "unknown compression kind 7");
        std::string reserved = craftFile(0, encoding, encoding.size());
        reserved[kCompressionAt + 3] = 1;
        resealHeader(reserved);
        expectRejection(reserved, "reserved");
        expectRejection(craftFile(0, encoding, encoding.size() + 8), "inconsistent");
        expectRejection(craftFile(0, encoding, encoding.size()) + "tail", "4 bytes of unexpected data");
        // A newer encoding inside a sound file: the codec's message, behind the file's name.
        std::string newerEncoding = encoding;
        poke<std::uint32_t>(newerEncoding, 8, kSnapshotFormatVersion + 1);
        expectRejection(craftFile(0, newerEncoding, newerEncoding.size()), "invalid snapshot data, byte 8: snapshot format version");

        // zstd data whose frame disagrees with the header, or has something after it.
        std::string frame(ZSTD_compressBound(encoding.size()), '\0');
        frame.resize(ZSTD_compress(frame.data(), frame.size(), encoding.data(), encoding.size(), 1));
        QVERIFY(writeAll(path, craftFile(1, frame, encoding.size())));
        QVERIFY(loadSnapshotFile(path));
        expectRejection(craftFile(1, frame, encoding.size() - 8), "the zstd frame holds");
        expectRejection(craftFile(1, frame + frame, encoding.size()), "unexpected data after the zstd frame");
        expectRejection(craftFile(1, encoding, encoding.size()), "not a zstd frame");
        expectRejection(craftFile(1, frame.substr(0, frame.size() - 3), encoding.size()), "the compressed data is corrupted");
        QVERIFY(QFile::remove(QString::fromStdString(path)));
    }

    // A small file that claims a huge uncompressed size is refused before anything of that size is
    // allocated; so is one within the ceiling whose frame does not back the claim.
    void hugeClaimsAllocateNothing()
    {
        const std::string path = pathOf(u"huge.lssnap"_s);
        const std::string encoding = encodeSnapshot(Snapshot(featureColumns()));
        std::string frame(ZSTD_compressBound(encoding.size()), '\0');
        frame.resize(ZSTD_compress(frame.data(), frame.size(), encoding.data(), encoding.size(), 1));
        for (const std::uint64_t claim : {std::uint64_t(1) << 40, std::uint64_t(1) << 62, ~std::uint64_t(0),
                                          std::uint64_t(frame.size() * kSnapshotFileMaxExpansion)}) {
            QVERIFY(writeAll(path, craftFile(1, frame, claim)));
            std::string message;
            const std::size_t allocated = allocatedDuring([&] { message = rejection(path); });
            QVERIFY2(isCleanMessage(message, path), message.c_str());
            QVERIFY2(allocated < 64 * 1024, (std::to_string(allocated) + " bytes allocated: " + message).c_str());
        }
        QVERIFY(QFile::remove(QString::fromStdString(path)));
    }

    void isSnapshotFileLooksAtNameOrMagic()
    {
        QVERIFY(isSnapshotFile(pathOf(u"not-there.lssnap"_s)));
        const std::string saved = pathOf(u"named-otherwise.bin"_s);
        saveSnapshotFile(Snapshot(featureColumns()), saved);
        QVERIFY(isSnapshotFile(saved));
        const std::string text = pathOf(u"notes.txt"_s);
        QVERIFY(writeAll(text, "\x89LeakScope, but not quite"));
        QVERIFY(!isSnapshotFile(text));
        QVERIFY(!isSnapshotFile(pathOf(u"missing.bin"_s)));
        QVERIFY(!isSnapshotFile(m_dir.path().toStdString()));
        QVERIFY(QFile::remove(QString::fromStdString(saved)) && QFile::remove(QString::fromStdString(text)));
    }

    void saveFailsCleanly()
    {
        const Snapshot snapshot(featureColumns());
        const auto expectFailure = [&](const std::string& path, const char* expected) {
            try {
                saveSnapshotFile(snapshot, path);
                QFAIL(("saved to " + path).c_str());
            } catch (const SnapshotFileError& e) {
                const std::string message = e.what();
                QVERIFY2(isCleanMessage(message, path), message.c_str());
                QVERIFY2(message.find(expected) != std::string::npos, message.c_str());
            }
        };
        const std::string missing = pathOf(u"no/such/folder/a.lssnap"_s);
        const std::string missingFolder = "the folder " + m_dir.path().toStdString() + "/no/such/folder does not exist";
        expectFailure(missing, missingFolder.c_str());
        expectFailure(m_dir.path().toStdString(), "folder");
        const std::string notFolder = pathOf(u"plain"_s);
        QVERIFY(writeAll(notFolder, "x"));
        expectFailure(notFolder + "/a.lssnap", "not a folder");
        QVERIFY(QFile::remove(QString::fromStdString(notFolder)));
        QCOMPARE(entries(m_dir.path()), QStringList());
    }

    // As an unprivileged user (the writer drops to "nobody" when the test runs as root, whom
    // permissions do not stop), into a folder it may not write: refused, the old file untouched.
    void saveIntoReadOnlyFolder()
    {
        QTemporaryDir base;
        QVERIFY(base.isValid());
        QVERIFY(QFile::setPermissions(base.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                       | QFile::ReadOther | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        const QString folder = base.filePath(u"read-only"_s);
        QVERIFY(QDir().mkdir(folder));
        const std::string path = (folder + u"/kept.lssnap"_s).toStdString();
        saveSnapshotFile(Snapshot(syntheticHeap(10, "old")), path);
        const std::string before = readAll(path);
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther
                                                  | QFile::ReadGroup | QFile::ExeGroup));
        QProcess writer;
        writer.start(QStringLiteral(LEAKSCOPE_SNAPSHOT_FILE_WRITER), {u"as-nobody"_s, QString::fromStdString(path)});
        QVERIFY(writer.waitForFinished(60'000));
        const std::string message = writer.readAllStandardOutput().trimmed().toStdString();
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QVERIFY2(writer.exitCode() == 3, (message + writer.readAllStandardError().toStdString()).c_str());
        QVERIFY2(isCleanMessage(message, path) && message.find("permission denied") != std::string::npos, message.c_str());
        QCOMPARE(readAll(path), before);
        QCOMPARE(entries(folder), QStringList{u"kept.lssnap"_s});
    }

    // A file size limit makes write() fail with EFBIG, as a full disk makes it fail with ENOSPC; both
    // take the same path through the writer.
    void fileSizeLimitStandsInForAFullDisk()
    {
        const QString folder = m_dir.filePath(u"limited"_s);
        QVERIFY(QDir().mkdir(folder));
        const std::string path = (folder + u"/kept.lssnap"_s).toStdString();
        saveSnapshotFile(Snapshot(syntheticHeap(10, "old")), path);
        const std::string before = readAll(path);
        QProcess writer;
        writer.start(QStringLiteral(LEAKSCOPE_SNAPSHOT_FILE_WRITER),
                     {u"limit"_s, QString::fromStdString(path), u"50000"_s, u"65536"_s});
        QVERIFY(writer.waitForFinished(60'000));
        const std::string message = writer.readAllStandardOutput().trimmed().toStdString();
        QVERIFY2(writer.exitStatus() == QProcess::NormalExit && writer.exitCode() == 3, message.c_str());
        QVERIFY2(isCleanMessage(message, path) && message.find("too large") != std::string::npos, message.c_str());
        QCOMPARE(readAll(path), before);
        QCOMPARE(entries(folder), QStringList{u"kept.lssnap"_s});
    }

    void abandonedTemporaryFilesAreRemoved_data()
    {
        QTest::addColumn<int>("temporary");
        QTest::newRow("best") << int(AtomicFile::Temporary::Best);
        QTest::newRow("named") << int(AtomicFile::Temporary::Named);
    }

    void abandonedTemporaryFilesAreRemoved()
    {
        QFETCH(int, temporary);
        const QString folder = m_dir.filePath(u"atomic"_s);
        QVERIFY(QDir().mkpath(folder));
        const std::string path = (folder + u"/target"_s).toStdString();
        {
            AtomicFile file(path, AtomicFile::Temporary(temporary));
            file.write("abandoned", 9);
            qInfo("temporary file %s", file.isUnnamed() ? "unnamed (O_TMPFILE)" : "named");
            if (temporary == int(AtomicFile::Temporary::Named))
                QCOMPARE(entries(folder).size(), 1);
        }
        QCOMPARE(entries(folder), QStringList());
        {
            AtomicFile file(path, AtomicFile::Temporary(temporary));
            file.write("0123456789", 10);
            file.writeAt(2, "ab", 2);
            file.commit();
        }
        QCOMPARE(readAll(path), std::string("01ab456789"));
        QCOMPARE(entries(folder), QStringList{u"target"_s});
        QVERIFY(QDir(folder).removeRecursively());
    }

    // A writer killed at various moments of saving over and over: the final name always holds a
    // complete snapshot, the old one or a new one, and nothing else is left but what a kill cannot
    // clean up (a hidden temporary file, only where the system has no unnamed ones).
    void killedWriterLeavesACompleteFile()
    {
        const QString folder = m_dir.filePath(u"killed"_s);
        QVERIFY(QDir().mkdir(folder));
        const std::string path = (folder + u"/kept.lssnap"_s).toStdString();
        constexpr ObjectIndex kObjects = 1'000'000;
        saveSnapshotFile(Snapshot(syntheticHeap(1000, "old")), path);
        const SnapshotColumns expectedNew = syntheticHeap(kObjects, "new");
        int sawOld = 0, sawNew = 0, strays = 0;
        for (const int delayMs : {30, 120, 250, 400, 700}) {
            QProcess writer;
            writer.start(QStringLiteral(LEAKSCOPE_SNAPSHOT_FILE_WRITER),
                         {u"loop"_s, QString::fromStdString(path), QString::number(kObjects)});
            QVERIFY(writer.waitForStarted(10'000));
            QThread::msleep(delayMs);
            writer.kill();
            QVERIFY(writer.waitForFinished(10'000));
            QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
            const SnapshotPtr loaded = loadSnapshotFile(path);
            if (loaded->info().label == "old") {
                ++sawOld;
                QCOMPARE(loaded->objectCount(), std::size_t(1000));
            } else {
                ++sawNew;
                compareColumns(loaded->expandedColumns(), expectedNew);
                if (QTest::currentTestFailed())
                    return;
            }
            for (const QString& name : entries(folder)) {
                if (name == u"kept.lssnap"_s)
                    continue;
                QVERIFY2(name.startsWith(u".kept.lssnap."_s) && name.endsWith(u".tmp"_s), qPrintable(name));
                ++strays;
                QVERIFY(QFile::remove(folder + u'/' + name));
            }
        }
        qInfo("after the kills: %d times the old file, %d times a new one; %d temporary files left", sawOld, sawNew, strays);
    }

    // Save and load times at a size a big application reaches, printed (not asserted).
    void largeSnapshotFigures()
    {
        const Snapshot original(syntheticHeap(1'000'000, "figures"));
        const std::string path = pathOf(u"large.lssnap"_s);
        for (const SnapshotCompression compression : {SnapshotCompression::None, SnapshotCompression::Zstd}) {
            QElapsedTimer timer;
            timer.start();
            saveSnapshotFile(original, path, stored(compression));
            const double saveSeconds = timer.nsecsElapsed() / 1e9;
            timer.restart();
            const SnapshotPtr loaded = loadSnapshotFile(path);
            const double loadSeconds = timer.nsecsElapsed() / 1e9;
            QCOMPARE(loaded->objectCount(), original.objectCount());
            QCOMPARE(loaded->columns().edges, original.columns().edges);
            qInfo("%s: %zu objects, %.1f MB file, save %.3f s, load %.3f s",
                  compression == SnapshotCompression::None ? "as is" : "zstd", original.objectCount(),
                  readAll(path).size() / 1e6, saveSeconds, loadSeconds);
        }
        const std::string encoding = encodeSnapshot(original);
        QElapsedTimer timer;
        timer.start();
        const std::uint64_t sum = xxh64(encoding);
        qInfo("checksum of %.1f MB: %.4f s (%llx)", encoding.size() / 1e6, timer.nsecsElapsed() / 1e9,
              static_cast<unsigned long long>(sum));
        QVERIFY(QFile::remove(QString::fromStdString(path)));
    }
};

QTEST_GUILESS_MAIN(TestSnapshotFile)
#include "tst_snapshot_file.moc"
