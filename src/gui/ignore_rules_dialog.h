#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QTimer>
#include <QtWidgets/QDialog>

#include <memory>
#include <vector>

namespace Ui {
class IgnoreRulesDialog;
}

namespace leakscope {

class IgnoreRulesFile;
class RuleMatchCounter;
class RulesTextEdit;

// Edits the ignore rules file as text. Every change is checked as it is typed: a line that does not
// parse is tinted and listed with its message, and beside each rule is how many candidates of the
// snapshot shown it is the first to match. OK and Apply write the file atomically, which makes the
// window analyse again with the new rules.
class IgnoreRulesDialog : public QDialog
{
    Q_OBJECT

public:
    // shown may be null (nothing to count on); snapshotLabel names it.
    IgnoreRulesDialog(IgnoreRulesFile* file, AnalyzedSnapshotPtr shown, const QString& snapshotLabel,
                      QWidget* parent = nullptr);
    ~IgnoreRulesDialog() override;

    RulesTextEdit* editor() const;
    // Saves the text; false (after saying why) when it could not be written.
    bool apply();
    // True until the checks and counts of the latest text are shown; for tests.
    bool isChecking() const;
    // The messages of the bad lines, as listed; for tests.
    QStringList problems() const;

    void accept() override;
    void reject() override;

private:
    void check();
    void showCounts(const std::vector<RuleMatchCount>& counts);

    std::unique_ptr<Ui::IgnoreRulesDialog> m_ui;
    IgnoreRulesFile* m_file;
    AnalyzedSnapshotPtr m_shown;
    QString m_snapshotLabel;
    RuleMatchCounter* m_counter;
    QTimer m_checkLater;
    std::vector<int> m_countedLines; // the line of each rule of the latest count request
};

} // namespace leakscope
