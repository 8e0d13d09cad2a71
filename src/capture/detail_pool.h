#pragma once

#include <Python.h>

#include "huge_pages.h"
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

// Where the structural reprs of one run of objects were written: a range of one worker's text; and
// the sizes and refcounts of its objects that need 64 bits (rare), by snapshot index.
struct DetailBlock
{
    std::size_t worker = 0;
    std::size_t textBegin = 0;
    std::size_t textEnd = 0;
    std::vector<std::pair<ObjectIndex, std::uint64_t>> largeSizes, largeRefcounts;
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

    // Where the outside objects' addresses will be written (their rows of the address column), how
    // many there can be at most, and their rows of the size and refcount columns, which the helpers
    // fill in place, clamped to 32 bits as the columns are: none may be reallocated before finish().
    void expectOutside(const std::uint64_t* addresses, std::size_t capacity, std::uint32_t* sizeRows,
                       std::uint32_t* refcountRows);
    // The first `count` outside objects are written and may be read.
    void publishOutside(std::size_t count);
    // There are `count` outside objects in all: works until every block is done and rethrows what
    // a helper thread failed with.
    void finish(std::size_t count);

    // After finish(): writes the listed objects' sizes, every object's repr, and the sizes and
    // refcounts that need 64 bits, into columns whose object rows exist (listed objects first, then
    // outside ones, as the walk numbered them). Two threads copy; the texts' memory is given back as it
    // is copied, so call it once.
    void mergeInto(SnapshotColumns& columns);

    // After finish(): the type of each outside object, in order, for the caller's type table; then
    // their scratch is freed.
    template<typename F>
    void takeOutsideTypes(F&& f)
    {
        for (std::size_t i = 0; i < m_outsideCount; ++i)
            f(m_outsideTypes[i]);
        m_outsideTypes.allocate(0);
    }

private:
    void work(std::size_t worker);
    void joinHelpers();
    // Waits until outside block k can be read; returns its object count, 0 when there is no such block.
    std::size_t awaitOutsideBlock(std::size_t k);
    // Objects [first, first + count) of the listed objects, or of the outside ones.
    void runBlock(std::size_t first, std::size_t count, bool outside, std::size_t worker, KindCache& cache);

    PyObject* const* m_listed;
    std::size_t m_listedCount;
    std::vector<DetailBlock> m_listedBlocks;
    std::vector<DetailBlock> m_outsideBlocks; // sized for the capacity; the first blocksFor(count) are used
    // Per object, written by whichever worker ran its block: fresh memory, faulted in 2 MiB at a time
    // by the workers themselves (per-block vectors cost the first capture of a process one page fault
    // per 4 KiB of them). Repr ends are relative to the block's text. Sizes are clamped to 32 bits as
    // the column is (the block keeps larger ones); the outside objects' sizes and refcounts go
    // straight to their rows of the columns: every byte of scratch here is held at the capture's peak.
    FreshArray<std::uint32_t> m_listedSizes, m_listedReprEnds, m_outsideReprEnds;
    FreshArray<PyTypeObject*> m_outsideTypes;
    std::uint32_t* m_outsideSizeRows = nullptr;     // guarded by m_mutex until published
    std::uint32_t* m_outsideRefcountRows = nullptr; // guarded by m_mutex until published
    // One text per worker (the helpers, then the GIL holder), each reserved at once for its likely
    // share, that its blocks' reprs are appended to.
    std::vector<std::string> m_texts;

    std::atomic<std::size_t> m_next{0};
    std::atomic<bool> m_cancelled{false};
    std::atomic<std::size_t> m_published{0};
    std::mutex m_mutex;
    std::condition_variable m_progress;
    const std::uint64_t* m_outside = nullptr; // addresses; guarded by m_mutex until published
    bool m_finished = false;              // guarded by m_mutex
    std::size_t m_outsideCount = 0;       // guarded by m_mutex, final once m_finished
    std::vector<std::exception_ptr> m_helperErrors; // one per helper, written by it before it ends
    std::vector<std::thread> m_helpers;
};

} // namespace leakscope::capture
