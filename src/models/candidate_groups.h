#pragma once

// Candidates sorted by why they are, or are not, suspects. Qt-free: computed with the analysis, off
// the GUI thread, and read by the models.

#include "snapshot/analysis.h"

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace leakscope {

// Names a group independently of any one analysis, so a choice of groups survives a re-analysis.
struct CandidateGroupKey
{
    enum Kind : std::uint8_t {
        Suspects,  // HeapAnalysis::isSuspect()
        Ignored,   // no explanation, but an ignore rule matches
        Explained, // explained at capture with kind `explanation`, whether or not a rule matches too
    };
    Kind kind = Suspects;
    std::string explanation; // the explanation kind, for Explained; empty otherwise

    static CandidateGroupKey explained(std::string kind) { return {Explained, std::move(kind)}; }
    friend auto operator<=>(const CandidateGroupKey&, const CandidateGroupKey&) = default;
};

// Every candidate of an analysis in exactly one group: Suspects, Ignored, or the group of its
// explanation's kind (kinds compared as text). An explanation wins over a rule: a rule only decides
// the group of a candidate that would otherwise be a suspect.
class CandidateGroups
{
public:
    static constexpr std::uint32_t kSuspects = 0;
    static constexpr std::uint32_t kIgnored = 1;
    static constexpr std::uint32_t kNotFound = UINT32_MAX;

    struct Group
    {
        CandidateGroupKey key;
        std::uint64_t candidates = 0;
        std::uint64_t bytes = 0;   // the candidates' own sizes
        StringId exampleDetail = 0; // the detail of one of its explanations, for Explained groups
    };

    CandidateGroups() = default;
    // O(candidates × log(ignored) + kinds × log(kinds)).
    explicit CandidateGroups(const HeapAnalysis& analysis);

    // Suspects, Ignored (both always present), then one group per explanation kind among the
    // candidates, most candidates first, ties by kind.
    const std::vector<Group>& groups() const { return m_groups; }
    // The group of the k-th of HeapAnalysis::candidates().
    std::uint32_t groupOf(std::size_t candidate) const { return m_groupOf[candidate]; }
    // kNotFound when no candidate is in that group (Suspects and Ignored are always found).
    std::uint32_t find(const CandidateGroupKey& key) const;

private:
    std::vector<Group> m_groups;
    std::vector<std::uint32_t> m_groupOf; // per candidate
};

struct RuleMatchCount
{
    std::uint64_t candidates = 0;  // candidates this rule is the first to match
    std::uint64_t unexplained = 0; // of those, the ones without an explanation: suspects it takes away
    std::uint64_t suspects = 0;    // of those, the suspects of the analysis (under its own rules)
};

// For each of rules (in order), the candidates of analysis it is the first rule to match. The rules
// need not be the analysis' own: this is how a rule is tried before it is saved.
// O(types × rules + candidates × rules).
std::vector<RuleMatchCount> countRuleMatches(const HeapAnalysis& analysis, const IgnoreRules& rules);

} // namespace leakscope
