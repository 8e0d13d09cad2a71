#include <Python.h>

#include "heap_capture.h"

#include "pyobject_access.h"
#include "detail_pool.h"
#include "explainers.h"
#include "gc_lists.h"
#include "huge_pages.h"
#include "type_table.h"

#include <algorithm>
#include <chrono>
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
        m_objects.reserve(1u << 16);
        m_saved.reserve(1u << 16);
        for (int list = 0; list < leakscope_gc_list_count(); ++list) {
            auto* head = static_cast<GcHeader*>(leakscope_gc_list_head(list));
            for (auto* header = reinterpret_cast<GcHeader*>(head->next); header != head;
                 header = reinterpret_cast<GcHeader*>(header->next)) {
                const std::uintptr_t index = m_objects.size();
                if (index >= UINT32_MAX / 2) {
                    restore();
                    throw CaptureError("too many objects for one snapshot");
                }
                m_saved.push_back(header->prev);
                header->prev = kTagBit | (index << kFlagBits) | (header->prev & kFlagMask);
                m_objects.push_back(reinterpret_cast<PyObject*>(header + 1));
            }
        }
    }
    ~TaggedObjects() { restore(); }
    TaggedObjects(const TaggedObjects&) = delete;
    TaggedObjects& operator=(const TaggedObjects&) = delete;

    void restore()
    {
        for (std::size_t i = 0; i < m_saved.size(); ++i)
            gcHeader(m_objects[i])->prev = m_saved[i];
        m_saved.clear();
    }

    PyObject* const* data() const { return m_objects.data(); }
    std::size_t size() const { return m_objects.size(); }

private:
    std::vector<PyObject*> m_objects;
    std::vector<std::uintptr_t> m_saved;
};

// Open-addressing map from the address of an object outside the walked list to its snapshot index.
class AddressMap
{
public:
    explicit AddressMap(std::size_t expected)
    {
        std::size_t capacity = 1024;
        while (capacity < expected * 2)
            capacity *= 2;
        resize(capacity);
    }

    // The index stored for key, or candidate after inserting it (inserted tells which).
    ObjectIndex findOrInsert(std::uintptr_t key, ObjectIndex candidate, bool& inserted)
    {
        for (std::size_t slot = hash(key);; slot = (slot + 1) & m_mask) {
            if (m_keys[slot] == key) {
                inserted = false;
                return m_values[slot];
            }
            if (m_keys[slot] == 0) {
                inserted = true;
                m_keys[slot] = key;
                m_values[slot] = candidate;
                if (++m_size * 2 > m_keys.size())
                    resize(m_keys.size() * 2);
                return candidate;
            }
        }
    }

private:
    // Objects allocated together sit in the same 4 KiB page and are looked up together, so a page maps
    // to a random run of 256 slots and the offset within the page picks the slot in it: consecutive
    // look-ups then share cache lines instead of each missing the cache.
    std::size_t hash(std::uintptr_t key) const
    {
        const std::uint64_t page = static_cast<std::uint64_t>(key >> 12) * 0x9E3779B97F4A7C15ull;
        return static_cast<std::size_t>(((page >> 32) << 8) | ((key >> 4) & 0xFF)) & m_mask;
    }

    void resize(std::size_t capacity)
    {
        std::vector<std::uintptr_t> oldKeys;
        std::vector<ObjectIndex> oldValues;
        reserveHuge(oldKeys, capacity);
        reserveHuge(oldValues, capacity);
        oldKeys.resize(capacity, 0);
        oldValues.resize(capacity, 0);
        oldKeys.swap(m_keys);
        oldValues.swap(m_values);
        m_mask = capacity - 1;
        for (std::size_t i = 0; i < oldKeys.size(); ++i) {
            if (!oldKeys[i])
                continue;
            std::size_t slot = hash(oldKeys[i]);
            while (m_keys[slot])
                slot = (slot + 1) & m_mask;
            m_keys[slot] = oldKeys[i];
            m_values[slot] = oldValues[i];
        }
    }

    std::vector<std::uintptr_t> m_keys;
    std::vector<ObjectIndex> m_values;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

// The GIL holder's part of a capture: the reference graph and the columns that need the type table.
struct Walk
{
    SnapshotColumns& columns;       // listed gc objects at [0, firstOutside), then outside referents
    std::vector<PyObject*> outside; // referents not in the list, in index order, for the detail pool
    TypeTable& types;
    ObjectIndex firstOutside;
    AddressMap outsideIndex;
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

    static int visit(PyObject* referent, void* arg)
    {
        auto* walk = static_cast<Walk*>(arg);
        if (isGcObject(referent)) {
            const std::uintptr_t prev = gcHeader(referent)->prev;
            if (prev & kTagBit) {
                walk->columns.edges.push_back(static_cast<ObjectIndex>((prev & ~kTagBit) >> kFlagBits));
                return 0;
            }
        }
        try {
            bool inserted = false;
            const auto candidate = static_cast<ObjectIndex>(walk->firstOutside + walk->outside.size());
            const ObjectIndex index
                = walk->outsideIndex.findOrInsert(reinterpret_cast<std::uintptr_t>(referent), candidate, inserted);
            if (inserted) {
                walk->columns.appendObject(reinterpret_cast<std::uintptr_t>(referent),
                                           walk->types.indexOf(Py_TYPE(referent)), 0,
                                           static_cast<std::uint64_t>(Py_REFCNT(referent)), 0);
                walk->outside.push_back(referent);
            }
            walk->columns.edges.push_back(index);
        } catch (const std::bad_alloc&) {
            walk->failure = "out of memory";
            return 1;
        }
        return 0;
    }
};

// Candidates are known once the edges are: let the explainers look at them while they are alive.
void explainCandidates(SnapshotColumns& columns, StringPoolBuilder& strings, PyObject* const* objects,
                       std::size_t count, const CaptureOptions& options)
{
    std::vector<std::uint32_t> inDegree(columns.address.size(), 0);
    for (ObjectIndex target : columns.edges)
        ++inDegree[target];
    std::vector<ObjectIndex> candidates;
    for (ObjectIndex i = 0; i < count; ++i) {
        if (inDegree[i] == 0)
            candidates.push_back(i);
    }
    ExplainContext context(objects, candidates);
    explainTypeInternals(context);
    explainModuleCopies(context);
    if (options.baseline)
        explainBaseline(context, *options.baseline);
    context.store(columns, strings);
}

} // namespace

std::string pythonVersion()
{
    std::string version = Py_GetVersion();
    return version.substr(0, version.find(' '));
}

SnapshotPtr captureHeap(const CaptureOptions& options, CaptureDiagnostics* diagnostics)
{
    const auto start = Clock::now();
    auto lap = [last = start]() mutable {
        const auto now = Clock::now();
        const double seconds = std::chrono::duration<double>(now - last).count();
        last = now;
        return seconds;
    };

    SnapshotColumns columns;
    StringPoolBuilder strings;
    TypeTable types(columns.types, strings);
    CaptureDiagnostics phases;
    TaggedObjects tagged;
    const std::size_t count = tagged.size();
    PyObject* const* objects = tagged.data();
    phases.listSeconds = lap();

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
    Walk walk{columns, {}, types, static_cast<ObjectIndex>(count), AddressMap(count * 2), nullptr};
    reserveHuge(walk.outside, count * 2);
    {
        // Destroyed before the tags: on failure the helper thread stops before headers are restored.
        DetailPool details(objects, count);
        for (std::size_t i = 0; i < count; ++i) {
            if (i + kAhead < count)
                __builtin_prefetch(objects[i + kAhead]);
            PyObject* object = objects[i];
            walk.recordListed(static_cast<ObjectIndex>(i), object);
            if (traverseproc traverse = Py_TYPE(object)->tp_traverse)
                traverse(object, &Walk::visit, &walk);
            walk.closeEdges();
        }
        tagged.restore();
        phases.walkSeconds = lap();
        // Outside objects have no edges of their own: the snapshot holds what listed objects refer to.
        columns.edgeOffsets.resize(columns.address.size() + 1, static_cast<std::uint32_t>(columns.edges.size()));
        std::sort(columns.largeRefcounts.begin(), columns.largeRefcounts.end());
        details.finish(walk.outside);
        details.mergeInto(columns);
    }
    explainCandidates(columns, strings, objects, count, options);
    phases.outsideSeconds = lap();

    columns.strings = strings.take();
    columns.info.pythonVersion = pythonVersion();
    columns.info.label = options.label;
    columns.info.pid = static_cast<std::int64_t>(getpid());
    columns.info.capturedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    columns.info.captureSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    auto snapshot = std::make_shared<const Snapshot>(std::move(columns));
    phases.buildSeconds = lap();
    if (diagnostics)
        *diagnostics = std::move(phases);
    return snapshot;
}

} // namespace leakscope::capture
