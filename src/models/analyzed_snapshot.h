#pragma once

#include "candidate_groups.h"
#include "snapshot/analysis.h"
#include "snapshot/findings.h"
#include "snapshot/ignore_rules.h"
#include "snapshot/snapshot.h"

#include <memory>

namespace leakscope {

using IgnoreRulesPtr = std::shared_ptr<const IgnoreRules>;

// A snapshot, the ignore rules it was analysed with and its leak-candidate analysis kept together:
// HeapAnalysis refers to its Snapshot and rules, so whoever holds the analysis must hold them too.
// Immutable once built, so one instance can be computed off the GUI thread and shared by every model
// that shows the same snapshot. New rules make a new AnalyzedSnapshot of the same snapshot.
class AnalyzedSnapshot
{
public:
    // Runs the O(N + E) analysis, then applies the rules (null: none), groups the candidates and
    // counts them per library.
    // snapshot must not be null.
    explicit AnalyzedSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules = nullptr);
    AnalyzedSnapshot(const AnalyzedSnapshot&) = delete;
    AnalyzedSnapshot& operator=(const AnalyzedSnapshot&) = delete;

    const Snapshot& snapshot() const { return *m_snapshot; }
    const SnapshotPtr& snapshotPtr() const { return m_snapshot; }
    // The rules the analysis applied; null when it applied none.
    const IgnoreRulesPtr& ignoreRules() const { return m_rules; }
    const HeapAnalysis& analysis() const { return m_analysis; }
    const CandidateGroups& groups() const { return m_groups; }
    // candidatesByLibrary(analysis()): most suspects first.
    const std::vector<LibraryRow>& libraries() const { return m_libraries; }

private:
    SnapshotPtr m_snapshot; // declared before m_analysis, which refers to *m_snapshot and *m_rules
    IgnoreRulesPtr m_rules;
    HeapAnalysis m_analysis;
    CandidateGroups m_groups;
    std::vector<LibraryRow> m_libraries;
};

using AnalyzedSnapshotPtr = std::shared_ptr<const AnalyzedSnapshot>;

// Null for a null snapshot.
AnalyzedSnapshotPtr analyzeSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules = nullptr);

} // namespace leakscope
