// MainWindow and the ignore rules: the file given to the session as it changes, the rules' status,
// the rules editor and "Ignore Objects Like This".
#include "main_window.h"

#include "gui/candidates_view.h"
#include "gui/ignore_like_dialog.h"
#include "gui/ignore_rules_dialog.h"
#include "gui/ignore_rules_file.h"
#include "gui/rules_status_label.h"
#include "gui/snapshot_chooser.h"
#include "session/session.h"
#include "ui_main_window.h"

#include <QtWidgets/QMessageBox>

namespace leakscope {

namespace {

QString applyingRulesText()
{
    return MainWindow::tr("Applying the ignore rules…");
}

} // namespace

void MainWindow::connectRules()
{
    connect(m_ui->actionIgnoreLike, &QAction::triggered, this, &MainWindow::ignoreObjectsLikeCurrent);
    connect(m_ui->actionEditRules, &QAction::triggered, this, &MainWindow::editRules);
    connect(m_ui->actionReloadRules, &QAction::triggered, m_rulesFile, &IgnoreRulesFile::reload);
    connect(m_rulesLabel, &QLabel::linkActivated, this, &MainWindow::editRules);
    connect(m_rulesFile, &IgnoreRulesFile::changed, this, [this] {
        m_session->setRules(m_rulesFile->rules());
        updateRulesStatus(true); // after: a bad line's message outranks "applying"
    });
    // A rule that gave up on objects of the snapshot shown says so beside the counts, as the CLI warns.
    connect(m_session, &Session::shownSnapshotChanged, this, [this] {
        const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
        m_rulesLabel->setAnalysis(shown ? &shown->analysis() : nullptr);
        if (!m_rulesLabel->limitWarnings().isEmpty())
            statusBar()->showMessage(m_rulesLabel->limitWarnings().front(), 20000);
    });
    connect(m_session, &Session::reanalysisStarted, this, [this] { statusBar()->showMessage(applyingRulesText()); });
    connect(m_session, &Session::reanalysed, this, [this](int index) {
        if (index == m_session->shownIndex() && statusBar()->currentMessage() == applyingRulesText())
            statusBar()->clearMessage();
    });
}

void MainWindow::updateRulesStatus(bool announce)
{
    m_rulesLabel->refresh();
    if (const QString problem = m_rulesLabel->firstProblem(); announce && !problem.isEmpty())
        statusBar()->showMessage(problem, 20000);
}

void MainWindow::editRules()
{
    if (m_rulesDialog) {
        m_rulesDialog->raise();
        m_rulesDialog->activateWindow();
        return;
    }
    m_rulesDialog
        = new IgnoreRulesDialog(m_rulesFile, m_session->shownSnapshot(), m_snapshotChooser->currentText(), this);
    m_rulesDialog->setObjectName(QStringLiteral("ignoreRulesDialog"));
    m_rulesDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_rulesDialog->open();
}

void MainWindow::ignoreObjectsLikeCurrent()
{
    const std::optional<ObjectIndex> object = m_ui->candidatesView->currentObject();
    if (!object || m_ignoreLikeDialog)
        return;
    m_ignoreLikeDialog = new IgnoreLikeDialog(m_session->shownSnapshot(), *object, m_rulesFile->path(), this);
    m_ignoreLikeDialog->setObjectName(QStringLiteral("ignoreLikeDialog"));
    m_ignoreLikeDialog->setAttribute(Qt::WA_DeleteOnClose);
    IgnoreLikeDialog* dialog = m_ignoreLikeDialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QString error;
        const int line = m_rulesFile->append(dialog->rule(), dialog->comment(), &error);
        if (line == 0) {
            QMessageBox::warning(this, tr("Ignore Objects Like This"), tr("The rule was not added. %1").arg(error));
            return;
        }
        // Saving made the file emit changed(): the analysis with the new rule is under way.
        statusBar()->showMessage(
            tr("Rule added at %1:%2: %3").arg(m_rulesFile->path()).arg(line).arg(dialog->rule()), 10000);
    });
    m_ignoreLikeDialog->open();
}

} // namespace leakscope
