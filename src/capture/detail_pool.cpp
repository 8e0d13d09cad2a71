#include "detail_pool.h"

#include "huge_pages.h"
#include "pyobject_access.h"
#include "structural_repr.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace leakscope::capture {

namespace {

constexpr std::size_t kBlockObjects = kDetailBlockObjects;

std::size_t blocksFor(std::size_t objects)
{
    return (objects + kBlockObjects - 1) / kBlockObjects;
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

void DetailPool::expectOutside(PyObject* const* outside, std::size_t capacity)
{
    {
        // Helpers read these only once they see m_outside, under the lock.
        std::lock_guard lock(m_mutex);
        m_outsideBlocks.resize(blocksFor(capacity));
        m_outsideSizes.allocate(capacity);
        m_outsideRefcounts.allocate(capacity);
        m_outsideReprEnds.allocate(capacity);
        m_outsideTypes.allocate(capacity);
        m_outside = outside;
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
    PyObject* const* objects = (outside ? m_outside : m_listed) + first;
    DetailBlock& block = (outside ? m_outsideBlocks : m_listedBlocks)[first / kBlockObjects];
    std::uint64_t* sizes = (outside ? m_outsideSizes.data() : m_listedSizes.data()) + first;
    std::uint32_t* reprEnds = (outside ? m_outsideReprEnds.data() : m_listedReprEnds.data()) + first;
    std::string& text = m_texts[worker];
    block.worker = worker;
    block.textBegin = text.size();
    constexpr std::size_t kAhead = 8; // objects are scattered: keep several cache misses in flight
    for (std::size_t i = 0; i < count; ++i) {
        if (i + kAhead < count)
            __builtin_prefetch(objects[i + kAhead]);
        PyObject* object = objects[i];
        if (outside) {
            m_outsideTypes[first + i] = Py_TYPE(object);
            m_outsideRefcounts[first + i] = static_cast<std::uint64_t>(Py_REFCNT(object));
        }
        sizes[i] = shallowSize(object, cache.lookup(Py_TYPE(object)));
        appendStructuralRepr(text, object, cache);
        reprEnds[i] = static_cast<std::uint32_t>(text.size() - block.textBegin);
    }
    block.textEnd = text.size();
}

void DetailPool::mergeInto(SnapshotColumns& columns) const
{
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
    if (m_listedCount + m_outsideCount != columns.address.size())
        throw std::logic_error("detail blocks do not match the object rows");
    reserveHuge(columns.reprBlob, textBase.back());
    columns.reprBlob.resize(textBase.back());
    reserveHuge(columns.reprOffsets, columns.address.size() + 1);
    columns.reprOffsets.resize(columns.address.size() + 1);
    columns.reprOffsets[0] = 0;

    // Blocks [from, to) into place; sizes that need 64 bits go to `large`, in object order.
    using Large = std::vector<std::pair<ObjectIndex, std::uint64_t>>;
    auto copy = [&](std::size_t from, std::size_t to, Large& large, Large& largeRefcounts) {
        for (std::size_t b = from; b < to; ++b) {
            const DetailBlock& block = *blocks[b];
            const bool outside = b >= m_listedBlocks.size();
            const std::size_t first = (outside ? b - m_listedBlocks.size() : b) * kBlockObjects;
            const std::size_t count = std::min(kBlockObjects, (outside ? m_outsideCount : m_listedCount) - first);
            const std::uint64_t* sizes = (outside ? m_outsideSizes.data() : m_listedSizes.data()) + first;
            const std::uint32_t* reprEnds = (outside ? m_outsideReprEnds.data() : m_listedReprEnds.data()) + first;
            std::memcpy(columns.reprBlob.data() + textBase[b], m_texts[block.worker].data() + block.textBegin,
                        block.textEnd - block.textBegin);
            const auto base = static_cast<std::uint32_t>(textBase[b]);
            auto object = static_cast<ObjectIndex>((outside ? m_listedCount : 0) + first);
            for (std::size_t k = 0; k < count; ++k, ++object) {
                columns.reprOffsets[object + 1] = base + reprEnds[k];
                const std::uint64_t size = sizes[k];
                columns.size[object] = size >= UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(size);
                if (size >= UINT32_MAX)
                    large.emplace_back(object, size);
                if (outside) {
                    const std::uint64_t refs = m_outsideRefcounts[first + k];
                    columns.refcount[object] = refs >= UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(refs);
                    if (refs >= UINT32_MAX)
                        largeRefcounts.emplace_back(object, refs);
                }
            }
        }
    };
    const std::size_t half = blocks.size() / 2;
    Large firstLarge, secondLarge, firstRefcounts, secondRefcounts;
    std::thread helper([&] { copy(0, half, firstLarge, firstRefcounts); });
    copy(half, blocks.size(), secondLarge, secondRefcounts);
    helper.join();
    columns.largeSizes = std::move(firstLarge);
    columns.largeSizes.insert(columns.largeSizes.end(), secondLarge.begin(), secondLarge.end());
    for (const Large* part : {&firstRefcounts, &secondRefcounts})
        columns.largeRefcounts.insert(columns.largeRefcounts.end(), part->begin(), part->end());
    std::sort(columns.largeRefcounts.begin(), columns.largeRefcounts.end());
}

} // namespace leakscope::capture
