#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <sys/mman.h>
#include <type_traits>
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

// A fixed array of `count` zeroed elements in memory fresh from the kernel, 2 MiB-aligned and advised
// to huge pages, so that the threads filling it fault once per 2 MiB rather than once per 4 KiB, and
// nothing zeroes or touches it before they do. For the per-object scratch arrays of a capture: a
// malloc'ed vector of that size is fresh memory in the first capture of a process anyway (the
// allocator maps it), faulted in page by page.
template<typename T>
class FreshArray
{
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
    FreshArray() = default;
    explicit FreshArray(std::size_t count) { allocate(count); }
    ~FreshArray() { release(); }
    FreshArray(const FreshArray&) = delete;
    FreshArray& operator=(const FreshArray&) = delete;

    // Drops what it held and maps room for `count` zeroed elements. Throws std::bad_alloc.
    void allocate(std::size_t count)
    {
        release();
        if (count == 0)
            return;
        constexpr std::size_t huge = 2u << 20;
        m_bytes = (count * sizeof(T) + huge - 1) / huge * huge + huge; // room to align the start
        void* mapped = ::mmap(nullptr, m_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped == MAP_FAILED) {
            m_bytes = 0;
            throw std::bad_alloc();
        }
        m_mapped = mapped;
        const auto aligned = (reinterpret_cast<std::uintptr_t>(mapped) + huge - 1) & ~(huge - 1);
        m_data = reinterpret_cast<T*>(aligned);
        m_count = count;
        adviseHugePages(m_data, count * sizeof(T));
    }

    T& operator[](std::size_t i) { return m_data[i]; }
    const T& operator[](std::size_t i) const { return m_data[i]; }
    T* data() { return m_data; }
    const T* data() const { return m_data; }
    std::size_t size() const { return m_count; }

private:
    void release()
    {
        if (m_mapped)
            ::munmap(m_mapped, m_bytes);
        m_mapped = nullptr;
        m_data = nullptr;
        m_bytes = 0;
        m_count = 0;
    }

    void* m_mapped = nullptr;
    std::size_t m_bytes = 0;
    T* m_data = nullptr;
    std::size_t m_count = 0;
};

} // namespace leakscope::capture
