#include "rule_match_counter.h"

#include "support/background_work.h"

namespace leakscope {

RuleMatchCounter::RuleMatchCounter(QObject* parent)
    : QObject(parent)
{
}

RuleMatchCounter::~RuleMatchCounter() = default;

void RuleMatchCounter::count(AnalyzedSnapshotPtr analyzed, IgnoreRulesPtr rules)
{
    const quint64 generation = ++m_generation;
    if (!analyzed || !rules || rules->empty()) {
        m_counting = false;
        Q_EMIT counted({});
        return;
    }
    m_counting = true;
    // The worker holds the snapshot and rules it counts on; the answer is dropped when a newer request
    // overtook it.
    runInBackground(
        this,
        [analyzed = std::move(analyzed), rules = std::move(rules)] {
            return countRuleMatches(analyzed->analysis(), *rules);
        },
        [this, generation](const std::vector<RuleMatchCount>& counts) {
            if (m_generation != generation)
                return;
            m_counting = false;
            Q_EMIT counted(counts);
        });
}

} // namespace leakscope
