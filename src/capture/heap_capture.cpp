#include <Python.h>

#include "heap_capture.h"

#include "pyobject_access.h"
#include "conservative_scan.h"
#include "allocation_sites.h"
#include "detail_pool.h"
#include "edge_labels.h"
#include "explainers.h"
#include "parser_arenas.h"
#include "gc_lists.h"
#include "huge_pages.h"
#include "native_stacks.h"
#include "reference_resolver.h"
#include "text_references.h"
#include "type_table.h"
#include "untracked_holders.h"
#include "untracked_orphans.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sys/resource.h>
#include <unistd.h>

namespace leakscope::capture {

namespace {

using Clock = std::chrono::steady_clock;

// While the walk runs, each listed object's gc header carries its snapshot index in `prev`, marked by
// the top bit (never set in a user-space pointer on Linux). Finding a referent's index is then one read
// of memory tp_traverse's caller touches anyway, as in the collector's own update_refs(); no hash
// lookup. The collector's two flag bits are kept, and every header is restored before Python runs.
constexpr std::uintptr_t kTagBit = std::uintptr_t(1) << 63;
constexpr int kFlagBits = 2;
constexpr std::uintptr_t kFlagMask = (std::uintptr_t(1) << kFlagBits) - 1;
constexpr std::size_t kAhead = 8; // listed objects are scattered: prefetch this many ahead

// Every gc-tracked object, read from the collector's own lists (the generations and the permanent
// one), with its index written into its header on the way. The capture takes no reference: nothing can
// free an object while the GIL holder runs no Python code. Restores the headers when destroyed.
class TaggedObjects
{
public:
    TaggedObjects()
    {
        // Sized from the collector's counters: grown by doubling, the list would be copied into
        // fresh memory several times over, a page fault per 4 KiB each time, in the first capture.
        reserveHuge(m_objects, std::min<std::size_t>(leakscope_gc_tracked_estimate(), UINT32_MAX / 2) + (1u << 12));
        for (int list = 0; list < leakscope_gc_list_count(); ++list) {
            auto* head = static_cast<GcHeader*>(leakscope_gc_list_head(list));
            m_listStarts.push_back(m_objects.size());
            for (auto* header = reinterpret_cast<GcHeader*>(head->next); header != head;
                 header = reinterpret_cast<GcHeader*>(header->next)) {
                const std::uintptr_t index = m_objects.size();
                if (index >= UINT32_MAX / 2) {
                    restore();
                    throw CaptureError("too many objects for one snapshot");
                }
                header->prev = kTagBit | (index << kFlagBits) | (header->prev & kFlagMask);
                m_objects.push_back(reinterpret_cast<PyObject*>(header + 1));
            }
        }
    }
    ~TaggedObjects() { restore(); }
    TaggedObjects(const TaggedObjects&) = delete;
    TaggedObjects& operator=(const TaggedObjects&) = delete;

    // Each header's `prev` was the previous header of its list (or the list's head), with the two
    // flag bits the tag kept: the lists' order gives it back, with nothing saved.
    void restore()
    {
        if (m_restored)
            return;
        m_restored = true;
        for (std::size_t list = 0; list < m_listStarts.size(); ++list) {
            const std::size_t end = list + 1 < m_listStarts.size() ? m_listStarts[list + 1] : m_objects.size();
            auto previous = reinterpret_cast<std::uintptr_t>(leakscope_gc_list_head(static_cast<int>(list)));
            for (std::size_t i = m_listStarts[list]; i < end; ++i) {
                GcHeader* header = gcHeader(m_objects[i]);
                header->prev = previous | (header->prev & kFlagMask);
                previous = reinterpret_cast<std::uintptr_t>(header);
            }
        }
    }

    PyObject* const* data() const { return m_objects.data(); }
    std::size_t size() const { return m_objects.size(); }

private:
    std::vector<PyObject*> m_objects;
    std::vector<std::size_t> m_listStarts; // where each list's objects begin in m_objects
    bool m_restored = false;
};

// The GIL holder's part of a capture: the reference graph and the columns that need the type table.
struct Walk
{
    // Marks an edge whose referent is not listed; resolve() fills it in, taking referents from
    // `pending` in edge order. Never a valid index: snapshots hold fewer than UINT32_MAX / 2 objects.
    static constexpr ObjectIndex kPendingEdge = UINT32_MAX;

    SnapshotColumns& columns;       // listed gc objects at [0, firstOutside), then outside referents
    std::size_t outsideCount = 0;   // referents not in the list: their rows follow the listed ones
    std::vector<std::uintptr_t> pending; // referents of the pending edges, in edge order
    TypeTable& types;
    ObjectIndex firstOutside;
    const char* failure = nullptr; // set by visit(), which must not throw through C frames

    // Scalar columns of listed object i, whose rows exist already; size and repr come from the pool.
    void recordListed(ObjectIndex i, PyObject* object)
    {
        const auto refs = static_cast<std::uint64_t>(Py_REFCNT(object));
        columns.address[i] = reinterpret_cast<std::uintptr_t>(object);
        columns.type[i] = types.indexOf(Py_TYPE(object));
        columns.refcount[i] = refs >= UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(refs);
        if (refs >= UINT32_MAX)
            columns.largeRefcounts.emplace_back(i, refs);
        columns.flags[i] = GcTracked;
    }

    void closeEdges()
    {
        if (failure)
            throw CaptureError(failure);
        if (columns.edges.size() >= UINT32_MAX)
            throw CaptureError("more than 4 billion references");
        columns.edgeOffsets.push_back(static_cast<std::uint32_t>(columns.edges.size()));
    }

    // The referents of the object just walked, whose edges start at firstEdge, as pointers.
    void referentsSince(std::size_t firstEdge, std::size_t firstPending, PyObject* const* listed,
                        std::vector<PyObject*>& out) const
    {
        out.clear();
        std::size_t next = firstPending;
        for (std::size_t e = firstEdge; e < columns.edges.size(); ++e) {
            const ObjectIndex target = columns.edges[e];
            out.push_back(target == kPendingEdge ? reinterpret_cast<PyObject*>(pending[next++]) : listed[target]);
        }
    }

    // A listed referent's index is in its header. Others wait for resolve(): looking each up in a hash
    // table here would cost a cache miss per reference, which a batch can overlap.
    static int visit(PyObject* referent, void* arg)
    {
        // Py_VISIT skips empty slots, but a hand-written traverse may visit them: no reference there.
        // Nor from a referent whose type is not set, which no later reader could describe.
        if (!referent || !Py_TYPE(referent))
            return 0;
        auto* walk = static_cast<Walk*>(arg);
        if (isGcObject(referent)) {
            const std::uintptr_t prev = gcHeader(referent)->prev;
            if (prev & kTagBit) {
                walk->columns.edges.push_back(static_cast<ObjectIndex>((prev & ~kTagBit) >> kFlagBits));
                return 0;
            }
        }
        try {
            walk->pending.push_back(reinterpret_cast<std::uintptr_t>(referent));
            walk->columns.edges.push_back(kPendingEdge);
        } catch (const std::bad_alloc&) {
            walk->failure = "out of memory";
            return 1;
        }
        return 0;
    }

    // Numbers the outside referents in the order the walk met them (which follows memory order well
    // enough for the detail pool's reads), fills in their edges, and hands them to the pool block by
    // block.
    void resolve(DetailPool& details)
    {
        std::vector<std::uint32_t> ids;
        reserveHuge(ids, pending.size());
        const std::size_t distinct = groupReferences(pending, ids);
        const std::size_t total = firstOutside + distinct;
        if (total >= UINT32_MAX / 2)
            throw CaptureError("too many objects for one snapshot");
        // The outside objects' rows, made at once: the pool reads their addresses and writes their sizes
        // and refcounts in place, so none of these columns may be reallocated until it is done. Types
        // are filled in after it.
        auto makeRows = [total](auto& column) {
            if (column.capacity() < total)
                reserveHuge(column, total);
            column.resize(total);
        };
        makeRows(columns.address);
        makeRows(columns.type);
        makeRows(columns.size);
        makeRows(columns.refcount);
        makeRows(columns.flags);
        details.expectOutside(columns.address.data() + firstOutside, distinct, columns.size.data() + firstOutside,
                              columns.refcount.data() + firstOutside);
        // Walking the references in order, an id not seen yet is met for the first time. The bitmap
        // stays in cache where an array of first positions would not, on big heaps; later look-ups
        // of indexOfId are mostly of the few objects referenced many times (None, small ints), which
        // are hot.
        std::vector<bool> seen(distinct, false);
        FreshArray<ObjectIndex> indexOfId(distinct); // written before it is read: no need to zero it
        std::uint32_t reference = 0;
        for (ObjectIndex& edge : columns.edges) {
            if (edge != kPendingEdge)
                continue;
            const std::uint32_t id = ids[reference];
            if (!seen[id]) {
                seen[id] = true;
                const auto index = static_cast<ObjectIndex>(firstOutside + outsideCount);
                indexOfId[id] = index;
                // Type, size and refcount come from the detail pool, which reads the object anyway.
                columns.address[index] = pending[reference];
                if (++outsideCount % kDetailBlockObjects == 0)
                    details.publishOutside(outsideCount);
            }
            edge = indexOfId[id];
            ++reference;
        }
        pending = {};
    }
};

// Candidates are known once the edges are: let the explainers look at them while they are alive.
// Returns the candidates, by index.
std::vector<ObjectIndex> explainCandidates(SnapshotColumns& columns, StringPoolBuilder& strings, TypeTable& types,
                                           PyObject* const* objects, std::size_t count, const CaptureOptions& options,
                                           CaptureDiagnostics& phases)
{
    FreshArray<std::uint32_t> inDegree(columns.address.size()); // zeroed
    for (ObjectIndex target : columns.edges)
        ++inDegree[target];
    std::vector<ObjectIndex> candidates;
    for (ObjectIndex i = 0; i < count; ++i) {
        if (inDegree[i] == 0)
            candidates.push_back(i);
    }
    // With native traces, the live allocations nothing refers to are candidates too; the explainers
    // then see them like the others (a frame's local, a code constant, an interpreter root...).
    if (options.nativeTraces) {
        const auto start = Clock::now();
        OrphanCensus census;
        const std::vector<ObjectIndex> orphans = appendUntrackedOrphans(columns, types, *options.nativeTraces, &census);
        candidates.insert(candidates.end(), orphans.begin(), orphans.end());
        phases.untrackedOrphans = census.orphans;
        phases.allocationsSeen = census.allocations;
        phases.orphanSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
    // The outside objects are the rows after the listed ones, by address.
    const std::span<const std::uint64_t> outside(columns.address.data() + count, columns.address.size() - count);
    ExplainContext context({objects, count}, outside, candidates, columns.type, columns.types);
    explainTypeInternals(context);
    explainModuleCopies(context);
    explainInterpreterRoots(context);
    if (options.nativeTraces) // only untracked orphans can be such a filename
        explainTracemallocFilenames(context);
    explainThreadRoots(context);
    explainParserArenas(context);
    explainCodeConstants(context);
    explainUntrackedHolders(context);
    if (options.baseline)
        explainBaseline(context, *options.baseline);
    explainByConservativeScan(context);
    if (options.nativeTraces)
        explainTextReferences(context, options.nativeTraces);
    context.store(columns, strings);
    return candidates;
}

} // namespace

ProcessCounters ProcessCounters::now()
{
    ProcessCounters counters;
    struct rusage usage;
    if (::getrusage(RUSAGE_SELF, &usage) == 0)
        counters.pageFaults = static_cast<std::uint64_t>(usage.ru_minflt) + static_cast<std::uint64_t>(usage.ru_majflt);
    struct timespec cpu;
    if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0)
        counters.processorSeconds = static_cast<double>(cpu.tv_sec) + static_cast<double>(cpu.tv_nsec) * 1e-9;
    return counters;
}

std::string pythonVersion()
{
    std::string version = Py_GetVersion();
    return version.substr(0, version.find(' '));
}

SnapshotPtr captureHeap(const CaptureOptions& options, CaptureDiagnostics* diagnostics)
{
    const auto start = Clock::now();
    const ProcessCounters startCounters = ProcessCounters::now();
    // Seconds since the last lap; the page faults of the phase go to `faults`.
    auto lap = [last = start, lastFaults = startCounters.pageFaults](std::uint64_t& faults) mutable {
        const auto now = Clock::now();
        const double seconds = std::chrono::duration<double>(now - last).count();
        last = now;
        const std::uint64_t nowFaults = ProcessCounters::now().pageFaults;
        faults = nowFaults - lastFaults;
        lastFaults = nowFaults;
        return seconds;
    };

    if (leakscope_gc_collecting())
        throw CaptureError("cannot capture while the garbage collector runs (called from a finalizer?)");
    auto progress = [&options](unsigned permille, const char* phase) {
        if (options.progress)
            options.progress(permille, phase);
    };
    progress(0, "listing gc objects");
    SnapshotColumns columns;
    StringPoolBuilder strings;
    TypeTable types(columns.types, strings);
    CaptureDiagnostics phases;
    TaggedObjects tagged;
    const std::size_t count = tagged.size();
    PyObject* const* objects = tagged.data();
    phases.listSeconds = lap(phases.listFaults);

    reserveHuge(columns.address, count * 3);
    reserveHuge(columns.type, count * 3);
    reserveHuge(columns.size, count * 3);
    reserveHuge(columns.refcount, count * 3);
    reserveHuge(columns.flags, count * 3);
    reserveHuge(columns.edgeOffsets, count * 3 + 1);
    reserveHuge(columns.edges, count * 5);
    columns.address.resize(count);
    columns.type.resize(count);
    columns.size.resize(count);
    columns.refcount.resize(count);
    columns.flags.resize(count);
    Walk walk{columns, {}, {}, types, static_cast<ObjectIndex>(count), nullptr};
    progress(100, "walking references");
    reserveHuge(walk.pending, count * 4);
    {
        // Destroyed before the tags: on failure the helpers stop before headers are restored.
        DetailPool details(objects, count);
        EdgeLabeler labeler(columns, strings);
        std::vector<PyObject*> referents;
        for (std::size_t i = 0; i < count; ++i) {
            if (i + kAhead < count)
                __builtin_prefetch(objects[i + kAhead]);
            PyObject* object = objects[i];
            walk.recordListed(static_cast<ObjectIndex>(i), object);
            const std::size_t firstEdge = columns.edges.size();
            const std::size_t firstPending = walk.pending.size();
            if (traverseproc traverse = Py_TYPE(object)->tp_traverse)
                traverse(object, &Walk::visit, &walk);
            walk.closeEdges();
            const std::size_t edgeCount = columns.edges.size() - firstEdge;
            if (edgeCount > 0 && labeler.wants(columns.type[i], object, edgeCount)) {
                walk.referentsSince(firstEdge, firstPending, objects, referents);
                labeler.label(static_cast<ObjectIndex>(i), object, columns.type[i], referents);
            }
        }
        tagged.restore();
        progress(400, "numbering referents");
        walk.resolve(details);
        progress(600, "reprs and sizes");
        phases.walkSeconds = lap(phases.walkFaults);
        // Outside objects have no edges of their own (the snapshot holds what listed objects refer to):
        // their rows are left out, which the columns allow, and their memory is never touched.
        details.finish(walk.outsideCount);
        // Types first: their scratch goes before the merge, where the capture's memory peaks.
        ObjectIndex next = static_cast<ObjectIndex>(count);
        details.takeOutsideTypes([&](PyTypeObject* type) { columns.type[next++] = types.indexOf(type); });
        details.mergeInto(columns);
    }
    progress(900, "explaining candidates");
    const std::vector<ObjectIndex> candidates
        = explainCandidates(columns, strings, types, objects, count, options, phases);
    phases.outsideSeconds = lap(phases.outsideFaults);
    if (options.resolveOrigins) {
        progress(940, "resolving type origins");
        types.resolveOrigins();
    }
    if (options.nativeTraces && options.resolveOrigins) {
        progress(955, "symbolising native stacks");
        const auto start = Clock::now();
        recordNativeStacks(columns, strings, candidates, *options.nativeTraces);
        phases.nativeStackSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
    phases.originSeconds = lap(phases.originFaults);
    // Last: tracemalloc answers with Python objects, so nothing of the walk may follow. Python code
    // can free an untracked orphan (a name the type attribute cache evicts): the candidates' blocks
    // are read first.
    if (options.allocationSites) {
        const std::vector<std::uintptr_t> blocks = allocationBlocks(columns, candidates);
        if ((columns.info.tracemallocDepth = tracemallocDepth()) > 0) {
            progress(970, "reading allocation sites");
            recordAllocationSites(columns, strings, candidates, blocks);
        }
    }
    phases.allocationSeconds = lap(phases.allocationFaults);

    columns.strings = strings.take();
    columns.info.pythonVersion = pythonVersion();
    columns.info.label = options.label;
    columns.info.pid = static_cast<std::int64_t>(getpid());
    columns.info.capturedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    columns.info.captureSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    auto snapshot = std::make_shared<const Snapshot>(std::move(columns));
    phases.buildSeconds = lap(phases.buildFaults);
    phases.processorSeconds = ProcessCounters::now().processorSeconds - startCounters.processorSeconds;
    if (diagnostics)
        *diagnostics = std::move(phases);
    return snapshot;
}

} // namespace leakscope::capture
