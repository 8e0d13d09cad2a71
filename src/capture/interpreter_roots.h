#pragma once

// The objects CPython 3.11's interpreter and thread states hold by name: the roots that no
// tp_traverse reports, because they are not reachable from any object. Implemented in C against the
// internal headers, which a C++ translation unit cannot include. Every function reads memory only (no
// Python call, no allocation, no reference taken) and needs the GIL.

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

// object: a reference the state holds; where: what holds it, for a reader ("sys.modules").
typedef void (*leakscope_root_visitor)(void* arg, PyObject* object, const char* where);

// The interpreter state's object fields: the module registries, the sys and builtins dicts, the
// import machinery, codec registries, warnings filters, fork handlers, atexit callbacks, audit hooks,
// the _ast module's types and singletons, cached builtins; entries of the untracked audit-hook list.
void leakscope_visit_interpreter_roots(leakscope_root_visitor visit, void* arg);

// The filenames tracemalloc keeps a reference to, one per file it has seen in a traceback (its
// tracemalloc_filenames table, found through libpython's symbol table: table is the variable's
// address, or null). Nothing else may hold such a str once the module that had it is gone.
void leakscope_visit_tracemalloc_filenames(const void* table, leakscope_root_visitor visit, void* arg);

// Whether tracemalloc traces now (its tracing flag: no Python call).
int leakscope_tracemalloc_tracing(void);

// Each thread state's object fields (thread dict, contextvars context, pending and handled
// exceptions, profiler and tracer objects, async generator hooks, the weakref Thread.join() waits on).
// thread: the thread's identifier (threading.get_ident()).
typedef void (*leakscope_thread_visitor)(void* arg, unsigned long thread, PyObject* object, const char* where);
void leakscope_visit_thread_roots(leakscope_thread_visitor visit, void* arg);

// Each executing frame of each thread, innermost first: its function, code, locals dict and frame
// object, and its local variables and value stack. slot: -1 for the frame's own fields (where says
// which), else the index into localsplus (< co_nlocalsplus: a local, cell or free variable named by
// co_localsplusnames; beyond: the value stack). Frames owned by generators and coroutines are
// skipped: those objects' tp_traverse reports them.
typedef void (*leakscope_frame_visitor)(void* arg, unsigned long thread, PyCodeObject* code, int line, int slot,
                                        PyObject* object, const char* where);
void leakscope_visit_frame_roots(leakscope_frame_visitor visit, void* arg);

// Each frame that C code entered, on every thread: the frame of a callable some C function called
// (is_entry), and each thread's outermost frame, the callable the thread was started with (for
// threading.Thread, its _bootstrap method), which _thread keeps with its argument tuple in a start-up
// state it allocates in C until the thread ends. The C caller holds the callable and often a tuple of
// its arguments, where no object refers to them. function: the frame's function; arguments: its first
// argument slots (co_argcount of them, at most 16, cells unwrapped; an entry may be NULL);
// outermost: 1 for the thread's outermost frame.
typedef void (*leakscope_entry_visitor)(void* arg, unsigned long thread, PyObject* function,
                                        PyObject* const* arguments, int argumentCount, int outermost);
void leakscope_visit_thread_entries(leakscope_entry_visitor visit, void* arg);

#ifdef __cplusplus
}
#endif
