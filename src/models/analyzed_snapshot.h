#pragma once

#include "candidate_groups.h"
#include "snapshot/analysis.h"
#include "snapshot/dominators.h"
#include "snapshot/findings.h"
#include "snapshot/ignore_rules.h"
#include "snapshot/snapshot.h"

#include <memory>

namespace leakscope {

// snapshot/suspects_story.h; not included here: its formatByteSize() returns a std::string, and
// models/byte_size.h's, which the views include with this header, a QString.
struct SuspectsStory;

using IgnoreRulesPtr = std::shared_ptr<const IgnoreRules>;
using DominatorTreePtr = std::shared_ptr<const DominatorTree>;
// Per object, how many objects it dominates (itself not counted): its subtree in the dominator tree.
using DominatedCountsPtr = std::shared_ptr<const std::vector<std::uint32_t>>;
using SuspectsStoryPtr = std::shared_ptr<const SuspectsStory>;

// A snapshot, the ignore rules it was analysed with and its leak-candidate analysis kept together:
// HeapAnalysis refers to its Snapshot and rules, so whoever holds the analysis must hold them too.
// Immutable once built, so one instance can be computed off the GUI thread and shared by every model
// that shows the same snapshot. New rules make a new AnalyzedSnapshot of the same snapshot.
//
// It may also carry the snapshot's dominator tree (retained sizes). The tree depends on the snapshot
// alone: its roots are the candidates, which no rule changes (rules only say which candidates are
// suspects), so a new analysis of the same snapshot with other rules takes the tree of the old one.
class AnalyzedSnapshot
{
public:
    // Runs the O(N + E) analysis, then applies the rules (null: none), groups the candidates and
    // counts them per library. dominators: the snapshot's tree, built elsewhere (null: none); it must
    // be the tree of this very snapshot. Throws std::invalid_argument when snapshot is null or the
    // tree's object count is not the snapshot's.
    explicit AnalyzedSnapshot(
        SnapshotPtr snapshot, IgnoreRulesPtr rules = nullptr, DominatorTreePtr dominators = nullptr);
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
    // The snapshot's dominator tree and retained sizes; null when this analysis was made without one
    // (analyzeSnapshot() makes none, analyzeWithDominators() always has one).
    const DominatorTree* dominators() const { return m_dominators.get(); }
    const DominatorTreePtr& dominatorsPtr() const { return m_dominators; }
    // Objects each object dominates (DominatedCountsPtr), computed with the tree by
    // analyzeWithDominators(); null otherwise.
    const std::vector<std::uint32_t>* dominatedCounts() const { return m_dominated.get(); }
    // The leak suspects story of this analysis (buildSuspectsStory() with its default options), built
    // with the tree by analyzeWithDominators(); null otherwise. Unlike the tree it depends on the rules
    // (they decide the suspects), so every new analysis builds its own.
    const SuspectsStory* suspectsStory() const { return m_story.get(); }
    // Who refers to each object, built with the tree by analyzeWithDominators() (the story's paths use
    // it too), so that the object trees and the path from a root never build it on the GUI thread: it
    // is O(N + E), 0.4 s for ten million objects. Null otherwise.
    const std::shared_ptr<const ReferrerIndex>& referrers() const { return m_referrers; }

private:
    // Sets m_dominators after construction: the tree is built from the analysis made here.
    friend std::shared_ptr<const AnalyzedSnapshot> analyzeWithDominators(SnapshotPtr, IgnoreRulesPtr, DominatorTreePtr);
    friend std::shared_ptr<const AnalyzedSnapshot> analyzeWithDominators(
        IgnoreRulesPtr, const std::shared_ptr<const AnalyzedSnapshot>&);

    SnapshotPtr m_snapshot; // declared before m_analysis, which refers to *m_snapshot and *m_rules
    IgnoreRulesPtr m_rules;
    HeapAnalysis m_analysis;
    CandidateGroups m_groups;
    std::vector<LibraryRow> m_libraries;
    DominatorTreePtr m_dominators;
    DominatedCountsPtr m_dominated;
    SuspectsStoryPtr m_story;
    std::shared_ptr<const ReferrerIndex> m_referrers;
};

using AnalyzedSnapshotPtr = std::shared_ptr<const AnalyzedSnapshot>;

// Null for a null snapshot. No dominator tree.
AnalyzedSnapshotPtr analyzeSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules = nullptr);

// The same with the snapshot's dominator tree: reuse when given (the tree of an earlier analysis of
// the same snapshot, e.g. with other rules), else built from the new analysis, which costs about as
// much again as the analysis (O((N + E) α(N))). The suspects story is built either way (see
// suspectsStory()). Null for a null snapshot. For a worker thread.
AnalyzedSnapshotPtr analyzeWithDominators(
    SnapshotPtr snapshot, IgnoreRulesPtr rules = nullptr, DominatorTreePtr reuse = nullptr);
// A new analysis of previous' snapshot with rules, taking previous' tree and counts when it has them
// (else building them), and a new suspects story. Null for a null previous.
AnalyzedSnapshotPtr analyzeWithDominators(IgnoreRulesPtr rules, const AnalyzedSnapshotPtr& previous);

// dominatedCounts() of tree, in O(N) with a stack of its own (a chain of a million objects is a tree
// a million deep).
std::vector<std::uint32_t> countDominated(const DominatorTree& tree);

} // namespace leakscope
