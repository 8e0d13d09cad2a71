/* Where CPython 3.11 keeps an instance's attributes; see object_layout.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"

#include "object_layout.h"

PyObject** leakscope_dict_pointer(PyObject* object)
{
    PyTypeObject* type = Py_TYPE(object);
    if (type->tp_flags & Py_TPFLAGS_MANAGED_DICT)
        return _PyObject_ManagedDictPointer(object);
    Py_ssize_t offset = type->tp_dictoffset;
    if (offset == 0)
        return NULL;
    if (offset < 0) {
        /* Counted from the end of a variable-size object, as _PyObject_DictPointer does. */
        Py_ssize_t items = Py_SIZE(object);
        if (items < 0)
            items = -items;
        offset += (Py_ssize_t)_PyObject_VAR_SIZE(type, items);
    }
    return (PyObject**)((char*)object + offset);
}

int leakscope_inline_attribute(PyObject* object, Py_ssize_t i, PyObject** name, PyObject** value)
{
    PyTypeObject* type = Py_TYPE(object);
    if (!(type->tp_flags & Py_TPFLAGS_MANAGED_DICT) || !(type->tp_flags & Py_TPFLAGS_HEAPTYPE))
        return 0;
    PyDictValues* values = *_PyObject_ValuesPointer(object);
    PyDictKeysObject* keys = ((PyHeapTypeObject*)type)->ht_cached_keys;
    if (values == NULL || keys == NULL || i < 0 || i >= keys->dk_nentries || keys->dk_kind == DICT_KEYS_GENERAL)
        return 0;
    *name = DK_UNICODE_ENTRIES(keys)[i].me_key;
    *value = values->values[i];
    return 1;
}
