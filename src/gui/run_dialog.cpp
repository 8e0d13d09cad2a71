#include "run_dialog.h"

#include "run_history.h"
#include "ui_run_dialog.h"

#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QRadioButton>
#include <QtWidgets/QSpinBox>


namespace leakscope {

RunDialog::RunDialog(const QStringList& recentRuns, const RunRequest& last, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::RunDialog>())
{
    m_ui->setupUi(this);
    for (const QString& entry : recentRuns) {
        const RunRequest recent = RunHistory::requestOf(entry);
        (recent.module ? m_recentModules : m_recentScripts) << recent.script;
    }
    // Each choice starts from the last run's name when it was of that kind, else its most recent one.
    const QString lastScript = !last.module && !last.script.isEmpty() ? last.script : m_recentScripts.value(0);
    const QString lastModule = last.module && !last.script.isEmpty() ? last.script : m_recentModules.value(0);
    m_otherText = last.module ? lastScript : lastModule;
    m_ui->script->addItems(last.module ? m_recentModules : m_recentScripts);
    m_ui->script->setCurrentText(last.module ? lastModule : lastScript);
    m_ui->moduleKind->setChecked(last.module);
    showKind(last.module);
    connect(m_ui->moduleKind, &QRadioButton::toggled, this, [this](bool module) {
        const QString shown = m_ui->script->currentText();
        m_ui->script->clear();
        m_ui->script->addItems(module ? m_recentModules : m_recentScripts);
        m_ui->script->setCurrentText(m_otherText);
        m_otherText = shown;
        showKind(module);
        m_ui->problem->clear();
    });
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
    // C stacks are recorded with or without tracemalloc: a row of their own, not a part of the one above.
    m_ui->nativeTraceDepth->setRange(1, RunRequest::kMaxNativeTraceDepth);
    m_ui->nativeTraceDepth->setValue(std::clamp(last.nativeTraceDepth, 1, RunRequest::kMaxNativeTraceDepth));
    m_ui->nativeTraces->setChecked(last.nativeTraces);
    m_ui->nativeTraceDepth->setEnabled(last.nativeTraces);
    connect(m_ui->nativeTraces, &QCheckBox::toggled, m_ui->nativeTraceDepth, &QWidget::setEnabled);
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

bool RunDialog::isModule() const
{
    return m_ui->moduleKind->isChecked();
}

void RunDialog::showKind(bool module)
{
    m_ui->scriptLabel->setText(module ? tr("&Module:") : tr("&Script:"));
    m_ui->script->setToolTip(module ? tr("The module to run as __main__, as python3 -m MODULE (e.g. pytest, "
                                         "json.tool); the list holds recent modules")
                                    : tr("The Python script to run as __main__; the list holds recent scripts"));
    m_ui->browseScript->setEnabled(!module);
    m_ui->directory->setPlaceholderText(module ? tr("the application's working directory")
                                               : tr("the script's folder"));
}

RunRequest RunDialog::request() const
{
    RunRequest request;
    const QString name = m_ui->script->currentText().trimmed();
    request.module = isModule();
    request.script = request.module ? name : QFileInfo(name).absoluteFilePath();
    request.arguments = QProcess::splitCommand(m_ui->arguments->text());
    request.workingDirectory = m_ui->directory->text().trimmed();
    request.trackAllocations = m_ui->trackAllocations->isChecked();
    request.tracemallocDepth = m_ui->tracemallocDepth->value();
    request.nativeTraces = m_ui->nativeTraces->isChecked();
    request.nativeTraceDepth = m_ui->nativeTraceDepth->value();
    request.isolated = m_ui->isolated->isChecked();
    request.ignoreEnvironment = m_ui->ignoreEnvironment->isChecked();
    return request;
}

void RunDialog::accept()
{
    const QString name = m_ui->script->currentText().trimmed();
    const QFileInfo script(name);
    QString problem;
    if (isModule()) {
        // python3 -m takes any name and says at run time that there is no such module; a name that
        // cannot be a dotted module path is refused here.
        static const QRegularExpression dottedName(QStringLiteral("^[^\\s./\\\\]+(\\.[^\\s./\\\\]+)*$"));
        if (name.isEmpty())
            problem = tr("Choose a module to run.");
        else if (!dottedName.match(name).hasMatch())
            problem = tr("%1 is not a module name: give it dotted, as python3 -m takes it (e.g. %2).")
                          .arg(name, name.endsWith(QStringLiteral(".py")) ? name.chopped(3).replace(u'/', u'.')
                                                                          : QStringLiteral("json.tool"));
    } else if (name.isEmpty()) {
        problem = tr("Choose a script to run.");
    } else if (!script.isFile()) {
        problem = tr("%1 is not a file.").arg(script.filePath());
    } else if (!script.isReadable()) {
        problem = tr("%1 cannot be read.").arg(script.filePath());
    }
    if (problem.isEmpty() && !m_ui->directory->text().trimmed().isEmpty()
        && !QFileInfo(m_ui->directory->text().trimmed()).isDir())
        problem = tr("%1 is not a folder.").arg(m_ui->directory->text().trimmed());
    m_ui->problem->setText(problem);
    if (problem.isEmpty())
        QDialog::accept();
}

} // namespace leakscope
