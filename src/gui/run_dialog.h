#pragma once

#include <QtWidgets/QDialog>

#include <memory>

namespace Ui {
class RunDialog;
}

namespace leakscope {

struct RunRequest
{
    QString script;
    QStringList arguments;
    QString workingDirectory; // empty: the script's folder
};

// Asks for the script to run, its arguments and its working directory. Offers recent scripts.
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
