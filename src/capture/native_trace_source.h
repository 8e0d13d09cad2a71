#pragma once

// Python-free view of the native allocation stacks a recorder keeps (native_traces.h), so that the
// capture core reads them without linking the recorder or its unwinder.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace leakscope::capture {

using NativeStackId = std::uint32_t;
inline constexpr NativeStackId kNoNativeStack = UINT32_MAX;

// What the capture reads of recorded native allocation stacks. Read with the GIL held (the recorder
// changes only under it), and allocate no Python object while iterating.
class NativeTraceSource
{
public:
    virtual ~NativeTraceSource() = default;
    virtual unsigned depth() const = 0;
    // The stack recorded for the live allocation that starts at `allocation`, or kNoNativeStack.
    virtual NativeStackId stackOf(const void* allocation) const = 0;
    // The stack's return addresses, innermost first, with the recorder's own frames removed (the first
    // one is inside the interpreter's allocator, e.g. PyObject_Malloc). Stable while the recorder lives.
    virtual std::span<const std::uintptr_t> frames(NativeStackId id) const = 0;
    // Every live allocation (start, size in bytes, stack), in no particular order.
    virtual void forEachAllocation(
        const std::function<void(const void* start, std::size_t size, NativeStackId stack)>& visit) const = 0;
    virtual std::size_t liveAllocations() const = 0;
};

} // namespace leakscope::capture
