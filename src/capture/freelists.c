/* Keeping CPython 3.11's object free lists empty under native traces; see freelists.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_interp.h"
#include "internal/pycore_pystate.h"

#include "freelists.h"

static destructor original_list_dealloc;
static destructor original_dict_dealloc;

static void drain_lists(PyInterpreterState* interp)
{
#if PyList_MAXFREELIST > 0
    struct _Py_list_state* state = &interp->list;
    while (state->numfree > 0)
        PyObject_GC_Del(state->free_list[--state->numfree]);
#else
    (void)interp;
#endif
}

static void drain_dicts(PyInterpreterState* interp)
{
#if PyDict_MAXFREELIST > 0
    struct _Py_dict_state* state = &interp->dict_state;
    while (state->numfree > 0)
        PyObject_GC_Del(state->free_list[--state->numfree]);
#else
    (void)interp;
#endif
}

static void list_dealloc_without_freelist(PyObject* op)
{
    original_list_dealloc(op);
    drain_lists(_PyInterpreterState_GET());
}

static void dict_dealloc_without_freelist(PyObject* op)
{
    original_dict_dealloc(op);
    drain_dicts(_PyInterpreterState_GET());
}

void leakscope_bypass_freelists_wrap_deallocs(void)
{
    if (original_list_dealloc)
        return;
    original_list_dealloc = PyList_Type.tp_dealloc;
    original_dict_dealloc = PyDict_Type.tp_dealloc;
    PyList_Type.tp_dealloc = list_dealloc_without_freelist;
    PyDict_Type.tp_dealloc = dict_dealloc_without_freelist;
}

void leakscope_bypass_freelists_drain(void)
{
    PyInterpreterState* interp = _PyInterpreterState_GET();
    drain_lists(interp);
    drain_dicts(interp);
#if PyFloat_MAXFREELIST > 0
    struct _Py_float_state* floats = &interp->float_state;
    while (floats->free_list) {
        PyFloatObject* op = floats->free_list;
        floats->free_list = (PyFloatObject*)Py_TYPE(op);
        PyObject_Free(op);
    }
    floats->numfree = PyFloat_MAXFREELIST; /* "full": a freed float goes to PyObject_Free */
#endif
#if PyTuple_NFREELISTS > 0
    struct _Py_tuple_state* tuples = &interp->tuple;
    for (int i = 0; i < PyTuple_NFREELISTS; ++i) {
        while (tuples->free_list[i]) {
            PyTupleObject* op = tuples->free_list[i];
            tuples->free_list[i] = (PyTupleObject*)op->ob_item[0];
            PyObject_GC_Del(op);
        }
        tuples->numfree[i] = PyTuple_MAXFREELIST; /* "full" over an empty list: neither pushed nor popped */
    }
#endif
}
