#pragma once

// The live allocations of the interpreter's *memory* domain (PyMem_Malloc and friends: list item
// arrays, dict values, extensions' C structs such as numpy's DType slots or Cython's code object
// cache), recorded with native traces so that the search for untracked orphans reads them too: an
// object only such a buffer refers to is referenced, not an orphan. Addresses and sizes only, no
// stacks: recording costs a table insert per allocation. Installed with the native trace recorder.

#include <cstddef>
#include <functional>

namespace leakscope::capture {

// Wraps PYMEM_DOMAIN_MEM's allocator. Call once, after Py_PreInitialize and before the interpreter
// allocates; later calls do nothing.
void installNativeBufferHook();

// Every live buffer (start, size in bytes), in no particular order; nothing when the hook is not
// installed. The memory domain is used with the GIL held: call it with the GIL held, and allocate
// nothing from that domain meanwhile.
void forEachNativeBuffer(const std::function<void(const void* start, std::size_t size)>& visit);

// Live buffers recorded, and the table's bytes.
std::size_t nativeBufferCount();
std::size_t nativeBufferTableBytes();

} // namespace leakscope::capture
