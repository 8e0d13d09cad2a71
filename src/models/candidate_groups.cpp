#include "candidate_groups.h"

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace leakscope {

CandidateGroups::CandidateGroups(const HeapAnalysis& analysis)
{
    const Snapshot& snapshot = analysis.snapshot();
    const std::vector<ObjectIndex>& candidates = analysis.candidates();
    const auto& explanations = snapshot.columns().explanations;

    // First pass: explanation kinds numbered as they come (by string id, then merged by text, since
    // a pool read from a file need not intern), ignored candidates told apart from suspects.
    std::vector<Group> groups(2);
    groups[kSuspects].key = {CandidateGroupKey::Suspects, {}};
    groups[kIgnored].key = {CandidateGroupKey::Ignored, {}};
    std::unordered_map<StringId, std::uint32_t> groupOfKindId;
    std::unordered_map<std::string_view, std::uint32_t> groupOfKindText;
    m_groupOf.assign(candidates.size(), kSuspects);
    std::size_t e = 0;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        const ObjectIndex object = candidates[k];
        // Both are sorted by object: one merge walk instead of a search per candidate.
        while (e < explanations.size() && explanations[e].object < object)
            ++e;
        std::uint32_t group = kSuspects;
        if (e < explanations.size() && explanations[e].object == object) {
            const ExplanationRecord& record = explanations[e];
            auto [byId, newId] = groupOfKindId.try_emplace(record.kind, 0);
            if (newId) {
                const std::string_view text = snapshot.string(record.kind);
                auto [byText, newText] = groupOfKindText.try_emplace(text, static_cast<std::uint32_t>(groups.size()));
                if (newText)
                    groups.push_back({CandidateGroupKey::explained(std::string(text)), 0, 0, record.detail});
                byId->second = byText->second;
            }
            group = byId->second;
        } else if (analysis.ignoredBy(object)) {
            group = kIgnored;
        }
        m_groupOf[k] = group;
        ++groups[group].candidates;
        groups[group].bytes += snapshot.size(object);
    }

    // Kinds by count, then renumber the candidates' groups to match.
    std::vector<std::uint32_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin() + 2, order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (groups[a].candidates != groups[b].candidates)
            return groups[a].candidates > groups[b].candidates;
        return groups[a].key < groups[b].key;
    });
    std::vector<std::uint32_t> renumbered(groups.size());
    m_groups.reserve(groups.size());
    for (std::size_t position = 0; position < order.size(); ++position) {
        renumbered[order[position]] = static_cast<std::uint32_t>(position);
        m_groups.push_back(std::move(groups[order[position]]));
    }
    for (std::uint32_t& group : m_groupOf)
        group = renumbered[group];
}

std::uint32_t CandidateGroups::find(const CandidateGroupKey& key) const
{
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        if (m_groups[g].key == key)
            return static_cast<std::uint32_t>(g);
    }
    return kNotFound;
}

std::vector<RuleMatchCount> countRuleMatches(const HeapAnalysis& analysis, const IgnoreRules& rules)
{
    std::vector<RuleMatchCount> counts(rules.rules().size());
    const Snapshot& snapshot = analysis.snapshot();
    for (const IgnoreMatch& match : rules.firstMatches(snapshot, analysis.candidates())) {
        RuleMatchCount& count = counts[match.rule];
        ++count.candidates;
        if (!snapshot.explanation(match.object))
            ++count.unexplained;
        if (analysis.isSuspect(match.object))
            ++count.suspects;
    }
    return counts;
}

} // namespace leakscope
