#pragma once

// The native trace recorder's interned stacks (native_traces.h). Python-free and header-only, so that
// it is tested on its own.

#include "native_allocation_table.h"
#include "native_trace_source.h"

#include <cstring>
#include <span>

namespace leakscope::capture {

// Every distinct stack once, under a dense id: the frames of all stacks lie back to back in chunks
// that never move (so frames() stays valid for the table's life), a record per stack, and an open
// addressing index of ids keyed by the hash of the whole frame array. Memory grows with the number of
// distinct stacks, never with the number of allocations. Stacks are never removed. Not thread-safe.
class NativeStackTable
{
public:
    static constexpr std::size_t kMaxFrames = 256;

    NativeStackTable() = default;
    ~NativeStackTable()
    {
        unmapTableMemory(m_records, m_recordCapacity * sizeof(Record));
        unmapTableMemory(m_index, m_indexCapacity * sizeof(NativeStackId));
        // The frame chunks are linked through their first word.
        for (auto* chunk = m_chunk; chunk;) {
            auto* previous = reinterpret_cast<std::uintptr_t*>(chunk[0]);
            unmapTableMemory(chunk, kChunkBytes);
            chunk = previous;
        }
    }
    NativeStackTable(const NativeStackTable&) = delete;
    NativeStackTable& operator=(const NativeStackTable&) = delete;

    // The id of the stack frames[0, count), added when new; count is at most kMaxFrames. kNoNativeStack
    // when a new stack finds no memory.
    NativeStackId intern(const std::uintptr_t* frames, std::size_t count)
    {
        if (count > kMaxFrames)
            count = kMaxFrames;
        const std::uint32_t hash = hashFrames(frames, count);
        if (m_index) {
            for (std::size_t slot = hash & m_indexMask;; slot = (slot + 1) & m_indexMask) {
                const NativeStackId id = m_index[slot];
                if (id == kNoNativeStack)
                    break;
                const Record& record = m_records[id];
                if (record.hash == hash && record.count == count
                    && (count == 0 || std::memcmp(record.frames, frames, count * sizeof(std::uintptr_t)) == 0))
                    return id;
            }
        }
        return add(frames, count, hash);
    }

    // The frames of id; empty for an id the table never gave.
    std::span<const std::uintptr_t> frames(NativeStackId id) const
    {
        if (id >= m_size)
            return {};
        return {m_records[id].frames, m_records[id].count};
    }

    std::size_t size() const { return m_size; }
    std::size_t frameCount() const { return m_frameCount; }
    std::size_t bytes() const
    {
        return m_chunks * kChunkBytes + m_recordCapacity * sizeof(Record) + m_indexCapacity * sizeof(NativeStackId);
    }

private:
    struct Record
    {
        const std::uintptr_t* frames;
        std::uint32_t count;
        std::uint32_t hash;
    };

    static constexpr std::size_t kChunkBytes = 256 * 1024;
    static constexpr std::size_t kChunkWords = kChunkBytes / sizeof(std::uintptr_t);

    static std::uint32_t hashFrames(const std::uintptr_t* frames, std::size_t count)
    {
        std::uint64_t hash = 0x9E3779B97F4A7C15ull ^ count;
        for (std::size_t i = 0; i < count; ++i)
            hash = (hash ^ frames[i]) * 0xFF51AFD7ED558CCDull + (hash >> 29);
        hash ^= hash >> 32;
        return static_cast<std::uint32_t>(hash);
    }

    NativeStackId add(const std::uintptr_t* frames, std::size_t count, std::uint32_t hash)
    {
        if (m_size + 1 >= kNoNativeStack)
            return kNoNativeStack;
        if (m_size == m_recordCapacity && !growRecords())
            return kNoNativeStack;
        if ((m_size + 1) * 2 > m_indexCapacity && !growIndex())
            return kNoNativeStack;
        // Word 0 of a chunk links to the previous chunk.
        if (!m_chunk || m_chunkUsed + count > kChunkWords) {
            auto* chunk = static_cast<std::uintptr_t*>(mapTableMemory(kChunkBytes));
            if (!chunk)
                return kNoNativeStack;
            chunk[0] = reinterpret_cast<std::uintptr_t>(m_chunk);
            m_chunk = chunk;
            m_chunkUsed = 1;
            ++m_chunks;
        }
        std::uintptr_t* stored = m_chunk + m_chunkUsed;
        if (count > 0)
            std::memcpy(stored, frames, count * sizeof(std::uintptr_t));
        m_chunkUsed += count;
        m_frameCount += count;
        const auto id = static_cast<NativeStackId>(m_size++);
        m_records[id] = {stored, static_cast<std::uint32_t>(count), hash};
        place(id);
        return id;
    }

    void place(NativeStackId id)
    {
        std::size_t slot = m_records[id].hash & m_indexMask;
        while (m_index[slot] != kNoNativeStack)
            slot = (slot + 1) & m_indexMask;
        m_index[slot] = id;
    }

    bool growRecords()
    {
        const std::size_t capacity = m_recordCapacity ? m_recordCapacity * 2 : 4096;
        auto* records = static_cast<Record*>(mapTableMemory(capacity * sizeof(Record)));
        if (!records)
            return false;
        if (m_records)
            std::memcpy(records, m_records, m_size * sizeof(Record));
        unmapTableMemory(m_records, m_recordCapacity * sizeof(Record));
        m_records = records;
        m_recordCapacity = capacity;
        return true;
    }

    bool growIndex()
    {
        const std::size_t capacity = m_indexCapacity ? m_indexCapacity * 2 : 8192;
        auto* index = static_cast<NativeStackId*>(mapTableMemory(capacity * sizeof(NativeStackId)));
        if (!index)
            return false;
        std::memset(index, 0xFF, capacity * sizeof(NativeStackId)); // every slot kNoNativeStack
        unmapTableMemory(m_index, m_indexCapacity * sizeof(NativeStackId));
        m_index = index;
        m_indexCapacity = capacity;
        m_indexMask = capacity - 1;
        for (NativeStackId id = 0; id < m_size; ++id)
            place(id);
        return true;
    }

    Record* m_records = nullptr;
    std::size_t m_recordCapacity = 0;
    std::size_t m_size = 0;
    NativeStackId* m_index = nullptr;
    std::size_t m_indexCapacity = 0;
    std::size_t m_indexMask = 0;
    std::uintptr_t* m_chunk = nullptr;
    std::size_t m_chunkUsed = 0;
    std::size_t m_chunks = 0;
    std::size_t m_frameCount = 0;
};

} // namespace leakscope::capture
