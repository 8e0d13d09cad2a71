#pragma once

// The native trace recorder's table of live allocations (native_traces.h). Python-free and
// header-only, so that it is tested on its own.

#include <cstddef>
#include <cstdint>
#include <sys/mman.h>

namespace leakscope::capture {

// Memory straight from the kernel, for the recorder's tables: they must not come from the Python
// allocators they watch, and they must go back to the system when they shrink (a large malloc'ed block
// may stay in the process once glibc has raised its mmap threshold). Zero-filled. nullptr when the
// kernel refuses.
inline void* mapTableMemory(std::size_t bytes)
{
    void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return memory == MAP_FAILED ? nullptr : memory;
}

inline void unmapTableMemory(void* memory, std::size_t bytes)
{
    if (memory)
        ::munmap(memory, bytes);
}

// A map from an allocation's start to its size and stack id: open addressing with linear probing over
// 16-byte entries, at most 70% full; erase shifts the following entries back rather than leaving
// tombstones, so lookups stay short under any mix of inserts and erases. Its memory follows the live
// count down as well as up, without resizing back and forth when a program builds and drops batches
// of objects: it halves at once when less than 1/16 full, and otherwise, at the end of each window of
// capacity/4 inserts and erases in which it was never 1/8 full, shrinks to fit that window's peak at
// 35% load. Not thread-safe.
class NativeAllocationTable
{
public:
    struct Entry
    {
        std::uintptr_t start; // 0: a free slot
        std::uint32_t size; // in bytes, clamped to UINT32_MAX
        std::uint32_t stack;
    };
    static_assert(sizeof(Entry) == 16);

    static constexpr std::size_t kMinCapacity = 4096; // 64 KiB: a table never shrinks below this

    NativeAllocationTable() = default;
    ~NativeAllocationTable() { unmapTableMemory(m_entries, m_capacity * sizeof(Entry)); }
    NativeAllocationTable(const NativeAllocationTable&) = delete;
    NativeAllocationTable& operator=(const NativeAllocationTable&) = delete;

    // Adds start (non-zero), or replaces its entry. False, nothing stored, only when the table is full
    // and the kernel gives no memory to grow it.
    bool insert(std::uintptr_t start, std::uint32_t size, std::uint32_t stack)
    {
        if ((m_size + 1) * 10 > m_capacity * 7 && !rehash(m_capacity ? m_capacity * 2 : kMinCapacity)
            && m_size + 1 >= m_capacity)
            return false;
        std::size_t slot = home(start);
        while (m_entries[slot].start != 0 && m_entries[slot].start != start)
            slot = (slot + 1) & m_mask;
        if (m_entries[slot].start == 0 && ++m_size > m_windowPeak)
            m_windowPeak = m_size;
        m_entries[slot] = {start, size, stack};
        if (++m_windowOps >= m_capacity / 4)
            endWindow();
        return true;
    }

    // The entry of start, or nullptr.
    const Entry* find(std::uintptr_t start) const
    {
        if (m_size == 0 || start == 0)
            return nullptr;
        for (std::size_t slot = home(start);; slot = (slot + 1) & m_mask) {
            const Entry& entry = m_entries[slot];
            if (entry.start == start)
                return &entry;
            if (entry.start == 0)
                return nullptr;
        }
    }

    // Starts loading the slot where start's entry would be, so that the cache miss of a table bigger
    // than the cache overlaps with other work (unwinding, the wrapped allocator) before insert or erase.
    void prefetch(std::uintptr_t start) const
    {
        // Not __builtin_prefetch: GCC 12 drops it when the call that follows is inlined into a bigger
        // function (the allocator hooks), and the miss comes back.
        if (m_entries)
            asm volatile("prefetcht0 %0" : : "m"(m_entries[home(start)]));
    }

    // Removes start's entry, copying it to *removed when asked; false when start has none.
    bool erase(std::uintptr_t start, Entry* removed = nullptr)
    {
        if (m_size == 0 || start == 0)
            return false;
        std::size_t hole = home(start);
        while (m_entries[hole].start != start) {
            if (m_entries[hole].start == 0)
                return false;
            hole = (hole + 1) & m_mask;
        }
        if (removed)
            *removed = m_entries[hole];
        // Backward shift: an entry after the hole moves into it unless the hole lies before the entry's
        // home slot in probe order (then its probe sequence never passes the hole).
        for (std::size_t next = (hole + 1) & m_mask; m_entries[next].start != 0; next = (next + 1) & m_mask) {
            const std::size_t entryHome = home(m_entries[next].start);
            if (((next - entryHome) & m_mask) >= ((next - hole) & m_mask)) {
                m_entries[hole] = m_entries[next];
                hole = next;
            }
        }
        m_entries[hole] = {};
        --m_size;
        if (m_capacity > kMinCapacity && m_size * 16 < m_capacity)
            rehash(m_capacity / 2); // a failure keeps the bigger table, which still works
        else if (++m_windowOps >= m_capacity / 4)
            endWindow();
        return true;
    }

    template <typename Visit> void forEach(Visit&& visit) const
    {
        for (std::size_t slot = 0; slot < m_capacity; ++slot) {
            if (m_entries[slot].start != 0)
                visit(m_entries[slot]);
        }
    }

    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }
    std::size_t bytes() const { return m_capacity * sizeof(Entry); }
    std::uint64_t resizes() const { return m_resizes; }
    // The capacity a table holding `count` entries shrinks to: 35% full at most.
    static std::size_t fittingCapacity(std::size_t count)
    {
        std::size_t capacity = kMinCapacity;
        while (count * 20 > capacity * 7)
            capacity *= 2;
        return capacity;
    }

private:
    std::size_t home(std::uintptr_t start) const
    {
        // Allocations are 16-byte aligned: drop the bits that never vary, then Fibonacci hashing.
        return static_cast<std::size_t>(((start >> 4) * 0x9E3779B97F4A7C15ull) >> m_shift);
    }

    void endWindow()
    {
        if (m_capacity > kMinCapacity && m_windowPeak * 8 < m_capacity && rehash(fittingCapacity(m_windowPeak)))
            return;
        m_windowOps = 0;
        m_windowPeak = m_size;
    }

    bool rehash(std::size_t capacity)
    {
        auto* entries = static_cast<Entry*>(mapTableMemory(capacity * sizeof(Entry)));
        if (!entries)
            return false;
        Entry* old = m_entries;
        const std::size_t oldCapacity = m_capacity;
        m_entries = entries;
        m_capacity = capacity;
        m_mask = capacity - 1;
        m_shift = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
        for (std::size_t slot = 0; slot < oldCapacity; ++slot) {
            if (old[slot].start == 0)
                continue;
            std::size_t to = home(old[slot].start);
            while (m_entries[to].start != 0)
                to = (to + 1) & m_mask;
            m_entries[to] = old[slot];
        }
        unmapTableMemory(old, oldCapacity * sizeof(Entry));
        ++m_resizes;
        m_windowOps = 0;
        m_windowPeak = m_size;
        return true;
    }

    Entry* m_entries = nullptr;
    std::size_t m_capacity = 0;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
    unsigned m_shift = 64;
    std::size_t m_windowOps = 0; // inserts and erases since the window began
    std::size_t m_windowPeak = 0; // the most entries in the window
    std::uint64_t m_resizes = 0;
};

} // namespace leakscope::capture
