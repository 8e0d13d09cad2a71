#include <Python.h>
#include <structmember.h>

#include "edge_labels.h"

#include "object_layout.h"
#include "pyobject_access.h"
#include "structural_repr.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace leakscope::capture {

namespace {

constexpr std::size_t kLabelLimit = 60; // code points of a key or name in a label
constexpr Py_ssize_t kMaxLabelledItems = 4096; // items of the biggest dict whose edges are labelled
// Distinct dict keys a capture makes labels for. Keys shared by many dicts (attribute names, the
// fields of records) are labelled once; a heap of many dicts keyed by distinct data would otherwise
// cost a formatted, interned string per item (1.2 million distinct keys: 0.6 s -> 2.4 s).
constexpr std::size_t kMaxKeyLabels = std::size_t(1) << 16;

enum class Shape : std::uint8_t { Plain, Type, Function, CFunction, Cell, Exception, Sequence };

// The named fields of the few builtin shapes whose traverse visits struct fields no member
// descriptor describes. Read from the public structs of CPython 3.11.
struct NamedField
{
    std::size_t offset;
    const char* label;
};

const NamedField kTypeFields[] = {
    {offsetof(PyTypeObject, tp_dict), ".__dict__"},   {offsetof(PyTypeObject, tp_cache), "tp_cache"},
    {offsetof(PyTypeObject, tp_mro), ".__mro__"},     {offsetof(PyTypeObject, tp_bases), ".__bases__"},
    {offsetof(PyTypeObject, tp_base), ".__base__"},
};
const NamedField kFunctionFields[] = {
    {offsetof(PyFunctionObject, func_code), ".__code__"},
    {offsetof(PyFunctionObject, func_globals), ".__globals__"},
    {offsetof(PyFunctionObject, func_builtins), ".__builtins__"},
    {offsetof(PyFunctionObject, func_name), ".__name__"},
    {offsetof(PyFunctionObject, func_qualname), ".__qualname__"},
    {offsetof(PyFunctionObject, func_module), ".__module__"},
    {offsetof(PyFunctionObject, func_defaults), ".__defaults__"},
    {offsetof(PyFunctionObject, func_kwdefaults), ".__kwdefaults__"},
    {offsetof(PyFunctionObject, func_doc), ".__doc__"},
    {offsetof(PyFunctionObject, func_dict), ".__dict__"},
    {offsetof(PyFunctionObject, func_closure), ".__closure__"},
    {offsetof(PyFunctionObject, func_annotations), ".__annotations__"},
};
const NamedField kCFunctionFields[] = {
    {offsetof(PyCFunctionObject, m_self), ".__self__"},
    {offsetof(PyCFunctionObject, m_module), ".__module__"},
};
const NamedField kCellFields[] = {{offsetof(PyCellObject, ob_ref), ".cell_contents"}};
const NamedField kExceptionFields[] = {
    {offsetof(PyBaseExceptionObject, args), ".args"},
    {offsetof(PyBaseExceptionObject, notes), ".__notes__"},
    {offsetof(PyBaseExceptionObject, traceback), ".__traceback__"},
    {offsetof(PyBaseExceptionObject, context), ".__context__"},
    {offsetof(PyBaseExceptionObject, cause), ".__cause__"},
};

std::span<const NamedField> namedFields(Shape shape)
{
    switch (shape) {
    case Shape::Type: return kTypeFields;
    case Shape::Function: return kFunctionFields;
    case Shape::CFunction: return kCFunctionFields;
    case Shape::Cell: return kCellFields;
    case Shape::Exception: return kExceptionFields;
    case Shape::Plain:
    case Shape::Sequence: break;
    }
    return {};
}

PyObject* fieldAt(PyObject* object, std::size_t offset)
{
    PyObject* value;
    std::memcpy(&value, reinterpret_cast<const char*>(object) + offset, sizeof value);
    return value;
}

std::uint64_t hashRun(const std::vector<StringId>& run)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL ^ run.size();
    for (StringId id : run) {
        hash ^= id;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

struct EdgeLabeler::TypeLayout
{
    Shape shape = Shape::Plain;
    bool wanted = false;
    bool heap = false;    // instances hold their type: ".__class__"
    bool dict = false;    // a dict or a subclass: items
    bool hasDictPointer = false;
    std::vector<std::pair<std::size_t, StringId>> members; // object members along the tp_base chain
    std::vector<StringId> namedLabels;                     // for namedFields(shape), in order
    StringId heapModule = 0;                               // "ht_module" for heap type objects
    // Instances of one class share their attribute names (the type's cached keys): the label of
    // inline attribute i, valid while the name at i is attributeNames[i].
    std::vector<PyObject*> attributeNames;
    std::vector<StringId> attributeLabels;
    // The run stored last for an owner of this type: the next instance usually has the same one.
    std::vector<StringId> lastRun;
    std::uint32_t lastStart = 0;
};

EdgeLabeler::EdgeLabeler(SnapshotColumns& columns, StringPoolBuilder& strings)
    : m_columns(columns)
    , m_strings(strings)
{
    m_keyOfDict = m_strings.intern("(key)");
    m_dictLabel = m_strings.intern(".__dict__");
    m_classLabel = m_strings.intern(".__class__");
}

EdgeLabeler::~EdgeLabeler()
{
    for (TypeLayout* layout : m_layouts)
        delete layout;
}

EdgeLabeler::TypeLayout& EdgeLabeler::layoutOf(TypeIndex typeIndex, PyTypeObject* type)
{
    if (typeIndex >= m_layouts.size())
        m_layouts.resize(typeIndex + 1, nullptr);
    if (TypeLayout* known = m_layouts[typeIndex])
        return *known;
    auto* layout = new TypeLayout;
    m_layouts[typeIndex] = layout;
    const unsigned long flags = type->tp_flags;
    if (flags & Py_TPFLAGS_TYPE_SUBCLASS)
        layout->shape = Shape::Type;
    else if (type == &PyFunction_Type)
        layout->shape = Shape::Function;
    else if (type == &PyCFunction_Type || type == &PyCMethod_Type)
        layout->shape = Shape::CFunction;
    else if (type == &PyCell_Type)
        layout->shape = Shape::Cell;
    else if (flags & Py_TPFLAGS_BASE_EXC_SUBCLASS)
        layout->shape = Shape::Exception;
    else if (type == &PyList_Type || type == &PyTuple_Type)
        layout->shape = Shape::Sequence;
    layout->heap = flags & Py_TPFLAGS_HEAPTYPE;
    layout->dict = flags & Py_TPFLAGS_DICT_SUBCLASS;
    layout->hasDictPointer = (flags & Py_TPFLAGS_MANAGED_DICT) || type->tp_dictoffset != 0;
    for (const NamedField& field : namedFields(layout->shape))
        layout->namedLabels.push_back(m_strings.intern(field.label));
    if (layout->shape == Shape::Type)
        layout->heapModule = m_strings.intern("ht_module");
    for (PyTypeObject* t = type; t; t = t->tp_base) {
        for (const PyMemberDef* member = t->tp_members; member && member->name; ++member) {
            if ((member->type != T_OBJECT && member->type != T_OBJECT_EX) || member->offset <= 0)
                continue;
            const auto offset = static_cast<std::size_t>(member->offset);
            if (std::any_of(layout->members.begin(), layout->members.end(),
                            [offset](const auto& m) { return m.first == offset; }))
                continue;
            m_text = ".";
            m_text += member->name;
            layout->members.emplace_back(offset, m_strings.intern(m_text));
        }
    }
    // Exact lists and tuples are labelled by position, in the views, from their edge order; only one
    // with empty slots, which its traverse skips, needs labels (wants() checks).
    layout->wanted = layout->shape != Shape::Plain || layout->heap || layout->dict || layout->hasDictPointer
                     || !layout->members.empty();
    return *layout;
}

bool EdgeLabeler::wants(TypeIndex typeIndex, PyObject* object, std::size_t edgeCount)
{
    TypeLayout* layout = typeIndex < m_layouts.size() ? m_layouts[typeIndex] : nullptr;
    if (!layout)
        layout = &layoutOf(typeIndex, Py_TYPE(object));
    if (layout->shape == Shape::Sequence)
        return edgeCount < static_cast<std::size_t>(Py_SIZE(object)); // list_traverse and tupletraverse skip NULL
    return layout->wanted;
}

StringId EdgeLabeler::indexLabel(std::size_t index)
{
    if (index >= m_indexLabels.size())
        m_indexLabels.resize(index + 1, kNoLabel);
    if (m_indexLabels[index] == kNoLabel)
        m_indexLabels[index] = m_strings.intern("[" + std::to_string(index) + "]");
    return m_indexLabels[index];
}

StringId EdgeLabeler::keyLabel(PyObject* key)
{
    // Many dicts share their keys (interned strs): a direct-mapped cache answers most look-ups.
    KeySlot& slot = m_keyCache[(reinterpret_cast<std::uintptr_t>(key) >> 4) % kKeyCacheSize];
    if (slot.key == key)
        return slot.label;
    auto found = m_keyLabels.find(key);
    if (found == m_keyLabels.end() && m_keyLabels.size() >= kMaxKeyLabels)
        return kNoLabel;
    auto [it, inserted] = found != m_keyLabels.end() ? std::pair(found, false) : m_keyLabels.try_emplace(key, 0);
    if (inserted) {
        m_text = "[";
        const std::size_t before = m_text.size();
        appendStructuralRepr(m_text, key, m_kinds, kLabelLimit);
        if (m_text.size() == before) {
            char address[32];
            std::snprintf(address, sizeof address, " at 0x%" PRIxPTR ">", reinterpret_cast<std::uintptr_t>(key));
            m_text += '<';
            m_text += Py_TYPE(key)->tp_name;
            m_text += address;
        }
        m_text += ']';
        it->second = m_strings.intern(m_text);
    }
    slot = {key, it->second};
    return it->second;
}

StringId EdgeLabeler::attributeLabel(PyObject* name)
{
    if (!name || !PyUnicode_Check(name))
        return 0;
    auto [it, inserted] = m_attributeLabels.try_emplace(name, 0);
    if (inserted) {
        m_text = ".";
        appendUnicode(m_text, name, kLabelLimit);
        it->second = m_strings.intern(m_text);
    }
    return it->second;
}

void EdgeLabeler::addDictItems(PyObject* dict)
{
    // A big dict's keys are mostly distinct data (ids, names), each a new label to format and keep:
    // labelling a dict of a million int keys took the capture from 0.4 s to 1.7 s and 230 MB more.
    // Past kMaxLabelledItems its items stay unlabelled (the views show the first 10,000 children of a
    // node anyway, and the repr shows its first items).
    if (PyDict_GET_SIZE(dict) > kMaxLabelledItems)
        return;
    // dict_traverse visits each value, then (in tables whose keys are not all str) its key.
    const std::size_t first = m_pairs.size();
    Py_ssize_t position = 0;
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    while (PyDict_Next(dict, &position, &key, &value)) {
        const StringId label = keyLabel(key);
        if (label == kNoLabel) {
            m_pairs.resize(first); // out of labels for new keys: the whole dict stays unlabelled
            return;
        }
        add(value, label);
        add(key, m_keyOfDict);
    }
}

void EdgeLabeler::gather(PyObject* object, TypeLayout& layout)
{
    m_pairs.clear();
    if (layout.shape == Shape::Sequence) {
        // Items in traverse order, last to first; empty slots have no edge.
        const bool list = Py_TYPE(object) == &PyList_Type;
        PyObject* const* items = list ? reinterpret_cast<PyListObject*>(object)->ob_item
                                      : reinterpret_cast<PyTupleObject*>(object)->ob_item;
        for (Py_ssize_t i = items ? Py_SIZE(object) : 0; --i >= 0;)
            add(items[i], indexLabel(static_cast<std::size_t>(i)));
        return;
    }
    // subtype_traverse's order: slots, inline attributes, __dict__, the type, then the base's traverse.
    for (const auto& [offset, label] : layout.members)
        add(fieldAt(object, offset), label);
    PyObject* name = nullptr;
    PyObject* value = nullptr;
    for (Py_ssize_t i = 0; leakscope_inline_attribute(object, i, &name, &value); ++i) {
        if (!value)
            continue;
        const auto k = static_cast<std::size_t>(i);
        if (k >= layout.attributeNames.size()) {
            layout.attributeNames.resize(k + 1, nullptr);
            layout.attributeLabels.resize(k + 1, 0);
        }
        if (layout.attributeNames[k] != name) {
            layout.attributeNames[k] = name;
            layout.attributeLabels[k] = attributeLabel(name);
        }
        add(value, layout.attributeLabels[k]);
    }
    if (layout.hasDictPointer) {
        if (PyObject** slot = leakscope_dict_pointer(object))
            add(*slot, m_dictLabel);
    }
    if (layout.heap)
        add(reinterpret_cast<PyObject*>(Py_TYPE(object)), m_classLabel);
    if (layout.dict)
        addDictItems(object);
    const std::span<const NamedField> fields = namedFields(layout.shape);
    for (std::size_t k = 0; k < fields.size(); ++k)
        add(fieldAt(object, fields[k].offset), layout.namedLabels[k]);
    if (layout.shape == Shape::Type && (PyType_GetFlags(reinterpret_cast<PyTypeObject*>(object)) & Py_TPFLAGS_HEAPTYPE))
        add(reinterpret_cast<PyHeapTypeObject*>(object)->ht_module, layout.heapModule);
}

void EdgeLabeler::match(std::span<PyObject* const> referents)
{
    m_run.assign(referents.size(), 0);
    // Usually the pairs come in the traverse's order, with extra pairs (fields it does not visit,
    // str keys) in between: one forward pass.
    std::size_t cursor = 0;
    bool complete = true;
    for (std::size_t j = 0; j < referents.size() && complete; ++j) {
        while (cursor < m_pairs.size() && m_pairs[cursor].pointer != referents[j])
            ++cursor;
        if (cursor == m_pairs.size())
            complete = false;
        else
            m_run[j] = m_pairs[cursor++].label;
    }
    if (complete)
        return;
    // Another order (a split dict's storage order, a C traverse's own), or edges without a pair:
    // match by pointer, each pair used once, pairs of one pointer in their order.
    std::fill(m_run.begin(), m_run.end(), 0);
    m_order.resize(m_pairs.size());
    for (std::uint32_t k = 0; k < m_order.size(); ++k)
        m_order[k] = k;
    std::sort(m_order.begin(), m_order.end(), [this](std::uint32_t a, std::uint32_t b) {
        return m_pairs[a].pointer != m_pairs[b].pointer ? m_pairs[a].pointer < m_pairs[b].pointer : a < b;
    });
    m_next.assign(m_order.size(), 0);
    for (std::size_t j = 0; j < referents.size(); ++j) {
        auto group = std::lower_bound(m_order.begin(), m_order.end(), referents[j],
                                      [this](std::uint32_t k, PyObject* p) { return m_pairs[k].pointer < p; });
        const auto first = static_cast<std::size_t>(group - m_order.begin());
        if (first == m_order.size())
            continue; // a referent above every pair's pointer: no pair, and no m_next entry to read
        const std::size_t at = first + m_next[first];
        if (at < m_order.size() && m_pairs[m_order[at]].pointer == referents[j]) {
            m_run[j] = m_pairs[m_order[at]].label;
            ++m_next[first];
        }
    }
}

void EdgeLabeler::store(ObjectIndex owner, TypeLayout& layout)
{
    if (m_run == layout.lastRun) {
        m_columns.labelOwners.push_back(owner);
        m_columns.labelStarts.push_back(layout.lastStart);
        return;
    }
    if (std::all_of(m_run.begin(), m_run.end(), [](StringId id) { return id == 0; }))
        return;
    std::vector<StringId>& labels = m_columns.labels;
    if (labels.size() + m_run.size() >= UINT32_MAX)
        return; // four billion labels: the rest of the heap goes unlabelled rather than wrapping
    const auto length = static_cast<std::uint32_t>(m_run.size());
    const auto end = static_cast<std::uint32_t>(labels.size());
    auto [it, inserted] = m_runs.try_emplace(hashRun(m_run), end, length);
    const auto [start, storedLength] = it->second;
    const bool same = !inserted && storedLength == length
                      && std::equal(m_run.begin(), m_run.end(), labels.begin() + start);
    m_columns.labelOwners.push_back(owner);
    m_columns.labelStarts.push_back(same ? start : end);
    if (!same)
        labels.insert(labels.end(), m_run.begin(), m_run.end());
    layout.lastRun = m_run;
    layout.lastStart = same ? start : end;
}

void EdgeLabeler::label(ObjectIndex owner, PyObject* object, TypeIndex typeIndex, std::span<PyObject* const> referents)
{
    if (referents.empty())
        return;
    TypeLayout& layout = layoutOf(typeIndex, Py_TYPE(object));
    if (!layout.wanted)
        return;
    gather(object, layout);
    if (m_pairs.empty())
        return;
    match(referents);
    store(owner, layout);
}

} // namespace leakscope::capture
