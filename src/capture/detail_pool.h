#pragma once

#include <Python.h>

#include "snapshot/snapshot.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace leakscope::capture {

class KindCache;

inline constexpr std::size_t kDetailBlockObjects = 4096;

// Sizes and structural reprs of one run of objects.
struct DetailBlock
{
    std::string reprs;
    std::vector<std::uint32_t> reprEnds; // end offset in reprs of each object's repr
    std::vector<std::uint64_t> sizes;
    // Outside objects only: the walk numbered them without reading them, so their type and
    // refcount are read here, with the rest.
    std::vector<PyTypeObject*> types;
    std::vector<std::uint64_t> refcounts;
};

// Computes sizes and reprs, the per-object work of a capture that needs no GIL, on helper threads
// (one per spare core) while the GIL holder walks the heap. Work is split into fixed blocks claimed in order from one
// counter: first the listed gc objects, then the referents found outside the list, which the GIL
// holder publishes block by block as it numbers them and then helps with.
class DetailPool
{
public:
    DetailPool(PyObject* const* listed, std::size_t listedCount);
    ~DetailPool();
    DetailPool(const DetailPool&) = delete;
    DetailPool& operator=(const DetailPool&) = delete;

    // Where outside objects will be written, never reallocated, and how many there can be at most.
    void expectOutside(PyObject* const* outside, std::size_t capacity);
    // The first `count` outside objects are written and may be read.
    void publishOutside(std::size_t count);
    // There are `count` outside objects in all: works until every block is done and rethrows what
    // a helper thread failed with.
    void finish(std::size_t count);

    // After finish(): writes every object's size and repr, and the outside objects' refcount, into
    // columns whose object rows exist (listed objects first, then outside ones, as the walk numbered
    // them). Two threads copy.
    void mergeInto(SnapshotColumns& columns) const;

    // After finish(): the type of each outside object, in order, for the caller's type table.
    template<typename F>
    void forEachOutsideType(F&& f) const
    {
        for (std::size_t k = 0; k * kDetailBlockObjects < m_outsideCount; ++k) {
            for (PyTypeObject* type : m_outsideBlocks[k].types)
                f(type);
        }
    }

private:
    void work();
    void joinHelpers();
    // Waits until outside block k can be read; returns its object count, 0 when there is no such block.
    std::size_t awaitOutsideBlock(std::size_t k);
    void runBlock(PyObject* const* objects, std::size_t count, DetailBlock& block, KindCache& cache, bool outside);

    PyObject* const* m_listed;
    std::size_t m_listedCount;
    std::vector<DetailBlock> m_listedBlocks;
    std::vector<DetailBlock> m_outsideBlocks; // sized for the capacity; the first blocksFor(count) are used

    std::atomic<std::size_t> m_next{0};
    std::atomic<bool> m_cancelled{false};
    std::atomic<std::size_t> m_published{0};
    std::mutex m_mutex;
    std::condition_variable m_progress;
    PyObject* const* m_outside = nullptr; // guarded by m_mutex until published
    bool m_finished = false;              // guarded by m_mutex
    std::size_t m_outsideCount = 0;       // guarded by m_mutex, final once m_finished
    std::vector<std::exception_ptr> m_helperErrors; // one per helper, written by it before it ends
    std::vector<std::thread> m_helpers;
};

} // namespace leakscope::capture
