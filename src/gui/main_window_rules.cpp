// MainWindow and its analyses: the snapshot shown analysed again when the ignore rules change, the
// chosen types and groups kept across analyses, the rules' status, the rules editor and "Ignore
// Objects Like This".
#include "main_window.h"

#include "gui/filter_bar.h"
#include "gui/ignore_like_dialog.h"
#include "gui/ignore_rules_dialog.h"
#include "gui/ignore_rules_file.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/explanation_summary_model.h"
#include "models/item_roles.h"
#include "models/library_summary_model.h"
#include "models/type_summary_model.h"
#include "ui_main_window.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSortFilterProxyModel>
#include <QtCore/QThreadPool>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>

namespace leakscope {

namespace {

QString applyingRulesText()
{
    return MainWindow::tr("Applying the ignore rules…");
}

} // namespace

void MainWindow::startAnalysis(SnapshotPtr snapshot, IgnoreRulesPtr rules,
                               std::function<void(MainWindow*, AnalyzedSnapshotPtr)> done)
{
    // The worker holds the snapshot and the rules, never the window; the answer goes through the
    // application object, and the QPointer is read on the GUI thread only.
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([self, snapshot = std::move(snapshot), rules = std::move(rules),
                                          done = std::move(done)] {
        AnalyzedSnapshotPtr analyzed = analyzeSnapshot(snapshot, rules);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, analyzed, done] {
                if (self)
                    done(self.data(), analyzed);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::showAnalysis(AnalyzedSnapshotPtr analyzed, bool keepView)
{
    // The object whose details are shown: the current candidate, or one the rules took off the list.
    const ObjectIndex current = keepView ? currentCandidate().value_or(m_detailsObject) : kNoObject;
    QStringList typeNames;
    for (const QModelIndex& row : m_ui->typesView->selectionModel()->selectedRows())
        typeNames << row.siblingAtColumn(TypeSummaryModel::TypeColumn).data().toString();
    std::vector<CandidateGroupKey> groups;
    for (const QModelIndex& row : m_ui->explanationsView->selectionModel()->selectedRows())
        groups.push_back(m_explanations->groupAt(row.row()).key);
    // Libraries by path: string ids belong to one snapshot.
    QStringList libraryPaths;
    for (const QModelIndex& row : m_ui->librariesView->selectionModel()->selectedRows())
        libraryPaths << m_libraries->libraryPathAt(row.row());

    m_shown = std::move(analyzed);
    m_candidates->setSnapshot(m_shown);
    m_types->setSnapshot(m_shown);
    m_explanations->setSnapshot(m_shown);
    m_libraries->setSnapshot(m_shown);
    restoreSummarySelections(typeNames, groups, libraryPaths);
    m_ui->typesView->resizeColumnsToContents();
    m_ui->typesView->setColumnWidth(TypeSummaryModel::TypeColumn, std::min(m_ui->typesView->columnWidth(0), 170));
    // Fitted to the rows in view (a bounded sample, whatever the number of candidates), so that the
    // numbers up to Surplus fit beside the details. Explanation and Repr keep the width they have.
    for (int column = CandidatesModel::AddressColumn; column < CandidatesModel::ExplanationColumn; ++column)
        m_ui->candidatesView->resizeColumnToContents(column);

    const int row = current != kNoObject ? m_candidates->rowOfObject(current) : -1;
    const QModelIndex shown = row >= 0 ? m_candidatesProxy->mapFromSource(m_candidates->index(row, 0)) : QModelIndex();
    if (shown.isValid()) {
        m_ui->candidatesView->selectionModel()->setCurrentIndex(
            shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_ui->candidatesView->scrollTo(shown);
    } else if (current != kNoObject) {
        // No longer listed (the new rules ignore it, say): its details stay, and say why.
        showObject(current);
    } else if (const QModelIndex first = m_candidatesProxy->index(0, 0); first.isValid()) {
        // A new snapshot: its first suspect, with its details and referents, is what the user came for.
        m_ui->candidatesView->selectionModel()->setCurrentIndex(
            first, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    } else {
        showDetails();
    }
    updateStatus();
    updateActions();
}

void MainWindow::restoreSummarySelections(const QStringList& typeNames, const std::vector<CandidateGroupKey>& groups,
                                          const QStringList& libraryPaths)
{
    // A reset clears a selection without telling: select again in one go, then filter once.
    QItemSelection types;
    for (int row = 0; row < m_typesSorted->rowCount(); ++row) {
        const QModelIndex name = m_typesSorted->index(row, TypeSummaryModel::TypeColumn);
        if (typeNames.contains(name.data().toString()))
            types.select(name, name.siblingAtColumn(TypeSummaryModel::ColumnCount - 1));
    }
    QItemSelection chosenGroups;
    for (const CandidateGroupKey& key : groups) {
        if (const int row = m_explanations->rowOf(key); row >= 0)
            chosenGroups.select(m_explanations->index(row, 0),
                                m_explanations->index(row, ExplanationSummaryModel::ColumnCount - 1));
    }
    QItemSelection libraries;
    for (const QString& path : libraryPaths) {
        if (const int row = m_libraries->rowOfPath(path); row >= 0)
            libraries.select(m_libraries->index(row, 0), m_libraries->index(row, LibrarySummaryModel::ColumnCount - 1));
    }
    {
        const QSignalBlocker blockTypes(m_ui->typesView->selectionModel());
        const QSignalBlocker blockGroups(m_ui->explanationsView->selectionModel());
        const QSignalBlocker blockLibraries(m_ui->librariesView->selectionModel());
        m_ui->typesView->selectionModel()->select(types, QItemSelectionModel::ClearAndSelect);
        m_ui->explanationsView->selectionModel()->select(chosenGroups, QItemSelectionModel::ClearAndSelect);
        m_ui->librariesView->selectionModel()->select(libraries, QItemSelectionModel::ClearAndSelect);
    }
    m_ui->typesView->viewport()->update();
    m_ui->explanationsView->viewport()->update();
    m_ui->librariesView->viewport()->update();
    applyTypeSelection();
    applyLibrarySelection();
    // Keys that name no group of the new analysis stay chosen: they match nothing, as the filter bar says.
    m_candidatesProxy->setGroupFilter(groups);
    m_ui->filterBar->setChosenGroupCount(static_cast<int>(groups.size()));
}

void MainWindow::refreshAnalysis(int index)
{
    if (index < 0 || index >= static_cast<int>(m_snapshots.size()))
        return;
    StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    const IgnoreRulesPtr& rules = m_rulesFile->rules();
    if (stored.analyzed->ignoreRules() == rules || (stored.analysing && stored.analysingRules == rules))
        return;
    stored.analysing = true;
    stored.analysingRules = rules;
    statusBar()->showMessage(applyingRulesText());
    startAnalysis(stored.analyzed->snapshotPtr(), rules, [index](MainWindow* window, AnalyzedSnapshotPtr analyzed) {
        window->onReanalysed(index, std::move(analyzed));
    });
}

void MainWindow::onReanalysed(int index, AnalyzedSnapshotPtr analyzed)
{
    StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    if (stored.analysing && stored.analysingRules == analyzed->ignoreRules())
        stored.analysing = false;
    if (analyzed->ignoreRules() != m_rulesFile->rules())
        return; // the rules changed again meanwhile: a newer analysis is on its way
    stored.analyzed = analyzed;
    if (index != m_snapshotChooser->currentIndex())
        return;
    if (statusBar()->currentMessage() == applyingRulesText())
        statusBar()->clearMessage();
    showAnalysis(std::move(analyzed), true);
}

IgnoreLikeDialog* MainWindow::ignoreLikeDialog() const
{
    return m_ignoreLikeDialog;
}

IgnoreRulesDialog* MainWindow::ignoreRulesDialog() const
{
    return m_rulesDialog;
}

bool MainWindow::isApplyingRules() const
{
    const int index = m_snapshotChooser->currentIndex();
    return index >= 0 && index < static_cast<int>(m_snapshots.size())
        && m_snapshots[static_cast<std::size_t>(index)].analyzed->ignoreRules() != m_rulesFile->rules();
}

void MainWindow::onRulesChanged()
{
    refreshAnalysis(m_snapshotChooser->currentIndex());
    updateRulesStatus(true); // after: a bad line's message outranks "applying"
}

void MainWindow::updateRulesStatus(bool announce)
{
    const QString path = m_rulesFile->path();
    const QStringList problems = m_rulesFile->problems();
    const int rules = static_cast<int>(m_rulesFile->parsed().rules.size());
    // Links open the editor, where the bad lines are marked.
    QString text = QStringLiteral("<a href=\"edit\">%1</a>")
                       .arg(rules == 0   ? tr("No ignore rules")
                            : rules == 1 ? tr("1 ignore rule")
                                         : tr("%L1 ignore rules").arg(rules));
    if (!problems.isEmpty()) {
        text += QStringLiteral(" · <a href=\"edit\" style=\"color: #b00020;\">%1</a>")
                    .arg(m_rulesFile->readError().isEmpty()
                             ? (m_rulesFile->parsed().errors.size() == 1
                                    ? tr("1 bad line")
                                    : tr("%L1 bad lines").arg(m_rulesFile->parsed().errors.size()))
                             : tr("unreadable"));
    }
    m_rulesLabel->setText(text);
    QString tip = path.isEmpty() ? tr("No rules file: neither XDG_CONFIG_HOME nor HOME names a folder.")
                                 : tr("Rules file: %1").arg(path);
    for (const QString& problem : problems)
        tip += u'\n' + problem;
    m_rulesLabel->setToolTip(tip);
    if (announce && !problems.isEmpty()) {
        // Short enough to fit beside the counts; the label's tooltip has the file and every message.
        const std::vector<RuleError>& errors = m_rulesFile->parsed().errors;
        statusBar()->showMessage(m_rulesFile->readError().isEmpty()
                                     ? tr("Ignore rules, line %1: %2 (skipped)")
                                           .arg(errors.front().line)
                                           .arg(QString::fromStdString(errors.front().message))
                                     : m_rulesFile->readError(),
                                 20000);
    }
}

void MainWindow::editRules()
{
    if (m_rulesDialog) {
        m_rulesDialog->raise();
        m_rulesDialog->activateWindow();
        return;
    }
    const int index = m_snapshotChooser->currentIndex();
    const QString label = index >= 0 ? m_snapshotChooser->itemText(index) : QString();
    m_rulesDialog = new IgnoreRulesDialog(m_rulesFile, m_shown, label, this);
    m_rulesDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_rulesDialog->open();
}

std::optional<ObjectIndex> MainWindow::currentCandidate() const
{
    const QModelIndex current = m_ui->candidatesView->currentIndex();
    if (!m_shown || !current.isValid())
        return std::nullopt;
    return current.data(ObjectIndexRole).value<quint32>();
}

void MainWindow::ignoreObjectsLikeCurrent()
{
    const std::optional<ObjectIndex> object = currentCandidate();
    if (!object || m_ignoreLikeDialog)
        return;
    m_ignoreLikeDialog = new IgnoreLikeDialog(m_shown, *object, m_rulesFile->path(), this);
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
        statusBar()->showMessage(tr("Rule added at %1:%2: %3").arg(m_rulesFile->path()).arg(line).arg(dialog->rule()), 10000);
    });
    m_ignoreLikeDialog->open();
}

void MainWindow::showCandidatesMenu(const QPoint& position)
{
    const QModelIndex index = m_ui->candidatesView->indexAt(position);
    if (index.isValid() && index.row() != m_ui->candidatesView->currentIndex().row())
        m_ui->candidatesView->selectRow(index.row());
    QMenu menu(this);
    menu.addAction(m_ui->actionIgnoreLike);
    menu.addAction(m_ui->actionEditRules);
    menu.exec(m_ui->candidatesView->viewport()->mapToGlobal(position));
}

} // namespace leakscope
