// CandidatesModel sorting its own rows: keys read straight from the snapshot's columns, one
// std::sort per request. Sorting here rather than in a QSortFilterProxyModel keeps the proxy's
// filter changes at one filter pass: its own sort would re-sort every accepted row on each change.

#include "candidates_model.h"

#include "model_text.h"
#include "support/background_work.h"

#include <algorithm>
#include <array>
#include <bit>
#include <utility>
#include <numeric>
#include <unordered_map>

namespace leakscope {

namespace {

// A row's sort key and its item (CandidatesModel::itemAt()).
struct KeyedItem
{
    std::uint64_t key;
    std::uint32_t item;
};

// A text's first sixteen bytes as two keys: reprs of one type share their first eight ("Session(").
struct TextSortEntry
{
    std::uint64_t key;
    std::uint64_t nextKey;
    ObjectIndex object;
    std::uint32_t row; // the item (CandidatesModel::itemAt()) until textRowsInOrder() returns
};

// Byte depth (0 to 15) of an entry's sixteen-byte prefix.
unsigned prefixByte(const TextSortEntry& entry, int depth)
{
    const std::uint64_t key = depth < 8 ? entry.key : entry.nextKey;
    return static_cast<unsigned>(key >> (8 * (7 - depth % 8))) & 0xffu;
}

// Sorts [first, last), whose prefixes agree on their first depth bytes: an MSD radix sort on the
// prefix's bytes (the highest first when descending), with std::sort and less, the whole order, on
// small ranges and on prefixes equal all through. buffer holds at least last - first entries. (Going
// on past the prefix, a byte of the text itself a level, was measured slower: a cache miss per text
// and level.)
template<typename Less>
void sortByPrefix(TextSortEntry* first, TextSortEntry* last, TextSortEntry* buffer, int depth, bool descending,
                  const Less& less)
{
    constexpr std::ptrdiff_t kSmall = 64;
    const std::ptrdiff_t n = last - first;
    std::array<std::size_t, 256> count{};
    for (;;) {
        if (n < 2)
            return;
        if (n <= kSmall || depth == 16) {
            std::sort(first, last, less);
            return;
        }
        count.fill(0);
        for (const TextSortEntry* entry = first; entry != last; ++entry)
            ++count[prefixByte(*entry, depth)];
        if (count[prefixByte(*first, depth)] != static_cast<std::size_t>(n))
            break;
        ++depth; // one byte for all: the next one
    }
    std::array<std::size_t, 256> start{};
    std::size_t position = 0;
    for (unsigned k = 0; k < 256; ++k) {
        const unsigned bucket = descending ? 255 - k : k;
        start[bucket] = position;
        position += count[bucket];
    }
    std::array<std::size_t, 256> next = start;
    for (const TextSortEntry* entry = first; entry != last; ++entry)
        buffer[next[prefixByte(*entry, depth)]++] = *entry;
    std::copy(buffer, buffer + n, first);
    for (unsigned bucket = 0; bucket < 256; ++bucket) {
        if (count[bucket] > 1)
            sortByPrefix(first + start[bucket], first + start[bucket] + count[bucket], buffer, depth + 1, descending,
                         less);
    }
}

// Ties go by object index in both directions, so an order never depends on the one before it.
template<typename Less>
std::vector<std::uint32_t> textRowsInOrder(std::vector<TextSortEntry>& entries, Qt::SortOrder order, Less less)
{
    std::vector<TextSortEntry> buffer(entries.size());
    TextSortEntry* const first = entries.data();
    TextSortEntry* const last = first + entries.size();
    if (order == Qt::AscendingOrder) {
        sortByPrefix(first, last, buffer.data(), 0, false, [&](const TextSortEntry& a, const TextSortEntry& b) {
            if (less(a, b))
                return true;
            return !less(b, a) && a.object < b.object;
        });
    } else {
        sortByPrefix(first, last, buffer.data(), 0, true, [&](const TextSortEntry& a, const TextSortEntry& b) {
            if (less(b, a))
                return true;
            return !less(a, b) && a.object < b.object;
        });
    }
    std::vector<std::uint32_t> rows(entries.size());
    for (std::size_t k = 0; k < entries.size(); ++k)
        rows[k] = entries[k].row;
    return rows;
}

// A stable sort of items on their keys, most first for a descending order: an LSD radix sort on
// eleven bits at a time, over only the bits in which the keys differ (rank columns and sizes take one
// or two passes, addresses three). O(rows) a pass, where std::sort's comparisons were O(rows log rows).
void sortStably(std::vector<KeyedItem>& items, Qt::SortOrder order)
{
    if (items.size() < 2)
        return;
    std::uint64_t low = UINT64_MAX, high = 0;
    for (const KeyedItem& entry : items) {
        low = std::min(low, entry.key);
        high = std::max(high, entry.key);
    }
    // Keys as offsets from the lowest (ascending) or from the highest, reversed (descending): stable
    // either way, so equal keys keep their items' order.
    for (KeyedItem& entry : items)
        entry.key = order == Qt::AscendingOrder ? entry.key - low : high - entry.key;
    const std::uint64_t range = high - low;
    if (range == 0)
        return;
    constexpr int kDigitBits = 11;
    constexpr std::size_t kBuckets = std::size_t(1) << kDigitBits;
    const int bits = 64 - std::countl_zero(range);
    std::vector<KeyedItem> other(items.size());
    std::vector<std::size_t> start(kBuckets);
    for (int shift = 0; shift < bits; shift += kDigitBits) {
        std::fill(start.begin(), start.end(), 0);
        for (const KeyedItem& entry : items)
            ++start[(entry.key >> shift) & (kBuckets - 1)];
        std::size_t position = 0;
        for (std::size_t& bucket : start)
            position += std::exchange(bucket, position);
        for (const KeyedItem& entry : items)
            other[start[(entry.key >> shift) & (kBuckets - 1)]++] = entry;
        items.swap(other);
    }
}

// The first eight bytes, big-endian, zero-padded: comparing prefixes orders texts as their bytes do,
// except that equal prefixes need the whole texts.
std::uint64_t prefixKey(std::string_view text, std::size_t offset = 0)
{
    std::uint64_t key = 0;
    for (std::size_t k = offset; k < offset + 8; ++k)
        key = (key << 8) | (k < text.size() ? static_cast<unsigned char>(text[k]) : 0u);
    return key;
}

} // namespace

void CandidatesModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount) {
        column = -1;
        order = Qt::AscendingOrder;
    }
    if (column == m_sortColumn && order == m_sortOrder)
        return; // the rows already are (or will be) in this order, setSnapshot() keeps it
    m_sortColumn = column;
    m_sortOrder = order;
    if (!m_requested)
        return;
    if (isPreparingRows() || m_rows.narrowed) {
        // Prepared again whole in the new order, off the GUI thread; taken in a layout change when
        // they are the rows shown in another order, else (a new mode or snapshot on its way) a reset.
        prepareRows(true);
        return;
    }
    if (m_rows.objects.empty())
        return;
    const std::vector<std::uint32_t> permutation = m_rows.sortedOrder(column, order);
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    m_rows.permute(permutation);
    ++m_rowsVersion;
    const QModelIndexList before = persistentIndexList();
    if (!before.isEmpty()) {
        std::vector<std::uint32_t> newRow(permutation.size());
        for (std::size_t k = 0; k < permutation.size(); ++k)
            newRow[permutation[k]] = static_cast<std::uint32_t>(k);
        QModelIndexList after;
        after.reserve(before.size());
        for (const QModelIndex& index : before)
            after.append(this->index(static_cast<int>(newRow[static_cast<std::size_t>(index.row())]), index.column()));
        changePersistentIndexList(before, after);
    }
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void CandidatesModel::takeSortedRows(Rows rows)
{
    // The same rows in another order: each persistent index goes to its object's new row, found by a
    // search (they are few: the current row and the selection's corners).
    Rows old;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    old = std::exchange(m_rows, std::move(rows));
    ++m_rowsVersion;
    const QModelIndexList before = persistentIndexList();
    if (!before.isEmpty()) {
        QModelIndexList after;
        after.reserve(before.size());
        for (const QModelIndex& index : before) {
            const int row = rowOfObject(old.objects[static_cast<std::size_t>(index.row())]);
            after.append(row < 0 ? QModelIndex() : this->index(row, index.column()));
        }
        changePersistentIndexList(before, after);
    }
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

std::vector<std::uint32_t> CandidatesModel::Rows::rowsInItemOrder() const
{
    if (inItemOrder)
        return {};
    // Not narrowed (see build()), so the items are [0, size()) in some order.
    std::vector<std::uint32_t> byItem(size());
    for (std::size_t row = 0; row < size(); ++row)
        byItem[itemAt(row)] = static_cast<std::uint32_t>(row);
    return byItem;
}

void CandidatesModel::Rows::permute(const std::vector<std::uint32_t>& order)
{
    inItemOrder = false;
    // One buffer goes round the columns: each column's old storage holds the next one's permutation.
    std::vector<std::uint32_t> permuted;
    auto permuteColumn = [&](std::vector<std::uint32_t>& column) {
        if (column.empty())
            return; // candidate in AllObjects mode
        permuted.resize(order.size());
        for (std::size_t k = 0; k < order.size(); ++k)
            permuted[k] = column[order[k]];
        column.swap(permuted);
    };
    permuteColumn(objects);
    permuteColumn(candidate);
    permuteColumn(group);
    permuteColumn(explanation);
}

std::vector<std::uint32_t> CandidatesModel::Rows::sortedOrder(int column, Qt::SortOrder order) const
{
    if (column == ReprColumn)
        return sortedByRepr(order);
    const std::vector<std::uint64_t> explanationRank =
        column == ExplanationColumn ? explanationRanks() : std::vector<std::uint64_t>();
    const Snapshot& s = analyzed->snapshot();
    const HeapAnalysis& analysis = analyzed->analysis();
    const std::size_t rows = objects.size();
    // The keys are read in item order, which is object order (itemAt()): the snapshot's columns front
    // to back, and a stable sort of the items leaves equal keys in object order, the tie rule. k counts
    // the rows in that order.
    const std::vector<std::uint32_t> byItem = rowsInItemOrder();
    auto rowOf = [&](std::size_t k) { return byItem.empty() ? static_cast<std::uint32_t>(k) : byItem[k]; };
    std::vector<KeyedItem> items(rows);
    // One loop per column, its key read straight from its column: no per-row choice of the column.
    auto fill = [&](auto keyOf) {
        for (std::size_t k = 0; k < rows; ++k)
            items[k] = {keyOf(k, objects[rowOf(k)]), static_cast<std::uint32_t>(k)};
    };
    // The numbers, keyed as the object columns order them (fieldKey() with its field known here).
    auto fillField = [&]<ObjectField F>() {
        fill([&](std::size_t, ObjectIndex object) -> std::uint64_t { return fieldKey(analysis, object, F); });
    };
    switch (column) {
    // Type names and library names sort by their precomputed ranks, not as text.
    case TypeColumn:
        fill([&](std::size_t, ObjectIndex object) -> std::uint64_t { return ranks->type[s.typeOf(object)]; });
        break;
    case LibraryColumn:
        fill([&](std::size_t, ObjectIndex object) -> std::uint64_t { return ranks->library[s.typeOf(object)]; });
        break;
    case ExplanationColumn:
        fill([&](std::size_t k, ObjectIndex) { return explanationRank[rowOf(k)]; });
        break;
    case AddressColumn: fillField.template operator()<ObjectField::Address>(); break;
    case SizeColumn: fillField.template operator()<ObjectField::Size>(); break;
    case RetainedColumn:
        if (const DominatorTree* dominators = analyzed->dominators())
            fill([&](std::size_t, ObjectIndex object) -> std::uint64_t { return dominators->retainedSize(object); });
        else // no tree: every key 0, so by object index
            fill([](std::size_t, ObjectIndex) -> std::uint64_t { return 0; });
        break;
    case RefcountColumn: fillField.template operator()<ObjectField::Refcount>(); break;
    case ReferrersColumn: fillField.template operator()<ObjectField::Referrers>(); break;
    case SurplusColumn: fillField.template operator()<ObjectField::Surplus>(); break;
    case ReferentsColumn: fillField.template operator()<ObjectField::Referents>(); break;
    // Unsorted: ties all the way, so by object index.
    default: fill([](std::size_t, ObjectIndex) -> std::uint64_t { return 0; }); break;
    }
    sortStably(items, order);
    std::vector<std::uint32_t> sorted(rows);
    for (std::size_t k = 0; k < rows; ++k)
        sorted[k] = rowOf(items[k].item);
    return sorted;
}

std::vector<std::uint64_t> CandidatesModel::Rows::explanationRanks() const
{
    // Few distinct (kind, detail) pairs and rules cover many candidates: rank the distinct texts once.
    const auto& explanations = analyzed->snapshot().columns().explanations;
    std::unordered_map<std::uint64_t, std::uint32_t> slotOfPair;
    std::unordered_map<const IgnoreRule*, std::uint32_t> slotOfRule;
    std::vector<std::string> texts;
    std::vector<std::uint32_t> slotOfRow(objects.size(), UINT32_MAX);
    for (std::size_t row = 0; row < objects.size(); ++row) {
        if (explanation[row] != kNoExplanation) {
            const ExplanationRecord& e = explanations[explanation[row]];
            const auto pair = (std::uint64_t(e.kind) << 32) | e.detail;
            auto [it, inserted] = slotOfPair.try_emplace(pair, static_cast<std::uint32_t>(texts.size()));
            if (inserted)
                explanationText(analyzed->snapshot(), e, texts.emplace_back());
            slotOfRow[row] = it->second;
        } else if (const IgnoreRule* rule = ignoringRuleAt(row)) {
            auto [it, inserted] = slotOfRule.try_emplace(rule, static_cast<std::uint32_t>(texts.size()));
            if (inserted)
                ignoredText(*rule, texts.emplace_back());
            slotOfRow[row] = it->second;
        }
    }
    std::vector<std::uint32_t> slots(texts.size());
    std::iota(slots.begin(), slots.end(), 0u);
    std::sort(slots.begin(), slots.end(), [&](std::uint32_t a, std::uint32_t b) { return texts[a] < texts[b]; });
    // Suspects (empty text) rank 0; equal texts from different pairs share a rank.
    std::vector<std::uint64_t> rankOfSlot(texts.size());
    std::uint64_t rank = 0;
    for (std::size_t k = 0; k < slots.size(); ++k) {
        if (k == 0 || texts[slots[k]] != texts[slots[k - 1]])
            ++rank;
        rankOfSlot[slots[k]] = rank;
    }
    std::vector<std::uint64_t> rankOfRow(objects.size(), 0);
    for (std::size_t row = 0; row < objects.size(); ++row) {
        if (slotOfRow[row] != UINT32_MAX)
            rankOfRow[row] = rankOfSlot[slotOfRow[row]];
    }
    return rankOfRow;
}

std::vector<std::uint32_t> CandidatesModel::Rows::sortedByRepr(Qt::SortOrder order) const
{
    // The reprs are read in item order, which is object order (itemAt()): the repr blob front to back.
    const Snapshot& s = analyzed->snapshot();
    const std::size_t rows = objects.size();
    const std::vector<std::uint32_t> byItem = rowsInItemOrder();
    auto rowOf = [&](std::size_t k) { return byItem.empty() ? static_cast<std::uint32_t>(k) : byItem[k]; };
    // Default reprs exist only as composed text: compose them once, side by side in one buffer.
    std::string composed;
    std::string scratch;
    std::vector<std::pair<std::size_t, std::size_t>> composedSpan(rows); // offset, length
    for (std::size_t item = 0; item < rows; ++item) {
        const ObjectIndex object = objects[rowOf(item)];
        if (!s.storedRepr(object).empty())
            continue;
        const std::string_view repr = displayRepr(s, object, scratch);
        composedSpan[item] = {composed.size(), repr.size()};
        composed += repr;
    }
    std::vector<std::string_view> reprs(rows); // by item
    std::vector<TextSortEntry> entries(rows);
    for (std::size_t item = 0; item < rows; ++item) {
        const ObjectIndex object = objects[rowOf(item)];
        std::string_view repr = s.storedRepr(object);
        if (repr.empty())
            repr = std::string_view(composed).substr(composedSpan[item].first, composedSpan[item].second);
        reprs[item] = repr;
        entries[item] = {prefixKey(repr), prefixKey(repr, 8), object, static_cast<std::uint32_t>(item)};
    }
    // Whole texts are compared only past equal sixteen-byte prefixes: reading them is a cache miss each.
    auto less = [&](const TextSortEntry& a, const TextSortEntry& b) {
        if (a.key != b.key)
            return a.key < b.key;
        if (a.nextKey != b.nextKey)
            return a.nextKey < b.nextKey;
        return reprs[a.row].size() > 16 && reprs[b.row].size() > 16 ? reprs[a.row].substr(16) < reprs[b.row].substr(16)
                                                                    : reprs[a.row] < reprs[b.row];
    };
    std::vector<std::uint32_t> sorted = textRowsInOrder(entries, order, less);
    for (std::uint32_t& row : sorted) // positions in item order to the rows that show them
        row = rowOf(row);
    return sorted;
}

} // namespace leakscope
