// Snapshot columns, validation of untrusted columns, the large side tables, repr, appendObjectsOf.

#include "test_graph.h"

#include <QtTest/QTest>

#include <algorithm>
#include <stdexcept>
#include <utility>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr std::uint64_t kTwo32 = 1ULL << 32;

// Three objects that exercise every column: edges with a duplicate, stored and default reprs, large
// sizes and refcounts on two objects each, two explanations.
GraphSpec validSpec()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "builtins.list", .refcount = kTwo32 + 5, .edges = {1}, .repr = "[...]"},
        {.type = "mod.Big", .refcount = 1, .size = kTwo32 * 2, .edges = {2, 2}, .labels = {".first", ".second"}},
        {.type = "builtins.dict", .refcount = kTwo32 * 8, .size = kTwo32 * 4, .repr = "{}"},
    };
    spec.explanations = {{0, "root", "held by the interpreter"}, {2, "static", "module state"}};
    spec.allocations = {{0, {{"a.py", 1}, {"b.py", 2}}}, {2, {{"c.py", 3}}}};
    spec.origins = {{"mod.Big", "/lib/libbig.so", "Big_Type", "big.c:10"}};
    // Objects 0 and 2 share a stack of two frames, one folded; object 1 has a stack of its own.
    const std::vector<NativeFrameSpec> shared = {{"PyObject_Malloc", "/lib/libpython.so"},
                                                 {"big_new", "/lib/libbig.so", "big.c", 20}};
    spec.nativeStacks = {{0, shared, 1}, {1, {{"", "/lib/libbig.so"}, {"big_fill", "/lib/libbig.so", "big.c", 30, 0, true}}, 0},
                         {2, shared, 1}};
    return spec;
}

struct Corruption
{
    const char* name;
    const char* message; // a fragment validate() must report
    void (*apply)(SnapshotColumns&);
};

const Corruption kCorruptions[] = {
    {"type column short", "differ in length", [](SnapshotColumns& c) { c.type.pop_back(); }},
    {"size column short", "differ in length", [](SnapshotColumns& c) { c.size.pop_back(); }},
    {"refcount column short", "differ in length", [](SnapshotColumns& c) { c.refcount.pop_back(); }},
    {"flags column long", "differ in length", [](SnapshotColumns& c) { c.flags.push_back(0); }},
    {"address column long", "differ in length", [](SnapshotColumns& c) { c.address.push_back(1); }},
    {"edge offsets end before the last edges", "edge offsets do not span",
     [](SnapshotColumns& c) { c.edgeOffsets.resize(2); }},
    {"edge offsets extra entry", "edge offsets: expected one more",
     [](SnapshotColumns& c) { c.edgeOffsets.push_back(c.edgeOffsets.back()); }},
    {"edge offsets empty", "edge offsets: expected one more", [](SnapshotColumns& c) { c.edgeOffsets.clear(); }},
    {"edge offsets start past zero", "edge offsets do not span", [](SnapshotColumns& c) { c.edgeOffsets.front() = 1; }},
    {"edge offsets end short", "edge offsets do not span", [](SnapshotColumns& c) { --c.edgeOffsets.back(); }},
    {"edges beyond offsets", "edge offsets do not span", [](SnapshotColumns& c) { c.edges.push_back(0); }},
    {"edge offsets decrease", "edge offsets decrease at object 1",
     [](SnapshotColumns& c) { c.edgeOffsets = {0, 3, 1, 3}; }},
    {"repr offsets missing entry", "repr offsets: expected one more", [](SnapshotColumns& c) { c.reprOffsets.pop_back(); }},
    {"repr blob longer than offsets", "repr offsets do not span", [](SnapshotColumns& c) { c.reprBlob += 'x'; }},
    {"repr offsets decrease", "repr offsets decrease at object 1", [](SnapshotColumns& c) { c.reprOffsets = {0, 6, 5, 7}; }},
    {"edge past last object", "edge points past the last object", [](SnapshotColumns& c) { c.edges.back() = 3; }},
    {"object with missing type", "missing type",
     [](SnapshotColumns& c) { c.type[1] = static_cast<TypeIndex>(c.types.size()); }},
    {"type name missing", "type refers to a missing string",
     [](SnapshotColumns& c) { c.types[0].name = static_cast<StringId>(c.strings.size()); }},
    {"type module missing", "type refers to a missing string",
     [](SnapshotColumns& c) { c.types[1].module = static_cast<StringId>(c.strings.size()); }},
    {"type qualname missing", "type refers to a missing string",
     [](SnapshotColumns& c) { c.types[2].qualname = 1000; }},
    {"explanation kind missing", "explanation refers to a missing object or string",
     [](SnapshotColumns& c) { c.explanations[0].kind = static_cast<StringId>(c.strings.size()); }},
    {"explanation detail missing", "explanation refers to a missing object or string",
     [](SnapshotColumns& c) { c.explanations[1].detail = 1000; }},
    {"explanation past last object", "explanation refers to a missing object or string",
     [](SnapshotColumns& c) { c.explanations[1].object = 3; }},
    {"explanation holder past last object", "explanation names a holder past the last object",
     [](SnapshotColumns& c) { c.explanations[0].holder = 3; }},
    {"explanations unsorted", "explanations are not sorted",
     [](SnapshotColumns& c) { std::swap(c.explanations[0], c.explanations[1]); }},
    {"two explanations for one object", "explanations are not sorted",
     [](SnapshotColumns& c) { c.explanations[1].object = c.explanations[0].object; }},
    {"large sizes unsorted", "large size or refcount table is not sorted",
     [](SnapshotColumns& c) { std::swap(c.largeSizes[0], c.largeSizes[1]); }},
    {"large refcounts duplicated", "large size or refcount table is not sorted",
     [](SnapshotColumns& c) { c.largeRefcounts[1].first = c.largeRefcounts[0].first; }},
    {"large size past last object", "large size or refcount table is not sorted",
     [](SnapshotColumns& c) { c.largeSizes.back().first = 3; }},
    {"large refcount past last object", "large size or refcount table is not sorted",
     [](SnapshotColumns& c) { c.largeRefcounts.push_back({7, kTwo32}); }},
    {"spilled size without its entry", "does not match its column",
     [](SnapshotColumns& c) { c.largeSizes.erase(c.largeSizes.begin()); }},
    {"large refcount for an unspilled value", "does not match its column",
     [](SnapshotColumns& c) { c.refcount[c.largeRefcounts[0].first] = 5; }},
    {"large size entry holding a small value", "does not match its column",
     [](SnapshotColumns& c) { c.largeSizes[0].second = 12; }},
    {"type library missing", "type refers to a missing string",
     [](SnapshotColumns& c) { c.types[1].library = static_cast<StringId>(c.strings.size()); }},
    {"type source missing", "type refers to a missing string", [](SnapshotColumns& c) { c.types[1].source = 1000; }},
    {"allocation offsets short", "allocation offsets: expected one more", [](SnapshotColumns& c) { c.allocOffsets.pop_back(); }},
    {"allocation frames beyond offsets", "allocation offsets do not span",
     [](SnapshotColumns& c) { c.allocFrames.push_back({0, 9}); }},
    {"allocation owner past last object", "allocation owners are not sorted",
     [](SnapshotColumns& c) { c.allocOwners[1] = 3; }},
    {"allocation owners unsorted", "allocation owners are not sorted",
     [](SnapshotColumns& c) { std::swap(c.allocOwners[0], c.allocOwners[1]); }},
    {"allocation offsets decrease", "allocation offsets decrease", [](SnapshotColumns& c) { c.allocOffsets = {0, 4, 3}; }},
    {"allocation file missing", "allocation frame refers to a missing string",
     [](SnapshotColumns& c) { c.allocFrames[0].file = static_cast<StringId>(c.strings.size()); }},
    {"allocation function missing", "allocation frame refers to a missing string",
     [](SnapshotColumns& c) { c.allocFrames[1].function = static_cast<StringId>(c.strings.size()); }},
    {"native stack indices short", "native stack owners and stack indices differ",
     [](SnapshotColumns& c) { c.nativeStackOf.pop_back(); }},
    {"native owners unsorted", "native stack owners are not sorted",
     [](SnapshotColumns& c) { std::swap(c.nativeOwners[0], c.nativeOwners[1]); }},
    {"native owner twice", "native stack owners are not sorted", [](SnapshotColumns& c) { c.nativeOwners[1] = 0; }},
    {"native owner past last object", "native stack owners are not sorted",
     [](SnapshotColumns& c) { c.nativeOwners[2] = 3; }},
    {"native stack missing", "object 1 refers to a missing native stack", [](SnapshotColumns& c) { c.nativeStackOf[1] = 2; }},
    {"native stack offsets empty", "native stack offsets: expected one more",
     [](SnapshotColumns& c) { c.nativeStackOffsets.clear(); }},
    {"native stack offsets end short", "native stack offsets do not span",
     [](SnapshotColumns& c) { --c.nativeStackOffsets.back(); }},
    {"native stack offsets decrease", "native stack offsets decrease",
     [](SnapshotColumns& c) { c.nativeStackOffsets = {0, 3, 2, 4}; c.nativeStackFolded.push_back(0); }},
    {"native folded counts short", "native stack folded counts: expected one per stack",
     [](SnapshotColumns& c) { c.nativeStackFolded.pop_back(); }},
    {"native stack folds too much", "native stack 0 folds more frames than it has",
     [](SnapshotColumns& c) { c.nativeStackFolded[0] = 3; }},
    {"native frame index past the frames", "native stack refers to a missing frame",
     [](SnapshotColumns& c) { c.nativeStackFrames[0] = static_cast<std::uint32_t>(c.nativeFrames.size()); }},
    {"native function missing", "native frame refers to a missing string",
     [](SnapshotColumns& c) { c.nativeFrames[0].function = static_cast<StringId>(c.strings.size()); }},
    {"native library missing", "native frame refers to a missing string",
     [](SnapshotColumns& c) { c.nativeFrames[1].library = 1000; }},
    {"native file missing", "native frame refers to a missing string",
     [](SnapshotColumns& c) { c.nativeFrames[2].file = 1000; }},
    {"native frame flag unknown", "native frame has unknown flags", [](SnapshotColumns& c) { c.nativeFrames[3].flags = 4; }},
    {"label starts missing", "edge label owners and starts differ", [](SnapshotColumns& c) { c.labelStarts.clear(); }},
    {"label owner past last object", "edge label owners are not sorted",
     [](SnapshotColumns& c) { c.labelOwners[0] = 3; }},
    {"label owners unsorted", "edge label owners are not sorted",
     [](SnapshotColumns& c) {
         c.labelOwners = {1, 0};
         c.labelStarts = {0, 0};
     }},
    {"label run past the table", "edge labels of object 1 run past the label table",
     [](SnapshotColumns& c) { c.labelStarts[0] = 1; }},
    {"label run short", "edge labels of object 1 run past the label table", [](SnapshotColumns& c) { c.labels.pop_back(); }},
    {"label string missing", "edge label refers to a missing string",
     [](SnapshotColumns& c) { c.labels[1] = static_cast<StringId>(c.strings.size()); }},
};

} // namespace

class TestSnapshot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validColumnsPass()
    {
        const SnapshotColumns c = buildColumns(validSpec());
        // The corruptions below rely on this shape; fail here rather than pass them vacuously.
        QCOMPARE(c.edgeOffsets, (std::vector<std::uint32_t>{0, 1, 3, 3}));
        QCOMPARE(c.reprOffsets, (std::vector<std::uint32_t>{0, 5, 5, 7}));
        QCOMPARE(c.largeSizes.size(), std::size_t(2));
        QCOMPARE(c.largeRefcounts.size(), std::size_t(2));
        QCOMPARE(c.labelOwners, (std::vector<ObjectIndex>{1}));
        QCOMPARE(c.labels.size(), std::size_t(2));
        QCOMPARE(Snapshot::validate(c), std::string());
        const Snapshot s(c);
        QCOMPARE(std::string(s.string(s.edgeLabels(1)[1])), std::string(".second"));
        QVERIFY(s.edgeLabels(0).empty());
        QVERIFY(s.edgeLabels(2).empty());
        QCOMPARE(s.allocationSite(0).size(), std::size_t(2));
        QCOMPARE(std::string(s.string(s.allocationSite(2)[0].file)), std::string("c.py"));
        QVERIFY(s.allocationSite(1).empty());
        QCOMPARE(std::string(s.string(s.type(s.typeOf(1)).library)), std::string("/lib/libbig.so"));
        QCOMPARE(s.objectCount(), std::size_t(3));
        QCOMPARE(s.edgeCount(), std::size_t(3));
        QCOMPARE(s.typeCount(), std::size_t(3));
        QCOMPARE(s.nativeStackCount(), std::size_t(2));
        QVERIFY(std::ranges::equal(s.nativeStack(0), s.nativeStack(2)));
        QCOMPARE(s.nativeStack(1).size(), std::size_t(2));
        QCOMPARE(s.nativeStackFolded(0), std::uint16_t(1));
        QCOMPARE(s.nativeStackFolded(1), std::uint16_t(0));
        QCOMPARE(std::string(s.string(s.nativeFrame(s.nativeStack(0)[1]).function)), std::string("big_new"));
        QCOMPARE(s.nativeFrame(s.nativeStack(1)[1]).flags, std::uint32_t(NativeFrameInlined));
        QCOMPARE(s.info().nativeTraceDepth, 2u);

        // The rows may end at the last object with referents: object 2, past them, has none.
        SnapshotColumns shortRows = c;
        shortRows.edgeOffsets.pop_back();
        QCOMPARE(Snapshot::validate(shortRows), std::string());
        const Snapshot fromShortRows(std::move(shortRows));
        QVERIFY(fromShortRows.referents(2).empty());
        QCOMPARE(toVector(fromShortRows.referents(1)), toVector(s.referents(1)));
        QCOMPARE(fromShortRows.expandedColumns().edgeOffsets, c.edgeOffsets);
    }

    void emptySnapshotIsValid()
    {
        const Snapshot s{SnapshotColumns()};
        QCOMPARE(s.objectCount(), std::size_t(0));
        QCOMPARE(s.edgeCount(), std::size_t(0));
        QCOMPARE(s.gcObjectCount(), std::size_t(0));
    }

    void rejectsInconsistentColumns_data()
    {
        QTest::addColumn<int>("corruption");
        for (int k = 0; k < int(std::size(kCorruptions)); ++k)
            QTest::newRow(kCorruptions[k].name) << k;
    }

    void rejectsInconsistentColumns()
    {
        QFETCH(int, corruption);
        const Corruption& corrupt = kCorruptions[corruption];
        SnapshotColumns c = buildColumns(validSpec());
        corrupt.apply(c);

        const std::string problem = Snapshot::validate(c);
        QVERIFY2(problem.find(corrupt.message) != std::string::npos, problem.c_str());
        try {
            Snapshot s(std::move(c));
            QFAIL("Snapshot accepted inconsistent columns");
        } catch (const std::invalid_argument& error) {
            QVERIFY2(std::string(error.what()).find(problem) != std::string::npos, error.what());
        }
    }

    void largeValuesRoundTrip_data()
    {
        QTest::addColumn<quint64>("value");
        QTest::addColumn<bool>("spills");
        QTest::newRow("zero") << quint64(0) << false;
        QTest::newRow("2^32 - 2") << quint64(UINT32_MAX - 1) << false;
        QTest::newRow("2^32 - 1 (the spill marker itself)") << quint64(UINT32_MAX) << true;
        QTest::newRow("2^32") << quint64(kTwo32) << true;
        QTest::newRow("2^40 + 3") << quint64((1ULL << 40) + 3) << true;
        QTest::newRow("2^64 - 1") << quint64(UINT64_MAX) << true;
    }

    void largeValuesRoundTrip()
    {
        QFETCH(quint64, value);
        QFETCH(bool, spills);
        // Neighbours with small values, and a second object on the same side of the spill limit,
        // make sure a lookup hits the right side-table entry.
        const quint64 other = !spills ? value / 2 : value == UINT64_MAX ? value - 1 : value + 1;
        GraphSpec spec;
        spec.objects = {{.refcount = 3, .size = 24},
                        {.refcount = value, .size = value},
                        {.refcount = 4, .size = 32},
                        {.refcount = other, .size = other}};
        const SnapshotColumns c = buildColumns(spec);
        QCOMPARE(c.size[1], spills ? UINT32_MAX : std::uint32_t(value));
        QCOMPARE(c.largeSizes.size(), spills ? std::size_t(2) : std::size_t(0));
        QCOMPARE(c.largeRefcounts.size(), spills ? std::size_t(2) : std::size_t(0));

        const Snapshot s(c);
        QCOMPARE(s.size(0), quint64(24));
        QCOMPARE(s.refcount(0), quint64(3));
        QCOMPARE(s.size(1), value);
        QCOMPARE(s.refcount(1), value);
        QCOMPARE(s.size(2), quint64(32));
        QCOMPARE(s.refcount(2), quint64(4));
        QCOMPARE(s.size(3), other);
        QCOMPARE(s.refcount(3), other);
    }

    void reprStoredOrDefault()
    {
        GraphSpec spec;
        spec.objects = {
            {.type = "builtins.str", .repr = "'h\xc3\xa9llo'"},
            {.type = "mod.sub.Widget", .address = 0xdeadbeef},
            {.type = "dict"},
        };
        const Snapshot s(buildColumns(spec));
        QCOMPARE(s.repr(0), std::string("'h\xc3\xa9llo'"));
        QCOMPARE(std::string(s.storedRepr(0)), std::string("'h\xc3\xa9llo'"));
        QVERIFY(s.storedRepr(1).empty());
        QCOMPARE(s.repr(1), std::string("<mod.sub.Widget at 0xdeadbeef>"));
        QCOMPARE(s.repr(2), "<builtins.dict at " + formatAddress(defaultAddress(2)) + ">");
        QCOMPARE(formatAddress(0), std::string("0x0"));
        QCOMPARE(formatAddress(0x7f12AB), std::string("0x7f12ab"));
        QCOMPARE(formatAddress(UINT64_MAX), std::string("0xffffffffffffffff"));
    }

    void accessors()
    {
        GraphSpec spec = validSpec();
        spec.objects[1].gc = false;
        const Snapshot s(buildColumns(spec));
        QCOMPARE(s.gcObjectCount(), std::size_t(2));
        QVERIFY(s.isGcTracked(0));
        QVERIFY(!s.isGcTracked(1));
        QCOMPARE(s.flags(1), std::uint8_t(0));
        QCOMPARE(toVector(s.referents(0)), (std::vector<ObjectIndex>{1}));
        QCOMPARE(toVector(s.referents(1)), (std::vector<ObjectIndex>{2, 2}));
        QVERIFY(s.referents(2).empty());
        QCOMPARE(std::string(s.typeNameOf(1)), std::string("mod.Big"));
        QCOMPARE(std::string(s.string(s.type(s.typeOf(1)).module)), std::string("mod"));
        QCOMPARE(std::string(s.string(s.type(s.typeOf(1)).qualname)), std::string("Big"));
        QCOMPARE(s.address(2), defaultAddress(2));

        QVERIFY(!s.explanation(1));
        const ExplanationRecord* e = s.explanation(2);
        QVERIFY(e);
        QCOMPARE(e->object, ObjectIndex(2));
        QCOMPARE(std::string(s.string(e->kind)), std::string("static"));
        QCOMPARE(std::string(s.string(e->detail)), std::string("module state"));
        QCOMPARE(s.info().pythonVersion, std::string("3.11.2"));
        QVERIFY(s.memoryBytes(true) > s.memoryBytes(false));
    }

    // The snapshot keeps addresses as low halves and a region, and row starts only up to the last
    // object with referents; every accessor answers as with the columns given, and so does
    // expandedColumns(). Addresses in more than 256 regions (a hostile file) are kept whole.
    void compactStorageAnswersAsGiven_data()
    {
        QTest::addColumn<int>("regions");
        QTest::addColumn<bool>("trailingWithoutReferents");
        QTest::newRow("one region") << 1 << true;
        QTest::newRow("three regions, every object with referents") << 3 << false;
        QTest::newRow("256 regions") << 256 << true;
        QTest::newRow("257 regions: kept whole") << 257 << true;
    }
    void compactStorageAnswersAsGiven()
    {
        QFETCH(int, regions);
        QFETCH(bool, trailingWithoutReferents);
        SnapshotColumns c;
        StringPoolBuilder strings;
        c.types.push_back({strings.intern("mod.T"), strings.intern("mod"), strings.intern("T"), 0x1000, 0});
        c.strings = strings.take();
        const ObjectIndex n = 600;
        for (ObjectIndex i = 0; i < n; ++i) {
            // Regions interleave, as a heap's mmap'ed arenas and brk heap do in list order.
            const std::uint64_t high = 0x7f00ULL + std::uint64_t(i % regions) * 3;
            c.appendObject(high << 32 | (0x1000ULL + 16ULL * i), 0, 16, 1, GcTracked);
            const bool withReferents = !trailingWithoutReferents || i < n / 2;
            if (withReferents && i % 5 != 0) // an empty row amid the others too
                c.edges.push_back((i + 1) % n);
            if (withReferents && i == n - 1)
                c.edges.push_back(0);
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        const SnapshotColumns given = c;
        const Snapshot s(std::move(c));
        QCOMPARE(s.objectCount(), std::size_t(n));
        for (ObjectIndex i = 0; i < n; ++i) {
            QCOMPARE(s.address(i), given.address[i]);
            const std::span<const ObjectIndex> expected(given.edges.data() + given.edgeOffsets[i],
                                                        given.edgeOffsets[i + 1] - given.edgeOffsets[i]);
            QCOMPARE(toVector(s.referents(i)), toVector(expected));
            QCOMPARE(s.edgeOffset(i), given.edgeOffsets[i]);
        }
        QCOMPARE(s.edgeOffset(n), given.edgeOffsets[n]);
        std::vector<std::uint64_t> some(7);
        s.copyAddresses(590, some);
        QCOMPARE(some, std::vector<std::uint64_t>(given.address.begin() + 590, given.address.end() - 3));
        const SnapshotColumns expanded = s.expandedColumns();
        QCOMPARE(expanded.address, given.address);
        QCOMPARE(expanded.edgeOffsets, given.edgeOffsets);
        QCOMPARE(expanded.edges, given.edges);
        // Compact where it can be: 5 bytes per address, and half the row starts when half the objects
        // come after the last with referents.
        QCOMPARE(s.columns().address.empty(), regions <= 256);
        QCOMPARE(s.columns().edgeOffsets.size(), trailingWithoutReferents ? std::size_t(n / 2 + 1) : std::size_t(n + 1));
    }

    void appendObjectsOfConcatenates()
    {
        const std::vector<std::string> types = {"builtins.list", "mod.Big"};
        GraphSpec head;
        head.types = types;
        head.objects = {{.type = "builtins.list", .edges = {1, 3}, .labels = {".a", ".b"}, .repr = "[a, b]"},
                        {.type = "mod.Big", .refcount = kTwo32 + 1, .size = kTwo32 + 2}};
        // The tail's edges already use combined indices: 2 -> 0 and 3 -> 2, 3 -> 3.
        GraphSpec tail;
        tail.types = types;
        tail.objects = {{.type = "mod.Big", .refcount = 2, .size = kTwo32 * 3, .edges = {0}, .repr = "big"},
                        {.type = "builtins.list", .refcount = kTwo32 * 5, .edges = {2, 3}, .labels = {"", ""},
                         .address = 0x1234}};

        SnapshotColumns c = buildColumns(head);
        // The head's rows end at its last object with referents: appending gives every row anyway.
        QCOMPARE(c.edgeOffsets, (std::vector<std::uint32_t>{0, 2, 2}));
        c.edgeOffsets.pop_back();
        c.appendObjectsOf(buildColumns(tail));
        QCOMPARE(c.objectCount(), std::size_t(4));
        QCOMPARE(c.edgeOffsets, (std::vector<std::uint32_t>{0, 2, 2, 3, 5}));
        QCOMPARE(c.reprOffsets, (std::vector<std::uint32_t>{0, 6, 6, 9, 9}));
        QCOMPARE(c.largeSizes, (std::vector<std::pair<ObjectIndex, std::uint64_t>>{{1, kTwo32 + 2}, {2, kTwo32 * 3}}));
        QCOMPARE(c.largeRefcounts, (std::vector<std::pair<ObjectIndex, std::uint64_t>>{{1, kTwo32 + 1}, {3, kTwo32 * 5}}));
        // The tail's labels follow the head's; its string ids, like its type indices, are the combined ones.
        QCOMPARE(c.labelOwners, (std::vector<ObjectIndex>{0, 3}));
        QCOMPARE(c.labelStarts, (std::vector<std::uint32_t>{0, 2}));
        QCOMPARE(c.labels.size(), std::size_t(4));

        const Snapshot s(std::move(c));
        QCOMPARE(toVector(s.referents(0)), (std::vector<ObjectIndex>{1, 3}));
        QVERIFY(s.referents(1).empty());
        QCOMPARE(toVector(s.referents(2)), (std::vector<ObjectIndex>{0}));
        QCOMPARE(toVector(s.referents(3)), (std::vector<ObjectIndex>{2, 3}));
        QCOMPARE(s.repr(0), std::string("[a, b]"));
        QCOMPARE(s.repr(2), std::string("big"));
        QCOMPARE(s.repr(3), std::string("<builtins.list at 0x1234>"));
        QCOMPARE(s.address(2), defaultAddress(0)); // addresses are copied, not re-derived
        QCOMPARE(std::string(s.typeNameOf(2)), std::string("mod.Big"));
        QCOMPARE(s.size(1), kTwo32 + 2);
        QCOMPARE(s.size(2), kTwo32 * 3);
        QCOMPARE(s.refcount(2), quint64(2));
        QCOMPARE(s.refcount(3), kTwo32 * 5);
    }

    // Native stacks: the tail's owners, stack indices and frame indices move past the head's. Frames
    // without names (string 0 in any pool), told apart by their addresses.
    void appendObjectsOfCarriesNativeStacks()
    {
        const auto frame = [](std::uint64_t address) { return NativeFrameSpec{.address = address}; };
        GraphSpec head;
        head.objects = {{}, {}};
        head.nativeStacks = {{1, {frame(0x10), frame(0x11)}, 1}};
        GraphSpec tail;
        tail.objects = {{}, {}};
        tail.nativeStacks = {{0, {frame(0x20)}, 0}, {1, {frame(0x10), frame(0x21)}, 1}};
        SnapshotColumns c = buildColumns(head);
        c.appendObjectsOf(buildColumns(tail));
        QCOMPARE(c.nativeOwners, (std::vector<ObjectIndex>{1, 2, 3}));
        QCOMPARE(c.nativeStackOf, (std::vector<std::uint32_t>{0, 1, 2}));
        QCOMPARE(c.nativeStackOffsets, (std::vector<std::uint32_t>{0, 2, 3, 5}));
        QCOMPARE(c.nativeStackFrames, (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
        QCOMPARE(c.nativeStackFolded, (std::vector<std::uint16_t>{1, 0, 1}));
        QCOMPARE(Snapshot::validate(c), std::string());
        const Snapshot s(std::move(c));
        const auto addresses = [&s](ObjectIndex i) {
            std::vector<std::uint64_t> out;
            for (std::uint32_t f : s.nativeStack(i))
                out.push_back(s.nativeFrame(f).address);
            return out;
        };
        QVERIFY(addresses(0).empty());
        QCOMPARE(addresses(1), (std::vector<std::uint64_t>{0x10, 0x11}));
        QCOMPARE(addresses(2), (std::vector<std::uint64_t>{0x20}));
        QCOMPARE(addresses(3), (std::vector<std::uint64_t>{0x10, 0x21}));
        QCOMPARE(s.nativeStackFolded(3), std::uint16_t(1));
        QCOMPARE(s.nativeStackFolded(2), std::uint16_t(0));
        QCOMPARE(s.nativeStackCount(), std::size_t(3));
    }

    void edgesByPositionAndName()
    {
        GraphSpec spec;
        spec.objects = {
            {.type = "builtins.list", .edges = {2, 1, 2}},                        // [o2, o1, o2] visited last to first
            {.type = "builtins.dict", .edges = {2, 2}, .labels = {"['a']", "['b']"}},
            {.type = "mod.Thing", .edges = {0, 1}, .labels = {"", ".d"}},
            {.type = "builtins.set", .edges = {2}},
        };
        const Snapshot s(buildColumns(spec));
        QCOMPARE(s.edgeTo(0, 2), 0u);
        QCOMPARE(s.edgeTo(0, 2, 1), 2u);
        QCOMPARE(s.edgeTo(0, 2, 2), UINT32_MAX);
        QCOMPARE(s.edgeTo(0, 3), UINT32_MAX);
        QCOMPARE(edgeName(s, 0, 0), std::string("[2]"));
        QCOMPARE(edgeName(s, 0, 1), std::string("[1]"));
        QCOMPARE(edgeName(s, 1, s.edgeTo(1, 2, 1)), std::string("['b']"));
        QCOMPARE(edgeName(s, 2, 0), std::string());
        QCOMPARE(edgeName(s, 2, 1), std::string(".d"));
        QCOMPARE(edgeName(s, 3, 0), std::string());
        QCOMPARE(edgeName(s, 2, 7), std::string()); // past the last edge

        // A list with empty (NULL) slots, which its traverse skips, has its items' indices as labels.
        GraphSpec holes;
        holes.objects = {{.type = "builtins.list", .edges = {1, 1}, .labels = {"[4]", "[1]"}}, {.type = "mod.Thing"}};
        const Snapshot h(buildColumns(holes));
        QCOMPARE(edgeName(h, 0, 0), std::string("[4]"));
        QCOMPARE(edgeName(h, 0, 1), std::string("[1]"));
    }

    void appendObjectsOfEmptyParts()
    {
        GraphSpec spec;
        spec.objects = {{.edges = {1}, .repr = "x"}, {.size = kTwo32}};
        const SnapshotColumns full = buildColumns(spec);

        SnapshotColumns intoEmpty;
        intoEmpty.appendObjectsOf(full);
        QCOMPARE(intoEmpty.edgeOffsets, full.edgeOffsets);
        QCOMPARE(intoEmpty.reprOffsets, full.reprOffsets);
        QCOMPARE(intoEmpty.largeSizes, full.largeSizes);
        QCOMPARE(intoEmpty.edges, full.edges);

        SnapshotColumns withEmptyTail = full;
        withEmptyTail.appendObjectsOf(SnapshotColumns());
        QCOMPARE(withEmptyTail.objectCount(), std::size_t(2));
        QCOMPARE(withEmptyTail.edgeOffsets, full.edgeOffsets);
        QCOMPARE(withEmptyTail.reprOffsets, full.reprOffsets);
        QCOMPARE(Snapshot::validate(withEmptyTail), std::string());
    }
};

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
