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

size_t leakscope_gc_tracked_estimate(void)
{
    struct _gc_runtime_state* gc = &_PyInterpreterState_GET()->gc;
    /* generations[0].count: allocations less deallocations since the last collection, the young
       generation's size. generations[1].count: young collections since the middle one was last
       collected, each of which moved at most about a young threshold of survivors there. The oldest
       generation held long_lived_total objects after the last full collection, long_lived_pending
       came since; its deaths since are not subtracted. */
    Py_ssize_t estimate = 0;
    if (gc->generations[0].count > 0)
        estimate += gc->generations[0].count;
    if (gc->generations[1].count > 0 && gc->generations[0].threshold > 0)
        estimate += (Py_ssize_t)gc->generations[1].count * gc->generations[0].threshold;
    if (gc->long_lived_total > 0)
        estimate += gc->long_lived_total;
    if (gc->long_lived_pending > 0)
        estimate += gc->long_lived_pending;
    return (size_t)estimate;
}
