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

AnalyzedSnapshot::AnalyzedSnapshot(SnapshotPtr snapshot)
    : m_snapshot(std::move(snapshot))
    , m_analysis(checked(m_snapshot))
{
}

AnalyzedSnapshotPtr analyzeSnapshot(SnapshotPtr snapshot)
{
    if (!snapshot)
        return nullptr;
    return std::make_shared<const AnalyzedSnapshot>(std::move(snapshot));
}

} // namespace leakscope
