#pragma once

// Counts what operator new hands out while a test asks for it, so "fails without allocating" is
// measured rather than assumed. Linking counting_allocator.cpp replaces the global operator new and
// delete of the whole test executable, Qt included; counting is off until allocatedDuring() runs.

#include <atomic>
#include <cstddef>

namespace leakscope::test {

extern std::atomic<bool> g_countingAllocations;
extern std::atomic<std::size_t> g_allocatedBytes;

// The bytes operator new handed out while f() ran.
template<typename F>
std::size_t allocatedDuring(F&& f)
{
    g_allocatedBytes = 0;
    g_countingAllocations = true;
    try {
        f();
    } catch (...) {
        g_countingAllocations = false;
        throw;
    }
    g_countingAllocations = false;
    return g_allocatedBytes;
}

} // namespace leakscope::test
