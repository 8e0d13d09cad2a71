// The binary snapshot format, version 3 (versions 1 and 2 are still read); the layout is documented in
// docs/snapshot-format.md.
//
// Arrays are written as their in-memory bytes, so both directions run at memcpy speed: a heap of
// millions of objects crosses the host socket or hits the disk in tens of milliseconds. The decoder
// trusts nothing: each section's element count is checked against the bytes that remain before
// anything is allocated (so memory is bounded by the input's size), reserved and padding bytes must be
// zero, and the finished columns go through Snapshot::validate.

#include "snapshot_codec.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace leakscope {

// The format's integers are little-endian and the arrays are copied byte for byte, so they are the
// host's integers only on a little-endian host. A big-endian port must byte-swap every array in both
// directions; refuse to build rather than silently write files no other machine can read.
static_assert(std::endian::native == std::endian::little, "the snapshot codec assumes a little-endian host");

namespace {

// 0x89 catches channels that strip the high bit; "\r\n" catches line-ending conversion either way.
constexpr char kMagic[8] = {'\x89', 'L', 'S', 'N', 'A', 'P', '\r', '\n'};
constexpr std::size_t kHeaderBytes = 16;        // magic, u32 version, u32 section count
constexpr std::size_t kSectionHeaderBytes = 16; // 4-byte tag, u32 element size, u64 element count
constexpr std::size_t kAlign = 8;               // payloads start 8-byte aligned, for a future mmap reader
constexpr std::size_t kAnyCount = SIZE_MAX;     // no element count is that large: it is bounded by the input

struct SectionSpec
{
    char tag[5];
    std::uint32_t elementSize;
};

// Versions 1 and 2 have exactly these sections, in this order; they differ in AFRM alone. Version 3
// adds the native stack sections after AFRM.
constexpr SectionSpec kInfo{"INFO", 32};          // f64 captureSeconds, i64 capturedAtMs, i64 pid, u32 tracemalloc depth, u32 native trace depth (reserved before version 3)
constexpr SectionSpec kPythonVersion{"PYVR", 1};
constexpr SectionSpec kLabel{"LABL", 1};
constexpr SectionSpec kAddress{"ADDR", 8};
constexpr SectionSpec kType{"TYPE", 4};
constexpr SectionSpec kSize{"SIZE", 4};
constexpr SectionSpec kRefcount{"RCNT", 4};
constexpr SectionSpec kFlags{"FLAG", 1};
constexpr SectionSpec kLargeSizes{"LSIZ", 16};    // u32 object, u32 reserved, u64 value
constexpr SectionSpec kLargeRefcounts{"LRCN", 16};
constexpr SectionSpec kEdgeOffsets{"EOFF", 4};
constexpr SectionSpec kEdges{"EDGE", 4};
constexpr SectionSpec kReprOffsets{"ROFF", 4};
constexpr SectionSpec kReprBlob{"REPR", 1};
constexpr SectionSpec kLabelOwners{"LOWN", 4};
constexpr SectionSpec kLabelStarts{"LSTA", 4};
constexpr SectionSpec kEdgeLabels{"ELBL", 4};
constexpr SectionSpec kAllocOwners{"AOWN", 4};
constexpr SectionSpec kAllocOffsets{"AOFF", 4};
constexpr SectionSpec kAllocFrames{"AFRM", 12};    // u32 file string id, u32 line, u32 function string id
constexpr SectionSpec kAllocFramesV1{"AFRM", 8};   // version 1: u32 file string id, u32 line
constexpr SectionSpec kNativeOwners{"NOWN", 4};
constexpr SectionSpec kNativeStackOf{"NSOF", 4};
constexpr SectionSpec kNativeStackOffsets{"NSOO", 4};
constexpr SectionSpec kNativeStackFrames{"NSFR", 4};
constexpr SectionSpec kNativeStackFolded{"NFLD", 2};
constexpr SectionSpec kNativeFrames{"NFRM", 32};  // u64 address, u32 function, library, file, line, flags, reserved
constexpr SectionSpec kTypes{"TYPS", 36};         // u64 address, u32 name, module, qualname, library, symbol, source, u8 flags, 3 reserved
constexpr SectionSpec kExplanations{"EXPL", 20};  // u32 object, kind, detail, holder, holder offset
constexpr SectionSpec kStringOffsets{"SOFF", 4};
constexpr SectionSpec kStringBlob{"SBLB", 1};
constexpr std::uint32_t kSectionCountV2 = 24; // versions 1 and 2
constexpr std::uint32_t kSectionCount = 30;

constexpr std::uint32_t sectionCountOf(std::uint32_t version)
{
    return version >= 3 ? kSectionCount : kSectionCountV2;
}

constexpr std::size_t paddingFor(std::size_t bytes)
{
    return (kAlign - bytes % kAlign) % kAlign;
}

template<typename T>
void put(std::string& out, T value)
{
    static_assert(std::is_trivially_copyable_v<T>);
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

// The side tables and records have padding in memory (or a different layout), so they are written
// field by field into a scratch buffer; they are small next to the per-object columns.
std::string encodeLarge(const std::vector<std::pair<ObjectIndex, std::uint64_t>>& table)
{
    std::string bytes;
    bytes.reserve(table.size() * kLargeSizes.elementSize);
    for (const auto& [object, value] : table) {
        put<std::uint32_t>(bytes, object);
        put<std::uint32_t>(bytes, 0);
        put<std::uint64_t>(bytes, value);
    }
    return bytes;
}

std::string encodeTypes(const std::vector<TypeRecord>& types)
{
    std::string bytes;
    bytes.reserve(types.size() * kTypes.elementSize);
    for (const TypeRecord& t : types) {
        put<std::uint64_t>(bytes, t.address);
        put<std::uint32_t>(bytes, t.name);
        put<std::uint32_t>(bytes, t.module);
        put<std::uint32_t>(bytes, t.qualname);
        put<std::uint32_t>(bytes, t.library);
        put<std::uint32_t>(bytes, t.symbol);
        put<std::uint32_t>(bytes, t.source);
        put<std::uint8_t>(bytes, t.flags);
        bytes.append(3, '\0');
    }
    return bytes;
}

std::string encodeExplanations(const std::vector<ExplanationRecord>& explanations)
{
    std::string bytes;
    bytes.reserve(explanations.size() * kExplanations.elementSize);
    for (const ExplanationRecord& e : explanations) {
        put<std::uint32_t>(bytes, e.object);
        put<std::uint32_t>(bytes, e.kind);
        put<std::uint32_t>(bytes, e.detail);
        put<std::uint32_t>(bytes, e.holder);
        put<std::uint32_t>(bytes, e.holderOffset);
    }
    return bytes;
}

std::string encodeNativeFrames(const std::vector<NativeFrame>& frames)
{
    std::string bytes;
    bytes.reserve(frames.size() * kNativeFrames.elementSize);
    for (const NativeFrame& f : frames) {
        put<std::uint64_t>(bytes, f.address);
        put<std::uint32_t>(bytes, f.function);
        put<std::uint32_t>(bytes, f.library);
        put<std::uint32_t>(bytes, f.file);
        put<std::uint32_t>(bytes, f.line);
        put<std::uint32_t>(bytes, f.flags);
        put<std::uint32_t>(bytes, 0);
    }
    return bytes;
}

std::string encodeInfo(const SnapshotInfo& info)
{
    std::string bytes;
    put<std::uint64_t>(bytes, std::bit_cast<std::uint64_t>(info.captureSeconds));
    put<std::int64_t>(bytes, info.capturedAtMs);
    put<std::int64_t>(bytes, info.pid);
    put<std::uint32_t>(bytes, info.tracemallocDepth);
    put<std::uint32_t>(bytes, info.nativeTraceDepth);
    return bytes;
}

struct Piece
{
    const SectionSpec* spec;
    const void* data;
    std::size_t count;
    // For a column the snapshot keeps in another form (Snapshot::columns()): writes its `count`
    // elements to the sink instead of `data`.
    std::function<void(const EncodeSink&)> generate = {};
};

// Writes count elements of T made by fill(first, chunk) in chunks of 64 KiB.
template<typename T, typename Fill>
Piece generated(const SectionSpec& spec, std::size_t count, Fill fill)
{
    return {&spec, nullptr, count, [count, fill](const EncodeSink& sink) {
                constexpr std::size_t kChunk = (64u << 10) / sizeof(T);
                std::vector<T> chunk(std::min(count, kChunk));
                for (std::size_t first = 0; first < count; first += kChunk) {
                    const std::size_t k = std::min(kChunk, count - first);
                    fill(first, std::span<T>(chunk.data(), k));
                    sink(std::string_view(reinterpret_cast<const char*>(chunk.data()), k * sizeof(T)));
                }
            }};
}

template<typename T>
Piece raw(const SectionSpec& spec, const std::vector<T>& v)
{
    static_assert(std::is_trivially_copyable_v<T>);
    return {&spec, v.data(), v.size()};
}

Piece raw(const SectionSpec& spec, std::string_view s)
{
    return {&spec, s.data(), s.size() / spec.elementSize};
}

std::string bytesText(std::size_t n)
{
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

std::string describeTag(const char* p)
{
    bool printable = true;
    for (int k = 0; k < 4; ++k)
        printable = printable && p[k] >= 0x20 && p[k] < 0x7f;
    if (printable)
        return "'" + std::string(p, 4) + "'";
    static const char hex[] = "0123456789abcdef";
    std::string text = "bytes";
    for (int k = 0; k < 4; ++k) {
        const auto byte = static_cast<unsigned char>(p[k]);
        text += ' ';
        text += hex[byte >> 4];
        text += hex[byte & 15];
    }
    return text;
}

// Reads sections front to back. Every check happens before the bytes it guards are touched, and
// every count is compared with what remains by division, so no arithmetic on a claimed count can
// overflow.
class Decoder
{
public:
    explicit Decoder(std::string_view bytes)
        : m_bytes(bytes)
    {
    }

    struct Section
    {
        std::size_t offset; // of the section header
        const char* data;
        std::size_t count;
        std::size_t elementSize;
    };

    [[noreturn]] void fail(std::size_t offset, const std::string& what) const
    {
        throw SnapshotFormatError("byte " + std::to_string(offset) + ": " + what);
    }

    void header()
    {
        const std::size_t magicBytes = std::min(m_bytes.size(), sizeof kMagic);
        for (std::size_t k = 0; k < magicBytes; ++k) {
            if (m_bytes[k] == kMagic[k])
                continue;
            if (k >= 6)
                fail(k, "the magic's \"\\r\\n\" was altered: was the snapshot transferred in text mode?");
            fail(k, "not a LeakScope snapshot (wrong magic)");
        }
        if (m_bytes.size() < kHeaderBytes)
            fail(m_bytes.size(), "input ends inside the " + std::to_string(kHeaderBytes) + "-byte header");
        const auto version = get<std::uint32_t>(8);
        if (version == 0)
            fail(8, "snapshot format version 0 does not exist");
        if (version > kSnapshotFormatVersion)
            fail(8, "snapshot format version " + std::to_string(version) + " is newer than this LeakScope supports ("
                     + std::to_string(kSnapshotFormatVersion) + ")");
        const auto sections = get<std::uint32_t>(12);
        if (sections != sectionCountOf(version))
            fail(12, "format version " + std::to_string(version) + " has " + std::to_string(sectionCountOf(version))
                     + " sections, the header says " + std::to_string(sections));
        m_version = version;
        m_pos = kHeaderBytes;
    }

    std::uint32_t version() const { return m_version; }

    // Version 1's frames have no function: read field by field into the wider records.
    void allocFramesV1(std::vector<AllocationFrame>& out)
    {
        const Section s = section(kAllocFramesV1);
        out.resize(s.count);
        for (std::size_t k = 0; k < s.count; ++k) {
            const std::size_t at = offsetOf(s, k);
            out[k] = {get<std::uint32_t>(at), get<std::uint32_t>(at + 4), 0};
        }
    }

    Section section(const SectionSpec& spec)
    {
        const std::size_t at = m_pos;
        const std::string name = std::string("section ") + spec.tag;
        if (remaining() < kSectionHeaderBytes)
            fail(at, "input ends inside the header of " + name);
        if (std::memcmp(m_bytes.data() + at, spec.tag, 4) != 0)
            fail(at, "expected " + name + ", found " + describeTag(m_bytes.data() + at));
        const auto elementSize = get<std::uint32_t>(at + 4);
        if (elementSize != spec.elementSize)
            fail(at + 4, name + " has " + std::to_string(elementSize) + "-byte elements, expected "
                             + std::to_string(spec.elementSize));
        const auto count = get<std::uint64_t>(at + 8);
        m_pos += kSectionHeaderBytes;
        const std::size_t left = remaining();
        if (count > left / spec.elementSize)
            fail(at + 8, name + " claims " + std::to_string(count) + " elements of " + bytesText(spec.elementSize)
                             + ", but the rest of the input is " + bytesText(left));
        const std::size_t bytes = static_cast<std::size_t>(count) * spec.elementSize; // <= left: no overflow
        const std::size_t padding = paddingFor(bytes);
        if (padding > left - bytes)
            fail(m_bytes.size(), "input ends inside the padding of " + name);
        for (std::size_t k = m_pos + bytes; k < m_pos + bytes + padding; ++k) {
            if (m_bytes[k] != '\0')
                fail(k, "nonzero padding after " + name);
        }
        const Section result{at, m_bytes.data() + m_pos, static_cast<std::size_t>(count), spec.elementSize};
        m_pos += bytes + padding;
        return result;
    }

    // A section whose elements are the vector's elements byte for byte. When expected is given, the
    // count must equal it (checked before anything is allocated).
    template<const SectionSpec& Spec, typename T>
    Section array(std::vector<T>& out, std::size_t expected = kAnyCount, const char* why = "")
    {
        static_assert(std::is_trivially_copyable_v<T> && sizeof(T) == Spec.elementSize);
        const Section s = section(Spec);
        expectCount(s, expected, why);
        out.resize(s.count); // bounded: count * sizeof(T) bytes are in the input
        if (s.count != 0)
            std::memcpy(out.data(), s.data, s.count * sizeof(T));
        return s;
    }

    void text(const SectionSpec& spec, std::string& out)
    {
        const Section s = section(spec);
        out.assign(s.data, s.count);
    }

    void expectCount(const Section& s, std::size_t expected, const char* why) const
    {
        if (expected != kAnyCount && s.count != expected)
            fail(s.offset + 8, "section " + std::string(m_bytes.substr(s.offset, 4)) + " has "
                                   + std::to_string(s.count) + " elements, expected " + std::to_string(expected)
                                   + " (" + why + ")");
    }

    void largeTable(const SectionSpec& spec, std::vector<std::pair<ObjectIndex, std::uint64_t>>& out)
    {
        const Section s = section(spec);
        out.resize(s.count);
        for (std::size_t k = 0; k < s.count; ++k) {
            const std::size_t at = offsetOf(s, k);
            if (get<std::uint32_t>(at + 4) != 0)
                fail(at + 4, std::string("reserved field of section ") + spec.tag + " is not zero");
            out[k] = {get<std::uint32_t>(at), get<std::uint64_t>(at + 8)};
        }
    }

    void types(std::vector<TypeRecord>& out)
    {
        const Section s = section(kTypes);
        out.resize(s.count);
        for (std::size_t k = 0; k < s.count; ++k) {
            const std::size_t at = offsetOf(s, k);
            for (std::size_t r = at + 33; r < at + 36; ++r) {
                if (m_bytes[r] != '\0')
                    fail(r, "reserved field of section TYPS is not zero");
            }
            TypeRecord& t = out[k];
            t.address = get<std::uint64_t>(at);
            t.name = get<std::uint32_t>(at + 8);
            t.module = get<std::uint32_t>(at + 12);
            t.qualname = get<std::uint32_t>(at + 16);
            t.library = get<std::uint32_t>(at + 20);
            t.symbol = get<std::uint32_t>(at + 24);
            t.source = get<std::uint32_t>(at + 28);
            t.flags = get<std::uint8_t>(at + 32);
        }
    }

    void nativeFrames(std::vector<NativeFrame>& out)
    {
        const Section s = section(kNativeFrames);
        out.resize(s.count);
        for (std::size_t k = 0; k < s.count; ++k) {
            const std::size_t at = offsetOf(s, k);
            if (get<std::uint32_t>(at + 28) != 0)
                fail(at + 28, "reserved field of section NFRM is not zero");
            out[k] = {get<std::uint64_t>(at), get<std::uint32_t>(at + 8), get<std::uint32_t>(at + 12),
                      get<std::uint32_t>(at + 16), get<std::uint32_t>(at + 20), get<std::uint32_t>(at + 24)};
        }
    }

    void explanations(std::vector<ExplanationRecord>& out)
    {
        const Section s = section(kExplanations);
        out.resize(s.count);
        for (std::size_t k = 0; k < s.count; ++k) {
            const std::size_t at = offsetOf(s, k);
            out[k] = {get<std::uint32_t>(at), get<std::uint32_t>(at + 4), get<std::uint32_t>(at + 8),
                      get<std::uint32_t>(at + 12), get<std::uint32_t>(at + 16)};
        }
    }

    void info(SnapshotInfo& out)
    {
        const Section s = section(kInfo);
        expectCount(s, 1, "one record");
        const std::size_t at = offsetOf(s, 0);
        out.captureSeconds = std::bit_cast<double>(get<std::uint64_t>(at));
        out.capturedAtMs = get<std::int64_t>(at + 8);
        out.pid = get<std::int64_t>(at + 16);
        out.tracemallocDepth = get<std::uint32_t>(at + 24);
        if (m_version >= 3)
            out.nativeTraceDepth = get<std::uint32_t>(at + 28);
        else if (get<std::uint32_t>(at + 28) != 0)
            fail(at + 28, "reserved field of section INFO is not zero");
    }

    void finish() const
    {
        if (m_pos != m_bytes.size())
            fail(m_pos, bytesText(m_bytes.size() - m_pos) + " of trailing garbage after the last section");
    }

private:
    std::size_t remaining() const { return m_bytes.size() - m_pos; }

    // Offset of element k of a section, k < s.count.
    std::size_t offsetOf(const Section& s, std::size_t k) const
    {
        return s.offset + kSectionHeaderBytes + k * s.elementSize;
    }

    // Callers have checked that [offset, offset + sizeof(T)) is inside the input.
    template<typename T>
    T get(std::size_t offset) const
    {
        T value;
        std::memcpy(&value, m_bytes.data() + offset, sizeof(T));
        return value;
    }

    std::string_view m_bytes;
    std::size_t m_pos = 0;
    std::uint32_t m_version = 0;
};

} // namespace

void encodeSnapshot(const Snapshot& snapshot, const std::function<void(std::uint64_t)>& begin,
                    const EncodeSink& sink, std::optional<std::string_view> label)
{
    const SnapshotColumns& c = snapshot.columns();
    const std::string info = encodeInfo(c.info);
    const std::string largeSizes = encodeLarge(c.largeSizes);
    const std::string largeRefcounts = encodeLarge(c.largeRefcounts);
    const std::string types = encodeTypes(c.types);
    const std::string explanations = encodeExplanations(c.explanations);
    const std::string nativeFrames = encodeNativeFrames(c.nativeFrames);

    const Piece pieces[] = {
        raw(kInfo, info),
        raw(kPythonVersion, c.info.pythonVersion),
        raw(kLabel, label ? *label : std::string_view(c.info.label)),
        generated<std::uint64_t>(kAddress, snapshot.objectCount(),
                                 [&](std::size_t first, std::span<std::uint64_t> out) {
                                     snapshot.copyAddresses(static_cast<ObjectIndex>(first), out);
                                 }),
        raw(kType, c.type),
        raw(kSize, c.size),
        raw(kRefcount, c.refcount),
        raw(kFlags, c.flags),
        raw(kLargeSizes, largeSizes),
        raw(kLargeRefcounts, largeRefcounts),
        generated<std::uint32_t>(kEdgeOffsets, snapshot.objectCount() + 1,
                                 [&](std::size_t first, std::span<std::uint32_t> out) {
                                     for (std::size_t k = 0; k < out.size(); ++k)
                                         out[k] = snapshot.edgeOffset(first + k);
                                 }),
        raw(kEdges, c.edges),
        raw(kReprOffsets, c.reprOffsets),
        raw(kReprBlob, c.reprBlob),
        raw(kLabelOwners, c.labelOwners),
        raw(kLabelStarts, c.labelStarts),
        raw(kEdgeLabels, c.labels),
        raw(kAllocOwners, c.allocOwners),
        raw(kAllocOffsets, c.allocOffsets),
        raw(kAllocFrames, c.allocFrames),
        raw(kNativeOwners, c.nativeOwners),
        raw(kNativeStackOf, c.nativeStackOf),
        raw(kNativeStackOffsets, c.nativeStackOffsets),
        raw(kNativeStackFrames, c.nativeStackFrames),
        raw(kNativeStackFolded, c.nativeStackFolded),
        raw(kNativeFrames, nativeFrames),
        raw(kTypes, types),
        raw(kExplanations, explanations),
        raw(kStringOffsets, c.strings.offsets()),
        raw(kStringBlob, c.strings.blob()),
    };
    static_assert(std::size(pieces) == kSectionCount);

    std::size_t total = kHeaderBytes;
    for (const Piece& p : pieces) {
        const std::size_t bytes = p.count * p.spec->elementSize;
        total += kSectionHeaderBytes + bytes + paddingFor(bytes);
    }
    begin(total);

    // The columns go to the sink where they are; only headers and padding are assembled here.
    static constexpr char kZeros[kAlign] = {};
    std::string header(kMagic, sizeof kMagic);
    put<std::uint32_t>(header, kSnapshotFormatVersion);
    put<std::uint32_t>(header, kSectionCount);
    sink(header);
    for (const Piece& p : pieces) {
        const std::size_t bytes = p.count * p.spec->elementSize;
        header.assign(p.spec->tag, 4);
        put<std::uint32_t>(header, p.spec->elementSize);
        put<std::uint64_t>(header, p.count);
        sink(header);
        if (p.generate)
            p.generate(sink);
        else if (bytes != 0)
            sink(std::string_view(static_cast<const char*>(p.data), bytes));
        if (paddingFor(bytes) != 0)
            sink(std::string_view(kZeros, paddingFor(bytes)));
    }
}

void encodeSnapshot(const Snapshot& snapshot, std::string& out)
{
    // One reservation, then appends: the big columns are copied exactly once.
    encodeSnapshot(
        snapshot, [&](std::uint64_t total) { out.reserve(out.size() + total); },
        [&](std::string_view piece) { out.append(piece); });
}

std::string encodeSnapshot(const Snapshot& snapshot)
{
    std::string out;
    encodeSnapshot(snapshot, out);
    return out;
}

SnapshotPtr decodeSnapshot(std::string_view bytes)
{
    Decoder d(bytes);
    d.header();

    SnapshotColumns c;
    d.info(c.info);
    d.text(kPythonVersion, c.info.pythonVersion);
    d.text(kLabel, c.info.label);

    // Per-object columns are checked against the object count here, where the offending section's
    // offset is known; the deeper consistency rules are Snapshot::validate's.
    const std::size_t n = d.array<kAddress>(c.address).count;
    d.array<kType>(c.type, n, "one per object");
    d.array<kSize>(c.size, n, "one per object");
    d.array<kRefcount>(c.refcount, n, "one per object");
    d.array<kFlags>(c.flags, n, "one per object");
    d.largeTable(kLargeSizes, c.largeSizes);
    d.largeTable(kLargeRefcounts, c.largeRefcounts);
    d.array<kEdgeOffsets>(c.edgeOffsets, n + 1, "one per object, plus one");
    d.array<kEdges>(c.edges);
    d.array<kReprOffsets>(c.reprOffsets, n + 1, "one per object, plus one");
    d.text(kReprBlob, c.reprBlob);
    const std::size_t owners = d.array<kLabelOwners>(c.labelOwners).count;
    d.array<kLabelStarts>(c.labelStarts, owners, "one per label owner");
    d.array<kEdgeLabels>(c.labels);
    const std::size_t allocOwners = d.array<kAllocOwners>(c.allocOwners).count;
    d.array<kAllocOffsets>(c.allocOffsets, allocOwners + 1, "one per allocation owner, plus one");
    if (d.version() == 1)
        d.allocFramesV1(c.allocFrames);
    else
        d.array<kAllocFrames>(c.allocFrames);
    if (d.version() >= 3) {
        const std::size_t nativeOwners = d.array<kNativeOwners>(c.nativeOwners).count;
        d.array<kNativeStackOf>(c.nativeStackOf, nativeOwners, "one per native stack owner");
        const auto offsetsOf = d.array<kNativeStackOffsets>(c.nativeStackOffsets);
        const std::size_t offsets = offsetsOf.count;
        if (offsets == 0)
            d.fail(offsetsOf.offset + 8, "section NSOO is empty: it has one entry more than there are stacks");
        d.array<kNativeStackFrames>(c.nativeStackFrames);
        d.array<kNativeStackFolded>(c.nativeStackFolded, offsets - 1, "one per native stack");
        d.nativeFrames(c.nativeFrames);
    }
    d.types(c.types);
    d.explanations(c.explanations);

    std::vector<std::uint32_t> stringOffsets;
    const auto offsetsSection = d.array<kStringOffsets>(stringOffsets);
    std::string stringBlob;
    d.text(kStringBlob, stringBlob);
    const std::size_t blobBytes = stringBlob.size();
    if (!c.strings.assign(std::move(stringBlob), std::move(stringOffsets)))
        d.fail(offsetsSection.offset, "string pool offsets are not a partition of its " + std::to_string(blobBytes)
                                          + "-byte blob starting with the empty string");
    d.finish();

    // validate() sees whole columns and cannot name a byte; its message names the column instead.
    try {
        return std::make_shared<const Snapshot>(std::move(c));
    } catch (const std::invalid_argument& e) {
        throw SnapshotFormatError("byte " + std::to_string(bytes.size()) + " (end of input): " + e.what());
    }
}

} // namespace leakscope
