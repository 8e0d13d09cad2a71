/* The objects CPython 3.11's interpreter and thread states hold by name; see interpreter_roots.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_frame.h"
#include "internal/pycore_hashtable.h"
#include "internal/pycore_pymem.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_pystate.h"

#include "interpreter_roots.h"

#include <stddef.h>

static void visit_field(leakscope_root_visitor visit, void* arg, PyObject* object, const char* where)
{
    if (object)
        visit(arg, object, where);
}

/* A list or tuple the state owns whose items it owns too: the container may be untracked (the audit
   hooks list is, on purpose, so that no code can find it), and then its items look unreferenced. */
static void visit_items(leakscope_root_visitor visit, void* arg, PyObject* container, const char* where)
{
    if (!container)
        return;
    if (PyList_CheckExact(container)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(container); ++i)
            visit_field(visit, arg, PyList_GET_ITEM(container, i), where);
    } else if (PyTuple_CheckExact(container)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(container); ++i)
            visit_field(visit, arg, PyTuple_GET_ITEM(container, i), where);
    }
}

void leakscope_visit_interpreter_roots(leakscope_root_visitor visit, void* arg)
{
    PyInterpreterState* interp = _PyInterpreterState_GET();
    visit_field(visit, arg, interp->modules, "sys.modules (the interpreter's module registry)");
    visit_field(visit, arg, interp->modules_by_index, "the interpreter's list of extension modules by index");
    visit_field(visit, arg, interp->sysdict, "the sys module's dict (held by the interpreter)");
    visit_field(visit, arg, interp->builtins, "the builtins dict (held by the interpreter)");
    visit_field(visit, arg, interp->builtins_copy, "the interpreter's copy of the builtins dict");
    visit_field(visit, arg, interp->importlib, "the importlib module (held by the interpreter)");
    visit_field(visit, arg, interp->import_func, "the interpreter's __import__ function");
    visit_field(visit, arg, interp->dict, "the interpreter's per-interpreter state dict");
    visit_field(visit, arg, interp->codec_search_path, "the codec search path (codecs.register)");
    visit_field(visit, arg, interp->codec_search_cache, "the codec search cache");
    visit_field(visit, arg, interp->codec_error_registry, "the codec error handler registry");
    visit_field(visit, arg, interp->warnings.filters, "warnings.filters (held by the interpreter)");
    visit_field(visit, arg, interp->warnings.once_registry, "the warnings once-registry");
    visit_field(visit, arg, interp->warnings.default_action, "the warnings default action");
#ifdef HAVE_FORK
    visit_field(visit, arg, interp->before_forkers, "os.register_at_fork(before=...) handlers");
    visit_field(visit, arg, interp->after_forkers_parent, "os.register_at_fork(after_in_parent=...) handlers");
    visit_field(visit, arg, interp->after_forkers_child, "os.register_at_fork(after_in_child=...) handlers");
#endif
    /* The collector's lists live in the interpreter state; the gc module only shows them once imported. */
    visit_field(visit, arg, interp->gc.garbage, "gc.garbage (the collector's uncollectable objects list)");
    visit_field(visit, arg, interp->gc.callbacks, "gc.callbacks (the collector's callbacks list)");
    visit_field(visit, arg, interp->audit_hooks, "sys.addaudithook() hooks");
    visit_items(visit, arg, interp->audit_hooks, "a sys.addaudithook() hook");
    for (int i = 0; i < interp->atexit.ncallbacks; ++i) {
        atexit_callback* callback = interp->atexit.callbacks[i];
        if (!callback)
            continue;
        visit_field(visit, arg, callback->func, "an atexit.register() callback");
        visit_field(visit, arg, callback->args, "the arguments of an atexit.register() callback");
        visit_field(visit, arg, callback->kwargs, "the keyword arguments of an atexit.register() callback");
    }
    visit_field(visit, arg, interp->exc_state.errnomap, "the errno to OSError subclass map");
    visit_field(visit, arg, interp->exc_state.PyExc_ExceptionGroup, "the ExceptionGroup type");
    visit_field(visit, arg, interp->callable_cache.isinstance, "the interpreter's cached isinstance");
    visit_field(visit, arg, interp->callable_cache.len, "the interpreter's cached len");
    visit_field(visit, arg, interp->callable_cache.list_append, "the interpreter's cached list.append");
    /* The method cache keeps a reference to the name of each attribute it caches (a str, interned or
       not: getattr(obj, "na" + "me") puts a fresh one there), which nothing else may hold. */
    for (size_t i = 0; i < sizeof(interp->type_cache.hashtable) / sizeof(interp->type_cache.hashtable[0]); ++i)
        visit_field(visit, arg, interp->type_cache.hashtable[i].name, "the name of an entry of the type attribute cache");
    /* The _ast module keeps its types and operator singletons in the interpreter state, after three
       ints; every other field of struct ast_state is an owned object reference. */
    PyObject** ast = &interp->ast.AST_type;
    PyObject** astEnd = (PyObject**)((char*)&interp->ast + sizeof(interp->ast));
    for (; ast < astEnd; ++ast)
        visit_field(visit, arg, *ast, "the _ast module's types and singletons (interpreter state)");
}

struct filename_visit
{
    leakscope_root_visitor visit;
    void* arg;
};

static int visit_filename(_Py_hashtable_t* table, const void* key, const void* value, void* arg)
{
    (void)table;
    (void)value;
    struct filename_visit* v = (struct filename_visit*)arg;
    visit_field(v->visit, v->arg, (PyObject*)key, "tracemalloc's table of traced filenames");
    return 0;
}

int leakscope_tracemalloc_tracing(void)
{
    return _Py_tracemalloc_config.tracing;
}

void leakscope_visit_tracemalloc_filenames(const void* table, leakscope_root_visitor visit, void* arg)
{
    if (!table)
        return;
    _Py_hashtable_t* filenames = *(_Py_hashtable_t* const*)table;
    if (!filenames)
        return;
    struct filename_visit v = {visit, arg};
    _Py_hashtable_foreach(filenames, visit_filename, &v);
}

void leakscope_visit_thread_roots(leakscope_thread_visitor visit, void* arg)
{
    PyInterpreterState* interp = _PyInterpreterState_GET();
    for (PyThreadState* t = PyInterpreterState_ThreadHead(interp); t; t = PyThreadState_Next(t)) {
        const unsigned long id = t->thread_id;
#define LEAKSCOPE_FIELD(field, text) \
        if (t->field) \
            visit(arg, id, (PyObject*)t->field, text);
        LEAKSCOPE_FIELD(dict, "the thread state's dict")
        LEAKSCOPE_FIELD(context, "the thread's current contextvars context")
        LEAKSCOPE_FIELD(async_exc, "an exception pending for the thread")
        LEAKSCOPE_FIELD(curexc_type, "the thread's pending exception type")
        LEAKSCOPE_FIELD(curexc_value, "the thread's pending exception")
        LEAKSCOPE_FIELD(curexc_traceback, "the thread's pending exception's traceback")
        LEAKSCOPE_FIELD(c_profileobj, "the thread's profiler (sys.setprofile)")
        LEAKSCOPE_FIELD(c_traceobj, "the thread's tracer (sys.settrace)")
        LEAKSCOPE_FIELD(async_gen_firstiter, "the thread's async generator firstiter hook")
        LEAKSCOPE_FIELD(async_gen_finalizer, "the thread's async generator finalizer hook")
#undef LEAKSCOPE_FIELD
        /* threading's _set_sentinel(): a weakref to the lock Thread.join() waits on. */
        if (t->on_delete_data && PyWeakref_Check((PyObject*)t->on_delete_data))
            visit(arg, id, (PyObject*)t->on_delete_data, "the weakref to the lock Thread.join() waits on");
        for (_PyErr_StackItem* item = t->exc_info; item; item = item->previous_item) {
            if (item->exc_value)
                visit(arg, id, item->exc_value, "an exception the thread is handling");
        }
    }
}

void leakscope_visit_frame_roots(leakscope_frame_visitor visit, void* arg)
{
    PyInterpreterState* interp = _PyInterpreterState_GET();
    for (PyThreadState* t = PyInterpreterState_ThreadHead(interp); t; t = PyThreadState_Next(t)) {
        const unsigned long id = t->thread_id;
        _PyInterpreterFrame* frame = t->cframe ? t->cframe->current_frame : NULL;
        for (; frame; frame = frame->previous) {
            if (frame->owner == FRAME_OWNED_BY_GENERATOR)
                continue;
            PyCodeObject* code = frame->f_code;
            if (!code)
                continue;
            const int line = PyCode_Addr2Line(code, _PyInterpreterFrame_LASTI(frame) * (int)sizeof(_Py_CODEUNIT));
            if (frame->f_func)
                visit(arg, id, code, line, -1, (PyObject*)frame->f_func, "the function");
            if (frame->f_locals)
                visit(arg, id, code, line, -1, frame->f_locals, "the locals dict");
            if (frame->frame_obj)
                visit(arg, id, code, line, -1, (PyObject*)frame->frame_obj, "the frame object");
            /* The local, cell and free variable slots always hold owned references or NULL. The value
               stack above them is known only while the frame is suspended in a call to Python code:
               a frame running C code (such as the call that is capturing), or one whose thread let go
               of the GIL between two bytecodes, has stacktop -1. Then the whole of its room for a
               stack (co_stacksize) is read: what another thread is building there (the list of a
               comprehension half made) is alive, held by its frame. The words above the real top may
               be stale, so they are only compared with candidates' addresses, never followed. */
            const int locals = code->co_nlocalsplus;
            const int top = frame->stacktop >= locals ? frame->stacktop : locals + code->co_stacksize;
            for (int slot = 0; slot < top; ++slot) {
                PyObject* value = frame->localsplus[slot];
                if (value)
                    visit(arg, id, code, line, slot, value, slot < locals ? "a local variable" : "the value stack");
            }
        }
    }
}

static void visit_entry(leakscope_entry_visitor visit, void* arg, unsigned long thread, _PyInterpreterFrame* frame,
                        int outermost)
{
    enum { kMaxArguments = 16 };
    PyCodeObject* code = frame->f_code;
    if (!frame->f_func || !code)
        return;
    int count = code->co_argcount < kMaxArguments ? code->co_argcount : kMaxArguments;
    if (count > code->co_nlocalsplus)
        count = code->co_nlocalsplus;
    PyObject* arguments[kMaxArguments];
    for (int i = 0; i < count; ++i) {
        PyObject* value = frame->localsplus[i];
        /* An argument a closure captures lives in a cell once the frame has started. */
        if (value && PyCell_Check(value) && (_PyLocals_GetKind(code->co_localspluskinds, i) & CO_FAST_CELL))
            value = PyCell_GET(value);
        arguments[i] = value;
    }
    visit(arg, thread, (PyObject*)frame->f_func, arguments, count, outermost);
}

void leakscope_visit_thread_entries(leakscope_entry_visitor visit, void* arg)
{
    PyInterpreterState* interp = _PyInterpreterState_GET();
    for (PyThreadState* t = PyInterpreterState_ThreadHead(interp); t; t = PyThreadState_Next(t)) {
        _PyInterpreterFrame* outermost = NULL;
        for (_PyInterpreterFrame* frame = t->cframe ? t->cframe->current_frame : NULL; frame; frame = frame->previous) {
            if (frame->owner == FRAME_OWNED_BY_GENERATOR)
                continue;
            outermost = frame;
            if (frame->is_entry && frame->previous)
                visit_entry(visit, arg, t->thread_id, frame, 0);
        }
        if (outermost)
            visit_entry(visit, arg, t->thread_id, outermost, 1);
    }
}
