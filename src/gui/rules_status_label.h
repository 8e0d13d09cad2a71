#pragma once

#include <QtWidgets/QLabel>

namespace leakscope {

class HeapAnalysis;
class IgnoreRulesFile;

// The status bar's account of the ignore rules: how many there are, how many lines are bad and how
// many rules gave up on an object of the snapshot shown (a regular expression that hit its match
// limit), as links that linkActivated() reports (to open the editor, where the bad lines are marked);
// its tooltip names the file and every problem.
class RulesStatusLabel : public QLabel
{
    Q_OBJECT

public:
    explicit RulesStatusLabel(IgnoreRulesFile* file, QWidget* parent = nullptr);

    // Reads the file's rules and problems again.
    void refresh();
    // The rules that hit a match limit in analysis (the snapshot shown); null: none shown.
    void setAnalysis(const HeapAnalysis* analysis);
    // One line per rule that hit its limit in the analysis given, as leakscope-cli warns.
    const QStringList& limitWarnings() const { return m_limitWarnings; }
    // The first problem, short enough for the status bar; empty when there is none.
    QString firstProblem() const;

private:
    IgnoreRulesFile* m_file;
    QStringList m_limitWarnings;
};

} // namespace leakscope
