/* Line number arrays for the code objects tracemalloc reads; see line_tables.h. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_frame.h"
#include "internal/pycore_pymem.h"
#include "internal/pycore_pystate.h"

#include "line_tables.h"

#include <limits.h>
#include <stdint.h>

/* tracemalloc's hooks, which ours call after their work. */
static PyMemAllocatorEx next_mem;
static PyMemAllocatorEx next_obj;

static void start_range(PyCodeObject* code, PyCodeAddressRange* range)
{
    range->opaque.lo_next = (const uint8_t*)PyBytes_AS_STRING(code->co_linetable);
    range->opaque.limit = range->opaque.lo_next + PyBytes_GET_SIZE(code->co_linetable);
    range->opaque.computed_line = code->co_firstlineno;
    range->ar_start = -1;
    range->ar_end = 0;
    range->ar_line = -1;
}

/* The array PyCode_Addr2Line reads: the line of each code unit, 16 bits wide when every line fits,
   allocated with the memory allocator, which code_dealloc frees it with. */
static void build_line_array(PyCodeObject* code)
{
    const Py_ssize_t units = Py_SIZE(code);
    if (units <= 0 || units > INT_MAX / (Py_ssize_t)sizeof(_Py_CODEUNIT) || !code->co_linetable
        || !PyBytes_Check(code->co_linetable))
        return;
    PyCodeAddressRange range;
    start_range(code, &range);
    int wide = 0;
    for (Py_ssize_t i = 0; i < units && !wide; ++i) {
        const int line = _PyCode_CheckLineNumber((int)(i * (Py_ssize_t)sizeof(_Py_CODEUNIT)), &range);
        wide = line > INT16_MAX || line < INT16_MIN;
    }
    const size_t entry = wide ? sizeof(int32_t) : sizeof(int16_t);
    char* array = next_mem.malloc(next_mem.ctx, (size_t)units * entry);
    if (!array)
        return;
    start_range(code, &range);
    for (Py_ssize_t i = 0; i < units; ++i) {
        const int line = _PyCode_CheckLineNumber((int)(i * (Py_ssize_t)sizeof(_Py_CODEUNIT)), &range);
        if (wide)
            ((int32_t*)array)[i] = line;
        else
            ((int16_t*)array)[i] = (int16_t)line;
    }
    code->_co_linearray_entry_size = (short)entry;
    code->_co_linearray = array;
}

/* The frames tracemalloc's traceback will read for this allocation (traceback_get_frames: from the
   current frame outwards, max_nframe of them). */
static void prepare_frames(void)
{
    if (!_Py_tracemalloc_config.tracing)
        return;
    PyThreadState* tstate = _PyThreadState_GET();
    if (!tstate || !tstate->cframe)
        return;
    int left = _Py_tracemalloc_config.max_nframe;
    for (_PyInterpreterFrame* frame = tstate->cframe->current_frame; frame && left > 0; frame = frame->previous, --left) {
        PyCodeObject* code = frame->f_code;
        if (code && !code->_co_linearray)
            build_line_array(code);
    }
}

/* One set of hooks for both domains: ctx is the domain's next allocator, tracemalloc's. */
static void* hook_malloc(void* ctx, size_t size)
{
    PyMemAllocatorEx* next = ctx;
    prepare_frames();
    return next->malloc(next->ctx, size);
}

static void* hook_calloc(void* ctx, size_t count, size_t size)
{
    PyMemAllocatorEx* next = ctx;
    prepare_frames();
    return next->calloc(next->ctx, count, size);
}

static void* hook_realloc(void* ctx, void* block, size_t size)
{
    PyMemAllocatorEx* next = ctx;
    prepare_frames();
    return next->realloc(next->ctx, block, size);
}

static void hook_free(void* ctx, void* block)
{
    PyMemAllocatorEx* next = ctx;
    next->free(next->ctx, block);
}

int leakscope_install_line_tables(void)
{
    if (!_Py_tracemalloc_config.tracing)
        return 0;
    PyMemAllocatorEx mem = {&next_mem, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMemAllocatorEx obj = {&next_obj, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &next_mem);
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &next_obj);
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &mem);
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &obj);
    return 1;
}
