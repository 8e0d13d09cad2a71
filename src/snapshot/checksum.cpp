// XXH64 as its specification defines it: four 64-bit lanes absorb 32-byte stripes, then the lanes
// are merged, the tail (under 32 bytes) is mixed in 8, 4 and 1 bytes at a time, and the result is
// avalanched. Input words are read little-endian, as the specification requires; the snapshot layer
// already assumes a little-endian host (see snapshot_codec.cpp).

#include "checksum.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace leakscope {

static_assert(std::endian::native == std::endian::little, "XXH64 reads little-endian words");

namespace {

constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

inline std::uint64_t load64(const unsigned char* p)
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

inline std::uint32_t load32(const unsigned char* p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

inline std::uint64_t mixLane(std::uint64_t lane, std::uint64_t input)
{
    return std::rotl(lane + input * kPrime2, 31) * kPrime1;
}

inline std::uint64_t mergeLane(std::uint64_t hash, std::uint64_t lane)
{
    return (hash ^ mixLane(0, lane)) * kPrime1 + kPrime4;
}

// Absorbs whole stripes from p; returns the bytes consumed (a multiple of 32).
std::size_t absorbStripes(std::uint64_t (&lanes)[4], const unsigned char* p, std::size_t length)
{
    const std::size_t stripes = length / 32;
    std::uint64_t a = lanes[0], b = lanes[1], c = lanes[2], d = lanes[3];
    for (std::size_t k = 0; k < stripes; ++k, p += 32) {
        a = mixLane(a, load64(p));
        b = mixLane(b, load64(p + 8));
        c = mixLane(c, load64(p + 16));
        d = mixLane(d, load64(p + 24));
    }
    lanes[0] = a;
    lanes[1] = b;
    lanes[2] = c;
    lanes[3] = d;
    return stripes * 32;
}

std::uint64_t finish(std::uint64_t hash, const unsigned char* tail, std::size_t length)
{
    for (; length >= 8; tail += 8, length -= 8)
        hash = std::rotl(hash ^ mixLane(0, load64(tail)), 27) * kPrime1 + kPrime4;
    if (length >= 4) {
        hash = std::rotl(hash ^ (std::uint64_t(load32(tail)) * kPrime1), 23) * kPrime2 + kPrime3;
        tail += 4;
        length -= 4;
    }
    for (; length > 0; ++tail, --length)
        hash = std::rotl(hash ^ (*tail * kPrime5), 11) * kPrime1;
    hash ^= hash >> 33;
    hash *= kPrime2;
    hash ^= hash >> 29;
    hash *= kPrime3;
    hash ^= hash >> 32;
    return hash;
}

} // namespace

Xxh64::Xxh64(std::uint64_t seed)
    : m_lanes{seed + kPrime1 + kPrime2, seed + kPrime2, seed, seed - kPrime1}
    , m_seed(seed)
{
}

void Xxh64::update(const void* data, std::size_t length)
{
    auto p = static_cast<const unsigned char*>(data);
    m_total += length;
    if (m_pendingBytes > 0) {
        const std::size_t take = std::min(length, sizeof m_pending - m_pendingBytes);
        std::memcpy(m_pending + m_pendingBytes, p, take);
        m_pendingBytes += take;
        p += take;
        length -= take;
        if (m_pendingBytes < sizeof m_pending)
            return;
        absorbStripes(m_lanes, m_pending, sizeof m_pending);
        m_pendingBytes = 0;
    }
    const std::size_t used = absorbStripes(m_lanes, p, length);
    m_pendingBytes = length - used;
    if (m_pendingBytes > 0)
        std::memcpy(m_pending, p + used, m_pendingBytes);
}

std::uint64_t Xxh64::digest() const
{
    std::uint64_t hash;
    if (m_total >= 32) {
        hash = std::rotl(m_lanes[0], 1) + std::rotl(m_lanes[1], 7) + std::rotl(m_lanes[2], 12)
               + std::rotl(m_lanes[3], 18);
        for (std::uint64_t lane : m_lanes)
            hash = mergeLane(hash, lane);
    } else {
        hash = m_seed + kPrime5;
    }
    return finish(hash + m_total, m_pending, m_pendingBytes);
}

std::uint64_t xxh64(const void* data, std::size_t length, std::uint64_t seed)
{
    Xxh64 h(seed);
    h.update(data, length);
    return h.digest();
}

} // namespace leakscope
