#include "string_pool.h"

#include <stdexcept>

namespace leakscope {

StringPool::StringPool()
    : m_offsets{0, 0}
{
}

std::string_view StringPool::at(StringId id) const
{
    if (id >= size())
        return {};
    return std::string_view(m_blob).substr(m_offsets[id], m_offsets[id + 1] - m_offsets[id]);
}

std::size_t StringPool::memoryBytes() const
{
    return m_blob.capacity() + m_offsets.capacity() * sizeof(std::uint32_t);
}

bool StringPool::assign(std::string blob, std::vector<std::uint32_t> offsets)
{
    bool valid = offsets.size() >= 2 && offsets.front() == 0 && offsets[1] == 0 && offsets.back() == blob.size();
    for (std::size_t i = 1; valid && i < offsets.size(); ++i)
        valid = offsets[i - 1] <= offsets[i];
    if (!valid) {
        *this = StringPool();
        return false;
    }
    m_blob = std::move(blob);
    m_offsets = std::move(offsets);
    return true;
}

StringId StringPoolBuilder::intern(std::string_view text)
{
    if (auto it = m_index.find(std::string(text)); it != m_index.end())
        return it->second;
    if (m_pool.m_blob.size() + text.size() > UINT32_MAX)
        throw std::length_error("string pool exceeds 4 GiB");
    auto [it, inserted] = m_index.try_emplace(std::string(text), static_cast<StringId>(m_pool.size()));
    if (inserted) {
        m_pool.m_blob.append(text);
        m_pool.m_offsets.push_back(static_cast<std::uint32_t>(m_pool.m_blob.size()));
    }
    return it->second;
}

StringPool StringPoolBuilder::take()
{
    StringPool pool = std::move(m_pool);
    m_pool = StringPool();
    m_index = {{std::string(), 0}};
    return pool;
}

} // namespace leakscope
