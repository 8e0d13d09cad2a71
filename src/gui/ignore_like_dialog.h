#pragma once

#include "models/analyzed_snapshot.h"

#include <QtCore/QTimer>
#include <QtWidgets/QDialog>

#include <memory>

namespace Ui {
class IgnoreLikeDialog;
}

namespace leakscope {

class RuleMatchCounter;

// Proposes an ignore rule for objects like one candidate: its type by default, or any combination of
// type, module, explanation kind and repr, each a glob the user may widen. Shows the rule's text and
// how many candidates of the snapshot it matches before it is added.
class IgnoreLikeDialog : public QDialog
{
    Q_OBJECT

public:
    IgnoreLikeDialog(AnalyzedSnapshotPtr analyzed, ObjectIndex object, const QString& rulesPath,
                     QWidget* parent = nullptr);
    ~IgnoreLikeDialog() override;

    // The rule as it will be written (canonical text); empty while no condition is ticked.
    QString rule() const { return m_rule; }
    QString comment() const;
    // Ticks or clears one condition; a non-empty pattern replaces the proposed one.
    void setCondition(RuleField field, bool used, const QString& pattern = {});
    // The count shown once the latest one is done; for tests.
    bool isCounting() const;
    QString matchesText() const;

private:
    void update();

    std::unique_ptr<Ui::IgnoreLikeDialog> m_ui;
    AnalyzedSnapshotPtr m_analyzed;
    RuleMatchCounter* m_counter;
    QTimer m_recount;
    QString m_rule;
    bool m_canSave = false;
};

} // namespace leakscope
