#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <vector>

namespace leakscope::capture {

// Asks the kernel to back the untouched, 2 MiB-aligned inside of [data, data + bytes) with transparent
// huge pages. A capture fills hundreds of MiB of fresh arrays; with 4 KiB pages a good part of its
// time went to page faults. Only a hint: without THP support nothing changes.
inline void adviseHugePages(const void* data, std::size_t bytes)
{
#ifdef MADV_HUGEPAGE
    constexpr std::uintptr_t huge = 2u << 20;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

// reserve() plus the hint, before any element is written.
template<typename T>
void reserveHuge(std::vector<T>& vector, std::size_t count)
{
    vector.reserve(count);
    adviseHugePages(vector.data(), vector.capacity() * sizeof(T));
}

inline void reserveHuge(std::string& text, std::size_t count)
{
    text.reserve(count);
    adviseHugePages(text.data(), text.capacity());
}

} // namespace leakscope::capture
