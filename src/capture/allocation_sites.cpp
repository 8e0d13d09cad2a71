#include <Python.h>

#include "allocation_sites.h"

#include <unordered_map>

extern "C" PyObject* leakscope_tracemalloc_traceback(uintptr_t block); // tracemalloc_access.c

namespace leakscope::capture {

namespace {

// What tracemalloc traced: the memory block, which starts before the object by the type's pre-header
// (the gc header, and the managed-dict pointers of 3.11 classes), as _PyType_PreHeaderSize computes.
std::uintptr_t blockOf(PyObject* object)
{
    const PyTypeObject* type = Py_TYPE(object);
    std::size_t preHeader = 0;
    if (type->tp_flags & Py_TPFLAGS_HAVE_GC)
        preHeader += 2 * sizeof(void*); // PyGC_Head
    if (type->tp_flags & Py_TPFLAGS_MANAGED_DICT)
        preHeader += 2 * sizeof(PyObject*);
    return reinterpret_cast<std::uintptr_t>(object) - preHeader;
}

// Calls _tracemalloc.<name>() and returns its result as a long; -1 when anything fails.
long callTracemalloc(const char* name)
{
    PyObject* module = PyImport_ImportModule("_tracemalloc");
    if (!module) {
        PyErr_Clear();
        return -1;
    }
    PyObject* result = PyObject_CallMethod(module, name, nullptr);
    Py_DECREF(module);
    if (!result) {
        PyErr_Clear();
        return -1;
    }
    const long value = PyLong_AsLong(result);
    Py_DECREF(result);
    if (value == -1 && PyErr_Occurred())
        PyErr_Clear();
    return value;
}

} // namespace

unsigned tracemallocDepth()
{
    if (callTracemalloc("is_tracing") != 1)
        return 0;
    const long limit = callTracemalloc("get_traceback_limit");
    return limit > 0 ? static_cast<unsigned>(limit) : 0;
}

void recordAllocationSites(SnapshotColumns& columns, StringPoolBuilder& strings,
                           const std::vector<ObjectIndex>& candidates, PyObject* const* listed)
{
    columns.allocOwners.clear();
    columns.allocOffsets.assign(1, 0);
    columns.allocFrames.clear();
    const int wasEnabled = PyGC_Disable();
    std::unordered_map<PyObject*, StringId> files; // tracemalloc interns its file names
    for (ObjectIndex index : candidates) {
        PyObject* traceback = leakscope_tracemalloc_traceback(blockOf(listed[index]));
        if (!traceback) {
            PyErr_Clear();
            continue;
        }
        if (PyTuple_Check(traceback) && PyTuple_GET_SIZE(traceback) > 0) {
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(traceback); ++k) {
                PyObject* frame = PyTuple_GET_ITEM(traceback, k);
                if (!PyTuple_Check(frame) || PyTuple_GET_SIZE(frame) != 2)
                    continue;
                PyObject* file = PyTuple_GET_ITEM(frame, 0);
                const long line = PyLong_AsLong(PyTuple_GET_ITEM(frame, 1));
                if (line == -1 && PyErr_Occurred())
                    PyErr_Clear();
                auto [it, inserted] = files.try_emplace(file, 0);
                if (inserted && PyUnicode_Check(file)) {
                    Py_ssize_t size = 0;
                    if (const char* utf8 = PyUnicode_AsUTF8AndSize(file, &size))
                        it->second = strings.intern(std::string_view(utf8, static_cast<std::size_t>(size)));
                    else
                        PyErr_Clear();
                }
                columns.allocFrames.push_back({it->second, line > 0 ? static_cast<std::uint32_t>(line) : 0});
            }
            columns.allocOwners.push_back(index);
            columns.allocOffsets.push_back(static_cast<std::uint32_t>(columns.allocFrames.size()));
        }
        Py_DECREF(traceback);
    }
    if (wasEnabled)
        PyGC_Enable();
}

} // namespace leakscope::capture
