#pragma once

#include "session/run_request.h"

#include <QtWidgets/QDialog>

#include <memory>

namespace Ui {
class RunDialog;
}

namespace leakscope {

// Asks for the script (or the module, as python3 -m) to run, its arguments, its working directory,
// whether to track allocations, whether to record their C stacks, and whether to isolate the
// interpreter from the environment (-I, -E). Offers recent scripts, or recent modules in Module mode.
class RunDialog : public QDialog
{
    Q_OBJECT

public:
    // recentRuns: RunHistory::recentScripts(), scripts and "-m MODULE" entries, most recent first.
    RunDialog(const QStringList& recentRuns, const RunRequest& last, QWidget* parent = nullptr);
    ~RunDialog() override;

    RunRequest request() const;
    bool isModule() const;

    void accept() override;

private:
    // Shows the Script or the Module choice: its recent entries, what was typed for it last.
    void showKind(bool module);

    std::unique_ptr<Ui::RunDialog> m_ui;
    QStringList m_recentScripts;
    QStringList m_recentModules;
    QString m_otherText; // what the choice not shown holds
};

} // namespace leakscope
