#pragma once

#include "string_pool.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leakscope {

using ObjectIndex = std::uint32_t;
using TypeIndex = std::uint32_t;

enum ObjectFlag : std::uint8_t {
    GcTracked = 1 << 0, // in the collector's lists at capture time: eligible as a leak candidate
    // Not gc-tracked, yet a live object-domain allocation (native traces saw it made) that no object
    // refers to: a leaked str, bytes, int, or a tuple or dict of atoms. Eligible as a leak candidate.
    UntrackedOrphan = 1 << 1,
};

enum TypeFlag : std::uint8_t {
    HeapType = 1 << 0, // created at run time (class statement, PyType_FromSpec); else a static C type
    // Its instances may hold references the collector sees (Py_TPFLAGS_HAVE_GC): dict, list, classes'
    // instances... Without it (str, int, bytes, float) an instance holds no object. Recorded since
    // snapshot files exist; a snapshot none of whose types has the bit predates it.
    GcType = 1 << 1,
    // Its instances are types (type itself and its subclasses, the metaclasses: Py_TPFLAGS_TYPE_SUBCLASS).
    Metatype = 1 << 2,
};

struct TypeRecord
{
    StringId name = 0;    // "module.qualname", e.g. "builtins.dict"
    StringId module = 0;  // "builtins" for static types without a dotted tp_name
    StringId qualname = 0;
    std::uint64_t address = 0; // the type object's address
    std::uint8_t flags = 0;    // TypeFlag
    // Where the type comes from, resolved once per type at capture; 0 (the empty string) when unknown.
    StringId library = 0; // the shared object (or executable) that defines it, a full path
    StringId symbol = 0;  // the type object's symbol (static types) or the function the library was
                          // recognised by (heap types made by extensions: tp_dealloc, tp_traverse...)
    StringId source = 0;  // "file:line" of that symbol's function (tp_dealloc) from debug information
};

// One frame of the traceback of an object's allocation, as tracemalloc recorded it (file and line),
// with the function the capture found that line in.
struct AllocationFrame
{
    StringId file = 0;
    std::uint32_t line = 0;
    // Qualified name of the function (or class body) the line belongs to: "Cache.add",
    // "main.<locals>.worker", "<module>" at a module's top level; 0 (the empty string) when unknown.
    StringId function = 0;

    friend bool operator==(const AllocationFrame&, const AllocationFrame&) = default;
};

enum NativeFrameFlag : std::uint32_t {
    NativeFrameInlined = 1 << 0, // inlined into the next frame of the stack (same return address)
};
inline constexpr std::uint32_t kKnownNativeFrameFlags = NativeFrameInlined;

// One frame of a native allocation stack, symbolised at capture.
struct NativeFrame
{
    std::uint64_t address = 0; // the return address (the call instruction's for inlined frames too)
    StringId function = 0;     // "leak_widget", demangled; 0 (empty) when unknown
    StringId library = 0;      // full path of the shared object or executable; 0 when unknown
    StringId file = 0;         // source file from debug information; 0 without it
    std::uint32_t line = 0;    // 0 without debug information
    std::uint32_t flags = 0;   // NativeFrameFlag
    friend bool operator==(const NativeFrame&, const NativeFrame&) = default;
};

inline constexpr ObjectIndex kNoObject = UINT32_MAX;

// Why a candidate is legitimate, attached at capture time by whoever could see it.
struct ExplanationRecord
{
    ObjectIndex object = 0;
    StringId kind = 0;   // short machine-readable kind, e.g. "static-type-dict"
    StringId detail = 0; // human-readable detail
    // The object of the snapshot that holds the candidate where the explainer knows one (a code
    // object whose constants hold it, an object whose memory holds its address), else kNoObject;
    // holderOffset is the byte offset of the reference inside the holder's memory, when known (0 if not).
    ObjectIndex holder = kNoObject;
    std::uint32_t holderOffset = 0;
};

struct SnapshotInfo
{
    std::string pythonVersion; // "3.11.2"
    std::string label;
    double captureSeconds = 0; // heap walk start to finished snapshot
    std::int64_t capturedAtMs = 0; // Unix time
    std::int64_t pid = 0;
    std::uint32_t tracemallocDepth = 0; // frames tracemalloc kept per allocation; 0: not tracing
    std::uint32_t nativeTraceDepth = 0; // native frames recorded per allocation; 0: native traces off
};

// Column storage of a snapshot, filled by the capture or a file reader and handed to Snapshot.
// Sizes and refcounts that do not fit 32 bits hold UINT32_MAX in their column and the exact value in
// the matching `large*` side table, which keeps the common case at four bytes.
struct SnapshotColumns
{
    std::vector<std::uint64_t> address;
    std::vector<TypeIndex> type;
    std::vector<std::uint32_t> size;
    std::vector<std::uint32_t> refcount;
    std::vector<std::uint8_t> flags;
    std::vector<std::pair<ObjectIndex, std::uint64_t>> largeSizes;     // sorted by object
    std::vector<std::pair<ObjectIndex, std::uint64_t>> largeRefcounts; // sorted by object

    // CSR row starts: objects + 1 entries, or fewer when the objects after the last row have no
    // referents (a capture writes rows for the objects it traversed only).
    std::vector<std::uint32_t> edgeOffsets{0};
    std::vector<ObjectIndex> edges;            // referents, grouped by referrer, duplicates kept

    std::vector<std::uint32_t> reprOffsets{0}; // objects + 1 entries
    std::string reprBlob;                      // UTF-8; an empty repr means "<module.Type at 0x…>"

    // How a container holds its referents where its structure says so: "['key']" for a dict value,
    // ".name" for an attribute, "__dict__", "(key)" for a dict key that is not a str. labelOwners is
    // sorted; owner k labels its referents in edge order with labels[labelStarts[k] + j], one string
    // per referent, 0 (the empty string) for an edge it cannot name. Owners labelled alike (instances
    // of one class, dicts sharing keys) share one run.
    std::vector<ObjectIndex> labelOwners;
    std::vector<std::uint32_t> labelStarts;
    std::vector<StringId> labels;

    // Where candidates were allocated, when tracemalloc traced the run: allocOwners is sorted; owner k's
    // traceback is allocFrames[allocOffsets[k] .. allocOffsets[k + 1]), innermost frame first.
    std::vector<ObjectIndex> allocOwners;
    std::vector<std::uint32_t> allocOffsets{0}; // allocOwners + 1 entries
    std::vector<AllocationFrame> allocFrames;

    // Native (C) allocation stacks, when native traces were on: nativeOwners is sorted; owner k was
    // allocated by stack nativeStackOf[k]. Stack s is nativeStackFrames[nativeStackOffsets[s] ..
    // nativeStackOffsets[s + 1]) (indices into nativeFrames), innermost first; its innermost
    // nativeStackFolded[s] frames are the interpreter's own allocation machinery (PyObject_Malloc,
    // gc_alloc, PyObject_GC_New...), which views fold away so the first line shown is the caller.
    std::vector<ObjectIndex> nativeOwners;
    std::vector<std::uint32_t> nativeStackOf;           // nativeOwners.size() entries
    std::vector<std::uint32_t> nativeStackOffsets{0};   // stacks + 1 entries
    std::vector<std::uint32_t> nativeStackFrames;
    std::vector<std::uint16_t> nativeStackFolded;       // per stack
    std::vector<NativeFrame> nativeFrames;

    std::vector<TypeRecord> types;
    std::vector<ExplanationRecord> explanations; // sorted by object, at most one per object
    StringPool strings;
    SnapshotInfo info;

    // Appends one object's scalar columns; edges and repr are appended separately.
    void appendObject(std::uint64_t addr, TypeIndex typeIndex, std::uint64_t bytes, std::uint64_t refs,
                      std::uint8_t objectFlags);
    // Appends the objects of tail (with their edges, labels and reprs) after this one's; tail's edges,
    // type indices and string ids already use the combined numbering.
    void appendObjectsOf(const SnapshotColumns& tail);
    std::size_t objectCount() const { return address.size(); }
};

// An immutable capture of a Python heap: per-object columns, the reference graph in CSR form, a type
// table and a string pool. Safe to share between threads. Analyses live in analysis.h.
class Snapshot
{
public:
    // Throws std::invalid_argument naming the first inconsistency (columns come from untrusted files too).
    explicit Snapshot(SnapshotColumns columns);

    // Empty when the columns are consistent, else a description of the first problem found.
    static std::string validate(const SnapshotColumns& columns);

    std::size_t objectCount() const { return m_objectCount; }
    std::size_t edgeCount() const { return m_c.edges.size(); }
    std::size_t typeCount() const { return m_c.types.size(); }
    std::size_t gcObjectCount() const { return m_gcObjects; }

    std::uint64_t address(ObjectIndex i) const
    {
        return m_addressLow.empty() ? m_c.address[i]
                                    : m_addressHigh[m_addressRegion[i]] << 32 | m_addressLow[i];
    }
    // Addresses of objects first, first + 1, ... into out (for writers that stream the column).
    void copyAddresses(ObjectIndex first, std::span<std::uint64_t> out) const;
    TypeIndex typeOf(ObjectIndex i) const { return m_c.type[i]; }
    std::uint64_t size(ObjectIndex i) const;
    std::uint64_t refcount(ObjectIndex i) const; // references the program holds (capture's own removed)
    std::uint8_t flags(ObjectIndex i) const { return m_c.flags[i]; }
    bool isGcTracked(ObjectIndex i) const { return m_c.flags[i] & GcTracked; }
    bool isUntrackedOrphan(ObjectIndex i) const { return m_c.flags[i] & UntrackedOrphan; }
    // Either kind of object that is a leak candidate when nothing refers to it.
    bool isCandidateKind(ObjectIndex i) const { return m_c.flags[i] & (GcTracked | UntrackedOrphan); }

    std::span<const ObjectIndex> referents(ObjectIndex i) const
    {
        if (i >= m_edgeRows)
            return {};
        return {m_c.edges.data() + m_c.edgeOffsets[i], m_c.edgeOffsets[i + 1] - m_c.edgeOffsets[i]};
    }
    // Where object i's referents start among all edges (i up to objectCount(): the CSR row starts).
    std::uint32_t edgeOffset(std::size_t i) const
    {
        return i <= m_edgeRows ? m_c.edgeOffsets[i] : m_c.edgeOffsets[m_edgeRows];
    }

    // Labels of the object's referents in edge order (see SnapshotColumns::labels); empty when the
    // object has none.
    std::span<const StringId> edgeLabels(ObjectIndex i) const;

    // Position among holder's referents of its occurrence-th edge to target (0 = the first), or
    // UINT32_MAX when there is no such edge. O(referents of holder).
    std::uint32_t edgeTo(ObjectIndex holder, ObjectIndex target, std::size_t occurrence = 0) const;

    // The structural repr recorded at capture, or empty when the object has the default form.
    std::string_view storedRepr(ObjectIndex i) const
    {
        return std::string_view(m_c.reprBlob).substr(m_c.reprOffsets[i], m_c.reprOffsets[i + 1] - m_c.reprOffsets[i]);
    }
    // The repr to show: the stored one, or "<module.Type at 0x…>".
    std::string repr(ObjectIndex i) const;

    const TypeRecord& type(TypeIndex t) const { return m_c.types[t]; }
    std::string_view typeName(TypeIndex t) const { return m_c.strings.at(m_c.types[t].name); }
    std::string_view typeNameOf(ObjectIndex i) const { return typeName(m_c.type[i]); }

    // Innermost frame first; empty when no allocation traceback was recorded for the object.
    std::span<const AllocationFrame> allocationSite(ObjectIndex i) const;

    // Native allocation stack of the object: frame indices (see nativeFrame()) innermost first; empty
    // when none was recorded. Its innermost nativeStackFolded(i) frames are the interpreter's
    // allocation machinery.
    std::span<const std::uint32_t> nativeStack(ObjectIndex i) const;
    std::uint16_t nativeStackFolded(ObjectIndex i) const;
    const NativeFrame& nativeFrame(std::uint32_t index) const { return m_c.nativeFrames[index]; }
    std::size_t nativeStackCount() const { return m_c.nativeStackOffsets.size() - 1; }

    // Null when no explanation was recorded for the object.
    const ExplanationRecord* explanation(ObjectIndex i) const;
    std::string_view string(StringId id) const { return m_c.strings.at(id); }

    const SnapshotInfo& info() const { return m_c.info; }
    // The columns as kept, which is not quite as given: the address column and the edge offsets are
    // stored compactly (below), so columns().address is empty when the addresses were split and
    // columns().edgeOffsets ends after the last object with referents. Use address(), edgeOffset()
    // and referents() for those, or expandedColumns() for a copy of the columns as given.
    const SnapshotColumns& columns() const { return m_c; }
    SnapshotColumns expandedColumns() const;

    // Bytes held by the snapshot; repr text and string pool counted only when asked.
    std::size_t memoryBytes(bool includeStrings) const;

private:
    void compact();

    SnapshotColumns m_c;
    std::size_t m_objectCount = 0;
    std::size_t m_gcObjects = 0;
    // Addresses as their low 32 bits and an index into the few distinct high halves a process's heap
    // spans (its mmap region, brk heap, libpython's data): 5 bytes per object rather than 8. Empty
    // when there are more than 256 high halves (a hostile file); m_c.address is kept then.
    std::vector<std::uint32_t> m_addressLow;
    std::vector<std::uint8_t> m_addressRegion;
    std::vector<std::uint64_t> m_addressHigh;
    // Objects 0 .. m_edgeRows - 1 have their row in m_c.edgeOffsets; the rest have no referents. The
    // capture lists the objects with referents (the gc-tracked ones) first, so the many untracked
    // objects after them cost no row start.
    std::size_t m_edgeRows = 0;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

std::string formatAddress(std::uint64_t address); // "0x7f…"

// How holder holds its edge-th referent: the recorded label ("['key']", ".attr", "[3]" in a list or
// tuple with empty slots), else "[3]" in an exact list or tuple (whose traverse visits the items last
// to first), or empty when unknown.
std::string edgeName(const Snapshot& snapshot, ObjectIndex holder, std::uint32_t edge);

} // namespace leakscope
