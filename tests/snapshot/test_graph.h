#pragma once

// Synthetic heaps for the snapshot tests: a compact description of objects in, SnapshotColumns out,
// so each test states its graph in a few lines instead of filling a dozen columns by hand.

#include "snapshot/analysis.h"
#include "snapshot/snapshot.h"

#include <QtTest/QTest>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope::test {

struct Obj
{
    std::string type = "builtins.object"; // "module.qualname"; no dot means module "builtins"
    bool gc = true;
    std::uint64_t refcount = 1;
    std::uint64_t size = 16;
    std::vector<ObjectIndex> edges;
    std::vector<std::string> labels; // empty, or one per edge ("" for an unlabelled edge)
    std::string repr;          // empty: the default "<module.Type at 0x…>" form
    std::uint64_t address = 0; // 0: defaultAddress(index)
    bool untrackedOrphan = false; // with gc false: a live allocation native traces found unreferenced
};

struct Expl
{
    ObjectIndex object = 0;
    std::string kind;
    std::string detail;
    ObjectIndex holder = kNoObject;
    std::uint32_t holderOffset = 0;
};

struct Alloc
{
    ObjectIndex object = 0;
    std::vector<std::pair<std::string, std::uint32_t>> frames; // innermost first
};

struct NativeFrameSpec
{
    std::string function; // "" when unknown
    std::string library;
    std::string file;
    std::uint32_t line = 0;
    std::uint64_t address = 0; // 0: made up from the frame's position
    bool inlined = false;
};

// A native allocation stack; objects with equal stacks share one, and equal frames one record.
struct NativeAlloc
{
    ObjectIndex object = 0;
    std::vector<NativeFrameSpec> frames; // innermost first
    std::uint16_t folded = 0;            // innermost frames that are the interpreter's allocator
};

struct Origin
{
    std::string type; // as in Obj::type
    std::string library;
    std::string symbol;
    std::string source;
};

struct GraphSpec
{
    std::vector<Obj> objects;
    std::vector<Expl> explanations; // any order; sorted by object when built
    std::vector<Alloc> allocations; // by increasing object
    std::vector<NativeAlloc> nativeStacks; // by increasing object
    std::uint32_t nativeTraceDepth = 0;    // 0: the number of frames of the deepest stack
    std::vector<Origin> origins;    // of types named by objects or types
    // Registered first, in this order, so tests can pin type indices or add types with no objects.
    std::vector<std::string> types;
    std::string pythonVersion = "3.11.2";
};

// Distinct, recognisable addresses so a wrong index shows up as a wrong address.
constexpr std::uint64_t defaultAddress(ObjectIndex i)
{
    return 0x7f0000001000ULL + 0x40ULL * i;
}

// Builds consistent columns: types are registered in order of first use (after spec.types), each
// object's edges and repr go to the CSR arrays, large sizes and refcounts spill to the side tables.
// Edges are not range-checked, so a tail for appendObjectsOf can use combined indices.
SnapshotColumns buildColumns(const GraphSpec& spec);

// A snapshot and its analysis kept together, because HeapAnalysis refers to its Snapshot.
struct Heap
{
    explicit Heap(const GraphSpec& spec)
        : snapshot(buildColumns(spec))
        , analysis(snapshot)
    {
    }
    // rules must outlive the heap.
    Heap(const GraphSpec& spec, const IgnoreRules* rules)
        : snapshot(buildColumns(spec))
        , analysis(snapshot, rules)
    {
    }
    Heap(const Heap&) = delete;
    Heap& operator=(const Heap&) = delete;

    Snapshot snapshot;
    HeapAnalysis analysis;
};

inline std::vector<ObjectIndex> toVector(std::span<const ObjectIndex> span)
{
    return {span.begin(), span.end()};
}

} // namespace leakscope::test

// QCOMPARE on std::string would otherwise print nothing useful on failure.
namespace QTest {
template<>
inline char* toString(const std::string& text)
{
    return QTest::toString(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
}
} // namespace QTest
