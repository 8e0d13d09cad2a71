#pragma once

#include "huge_pages.h"
#include "snapshot/snapshot.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace leakscope::capture {

// Groups equal keys (object addresses, in reference order): ids[i] is the same for equal keys and
// differs otherwise; ids run from 0 to the returned count of distinct keys. They come out in no
// useful order; the caller renumbers them in reference order with one pass.
// A single hash table over millions of keys misses the cache, and the TLB, on nearly every look-up,
// so the keys are first scattered by the top bits of their hash into partitions small enough for a
// table that stays in the L2 cache, and each partition is then resolved on its own.
inline std::size_t groupReferences(const std::vector<std::uintptr_t>& keys, std::vector<std::uint32_t>& ids)
{
    constexpr std::size_t kPartitionTarget = 8192; // a 16k-slot table: 256 KiB
    const std::size_t n = keys.size();
    ids.resize(n);
    if (n == 0)
        return 0;
    int partitionBits = 0;
    while ((n >> partitionBits) > kPartitionTarget)
        ++partitionBits;
    const std::size_t partitions = std::size_t(1) << partitionBits;
    auto hash = [](std::uintptr_t key) { return static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ull; };
    auto partitionOf = [&](std::uint64_t h) {
        return partitionBits ? static_cast<std::size_t>(h >> (64 - partitionBits)) : std::size_t(0);
    };

    std::vector<std::size_t> start(partitions + 1, 0);
    for (std::uintptr_t key : keys)
        ++start[partitionOf(hash(key)) + 1];
    for (std::size_t p = 0; p < partitions; ++p)
        start[p + 1] += start[p];

    struct Entry
    {
        std::uintptr_t key;
        std::uint32_t reference;
    };
    FreshArray<Entry> entries(n); // each written once below: no need to zero it first
    {
        std::vector<std::size_t> cursor(start.begin(), start.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            entries[cursor[partitionOf(hash(keys[i]))]++] = {keys[i], static_cast<std::uint32_t>(i)};
    }

    struct Slot
    {
        std::uintptr_t key;
        std::uint32_t id;
    };
    std::vector<Slot> table;
    std::size_t distinct = 0;
    for (std::size_t p = 0; p < partitions; ++p) {
        const std::size_t size = start[p + 1] - start[p];
        if (size == 0)
            continue;
        int bits = 4;
        while ((std::size_t(1) << bits) < size * 2)
            ++bits;
        const std::size_t mask = (std::size_t(1) << bits) - 1;
        table.assign(mask + 1, Slot{0, 0});
        for (std::size_t e = start[p]; e < start[p + 1]; ++e) {
            const Entry entry = entries[e];
            // The bits below the partition's pick the slot.
            std::size_t slot = static_cast<std::size_t>((hash(entry.key) << partitionBits) >> (64 - bits));
            while (table[slot].key != entry.key && table[slot].key != 0)
                slot = (slot + 1) & mask;
            if (table[slot].key == 0)
                table[slot] = {entry.key, static_cast<std::uint32_t>(distinct++)};
            ids[entry.reference] = table[slot].id;
        }
    }
    return distinct;
}

} // namespace leakscope::capture
