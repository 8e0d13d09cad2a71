#include "analyzed_snapshot.h"

#include "snapshot/suspects_story.h"

#include <stdexcept>

namespace leakscope {

namespace {

const Snapshot& checked(const SnapshotPtr& snapshot)
{
    if (!snapshot)
        throw std::invalid_argument("AnalyzedSnapshot needs a snapshot");
    return *snapshot;
}

// The story needs the tree, and the rules of this very analysis: set last.
void tellStory(AnalyzedSnapshot& analyzed, SuspectsStoryPtr& story)
{
    SuspectsStoryOptions options;
    options.referrers = analyzed.referrers().get();
    story = std::make_shared<const SuspectsStory>(
        buildSuspectsStory(analyzed.analysis(), *analyzed.dominators(), options));
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
    if (reuse) {
        auto analyzed = std::make_shared<AnalyzedSnapshot>(std::move(snapshot), std::move(rules), std::move(reuse));
        analyzed->m_referrers = std::make_shared<const ReferrerIndex>(analyzed->snapshot());
        tellStory(*analyzed, analyzed->m_story);
        return analyzed;
    }
    // The tree needs an analysis for its roots (the candidates); any rules give the same candidates.
    auto analyzed = std::make_shared<AnalyzedSnapshot>(std::move(snapshot), std::move(rules));
    analyzed->m_dominators = std::make_shared<const DominatorTree>(analyzed->snapshot(), analyzed->analysis());
    analyzed->m_dominated = std::make_shared<const std::vector<std::uint32_t>>(countDominated(*analyzed->m_dominators));
    analyzed->m_referrers = std::make_shared<const ReferrerIndex>(analyzed->snapshot());
    tellStory(*analyzed, analyzed->m_story);
    return analyzed;
}

AnalyzedSnapshotPtr analyzeWithDominators(IgnoreRulesPtr rules, const AnalyzedSnapshotPtr& previous)
{
    if (!previous)
        return nullptr;
    if (!previous->m_dominators || !previous->m_dominated)
        return analyzeWithDominators(previous->snapshotPtr(), std::move(rules));
    auto analyzed
        = std::make_shared<AnalyzedSnapshot>(previous->snapshotPtr(), std::move(rules), previous->m_dominators);
    analyzed->m_dominated = previous->m_dominated;
    analyzed->m_referrers
        = previous->m_referrers ? previous->m_referrers : std::make_shared<const ReferrerIndex>(analyzed->snapshot());
    tellStory(*analyzed, analyzed->m_story);
    return analyzed;
}

std::vector<std::uint32_t> countDominated(const DominatorTree& tree)
{
    // Every object after its subtree: the tree's preorder, walked backwards.
    const std::size_t n = tree.objectCount();
    std::vector<std::uint32_t> dominated(n, 0);
    std::vector<ObjectIndex> order;
    order.reserve(n);
    const std::span<const ObjectIndex> top = tree.rootChildren();
    std::vector<ObjectIndex> stack(top.begin(), top.end());
    while (!stack.empty()) {
        const ObjectIndex object = stack.back();
        stack.pop_back();
        order.push_back(object);
        const std::span<const ObjectIndex> children = tree.children(object);
        stack.insert(stack.end(), children.begin(), children.end());
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const ObjectIndex dominator = tree.immediateDominator(*it);
        if (dominator != kNoObject)
            dominated[dominator] += dominated[*it] + 1;
    }
    return dominated;
}

} // namespace leakscope
