#include "snapshot_diff.h"

#include <algorithm>
#include <bit>
#include <string>
#include <unordered_map>

namespace leakscope {

namespace {

// Marks an A object whose address two objects of B claim (only a corrupt file can do that).
constexpr ObjectIndex kConflict = kNoObject - 1;

// Address -> object of one snapshot, open addressing over two flat arrays: one allocation for the
// whole snapshot instead of one node per object. An address that occurs twice finds nothing.
class AddressTable
{
public:
    explicit AddressTable(const Snapshot& s)
    {
        std::size_t capacity = 16;
        while (capacity < 2 * s.objectCount())
            capacity *= 2;
        m_shift = 64 - std::countr_zero(capacity);
        m_keys.resize(capacity);
        m_values.assign(capacity, kNoObject);
        for (ObjectIndex i = 0; i < s.objectCount(); ++i) {
            std::size_t slot = slotOf(s.address(i));
            while (m_values[slot] != kNoObject && m_keys[slot] != s.address(i))
                slot = (slot + 1) & (capacity - 1);
            m_values[slot] = m_values[slot] == kNoObject ? i : kConflict;
            m_keys[slot] = s.address(i);
        }
    }

    // The object at address, or kNoObject when there is none or more than one.
    ObjectIndex find(std::uint64_t address) const
    {
        for (std::size_t slot = slotOf(address);; slot = (slot + 1) & (m_keys.size() - 1)) {
            if (m_values[slot] == kNoObject)
                return kNoObject;
            if (m_keys[slot] == address)
                return m_values[slot] == kConflict ? kNoObject : m_values[slot];
        }
    }

private:
    std::size_t slotOf(std::uint64_t address) const
    {
        // Objects are 16-byte aligned: the low bits carry nothing, a multiplicative hash spreads the rest.
        return static_cast<std::size_t>(((address >> 4) * 0x9E3779B97F4A7C15ULL) >> m_shift);
    }

    std::vector<std::uint64_t> m_keys;
    std::vector<ObjectIndex> m_values;
    int m_shift = 60;
};

// One id per type name, shared by the two snapshots: the rows of the type table of the diff.
struct TypeNames
{
    std::vector<std::uint32_t> rowOfA; // per type of A
    std::vector<std::uint32_t> rowOfB;
    std::vector<TypeDeltaRow> rows;
};

TypeNames nameTypes(const Snapshot& a, const Snapshot& b)
{
    TypeNames names;
    std::unordered_map<std::string_view, std::uint32_t> byName;
    byName.reserve(a.typeCount() + b.typeCount());
    auto rowOf = [&](std::string_view name) {
        const auto [it, inserted] = byName.try_emplace(name, static_cast<std::uint32_t>(names.rows.size()));
        if (inserted)
            names.rows.emplace_back();
        return it->second;
    };
    names.rowOfA.resize(a.typeCount());
    for (TypeIndex t = 0; t < a.typeCount(); ++t) {
        const std::uint32_t row = names.rowOfA[t] = rowOf(a.typeName(t));
        if (names.rows[row].typeA == kNoType)
            names.rows[row].typeA = t;
    }
    names.rowOfB.resize(b.typeCount());
    for (TypeIndex t = 0; t < b.typeCount(); ++t) {
        const std::uint32_t row = names.rowOfB[t] = rowOf(b.typeName(t));
        if (names.rows[row].typeB == kNoType)
            names.rows[row].typeB = t;
    }
    return names;
}

bool sameTracebacks(const Snapshot& a, ObjectIndex i, const Snapshot& b, ObjectIndex j)
{
    const auto x = a.allocationSite(i), y = b.allocationSite(j);
    if (x.empty() || y.empty())
        return true; // no evidence either way
    if (x.size() != y.size())
        return false;
    for (std::size_t k = 0; k < x.size(); ++k) {
        if (x[k].line != y[k].line || a.string(x[k].file) != b.string(y[k].file)
            || a.string(x[k].function) != b.string(y[k].function))
            return false;
    }
    return true;
}

// Referents of i other than its own class.
std::size_t contentReferents(const Snapshot& s, ObjectIndex i, std::uint64_t typeAddress)
{
    const auto referents = s.referents(i);
    return static_cast<std::size_t>(std::count_if(referents.begin(), referents.end(), [&](ObjectIndex r) {
        return s.address(r) != typeAddress;
    }));
}

ObjectMatching match(const Snapshot& a, const Snapshot& b, const TypeNames& names)
{
    ObjectMatching m;
    m.bOfA.assign(a.objectCount(), kNoObject);
    m.aOfB.assign(b.objectCount(), kNoObject);

    // The raw join on addresses alone: referents are compared through it.
    const AddressTable tableA(a);
    std::vector<ObjectIndex> atAddressInB(a.objectCount(), kNoObject);
    for (ObjectIndex j = 0; j < b.objectCount(); ++j) {
        const ObjectIndex i = tableA.find(b.address(j));
        if (i != kNoObject)
            atAddressInB[i] = atAddressInB[i] == kNoObject ? j : kConflict;
    }

    // stamp[r] == j while the referents of j are being compared: no per-object set.
    std::vector<ObjectIndex> stamp(b.objectCount(), kNoObject);
    for (ObjectIndex j = 0; j < b.objectCount(); ++j) {
        const ObjectIndex i = tableA.find(b.address(j));
        if (i == kNoObject || atAddressInB[i] != j)
            continue;
        const TypeIndex typeA = a.typeOf(i), typeB = b.typeOf(j);
        const std::uint64_t typeAddressA = a.type(typeA).address, typeAddressB = b.type(typeB).address;
        bool same = names.rowOfA[typeA] == names.rowOfB[typeB]
            && (typeAddressA == 0 || typeAddressB == 0 || typeAddressA == typeAddressB) && sameTracebacks(a, i, b, j);
        // Every instance of a class refers to the class: that referent says nothing about identity.
        const std::size_t ownA = contentReferents(a, i, typeAddressA), ownB = contentReferents(b, j, typeAddressB);
        if (same && ownA > 0 && ownB > 0) {
            for (ObjectIndex r : b.referents(j))
                stamp[r] = j;
            const auto referentsA = a.referents(i);
            same = std::any_of(referentsA.begin(), referentsA.end(), [&](ObjectIndex r) {
                const ObjectIndex rb = atAddressInB[r];
                return a.address(r) != typeAddressA && rb != kNoObject && rb != kConflict && stamp[rb] == j;
            });
        } else if (same && ownA == 0 && ownB == 0) {
            const std::string_view reprA = a.storedRepr(i), reprB = b.storedRepr(j);
            same = reprA.empty() || reprB.empty() || reprA == reprB;
        }
        if (same) {
            m.bOfA[i] = j;
            m.aOfB[j] = i;
            ++m.matched;
        } else {
            ++m.reusedAddresses;
        }
    }
    return m;
}

PriorState priorState(const HeapAnalysis& a, ObjectIndex i)
{
    if (i == kNoObject)
        return PriorState::Absent;
    if (!a.snapshot().isCandidateKind(i)) // untracked orphans are candidates like tracked objects
        return PriorState::Untracked;
    if (!a.isCandidate(i))
        return PriorState::Referenced;
    return a.snapshot().explanation(i) ? PriorState::Explained : PriorState::Ignored;
}

// Per type of s: instances hold no references (isAtomicTypeName()).
std::vector<bool> atomicTypes(const Snapshot& s)
{
    std::vector<bool> atomic(s.typeCount());
    for (TypeIndex t = 0; t < s.typeCount(); ++t)
        atomic[t] = isAtomicTypeName(s.typeName(t));
    return atomic;
}

std::uint64_t magnitude(std::int64_t value)
{
    return value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
}

} // namespace

ObjectMatching matchObjects(const Snapshot& a, const Snapshot& b)
{
    return match(a, b, nameTypes(a, b));
}

std::string_view priorStateName(PriorState state)
{
    switch (state) {
    case PriorState::Absent: return "absent";
    case PriorState::Referenced: return "referenced";
    case PriorState::Untracked: return "untracked";
    case PriorState::Explained: return "explained";
    case PriorState::Ignored: return "ignored";
    }
    return "absent";
}

std::string_view growthDiscountName(GrowthDiscount discount)
{
    switch (discount) {
    case GrowthDiscount::None: return "";
    case GrowthDiscount::AtomicObject: return "atomic-object";
    case GrowthDiscount::UnrecordedHolders: return "unrecorded-holders";
    }
    return "";
}

bool isAtomicTypeName(std::string_view name)
{
    for (std::string_view atomic : {"builtins.str", "builtins.int", "builtins.float", "builtins.complex",
                                    "builtins.bytes", "builtins.bool"}) {
        if (name == atomic)
            return true;
    }
    return false;
}

bool typeOrder(const TypeDeltaRow& x, const TypeDeltaRow& y, std::string_view nameX, std::string_view nameY)
{
    const std::int64_t countX = x.countDelta(), countY = y.countDelta();
    if (magnitude(countX) != magnitude(countY))
        return magnitude(countX) > magnitude(countY);
    if (countX != countY)
        return countX > countY;
    const std::int64_t bytesX = x.bytesDelta(), bytesY = y.bytesDelta();
    if (magnitude(bytesX) != magnitude(bytesY))
        return magnitude(bytesX) > magnitude(bytesY);
    if (bytesX != bytesY)
        return bytesX > bytesY;
    return nameX < nameY;
}

SnapshotDiff::SnapshotDiff(const HeapAnalysis& a, const HeapAnalysis& b)
    : m_a(&a)
    , m_b(&b)
{
    const Snapshot& sa = a.snapshot();
    const Snapshot& sb = b.snapshot();
    TypeNames names = nameTypes(sa, sb);
    m_matching = match(sa, sb, names);

    for (const TypeSummaryRow& summary : a.typeSummary()) {
        TypeDeltaRow& row = names.rows[names.rowOfA[summary.type]];
        row.countA += summary.count;
        row.bytesA += summary.bytes;
        row.suspectsA += summary.suspects;
    }
    for (const TypeSummaryRow& summary : b.typeSummary()) {
        TypeDeltaRow& row = names.rows[names.rowOfB[summary.type]];
        row.countB += summary.count;
        row.bytesB += summary.bytes;
        row.suspectsB += summary.suspects;
    }
    for (ObjectIndex i = 0; i < sa.objectCount(); ++i) {
        if (m_matching.bOfA[i] == kNoObject)
            ++names.rows[names.rowOfA[sa.typeOf(i)]].removed;
    }
    // References from objects that record none (not tracked: no referents in the snapshot) are
    // invisible; new such objects that can hold references bound the growth they may account for.
    const std::vector<bool> atomicB = atomicTypes(sb);
    for (ObjectIndex j = 0; j < sb.objectCount(); ++j) {
        if (m_matching.aOfB[j] == kNoObject && !sb.isGcTracked(j) && !atomicB[sb.typeOf(j)])
            ++m_newUnrecordedHolders;
    }
    std::vector<std::uint64_t> newSuspectsOfRow(names.rows.size(), 0);
    for (ObjectIndex j = 0; j < sb.objectCount(); ++j) {
        const ObjectIndex i = m_matching.aOfB[j];
        if (i == kNoObject)
            ++names.rows[names.rowOfB[sb.typeOf(j)]].added;
        if (b.isSuspect(j) && (i == kNoObject || !a.isSuspect(i))) {
            m_newSuspects.push_back({j, i, priorState(a, i)});
            ++newSuspectsOfRow[names.rowOfB[sb.typeOf(j)]];
        }
        if (i == kNoObject || a.hasImmortalRefcount(i) || b.hasImmortalRefcount(j))
            continue;
        SurplusGrowthRow row{i, j, b.surplus(j) - a.surplus(i)}; // growth = Δrefcount − Δreferrers
        if (row.growth <= 0)
            continue;
        if (atomicB[sb.typeOf(j)]) {
            row.explained = row.growth;
            row.discount = GrowthDiscount::AtomicObject;
        } else if (!sb.isGcTracked(j) && m_newUnrecordedHolders > 0 && a.surplus(i) > 0) {
            // Only an object that something the snapshot cannot see held already in A: the kind of
            // object such holders hold (a dtype its arrays, a class its instances). One that had no
            // such reference then gains none legitimately from new objects of the same kinds.
            row.explained = std::min(row.growth, static_cast<std::int64_t>(m_newUnrecordedHolders));
            row.discount = GrowthDiscount::UnrecordedHolders;
        }
        (row.unexplained() > 0 ? m_surplusGrowth : m_discountedGrowth).push_back(row);
    }

    // A leak repeats with the work that leaks: the types with the most new suspects first.
    std::sort(m_newSuspects.begin(), m_newSuspects.end(), [&](const NewSuspectRow& x, const NewSuspectRow& y) {
        const std::uint32_t rowX = names.rowOfB[sb.typeOf(x.b)], rowY = names.rowOfB[sb.typeOf(y.b)];
        if (rowX != rowY) {
            if (newSuspectsOfRow[rowX] != newSuspectsOfRow[rowY])
                return newSuspectsOfRow[rowX] > newSuspectsOfRow[rowY];
            return sb.typeNameOf(x.b) < sb.typeNameOf(y.b);
        }
        return sb.address(x.b) < sb.address(y.b);
    });
    std::sort(m_surplusGrowth.begin(), m_surplusGrowth.end(), [&](const SurplusGrowthRow& x, const SurplusGrowthRow& y) {
        if (x.unexplained() != y.unexplained())
            return x.unexplained() > y.unexplained();
        if (x.growth != y.growth)
            return x.growth > y.growth;
        return sb.address(x.b) < sb.address(y.b);
    });
    std::sort(m_discountedGrowth.begin(), m_discountedGrowth.end(),
              [&](const SurplusGrowthRow& x, const SurplusGrowthRow& y) {
                  if (x.growth != y.growth)
                      return x.growth > y.growth;
                  return sb.address(x.b) < sb.address(y.b);
              });
    m_types = std::move(names.rows);
    std::sort(m_types.begin(), m_types.end(), [&](const TypeDeltaRow& x, const TypeDeltaRow& y) {
        return typeOrder(x, y, typeName(x), typeName(y));
    });
}

std::string_view SnapshotDiff::typeName(const TypeDeltaRow& row) const
{
    return row.typeB != kNoType ? m_b->snapshot().typeName(row.typeB) : m_a->snapshot().typeName(row.typeA);
}

std::size_t SnapshotDiff::unchangedTypeCount() const
{
    return static_cast<std::size_t>(std::count_if(m_types.begin(), m_types.end(), [](const TypeDeltaRow& row) {
        return row.unchanged();
    }));
}

} // namespace leakscope
