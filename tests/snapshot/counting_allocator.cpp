#include "counting_allocator.h"

#include <cstdlib>
#include <new>

// The scalar forms are all replaced, so that under ASan nothing its own operator new made is released
// by ours (an alloc-dealloc mismatch); array and aligned forms stay paired inside the runtime.

namespace leakscope::test {
std::atomic<bool> g_countingAllocations{false};
std::atomic<std::size_t> g_allocatedBytes{0};
} // namespace leakscope::test

namespace {
void* countedAlloc(std::size_t size) noexcept
{
    if (leakscope::test::g_countingAllocations.load(std::memory_order_relaxed))
        leakscope::test::g_allocatedBytes.fetch_add(size, std::memory_order_relaxed);
    return std::malloc(size ? size : 1);
}
} // namespace

void* operator new(std::size_t size)
{
    if (void* p = countedAlloc(size))
        return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size)
{
    if (void* p = countedAlloc(size))
        return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return countedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
