#pragma once

#include "analyzed_snapshot.h"

#include "snapshot/snapshot_diff.h"

#include <cstdint>
#include <memory>

namespace leakscope {

// Two analysed snapshots of a session and the SnapshotDiff between them, kept together: the diff refers
// to both analyses, so whoever holds it must hold them. Immutable once built, so it can be computed off
// the GUI thread and shared by the comparison's models.
class SnapshotComparison
{
public:
    // Runs the diff (O(N_a + N_b + E_a + E_b)). a is the earlier snapshot, b the later one; neither may
    // be null, and both should be analysed with the same ignore rules. indexA and indexB say where the
    // session keeps them (-1: nowhere), for the views that go to an object of b.
    SnapshotComparison(AnalyzedSnapshotPtr a, AnalyzedSnapshotPtr b, int indexA = -1, int indexB = -1);
    SnapshotComparison(const SnapshotComparison&) = delete;
    SnapshotComparison& operator=(const SnapshotComparison&) = delete;

    const AnalyzedSnapshot& a() const { return *m_a; }
    const AnalyzedSnapshot& b() const { return *m_b; }
    const AnalyzedSnapshotPtr& aPtr() const { return m_a; }
    const AnalyzedSnapshotPtr& bPtr() const { return m_b; }
    int indexA() const { return m_indexA; }
    int indexB() const { return m_indexB; }
    const SnapshotDiff& diff() const { return m_diff; }

    // Totals of each snapshot, for the comparison's summary line.
    struct Totals
    {
        std::uint64_t objects = 0;
        std::uint64_t bytes = 0;
        std::uint64_t suspects = 0;
    };
    const Totals& totalsA() const { return m_totalsA; }
    const Totals& totalsB() const { return m_totalsB; }

private:
    AnalyzedSnapshotPtr m_a; // declared before m_diff, which refers to both analyses
    AnalyzedSnapshotPtr m_b;
    int m_indexA;
    int m_indexB;
    SnapshotDiff m_diff;
    Totals m_totalsA;
    Totals m_totalsB;
};

using SnapshotComparisonPtr = std::shared_ptr<const SnapshotComparison>;

// Compares a with b; when either was analysed with other rules than rules, it is analysed again with
// rules first, so both sides agree on what a suspect is. Null when a or b is null. Meant to run off
// the GUI thread: it may take O(N + E) twice more.
SnapshotComparisonPtr compareSnapshots(
    AnalyzedSnapshotPtr a, AnalyzedSnapshotPtr b, const IgnoreRulesPtr& rules, int indexA = -1, int indexB = -1);

} // namespace leakscope
