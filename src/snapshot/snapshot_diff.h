#pragma once

// Comparing two snapshots of one process, taken at two moments: which types grew, which suspects are
// new, and which objects gained references that no referrer in the snapshot accounts for. Rows are
// plain values holding indices into the two snapshots, so item models, the CLI's reports and a growth
// analysis over a series of snapshots can all sit on them. The rules are in docs/diff.md.

#include "analysis.h"
#include "snapshot.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace leakscope {

inline constexpr TypeIndex kNoType = UINT32_MAX;

// Which object of one snapshot is the same object in the other. Two objects are the same when they
// sit at the same address, their types have the same name and (when both snapshots know it) the
// same address, and their contents do not contradict it (see matchObjects()).
struct ObjectMatching
{
    std::vector<ObjectIndex> bOfA; // per object of A: the same object in B, or kNoObject
    std::vector<ObjectIndex> aOfB; // per object of B: the same object in A, or kNoObject
    std::size_t matched = 0;
    // Addresses present in both snapshots whose objects were told apart: the object of A was freed
    // and another one allocated where it was.
    std::size_t reusedAddresses = 0;
};

// O(N_a + N_b + E_a + E_b). Objects at the same address with the same type are the same object
// unless their contents show otherwise:
//  - both have an allocation traceback (tracemalloc) and the tracebacks differ;
//  - both have referents and not one referent address is common to the two;
//  - neither has referents, both have a recorded repr, and the reprs differ.
// An address that occurs twice in one snapshot (only a corrupt file can do that) matches nothing.
ObjectMatching matchObjects(const Snapshot& a, const Snapshot& b);

// Objects of one type name in the two snapshots. Types are matched by name ("module.qualname"),
// since type indices differ between snapshots; types that share a name (a class defined anew on each
// call) share a row.
struct TypeDeltaRow
{
    TypeIndex typeA = kNoType; // the first type of A with this name, or kNoType when A has none
    TypeIndex typeB = kNoType; // likewise in B
    std::uint64_t countA = 0;
    std::uint64_t countB = 0;
    std::uint64_t bytesA = 0;
    std::uint64_t bytesB = 0;
    std::uint64_t added = 0;   // objects of B that no object of A matches
    std::uint64_t removed = 0; // objects of A that no object of B matches (freed)
    std::uint64_t suspectsA = 0;
    std::uint64_t suspectsB = 0;

    std::int64_t countDelta() const { return static_cast<std::int64_t>(countB) - static_cast<std::int64_t>(countA); }
    std::int64_t bytesDelta() const { return static_cast<std::int64_t>(bytesB) - static_cast<std::int64_t>(bytesA); }
    bool unchanged() const { return countA == countB && bytesA == bytesB && added == 0 && removed == 0; }
};

// What a new suspect of B was in A.
enum class PriorState : std::uint8_t {
    Absent,     // no object of A is the same object: allocated in between
    Referenced, // some object of A referred to it: it lost its last referrer in between
    Untracked,  // the collector did not track it in A, so it was no candidate
    Explained,  // a candidate of A that an explanation covered
    Ignored,    // a candidate of A that an ignore rule matched
};
// "absent", "referenced", "untracked", "explained", "ignored".
std::string_view priorStateName(PriorState state);

struct NewSuspectRow
{
    ObjectIndex b = 0;         // the suspect, in B
    ObjectIndex a = kNoObject; // the same object in A, if any
    PriorState before = PriorState::Absent;
};

// Why some or all of an object's surplus growth is no evidence of a leak (docs/diff.md, "What growth
// is not evidence").
enum class GrowthDiscount : std::uint8_t {
    None,
    // The object holds no references (a str, int, float, complex, bytes or bool): code objects,
    // untracked tuples and dicts, and the interpreter's interned-string table hold such objects
    // routinely, and none of them records its references in a snapshot.
    AtomicObject,
    // The object is not tracked by the collector in B, so objects that record no references can hold
    // it (an untracked tuple, a numpy array holding its dtype, a code object); such objects held it
    // already in A (its surplus in A is above 0), and B has new ones: up to one reference each is
    // accounted for.
    UnrecordedHolders,
};
// "", "atomic-object", "unrecorded-holders".
std::string_view growthDiscountName(GrowthDiscount discount);

// An object present in both whose refcount grew more than its referrers did: references that no
// object of the snapshot accounts for were added in between. growth = Δrefcount − Δreferrers, with
// referrers counted per edge as HeapAnalysis::referrerCount() does; always > 0 in a SnapshotDiff.
// explained (0..growth) is the part that objects recording no references may account for.
struct SurplusGrowthRow
{
    ObjectIndex a = 0;
    ObjectIndex b = 0;
    std::int64_t growth = 0;
    std::int64_t explained = 0;
    GrowthDiscount discount = GrowthDiscount::None;

    std::int64_t unexplained() const { return growth - explained; }
};

// True for the types whose instances hold no references to other objects, by name: builtins.str,
// int, float, complex, bytes and bool.
bool isAtomicTypeName(std::string_view name);

// The difference from snapshot A (earlier) to snapshot B (later), computed on construction in
// O(N_a + N_b + E_a + E_b) (plus sorting the rows). Both analyses must use the same ignore rules to
// make sense, and must outlive the diff, unchanged.
class SnapshotDiff
{
public:
    SnapshotDiff(const HeapAnalysis& a, const HeapAnalysis& b);

    const HeapAnalysis& a() const { return *m_a; }
    const HeapAnalysis& b() const { return *m_b; }
    const ObjectMatching& matching() const { return m_matching; }

    // Every type name present in either snapshot, unchanged ones too, in typeOrder().
    const std::vector<TypeDeltaRow>& types() const { return m_types; }
    // Suspects of B that were not suspects of A (absent, or something else there), in the order of
    // the report: the types with the most new suspects first, then by type name, then by address.
    const std::vector<NewSuspectRow>& newSuspects() const { return m_newSuspects; }
    // Objects in both whose surplus grew by more than what objects recording no references may
    // account for, and whose refcount is not immortal in either snapshot: the evidence. Largest
    // unexplained growth first, then the largest growth, then by address in B.
    const std::vector<SurplusGrowthRow>& surplusGrowth() const { return m_surplusGrowth; }
    // Objects in both whose whole surplus growth is accounted for that way (explained == growth):
    // largest growth first, then by address in B.
    const std::vector<SurplusGrowthRow>& discountedGrowth() const { return m_discountedGrowth; }
    // Objects of B that no object of A is, that the collector does not track and that can hold
    // references (not of an atomic type): the holders whose references no snapshot records.
    std::size_t newUnrecordedHolders() const { return m_newUnrecordedHolders; }

    // The name of a row's type.
    std::string_view typeName(const TypeDeltaRow& row) const;
    std::size_t unchangedTypeCount() const;

private:
    const HeapAnalysis* m_a;
    const HeapAnalysis* m_b;
    ObjectMatching m_matching;
    std::vector<TypeDeltaRow> m_types;
    std::vector<NewSuspectRow> m_newSuspects;
    std::vector<SurplusGrowthRow> m_surplusGrowth;
    std::vector<SurplusGrowthRow> m_discountedGrowth;
    std::size_t m_newUnrecordedHolders = 0;
};

// The order of SnapshotDiff::types(): the largest count change first (by magnitude; growth before
// shrinking at equal magnitude), then the largest byte change, then by name.
bool typeOrder(const TypeDeltaRow& x, const TypeDeltaRow& y, std::string_view nameX, std::string_view nameY);

} // namespace leakscope
