#include <Python.h>

#include "heap_capture.h"

#include "pyobject_access.h"
#include "detail_pool.h"
#include "explainers.h"
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

class HeaderTags
{
public:
    HeaderTags(PyObject* const* objects, std::size_t count)
        : m_objects(objects)
        , m_saved(count)
    {
        for (std::size_t i = 0; i < count; ++i) {
            GcHeader* header = gcHeader(objects[i]);
            m_saved[i] = header->prev;
            header->prev = kTagBit | (static_cast<std::uintptr_t>(i) << kFlagBits) | (header->prev & kFlagMask);
        }
    }
    ~HeaderTags()
    {
        for (std::size_t i = 0; i < m_saved.size(); ++i)
            gcHeader(m_objects[i])->prev = m_saved[i];
    }
    HeaderTags(const HeaderTags&) = delete;
    HeaderTags& operator=(const HeaderTags&) = delete;

private:
    PyObject* const* m_objects;
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
        const auto refs = static_cast<std::uint64_t>(Py_REFCNT(object)) - 1; // the list holds one
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

// Moves sizes and reprs computed by the pool into the columns, in object order.
void takeDetails(SnapshotColumns& columns, const std::vector<DetailBlock>& blocks, ObjectIndex& next)
{
    for (const DetailBlock& block : blocks) {
        const auto base = static_cast<std::uint32_t>(columns.reprBlob.size());
        if (columns.reprBlob.size() + block.reprs.size() >= UINT32_MAX)
            throw CaptureError("repr text exceeds 4 GiB");
        columns.reprBlob += block.reprs;
        for (std::uint32_t end : block.reprEnds)
            columns.reprOffsets.push_back(base + end);
        for (std::uint64_t size : block.sizes) {
            if (size >= UINT32_MAX) {
                columns.size[next] = UINT32_MAX;
                columns.largeSizes.emplace_back(next, size);
            } else {
                columns.size[next] = static_cast<std::uint32_t>(size);
            }
            ++next;
        }
    }
}

std::string currentErrorText()
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    std::string text = "unknown error";
    if (value) {
        if (PyObject* str = PyObject_Str(value)) {
            if (const char* utf8 = PyUnicode_AsUTF8(str))
                text = utf8;
            Py_DECREF(str);
        }
    }
    PyErr_Clear();
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return text;
}

// gc.get_objects() through the function object the gc module already holds: calling it creates no
// temporary gc object that would land in its own result, and the result list excludes itself.
PyObject* listGcObjects()
{
    PyObject* gcModule = PyImport_ImportModule("gc");
    if (!gcModule)
        throw CaptureError("cannot import gc: " + currentErrorText());
    PyObject* getObjects = PyObject_GetAttrString(gcModule, "get_objects");
    Py_DECREF(gcModule);
    if (!getObjects)
        throw CaptureError("gc.get_objects is missing: " + currentErrorText());
    PyObject* list = PyObject_CallNoArgs(getObjects);
    Py_DECREF(getObjects);
    if (!list || !PyList_CheckExact(list)) {
        Py_XDECREF(list);
        throw CaptureError("gc.get_objects() failed: " + currentErrorText());
    }
    return list;
}

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
    if (PyErr_Occurred())
        throw CaptureError("capture started with a Python exception pending");

    PyObject* list = listGcObjects();
    const auto count = static_cast<std::size_t>(PyList_GET_SIZE(list));
    if (count >= UINT32_MAX / 2) {
        Py_DECREF(list);
        throw CaptureError("too many objects for one snapshot");
    }
    PyObject* const* objects = count ? &PyList_GET_ITEM(list, 0) : nullptr;

    SnapshotColumns columns;
    StringPoolBuilder strings;
    TypeTable types(columns.types, strings);
    CaptureDiagnostics phases;
    try {
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
        // Declared after the walk state it reads and before the tags, so that on failure the helper
        // thread stops before headers are restored and the list is released.
        DetailPool details(objects, count);
        {
            HeaderTags tags(objects, count);
            phases.listSeconds = lap();
            for (std::size_t i = 0; i < count; ++i) {
                PyObject* object = objects[i];
                walk.recordListed(static_cast<ObjectIndex>(i), object);
                if (traverseproc traverse = Py_TYPE(object)->tp_traverse)
                    traverse(object, &Walk::visit, &walk);
                walk.closeEdges();
            }
        }
        phases.walkSeconds = lap();
        // Outside objects have no edges of their own: the snapshot holds what listed objects refer to.
        columns.edgeOffsets.resize(columns.address.size() + 1, static_cast<std::uint32_t>(columns.edges.size()));
        std::sort(columns.largeRefcounts.begin(), columns.largeRefcounts.end());
        details.finish(walk.outside);
        ObjectIndex next = 0;
        reserveHuge(columns.reprOffsets, columns.address.size() + 1);
        reserveHuge(columns.reprBlob, count * 40);
        takeDetails(columns, details.listedBlocks(), next);
        takeDetails(columns, details.outsideBlocks(), next);
        explainCandidates(columns, strings, objects, count, options);
        phases.outsideSeconds = lap();
    } catch (...) {
        Py_DECREF(list);
        throw;
    }
    phases.ownObjects = {reinterpret_cast<std::uintptr_t>(list)};
    Py_DECREF(list);

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
