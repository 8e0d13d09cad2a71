#pragma once

// Line number arrays for the code objects tracemalloc reads, so that tracing costs what it costs in
// python3. Implemented in C against the internal headers, which a C++ translation unit cannot include.

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

// While tracemalloc traces, it looks up the line of every frame it keeps at every allocation of the
// object and memory allocators. python3 (linked statically, profile-optimised) decodes the line table
// inline; the shared libpython an embedding program links to does it through calls, about 1.5 times
// slower over a whole traced run. CPython 3.11 answers PyCode_Addr2Line from a per-instruction array
// when a code object has one (co->_co_linearray, which tracing with sys.settrace builds). This
// installs allocator hooks in front of tracemalloc's that build that array for the code objects of the
// frames tracemalloc is about to read, once per code object, before handing the call on. Call with the
// GIL held, after tracemalloc started; does nothing when it is not tracing. Returns 1 when installed.
// tracemalloc.stop() removes the hooks with tracemalloc's own.
int leakscope_install_line_tables(void);

#ifdef __cplusplus
}
#endif
