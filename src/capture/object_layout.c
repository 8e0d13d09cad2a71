/* Where CPython 3.11 keeps an instance's attributes; see object_layout.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"

#include "object_layout.h"

#include <string.h>

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

static int is_exact_name(PyObject* key, const char* name)
{
    return key && PyUnicode_CheckExact(key) && PyUnicode_IS_READY(key) && PyUnicode_IS_COMPACT_ASCII(key)
        && strcmp((const char*)PyUnicode_DATA(key), name) == 0;
}

PyObject* leakscope_instance_attribute(PyObject* object, const char* name)
{
    PyObject* key;
    PyObject* value;
    for (Py_ssize_t i = 0; leakscope_inline_attribute(object, i, &key, &value); ++i) {
        if (is_exact_name(key, name))
            return value;
    }
    PyObject** slot = leakscope_dict_pointer(object);
    PyObject* dict = slot ? *slot : NULL;
    if (!dict || !PyDict_CheckExact(dict))
        return NULL;
    Py_ssize_t position = 0;
    while (PyDict_Next(dict, &position, &key, &value)) {
        if (is_exact_name(key, name))
            return value;
    }
    return NULL;
}
