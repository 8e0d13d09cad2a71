#include "main_window.h"

#include "gui/attach_dialog.h"
#include "gui/candidates_view.h"
#include "gui/details_panel.h"
#include "gui/filter_bar.h"
#include "gui/ignore_rules_file.h"
#include "gui/object_graph_panel.h"
#include "gui/output_pane.h"
#include "gui/rules_status_label.h"
#include "gui/run_dialog.h"
#include "gui/snapshot_chooser.h"
#include "gui/summaries_panel.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "session/session.h"
#include "target/attached_process_target.h"
#include "ui_main_window.h"

#include <QtCore/QFileInfo>
#include <QtCore/QScopedValueRollback>
#include <QtCore/QMetaEnum>
#include <QtCore/QSettings>
#include <QtGui/QCloseEvent>
#include <QtGui/QMouseEvent>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>

namespace leakscope {

namespace {

QString stateText(Target::State state)
{
    switch (state) {
    case Target::State::Idle: return MainWindow::tr("No script");
    case Target::State::Starting: return MainWindow::tr("Starting…");
    case Target::State::Ready: return MainWindow::tr("Ready");
    case Target::State::Running: return MainWindow::tr("Running");
    case Target::State::Paused: return MainWindow::tr("Paused");
    case Target::State::Finished: return MainWindow::tr("Script ended");
    case Target::State::Lost: return MainWindow::tr("Interpreter gone");
    }
    return {};
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_session(new Session(this))
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_rulesFile(new IgnoreRulesFile(QString::fromStdString(defaultIgnoreRulesPath()), this))
    , m_snapshotChooser(new SnapshotChooser(this))
    , m_stateLabel(new QLabel(this))
    , m_countsLabel(new QLabel(this))
    , m_rulesLabel(new RulesStatusLabel(m_rulesFile, this))
    , m_progress(new QProgressBar(this))
    , m_cancelProgress(new QToolButton(this))
    , m_history(new NavigationHistory(this))
{
    m_ui->setupUi(this);
    m_session->setObjectName(QStringLiteral("session"));
    m_rulesFile->setObjectName(QStringLiteral("ignoreRulesFile"));
    m_session->setRules(m_rulesFile->rules());

    QStyle* style = this->style();
    m_ui->actionRun->setIcon(style->standardIcon(QStyle::SP_MediaPlay));
    m_ui->actionContinue->setIcon(style->standardIcon(QStyle::SP_MediaSeekForward));
    m_ui->actionInterrupt->setIcon(style->standardIcon(QStyle::SP_MediaStop));
    m_ui->candidatesView->setFilterBar(m_ui->filterBar);
    // Millions of rows are listed and sorted off the GUI thread: the status bar says so meanwhile.
    connect(m_ui->candidatesView->candidates(), &CandidatesModel::preparingRowsChanged, this, [this](bool preparing) {
        if (preparing) {
            const bool all = m_ui->candidatesView->listMode() == CandidatesModel::ListMode::AllObjects;
            statusBar()->showMessage(all ? tr("Listing and sorting every object of the snapshot\u2026")
                                         : tr("Listing and sorting the leak candidates\u2026"));
        } else {
            statusBar()->clearMessage();
        }
    });
    // The table's copy actions are the trees': Ctrl+C copies the row's address, type and repr.
    auto* copySeparator = new QAction(this);
    copySeparator->setSeparator(true);
    m_ui->candidatesView->setContextActions(
        QList<QAction*>{m_ui->actionIgnoreLike, m_ui->actionEditRules, copySeparator}
        + m_ui->objectGraph->addCopyActions(m_ui->candidatesView, [this] { return m_ui->candidatesView->currentObject(); }));
    m_ui->detailsPanel->setSession(m_session);
    m_snapshotChooser->setSession(m_session);
    setUpStatusBar();
    setUpCompare(); // before the layout, which lists every dock in the View menu
    setUpGrowth();
    setUpDominators();
    setUpSuspects(); // before the layout: its tab order and panes take the tabs in
    setUpLayout();
    setUpNavigation();
    connectActions();
    connectSession();
    connectPages();
    connectRules();
    setUpFiles();
    setUpExport(); // after the files: it shares their last folder

    readSettings();
    updateRulesStatus(true);
    updateActions();
    updateStatus();
    showNoObject();
}

MainWindow::~MainWindow()
{
    disconnect(m_focusConnection);
}

void MainWindow::setUpStatusBar()
{
    m_ui->toolBar->addSeparator();
    m_ui->toolBar->addWidget(new QLabel(tr(" Snapshot: "), this));
    m_snapshotChooser->setObjectName(QStringLiteral("snapshotChooser"));
    m_ui->toolBar->addWidget(m_snapshotChooser);
    m_progress->setObjectName(QStringLiteral("snapshotProgress"));
    m_progress->setMaximum(1000);
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    m_cancelProgress->setObjectName(QStringLiteral("cancelSnapshot"));
    m_cancelProgress->setText(tr("Cancel"));
    m_cancelProgress->hide();
    m_countsLabel->setObjectName(QStringLiteral("countsStatus"));
    m_rulesLabel->setObjectName(QStringLiteral("rulesStatus"));
    m_stateLabel->setObjectName(QStringLiteral("stateStatus"));
    statusBar()->addPermanentWidget(m_countsLabel);
    statusBar()->addPermanentWidget(m_rulesLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelProgress);
    statusBar()->addPermanentWidget(m_stateLabel);
}

void MainWindow::connectActions()
{
    SummariesPanel* summaries = m_ui->summaries;
    connect(m_ui->actionRun, &QAction::triggered, this, &MainWindow::chooseAndRun);
    // Ctrl+Shift+A is All objects (the filter bar's).
    auto* attach = new QAction(tr("&Attach to Process…"), this);
    attach->setObjectName(QStringLiteral("actionAttach"));
    attach->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    attach->setToolTip(tr("Inspect a Python process that already runs (Ctrl+Shift+P)"));
    m_ui->menuFile->insertAction(m_ui->menuRecent->menuAction(), attach);
    connect(attach, &QAction::triggered, this, &MainWindow::chooseAndAttach);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionSnapshot, &QAction::triggered, this, &MainWindow::requestSnapshot);
    connect(m_ui->actionContinue, &QAction::triggered, m_session, &Session::continueScript);
    connect(m_ui->actionInterrupt, &QAction::triggered, m_session, &Session::interrupt);
    connect(m_ui->actionTerminate, &QAction::triggered, m_session, &Session::terminate);
    connect(m_ui->actionFocusFilter, &QAction::triggered, m_ui->filterBar, &FilterBar::focusText);
    connect(m_ui->actionShowTypes, &QAction::triggered, summaries,
        [summaries] { summaries->setCurrentTab(SummariesPanel::TypesTab); });
    connect(m_ui->actionShowExplanations, &QAction::triggered, summaries,
        [summaries] { summaries->setCurrentTab(SummariesPanel::ExplanationsTab); });
    connect(m_ui->actionShowLibraries, &QAction::triggered, summaries,
        [summaries] { summaries->setCurrentTab(SummariesPanel::LibrariesTab); });
    connect(m_ui->actionShowCreators, &QAction::triggered, summaries,
        [summaries] { summaries->setCurrentTab(SummariesPanel::CreatorsTab); });
    connect(m_cancelProgress, &QToolButton::clicked, this, &MainWindow::cancelPendingSnapshot);
}

void MainWindow::connectSession()
{
    OutputPane* output = m_ui->output;
    // The output shows one run: the latest as it goes, or the run of an earlier snapshot chosen.
    connect(m_session, &Session::runStarted, output, [this, output](const QString& description) {
        m_outputRun = m_session->runCount();
        output->clear();
        output->appendNotice(description);
    });
    connect(m_session, &Session::outputReceived, output, [this, output](Target::Channel channel, const QString& text) {
        if (m_outputRun == m_session->runCount())
            output->appendOutput(channel, text);
    });
    connect(m_session, &Session::notice, output, [this, output](const QString& text) {
        if (m_outputRun == m_session->runCount())
            output->appendNotice(text);
    });
    connect(m_session, &Session::targetLost, this,
        [this](const QString& reason) { statusBar()->showMessage(reason, 10000); });
    connect(m_session, &Session::stateChanged, this, [this] {
        updateActions();
        updateStatus();
    });
    connect(m_session, &Session::snapshotPendingChanged, this, &MainWindow::updateActions);
    connect(m_session, &Session::snapshotPendingChanged, this, &MainWindow::showPendingCapture);
    connect(m_session, &Session::captureProgress, this, [this](int permille, const QString& message) {
        m_progress->setValue(permille);
        m_progress->setFormat(message);
        m_progress->show();
    });
    connect(m_session, &Session::snapshotReceived, this, [this] { m_progress->setFormat(tr("analysing")); });
    // However the capture ends (stored, failed, cancelled, the interpreter gone, a new run), the
    // progress goes with it.
    connect(m_session, &Session::captureUnderwayChanged, this, [this](bool underway) {
        if (!underway)
            hideProgress();
    });
    connect(m_session, &Session::shownSnapshotChanged, this, [this](int index, bool keepView) {
        // The title names the script of the snapshot shown, which may be an earlier run's.
        const SnapshotOrigin origin = m_session->snapshotOrigin(index);
        if (origin.run > 0 && origin.run != m_outputRun)
            showRunOutput(origin.run);
        if (origin.run > 0) {
            const QString script = origin.script.isEmpty() ? origin.description : QFileInfo(origin.script).fileName();
            setWindowTitle(tr("%1 (run %2) — LeakScope").arg(script).arg(origin.run));
        } else if (origin.isFromFile()) {
            setWindowTitle(tr("%1 — LeakScope").arg(QFileInfo(origin.file).fileName()));
        } else if (index < 0) {
            setWindowTitle(tr("LeakScope")); // every snapshot closed
        }
        showAnalysis(keepView);
    });
    connect(m_session, &Session::interruptIgnored, this, [this] {
        statusBar()->showMessage(
            tr("The script did not stop on the interrupt: %1 ends it.").arg(m_ui->actionTerminate->shortcut().toString(QKeySequence::NativeText)),
            20000);
    });
}

void MainWindow::connectPages()
{
    CandidatesView* candidates = m_ui->candidatesView;
    FilterBar* filterBar = m_ui->filterBar;
    SummariesPanel* summaries = m_ui->summaries;
    connect(summaries, &SummariesPanel::typesChosen, candidates, &CandidatesView::chooseTypes);
    connect(summaries, &SummariesPanel::groupsChosen, candidates, &CandidatesView::chooseGroups);
    connect(summaries, &SummariesPanel::librariesChosen, candidates, &CandidatesView::chooseLibraries);
    connect(summaries, &SummariesPanel::createdObjectsChosen, candidates, &CandidatesView::chooseCreatedObjects);
    connect(filterBar, &FilterBar::clearTypesRequested, summaries, &SummariesPanel::clearChosenTypes);
    connect(filterBar, &FilterBar::clearGroupsRequested, summaries, &SummariesPanel::clearChosenGroups);
    connect(filterBar, &FilterBar::clearLibrariesRequested, summaries, &SummariesPanel::clearChosenLibraries);
    connect(filterBar, &FilterBar::clearCreatorsRequested, summaries, &SummariesPanel::clearChosenCreators);
    connect(candidates, &CandidatesView::currentObjectChanged, this, &MainWindow::followTable);
    connect(candidates, &CandidatesView::listedRowsChanged, this, &MainWindow::updateStatus);
    // A tree node made current shows its details; activated, or a link followed, it is gone to.
    connect(m_ui->objectGraph, &ObjectGraphPanel::objectPreviewed, m_ui->detailsPanel, &DetailsPanel::showObject);
    connect(m_ui->objectGraph, &ObjectGraphPanel::objectActivated, this, &MainWindow::goToObject);
    connect(m_ui->detailsPanel, &DetailsPanel::objectLinkActivated, this, &MainWindow::goToObject);
}

void MainWindow::chooseAndRun()
{
    RunDialog dialog(m_runs.recentScripts(), m_runs.lastRun(), this);
    if (dialog.exec() == QDialog::Accepted && confirmEndingRun())
        runScript(dialog.request());
}

void MainWindow::chooseAndAttach()
{
    AttachDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted && dialog.selectedPid() > 0 && confirmEndingRun())
        attachToProcess(dialog.selectedPid(), dialog.selectedCommand());
}

void MainWindow::attachToProcess(qint64 pid, const QString& command)
{
    AttachLaunch launch;
    launch.pid = pid;
    setWindowTitle(tr("process %1 — LeakScope").arg(pid));
    m_session->start(std::make_unique<AttachedProcessTarget>(launch), tr("process %1 (%2)").arg(pid).arg(command));
}

void MainWindow::showRunOutput(int run)
{
    OutputPane* output = m_ui->output;
    m_outputRun = run;
    output->clear();
    for (const Session::OutputPiece& piece : m_session->runOutputPieces(run)) {
        switch (piece.kind) {
        case Session::OutputPiece::Kind::Stdout: output->appendOutput(Target::Channel::Stdout, piece.text); break;
        case Session::OutputPiece::Kind::Stderr: output->appendOutput(Target::Channel::Stderr, piece.text); break;
        case Session::OutputPiece::Kind::Notice: output->appendNotice(piece.text); break;
        }
    }
}

bool MainWindow::confirmEndingRun()
{
    const Target::State state = m_session->state();
    if (state == Target::State::Idle || state == Target::State::Finished || state == Target::State::Lost)
        return true;
    // The snapshots taken are kept either way; what is lost is the script still running.
    return QMessageBox::question(this, tr("Run Script"),
               tr("A script is still running. Running another one terminates it (its snapshots are kept).\n\nGo on?"),
               QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Yes;
}

void MainWindow::runScript(const RunRequest& request)
{
    m_runs.remember(request);
    rebuildRecentMenu();
    setWindowTitle(tr("%1 — LeakScope").arg(QFileInfo(request.script).fileName()));
    m_session->run(request);
}

void MainWindow::showAnalysis(bool keepView)
{
    // Shown again without a history entry: the current object with other rules (the rules may have
    // taken it off the list: its details stay, and say why), or the one Back or Forward went to.
    std::optional<ObjectIndex> again;
    if (keepView && m_currentObject != kNoObject)
        again = m_currentObject;
    else if (m_pendingEntry && m_pendingEntry->snapshot == m_session->shownIndex())
        again = m_pendingEntry->object;
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    {
        const QScopedValueRollback syncing(m_syncingTable, true);
        m_ui->candidatesView->setAnalysis(shown);
        m_ui->summaries->setAnalysis(shown); // chooses types, groups and libraries again: the list's filters
        m_ui->candidatesView->fitColumnsToRows();
        if (!again)
            m_ui->candidatesView->selectFirst(); // a new snapshot's first suspect: what the user came for
    }
    if (again)
        showCurrentObject(*again);
    else if (const std::optional<ObjectIndex> first = m_ui->candidatesView->currentObject())
        goToObject(*first);
    else
        showNoObject(); // none listed
    updateStatus();
    updateActions();
    Q_EMIT analysisDisplayed();
}

void MainWindow::setUpNavigation()
{
    // Alt+Left and Alt+Right wherever the platform's Back and Forward keys are something else.
    auto sequences = [](QKeySequence::StandardKey key, QKeyCombination fallback) {
        QList<QKeySequence> keys = QKeySequence::keyBindings(key);
        if (!keys.contains(QKeySequence(fallback)))
            keys.prepend(QKeySequence(fallback));
        return keys;
    };
    QStyle* style = this->style();
    m_backAction = new QAction(style->standardIcon(QStyle::SP_ArrowBack), tr("&Back"), this);
    m_backAction->setObjectName(QStringLiteral("actionBack"));
    m_backAction->setShortcuts(sequences(QKeySequence::Back, Qt::ALT | Qt::Key_Left));
    m_backAction->setToolTip(tr("Go back to the object shown before (Alt+Left, or the mouse's back button)"));
    m_forwardAction = new QAction(style->standardIcon(QStyle::SP_ArrowForward), tr("&Forward"), this);
    m_forwardAction->setObjectName(QStringLiteral("actionForward"));
    m_forwardAction->setShortcuts(sequences(QKeySequence::Forward, Qt::ALT | Qt::Key_Right));
    m_forwardAction->setToolTip(tr("Go forward again to the object shown after this one (Alt+Right, or the "
                                   "mouse's forward button)"));
    connect(m_backAction, &QAction::triggered, this, &MainWindow::goBack);
    connect(m_forwardAction, &QAction::triggered, this, &MainWindow::goForward);
    connect(m_history, &NavigationHistory::changed, this, &MainWindow::updateNavigationActions);

    auto* menu = new QMenu(tr("&Navigate"), this);
    menu->setObjectName(QStringLiteral("menuNavigate"));
    menu->addAction(m_backAction);
    menu->addAction(m_forwardAction);
    menuBar()->insertMenu(m_ui->menuRules->menuAction(), menu);
    m_ui->toolBar->addSeparator();
    m_ui->toolBar->addAction(m_backAction);
    m_ui->toolBar->addAction(m_forwardAction);
    // The mouse buttons reach the widget under the pointer first, and the item views take them.
    qApp->installEventFilter(this);
    updateNavigationActions();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if ((event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonDblClick)
        && watched->isWidgetType() && static_cast<QWidget*>(watched)->window() == this) {
        const Qt::MouseButton button = static_cast<QMouseEvent*>(event)->button();
        if (button == Qt::BackButton || button == Qt::ForwardButton) {
            if (button == Qt::BackButton)
                goBack();
            else
                goForward();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::followTable()
{
    // A row made current by the user is gone to; a row that is no longer current leaves the current
    // object where it is.
    if (!m_syncingTable) {
        if (const std::optional<ObjectIndex> row = m_ui->candidatesView->currentObject())
            goToObject(*row);
    }
    updateActions();
}

void MainWindow::goToObject(ObjectIndex object)
{
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    if (!shown || object >= shown->snapshot().objectCount())
        return;
    m_history->visit({m_session->shownIndex(), object});
    showCurrentObject(object);
}

void MainWindow::goBack()
{
    if (const std::optional<NavigationEntry> entry = m_history->back())
        showEntry(*entry);
}

void MainWindow::goForward()
{
    if (const std::optional<NavigationEntry> entry = m_history->forward())
        showEntry(*entry);
}

void MainWindow::showEntry(const NavigationEntry& entry)
{
    if (entry.snapshot == m_session->shownIndex()) {
        showCurrentObject(entry.object);
        return;
    }
    m_pendingEntry = entry;
    m_session->showSnapshot(entry.snapshot); // showAnalysis() shows the entry's object with it
    m_pendingEntry.reset();
}

void MainWindow::showCurrentObject(ObjectIndex object)
{
    m_currentObject = object;
    m_ui->detailsPanel->showObject(object);
    m_ui->objectGraph->showObject(m_session->shownSnapshot(), object);
    // The table's current row is the current object where the table lists it, and none elsewhere, so
    // that choosing any row goes there.
    CandidatesView* table = m_ui->candidatesView;
    if (table->currentObject() != object) {
        const QScopedValueRollback syncing(m_syncingTable, true);
        if (!table->selectObject(object))
            table->selectionModel()->clear();
    }
    updateActions();
}

void MainWindow::showNoObject()
{
    m_currentObject = kNoObject;
    m_ui->detailsPanel->clear();
    m_ui->objectGraph->clear();
    updateActions();
}

void MainWindow::updateNavigationActions()
{
    m_backAction->setEnabled(m_history->canGoBack());
    m_forwardAction->setEnabled(m_history->canGoForward());
}

void MainWindow::requestSnapshot()
{
    m_session->requestSnapshot(); // the progress shows once the request is pending
}

void MainWindow::showPendingCapture(bool pending)
{
    m_cancelProgress->setVisible(pending);
    if (!pending) {
        if (!m_session->isCaptureUnderway())
            hideProgress();
        return; // the progress stays while the snapshot that arrived is analysed
    }
    m_progress->setValue(0);
    m_progress->setFormat(tr("capturing"));
    m_progress->show();
}

void MainWindow::cancelPendingSnapshot()
{
    m_session->cancelPendingSnapshot();
    hideProgress();
}

void MainWindow::hideProgress()
{
    m_progress->hide();
    m_cancelProgress->hide();
}

void MainWindow::updateActions()
{
    const Target::State state = m_session->state();
    const std::optional<ObjectIndex> candidate = m_ui->candidatesView->currentObject();
    m_ui->actionSnapshot->setEnabled(m_session->isConnected() && !m_session->isSnapshotPending());
    m_ui->actionContinue->setEnabled(state == Target::State::Paused);
    // An attached process is never signalled, and Terminate leaves it running.
    const bool attached = m_session->target() && m_session->target()->isAttached();
    m_ui->actionInterrupt->setEnabled(!attached && (state == Target::State::Running || state == Target::State::Paused));
    if (attached != (m_ui->actionTerminate->text() == tr("&Detach"))) {
        // The .ui form's words are the script's; an attached process gets its own.
        static const QString scriptTip = m_ui->actionTerminate->toolTip();
        m_ui->actionTerminate->setText(attached ? tr("&Detach") : tr("&Terminate Interpreter"));
        m_ui->actionTerminate->setToolTip(
            attached ? tr("Stop inspecting the process and leave it running; the snapshots taken are kept (Shift+F5)")
                     : scriptTip);
    }
    m_ui->actionTerminate->setEnabled(
        m_session->target() && state != Target::State::Lost && state != Target::State::Idle);
    // In the All objects mode the current row may be referenced: rules only ever apply to candidates.
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    const bool isCandidate = candidate && shown && shown->analysis().isCandidate(*candidate);
    m_ui->actionIgnoreLike->setEnabled(isCandidate && !m_rulesFile->path().isEmpty());
    m_stateLabel->setText(attached && state == Target::State::Running    ? tr("Attached")
                          : attached && state == Target::State::Finished ? tr("Detached")
                                                                         : stateText(state));
}

void MainWindow::updateStatus()
{
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    if (!shown) {
        m_countsLabel->setText(tr("No snapshot yet"));
        return;
    }
    const Snapshot& s = shown->snapshot();
    const HeapAnalysis& a = shown->analysis();
    const std::uint64_t ignored = shown->groups().groups()[CandidateGroups::kIgnored].candidates;
    // Millions of rows that pass the filters are listed up to a cap (CandidatesModel::kMaxNarrowedRows).
    const CandidatesModel* candidates = m_ui->candidatesView->candidates();
    const int listed = m_ui->candidatesView->proxy()->rowCount();
    const QString shownRows = candidates->isNarrowed() && candidates->matchedRowCount() > std::size_t(listed)
        ? tr("%L1 match, the first %L2 listed").arg(candidates->matchedRowCount()).arg(listed)
        : tr("%L1 shown").arg(listed);
    m_countsLabel->setText(tr("%L1 objects · %L2 candidates · %3%4 · %5 · captured in %6 s")
                               .arg(s.objectCount())
                               .arg(a.candidates().size())
                               .arg(a.suspectCount() == 1 ? tr("1 suspect") : tr("%L1 suspects").arg(a.suspectCount()))
                               .arg(ignored ? tr(" · %L1 ignored").arg(ignored) : QString())
                               .arg(shownRows)
                               .arg(s.info().captureSeconds, 0, 'f', 3));
}

void MainWindow::rebuildRecentMenu()
{
    m_ui->menuRecent->clear();
    for (const QString& script : m_runs.recentScripts())
        m_ui->menuRecent->addAction(script, this, [this, script] {
            if (confirmEndingRun())
                runScript(m_runs.runOf(script));
        });
    m_ui->menuRecent->setEnabled(!m_runs.recentScripts().isEmpty());
}

void MainWindow::readSettings()
{
    QSettings settings;
    restoreLayout(settings);
    m_ui->summaries->setCurrentTab(settings.value(QStringLiteral("window/summaryTab"), 0).toInt());
    m_runs.read(settings);
    m_ui->filterBar->setShowExplained(settings.value(QStringLiteral("filter/showExplained"), false).toBool());
    m_ui->filterBar->setRegex(settings.value(QStringLiteral("filter/regex"), false).toBool());
    m_ui->filterBar->setMinimumSize(settings.value(QStringLiteral("filter/minimumSize"), 0).toLongLong());
    // By name, so a future mode or a renumbering reads back as the default.
    const QByteArray mode = settings.value(QStringLiteral("filter/listMode")).toByteArray();
    bool known = false;
    const int value = QMetaEnum::fromType<CandidatesModel::ListMode>().keyToValue(mode.constData(), &known);
    m_ui->candidatesView->setListMode(known ? static_cast<CandidatesModel::ListMode>(value) : CandidatesModel::ListMode::Candidates);
    rebuildRecentMenu();
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    saveLayout(settings);
    settings.setValue(QStringLiteral("window/summaryTab"), static_cast<int>(m_ui->summaries->currentTab()));
    m_runs.write(settings);
    settings.setValue(QStringLiteral("filter/showExplained"), m_ui->filterBar->showExplained());
    settings.setValue(QStringLiteral("filter/regex"), m_ui->filterBar->regex());
    settings.setValue(QStringLiteral("filter/minimumSize"), m_ui->filterBar->minimumSize());
    settings.setValue(QStringLiteral("filter/listMode"),
        QString::fromLatin1(QMetaEnum::fromType<CandidatesModel::ListMode>().valueToKey(
            static_cast<int>(m_ui->candidatesView->listMode()))));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!confirmClose()) {
        event->ignore();
        return;
    }
    writeSettings();
    m_session->terminate();
    event->accept();
}

} // namespace leakscope
