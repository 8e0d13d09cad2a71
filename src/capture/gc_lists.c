/* Reads the interpreter's gc generation lists; see gc_lists.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_interp.h"
#include "internal/pycore_pystate.h"

#include "gc_lists.h"

int leakscope_gc_list_count(void)
{
    return NUM_GENERATIONS + 1;
}

void* leakscope_gc_list_head(int i)
{
    struct _gc_runtime_state* gc = &_PyInterpreterState_GET()->gc;
    if (i >= 0 && i < NUM_GENERATIONS)
        return &gc->generations[i].head;
    return i == NUM_GENERATIONS ? &gc->permanent_generation.head : NULL;
}

int leakscope_gc_collecting(void)
{
    return _PyInterpreterState_GET()->gc.collecting;
}
