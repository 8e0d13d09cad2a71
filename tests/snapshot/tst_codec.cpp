// The snapshot codec: exact round trips, the documented layout, and the decoder's behaviour on
// untrusted bytes (truncation, corruption, lying counts, wrong magic or version, trailing bytes),
// including how much memory it allocates before it gives up. Ends with a heap of the size a large
// application produces, whose encode and decode times are printed (not asserted).

#include "snapshot/analysis.h"
#include "snapshot/snapshot_codec.h"
#include "counting_allocator.h"
#include "feature_columns.h"
#include "test_graph.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr std::uint64_t kTwo32 = 1ULL << 32;
constexpr std::size_t kHeader = 16;
constexpr std::size_t kSectionHeader = 16;
const char* const kTags[] = {"INFO", "PYVR", "LABL", "ADDR", "TYPE", "SIZE", "RCNT", "FLAG", "LSIZ",
                             "LRCN", "EOFF", "EDGE", "ROFF", "REPR", "LOWN", "LSTA", "ELBL", "AOWN", "AOFF", "AFRM", "NOWN", "NSOF", "NSOO", "NSFR", "NFLD", "NFRM",
                             "TYPS", "EXPL", "SOFF", "SBLB"};
const char* const kNativeTags[] = {"NOWN", "NSOF", "NSOO", "NSFR", "NFLD", "NFRM"};

std::string encoded(const SnapshotColumns& c)
{
    return encodeSnapshot(Snapshot(c));
}

// Touches everything a consumer of a decoded snapshot may touch; ASan turns any out-of-range read
// into a failure. The sum only keeps the work from being optimised away.
std::size_t exercise(const Snapshot& s)
{
    std::size_t sum = 0;
    for (ObjectIndex i = 0; i < s.objectCount(); ++i) {
        sum += s.address(i) + s.size(i) + s.refcount(i) + s.flags(i) + s.typeNameOf(i).size() + s.repr(i).size();
        for (ObjectIndex r : s.referents(i))
            sum += r;
        if (const ExplanationRecord* e = s.explanation(i))
            sum += s.string(e->kind).size() + s.string(e->detail).size();
    }
    for (TypeIndex t = 0; t < s.typeCount(); ++t)
        sum += s.typeName(t).size() + s.string(s.type(t).module).size() + s.string(s.type(t).qualname).size();
    const HeapAnalysis analysis(s);
    const ReferrerIndex referrers(s);
    for (ObjectIndex i = 0; i < s.objectCount(); ++i)
        sum += referrers.referrers(i).size() + analysis.referrerCount(i) + analysis.isSuspect(i);
    for (ObjectIndex i = 0; i < s.objectCount(); ++i) {
        for (std::uint32_t frame : s.nativeStack(i))
            sum += s.string(s.nativeFrame(frame).function).size() + s.string(s.nativeFrame(frame).file).size()
                + s.string(s.nativeFrame(frame).library).size();
        sum += s.nativeStackFolded(i);
    }
    return sum + analysis.typeSummary().size() + s.info().label.size();
}

// Header offset of each section, found by walking the headers as docs/snapshot-format.md describes.
template<typename T>
void poke(std::string& bytes, std::size_t offset, T value)
{
    std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

template<typename T>
T peek(const std::string& bytes, std::size_t offset)
{
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

// The section after the one whose header is at pos: header, payload, padding to 8 bytes.
std::size_t nextSection(const std::string& bytes, std::size_t pos)
{
    return pos + kSectionHeader + (peek<std::uint32_t>(bytes, pos + 4) * peek<std::uint64_t>(bytes, pos + 8) + 7) / 8 * 8;
}

std::size_t sectionOffset(const std::string& bytes, const char* tag)
{
    for (std::size_t pos = kHeader; pos + kSectionHeader <= bytes.size(); pos = nextSection(bytes, pos)) {
        if (bytes.compare(pos, 4, tag) == 0)
            return pos;
    }
    return std::string::npos;
}

// The encoding as an older version wrote it: the version in the header, no native sections, INFO's
// native depth zero (it was reserved), and for version 1 allocation frames of 8 bytes.
std::string asOlderVersion(const std::string& v3, std::uint32_t version)
{
    std::string out = v3.substr(0, kHeader);
    poke<std::uint32_t>(out, 8, version);
    poke<std::uint32_t>(out, 12, 24);
    std::size_t at = kHeader;
    while (at < v3.size()) {
        const std::string tag = v3.substr(at, 4);
        const auto size = peek<std::uint32_t>(v3, at + 4);
        const auto count = static_cast<std::size_t>(peek<std::uint64_t>(v3, at + 8));
        const std::size_t padded = (size * count + 7) / 8 * 8;
        std::string section = v3.substr(at, kSectionHeader + padded);
        at += kSectionHeader + padded;
        if (std::find(std::begin(kNativeTags), std::end(kNativeTags), tag) != std::end(kNativeTags))
            continue;
        if (tag == "INFO")
            poke<std::uint32_t>(section, kSectionHeader + 28, 0);
        if (tag == "AFRM" && version == 1) {
            std::string frames;
            for (std::size_t k = 0; k < count; ++k)
                frames += section.substr(kSectionHeader + 12 * k, 8);
            frames.resize((frames.size() + 7) / 8 * 8, '\0');
            section = section.substr(0, kSectionHeader) + frames;
            poke<std::uint32_t>(section, 4, 8);
        }
        out += section;
    }
    return out;
}

// The decoder's message for bytes that must be rejected; fails the test when they are accepted or
// rejected with anything but SnapshotFormatError.
std::string rejection(std::string_view bytes)
{
    try {
        decodeSnapshot(bytes);
    } catch (const SnapshotFormatError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("WRONG EXCEPTION TYPE: ") + e.what();
    }
    return "ACCEPTED";
}

} // namespace

class TestCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripsEveryFeature()
    {
        const SnapshotColumns original = featureColumns();
        const SnapshotPtr decoded = decodeSnapshot(encoded(original));
        QVERIFY(decoded);
        compareColumns(decoded->expandedColumns(), original);
        if (QTest::currentTestFailed())
            return;
        // The large values come back through the side tables, not just as bytes.
        const Snapshot& s = *decoded;
        QCOMPARE(s.objectCount(), std::size_t(6));
        QCOMPARE(s.refcount(0), kTwo32 + 5);
        QCOMPARE(s.size(1), kTwo32 * 5);
        QCOMPARE(s.size(2), kTwo32 * 4);
        QCOMPARE(s.refcount(2), kTwo32 * 8);
        QCOMPARE(s.size(5), std::uint64_t(UINT32_MAX));
        QCOMPARE(s.refcount(5), std::uint64_t(UINT32_MAX - 1));
        QCOMPARE(s.address(4), std::uint64_t(0xfffffffffffffff0ULL));
        QCOMPARE(toVector(s.referents(0)), (std::vector<ObjectIndex>{1, 1, 3}));
        QCOMPARE(s.gcObjectCount(), std::size_t(4));
        QCOMPARE(s.repr(5), std::string("'\xf0\x9f\x90\x8d'"));
        QCOMPARE(std::string(s.typeNameOf(4)), std::string("pkg.sub.Klass"));
        QCOMPARE(s.type(s.typeOf(4)).flags, std::uint8_t(HeapType));
        QCOMPARE(s.type(s.typeOf(2)).flags, std::uint8_t(0));
        QCOMPARE(std::string(s.typeName(1)), std::string("unused.Type"));
        QCOMPARE(s.allocationSite(0).size(), std::size_t(2));
        QCOMPARE(std::string(s.string(s.allocationSite(0)[0].file)), std::string("/srv/app/jobs.py"));
        QCOMPARE(s.allocationSite(0)[1].line, 7u);
        QCOMPARE(std::string(s.string(s.allocationSite(0)[0].function)), std::string("Klass"));
        QCOMPARE(s.allocationSite(0)[1].function, StringId(0));
        QVERIFY(s.allocationSite(4).empty());
        QVERIFY(s.allocationSite(1).empty());
        QCOMPARE(std::string(s.string(s.type(s.typeOf(1)).symbol)), std::string("Big_Type"));
        QCOMPARE(std::string(s.string(s.type(s.typeOf(1)).source)), std::string("src/big.c:120"));
        QCOMPARE(s.info().tracemallocDepth, 25u);
        QCOMPARE(s.edgeLabels(2).size(), std::size_t(2));
        QCOMPARE(std::string(s.string(s.edgeLabels(2)[0])), std::string("['caf\xc3\xa9']"));
        QCOMPARE(s.edgeLabels(2)[1], StringId(0));
        QCOMPARE(std::string(s.string(s.edgeLabels(1)[0])), std::string(".__dict__"));
        QVERIFY(s.edgeLabels(0).empty());
        QVERIFY(s.explanation(4));
        QCOMPARE(std::string(s.string(s.explanation(4)->kind)), std::string("module-state"));
        QVERIFY(!s.explanation(1));
        QCOMPARE(s.info().label, std::string("nightly \xe2\x80\x93 \xc3\xbcn\xc3\xaf" "code"));
        // Native stacks: 0 and 4 share one, 3 and 5 have none.
        QCOMPARE(s.info().nativeTraceDepth, 16u);
        QCOMPARE(s.nativeStackCount(), std::size_t(3));
        QCOMPARE(s.nativeStack(0).size(), std::size_t(4));
        QVERIFY(std::ranges::equal(s.nativeStack(0), s.nativeStack(4)));
        QCOMPARE(s.nativeStackFolded(0), std::uint16_t(2));
        QCOMPARE(std::string(s.string(s.nativeFrame(s.nativeStack(0)[2]).function)), std::string("big_cache_entry"));
        QCOMPARE(s.nativeFrame(s.nativeStack(0)[2]).flags, std::uint32_t(NativeFrameInlined));
        QCOMPARE(s.nativeFrame(s.nativeStack(0)[3]).line, 130u);
        QCOMPARE(s.nativeFrame(s.nativeStack(2)[0]).address, std::uint64_t(0x7f5500004321ULL));
        QCOMPARE(s.nativeFrame(s.nativeStack(2)[0]).function, StringId(0));
        QCOMPARE(s.nativeStackFolded(1), std::uint16_t(1));
        QVERIFY(s.nativeStack(3).empty());
        QVERIFY(s.nativeStack(5).empty());
        QCOMPARE(s.nativeStackFolded(5), std::uint16_t(0));
        // Deterministic: encoding the decoded snapshot gives the same bytes.
        QCOMPARE(encodeSnapshot(s), encoded(original));
    }

    void roundTripsEmptySnapshot()
    {
        const SnapshotColumns empty;
        const std::string bytes = encoded(empty);
        // Header, 30 section headers, the INFO record, and the one-entry edge, repr, allocation and
        // native stack offsets and the string pool's two offsets, each padded to 8 bytes.
        QCOMPARE(bytes.size(), kHeader + 30 * kSectionHeader + 32 + 8 + 8 + 8 + 8 + 8);
        const SnapshotPtr decoded = decodeSnapshot(bytes);
        QCOMPARE(decoded->objectCount(), std::size_t(0));
        QCOMPARE(decoded->edgeCount(), std::size_t(0));
        compareColumns(decoded->expandedColumns(), empty);
    }

    void layoutMatchesTheDocument()
    {
        const std::string bytes = encoded(featureColumns());
        QCOMPARE(bytes.substr(0, 8), std::string("\x89LSNAP\r\n"));
        QCOMPARE(peek<std::uint32_t>(bytes, 8), kSnapshotFormatVersion);
        QCOMPARE(peek<std::uint32_t>(bytes, 12), std::uint32_t(30));
        QCOMPARE(bytes.size() % 8, std::size_t(0));
        // Sections in the documented order, each starting 8-byte aligned, the last ending the input.
        std::size_t pos = kHeader;
        for (const char* tag : kTags) {
            QCOMPARE(bytes.substr(pos, 4), std::string(tag));
            QCOMPARE(sectionOffset(bytes, tag), pos);
            pos = nextSection(bytes, pos);
        }
        QCOMPARE(pos, bytes.size());
        // Spot checks of the contents: six objects, the address column raw, the first large size record.
        const std::size_t addr = sectionOffset(bytes, "ADDR");
        QCOMPARE(peek<std::uint64_t>(bytes, addr + 8), std::uint64_t(6));
        QCOMPARE(peek<std::uint64_t>(bytes, addr + 16 + 4 * 8), std::uint64_t(0xfffffffffffffff0ULL));
        const std::size_t lsiz = sectionOffset(bytes, "LSIZ");
        QCOMPARE(peek<std::uint32_t>(bytes, lsiz + 16), std::uint32_t(1));
        QCOMPARE(peek<std::uint32_t>(bytes, lsiz + 20), std::uint32_t(0));
        QCOMPARE(peek<std::uint64_t>(bytes, lsiz + 24), kTwo32 * 5);
        const std::size_t info = sectionOffset(bytes, "INFO");
        QCOMPARE(peek<std::int64_t>(bytes, info + 16 + 16), std::int64_t(424242));
        QCOMPARE(peek<std::uint32_t>(bytes, info + 16 + 28), 16u); // native trace depth
        // A native frame: address, function, library, file, line, flags, a reserved zero.
        const std::size_t nfrm = sectionOffset(bytes, "NFRM");
        QCOMPARE(peek<std::uint32_t>(bytes, nfrm + 4), 32u);
        const SnapshotColumns c = featureColumns();
        for (std::size_t k = 0; k < c.nativeFrames.size(); ++k) {
            const std::size_t at = nfrm + 16 + 32 * k;
            QCOMPARE(peek<std::uint64_t>(bytes, at), c.nativeFrames[k].address);
            QCOMPARE(peek<std::uint32_t>(bytes, at + 8), c.nativeFrames[k].function);
            QCOMPARE(peek<std::uint32_t>(bytes, at + 12), c.nativeFrames[k].library);
            QCOMPARE(peek<std::uint32_t>(bytes, at + 16), c.nativeFrames[k].file);
            QCOMPARE(peek<std::uint32_t>(bytes, at + 20), c.nativeFrames[k].line);
            QCOMPARE(peek<std::uint32_t>(bytes, at + 24), c.nativeFrames[k].flags);
            QCOMPARE(peek<std::uint32_t>(bytes, at + 28), 0u);
        }
        const std::size_t nfld = sectionOffset(bytes, "NFLD");
        QCOMPARE(peek<std::uint32_t>(bytes, nfld + 4), 2u);
        QCOMPARE(peek<std::uint64_t>(bytes, nfld + 8), std::uint64_t(3));
        QCOMPARE(peek<std::uint16_t>(bytes, nfld + 16), std::uint16_t(2));
    }

    void appendsAfterExistingBytes()
    {
        const Snapshot snapshot(featureColumns());
        std::string out = "prefix";
        encodeSnapshot(snapshot, out);
        QCOMPARE(out.substr(0, 6), std::string("prefix"));
        QCOMPARE(out.substr(6), encodeSnapshot(snapshot));
    }

    void everyTruncationFails()
    {
        const std::string bytes = encoded(featureColumns());
        for (std::size_t length = 0; length < bytes.size(); ++length) {
            const std::string message = rejection(std::string_view(bytes).substr(0, length));
            QVERIFY2(message.starts_with("byte "), qPrintable(QStringLiteral("prefix of %1 bytes: %2")
                                                                  .arg(length).arg(QString::fromStdString(message))));
        }
        // A cut inside the edge array is reported at the edge count that no longer fits.
        const std::size_t edge = sectionOffset(bytes, "EDGE");
        QCOMPARE(rejection(std::string_view(bytes).substr(0, edge + 20)),
                 "byte " + std::to_string(edge + 8) + ": section EDGE claims 6 elements of 4 bytes, but the rest of the input is 4 bytes");
        QCOMPARE(rejection(""), std::string("byte 0: input ends inside the 16-byte header"));
    }

    void singleByteCorruptionFailsCleanlyOrDecodes()
    {
        const std::string bytes = encoded(featureColumns());
        std::size_t rejected = 0;
        std::size_t decoded = 0;
        for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
            for (unsigned char mask : {0x01, 0x10, 0x80, 0xff}) {
                std::string corrupt = bytes;
                corrupt[pos] = static_cast<char>(corrupt[pos] ^ mask);
                try {
                    const SnapshotPtr s = decodeSnapshot(corrupt);
                    exercise(*s);
                    ++decoded;
                } catch (const SnapshotFormatError&) {
                    ++rejected;
                }
            }
        }
        qInfo("%zu single-byte corruptions rejected, %zu decoded into valid snapshots", rejected, decoded);
        // Data bytes (addresses, sizes, repr text) may change freely; counts and offsets may not.
        QVERIFY(rejected > 0);
        QVERIFY(decoded > 0);
    }

    void randomCorruptionFailsCleanlyOrDecodes()
    {
        // Four random bytes at a time, so counts and offsets take values a single flip does not reach.
        const std::string bytes = encoded(featureColumns());
        std::mt19937 random(20261126);
        std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 4);
        std::size_t decoded = 0;
        for (int round = 0; round < 20000; ++round) {
            std::string corrupt = bytes;
            poke<std::uint32_t>(corrupt, position(random), static_cast<std::uint32_t>(random()));
            try {
                exercise(*decodeSnapshot(corrupt));
                ++decoded;
            } catch (const SnapshotFormatError&) {
            }
        }
        QVERIFY(decoded > 0);
    }

    void hugeCountsFailWithoutAllocating()
    {
        const std::string empty = encoded(SnapshotColumns());
        // 100 bytes: the header, INFO, then a python version claiming 2^40 characters.
        std::string claim = empty.substr(0, sectionOffset(empty, "PYVR") + 16);
        poke<std::uint64_t>(claim, claim.size() - 8, 1ULL << 40);
        claim.resize(100, 'x');
        std::string message;
        const std::size_t allocated = allocatedDuring([&] { message = rejection(claim); });
        QCOMPARE(message, std::string("byte 72: section PYVR claims 1099511627776 elements of 1 byte, "
                                      "but the rest of the input is 20 bytes"));
        QVERIFY2(allocated < 4096, qPrintable(QString::number(allocated)));

        // Counts whose byte size overflows 64 bits must not wrap around into something that fits.
        const std::size_t addr = sectionOffset(empty, "ADDR");
        for (std::uint64_t count : {std::uint64_t(1) << 40, std::uint64_t(1) << 61, (std::uint64_t(1) << 61) + 1, std::uint64_t(UINT64_MAX)}) {
            std::string lying = empty;
            poke<std::uint64_t>(lying, addr + 8, count);
            const std::size_t bytes = allocatedDuring([&] { message = rejection(lying); });
            QCOMPARE(message, "byte " + std::to_string(addr + 8) + ": section ADDR claims " + std::to_string(count)
                                  + " elements of 8 bytes, but the rest of the input is "
                                  + std::to_string(empty.size() - addr - 16) + " bytes");
            QVERIFY2(bytes < 4096, qPrintable(QString::number(bytes)));
        }
    }

    void wrongMagic()
    {
        const std::string bytes = encoded(featureColumns());
        QCOMPARE(rejection("PK\x03\x04" + bytes.substr(4)), std::string("byte 0: not a LeakScope snapshot (wrong magic)"));
        QCOMPARE(rejection("{\"format\": \"leakscope-report\"}"), std::string("byte 0: not a LeakScope snapshot (wrong magic)"));
        std::string stripped = bytes;
        stripped[0] = '\x09'; // high bit stripped by a 7-bit channel
        QCOMPARE(rejection(stripped), std::string("byte 0: not a LeakScope snapshot (wrong magic)"));
        // Text-mode damage in both directions: CRLF read as LF, LF written as CRLF.
        std::string lf = bytes;
        lf.erase(6, 1);
        QVERIFY(rejection(lf).starts_with("byte 6: the magic's \"\\r\\n\" was altered"));
        std::string crlf = bytes;
        crlf.insert(6, 1, '\r');
        QVERIFY(rejection(crlf).starts_with("byte 7: the magic's \"\\r\\n\" was altered"));
    }

    void versions()
    {
        std::string bytes = encoded(featureColumns());
        poke<std::uint32_t>(bytes, 8, 4);
        QCOMPARE(rejection(bytes), std::string("byte 8: snapshot format version 4 is newer than this LeakScope supports (3)"));
        poke<std::uint32_t>(bytes, 8, 0);
        QCOMPARE(rejection(bytes), std::string("byte 8: snapshot format version 0 does not exist"));
        poke<std::uint32_t>(bytes, 8, 3);
        poke<std::uint32_t>(bytes, 12, 24);
        QCOMPARE(rejection(bytes), std::string("byte 12: format version 3 has 30 sections, the header says 24"));
        // Version 3's sections under a version 2 header: the count is version 2's, then NOWN is refused.
        poke<std::uint32_t>(bytes, 8, 2);
        poke<std::uint32_t>(bytes, 12, 30);
        QCOMPARE(rejection(bytes), std::string("byte 12: format version 2 has 24 sections, the header says 30"));
        poke<std::uint32_t>(bytes, 12, 24);
        const std::string v3 = encoded(featureColumns());
        QCOMPARE(rejection(bytes), "byte " + std::to_string(sectionOffset(v3, "INFO") + 16 + 28)
                                       + ": reserved field of section INFO is not zero");
        poke<std::uint32_t>(bytes, sectionOffset(v3, "INFO") + 16 + 28, 0);
        QCOMPARE(rejection(bytes), "byte " + std::to_string(sectionOffset(v3, "NOWN"))
                                       + ": expected section TYPS, found 'NOWN'");
        // Version 2's 12-byte frames under a version 1 header: refused where the frames start.
        bytes = asOlderVersion(v3, 2);
        poke<std::uint32_t>(bytes, 8, 1);
        QVERIFY2(rejection(bytes).find("section AFRM has 12-byte elements, expected 8") != std::string::npos,
                 rejection(bytes).c_str());
    }

    // A version 1 encoding (frames of file and line, 8 bytes) still decodes, every function unknown,
    // and a version 2 one (no native stacks) too; written again, both are version 3.
    void readsOlderVersions_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("version 1") << 1;
        QTest::newRow("version 2") << 2;
    }
    void readsOlderVersions()
    {
        QFETCH(int, version);
        const SnapshotColumns original = featureColumns();
        const std::string v3 = encoded(original);
        const std::string old = asOlderVersion(v3, std::uint32_t(version));
        QVERIFY(old.size() < v3.size());
        SnapshotPtr decoded;
        try {
            decoded = decodeSnapshot(old);
        } catch (const SnapshotFormatError& e) {
            QFAIL(e.what());
        }
        SnapshotColumns expected = original;
        if (version == 1) {
            for (AllocationFrame& frame : expected.allocFrames)
                frame.function = 0;
        }
        expected.nativeOwners.clear();
        expected.nativeStackOf.clear();
        expected.nativeStackOffsets = {0};
        expected.nativeStackFrames.clear();
        expected.nativeStackFolded.clear();
        expected.nativeFrames.clear();
        expected.info.nativeTraceDepth = 0;
        compareColumns(decoded->expandedColumns(), expected);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(decoded->allocationSite(0)[0].line, 42u);
        QCOMPARE(decoded->allocationSite(0)[0].function == 0, version == 1);
        QVERIFY(decoded->nativeStack(0).empty());
        QCOMPARE(decoded->nativeStackCount(), std::size_t(0));
        QCOMPARE(peek<std::uint32_t>(encodeSnapshot(*decoded), 8), 3u);
        QCOMPARE(decodeSnapshot(encodeSnapshot(*decoded))->info().nativeTraceDepth, 0u);
    }

    // What the native sections must satisfy, each broken once in an otherwise valid encoding.
    void nativeSectionErrors()
    {
        const std::string bytes = encoded(featureColumns());
        const std::size_t nfrm = sectionOffset(bytes, "NFRM");
        std::string reserved = bytes;
        poke<std::uint32_t>(reserved, nfrm + 16 + 32 + 28, 1);
        QCOMPARE(rejection(reserved), "byte " + std::to_string(nfrm + 16 + 32 + 28)
                                          + ": reserved field of section NFRM is not zero");

        const std::string end = "byte " + std::to_string(bytes.size()) + " (end of input): inconsistent snapshot: ";
        std::string flags = bytes;
        poke<std::uint32_t>(flags, nfrm + 16 + 24, 2);
        QCOMPARE(rejection(flags), end + "native frame has unknown flags");

        std::string function = bytes;
        poke<std::uint32_t>(function, nfrm + 16 + 8, 100000);
        QCOMPARE(rejection(function), end + "native frame refers to a missing string");

        const std::size_t nsfr = sectionOffset(bytes, "NSFR");
        std::string frame = bytes;
        poke<std::uint32_t>(frame, nsfr + 16, 1000);
        QCOMPARE(rejection(frame), end + "native stack refers to a missing frame");

        const std::size_t nfld = sectionOffset(bytes, "NFLD");
        std::string folded = bytes;
        poke<std::uint16_t>(folded, nfld + 16, 5);
        QCOMPARE(rejection(folded), end + "native stack 0 folds more frames than it has");

        const std::size_t nsof = sectionOffset(bytes, "NSOF");
        std::string stackOf = bytes;
        poke<std::uint32_t>(stackOf, nsof + 16 + 4, 3);
        QCOMPARE(rejection(stackOf), end + "object 1 refers to a missing native stack");

        const std::size_t nown = sectionOffset(bytes, "NOWN");
        std::string owners = bytes;
        poke<std::uint32_t>(owners, nown + 16 + 4, 0);
        QCOMPARE(rejection(owners), end + "native stack owners are not sorted object indices");
        poke<std::uint32_t>(owners, nown + 16 + 4, 6);
        QCOMPARE(rejection(owners), end + "native stack owners are not sorted object indices");

        const std::size_t nsoo = sectionOffset(bytes, "NSOO");
        std::string offsets = bytes;
        poke<std::uint32_t>(offsets, nsoo + 16 + 4, 6); // {0, 6, 5, 7}
        QCOMPARE(rejection(offsets), end + "native stack offsets decrease at object 1");

        // Counts tied to another section's are checked before anything is read.
        std::string shortStackOf = bytes;
        poke<std::uint64_t>(shortStackOf, nsof + 8, 3);
        poke<std::uint32_t>(shortStackOf, nsof + 16 + 12, 0);
        QCOMPARE(rejection(shortStackOf), "byte " + std::to_string(nsof + 8)
                                              + ": section NSOF has 3 elements, expected 4 (one per native stack owner)");
        std::string noOffsets = encoded(SnapshotColumns());
        const std::size_t emptyNsoo = sectionOffset(noOffsets, "NSOO");
        // An empty NSOO: its one element's 8 padded bytes removed, the count set to 0.
        noOffsets.erase(emptyNsoo + 16, 8);
        poke<std::uint64_t>(noOffsets, emptyNsoo + 8, 0);
        QCOMPARE(rejection(noOffsets), "byte " + std::to_string(emptyNsoo + 8)
                                           + ": section NSOO is empty: it has one entry more than there are stacks");
    }

    void trailingBytesRejected()
    {
        const std::string bytes = encoded(featureColumns());
        QCOMPARE(rejection(bytes + 'x'),
                 "byte " + std::to_string(bytes.size()) + ": 1 byte of trailing garbage after the last section");
        QCOMPARE(rejection(bytes + std::string(8, '\0')),
                 "byte " + std::to_string(bytes.size()) + ": 8 bytes of trailing garbage after the last section");
        QVERIFY(rejection(bytes + bytes).starts_with("byte " + std::to_string(bytes.size()) + ": "));
    }

    void structuralErrorsNameTheirPlace()
    {
        const std::string bytes = encoded(featureColumns());
        std::string wrongTag = bytes;
        const std::size_t edge = sectionOffset(bytes, "EDGE");
        wrongTag[edge] = '\x01';
        QCOMPARE(rejection(wrongTag), "byte " + std::to_string(edge) + ": expected section EDGE, found bytes 01 44 47 45");

        std::string reserved = bytes;
        const std::size_t lrcn = sectionOffset(bytes, "LRCN");
        reserved[lrcn + 16 + 5] = 1;
        QCOMPARE(rejection(reserved), "byte " + std::to_string(lrcn + 20) + ": reserved field of section LRCN is not zero");

        std::string padding = bytes;
        const std::size_t flag = sectionOffset(bytes, "FLAG"); // 6 one-byte flags, then 2 bytes of padding
        padding[flag + 16 + 7] = 1;
        QCOMPARE(rejection(padding), "byte " + std::to_string(flag + 23) + ": nonzero padding after section FLAG");

        std::string elementSize = bytes;
        poke<std::uint32_t>(elementSize, edge + 4, 8);
        QCOMPARE(rejection(elementSize), "byte " + std::to_string(edge + 4) + ": section EDGE has 8-byte elements, expected 4");

        // Six objects but five type indices: the 4-byte short fall is exactly the padding that five need.
        std::string shortColumn = bytes;
        const std::size_t type = sectionOffset(bytes, "TYPE");
        poke<std::uint64_t>(shortColumn, type + 8, 5);
        poke<std::uint32_t>(shortColumn, type + 16 + 20, 0);
        QCOMPARE(rejection(shortColumn), "byte " + std::to_string(type + 8)
                                             + ": section TYPE has 5 elements, expected 6 (one per object)");

        // Consistency across sections is Snapshot::validate's job, reported as a format error.
        std::string badEdge = bytes;
        poke<std::uint32_t>(badEdge, edge + 16, 6);
        QCOMPARE(rejection(badEdge), "byte " + std::to_string(bytes.size())
                                          + " (end of input): inconsistent snapshot: edge points past the last object");

        std::string badPool = bytes;
        const std::size_t soff = sectionOffset(bytes, "SOFF");
        poke<std::uint32_t>(badPool, soff + 16 + 4, 1); // the empty string's end
        QVERIFY(rejection(badPool).starts_with("byte " + std::to_string(soff) + ": string pool offsets are not a partition"));
    }

    void decodingMemoryIsBoundedByInput()
    {
        const std::string bytes = encoded(featureColumns());
        SnapshotPtr decoded;
        const std::size_t allocated = allocatedDuring([&] { decoded = decodeSnapshot(bytes); });
        QVERIFY(allocated > 0); // the counter is live, so the zero-ish counts elsewhere mean something
        QVERIFY2(allocated <= 2 * bytes.size() + 4096, qPrintable(QString::number(allocated)));
        QCOMPARE(decoded->objectCount(), std::size_t(6));
    }

    // 2.6M objects and 4.3M edges, about 150 MB encoded: the size of a large application's heap.
    // What the snapshot keeps compactly (addresses split by region, row starts up to the last object
    // with referents) is written in full: the bytes are those of the columns as given.
    void compactColumnsAreWrittenInFull_data()
    {
        QTest::addColumn<int>("regions");
        QTest::newRow("two regions") << 2;
        QTest::newRow("300 regions, kept whole") << 300;
    }
    void compactColumnsAreWrittenInFull()
    {
        QFETCH(int, regions);
        SnapshotColumns c;
        StringPoolBuilder strings;
        c.types.push_back({strings.intern("mod.T"), strings.intern("mod"), strings.intern("T"), 0x1000, 0});
        c.strings = strings.take();
        constexpr ObjectIndex kObjects = 200'000; // several 64 KiB chunks of addresses
        for (ObjectIndex i = 0; i < kObjects; ++i) {
            const std::uint64_t high = 0x5500ULL + std::uint64_t(i % regions);
            c.appendObject(high << 32 | (0x40ULL * i), 0, 16, 1, i < kObjects / 3 ? GcTracked : 0);
            if (i < kObjects / 3)
                c.edges.push_back((i * 7) % kObjects);
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        const std::string given = encoded(c);
        const Snapshot compact{SnapshotColumns(c)};
        QCOMPARE(compact.columns().address.empty(), regions <= 256);
        QCOMPARE(compact.columns().edgeOffsets.size(), std::size_t(kObjects / 3 + 1));
        QVERIFY(encodeSnapshot(compact) == given);
        const SnapshotPtr decoded = decodeSnapshot(given);
        compareColumns(decoded->expandedColumns(), c);
    }

    void largeSnapshot()
    {
        constexpr ObjectIndex kObjects = 2'600'000;
        constexpr TypeIndex kTypeCount = 50;
        SnapshotColumns c;
        StringPoolBuilder strings;
        for (TypeIndex t = 0; t < kTypeCount; ++t) {
            const std::string qualname = "T" + std::to_string(t);
            c.types.push_back({strings.intern("mod." + qualname), strings.intern("mod"), strings.intern(qualname),
                               0x5500000000ULL + 0x400ULL * t, std::uint8_t(t % 2 ? HeapType : 0)});
        }
        const StringId kind = strings.intern("synthetic");
        c.strings = strings.take();
        char repr[32];
        for (ObjectIndex i = 0; i < kObjects; ++i) {
            c.appendObject(defaultAddress(i), i % kTypeCount, i % 100'000 == 7 ? kTwo32 * 3 : 16 + i % 200,
                           i % 250'000 == 3 ? kTwo32 + i : 1 + i % 5, i % 3 ? GcTracked : 0);
            c.edges.push_back(static_cast<ObjectIndex>((std::uint64_t(i) * 7919 + 1) % kObjects));
            if (i % 20 < 13)
                c.edges.push_back((i + 1) % kObjects);
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            const int length = std::snprintf(repr, sizeof repr, "'s%08u-abcdefghij'", unsigned(i));
            c.reprBlob.append(repr, std::size_t(length));
            c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
            if (i % 1000 == 0)
                c.explanations.push_back({i, kind, kind});
        }
        const Snapshot original(std::move(c));
        QCOMPARE(original.edgeCount(), std::size_t(kObjects / 20 * 33));

        QElapsedTimer timer;
        timer.start();
        const std::string bytes = encodeSnapshot(original);
        const double encodeSeconds = timer.nsecsElapsed() / 1e9;
        timer.restart();
        SnapshotPtr decoded;
        const std::size_t allocated = allocatedDuring([&] { decoded = decodeSnapshot(bytes); });
        const double decodeSeconds = timer.nsecsElapsed() / 1e9;
        qInfo("%zu objects, %zu edges, %.1f MB: encode %.3f s, decode %.3f s (allocated %.1f MB)",
              original.objectCount(), original.edgeCount(), bytes.size() / 1e6, encodeSeconds, decodeSeconds,
              allocated / 1e6);

        QVERIFY2(allocated > bytes.size() / 2 && allocated <= 2 * bytes.size(), qPrintable(QString::number(allocated)));
        compareColumns(decoded->expandedColumns(), original.expandedColumns());
        QCOMPARE(decoded->size(7), kTwo32 * 3);
        QCOMPARE(decoded->refcount(250'003), kTwo32 + 250'003);
    }
};

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"
