/* The interpreter's runtime state; see runtime_state.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_runtime.h"

#include "runtime_state.h"

void leakscope_runtime_state(const void** begin, size_t* size)
{
    *begin = &_PyRuntime;
    *size = sizeof(_PyRuntime);
}
