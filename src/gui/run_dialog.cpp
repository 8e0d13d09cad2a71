#include "run_dialog.h"

#include "ui_run_dialog.h"

#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>


namespace leakscope {

RunDialog::RunDialog(const QStringList& recentScripts, const RunRequest& last, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::RunDialog>())
{
    m_ui->setupUi(this);
    m_ui->script->addItems(recentScripts);
    m_ui->script->setCurrentText(last.script.isEmpty() && !recentScripts.isEmpty() ? recentScripts.first() : last.script);
    QStringList quoted;
    for (const QString& argument : last.arguments)
        quoted << (argument.contains(u' ') ? u'"' + argument + u'"' : argument);
    m_ui->arguments->setText(quoted.join(u' '));
    m_ui->directory->setText(last.workingDirectory);
    m_ui->tracemallocDepth->setRange(1, RunRequest::kMaxTracemallocDepth);
    m_ui->tracemallocDepth->setValue(std::clamp(last.tracemallocDepth, 1, RunRequest::kMaxTracemallocDepth));
    m_ui->trackAllocations->setChecked(last.trackAllocations);
    m_ui->tracemallocDepth->setEnabled(last.trackAllocations);
    connect(m_ui->trackAllocations, &QCheckBox::toggled, m_ui->tracemallocDepth, &QWidget::setEnabled);
    m_ui->isolated->setChecked(last.isolated);
    m_ui->ignoreEnvironment->setChecked(last.ignoreEnvironment);
    m_ui->ignoreEnvironment->setEnabled(!last.isolated); // -I implies -E
    connect(m_ui->isolated, &QCheckBox::toggled, m_ui->ignoreEnvironment, &QWidget::setDisabled);
    m_ui->buttons->button(QDialogButtonBox::Ok)->setText(tr("&Run"));
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &RunDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &RunDialog::reject);
    connect(m_ui->browseScript, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Script to Run"), m_ui->script->currentText(),
                                                          tr("Python scripts (*.py);;All files (*)"));
        if (!file.isEmpty())
            m_ui->script->setCurrentText(file);
    });
    connect(m_ui->browseDirectory, &QPushButton::clicked, this, [this] {
        const QString directory = QFileDialog::getExistingDirectory(this, tr("Working Directory"), m_ui->directory->text());
        if (!directory.isEmpty())
            m_ui->directory->setText(directory);
    });
}

RunDialog::~RunDialog() = default;

RunRequest RunDialog::request() const
{
    RunRequest request;
    request.script = QFileInfo(m_ui->script->currentText().trimmed()).absoluteFilePath();
    request.arguments = QProcess::splitCommand(m_ui->arguments->text());
    request.workingDirectory = m_ui->directory->text().trimmed();
    request.trackAllocations = m_ui->trackAllocations->isChecked();
    request.tracemallocDepth = m_ui->tracemallocDepth->value();
    request.isolated = m_ui->isolated->isChecked();
    request.ignoreEnvironment = m_ui->ignoreEnvironment->isChecked();
    return request;
}

void RunDialog::accept()
{
    const QFileInfo script(m_ui->script->currentText().trimmed());
    QString problem;
    if (m_ui->script->currentText().trimmed().isEmpty())
        problem = tr("Choose a script to run.");
    else if (!script.isFile())
        problem = tr("%1 is not a file.").arg(script.filePath());
    else if (!script.isReadable())
        problem = tr("%1 cannot be read.").arg(script.filePath());
    else if (!m_ui->directory->text().trimmed().isEmpty() && !QFileInfo(m_ui->directory->text().trimmed()).isDir())
        problem = tr("%1 is not a folder.").arg(m_ui->directory->text().trimmed());
    m_ui->problem->setText(problem);
    if (problem.isEmpty())
        QDialog::accept();
}

} // namespace leakscope
