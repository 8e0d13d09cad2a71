#pragma once

#include "ignore_rules.h"
#include "snapshot.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace leakscope {

// Refcounts from this value up count no references. CPython 3.11 allocates some objects statically
// (small ints, the empty bytes and str, one-character strings, the empty tuple...) with a refcount of
// 999,999,999 that references then move a little either way; 3.12 made such objects immortal, with
// refcounts of 2^30 - 1 (3.12), 2^32 - 1 (3.13) or 3 * 2^30 (3.14) that never come down. 2^29 sits
// well below all of them and far above any count real references reach (it takes 4 GiB of pointers).
inline constexpr std::uint64_t kImmortalRefcount = 1ULL << 29;

// Why an object's surplus (references no referrer in the snapshot accounts for) is what the
// interpreter's own holders produce, not evidence of a leaked reference. The holders behind these
// causes are objects the snapshot does not look into.
enum class SurplusCause : std::uint8_t {
    Unexplained, // no known cause: a positive surplus is worth a look (also: a surplus of 0 or less)
    Explained,   // a candidate whose recorded explanation names what holds it
    HoldsNothing, // an object of a type whose instances hold no references (str, int, bytes...): code
                  // objects and containers the collector does not track hold such objects unseen
    TypeObject,  // a type: instances of static types, and of many extension types, hold their type
                 // without reporting it, as do static subclasses and the interpreter's caches
    ConstantTuple, // a tuple the collector does not track (it holds only untracked objects), as the
                   // constants of code objects are
};

// A stable machine name ("unexplained", "explained", "holds-nothing", "type", "constant-tuple") and a
// sentence for people, for reports and the window.
std::string_view surplusCauseName(SurplusCause cause);
std::string_view surplusCauseDescription(SurplusCause cause);

struct TypeSummaryRow
{
    TypeIndex type = 0;
    std::uint64_t count = 0;
    std::uint64_t bytes = 0;
    std::uint64_t candidates = 0;
    std::uint64_t suspects = 0; // HeapAnalysis::isSuspect()
};

// The leak-candidate analysis of one snapshot, computed in O(N + E) on construction.
// A candidate is a gc-tracked object that no object in the snapshot refers to; a suspect is a
// candidate that no explanation covers and no ignore rule matches.
class HeapAnalysis
{
public:
    explicit HeapAnalysis(const Snapshot& snapshot);
    // With ignore rules (null: none), applied to the candidates in O(candidates × rules) after the
    // O(N + E) pass. Like the snapshot, the rules must outlive the analysis, unchanged.
    HeapAnalysis(const Snapshot& snapshot, const IgnoreRules* rules);

    const Snapshot& snapshot() const { return m_snapshot; }

    // Number of edges into the object (an object held twice by one list counts twice).
    std::uint32_t referrerCount(ObjectIndex i) const { return m_inDegree[i]; }
    // References not accounted for by any referrer in the snapshot: held by C code, by objects
    // outside the snapshot (code objects, frames), or leaked.
    std::int64_t surplus(ObjectIndex i) const
    {
        return static_cast<std::int64_t>(m_snapshot.refcount(i)) - static_cast<std::int64_t>(m_inDegree[i]);
    }
    // A statically allocated or immortal object (see kImmortalRefcount): its refcount, and so its
    // surplus, says nothing about who holds it. Never true for a snapshot of a Python older than 3.11.
    bool hasImmortalRefcount(ObjectIndex i) const { return m_snapshot.refcount(i) >= m_immortalRefcount; }
    // Why object i's positive surplus is expected; Unexplained when it is not, when the surplus is 0
    // or less, and for immortal objects (whose surplus means nothing: hasImmortalRefcount()).
    // O(1), O(log explanations) for a candidate.
    SurplusCause surplusCause(ObjectIndex i) const;

    const std::vector<ObjectIndex>& candidates() const { return m_candidates; } // by object index
    bool isCandidate(ObjectIndex i) const { return m_snapshot.isCandidateKind(i) && m_inDegree[i] == 0; }
    bool isSuspect(ObjectIndex i) const { return isCandidate(i) && !m_snapshot.explanation(i) && !ignoredBy(i); }
    std::size_t suspectCount() const { return m_suspects; }

    // The rules given at construction, or null.
    const IgnoreRules* ignoreRules() const { return m_rules; }
    // The first rule that matches candidate i, explained or not; null for objects no rule matches and
    // for objects that are not candidates. O(log ignoredCount()).
    const IgnoreRule* ignoredBy(ObjectIndex i) const { return m_ignored.empty() ? nullptr : findIgnored(i); }
    // Candidates some rule matches, explained ones included.
    std::size_t ignoredCount() const { return m_ignored.size(); }
    // Rules a regular expression of which hit its match limit on some candidates (so they did not
    // ignore them), in rule order; empty when every rule was decided on every candidate.
    const std::vector<RuleLimitHit>& ruleLimitHits() const { return m_ruleLimitHits; }

    // One row per type present, ordered by type index.
    std::vector<TypeSummaryRow> typeSummary() const;

private:
    const IgnoreRule* findIgnored(ObjectIndex i) const;

    const Snapshot& m_snapshot;
    const IgnoreRules* m_rules = nullptr;
    std::uint64_t m_immortalRefcount = kImmortalRefcount; // UINT64_MAX before Python 3.11
    bool m_typeKindsRecorded = false; // some type has GcType: the snapshot says which types hold nothing
    std::vector<std::uint32_t> m_inDegree;
    std::vector<ObjectIndex> m_candidates;
    std::vector<IgnoreMatch> m_ignored; // by object, like m_candidates
    std::vector<RuleLimitHit> m_ruleLimitHits;
    std::size_t m_suspects = 0;
};

// Reverse adjacency ("who refers to this?"), built on demand in O(N + E).
class ReferrerIndex
{
public:
    explicit ReferrerIndex(const Snapshot& snapshot);

    // Referrers in increasing index order; a referrer appears once per edge.
    std::span<const ObjectIndex> referrers(ObjectIndex i) const
    {
        return {m_referrers.data() + m_offsets[i], m_offsets[i + 1] - m_offsets[i]};
    }
    std::size_t memoryBytes() const;

private:
    std::vector<std::uint32_t> m_offsets;
    std::vector<ObjectIndex> m_referrers;
};

} // namespace leakscope
