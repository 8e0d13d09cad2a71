#include "growth_series.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QStringList>

#include <utility>

namespace leakscope {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("leakscope::GrowthSeries", text);
}

} // namespace

GrowthSeries::GrowthSeries(
    const std::vector<AnalyzedSnapshotPtr>& analyses, const IgnoreRulesPtr& rules, QList<int> snapshots, QString title)
    : m_rules(rules)
    , m_snapshots(std::move(snapshots))
    , m_title(std::move(title))
{
    for (const AnalyzedSnapshotPtr& given : analyses) {
        // Every round compares suspects, so every snapshot must say "suspect" with the same rules.
        AnalyzedSnapshotPtr analyzed
            = given->ignoreRules() == rules ? given : analyzeSnapshot(given->snapshotPtr(), rules);
        // The growth holds the analysis through the AnalyzedSnapshot that owns it (and its snapshot).
        m_growth.add(std::shared_ptr<const HeapAnalysis>(analyzed, &analyzed->analysis()));
        m_last = std::move(analyzed);
    }
}

bool GrowthSeries::isEmpty() const
{
    return m_growth.growingTypes().empty() && m_growth.leakedObjects().empty() && m_growth.surplusGrowth().empty();
}

QString GrowthSeries::verdict() const
{
    // The command line's verdict, word for word: the first line of its text.
    const std::string text = growthText(m_growth, GrowthReportOptions{});
    QString line = QString::fromStdString(text.substr(0, text.find('\n')));
    if (!line.isEmpty())
        line[0] = line[0].toUpper();
    if (!m_growth.leaks())
        return line + QLatin1Char('.');
    // Which findings, since the line only counts them.
    const std::size_t leaked = m_growth.leakedObjects().size();
    const std::size_t grown = m_growth.surplusGrowth().size();
    QStringList parts;
    if (leaked > 0)
        parts << (leaked == 1 ? tr("objects of 1 type leaked in every round")
                              : tr("objects of %1 types leaked in every round").arg(leaked));
    if (grown > 0)
        parts << (grown == 1 ? tr("the references to 1 object grew in every round")
                             : tr("the references to %1 objects grew in every round").arg(grown));
    return tr("%1: %2.").arg(line, parts.join(tr("; ")));
}

GrowthSeriesPtr analyzeGrowth(
    const std::vector<AnalyzedSnapshotPtr>& analyses, const IgnoreRulesPtr& rules, QList<int> snapshots, QString title)
{
    if (analyses.size() < 2)
        return nullptr;
    for (const AnalyzedSnapshotPtr& analyzed : analyses) {
        if (!analyzed)
            return nullptr;
    }
    return std::make_shared<const GrowthSeries>(analyses, rules, std::move(snapshots), std::move(title));
}

QString growthSeriesTitle(const QList<int>& snapshots)
{
    if (snapshots.isEmpty())
        return {};
    bool consecutive = snapshots.size() > 1;
    for (qsizetype k = 1; k < snapshots.size(); ++k)
        consecutive = consecutive && snapshots[k] == snapshots[k - 1] + 1;
    if (consecutive)
        return tr("snapshots %1–%2").arg(snapshots.first() + 1).arg(snapshots.last() + 1);
    QStringList numbers;
    for (const int index : snapshots)
        numbers << QString::number(index + 1);
    return tr("snapshots %1").arg(numbers.join(QStringLiteral(", ")));
}

} // namespace leakscope
