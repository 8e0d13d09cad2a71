#pragma once

// Growth over a series of snapshots of one process, each taken after one more round of the same
// workload (leakscope.iterate, the pytest plugin, or files saved that way): snapshot 0 follows the
// warm-up, snapshots 1..R follow the measured rounds. What grows in *every* round is a leak; what
// fills once (a cache, a fixture) stops growing after the warm-up and is not reported. Built on
// SnapshotDiff, one diff per round, so a series saved to files and a series made live give the same
// answer. The rules are in docs/growth.md.

#include "analysis.h"
#include "snapshot_diff.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace leakscope {

// Objects of one type name whose count rose in every round.
struct GrowingTypeRow
{
    std::string typeName;              // "module.qualname"
    std::vector<std::uint64_t> counts; // per snapshot, 0..R
    std::vector<std::uint64_t> bytes;  // per snapshot, 0..R
    // counts[k] - counts[k - 1] for k = 1..R, each above 0
    std::vector<std::int64_t> increases() const;
};

// Leak suspects new since the previous snapshot, of one type name, found in every round: the leaked
// objects themselves. A new suspect counts when it became an orphan during the round and stayed
// alive: allocated in between (PriorState::Absent, the object a C extension leaks) or having lost
// its last referrer in between (PriorState::Referenced); not when it was alive and unseen already
// (Untracked, Explained, Ignored).
struct LeakedObjectsRow
{
    std::string typeName;
    std::vector<std::uint64_t> perRound; // such new suspects of this type in round 1..R, each above 0
    // The new suspects of the last round, as indices into the last snapshot, by address.
    std::vector<ObjectIndex> objects;
};

// One object present in every snapshot of the series whose surplus (refcount - referrers) grew in
// every round by more than objects recording no references can account for (SnapshotDiff's
// surplusGrowth()): a reference leaked on a live object, once per round.
struct SurplusSeriesRow
{
    ObjectIndex object = 0;             // in the last snapshot
    std::vector<std::int64_t> growth;   // per round 1..R, each above 0
    std::vector<std::int64_t> surplus;  // per snapshot 0..R
};

// Feed snapshots in order with add(); each round costs one SnapshotDiff against the previous one,
// and only the last two analyses are held, so a long series does not hold every snapshot.
class GrowthAnalysis
{
public:
    GrowthAnalysis() = default;

    // The next snapshot of the series (the first is the baseline after the warm-up). All analyses
    // must use the same ignore rules, and each must keep its snapshot alive (an aliasing shared_ptr
    // that owns both, say). The analysis is kept until the add() after next. Throws
    // std::invalid_argument for a null analysis; on an exception the rows are as they were.
    void add(std::shared_ptr<const HeapAnalysis> analysis);

    // Measured rounds so far: snapshots added minus one (0 before two are added).
    std::size_t rounds() const;
    // The last snapshot added (the object indices of the rows refer to it); null before add().
    const HeapAnalysis* last() const { return m_last.get(); }

    // Rows as of the last add(). Empty until a round has been measured. Copies of a GrowthAnalysis
    // are independent: add() on one leaves the others alone.
    // Largest total increase first, then by name.
    const std::vector<GrowingTypeRow>& growingTypes() const { return m_growingTypes; }
    // Most leaked objects in the last round first, then by name.
    const std::vector<LeakedObjectsRow>& leakedObjects() const { return m_leakedObjects; }
    // Largest total growth first, then by address.
    const std::vector<SurplusSeriesRow>& surplusGrowth() const { return m_surplusGrowth; }

    // Some leaked object or some surplus growth was found: the evidence of a leak. Types that grow
    // without new suspects (objects kept in a list that grows, say) are reported but are no evidence
    // by themselves.
    bool leaks() const { return !m_leakedObjects.empty() || !m_surplusGrowth.empty(); }

private:
    std::shared_ptr<const HeapAnalysis> m_previous;
    std::shared_ptr<const HeapAnalysis> m_last;
    // Implementation state (per type name counts, per-round new suspects, surviving surplus chains)
    // is private to growth.cpp.
    struct State;
    std::shared_ptr<State> m_state;
    std::vector<GrowingTypeRow> m_growingTypes;
    std::vector<LeakedObjectsRow> m_leakedObjects;
    std::vector<SurplusSeriesRow> m_surplusGrowth;
};

inline constexpr int kGrowthReportVersion = 1;

struct GrowthReportOptions
{
    std::string title;              // e.g. the iterate label or the test's node id; may be empty
    std::size_t objectsPerRow = 5;  // leaked objects listed under each row (repr, C origin, site)
    std::size_t limit = 0;          // at most this many rows per section; 0: all
};

// A short text for terminals and str(): one line of verdict, then the three sections (omitted when
// empty), each object with its type, address, repr, C origin and allocation site when known.
std::string growthText(const GrowthAnalysis& growth, const GrowthReportOptions& options);
// Versioned JSON (docs/growth.md): {"format":"leakscope-growth","version":1,"title":...,"rounds":R,
// "leaks":bool,"totals":{...},"last_snapshot":{...},"leaked_objects":[...],"surplus_growth":[...],
// "growing_types":[...]}; objects are written as the report writes candidates, options.limit and
// options.objectsPerRow apply as in the text.
std::string growthJson(const GrowthAnalysis& growth, const GrowthReportOptions& options);

} // namespace leakscope
