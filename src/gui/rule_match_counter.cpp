#include "rule_match_counter.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QPointer>
#include <QtCore/QThreadPool>

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
    // The worker holds the snapshot and rules it counts on, never this object.
    QPointer<RuleMatchCounter> self(this);
    QThreadPool::globalInstance()->start([self, generation, analyzed = std::move(analyzed), rules = std::move(rules)] {
        std::vector<RuleMatchCount> counts = countRuleMatches(analyzed->analysis(), *rules);
        // Delivered through the application object: self may be gone by then, and a QPointer is only
        // safe to read on the thread that deletes its object.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, generation, counts = std::move(counts)] {
                if (!self || self->m_generation != generation)
                    return;
                self->m_counting = false;
                Q_EMIT self->counted(counts);
            },
            Qt::QueuedConnection);
    });
}

} // namespace leakscope
