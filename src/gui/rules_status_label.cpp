#include "rules_status_label.h"

#include "gui/ignore_rules_file.h"
#include "snapshot/analysis.h"

namespace leakscope {

RulesStatusLabel::RulesStatusLabel(IgnoreRulesFile* file, QWidget* parent)
    : QLabel(parent)
    , m_file(file)
{
}

void RulesStatusLabel::refresh()
{
    const QString path = m_file->path();
    const QStringList problems = m_file->problems();
    const int rules = static_cast<int>(m_file->parsed().rules.size());
    QString text = QStringLiteral("<a href=\"edit\">%1</a>")
                       .arg(rules == 0      ? tr("No ignore rules")
                               : rules == 1 ? tr("1 ignore rule")
                                            : tr("%L1 ignore rules").arg(rules));
    if (!problems.isEmpty()) {
        text += QStringLiteral(" · <a href=\"edit\" style=\"color: #b00020;\">%1</a>")
                    .arg(m_file->readError().isEmpty() ? (m_file->parsed().errors.size() == 1
                                 ? tr("1 bad line")
                                 : tr("%L1 bad lines").arg(m_file->parsed().errors.size()))
                                                       : tr("unreadable"));
    }
    if (!m_limitWarnings.isEmpty()) {
        text += QStringLiteral(" · <a href=\"edit\" style=\"color: #b35c00;\">%1</a>")
                    .arg(m_limitWarnings.size() == 1 ? tr("1 rule hit its limit")
                                                     : tr("%L1 rules hit their limit").arg(m_limitWarnings.size()));
    }
    setText(text);
    QString tip = path.isEmpty() ? tr("No rules file: neither XDG_CONFIG_HOME nor HOME names a folder.")
                                 : tr("Rules file: %1").arg(path);
    for (const QString& problem : problems)
        tip += u'\n' + problem;
    for (const QString& warning : m_limitWarnings)
        tip += u'\n' + warning;
    setToolTip(tip);
}

void RulesStatusLabel::setAnalysis(const HeapAnalysis* analysis)
{
    m_limitWarnings.clear();
    if (analysis && analysis->ignoreRules()) {
        for (const RuleLimitHit& hit : analysis->ruleLimitHits())
            m_limitWarnings.append(QString::fromStdString(formatRuleLimitHit(analysis->ignoreRules()->rules()[hit.rule], hit)));
    }
    refresh();
}

QString RulesStatusLabel::firstProblem() const
{
    if (!m_file->readError().isEmpty())
        return m_file->readError();
    const std::vector<RuleError>& errors = m_file->parsed().errors;
    if (errors.empty())
        return {};
    // Short enough to fit beside the counts; the tooltip has the file and every message.
    return tr("Ignore rules, line %1: %2 (skipped)")
        .arg(errors.front().line)
        .arg(QString::fromStdString(errors.front().message));
}

} // namespace leakscope
