#include "snapshot.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace leakscope {

namespace {

constexpr std::uint32_t kSpill = UINT32_MAX;

std::uint32_t clampTo32(std::uint64_t value)
{
    return value >= kSpill ? kSpill : static_cast<std::uint32_t>(value);
}

std::uint64_t lookupLarge(const std::vector<std::pair<ObjectIndex, std::uint64_t>>& table, ObjectIndex i)
{
    auto it = std::lower_bound(table.begin(), table.end(), i,
                               [](const auto& entry, ObjectIndex key) { return entry.first < key; });
    return it != table.end() && it->first == i ? it->second : kSpill;
}

bool isSortedUnique(const std::vector<std::pair<ObjectIndex, std::uint64_t>>& table, std::size_t n)
{
    for (std::size_t k = 0; k < table.size(); ++k) {
        if (table[k].first >= n || (k > 0 && table[k - 1].first >= table[k].first))
            return false;
    }
    return true;
}

std::string checkOffsets(const std::vector<std::uint32_t>& offsets, std::size_t n, std::size_t total,
                         const char* what)
{
    if (offsets.size() != n + 1)
        return std::string(what) + " offsets: expected one more entry than objects";
    if (offsets.front() != 0 || offsets.back() != total)
        return std::string(what) + " offsets do not span the data";
    for (std::size_t i = 1; i <= n; ++i) {
        if (offsets[i] < offsets[i - 1])
            return std::string(what) + " offsets decrease at object " + std::to_string(i - 1);
    }
    return {};
}

std::string validateNativeStacks(const SnapshotColumns& c)
{
    const std::size_t n = c.address.size();
    if (c.nativeStackOf.size() != c.nativeOwners.size())
        return "native stack owners and stack indices differ in length";
    if (c.nativeStackOffsets.empty())
        return "native stack offsets: expected one more entry than stacks";
    const std::size_t stacks = c.nativeStackOffsets.size() - 1;
    if (auto error = checkOffsets(c.nativeStackOffsets, stacks, c.nativeStackFrames.size(), "native stack");
        !error.empty())
        return error;
    if (c.nativeStackFolded.size() != stacks)
        return "native stack folded counts: expected one per stack";
    for (std::size_t k = 0; k < c.nativeOwners.size(); ++k) {
        if (c.nativeOwners[k] >= n || (k > 0 && c.nativeOwners[k - 1] >= c.nativeOwners[k]))
            return "native stack owners are not sorted object indices";
        if (c.nativeStackOf[k] >= stacks)
            return "object " + std::to_string(c.nativeOwners[k]) + " refers to a missing native stack";
    }
    for (std::size_t s = 0; s < stacks; ++s) {
        if (c.nativeStackFolded[s] > c.nativeStackOffsets[s + 1] - c.nativeStackOffsets[s])
            return "native stack " + std::to_string(s) + " folds more frames than it has";
    }
    for (std::uint32_t frame : c.nativeStackFrames) {
        if (frame >= c.nativeFrames.size())
            return "native stack refers to a missing frame";
    }
    const std::size_t strings = c.strings.size();
    for (const NativeFrame& frame : c.nativeFrames) {
        if (frame.function >= strings || frame.library >= strings || frame.file >= strings)
            return "native frame refers to a missing string";
        if (frame.flags & ~kKnownNativeFrameFlags)
            return "native frame has unknown flags";
    }
    return {};
}

} // namespace

void SnapshotColumns::appendObject(std::uint64_t addr, TypeIndex typeIndex, std::uint64_t bytes,
                                   std::uint64_t refs, std::uint8_t objectFlags)
{
    const auto index = static_cast<ObjectIndex>(address.size());
    address.push_back(addr);
    type.push_back(typeIndex);
    size.push_back(clampTo32(bytes));
    if (bytes >= kSpill)
        largeSizes.emplace_back(index, bytes);
    refcount.push_back(clampTo32(refs));
    if (refs >= kSpill)
        largeRefcounts.emplace_back(index, refs);
    flags.push_back(objectFlags);
}

void SnapshotColumns::appendObjectsOf(const SnapshotColumns& tail)
{
    const auto base = static_cast<ObjectIndex>(address.size());
    address.insert(address.end(), tail.address.begin(), tail.address.end());
    type.insert(type.end(), tail.type.begin(), tail.type.end());
    size.insert(size.end(), tail.size.begin(), tail.size.end());
    refcount.insert(refcount.end(), tail.refcount.begin(), tail.refcount.end());
    flags.insert(flags.end(), tail.flags.begin(), tail.flags.end());
    for (const auto& [index, value] : tail.largeSizes)
        largeSizes.emplace_back(base + index, value);
    for (const auto& [index, value] : tail.largeRefcounts)
        largeRefcounts.emplace_back(base + index, value);
    // Either part's edge offsets may end early (no referents after them): the result has them all.
    edgeOffsets.resize(base + 1, edgeOffsets.back());
    const auto edgeBase = static_cast<std::uint32_t>(edges.size());
    for (std::size_t i = 1; i < tail.edgeOffsets.size(); ++i)
        edgeOffsets.push_back(edgeBase + tail.edgeOffsets[i]);
    edgeOffsets.resize(address.size() + 1, edgeOffsets.back());
    edges.insert(edges.end(), tail.edges.begin(), tail.edges.end());
    const auto reprBase = static_cast<std::uint32_t>(reprBlob.size());
    for (std::size_t i = 1; i < tail.reprOffsets.size(); ++i)
        reprOffsets.push_back(reprBase + tail.reprOffsets[i]);
    reprBlob += tail.reprBlob;
    const auto labelBase = static_cast<std::uint32_t>(labels.size());
    for (std::size_t k = 0; k < tail.labelOwners.size(); ++k) {
        labelOwners.push_back(base + tail.labelOwners[k]);
        labelStarts.push_back(labelBase + tail.labelStarts[k]);
    }
    labels.insert(labels.end(), tail.labels.begin(), tail.labels.end());
    const auto frameBase = static_cast<std::uint32_t>(allocFrames.size());
    for (std::size_t k = 0; k < tail.allocOwners.size(); ++k) {
        allocOwners.push_back(base + tail.allocOwners[k]);
        allocOffsets.push_back(frameBase + tail.allocOffsets[k + 1]);
    }
    allocFrames.insert(allocFrames.end(), tail.allocFrames.begin(), tail.allocFrames.end());
    // Native stacks and frames are tail's own tables: its stack and frame indices move past ours.
    const auto stackBase = static_cast<std::uint32_t>(nativeStackOffsets.size() - 1);
    const auto nativeFrameBase = static_cast<std::uint32_t>(nativeFrames.size());
    const auto stackFrameBase = static_cast<std::uint32_t>(nativeStackFrames.size());
    for (std::size_t k = 0; k < tail.nativeOwners.size(); ++k) {
        nativeOwners.push_back(base + tail.nativeOwners[k]);
        nativeStackOf.push_back(stackBase + tail.nativeStackOf[k]);
    }
    for (std::size_t s = 1; s < tail.nativeStackOffsets.size(); ++s)
        nativeStackOffsets.push_back(stackFrameBase + tail.nativeStackOffsets[s]);
    for (std::uint32_t frame : tail.nativeStackFrames)
        nativeStackFrames.push_back(nativeFrameBase + frame);
    nativeStackFolded.insert(nativeStackFolded.end(), tail.nativeStackFolded.begin(), tail.nativeStackFolded.end());
    nativeFrames.insert(nativeFrames.end(), tail.nativeFrames.begin(), tail.nativeFrames.end());
}

std::string Snapshot::validate(const SnapshotColumns& c)
{
    const std::size_t n = c.address.size();
    if (n >= UINT32_MAX)
        return "too many objects";
    if (c.type.size() != n || c.size.size() != n || c.refcount.size() != n || c.flags.size() != n)
        return "object columns differ in length";
    if (!isSortedUnique(c.largeSizes, n) || !isSortedUnique(c.largeRefcounts, n))
        return "large size or refcount table is not sorted by object";
    // Each spilled value has exactly one entry in its side table, and each entry a spilled value.
    for (const auto* pair : {&c.largeSizes, &c.largeRefcounts}) {
        const auto& column = pair == &c.largeSizes ? c.size : c.refcount;
        const auto spilled = static_cast<std::size_t>(std::count(column.begin(), column.end(), kSpill));
        if (spilled != pair->size())
            return "large size or refcount table does not match its column";
        for (const auto& [index, value] : *pair) {
            if (column[index] != kSpill || value < kSpill)
                return "large size or refcount table does not match its column";
        }
    }
    // The edge offsets may end early: objects past the last row have no referents.
    if (c.edgeOffsets.empty() || c.edgeOffsets.size() > n + 1)
        return "edge offsets: expected one more entry than objects, or fewer";
    if (auto error = checkOffsets(c.edgeOffsets, c.edgeOffsets.size() - 1, c.edges.size(), "edge"); !error.empty())
        return error;
    if (auto error = checkOffsets(c.reprOffsets, n, c.reprBlob.size(), "repr"); !error.empty())
        return error;
    for (ObjectIndex target : c.edges) {
        if (target >= n)
            return "edge points past the last object";
    }
    for (TypeIndex t : c.type) {
        if (t >= c.types.size())
            return "object refers to a missing type";
    }
    const std::size_t strings = c.strings.size();
    for (const TypeRecord& t : c.types) {
        if (t.name >= strings || t.module >= strings || t.qualname >= strings || t.library >= strings
            || t.symbol >= strings || t.source >= strings)
            return "type refers to a missing string";
    }
    for (std::size_t k = 0; k < c.explanations.size(); ++k) {
        const ExplanationRecord& e = c.explanations[k];
        if (e.object >= n || e.kind >= strings || e.detail >= strings)
            return "explanation refers to a missing object or string";
        if (k > 0 && c.explanations[k - 1].object >= e.object)
            return "explanations are not sorted by object";
        if (e.holder != kNoObject && e.holder >= n)
            return "explanation names a holder past the last object";
    }
    if (c.labelStarts.size() != c.labelOwners.size())
        return "edge label owners and starts differ in length";
    for (std::size_t k = 0; k < c.labelOwners.size(); ++k) {
        const ObjectIndex owner = c.labelOwners[k];
        if (owner >= n || (k > 0 && c.labelOwners[k - 1] >= owner))
            return "edge label owners are not sorted object indices";
        const std::uint64_t degree
            = owner + 1 < c.edgeOffsets.size() ? c.edgeOffsets[owner + 1] - c.edgeOffsets[owner] : 0;
        if (std::uint64_t(c.labelStarts[k]) + degree > c.labels.size())
            return "edge labels of object " + std::to_string(owner) + " run past the label table";
    }
    for (StringId label : c.labels) {
        if (label >= strings)
            return "edge label refers to a missing string";
    }
    if (c.allocOffsets.size() != c.allocOwners.size() + 1)
        return "allocation offsets: expected one more entry than owners";
    if (c.allocOffsets.front() != 0 || c.allocOffsets.back() != c.allocFrames.size())
        return "allocation offsets do not span the frames";
    for (std::size_t k = 0; k < c.allocOwners.size(); ++k) {
        if (c.allocOwners[k] >= n || (k > 0 && c.allocOwners[k - 1] >= c.allocOwners[k]))
            return "allocation owners are not sorted object indices";
        if (c.allocOffsets[k + 1] < c.allocOffsets[k])
            return "allocation offsets decrease";
    }
    for (const AllocationFrame& frame : c.allocFrames) {
        if (frame.file >= strings || frame.function >= strings)
            return "allocation frame refers to a missing string";
    }
    return validateNativeStacks(c);
}

Snapshot::Snapshot(SnapshotColumns columns)
    : m_c(std::move(columns))
{
    if (auto error = validate(m_c); !error.empty())
        throw std::invalid_argument("inconsistent snapshot: " + error);
    m_gcObjects = static_cast<std::size_t>(std::count_if(m_c.flags.begin(), m_c.flags.end(),
                                                         [](std::uint8_t f) { return f & GcTracked; }));
    compact();
}

void Snapshot::compact()
{
    const std::size_t n = m_c.address.size();
    m_objectCount = n;

    // Row starts up to the last object with referents.
    m_edgeRows = m_c.edgeOffsets.size() - 1;
    while (m_edgeRows > 0 && m_c.edgeOffsets[m_edgeRows - 1] == m_c.edgeOffsets[m_edgeRows])
        --m_edgeRows;
    m_c.edgeOffsets.resize(m_edgeRows + 1);
    if (m_c.edgeOffsets.capacity() > m_c.edgeOffsets.size() + m_c.edgeOffsets.size() / 8)
        m_c.edgeOffsets.shrink_to_fit();

    // The distinct high halves of the addresses, in order of first appearance: a handful in a real
    // heap. More than 256 keeps the column whole. One pass, writing each new column once (no zeroing
    // first): this runs on every snapshot loaded or received.
    std::vector<std::uint64_t> highs;
    std::vector<std::uint8_t> region;
    std::vector<std::uint32_t> low;
    region.reserve(n);
    low.reserve(n);
    std::uint64_t lastHigh = 0;
    std::uint8_t lastRegion = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t address = m_c.address[i];
        const std::uint64_t high = address >> 32;
        if (high != lastHigh || highs.empty()) {
            auto found = std::find(highs.begin(), highs.end(), high);
            if (found == highs.end()) {
                if (highs.size() == 256)
                    return;
                highs.push_back(high);
                found = highs.end() - 1;
            }
            lastHigh = high;
            lastRegion = static_cast<std::uint8_t>(found - highs.begin());
        }
        region.push_back(lastRegion);
        low.push_back(static_cast<std::uint32_t>(address));
    }
    m_addressLow = std::move(low);
    m_addressRegion = std::move(region);
    m_addressHigh = std::move(highs);
    std::vector<std::uint64_t>().swap(m_c.address);
}

void Snapshot::copyAddresses(ObjectIndex first, std::span<std::uint64_t> out) const
{
    for (std::size_t k = 0; k < out.size(); ++k)
        out[k] = address(static_cast<ObjectIndex>(first + k));
}

SnapshotColumns Snapshot::expandedColumns() const
{
    SnapshotColumns c = m_c;
    c.address.resize(m_objectCount);
    copyAddresses(0, c.address);
    c.edgeOffsets.resize(m_objectCount + 1, m_c.edgeOffsets.back());
    return c;
}

std::uint64_t Snapshot::size(ObjectIndex i) const
{
    return m_c.size[i] == kSpill ? lookupLarge(m_c.largeSizes, i) : m_c.size[i];
}

std::uint64_t Snapshot::refcount(ObjectIndex i) const
{
    return m_c.refcount[i] == kSpill ? lookupLarge(m_c.largeRefcounts, i) : m_c.refcount[i];
}

std::string Snapshot::repr(ObjectIndex i) const
{
    std::string_view stored = storedRepr(i);
    if (!stored.empty())
        return std::string(stored);
    std::string text = "<";
    text += typeNameOf(i);
    text += " at ";
    text += formatAddress(address(i));
    text += '>';
    return text;
}

const ExplanationRecord* Snapshot::explanation(ObjectIndex i) const
{
    auto it = std::lower_bound(m_c.explanations.begin(), m_c.explanations.end(), i,
                               [](const ExplanationRecord& e, ObjectIndex key) { return e.object < key; });
    return it != m_c.explanations.end() && it->object == i ? &*it : nullptr;
}

std::span<const StringId> Snapshot::edgeLabels(ObjectIndex i) const
{
    auto it = std::lower_bound(m_c.labelOwners.begin(), m_c.labelOwners.end(), i);
    if (it == m_c.labelOwners.end() || *it != i)
        return {};
    const std::uint32_t start = m_c.labelStarts[static_cast<std::size_t>(it - m_c.labelOwners.begin())];
    return {m_c.labels.data() + start, referents(i).size()};
}

std::span<const AllocationFrame> Snapshot::allocationSite(ObjectIndex i) const
{
    auto it = std::lower_bound(m_c.allocOwners.begin(), m_c.allocOwners.end(), i);
    if (it == m_c.allocOwners.end() || *it != i)
        return {};
    const auto k = static_cast<std::size_t>(it - m_c.allocOwners.begin());
    return {m_c.allocFrames.data() + m_c.allocOffsets[k], m_c.allocOffsets[k + 1] - m_c.allocOffsets[k]};
}

std::span<const std::uint32_t> Snapshot::nativeStack(ObjectIndex i) const
{
    auto it = std::lower_bound(m_c.nativeOwners.begin(), m_c.nativeOwners.end(), i);
    if (it == m_c.nativeOwners.end() || *it != i)
        return {};
    const std::uint32_t stack = m_c.nativeStackOf[static_cast<std::size_t>(it - m_c.nativeOwners.begin())];
    const std::uint32_t begin = m_c.nativeStackOffsets[stack];
    return {m_c.nativeStackFrames.data() + begin, m_c.nativeStackOffsets[stack + 1] - begin};
}

std::uint16_t Snapshot::nativeStackFolded(ObjectIndex i) const
{
    auto it = std::lower_bound(m_c.nativeOwners.begin(), m_c.nativeOwners.end(), i);
    if (it == m_c.nativeOwners.end() || *it != i)
        return 0;
    return m_c.nativeStackFolded[m_c.nativeStackOf[static_cast<std::size_t>(it - m_c.nativeOwners.begin())]];
}

std::uint32_t Snapshot::edgeTo(ObjectIndex holder, ObjectIndex target, std::size_t occurrence) const
{
    const std::span<const ObjectIndex> edges = referents(holder);
    for (std::size_t j = 0; j < edges.size(); ++j) {
        if (edges[j] == target && occurrence-- == 0)
            return static_cast<std::uint32_t>(j);
    }
    return UINT32_MAX;
}

std::size_t Snapshot::memoryBytes(bool includeStrings) const
{
    auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    std::size_t total = bytes(m_c.address) + bytes(m_c.type) + bytes(m_c.size) + bytes(m_c.refcount)
        + bytes(m_c.flags) + bytes(m_c.largeSizes) + bytes(m_c.largeRefcounts) + bytes(m_c.edgeOffsets)
        + bytes(m_c.edges) + bytes(m_c.reprOffsets) + bytes(m_c.labelOwners) + bytes(m_c.labelStarts)
        + bytes(m_c.labels) + bytes(m_c.allocOwners) + bytes(m_c.allocOffsets) + bytes(m_c.allocFrames)
        + bytes(m_c.nativeOwners) + bytes(m_c.nativeStackOf) + bytes(m_c.nativeStackOffsets)
        + bytes(m_c.nativeStackFrames) + bytes(m_c.nativeStackFolded) + bytes(m_c.nativeFrames)
        + bytes(m_c.types) + bytes(m_c.explanations) + bytes(m_addressLow) + bytes(m_addressRegion)
        + bytes(m_addressHigh);
    if (includeStrings)
        total += m_c.reprBlob.capacity() + m_c.strings.memoryBytes();
    return total;
}

std::string formatAddress(std::uint64_t address)
{
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%" PRIx64, address);
    return buffer;
}

std::string edgeName(const Snapshot& snapshot, ObjectIndex holder, std::uint32_t edge)
{
    const std::size_t count = snapshot.referents(holder).size();
    if (edge >= count)
        return {};
    // A list or tuple with empty slots has its items' indices recorded as labels.
    const std::span<const StringId> labels = snapshot.edgeLabels(holder);
    if (!labels.empty())
        return std::string(snapshot.string(labels[edge]));
    const std::string_view type = snapshot.typeNameOf(holder);
    if (type == "builtins.list" || type == "builtins.tuple")
        return "[" + std::to_string(count - 1 - edge) + "]";
    return {};
}

} // namespace leakscope
