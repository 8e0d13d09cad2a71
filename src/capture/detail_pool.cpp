#include "detail_pool.h"

#include "pyobject_access.h"
#include "structural_repr.h"

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
    for (std::size_t i = 0; i < count; ++i) {
        block.sizes.push_back(shallowSize(objects[i], cache.lookup(Py_TYPE(objects[i]))));
        appendStructuralRepr(block.reprs, objects[i], cache);
        block.reprEnds.push_back(static_cast<std::uint32_t>(block.reprs.size()));
    }
}

} // namespace leakscope::capture
