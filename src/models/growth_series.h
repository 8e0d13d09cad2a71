#pragma once

#include "analyzed_snapshot.h"

#include "snapshot/growth.h"

#include <QtCore/QList>
#include <QtCore/QString>

#include <memory>
#include <vector>

namespace leakscope {

// A growth analysis over snapshots of a session (GrowthAnalysis, one round per snapshot after the
// first), with what the views need to name it: where the session keeps the snapshots, the title, the
// rules it was made with. Immutable once built, so it can be computed off the GUI thread and shared by
// the Growth view's models. The rows' object indices refer to last().
class GrowthSeries
{
public:
    // Feeds the analyses in the order given (each analysed with rules first when it was analysed
    // with other rules). snapshots: where the session keeps them, in the same order (-1: nowhere);
    // title names the series ("snapshots 3–7", a series' label). Needs at least one analysis.
    GrowthSeries(const std::vector<AnalyzedSnapshotPtr>& analyses, const IgnoreRulesPtr& rules, QList<int> snapshots,
        QString title);
    GrowthSeries(const GrowthSeries&) = delete;
    GrowthSeries& operator=(const GrowthSeries&) = delete;

    const GrowthAnalysis& growth() const { return m_growth; }
    // The last snapshot of the series, as analysed for the growth; the rows' objects are its objects.
    const AnalyzedSnapshot& last() const { return *m_last; }
    const AnalyzedSnapshotPtr& lastPtr() const { return m_last; }
    const IgnoreRulesPtr& rules() const { return m_rules; }
    // The session's indexes of the snapshots, in the order analysed; the last names last().
    const QList<int>& snapshots() const { return m_snapshots; }
    int lastSnapshot() const { return m_snapshots.isEmpty() ? -1 : m_snapshots.last(); }
    const QString& title() const { return m_title; }
    std::size_t rounds() const { return m_growth.rounds(); }
    // True when nothing grew in every round: no row in any of the three sections.
    bool isEmpty() const;

    // One line for the view: the command line's verdict (with the number of rounds), and for a leak
    // which findings it counts.
    QString verdict() const;

private:
    GrowthAnalysis m_growth;
    AnalyzedSnapshotPtr m_last;
    IgnoreRulesPtr m_rules;
    QList<int> m_snapshots;
    QString m_title;
};

using GrowthSeriesPtr = std::shared_ptr<const GrowthSeries>;

// The growth over analyses (in order of capture) as GrowthSeries' constructor makes it; null with
// fewer than two analyses or a null one. Meant to run off the GUI thread: one SnapshotDiff per round,
// and an O(N + E) analysis for each snapshot analysed with other rules.
GrowthSeriesPtr analyzeGrowth(
    const std::vector<AnalyzedSnapshotPtr>& analyses, const IgnoreRulesPtr& rules, QList<int> snapshots, QString title);

// "snapshots 3–7" for consecutive session indexes (counted from 1, as the snapshot list shows them),
// "snapshots 1, 3, 4" for others; indexes in the order given.
QString growthSeriesTitle(const QList<int>& snapshots);

} // namespace leakscope
