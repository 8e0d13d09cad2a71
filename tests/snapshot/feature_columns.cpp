#include "feature_columns.h"

#include "test_graph.h"

#include <QtTest/QtTest>

#include <bit>
#include <cstdint>

namespace leakscope::test {

namespace {
constexpr std::uint64_t kTwo32 = 1ULL << 32;
} // namespace

// Every feature the format carries: large sizes and refcounts (and UINT32_MAX itself, which spills),
// duplicate and self edges, untracked objects, heap and static types, types without objects, unused
// pool strings, explanations, non-ASCII reprs and labels, extreme addresses, native stacks shared by
// two objects, with folded, inlined and unnamed frames.
SnapshotColumns featureColumns()
{
    GraphSpec spec;
    spec.types = {"builtins.type", "unused.Type"};
    spec.objects = {
        {.type = "builtins.list", .refcount = kTwo32 + 5, .edges = {1, 1, 3}, .repr = "['caf\xc3\xa9', '\xe6\x97\xa5\xe6\x9c\xac']"},
        {.type = "mod.Big", .refcount = 3, .size = kTwo32 * 5, .edges = {2}, .labels = {".__dict__"}},
        {.type = "builtins.dict", .refcount = kTwo32 * 8, .size = kTwo32 * 4, .edges = {0, 2},
         .labels = {"['caf\xc3\xa9']", ""}, .repr = "{}"},
        {.type = "builtins.int", .gc = false, .refcount = 1000, .size = 28, .repr = "42"},
        {.type = "pkg.sub.Klass", .edges = {}, .address = 0xfffffffffffffff0ULL},
        {.type = "builtins.str", .gc = false, .refcount = UINT32_MAX - 1, .size = UINT32_MAX,
         .repr = "'\xf0\x9f\x90\x8d'"},
    };
    spec.allocations = {{0, {{"/srv/app/jobs.py", 42}, {"caf\xc3\xa9.py", 7}}}, {4, {}}, {5, {{"<string>", 1}}}};
    // Objects 0 and 4 share a stack (two folded frames, then an inlined frame and its caller); object 2
    // was created by a frame with no symbol; object 1's stack is all allocator.
    const std::string lib = "/usr/lib/python3/dist-packages/mod/_big.cpython-311-x86_64-linux-gnu.so";
    const std::string libpython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
    const std::vector<NativeFrameSpec> shared = {
        {"PyObject_Malloc", libpython, "", 0, 0x7f5500000100ULL},
        {"_PyObject_GC_New", libpython, "Modules/gcmodule.c", 2290, 0x7f5500000200ULL},
        {"big_cache_entry", lib, "src/caf\xc3\xa9.c", 47, 0x7f5500003000ULL, true},
        {"big_cache_fill", lib, "src/big.c", 130, 0x7f5500003000ULL},
    };
    spec.nativeStacks = {{0, shared, 2},
                         {1, {{"PyObject_Malloc", libpython, "", 0, 0x7f5500000100ULL}}, 1},
                         {2, {{"", lib, "", 0, 0x7f5500004321ULL}, {"big_init", lib, "src/big.c", 12}}, 0},
                         {4, shared, 2}};
    spec.nativeTraceDepth = 16;
    spec.origins = {{"mod.Big", "/usr/lib/python3/dist-packages/mod/_big.cpython-311-x86_64-linux-gnu.so", "Big_Type",
                     "src/big.c:120"},
                    {"builtins.list", "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", "PyList_Type", ""}};
    spec.explanations = {{4, "module-state", "held by _pkg's module state \xe2\x80\xb9sic\xe2\x80\xba", 1, 24},
                         {0, "root", "sys.modules"},
                         {2, "static-type-dict", "dict of builtins.int"}};
    SnapshotColumns c = buildColumns(spec);
    c.info.pythonVersion = "3.11.2";
    c.info.label = "nightly \xe2\x80\x93 \xc3\xbcn\xc3\xaf" "code";
    c.info.captureSeconds = 0.0123;
    c.info.capturedAtMs = 1764139038123;
    c.info.pid = 424242;
    c.info.tracemallocDepth = 25;
    // The innermost frame of object 0 ran in the body of class Klass; the other's function is unknown.
    c.allocFrames[0].function = c.types[c.type[4]].qualname;
    return c;
}

void compareColumns(const SnapshotColumns& a, const SnapshotColumns& b)
{
    QCOMPARE(a.address, b.address);
    QCOMPARE(a.type, b.type);
    QCOMPARE(a.size, b.size);
    QCOMPARE(a.refcount, b.refcount);
    QCOMPARE(a.flags, b.flags);
    QCOMPARE(a.largeSizes, b.largeSizes);
    QCOMPARE(a.largeRefcounts, b.largeRefcounts);
    QCOMPARE(a.edgeOffsets, b.edgeOffsets);
    QCOMPARE(a.edges, b.edges);
    QCOMPARE(a.reprOffsets, b.reprOffsets);
    QCOMPARE(a.reprBlob, b.reprBlob);
    QCOMPARE(a.labelOwners, b.labelOwners);
    QCOMPARE(a.labelStarts, b.labelStarts);
    QCOMPARE(a.labels, b.labels);
    QCOMPARE(a.allocOwners, b.allocOwners);
    QCOMPARE(a.allocOffsets, b.allocOffsets);
    QVERIFY(a.allocFrames == b.allocFrames);
    QCOMPARE(a.info.tracemallocDepth, b.info.tracemallocDepth);
    QCOMPARE(a.nativeOwners, b.nativeOwners);
    QCOMPARE(a.nativeStackOf, b.nativeStackOf);
    QCOMPARE(a.nativeStackOffsets, b.nativeStackOffsets);
    QCOMPARE(a.nativeStackFrames, b.nativeStackFrames);
    QCOMPARE(a.nativeStackFolded, b.nativeStackFolded);
    QVERIFY(a.nativeFrames == b.nativeFrames);
    QCOMPARE(a.info.nativeTraceDepth, b.info.nativeTraceDepth);
    QCOMPARE(a.types.size(), b.types.size());
    for (std::size_t t = 0; t < a.types.size(); ++t) {
        QCOMPARE(a.types[t].name, b.types[t].name);
        QCOMPARE(a.types[t].module, b.types[t].module);
        QCOMPARE(a.types[t].qualname, b.types[t].qualname);
        QCOMPARE(a.types[t].address, b.types[t].address);
        QCOMPARE(a.types[t].flags, b.types[t].flags);
        QCOMPARE(a.types[t].library, b.types[t].library);
        QCOMPARE(a.types[t].symbol, b.types[t].symbol);
        QCOMPARE(a.types[t].source, b.types[t].source);
    }
    QCOMPARE(a.explanations.size(), b.explanations.size());
    for (std::size_t k = 0; k < a.explanations.size(); ++k) {
        QCOMPARE(a.explanations[k].object, b.explanations[k].object);
        QCOMPARE(a.explanations[k].kind, b.explanations[k].kind);
        QCOMPARE(a.explanations[k].detail, b.explanations[k].detail);
        QCOMPARE(a.explanations[k].holder, b.explanations[k].holder);
        QCOMPARE(a.explanations[k].holderOffset, b.explanations[k].holderOffset);
    }
    QCOMPARE(a.strings.blob(), b.strings.blob());
    QCOMPARE(a.strings.offsets(), b.strings.offsets());
    QCOMPARE(a.info.pythonVersion, b.info.pythonVersion);
    QCOMPARE(a.info.label, b.info.label);
    // Bit for bit: QCOMPARE on doubles is fuzzy.
    QCOMPARE(std::bit_cast<std::uint64_t>(a.info.captureSeconds), std::bit_cast<std::uint64_t>(b.info.captureSeconds));
    QCOMPARE(a.info.capturedAtMs, b.info.capturedAtMs);
    QCOMPARE(a.info.pid, b.info.pid);
}

} // namespace leakscope::test
