#include "detail_pool.h"

#include "huge_pages.h"
#include "pyobject_access.h"
#include "structural_repr.h"

#include <cstring>
#include <stdexcept>

namespace leakscope::capture {

namespace {

constexpr std::size_t kBlockObjects = 4096;

std::size_t blocksFor(std::size_t objects)
{
    return (objects + kBlockObjects - 1) / kBlockObjects;
}

} // namespace

DetailPool::DetailPool(PyObject* const* listed, std::size_t listedCount)
    : m_listed(listed)
    , m_listedCount(listedCount)
    , m_listedBlocks(blocksFor(listedCount))
{
    m_helper = std::thread([this] {
        try {
            work();
        } catch (...) {
            m_helperError = std::current_exception();
        }
    });
}

DetailPool::~DetailPool()
{
    if (m_helper.joinable()) {
        // The walk failed: stop the helper before the caller releases the objects it reads, and
        // unblock it if it waits for outside objects that will never come.
        m_cancelled = true;
        {
            std::lock_guard lock(m_mutex);
            m_outside = nullptr;
            m_outsideKnown = true;
        }
        m_outsideReady.notify_all();
        m_helper.join();
    }
}

void DetailPool::finish(const std::vector<PyObject*>& outside)
{
    {
        std::lock_guard lock(m_mutex);
        m_outsideBlocks.resize(blocksFor(outside.size()));
        m_outside = &outside;
        m_outsideKnown = true;
    }
    m_outsideReady.notify_all();
    work();
    m_helper.join();
    if (m_helperError)
        std::rethrow_exception(m_helperError);
}

void DetailPool::work()
{
    KindCache cache;
    while (!m_cancelled.load(std::memory_order_relaxed)) {
        const std::size_t block = m_next.fetch_add(1);
        if (block < m_listedBlocks.size()) {
            const std::size_t first = block * kBlockObjects;
            runBlock(m_listed + first, std::min(kBlockObjects, m_listedCount - first), m_listedBlocks[block], cache);
            continue;
        }
        {
            std::unique_lock lock(m_mutex);
            m_outsideReady.wait(lock, [this] { return m_outsideKnown; });
        }
        const std::size_t outsideBlock = block - m_listedBlocks.size();
        if (!m_outside || outsideBlock >= m_outsideBlocks.size())
            return;
        const std::size_t first = outsideBlock * kBlockObjects;
        runBlock(m_outside->data() + first, std::min(kBlockObjects, m_outside->size() - first),
                 m_outsideBlocks[outsideBlock], cache);
    }
}

void DetailPool::runBlock(PyObject* const* objects, std::size_t count, DetailBlock& block, KindCache& cache)
{
    block.reprEnds.reserve(count);
    block.sizes.reserve(count);
    block.reprs.reserve(count * 16);
    constexpr std::size_t kAhead = 8; // objects are scattered: keep several cache misses in flight
    for (std::size_t i = 0; i < count; ++i) {
        if (i + kAhead < count)
            __builtin_prefetch(objects[i + kAhead]);
        block.sizes.push_back(shallowSize(objects[i], cache.lookup(Py_TYPE(objects[i]))));
        appendStructuralRepr(block.reprs, objects[i], cache);
        block.reprEnds.push_back(static_cast<std::uint32_t>(block.reprs.size()));
    }
}

void DetailPool::mergeInto(SnapshotColumns& columns) const
{
    std::vector<const DetailBlock*> blocks;
    for (const auto* list : {&m_listedBlocks, &m_outsideBlocks}) {
        for (const DetailBlock& block : *list)
            blocks.push_back(&block);
    }
    std::vector<std::size_t> textBase{0}, objectBase{0};
    for (const DetailBlock* block : blocks) {
        textBase.push_back(textBase.back() + block->reprs.size());
        objectBase.push_back(objectBase.back() + block->sizes.size());
    }
    if (textBase.back() >= UINT32_MAX)
        throw std::length_error("repr text exceeds 4 GiB");
    if (objectBase.back() != columns.address.size())
        throw std::logic_error("detail blocks do not match the object rows");
    reserveHuge(columns.reprBlob, textBase.back());
    columns.reprBlob.resize(textBase.back());
    reserveHuge(columns.reprOffsets, objectBase.back() + 1);
    columns.reprOffsets.resize(objectBase.back() + 1);
    columns.reprOffsets[0] = 0;

    // Blocks [from, to) into place; sizes that need 64 bits go to `large`, in object order.
    auto copy = [&](std::size_t from, std::size_t to, std::vector<std::pair<ObjectIndex, std::uint64_t>>& large) {
        for (std::size_t b = from; b < to; ++b) {
            const DetailBlock& block = *blocks[b];
            std::memcpy(columns.reprBlob.data() + textBase[b], block.reprs.data(), block.reprs.size());
            const auto base = static_cast<std::uint32_t>(textBase[b]);
            auto object = static_cast<ObjectIndex>(objectBase[b]);
            for (std::size_t k = 0; k < block.sizes.size(); ++k, ++object) {
                columns.reprOffsets[object + 1] = base + block.reprEnds[k];
                const std::uint64_t size = block.sizes[k];
                columns.size[object] = size >= UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(size);
                if (size >= UINT32_MAX)
                    large.emplace_back(object, size);
            }
        }
    };
    const std::size_t half = blocks.size() / 2;
    std::vector<std::pair<ObjectIndex, std::uint64_t>> firstLarge, secondLarge;
    std::thread helper([&] { copy(0, half, firstLarge); });
    copy(half, blocks.size(), secondLarge);
    helper.join();
    columns.largeSizes = std::move(firstLarge);
    columns.largeSizes.insert(columns.largeSizes.end(), secondLarge.begin(), secondLarge.end());
}

} // namespace leakscope::capture
