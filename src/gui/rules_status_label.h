#pragma once

#include <QtWidgets/QLabel>

namespace leakscope {

class IgnoreRulesFile;

// The status bar's account of the ignore rules: how many there are and how many lines are bad, as
// links that linkActivated() reports (to open the editor, where the bad lines are marked); its
// tooltip names the file and every problem.
class RulesStatusLabel : public QLabel
{
    Q_OBJECT

public:
    explicit RulesStatusLabel(IgnoreRulesFile* file, QWidget* parent = nullptr);

    // Reads the file's rules and problems again.
    void refresh();
    // The first problem, short enough for the status bar; empty when there is none.
    QString firstProblem() const;

private:
    IgnoreRulesFile* m_file;
};

} // namespace leakscope
