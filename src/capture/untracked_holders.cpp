#include <Python.h>

#include "untracked_holders.h"

#include "address_table.h"
#include "held_by_check.h"
#include "pyobject_access.h"
#include "snapshot/text.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace leakscope::capture {

namespace {

// numpy's public array struct (PyArrayObject_fields), the same from numpy 1.7 to 2.x up to
// weakreflist; nothing later is read.
struct ArrayFields
{
    PyObject_HEAD
    char* data;
    int nd;
    Py_ssize_t* dimensions;
    Py_ssize_t* strides;
    PyObject* base;
    PyObject* descr;
    int flags;
    PyObject* weakreflist;
};

// The start of numpy's PyArray_Descr, the same in 1.x and 2.x.
struct DescrHead
{
    PyObject_HEAD
    PyTypeObject* typeobj;
    char kind;
    char type;
    char byteorder;
    char flags;
    int type_num;
};

// The rest of numpy 1.x's PyArray_Descr, needed for the object fields of structured dtypes.
struct Descr1 : DescrHead
{
    int elsize;
    int alignment;
    struct Subarray
    {
        PyObject* base;  // PyArray_Descr
        PyObject* shape; // tuple of ints
    }* subarray;
    PyObject* fields; // dict: name -> (dtype, offset[, title])
    PyObject* names;
};

constexpr int kObjectTypeNum = 17;     // NPY_OBJECT
constexpr char kHasObjectFlag = 0x01;  // NPY_ITEM_REFCOUNT: the dtype holds object references
constexpr int kMaxDimensions = 64;     // NPY_MAXDIMS is 32 in 1.x, 64 in 2.x
constexpr std::size_t kMaxObjectFields = 4096;
constexpr std::size_t kMaxViaLength = 400;

// numpy as the process has imported it, found without importing or calling anything.
class Numpy
{
public:
    Numpy()
    {
        PyObject* modules = PyImport_GetModuleDict();
        PyObject* numpy = modules ? dictItemByName(modules, "numpy") : nullptr;
        if (!numpy || !PyModule_Check(numpy))
            return;
        PyObject* dict = PyModule_GetDict(numpy);
        PyObject* ndarray = dictItemByName(dict, "ndarray");
        PyObject* dtype = dictItemByName(dict, "dtype");
        if (!ndarray || !PyType_Check(ndarray) || !dtype || !PyType_Check(dtype))
            return;
        m_array = reinterpret_cast<PyTypeObject*>(ndarray);
        m_dtype = reinterpret_cast<PyTypeObject*>(dtype);
        if (m_array->tp_basicsize < static_cast<Py_ssize_t>(sizeof(ArrayFields))
            || m_dtype->tp_basicsize < static_cast<Py_ssize_t>(sizeof(DescrHead))) {
            m_array = nullptr; // not the layout this reads
            return;
        }
        PyObject* version = dictItemByName(dict, "__version__");
        std::string text;
        if (version && PyUnicode_Check(version))
            appendUnicode(text, version, 16);
        m_structured = text.rfind("1.", 0) == 0 && m_dtype->tp_basicsize >= static_cast<Py_ssize_t>(sizeof(Descr1));
    }

    bool present() const { return m_array != nullptr; }

    bool isArray(PyObject* object) { return isArrayType(Py_TYPE(object)); }
    bool isArrayType(PyTypeObject* type)
    {
        if (!m_array)
            return false;
        TypeAnswer& slot = m_answers[(reinterpret_cast<std::uintptr_t>(type) >> 4) % kAnswerSlots];
        if (slot.type != type)
            slot = {type, type == m_array || PyType_IsSubtype(type, m_array)};
        return slot.isArray;
    }

    // Byte offsets of the object references inside one element of the array's dtype; empty when it
    // holds none (or its layout is not one this reads).
    const std::vector<Py_ssize_t>& objectOffsets(PyObject* descr)
    {
        auto [it, added] = m_offsets.try_emplace(descr);
        if (added)
            collectOffsets(descr, 0, it->second, 0);
        return it->second;
    }

private:
    bool isDescr(PyObject* object) const
    {
        return object && (Py_TYPE(object) == m_dtype || PyType_IsSubtype(Py_TYPE(object), m_dtype));
    }

    void collectOffsets(PyObject* descrObject, Py_ssize_t base, std::vector<Py_ssize_t>& out, int depth)
    {
        if (!isDescr(descrObject) || depth > 8 || out.size() >= kMaxObjectFields)
            return;
        const auto* head = reinterpret_cast<const DescrHead*>(descrObject);
        if (head->type_num == kObjectTypeNum) {
            out.push_back(base);
            return;
        }
        if (!m_structured || !(head->flags & kHasObjectFlag))
            return;
        const auto* descr = static_cast<const Descr1*>(head);
        if (descr->subarray) {
            PyObject* shape = descr->subarray->shape;
            PyObject* itemDescr = descr->subarray->base;
            if (!isDescr(itemDescr))
                return;
            Py_ssize_t count = 1;
            if (shape && PyTuple_Check(shape)) {
                for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(shape); ++i) {
                    PyObject* extent = PyTuple_GET_ITEM(shape, i);
                    const long value = extent && PyLong_CheckExact(extent) ? PyLong_AsLong(extent) : -1;
                    if (value < 0 || PyErr_Occurred()) {
                        PyErr_Clear();
                        return;
                    }
                    count *= value;
                    if (count > static_cast<Py_ssize_t>(kMaxObjectFields))
                        count = static_cast<Py_ssize_t>(kMaxObjectFields);
                }
            } else if (shape && PyLong_CheckExact(shape)) {
                count = std::max<long>(0, PyLong_AsLong(shape));
                PyErr_Clear();
            }
            const Py_ssize_t itemSize = reinterpret_cast<const Descr1*>(itemDescr)->elsize;
            for (Py_ssize_t k = 0; k < count && out.size() < kMaxObjectFields; ++k)
                collectOffsets(itemDescr, base + k * itemSize, out, depth + 1);
            return;
        }
        if (!descr->fields || !PyDict_Check(descr->fields))
            return;
        Py_ssize_t position = 0;
        PyObject* name;
        PyObject* field;
        while (PyDict_Next(descr->fields, &position, &name, &field)) {
            if (!PyTuple_Check(field) || PyTuple_GET_SIZE(field) < 2)
                continue;
            PyObject* offset = PyTuple_GET_ITEM(field, 1);
            const long value = offset && PyLong_CheckExact(offset) ? PyLong_AsLong(offset) : -1;
            if (value < 0 || PyErr_Occurred()) {
                PyErr_Clear();
                continue;
            }
            collectOffsets(PyTuple_GET_ITEM(field, 0), base + value, out, depth + 1);
        }
    }

    PyTypeObject* m_array = nullptr;
    PyTypeObject* m_dtype = nullptr;
    bool m_structured = false;
    struct TypeAnswer
    {
        PyTypeObject* type = nullptr;
        bool isArray = false;
    };
    static constexpr std::size_t kAnswerSlots = 251; // prime: type objects share their alignment
    std::vector<TypeAnswer> m_answers = std::vector<TypeAnswer>(kAnswerSlots);
    std::unordered_map<PyObject*, std::vector<Py_ssize_t>> m_offsets;
};

std::string typeAndAddress(PyObject* object)
{
    std::string module, qualname;
    typeNames(Py_TYPE(object), module, qualname);
    return module + "." + qualname + " at " + formatAddress(reinterpret_cast<std::uintptr_t>(object));
}

// Calls onItem(item, index, fieldOffset) for every non-NULL object reference in the array's data,
// where index holds the element's nd coordinates. Arrays whose header does not make sense (being
// built, or not an array this reads) are skipped.
template<typename OnItem>
void forEachArrayItem(Numpy& numpy, PyObject* arrayObject, OnItem&& onItem)
{
    const auto* array = reinterpret_cast<const ArrayFields*>(arrayObject);
    if (!array->data || !array->descr || array->nd < 0 || array->nd > kMaxDimensions
        || (array->nd > 0 && (!array->dimensions || !array->strides)))
        return;
    const std::vector<Py_ssize_t>& offsets = numpy.objectOffsets(array->descr);
    if (offsets.empty())
        return;
    const int nd = array->nd;
    for (int d = 0; d < nd; ++d) {
        if (array->dimensions[d] <= 0)
            return; // empty (or nonsense)
    }
    Py_ssize_t index[kMaxDimensions] = {};
    const char* element = array->data;
    for (;;) {
        for (Py_ssize_t offset : offsets) {
            PyObject* item;
            std::memcpy(&item, element + offset, sizeof item);
            if (item)
                onItem(item, index, nd, offset);
        }
        // The next element in C order, the last coordinate varying fastest.
        int d = nd - 1;
        for (; d >= 0; --d) {
            element += array->strides[d];
            if (++index[d] < array->dimensions[d])
                break;
            element -= array->strides[d] * array->dimensions[d];
            index[d] = 0;
        }
        if (d < 0)
            return;
    }
}

std::string indexText(const Py_ssize_t* index, int nd)
{
    std::string out = "[";
    for (int d = 0; d < nd; ++d) {
        if (d > 0)
            out += ", ";
        out += std::to_string(index[d]);
    }
    return out + "]";
}

class Follower
{
public:
    explicit Follower(ExplainContext& context)
        : m_context(context)
    {
        std::vector<std::uintptr_t> addresses;
        for (ObjectIndex index : context.candidates()) {
            if (!context.isExplained(index)) {
                m_targets.push_back(index);
                addresses.push_back(reinterpret_cast<std::uintptr_t>(context.object(index)));
            }
        }
        m_table.emplace(addresses);
    }

    bool idle() const { return m_targets.empty(); }

    void run()
    {
        // Seeds: every array of the snapshot (tracked instances of Python subclasses too, whose
        // traverse reports their __dict__ but not the array's data) and every untracked object of it
        // that may hold tracked ones. Views come last (the queue is a stack), so an item is named in the array owning the data.
        const std::size_t listed = m_context.listed().size();
        const std::size_t count = m_context.objectCount();
        std::vector<Pending> owners;
        std::vector<std::uintptr_t> seeds;
        for (std::size_t i = 0; i < count; ++i) {
            // The type column answers for most objects without reading them.
            PyTypeObject* type = m_context.typeOf(static_cast<ObjectIndex>(i));
            const bool array = m_numpy.isArrayType(type);
            if (!array && (i < listed || !mayBeFollowed(type)))
                continue;
            PyObject* object = m_context.object(static_cast<ObjectIndex>(i));
            if (array || followedByTraverse(object)) {
                seeds.push_back(reinterpret_cast<std::uintptr_t>(object));
                const bool view = array && reinterpret_cast<const ArrayFields*>(object)->base;
                (view ? m_queue : owners).push_back({object, static_cast<ObjectIndex>(i), -1});
            }
        }
        m_queue.insert(m_queue.end(), owners.rbegin(), owners.rend());
        m_seedAddresses = std::move(seeds);
        while (!m_queue.empty()) {
            const Pending next = m_queue.back();
            m_queue.pop_back();
            follow(next);
        }
    }

private:
    struct Pending
    {
        PyObject* object;
        ObjectIndex anchor;  // the snapshot object it is, or was reached from
        std::int64_t reached; // its position among the context's reached objects, -1 when in the snapshot
    };

    // Whether object is one of the snapshot's followed objects. Sorted on first use: most heaps never
    // ask (the untracked tuples' items are strings and numbers).
    bool isSeed(PyObject* object)
    {
        if (!m_seedsSorted) {
            std::sort(m_seedAddresses.begin(), m_seedAddresses.end());
            m_seedsSorted = true;
        }
        return std::binary_search(m_seedAddresses.begin(), m_seedAddresses.end(), reinterpret_cast<std::uintptr_t>(object));
    }

    // _PyObject_GC_IS_TRACKED: a tracked object is linked into a generation.
    static bool isTracked(PyObject* object) { return isGcObject(object) && gcHeader(object)->next != 0; }

    // Whether untracked instances of type may hold tracked objects. The interpreter untracks an exact
    // tuple only when its items are atomic or untracked tuples, which an immutable tuple keeps, and
    // tracks a dict again as soon as it stores a tracked object: those, the most numerous untracked
    // objects of a heap, need no reading. Types are tracked (heap) or hold nothing (static).
    static bool mayBeFollowed(PyTypeObject* type)
    {
        return (type->tp_flags & Py_TPFLAGS_HAVE_GC) && type->tp_traverse && !(type->tp_flags & Py_TPFLAGS_TYPE_SUBCLASS)
            && type != &PyTuple_Type && type != &PyDict_Type;
    }

    static bool followedByTraverse(PyObject* object)
    {
        return mayBeFollowed(Py_TYPE(object)) && isGcObject(object) && gcHeader(object)->next == 0;
    }

    // Where a holder is, for a reader: itself, plus how it was reached when it is not in the snapshot.
    // Kept for the holder being followed, whose items may explain thousands of candidates.
    const std::string& holderText(const Pending& holder)
    {
        if (m_textHolder == holder.object)
            return m_holderText;
        m_textHolder = holder.object;
        m_holderText = typeAndAddress(holder.object);
        if (holder.reached >= 0)
            m_holderText += " (not in the snapshot: " + m_context.reached()[static_cast<std::size_t>(holder.reached)].via + ")";
        return m_holderText;
    }

    void follow(const Pending& holder)
    {
        PyObject* object = holder.object;
        if (m_numpy.isArray(object)) {
            forEachArrayItem(m_numpy, object, [&](PyObject* item, const Py_ssize_t* index, int nd, Py_ssize_t offset) {
                reference(holder, item, [&] {
                    const std::string element = "element " + indexText(index, nd);
                    return offset == 0 ? element : "the object field at " + formatOffset(static_cast<std::uint64_t>(offset)) + " of " + element;
                }, true);
            });
            if (PyObject* base = reinterpret_cast<const ArrayFields*>(object)->base)
                reference(holder, base, [] { return std::string("the .base"); }, false);
            return;
        }
        if (followedByTraverse(object)) {
            m_current = &holder;
            Py_TYPE(object)->tp_traverse(object, &Follower::visit, this);
            m_current = nullptr;
        }
    }

    static int visit(PyObject* referent, void* arg)
    {
        auto* self = static_cast<Follower*>(arg);
        if (referent)
            self->reference(*self->m_current, referent, [] { return std::string(); }, false);
        return 0;
    }

    // holder refers to referent; where() says how ("element [3]"), built only when needed.
    template<typename Where>
    void reference(const Pending& holder, PyObject* referent, Where&& where, bool arrayItem)
    {
        const std::int32_t target = m_table->find(reinterpret_cast<std::uintptr_t>(referent));
        if (target != AddressTable::kAbsent) {
            // A tracked holder's untraversed field (the .base of an instance of a Python subclass of
            // ndarray) is left to the conservative scan, which reports it as such.
            if (arrayItem || !isTracked(holder.object))
                explain(holder, static_cast<std::size_t>(target), where(), arrayItem);
            return;
        }
        if (isTracked(referent))
            return; // a snapshot object: its own traverse was walked
        if (!m_numpy.isArray(referent) && !followedByTraverse(referent))
            return;
        // Every followed object of the snapshot is a seed; others are outside it.
        if (isSeed(referent) || !m_seen.insert(referent).second)
            return;
        const std::string how = where();
        std::string via = (how.empty() ? "a referent of " : how + " of ") + holderText(holder);
        if (via.size() > kMaxViaLength)
            via = via.substr(0, kMaxViaLength) + "…";
        m_context.addReached(referent, holder.anchor, std::move(via));
        m_queue.push_back({referent, holder.anchor, static_cast<std::int64_t>(m_context.reached().size() - 1)});
    }

    void explain(const Pending& holder, std::size_t target, const std::string& where, bool arrayItem)
    {
        const ObjectIndex index = m_targets[target];
        if (m_context.isExplained(index))
            return;
        PyObject* candidate = m_context.object(index);
        PyObject* anchor = m_context.object(holder.anchor);
        // A holder the candidate keeps alive itself does not explain it.
        if (candidate == anchor || m_heldBy.holds(candidate, anchor)
            || (holder.object != anchor && m_heldBy.holds(candidate, holder.object)))
            return;
        std::string detail = "held by " + (where.empty() ? std::string() : where + " of ") + holderText(holder);
        detail += arrayItem ? ", whose data buffer no tp_traverse reads" : ", which the collector does not track";
        m_context.explainIndex(index, arrayItem ? ExplanationKind::ArrayItem : ExplanationKind::UntrackedHolder, std::move(detail), holder.anchor);
    }

    ExplainContext& m_context;
    Numpy m_numpy;
    std::vector<ObjectIndex> m_targets;
    std::optional<AddressTable> m_table;
    std::vector<std::uintptr_t> m_seedAddresses; // the followed objects of the snapshot
    bool m_seedsSorted = false;
    std::unordered_set<PyObject*> m_seen;     // the followed objects outside it
    std::vector<Pending> m_queue;
    const Pending* m_current = nullptr;
    PyObject* m_textHolder = nullptr;
    std::string m_holderText;
    HeldByCheck m_heldBy;
};

} // namespace

void explainUntrackedHolders(ExplainContext& context)
{
    Follower follower(context);
    if (follower.idle())
        return;
    follower.run();
}

} // namespace leakscope::capture
