#include "detail_pool.h"

#include "huge_pages.h"
#include "pyobject_access.h"
#include "structural_repr.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <sys/mman.h>
#include <unistd.h>

namespace leakscope::capture {

namespace {

constexpr std::size_t kBlockObjects = kDetailBlockObjects;

std::size_t blocksFor(std::size_t objects)
{
    return (objects + kBlockObjects - 1) / kBlockObjects;
}

// Texts are given back to the kernel in steps of at least this many bytes.
constexpr std::size_t kReleaseStep = 2u << 20;

// Gives back the whole pages of text[from, to), which have been copied and are never read again: the
// string keeps its buffer (its contents there read as zeros), which is freed with it. Returns how far
// the text is given back.
std::size_t releaseCopied(std::string& text, std::size_t from, std::size_t to)
{
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto base = reinterpret_cast<std::uintptr_t>(text.data());
    const std::uintptr_t begin = (base + from + page - 1) & ~(page - 1);
    const std::uintptr_t end = (base + to) & ~(page - 1);
    if (end <= begin)
        return from;
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
    return end - base;
}

} // namespace

DetailPool::DetailPool(PyObject* const* listed, std::size_t listedCount)
    : m_listed(listed)
    , m_listedCount(listedCount)
    , m_listedBlocks(blocksFor(listedCount))
    , m_listedSizes(listedCount)
    , m_listedReprEnds(listedCount)
{
    // One helper per spare core (the GIL holder has its own walk to do), at least one, at most seven.
    const unsigned cores = std::thread::hardware_concurrency();
    const std::size_t helpers = std::clamp<std::size_t>(cores > 1 ? cores - 1 : 1, 1, 7);
    // Reprs average 15 to 25 bytes; outside objects are about twice as many as listed ones. Only
    // what is written is touched: an estimate too high costs address space, one too low a copy.
    m_texts.resize(helpers + 1);
    for (std::string& text : m_texts)
        reserveHuge(text, listedCount * 3 * 24 / helpers + 4 * kBlockObjects * 24);
    m_helperErrors.resize(helpers);
    for (std::size_t h = 0; h < helpers; ++h) {
        m_helpers.emplace_back([this, h] {
            try {
                work(h);
            } catch (...) {
                m_helperErrors[h] = std::current_exception();
            }
        });
    }
}

void DetailPool::joinHelpers()
{
    for (std::thread& helper : m_helpers) {
        if (helper.joinable())
            helper.join();
    }
}

DetailPool::~DetailPool()
{
    if (m_helpers.empty() || !m_helpers.front().joinable())
        return;
    // The walk failed: stop the helpers before the caller restores headers it does not read but
    // releases objects it does, and unblock it if it waits for outside objects that will not come.
    m_cancelled = true;
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_outsideCount = 0;
    }
    m_progress.notify_all();
    joinHelpers();
}

void DetailPool::expectOutside(const std::uint64_t* addresses, std::size_t capacity, std::uint32_t* sizeRows,
                               std::uint32_t* refcountRows)
{
    {
        // Helpers read these only once they see m_outside, under the lock.
        std::lock_guard lock(m_mutex);
        m_outsideBlocks.resize(blocksFor(capacity));
        m_outsideSizeRows = sizeRows;
        m_outsideRefcountRows = refcountRows;
        m_outsideReprEnds.allocate(capacity);
        m_outsideTypes.allocate(capacity);
        m_outside = addresses;
    }
    m_progress.notify_all();
}

void DetailPool::publishOutside(std::size_t count)
{
    {
        // Under the lock, so a helper about to wait cannot miss it.
        std::lock_guard lock(m_mutex);
        m_published.store(count, std::memory_order_release);
    }
    m_progress.notify_all();
}

void DetailPool::finish(std::size_t count)
{
    {
        std::lock_guard lock(m_mutex);
        m_outsideCount = count;
        m_finished = true;
    }
    m_published.store(count, std::memory_order_release);
    m_progress.notify_all();
    work(m_texts.size() - 1);
    joinHelpers();
    for (const std::exception_ptr& error : m_helperErrors) {
        if (error)
            std::rethrow_exception(error);
    }
}

std::size_t DetailPool::awaitOutsideBlock(std::size_t k)
{
    const std::size_t first = k * kBlockObjects;
    std::unique_lock lock(m_mutex);
    m_progress.wait(lock, [&] {
        return m_finished || (m_outside && m_published.load(std::memory_order_acquire) >= first + kBlockObjects);
    });
    if (m_finished)
        return first < m_outsideCount ? std::min(kBlockObjects, m_outsideCount - first) : 0;
    return kBlockObjects;
}

void DetailPool::work(std::size_t worker)
{
    KindCache cache;
    while (!m_cancelled.load(std::memory_order_relaxed)) {
        const std::size_t block = m_next.fetch_add(1);
        if (block < m_listedBlocks.size()) {
            const std::size_t first = block * kBlockObjects;
            runBlock(first, std::min(kBlockObjects, m_listedCount - first), false, worker, cache);
            continue;
        }
        const std::size_t k = block - m_listedBlocks.size();
        const std::size_t count = awaitOutsideBlock(k);
        if (count == 0 || m_cancelled.load(std::memory_order_relaxed))
            return;
        runBlock(k * kBlockObjects, count, true, worker, cache);
    }
}

void DetailPool::runBlock(std::size_t first, std::size_t count, bool outside, std::size_t worker, KindCache& cache)
{
    PyObject* const* listed = m_listed + first;
    const std::uint64_t* addresses = outside ? m_outside + first : nullptr;
    auto objectAt = [&](std::size_t i) {
        return outside ? reinterpret_cast<PyObject*>(static_cast<std::uintptr_t>(addresses[i])) : listed[i];
    };
    DetailBlock& block = (outside ? m_outsideBlocks : m_listedBlocks)[first / kBlockObjects];
    std::uint32_t* sizes = (outside ? m_outsideSizeRows : m_listedSizes.data()) + first;
    // Snapshot index of objects[i] - i: outside objects are numbered after the listed ones.
    const auto index = static_cast<ObjectIndex>((outside ? m_listedCount : 0) + first);
    block.largeSizes.clear();
    block.largeRefcounts.clear();
    std::uint32_t* reprEnds = (outside ? m_outsideReprEnds.data() : m_listedReprEnds.data()) + first;
    std::string& text = m_texts[worker];
    block.worker = worker;
    block.textBegin = text.size();
    constexpr std::size_t kAhead = 8; // objects are scattered: keep several cache misses in flight
    for (std::size_t i = 0; i < count; ++i) {
        if (i + kAhead < count)
            __builtin_prefetch(objectAt(i + kAhead));
        PyObject* object = objectAt(i);
        if (outside) {
            m_outsideTypes[first + i] = Py_TYPE(object);
            const auto refs = static_cast<std::uint64_t>(Py_REFCNT(object));
            m_outsideRefcountRows[first + i] = refs >= UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(refs);
            if (refs >= UINT32_MAX)
                block.largeRefcounts.emplace_back(static_cast<ObjectIndex>(index + i), refs);
        }
        const std::uint64_t size = shallowSize(object, cache.lookup(Py_TYPE(object)));
        sizes[i] = size >= UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(size);
        if (size >= UINT32_MAX)
            block.largeSizes.emplace_back(static_cast<ObjectIndex>(index + i), size);
        appendStructuralRepr(text, object, cache);
        reprEnds[i] = static_cast<std::uint32_t>(text.size() - block.textBegin);
    }
    block.textEnd = text.size();
}

void DetailPool::mergeInto(SnapshotColumns& columns)
{
    columns.largeSizes.clear();
    std::vector<const DetailBlock*> blocks;
    for (const DetailBlock& block : m_listedBlocks)
        blocks.push_back(&block);
    for (std::size_t k = 0; k < blocksFor(m_outsideCount); ++k)
        blocks.push_back(&m_outsideBlocks[k]);
    std::vector<std::size_t> textBase{0};
    for (const DetailBlock* block : blocks)
        textBase.push_back(textBase.back() + (block->textEnd - block->textBegin));
    if (textBase.back() >= UINT32_MAX)
        throw std::length_error("repr text exceeds 4 GiB");
    if (m_listedCount + m_outsideCount != columns.address.size() || columns.size.size() != columns.address.size())
        throw std::logic_error("detail blocks do not match the object rows");
    // Appended in order rather than resized first: zeroing the blob would touch all of its memory
    // while the texts are still whole.
    columns.reprBlob.clear();
    reserveHuge(columns.reprBlob, textBase.back());
    columns.reprOffsets.assign(1, 0);
    reserveHuge(columns.reprOffsets, columns.address.size() + 1);

    // The texts, on a thread of their own, block after block. Each worker appended its blocks in the
    // order it claimed them, which is their order here, so the copy consumes every text from its front
    // and gives the pages copied back as it goes: the repr text is not held twice, as it would be if
    // the texts were freed only once the copy is done (at the peak of the capture's memory).
    std::thread textCopy([&] {
        std::vector<std::size_t> released(m_texts.size(), 0); // bytes of each text given back
        for (std::size_t b = 0; b < blocks.size(); ++b) {
            const DetailBlock& block = *blocks[b];
            std::string& text = m_texts[block.worker];
            columns.reprBlob.append(text, block.textBegin, block.textEnd - block.textBegin);
            std::size_t& done = released[block.worker];
            if (block.textEnd - done >= kReleaseStep)
                done = releaseCopied(text, done, block.textEnd);
        }
    });
    // Meanwhile the repr offsets, the listed objects' sizes (the outside ones' are in place), and the
    // sizes and refcounts that need 64 bits, whose lists stay in object order.
    auto copyScalars = [&] {
        for (std::size_t b = 0; b < blocks.size(); ++b) {
            const DetailBlock& block = *blocks[b];
            const bool outside = b >= m_listedBlocks.size();
            const std::size_t first = (outside ? b - m_listedBlocks.size() : b) * kBlockObjects;
            const std::size_t count = std::min(kBlockObjects, (outside ? m_outsideCount : m_listedCount) - first);
            const std::uint32_t* reprEnds = (outside ? m_outsideReprEnds.data() : m_listedReprEnds.data()) + first;
            const auto base = static_cast<std::uint32_t>(textBase[b]);
            for (std::size_t k = 0; k < count; ++k)
                columns.reprOffsets.push_back(base + reprEnds[k]); // objects come in order
            if (!outside)
                std::copy_n(m_listedSizes.data() + first, count,
                            columns.size.begin() + static_cast<std::ptrdiff_t>(first));
            columns.largeSizes.insert(columns.largeSizes.end(), block.largeSizes.begin(), block.largeSizes.end());
            columns.largeRefcounts.insert(columns.largeRefcounts.end(), block.largeRefcounts.begin(),
                                          block.largeRefcounts.end());
        }
    };
    try {
        copyScalars();
    } catch (...) {
        textCopy.join(); // it reads the texts and writes the columns: not past their lifetime
        throw;
    }
    textCopy.join();
    std::sort(columns.largeRefcounts.begin(), columns.largeRefcounts.end());
}

} // namespace leakscope::capture
