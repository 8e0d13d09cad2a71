#pragma once

// Where CPython 3.11 keeps an instance's attributes. Implemented in C against the internal headers,
// which a C++ translation unit cannot include. Both functions read memory only: no Python call, no
// allocation, no reference taken; the GIL holder (or a thread it lets read a frozen heap) may call them.

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

// The slot holding the object's __dict__, or NULL when its type has none. The slot itself may hold
// NULL (no dict made yet, or attributes still in the inline values).
PyObject** leakscope_dict_pointer(PyObject* object);

// Attribute i of an instance whose type has a managed dict and whose attributes still live in the
// inline values array (no __dict__ made): sets *name and *value (either may be NULL for a deleted or
// never set attribute) and returns 1; returns 0 once i is past the last slot, or at once when the
// object keeps no inline values.
int leakscope_inline_attribute(PyObject* object, Py_ssize_t i, PyObject** name, PyObject** value);

// The value of the instance attribute `name` kept in the object's inline values or in its __dict__
// when that is an exact dict, found by comparing exact str keys (no __eq__ or __hash__ runs); NULL
// when there is none. Descriptors of the type (properties, slots) are not consulted.
PyObject* leakscope_instance_attribute(PyObject* object, const char* name);

#ifdef __cplusplus
}
#endif
