#pragma once

// Records the native (C) call stack of every allocation in CPython's object domain, so that a leaked
// object's details can name the C function that created it (--native-traces=N).

#include "native_allocation_table.h"
#include "native_stack_table.h"
#include "native_trace_source.h"
#include "snapshot/native_traces_option.h" // kDefaultNativeTraceDepth, kMaxNativeTraceDepth

#include <cstdint>

namespace leakscope::capture {

struct NativeTraceStats
{
    std::uint64_t allocations = 0; // malloc and calloc calls recorded
    std::uint64_t frees = 0; // frees of a recorded allocation
    std::uint64_t reallocations = 0; // reallocs of a recorded allocation (the entry kept its stack)
    std::uint64_t dropped = 0; // allocations not recorded for want of memory for the tables
    std::size_t live = 0; // allocations recorded and not freed
    std::size_t stacks = 0; // distinct stacks
    std::size_t stackFrames = 0; // frames of all distinct stacks together
    std::size_t tableBytes = 0; // memory of the live-allocation table
    std::uint64_t tableResizes = 0; // times that table grew or shrank
    std::size_t stackTableBytes = 0; // memory of the stacks: frames, records and index
};

// Wraps the allocator of PYMEM_DOMAIN_OBJ (pymalloc, or whatever PYTHONMALLOC chose) and records, for
// each allocation, its size and its interned call stack (libunwind's unw_backtrace with a per-thread
// cache of unwind rules per return address). realloc keeps the stack of the original allocation: the
// code that created the object, not the code that grew it. tracemalloc, started later or from the
// interpreter's start, wraps this hook and works on top of it.
//
// The object domain is only used with the GIL held, so the tables have no lock: the hook relies on
// the GIL as pymalloc itself does, and readers must hold it too. A thread-local flag keeps the hook
// from recording itself should the unwinder ever reach the object domain.
//
// One per process, never destroyed: Py_FinalizeEx and atexit code free objects after any destructor
// could run, and the hook must stay valid for them.
class NativeTraceRecorder final : public NativeTraceSource
{
public:
    // Installs the recorder keeping `depth` frames (1..kMaxNativeTraceDepth), or returns the one
    // installed with that depth. Call after Py_PreInitialize and before Py_InitializeFromConfig, so
    // that every object the interpreter allocates is seen (as Interpreter does). Installed later, it
    // misses the objects that exist already, and a tracemalloc running then would take the hook away
    // when stopped (it puts back the allocator it found). Throws std::runtime_error when the depth is
    // out of range, when a recorder with another depth is installed, or when the unwinder cannot walk
    // this process's stack.
    static NativeTraceRecorder& install(unsigned depth);
    // The installed recorder, or nullptr.
    static NativeTraceRecorder* instance();

    unsigned depth() const override { return m_depth; }
    NativeStackId stackOf(const void* allocation) const override;
    std::span<const std::uintptr_t> frames(NativeStackId id) const override;
    void forEachAllocation(
        const std::function<void(const void* start, std::size_t size, NativeStackId stack)>& visit) const override;
    std::size_t liveAllocations() const override;

    NativeTraceStats stats() const;

private:
    struct Hooks;
    explicit NativeTraceRecorder(unsigned depth);
    ~NativeTraceRecorder() override = default;

    // Erases the entries of the frees still pending.
    void settleFrees();
    // For the readers, which must see no pending free: the recorder is never a const object.
    void settleFrees() const { const_cast<NativeTraceRecorder*>(this)->settleFrees(); }

    // Frees erase their entries a few frees late: the free hook prefetches the entry's slot, and by the
    // time the entry is erased the table's cache miss is over. An allocation at an address whose free
    // is pending takes the pending free's place (insert replaces the entry); readers settle them all.
    static constexpr unsigned kPendingFrees = 8;

    unsigned m_depth;
    // Leading frames of every unw_backtrace that belong to libunwind itself (measured at install).
    unsigned m_unwinderFrames = 0;
    NativeAllocationTable m_live;
    NativeStackTable m_stacks;
    NativeTraceStats m_counts;
    std::uintptr_t m_pendingFrees[kPendingFrees] = {}; // a ring; 0: none
    unsigned m_nextPendingFree = 0; // the oldest
};

} // namespace leakscope::capture
