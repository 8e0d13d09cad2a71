#include <Python.h>

#include "heap_capture.h"

#include "pyobject_access.h"
#include "structural_repr.h"
#include "type_table.h"

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
        std::vector<std::uintptr_t> oldKeys(capacity, 0);
        std::vector<ObjectIndex> oldValues(capacity, 0);
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

struct Walk
{
    SnapshotColumns& columns; // the listed gc objects, indices [0, firstOutside)
    SnapshotColumns outside;  // referents not in the list, recorded when first met (still in cache)
    TypeTable& types;
    ObjectIndex firstOutside;
    AddressMap outsideIndex;
    const char* failure = nullptr; // set by visit(), which must not throw through C frames

    static void record(SnapshotColumns& into, TypeTable& types, PyObject* object, std::uint64_t ownReferences,
                       std::uint8_t flags)
    {
        const auto refs = static_cast<std::uint64_t>(Py_REFCNT(object));
        into.appendObject(reinterpret_cast<std::uintptr_t>(object), types.indexOf(Py_TYPE(object)),
                          shallowSize(object), refs >= ownReferences ? refs - ownReferences : 0, flags);
        appendStructuralRepr(into.reprBlob, object);
        if (into.reprBlob.size() >= UINT32_MAX / 2)
            throw CaptureError("repr text exceeds 2 GiB");
        into.reprOffsets.push_back(static_cast<std::uint32_t>(into.reprBlob.size()));
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
            const auto candidate = static_cast<ObjectIndex>(walk->firstOutside + walk->outside.objectCount());
            const ObjectIndex index
                = walk->outsideIndex.findOrInsert(reinterpret_cast<std::uintptr_t>(referent), candidate, inserted);
            if (inserted) {
                record(walk->outside, walk->types, referent, 0, 0);
                walk->outside.edgeOffsets.push_back(0);
            }
            walk->columns.edges.push_back(index);
        } catch (const CaptureError& error) {
            walk->failure = error.what();
            return 1;
        } catch (const std::bad_alloc&) {
            walk->failure = "out of memory";
            return 1;
        }
        return 0;
    }
};

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

} // namespace

std::string pythonVersion()
{
    std::string version = Py_GetVersion();
    return version.substr(0, version.find(' '));
}

SnapshotPtr captureHeap(const CaptureOptions& options, CaptureDiagnostics* diagnostics)
{
    const auto start = Clock::now();
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
    for (auto* v : {&columns.edgeOffsets, &columns.reprOffsets})
        v->reserve(count + count / 2 + 1);
    columns.address.reserve(count + count / 2);
    columns.edges.reserve(count * 4);
    columns.reprBlob.reserve(count * 16);
    Walk walk{columns, {}, types, static_cast<ObjectIndex>(count), AddressMap(count), nullptr};
    walk.outside.reprBlob.reserve(count * 8);

    auto lap = [last = start]() mutable {
        const auto now = Clock::now();
        const double seconds = std::chrono::duration<double>(now - last).count();
        last = now;
        return seconds;
    };
    CaptureDiagnostics phases;
    try {
        HeaderTags tags(objects, count);
        phases.listSeconds = lap();
        for (std::size_t i = 0; i < count; ++i) {
            PyObject* object = objects[i];
            Walk::record(columns, types, object, 1, GcTracked); // the list holds one reference
            if (traverseproc traverse = Py_TYPE(object)->tp_traverse)
                traverse(object, &Walk::visit, &walk);
            walk.closeEdges();
        }
        phases.walkSeconds = lap();
        columns.appendObjectsOf(walk.outside);
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
    columns.edges.shrink_to_fit();
    columns.info.captureSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    auto snapshot = std::make_shared<const Snapshot>(std::move(columns));
    phases.buildSeconds = lap();
    if (diagnostics)
        *diagnostics = std::move(phases);
    return snapshot;
}

} // namespace leakscope::capture
