#include "snapshot_comparison.h"

namespace leakscope {

namespace {

SnapshotComparison::Totals totalsOf(const AnalyzedSnapshot& analyzed)
{
    SnapshotComparison::Totals totals;
    const Snapshot& snapshot = analyzed.snapshot();
    totals.objects = snapshot.objectCount();
    for (ObjectIndex i = 0; i < snapshot.objectCount(); ++i)
        totals.bytes += snapshot.size(i);
    totals.suspects = analyzed.analysis().suspectCount();
    return totals;
}

} // namespace

SnapshotComparison::SnapshotComparison(AnalyzedSnapshotPtr a, AnalyzedSnapshotPtr b, int indexA, int indexB)
    : m_a(std::move(a))
    , m_b(std::move(b))
    , m_indexA(indexA)
    , m_indexB(indexB)
    , m_diff(m_a->analysis(), m_b->analysis())
    , m_totalsA(totalsOf(*m_a))
    , m_totalsB(totalsOf(*m_b))
{
}

SnapshotComparisonPtr compareSnapshots(
    AnalyzedSnapshotPtr a, AnalyzedSnapshotPtr b, const IgnoreRulesPtr& rules, int indexA, int indexB)
{
    if (!a || !b)
        return nullptr;
    if (a->ignoreRules() != rules)
        a = analyzeSnapshot(a->snapshotPtr(), rules);
    if (b->ignoreRules() != rules)
        b = analyzeSnapshot(b->snapshotPtr(), rules);
    return std::make_shared<const SnapshotComparison>(std::move(a), std::move(b), indexA, indexB);
}

} // namespace leakscope
