/* CPython 3.11's tracemalloc.h declares its functions without extern "C": C++ code reaches them here. */
#include <Python.h>

PyObject* leakscope_tracemalloc_traceback(uintptr_t block)
{
    return _PyTraceMalloc_GetTraceback(0 /* the default domain: the object allocator's */, block);
}
