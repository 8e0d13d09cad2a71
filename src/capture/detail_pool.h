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

// Sizes and structural reprs of one run of objects.
struct DetailBlock
{
    std::string reprs;
    std::vector<std::uint32_t> reprEnds; // end offset in reprs of each object's repr
    std::vector<std::uint64_t> sizes;
};

// Computes sizes and reprs, the per-object work of a capture that needs no GIL, on a helper thread
// while the GIL holder walks the heap; the GIL holder joins in once its walk is done. Work is split
// into fixed blocks claimed from one counter: first the listed gc objects, then the referents found
// outside the list, which are known only when the walk ends.
class DetailPool
{
public:
    DetailPool(PyObject* const* listed, std::size_t listedCount);
    ~DetailPool();
    DetailPool(const DetailPool&) = delete;
    DetailPool& operator=(const DetailPool&) = delete;

    // Call once the walk is over: hands over the outside objects, works until every block is done,
    // and rethrows what the helper thread failed with.
    void finish(const std::vector<PyObject*>& outside);

    // After finish(): writes every object's size and repr into columns whose object rows exist
    // (listed objects first, then outside ones, as the walk numbered them). Two threads copy.
    void mergeInto(SnapshotColumns& columns) const;

private:
    void work();
    void runBlock(PyObject* const* objects, std::size_t count, DetailBlock& block, KindCache& cache);

    PyObject* const* m_listed;
    std::size_t m_listedCount;
    std::vector<DetailBlock> m_listedBlocks;
    std::vector<DetailBlock> m_outsideBlocks;
    const std::vector<PyObject*>* m_outside = nullptr;

    std::atomic<std::size_t> m_next{0};
    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    std::condition_variable m_outsideReady;
    bool m_outsideKnown = false; // guarded by m_mutex
    std::exception_ptr m_helperError;
    std::thread m_helper;
};

} // namespace leakscope::capture
