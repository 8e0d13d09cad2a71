#include "object_kind.h"

namespace leakscope::capture {

KindOf classify(PyTypeObject* type)
{
    if (!type)
        return {};
    struct Exact
    {
        PyTypeObject* type;
        ObjectKind kind;
    };
    static const Exact exactTypes[] = {
        {&PyUnicode_Type, ObjectKind::Str},     {&PyLong_Type, ObjectKind::Int},         {&PyBool_Type, ObjectKind::Bool},
        {&PyFloat_Type, ObjectKind::Float},     {&PyComplex_Type, ObjectKind::Complex},  {&PyBytes_Type, ObjectKind::Bytes},
        {&PyByteArray_Type, ObjectKind::ByteArray}, {&PyTuple_Type, ObjectKind::Tuple},  {&PyList_Type, ObjectKind::List},
        {&PyDict_Type, ObjectKind::Dict},       {&PySet_Type, ObjectKind::Set},          {&PyFrozenSet_Type, ObjectKind::FrozenSet},
        {&PyFunction_Type, ObjectKind::Function}, {&PyCode_Type, ObjectKind::Code},      {&PyCFunction_Type, ObjectKind::CFunction},
        {&PyModule_Type, ObjectKind::Module},   {Py_TYPE(Py_None), ObjectKind::Singleton}, {Py_TYPE(Py_Ellipsis), ObjectKind::Singleton},
        {Py_TYPE(Py_NotImplemented), ObjectKind::Singleton}, {&PyMethod_Type, ObjectKind::Method},
    };
    for (const Exact& e : exactTypes) {
        if (type == e.type)
            return {e.kind, true};
    }
    const unsigned long flags = type->tp_flags;
    if (flags & Py_TPFLAGS_TYPE_SUBCLASS)
        return {ObjectKind::Type, false};
    if (flags & Py_TPFLAGS_UNICODE_SUBCLASS)
        return {ObjectKind::Str, false};
    if (flags & Py_TPFLAGS_LONG_SUBCLASS)
        return {ObjectKind::Int, false};
    if (flags & Py_TPFLAGS_BYTES_SUBCLASS)
        return {ObjectKind::Bytes, false};
    if (flags & Py_TPFLAGS_TUPLE_SUBCLASS)
        return {ObjectKind::Tuple, false};
    if (flags & Py_TPFLAGS_LIST_SUBCLASS)
        return {ObjectKind::List, false};
    if (flags & Py_TPFLAGS_DICT_SUBCLASS)
        return {ObjectKind::Dict, false};
    if (PyType_IsSubtype(type, &PyFloat_Type))
        return {ObjectKind::Float, false};
    if (PyType_IsSubtype(type, &PySet_Type))
        return {ObjectKind::Set, false};
    if (PyType_IsSubtype(type, &PyFrozenSet_Type))
        return {ObjectKind::FrozenSet, false};
    if (PyType_IsSubtype(type, &PyModule_Type))
        return {ObjectKind::Module, false};
    if (PyType_IsSubtype(type, &PyCFunction_Type))
        return {ObjectKind::CFunction, false};
    return {ObjectKind::Other, false};
}

} // namespace leakscope::capture
