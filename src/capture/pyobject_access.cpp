#include "pyobject_access.h"

#include "snapshot/text.h"

#include <cstdlib>

namespace leakscope::capture {

namespace {

std::uint64_t unicodeSize(PyObject* object)
{
    if (!PyUnicode_IS_READY(object))
        return static_cast<std::uint64_t>(Py_TYPE(object)->tp_basicsize);
    const auto length = static_cast<std::uint64_t>(PyUnicode_GET_LENGTH(object));
    if (PyUnicode_IS_COMPACT_ASCII(object))
        return sizeof(PyASCIIObject) + length + 1;
    std::uint64_t size = sizeof(PyCompactUnicodeObject);
    if (PyUnicode_IS_COMPACT(object))
        size += (length + 1) * PyUnicode_KIND(object);
    auto* compact = reinterpret_cast<PyCompactUnicodeObject*>(object);
    if (compact->utf8 && compact->utf8 != PyUnicode_DATA(object))
        size += static_cast<std::uint64_t>(compact->utf8_length) + 1;
    return size;
}

} // namespace

std::uint64_t shallowSize(PyObject* object, KindOf kind)
{
    PyTypeObject* type = Py_TYPE(object);
    if (!type)
        return 0; // not an object yet, or no longer one
    std::uint64_t size = static_cast<std::uint64_t>(type->tp_basicsize);
    if (type->tp_itemsize)
        size += static_cast<std::uint64_t>(type->tp_itemsize) * static_cast<std::uint64_t>(std::llabs(Py_SIZE(object)));
    switch (kind.kind) {
    case ObjectKind::Str: size = unicodeSize(object); break;
    case ObjectKind::Dict: size = static_cast<std::uint64_t>(_PyDict_SizeOf(reinterpret_cast<PyDictObject*>(object))); break;
    case ObjectKind::List:
        size += static_cast<std::uint64_t>(reinterpret_cast<PyListObject*>(object)->allocated) * sizeof(PyObject*);
        break;
    case ObjectKind::Set:
    case ObjectKind::FrozenSet: {
        auto* set = reinterpret_cast<PySetObject*>(object);
        if (set->table != set->smalltable)
            size += static_cast<std::uint64_t>(set->mask + 1) * sizeof(setentry);
        break;
    }
    case ObjectKind::ByteArray:
        size += static_cast<std::uint64_t>(reinterpret_cast<PyByteArrayObject*>(object)->ob_alloc);
        break;
    default: break;
    }
    if (isGcObject(object))
        size += sizeof(GcHeader);
    if (type->tp_flags & Py_TPFLAGS_MANAGED_DICT)
        size += 2 * sizeof(PyObject*); // dict and values pointers before the gc header
    return size;
}

std::size_t appendUnicode(std::string& out, PyObject* str, std::size_t maxCodePoints)
{
    if (!str || !PyUnicode_IS_READY(str))
        return 0;
    const Py_ssize_t length = PyUnicode_GET_LENGTH(str);
    const int kind = PyUnicode_KIND(str);
    const void* data = PyUnicode_DATA(str);
    std::size_t written = 0;
    for (Py_ssize_t i = 0; i < length && written < maxCodePoints; ++i, ++written) {
        Py_UCS4 cp = PyUnicode_READ(kind, data, i);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4)
                out += hex[(cp >> shift) & 0xF];
        } else {
            appendUtf8(out, cp);
        }
    }
    return written;
}

void typeNames(PyTypeObject* type, std::string& module, std::string& qualname)
{
    module.clear();
    qualname.clear();
    if (type && (type->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        if (PyObject* name = dictItemByName(type->tp_dict, "__module__"); name && PyUnicode_Check(name))
            appendUnicode(module, name, 512);
        if (PyObject* name = reinterpret_cast<PyHeapTypeObject*>(type)->ht_qualname; name && PyUnicode_Check(name))
            appendUnicode(qualname, name, 512);
    }
    if (!qualname.empty() && !module.empty())
        return;
    const std::string_view name = type && type->tp_name ? type->tp_name : "?";
    const auto dot = name.rfind('.');
    if (module.empty())
        module = dot == std::string_view::npos ? "builtins" : std::string(name.substr(0, dot));
    if (qualname.empty())
        qualname = std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

std::string pythonText(PyObject* object)
{
    std::string text;
    if (object && PyUnicode_Check(object)) {
        Py_ssize_t size = 0;
        if (const char* utf8 = PyUnicode_AsUTF8AndSize(object, &size))
            text.assign(utf8, static_cast<std::size_t>(size));
        else
            PyErr_Clear();
    }
    return text;
}

PyObject* dictItemByName(PyObject* dict, const char* name)
{
    if (!dict || !PyDict_Check(dict))
        return nullptr;
    Py_ssize_t pos = 0;
    PyObject* key;
    PyObject* value;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        if (PyUnicode_CheckExact(key) && PyUnicode_IS_READY(key) && PyUnicode_KIND(key) == PyUnicode_1BYTE_KIND
            && PyUnicode_CompareWithASCIIString(key, name) == 0)
            return value;
    }
    return nullptr;
}

} // namespace leakscope::capture
