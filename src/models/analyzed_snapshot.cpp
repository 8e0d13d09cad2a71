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

AnalyzedSnapshot::AnalyzedSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules)
    : m_snapshot(std::move(snapshot))
    , m_rules(std::move(rules))
    , m_analysis(checked(m_snapshot), m_rules.get())
    , m_groups(m_analysis)
    , m_libraries(candidatesByLibrary(m_analysis))
{
}

AnalyzedSnapshotPtr analyzeSnapshot(SnapshotPtr snapshot, IgnoreRulesPtr rules)
{
    if (!snapshot)
        return nullptr;
    return std::make_shared<const AnalyzedSnapshot>(std::move(snapshot), std::move(rules));
}

} // namespace leakscope
