#include <Python.h>

#include "native_buffers.h"

#include "native_allocation_table.h"

namespace leakscope::capture {

namespace {

PyMemAllocatorEx g_wrapped; // the memory domain's allocator before the hook
NativeAllocationTable* g_buffers = nullptr; // never deleted: interpreters free buffers until exit

std::uint32_t clamped(std::size_t size)
{
    return size > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(size);
}

void* hookMalloc(void*, std::size_t size)
{
    void* buffer = g_wrapped.malloc(g_wrapped.ctx, size);
    if (buffer)
        g_buffers->insert(reinterpret_cast<std::uintptr_t>(buffer), clamped(size), 0);
    return buffer;
}

void* hookCalloc(void*, std::size_t count, std::size_t elementSize)
{
    void* buffer = g_wrapped.calloc(g_wrapped.ctx, count, elementSize);
    if (buffer)
        g_buffers->insert(reinterpret_cast<std::uintptr_t>(buffer), clamped(count * elementSize), 0);
    return buffer;
}

void* hookRealloc(void*, void* old, std::size_t size)
{
    if (old)
        g_buffers->prefetch(reinterpret_cast<std::uintptr_t>(old)); // its slot's miss overlaps the realloc
    void* buffer = g_wrapped.realloc(g_wrapped.ctx, old, size);
    if (!buffer)
        return buffer; // the old block stays, with its entry
    if (old)
        g_buffers->erase(reinterpret_cast<std::uintptr_t>(old));
    g_buffers->insert(reinterpret_cast<std::uintptr_t>(buffer), clamped(size), 0);
    return buffer;
}

void hookFree(void*, void* buffer)
{
    g_buffers->prefetch(reinterpret_cast<std::uintptr_t>(buffer)); // its slot's miss overlaps the free
    g_wrapped.free(g_wrapped.ctx, buffer);
    if (buffer)
        g_buffers->erase(reinterpret_cast<std::uintptr_t>(buffer));
}

} // namespace

void installNativeBufferHook()
{
    if (g_buffers)
        return;
    g_buffers = new NativeAllocationTable;
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &g_wrapped);
    PyMemAllocatorEx hook{nullptr, hookMalloc, hookCalloc, hookRealloc, hookFree};
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &hook);
}

void forEachNativeBuffer(const std::function<void(const void* start, std::size_t size)>& visit)
{
    if (!g_buffers)
        return;
    g_buffers->forEach([&](const NativeAllocationTable::Entry& entry) {
        visit(reinterpret_cast<const void*>(entry.start), entry.size);
    });
}

std::size_t nativeBufferCount()
{
    return g_buffers ? g_buffers->size() : 0;
}

std::size_t nativeBufferTableBytes()
{
    return g_buffers ? g_buffers->bytes() : 0;
}

} // namespace leakscope::capture
