#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leakscope {

using StringId = std::uint32_t;

// Immutable-after-build table of short strings (type names, modules, explanation texts), stored as
// one character blob plus offsets so it serialises as two arrays. Id 0 is always the empty string.
class StringPool
{
public:
    StringPool();

    std::string_view at(StringId id) const;
    std::size_t size() const { return m_offsets.size() - 1; }
    std::size_t memoryBytes() const;

    const std::string& blob() const { return m_blob; }
    const std::vector<std::uint32_t>& offsets() const { return m_offsets; }

    // Rebuilds a pool from serialised arrays; returns false (and leaves the pool empty) when the
    // offsets are not a valid partition of the blob.
    bool assign(std::string blob, std::vector<std::uint32_t> offsets);

private:
    friend class StringPoolBuilder;
    std::string m_blob;
    std::vector<std::uint32_t> m_offsets; // size() + 1 entries, first is 0
};

// Interns strings while a snapshot is being built.
class StringPoolBuilder
{
public:
    StringId intern(std::string_view text);
    StringPool take();

private:
    StringPool m_pool;
    std::unordered_map<std::string, StringId> m_index{{std::string(), 0}};
};

} // namespace leakscope
