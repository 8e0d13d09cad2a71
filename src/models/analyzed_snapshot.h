#pragma once

#include "snapshot/analysis.h"
#include "snapshot/snapshot.h"

#include <memory>

namespace leakscope {

// A snapshot and its leak-candidate analysis kept together: HeapAnalysis refers to its Snapshot, so
// whoever holds the analysis must hold the snapshot too. Immutable once built, so one instance can be
// computed off the GUI thread and shared by every model that shows the same snapshot.
class AnalyzedSnapshot
{
public:
    // Runs the O(N + E) analysis. snapshot must not be null.
    explicit AnalyzedSnapshot(SnapshotPtr snapshot);
    AnalyzedSnapshot(const AnalyzedSnapshot&) = delete;
    AnalyzedSnapshot& operator=(const AnalyzedSnapshot&) = delete;

    const Snapshot& snapshot() const { return *m_snapshot; }
    const SnapshotPtr& snapshotPtr() const { return m_snapshot; }
    const HeapAnalysis& analysis() const { return m_analysis; }

private:
    SnapshotPtr m_snapshot; // declared before m_analysis, which refers to *m_snapshot
    HeapAnalysis m_analysis;
};

using AnalyzedSnapshotPtr = std::shared_ptr<const AnalyzedSnapshot>;

// Null for a null snapshot.
AnalyzedSnapshotPtr analyzeSnapshot(SnapshotPtr snapshot);

} // namespace leakscope
