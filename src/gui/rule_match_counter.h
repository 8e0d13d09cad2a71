#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QObject>

#include <vector>

namespace leakscope {

// Counts, in the thread pool, how many candidates of a snapshot each of a set of rules is the first
// to match (countRuleMatches), for dialogs that try rules before they are saved. Only the latest
// request is answered: a count overtaken by a newer request is dropped.
class RuleMatchCounter : public QObject
{
    Q_OBJECT

public:
    explicit RuleMatchCounter(QObject* parent = nullptr);
    ~RuleMatchCounter() override;

    // Null analyzed or rules: answers at once with no counts.
    void count(AnalyzedSnapshotPtr analyzed, IgnoreRulesPtr rules);
    bool isCounting() const { return m_counting; }

Q_SIGNALS:
    // One entry per rule of the latest request, in its order.
    void counted(const std::vector<RuleMatchCount>& counts);

private:
    quint64 m_generation = 0;
    bool m_counting = false;
};

} // namespace leakscope
