#pragma once

// Read-only helpers over CPython 3.11 objects that never run Python code and never allocate Python
// objects, so they are safe while the heap is being walked. Include Python.h first.

#include <Python.h>

#include "object_kind.h"

#include <cstdint>
#include <string>

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "LeakScope's capture reads CPython 3.11 object layouts"
#endif

namespace leakscope::capture {

// CPython 3.11's PyGC_Head (Include/internal/pycore_gc.h): it sits right before a gc object.
struct GcHeader
{
    std::uintptr_t next;
    std::uintptr_t prev; // low two bits are collector flags
};

inline GcHeader* gcHeader(PyObject* object)
{
    return reinterpret_cast<GcHeader*>(object) - 1;
}

// PyObject_IS_GC without the call: the type supports gc and, for types such as `type`, this
// instance does too (static types are not gc objects).
inline bool isGcObject(PyObject* object)
{
    PyTypeObject* type = Py_TYPE(object);
    return (type->tp_flags & Py_TPFLAGS_HAVE_GC) && (!type->tp_is_gc || type->tp_is_gc(object));
}

// Bytes CPython 3.11 puts before an object of this type in its memory block (_PyType_PreHeaderSize):
// the gc header for a gc type, then the managed dict's two pointers for a class that has one.
inline std::size_t preHeaderSize(const PyTypeObject* type)
{
    return ((type->tp_flags & Py_TPFLAGS_HAVE_GC) ? sizeof(GcHeader) : 0)
        + ((type->tp_flags & Py_TPFLAGS_MANAGED_DICT) ? 2 * sizeof(PyObject*) : 0);
}

// Where the memory block holding object starts, as the allocators (and tracemalloc) know it.
inline std::uintptr_t allocationStart(PyObject* object)
{
    return reinterpret_cast<std::uintptr_t>(object) - preHeaderSize(Py_TYPE(object));
}

// Bytes the object occupies in memory including the gc header and buffers it owns outright
// (list item arrays, dict and set tables, string data); the counterpart of sys.getsizeof without
// calling __sizeof__.
std::uint64_t shallowSize(PyObject* object, KindOf kind);

// Appends str's text as UTF-8, at most maxCodePoints code points; returns the number appended.
// Lone surrogates are written as "\udXXX". Does not create the string's cached UTF-8 buffer.
std::size_t appendUnicode(std::string& out, PyObject* str, std::size_t maxCodePoints);

// A type's module and qualified name as Python shows them, read from the type object alone:
// __module__ and ht_qualname for heap types, the dotted tp_name of static types ("builtins" when
// tp_name has no dot).
void typeNames(PyTypeObject* type, std::string& module, std::string& qualname);

// A str's text as UTF-8 (PyUnicode_AsUTF8AndSize, which may cache the UTF-8 form in the object: not
// for use while walking the heap); empty for anything else. Leaves no Python error set.
std::string pythonText(PyObject* object);

// Looks up a str key in a dict by walking its entries, so no __eq__ of a foreign key can run.
PyObject* dictItemByName(PyObject* dict, const char* name);

} // namespace leakscope::capture
