#pragma once

// Where CPython keeps its process-wide runtime state. Implemented in C against the internal headers,
// which a C++ translation unit cannot include.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// The bytes of _PyRuntime. In 3.11 it embeds the main interpreter's state and its first thread
// state, free lists included: dead slots there still hold the addresses of objects freed long ago.
void leakscope_runtime_state(const void** begin, size_t* size);

#ifdef __cplusplus
}
#endif
