#pragma once

// The collector's own object lists. Implemented in C against CPython's internal headers, which a C++
// translation unit cannot include.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Number of lists holding gc-tracked objects: the three generations and the permanent one
// (gc.freeze()).
int leakscope_gc_list_count(void);

// Head of list i of the calling interpreter, a PyGC_Head that belongs to no object. The GIL must be held.
void* leakscope_gc_list_head(int i);

// Non-zero while the collector runs (a finalizer or weakref callback may call in then): its lists
// and header words are in a transient state that must not be walked.
int leakscope_gc_collecting(void);

// About how many objects the collector tracks (the permanent generation aside), from its own
// counters, without walking its lists: enough to size an array for them. May be too high, or too
// low after gc.freeze().
size_t leakscope_gc_tracked_estimate(void);

#ifdef __cplusplus
}
#endif
