#pragma once

#include "session/run_request.h"

#include <QtWidgets/QDialog>

#include <memory>

namespace Ui {
class RunDialog;
}

namespace leakscope {

// Asks for the script to run, its arguments, its working directory, whether to track allocations and
// whether to isolate the interpreter from the environment (-I, -E). Offers recent scripts.
class RunDialog : public QDialog
{
    Q_OBJECT

public:
    RunDialog(const QStringList& recentScripts, const RunRequest& last, QWidget* parent = nullptr);
    ~RunDialog() override;

    RunRequest request() const;

    void accept() override;

private:
    std::unique_ptr<Ui::RunDialog> m_ui;
};

} // namespace leakscope
