#pragma once

// XXH64, the 64-bit xxHash, computed in one pass or incrementally: the checksum of snapshot files.
// Fast (several GB/s, a few milliseconds for a heap of a million objects) and good at catching the
// damage files suffer: flipped bits, zeroed or repeated blocks, truncation. It is not a defence
// against a deliberately forged file; the loaders validate every structure regardless. Qt-free.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace leakscope {

class Xxh64
{
public:
    explicit Xxh64(std::uint64_t seed = 0);

    void update(const void* data, std::size_t length);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // The hash of everything passed to update() so far; update() may go on afterwards.
    std::uint64_t digest() const;

private:
    std::uint64_t m_lanes[4];
    std::uint64_t m_seed;
    std::uint64_t m_total = 0;
    unsigned char m_pending[32]; // the start of a 32-byte stripe not yet complete
    std::size_t m_pendingBytes = 0;
};

std::uint64_t xxh64(const void* data, std::size_t length, std::uint64_t seed = 0);
inline std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed = 0)
{
    return xxh64(bytes.data(), bytes.size(), seed);
}

} // namespace leakscope
