#include <Python.h>

#include "native_traces.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <algorithm>
#include <stdexcept>
#include <string>

// The hook functions and the recorder's unwinding path live in a section of their own, so that the
// frames of a recorded stack that belong to the recorder are told by address, whatever the compiler
// inlined. The linker defines the bounds of a section whose name is a C identifier.
#define LEAKSCOPE_NATIVE_HOOK __attribute__((section("leakscope_native_hook"), noinline))

extern "C" {
extern const char __start_leakscope_native_hook[] __attribute__((visibility("hidden")));
extern const char __stop_leakscope_native_hook[] __attribute__((visibility("hidden")));
}

namespace leakscope::capture {

namespace {

NativeTraceRecorder* g_recorder = nullptr;
PyMemAllocatorEx g_wrapped; // the object domain's allocator before the hook
// Set while the hook records: an allocation the unwinder might make in the object domain meanwhile is
// passed through unrecorded rather than re-entering the tables.
thread_local bool t_recording = false;

// The frames the recorder's own code adds between the interpreter's allocator and the unwinder (the
// hook, with record() forced inline into it). Each frame asked for costs time, so no more are asked
// for: should the compiler ever add one, a stack keeps one frame fewer than `depth`, never one of its own.
constexpr unsigned kOwnFrames = 1;

bool isOwnFrame(std::uintptr_t address)
{
    return address >= reinterpret_cast<std::uintptr_t>(__start_leakscope_native_hook)
        && address < reinterpret_cast<std::uintptr_t>(__stop_leakscope_native_hook);
}

std::uint32_t clampedSize(std::size_t size)
{
    return size > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(size);
}

// Unwinds from inside the hook section: the number of leading frames that precede the first frame of
// this function (libunwind's own), or -1 when the unwinder does not get that far.
LEAKSCOPE_NATIVE_HOOK int measureUnwinderFrames()
{
    std::uintptr_t frames[16];
    const int count = unw_backtrace(reinterpret_cast<void**>(frames), 16);
    for (int i = 0; i < count; ++i) {
        if (isOwnFrame(frames[i]))
            return i + 1 < count ? i : -1; // the caller's frame must follow, or the walk stops at the hook
    }
    return -1;
}

} // namespace

// The allocator functions are defined out of the class, as functions defined inside it are inline, and
// an inline function cannot share a section with the others. record() is forced inline into them: each
// frame of the recorder's own costs unwinding time at every allocation.
struct NativeTraceRecorder::Hooks
{
    static void* malloc(void* context, std::size_t size);
    static void* calloc(void* context, std::size_t count, std::size_t elementSize);
    static void* realloc(void* context, void* old, std::size_t size);
    static void free(void* context, void* allocation);

    // A new allocation at an address whose free is pending: the free is done, and insert replaces the
    // entry.
    __attribute__((always_inline)) static void takePendingFree(NativeTraceRecorder* recorder, std::uintptr_t start)
    {
        for (std::uintptr_t& pending : recorder->m_pendingFrees) {
            if (pending == start) {
                pending = 0;
                ++recorder->m_counts.frees;
            }
        }
    }

    __attribute__((always_inline)) static void record(NativeTraceRecorder* recorder, void* allocation, std::size_t size)
    {
        t_recording = true;
        takePendingFree(recorder, reinterpret_cast<std::uintptr_t>(allocation));
        recorder->m_live.prefetch(reinterpret_cast<std::uintptr_t>(allocation));
        std::uintptr_t frames[kMaxNativeTraceDepth + kOwnFrames + 16];
        const int count = unw_backtrace(reinterpret_cast<void**>(frames),
            static_cast<int>(recorder->m_unwinderFrames + kOwnFrames + recorder->m_depth));
        unsigned first = recorder->m_unwinderFrames;
        while (static_cast<int>(first) < count && isOwnFrame(frames[first]))
            ++first;
        const std::size_t kept = static_cast<int>(first) < count
            ? std::min<std::size_t>(static_cast<unsigned>(count) - first, recorder->m_depth)
            : 0;
        const NativeStackId stack = recorder->m_stacks.intern(frames + first, kept);
        if (recorder->m_live.insert(reinterpret_cast<std::uintptr_t>(allocation), clampedSize(size), stack))
            ++recorder->m_counts.allocations;
        else
            ++recorder->m_counts.dropped;
        t_recording = false;
    }
};

LEAKSCOPE_NATIVE_HOOK void* NativeTraceRecorder::Hooks::malloc(void* context, std::size_t size)
{
    void* allocation = g_wrapped.malloc(g_wrapped.ctx, size);
    if (allocation && !t_recording)
        record(static_cast<NativeTraceRecorder*>(context), allocation, size);
    return allocation;
}

LEAKSCOPE_NATIVE_HOOK void* NativeTraceRecorder::Hooks::calloc(
    void* context, std::size_t count, std::size_t elementSize)
{
    void* allocation = g_wrapped.calloc(g_wrapped.ctx, count, elementSize);
    if (allocation && !t_recording) // the wrapped calloc checked count * elementSize for overflow
        record(static_cast<NativeTraceRecorder*>(context), allocation, count * elementSize);
    return allocation;
}

LEAKSCOPE_NATIVE_HOOK void* NativeTraceRecorder::Hooks::realloc(void* context, void* old, std::size_t size)
{
    void* allocation = g_wrapped.realloc(g_wrapped.ctx, old, size);
    if (!allocation || t_recording)
        return allocation; // a failed realloc leaves the old block, and its entry, as they were
    auto* recorder = static_cast<NativeTraceRecorder*>(context);
    NativeAllocationTable::Entry entry;
    if (old && recorder->m_live.erase(reinterpret_cast<std::uintptr_t>(old), &entry)) {
        // The stack stays the creator's: an object grown later was still made by that code.
        takePendingFree(recorder, reinterpret_cast<std::uintptr_t>(allocation));
        if (recorder->m_live.insert(reinterpret_cast<std::uintptr_t>(allocation), clampedSize(size), entry.stack))
            ++recorder->m_counts.reallocations;
        else
            ++recorder->m_counts.dropped;
    } else {
        // realloc(NULL, n), or a block allocated before the hook: from now on a new allocation.
        record(recorder, allocation, size);
    }
    return allocation;
}

void NativeTraceRecorder::Hooks::free(void* context, void* allocation)
{
    auto* recorder = static_cast<NativeTraceRecorder*>(context);
    const auto start = reinterpret_cast<std::uintptr_t>(allocation);
    recorder->m_live.prefetch(start);
    g_wrapped.free(g_wrapped.ctx, allocation);
    if (!allocation || t_recording)
        return;
    std::uintptr_t& oldest = recorder->m_pendingFrees[recorder->m_nextPendingFree];
    recorder->m_nextPendingFree = (recorder->m_nextPendingFree + 1) % kPendingFrees;
    // A block allocated before the hook has no entry, which is fine.
    if (oldest && recorder->m_live.erase(oldest))
        ++recorder->m_counts.frees;
    oldest = start;
}

void NativeTraceRecorder::settleFrees()
{
    for (std::uintptr_t& pending : m_pendingFrees) {
        if (pending && m_live.erase(pending))
            ++m_counts.frees;
        pending = 0;
    }
}

NativeTraceRecorder::NativeTraceRecorder(unsigned depth)
    : m_depth(depth)
{
}

NativeTraceRecorder& NativeTraceRecorder::install(unsigned depth)
{
    if (depth < 1 || depth > kMaxNativeTraceDepth)
        throw std::runtime_error("native trace depth " + std::to_string(depth) + " is out of range: it must be 1 to "
            + std::to_string(kMaxNativeTraceDepth));
    if (g_recorder) {
        if (g_recorder->m_depth != depth)
            throw std::runtime_error("native traces are already recorded with depth "
                + std::to_string(g_recorder->m_depth) + " in this process, not " + std::to_string(depth));
        return *g_recorder;
    }
    // A per-thread cache of unwind rules keyed by return address: the interpreter allocates with the
    // same few hundred call sites over and over, so after warm-up a walk reads no DWARF.
    unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
    const int unwinderFrames = measureUnwinderFrames();
    if (unwinderFrames < 0)
        throw std::runtime_error("native traces cannot be recorded here: libunwind cannot walk this process's stack");

    auto* recorder = new NativeTraceRecorder(depth); // never deleted: see the class comment
    recorder->m_unwinderFrames = static_cast<unsigned>(unwinderFrames);
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &g_wrapped);
    PyMemAllocatorEx hook{recorder, Hooks::malloc, Hooks::calloc, Hooks::realloc, Hooks::free};
    g_recorder = recorder;
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &hook);
    return *recorder;
}

NativeTraceRecorder* NativeTraceRecorder::instance()
{
    return g_recorder;
}

NativeStackId NativeTraceRecorder::stackOf(const void* allocation) const
{
    settleFrees();
    const NativeAllocationTable::Entry* entry = m_live.find(reinterpret_cast<std::uintptr_t>(allocation));
    return entry ? entry->stack : kNoNativeStack;
}

std::span<const std::uintptr_t> NativeTraceRecorder::frames(NativeStackId id) const
{
    return m_stacks.frames(id);
}

void NativeTraceRecorder::forEachAllocation(
    const std::function<void(const void* start, std::size_t size, NativeStackId stack)>& visit) const
{
    settleFrees();
    m_live.forEach([&](const NativeAllocationTable::Entry& entry) {
        visit(reinterpret_cast<const void*>(entry.start), entry.size, entry.stack);
    });
}

std::size_t NativeTraceRecorder::liveAllocations() const
{
    settleFrees();
    return m_live.size();
}

NativeTraceStats NativeTraceRecorder::stats() const
{
    settleFrees();
    NativeTraceStats stats = m_counts;
    stats.live = m_live.size();
    stats.stacks = m_stacks.size();
    stats.stackFrames = m_stacks.frameCount();
    stats.tableBytes = m_live.bytes();
    stats.tableResizes = m_live.resizes();
    stats.stackTableBytes = m_stacks.bytes();
    return stats;
}

} // namespace leakscope::capture
