#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace leakscope::capture {

// A set of object addresses to look for in raw memory, each mapped to its position in the list it
// was built from. Open addressing with linear probing over a table at most half full; a range check
// rejects most words (small numbers, flags, pointers to code or to static data) before the table is
// touched. Built once; find() reads memory only, so a scan allocates nothing per word.
class AddressTable
{
public:
    static constexpr std::int32_t kAbsent = -1;

    // addresses: distinct, non-zero, pointer-aligned.
    explicit AddressTable(const std::vector<std::uintptr_t>& addresses)
    {
        std::size_t capacity = 16;
        while (capacity < addresses.size() * 2)
            capacity *= 2;
        m_mask = capacity - 1;
        m_shift = 64;
        for (std::size_t c = capacity; c > 1; c /= 2)
            --m_shift;
        m_entries.assign(capacity, Entry{});
        std::uintptr_t low = UINTPTR_MAX, high = 0;
        for (std::size_t i = 0; i < addresses.size(); ++i) {
            const std::uintptr_t address = addresses[i];
            low = address < low ? address : low;
            high = address > high ? address : high;
            std::size_t slot = hash(address);
            while (m_entries[slot].address != 0)
                slot = (slot + 1) & m_mask;
            m_entries[slot] = {address, static_cast<std::int32_t>(i)};
        }
        m_low = addresses.empty() ? 1 : low;
        m_span = addresses.empty() ? 0 : high - low;
        m_empty = addresses.empty();
    }

    bool empty() const { return m_empty; }

    // The position of word among the addresses, or kAbsent.
    std::int32_t find(std::uintptr_t word) const
    {
        if (word - m_low > m_span || (word & (sizeof(void*) - 1)) != 0)
            return kAbsent;
        for (std::size_t slot = hash(word);; slot = (slot + 1) & m_mask) {
            const Entry& entry = m_entries[slot];
            if (entry.address == word)
                return entry.position;
            if (entry.address == 0)
                return kAbsent;
        }
    }

    // Calls onHit(wordAddress, position) for every aligned word of [begin, end) that is in the set.
    // The range must be readable memory. Not instrumented by AddressSanitizer nor ThreadSanitizer: a
    // conservative scan reads whole data segments, redzones between an instrumented library's globals
    // included, which are mapped and readable but poisoned, and memory the allocator holds freed.
    template<typename OnHit>
    __attribute__((no_sanitize("address", "thread"))) void scan(const void* begin, const void* end, OnHit&& onHit) const
    {
        if (m_empty)
            return;
        auto first = (reinterpret_cast<std::uintptr_t>(begin) + sizeof(void*) - 1) & ~(sizeof(void*) - 1);
        const auto last = reinterpret_cast<std::uintptr_t>(end) & ~(sizeof(void*) - 1);
        for (std::uintptr_t at = first; at < last; at += sizeof(void*)) {
            std::uintptr_t word;
            __builtin_memcpy(&word, reinterpret_cast<const void*>(at), sizeof word); // inlined: one load
            if (word - m_low > m_span)
                continue;
            const std::int32_t position = find(word);
            if (position != kAbsent)
                onHit(at, position);
        }
    }

private:
    struct Entry
    {
        std::uintptr_t address = 0;
        std::int32_t position = kAbsent;
    };

    std::size_t hash(std::uintptr_t address) const
    {
        // Objects are 16-byte aligned: drop the bits that never vary before mixing.
        return static_cast<std::size_t>(((address >> 4) * 0x9E3779B97F4A7C15ull) >> m_shift) & m_mask;
    }

    std::vector<Entry> m_entries;
    std::size_t m_mask = 0;
    unsigned m_shift = 60;
    std::uintptr_t m_low = 1;
    std::uintptr_t m_span = 0;
    bool m_empty = true;
};

} // namespace leakscope::capture
