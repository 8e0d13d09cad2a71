#include "analyzed_snapshot.h"

#include <stdexcept>

namespace leakscope {

namespace {

const Snapshot& checked(const SnapshotPtr& snapshot)
{
    if (!snapshot)
        throw std::invalid_argument("AnalyzedSnapshot needs a snapshot");
    return *snapshot;
}

} // namespace

AnalyzedSnapshot::AnalyzedSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules, DominatorTreePtr dominators)
    : m_snapshot(std::move(snapshot))
    , m_rules(std::move(rules))
    , m_analysis(checked(m_snapshot), m_rules.get())
    , m_groups(m_analysis)
    , m_libraries(candidatesByLibrary(m_analysis))
    , m_dominators(std::move(dominators))
{
    if (m_dominators && m_dominators->objectCount() != m_snapshot->objectCount())
        throw std::invalid_argument("AnalyzedSnapshot: the dominator tree is another snapshot's");
}

AnalyzedSnapshotPtr analyzeSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules)
{
    if (!snapshot)
        return nullptr;
    return std::make_shared<const AnalyzedSnapshot>(std::move(snapshot), std::move(rules));
}

AnalyzedSnapshotPtr analyzeWithDominators(SnapshotPtr snapshot, IgnoreRulesPtr rules, DominatorTreePtr reuse)
{
    if (!snapshot)
        return nullptr;
    if (reuse)
        return std::make_shared<const AnalyzedSnapshot>(std::move(snapshot), std::move(rules), std::move(reuse));
    // The tree needs an analysis for its roots (the candidates); any rules give the same candidates.
    auto analyzed = std::make_shared<AnalyzedSnapshot>(std::move(snapshot), std::move(rules));
    analyzed->m_dominators = std::make_shared<const DominatorTree>(analyzed->snapshot(), analyzed->analysis());
    return analyzed;
}

} // namespace leakscope
