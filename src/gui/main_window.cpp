#include "main_window.h"

#include "gui/filter_bar.h"
#include "gui/ignore_like_dialog.h"
#include "gui/ignore_rules_dialog.h"
#include "gui/ignore_rules_file.h"
#include "gui/object_details.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/explanation_summary_model.h"
#include "models/item_roles.h"
#include "models/library_summary_model.h"
#include "models/model_text.h"
#include "models/object_tree_model.h"
#include "models/root_path.h"
#include "models/type_summary_model.h"
#include "target/host_process_target.h"
#include "ui_main_window.h"

#include <QtCore/QDateTime>
#include <QtCore/QFileInfo>
#include <QtCore/QPointer>
#include <QtCore/QSettings>
#include <QtCore/QSortFilterProxyModel>
#include <QtGui/QCloseEvent>
#include <QtGui/QTextCharFormat>
#include <QtGui/QTextCursor>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStyle>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeView>

#include <algorithm>

namespace leakscope {

namespace {

constexpr int kMaxRecentScripts = 10;

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
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_candidates(new CandidatesModel(this))
    , m_candidatesProxy(new CandidatesFilterProxy(this))
    , m_types(new TypeSummaryModel(this))
    , m_explanations(new ExplanationSummaryModel(this))
    , m_libraries(new LibrarySummaryModel(this))
    , m_referents(new ObjectTreeModel(ObjectTreeModel::Referents, this))
    , m_referrers(new ObjectTreeModel(ObjectTreeModel::Referrers, this))
    , m_typesSorted(new QSortFilterProxyModel(this))
    , m_snapshotChooser(new QComboBox(this))
    , m_stateLabel(new QLabel(this))
    , m_countsLabel(new QLabel(this))
    , m_rulesLabel(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancelProgress(new QToolButton(this))
    , m_rulesFile(new IgnoreRulesFile(QString::fromStdString(defaultIgnoreRulesPath()), this))
{
    m_ui->setupUi(this);
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<LiveObject>();
    m_targetFactory = [](const RunRequest& request) -> std::unique_ptr<Target> {
        return std::make_unique<HostProcessTarget>(hostLaunchFor(request));
    };

    QStyle* style = this->style();
    m_ui->actionRun->setIcon(style->standardIcon(QStyle::SP_MediaPlay));
    m_ui->actionSnapshot->setIcon(style->standardIcon(QStyle::SP_DialogSaveButton));
    m_ui->actionContinue->setIcon(style->standardIcon(QStyle::SP_MediaSeekForward));
    m_ui->actionInterrupt->setIcon(style->standardIcon(QStyle::SP_MediaStop));

    m_candidatesProxy->setSourceModel(m_candidates);
    m_ui->candidatesView->setModel(m_candidatesProxy);
    m_ui->candidatesView->verticalHeader()->hide();
    for (QTableView* table : {m_ui->candidatesView, m_ui->typesView, m_ui->explanationsView, m_ui->librariesView})
        table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_ui->candidatesView->horizontalHeader()->setStretchLastSection(true);
    m_ui->candidatesView->sortByColumn(CandidatesModel::SizeColumn, Qt::DescendingOrder);
    m_typesSorted->setSourceModel(m_types);
    m_typesSorted->setSortRole(SortRole);
    m_ui->typesView->setModel(m_typesSorted);
    m_ui->typesView->verticalHeader()->hide();
    m_ui->typesView->sortByColumn(TypeSummaryModel::SuspectsColumn, Qt::DescendingOrder);
    m_ui->mainSplitter->setStretchFactor(1, 3);
    m_ui->mainSplitter->setSizes({350, 700, 330});
    m_ui->typesView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_ui->explanationsView->setModel(m_explanations);
    m_ui->explanationsView->verticalHeader()->hide();
    m_ui->explanationsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->explanationsView->horizontalHeader()->setSectionResizeMode(ExplanationSummaryModel::GroupColumn,
                                                                     QHeaderView::Stretch);
    setUpOrigins();
    m_ui->filterBar->setProxy(m_candidatesProxy);
    m_ui->referentsView->setModel(m_referents);
    m_ui->referrersView->setModel(m_referrers);
    m_ui->centerSplitter->setSizes({480, 260});
    for (QTreeView* tree : {m_ui->referentsView, m_ui->referrersView}) {
        tree->header()->setStretchLastSection(false);
        tree->header()->setSectionResizeMode(ObjectTreeModel::ObjectColumn, QHeaderView::Stretch);
        // Clicking a node shows that object's details; its own trees stay as they are.
        connect(tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this, tree](const QModelIndex& index) {
            const auto* model = static_cast<ObjectTreeModel*>(tree->model());
            if (const auto object = model->objectAt(index); object && m_shown)
                m_ui->details->setHtml(objectDetailsHtml(*m_shown, *object));
        });
    }
    // The details name other objects (the holder of an explained one) as links: follow them there.
    connect(m_ui->details, &QTextBrowser::anchorClicked, this, [this](const QUrl& link) {
        if (const auto object = objectOfLink(link); object && m_shown && *object < m_shown->snapshot().objectCount())
            m_ui->details->setHtml(objectDetailsHtml(*m_shown, *object));
    });

    m_ui->toolBar->addSeparator();
    m_ui->toolBar->addWidget(new QLabel(tr(" Snapshot: "), this));
    m_snapshotChooser->setMinimumContentsLength(24);
    m_snapshotChooser->setToolTip(tr("The snapshot shown; every snapshot taken is kept"));
    m_ui->toolBar->addWidget(m_snapshotChooser);
    m_progress->setMaximum(1000);
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    m_cancelProgress->setText(tr("Cancel"));
    m_cancelProgress->hide();
    statusBar()->addPermanentWidget(m_countsLabel);
    statusBar()->addPermanentWidget(m_rulesLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelProgress);
    statusBar()->addPermanentWidget(m_stateLabel);

    connect(m_ui->actionRun, &QAction::triggered, this, &MainWindow::chooseAndRun);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionSnapshot, &QAction::triggered, this, &MainWindow::requestSnapshot);
    connect(m_ui->actionContinue, &QAction::triggered, this, [this] {
        if (m_target)
            m_target->continueScript();
    });
    connect(m_ui->actionInterrupt, &QAction::triggered, this, [this] {
        if (m_target)
            m_target->interrupt();
    });
    connect(m_ui->actionTerminate, &QAction::triggered, this, [this] {
        if (m_target)
            m_target->terminate();
    });
    connect(m_ui->actionFocusFilter, &QAction::triggered, m_ui->filterBar, &FilterBar::focusText);
    connect(m_ui->actionShowTypes, &QAction::triggered, this, [this] { m_ui->summaryTabs->setCurrentWidget(m_ui->typesTab); });
    connect(m_ui->actionShowExplanations, &QAction::triggered, this,
            [this] { m_ui->summaryTabs->setCurrentWidget(m_ui->explanationsTab); });
    connect(m_ui->actionIgnoreLike, &QAction::triggered, this, &MainWindow::ignoreObjectsLikeCurrent);
    connect(m_ui->actionEditRules, &QAction::triggered, this, &MainWindow::editRules);
    connect(m_ui->actionReloadRules, &QAction::triggered, m_rulesFile, &IgnoreRulesFile::reload);
    connect(m_rulesFile, &IgnoreRulesFile::changed, this, &MainWindow::onRulesChanged);
    connect(m_rulesLabel, &QLabel::linkActivated, this, &MainWindow::editRules);
    connect(m_ui->candidatesView, &QWidget::customContextMenuRequested, this, &MainWindow::showCandidatesMenu);
    connect(m_cancelProgress, &QToolButton::clicked, this, &MainWindow::cancelPendingSnapshot);
    connect(m_snapshotChooser, &QComboBox::currentIndexChanged, this, &MainWindow::showSnapshot);
    connect(m_ui->candidatesView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showDetails);
    connect(m_ui->typesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::applyTypeSelection);
    connect(m_ui->filterBar, &FilterBar::clearTypesRequested, m_ui->typesView, &QAbstractItemView::clearSelection);
    connect(m_ui->explanationsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::applyGroupSelection);
    connect(m_ui->filterBar, &FilterBar::clearGroupsRequested, m_ui->explanationsView, &QAbstractItemView::clearSelection);
    connect(m_ui->fetchLiveRepr, &QPushButton::clicked, this, &MainWindow::fetchLiveRepr);
    connect(m_candidatesProxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateStatus);
    connect(m_candidatesProxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateStatus);
    connect(m_candidatesProxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateStatus);
    connect(m_candidatesProxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateStatus);

    readSettings();
    updateRulesStatus(true);
    updateActions();
    updateStatus();
    showDetails();
}

MainWindow::~MainWindow() = default;

QTableView* MainWindow::candidatesView() const
{
    return m_ui->candidatesView;
}

QTableView* MainWindow::typesView() const
{
    return m_ui->typesView;
}

QTextBrowser* MainWindow::detailsView() const
{
    return m_ui->details;
}

FilterBar* MainWindow::filterBar() const
{
    return m_ui->filterBar;
}

QTreeView* MainWindow::referentsView() const
{
    return m_ui->referentsView;
}

QTreeView* MainWindow::referrersView() const
{
    return m_ui->referrersView;
}

QTextBrowser* MainWindow::pathView() const
{
    return m_ui->pathView;
}

QTableView* MainWindow::explanationsView() const
{
    return m_ui->explanationsView;
}

void MainWindow::setTargetFactory(TargetFactory factory)
{
    m_targetFactory = std::move(factory);
}

void MainWindow::chooseAndRun()
{
    RunDialog dialog(m_recentScripts, m_lastRun, this);
    if (dialog.exec() == QDialog::Accepted)
        runScript(dialog.request());
}

void MainWindow::runScript(const RunRequest& request)
{
    if (m_target) {
        m_target->disconnect(this);
        m_target->terminate();
        m_target.release()->deleteLater(); // let it finish terminating on its own
    }
    m_lastRun = request;
    rememberScript(request.script);
    m_pendingSnapshot = 0;
    m_ui->output->clear();
    appendNotice(tr("Running %1 %2").arg(request.script, request.arguments.join(u' ')).trimmed()
                 + (!request.trackAllocations                  ? QString()
                    : request.effectiveTracemallocDepth() == 1 ? tr(" (tracking allocations, 1 frame)")
                                                               : tr(" (tracking allocations, %1 frames)")
                                                                     .arg(request.effectiveTracemallocDepth()))
                 + (request.isolated            ? tr(" in isolated mode (-I)")
                    : request.ignoreEnvironment ? tr(" ignoring PYTHON* variables (-E)")
                                                : QString()));
    setWindowTitle(tr("%1 — LeakScope").arg(QFileInfo(request.script).fileName()));
    m_target = m_targetFactory(request);
    connectTarget();
    m_target->start();
    updateActions();
}

void MainWindow::connectTarget()
{
    Target* target = m_target.get();
    connect(target, &Target::ready, this, [target] { target->runScript(); });
    connect(target, &Target::stateChanged, this, [this] {
        updateActions();
        updateStatus();
    });
    connect(target, &Target::outputReceived, this,
            [this](Target::Channel channel, const QByteArray& text) { appendOutput(channel, QString::fromUtf8(text)); });
    connect(target, &Target::progress, this, [this](quint32 id, int permille, const QString& message) {
        if (id != 0 && id != m_pendingSnapshot)
            return;
        m_progress->setValue(permille);
        m_progress->setFormat(message);
        m_progress->show();
    });
    connect(target, &Target::snapshotReady, this, &MainWindow::onSnapshotReady);
    connect(target, &Target::scriptFinished, this, [this](int exitCode, const QString& outcome, const QString&) {
        appendNotice(tr("Script %1 (exit status %2)").arg(outcome).arg(exitCode));
        // The heap as the script left it: what `leakscope SCRIPT` promises.
        m_pendingSnapshot = m_target->requestSnapshot(tr("end of script"));
        updateActions();
    });
    connect(target, &Target::requestFailed, this, [this](quint32 id, const QString& message) {
        if (id == m_pendingSnapshot)
            m_pendingSnapshot = 0;
        appendNotice(tr("Request failed: %1").arg(message));
        updateActions();
    });
    connect(target, &Target::objectDescribed, this, [this](quint32 id, const LiveObject& object) {
        if (id != m_pendingDescribe)
            return;
        m_pendingDescribe = 0;
        m_ui->details->append(liveObjectHtml(object));
    });
    connect(target, &Target::lost, this, [this](const QString& reason, const QByteArray&) {
        m_pendingSnapshot = 0;
        appendNotice(tr("The interpreter is gone: %1. Snapshots taken so far are kept.").arg(reason));
        statusBar()->showMessage(reason, 10000);
        updateActions();
    });
}

void MainWindow::onSnapshotReady(quint32 requestId, const QString& label, bool paused, SnapshotPtr snapshot)
{
    if (requestId != 0 && requestId != m_pendingSnapshot)
        return; // cancelled
    if (requestId == m_pendingSnapshot)
        m_pendingSnapshot = 0;
    m_progress->setFormat(tr("analysing"));
    const QString shownLabel = (label.isEmpty() ? tr("snapshot") : label) + (paused ? tr(" (paused)") : QString());
    // The analysis is O(N + E): off the GUI thread.
    startAnalysis(snapshot, m_rulesFile->rules(),
                  [shownLabel](MainWindow* window, AnalyzedSnapshotPtr analyzed) { window->addSnapshot(shownLabel, analyzed); });
    updateActions();
}

void MainWindow::addSnapshot(const QString& label, AnalyzedSnapshotPtr analyzed)
{
    m_snapshots.push_back({label, analyzed});
    const QString time = QDateTime::fromMSecsSinceEpoch(analyzed->snapshot().info().capturedAtMs).toString(QStringLiteral("HH:mm:ss"));
    m_snapshotChooser->addItem(tr("%1 — %2").arg(label, time));
    m_snapshotChooser->setCurrentIndex(m_snapshotChooser->count() - 1); // shows it
    if (m_pendingSnapshot == 0) {
        m_progress->hide();
        m_cancelProgress->hide();
    }
    updateActions();
}

void MainWindow::showSnapshot(int index)
{
    if (index < 0 || index >= static_cast<int>(m_snapshots.size()))
        return;
    const AnalyzedSnapshotPtr& analyzed = m_snapshots[static_cast<std::size_t>(index)].analyzed;
    showAnalysis(analyzed, m_shown && m_shown->snapshotPtr() == analyzed->snapshotPtr());
    refreshAnalysis(index); // shown at once, with the rules of its time until the new analysis is done
}

void MainWindow::showDetails()
{
    const QModelIndex current = m_ui->candidatesView->currentIndex();
    if (!m_shown || !current.isValid()) {
        m_detailsObject = kNoObject;
        m_ui->details->setHtml(tr("<p>Choose a candidate to see its details.</p>"));
        m_ui->fetchLiveRepr->setEnabled(false);
        m_referents->setRoot(nullptr, 0);
        m_referrers->setRoot(nullptr, 0);
        m_ui->pathView->clear();
        return;
    }
    showObject(current.data(ObjectIndexRole).value<quint32>());
    updateActions();
}

void MainWindow::showObject(ObjectIndex object)
{
    m_detailsObject = object;
    m_ui->details->setHtml(objectDetailsHtml(*m_shown, object));
    m_referents->setRoot(m_shown, object);
    m_referrers->setRoot(m_shown, object);
    m_ui->referentsView->expand(m_referents->index(0, 0));
    m_ui->referrersView->expand(m_referrers->index(0, 0));
    showPathFromRoot(object);
}

void MainWindow::showPathFromRoot(ObjectIndex object)
{
    const Snapshot& s = m_shown->snapshot();
    const RootPaths found = rootPaths(*m_shown, *m_referrers->referrerIndex(), object, 1);
    if (found.paths.empty()) {
        m_ui->pathView->setHtml(QStringLiteral("<p>%1</p>").arg(found.reason.toHtmlEscaped()));
        return;
    }
    QString html = tr("<p>The shortest chain of references from an object nothing refers to:</p><ol>");
    const std::vector<ObjectIndex>& path = found.paths.front();
    for (std::size_t k = 0; k < path.size(); ++k) {
        const ObjectIndex step = path[k];
        // How the previous step holds this one, where the snapshot says: "['key']", ".attr", "[3]".
        const std::string via = k > 0 ? edgeName(s, path[k - 1], s.edgeTo(path[k - 1], step)) : std::string();
        html += QStringLiteral("<li>%1<b>%2</b> <code>%3</code>%4</li>")
                    .arg(via.empty() ? QString() : QStringLiteral("<code>%1</code> \u2192 ").arg(toQString(via).toHtmlEscaped()),
                         toQString(s.typeNameOf(step)).toHtmlEscaped(),
                         toQStringElided(s.repr(step), 160).toHtmlEscaped(),
                         m_shown->analysis().isCandidate(step) ? tr(" — a candidate") : QString());
    }
    m_ui->pathView->setHtml(html + QStringLiteral("</ol>"));
}

void MainWindow::fetchLiveRepr()
{
    const QModelIndex current = m_ui->candidatesView->currentIndex();
    if (!m_target || !m_shown || !current.isValid())
        return;
    const auto object = current.data(ObjectIndexRole).value<quint32>();
    const auto answer = QMessageBox::question(
        this, tr("Fetch Live Repr"),
        tr("This runs the object's own repr() and dir() in the script's interpreter: its __repr__, __dir__ or "
           "__getattr__ may do anything, and may change what a later snapshot shows.\n\nGo on?"),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    m_pendingDescribe = m_target->describeObject(m_shown->snapshot().address(object));
}

void MainWindow::requestSnapshot()
{
    if (!m_target || m_pendingSnapshot)
        return;
    m_pendingSnapshot = m_target->requestSnapshot(tr("snapshot %1").arg(m_snapshots.size() + 1));
    m_progress->setValue(0);
    m_progress->setFormat(tr("capturing"));
    m_progress->show();
    m_cancelProgress->show();
    updateActions();
}

void MainWindow::cancelPendingSnapshot()
{
    // The host finishes what it started; its answer is ignored when it comes.
    m_pendingSnapshot = 0;
    m_progress->hide();
    m_cancelProgress->hide();
    updateActions();
}

void MainWindow::applyTypeSelection()
{
    QSet<TypeIndex> types;
    for (const QModelIndex& row : m_ui->typesView->selectionModel()->selectedRows())
        types.insert(row.data(TypeIndexRole).value<quint32>());
    m_candidatesProxy->setTypeFilter(types);
    m_ui->filterBar->setChosenTypeCount(static_cast<int>(types.size()));
    updateStatus();
}

void MainWindow::applyGroupSelection()
{
    std::vector<CandidateGroupKey> groups;
    for (const QModelIndex& row : m_ui->explanationsView->selectionModel()->selectedRows())
        groups.push_back(m_explanations->groupAt(row.row()).key);
    m_candidatesProxy->setGroupFilter(groups);
    m_ui->filterBar->setChosenGroupCount(static_cast<int>(groups.size()));
    updateStatus();
}

void MainWindow::appendOutput(Target::Channel channel, const QString& text)
{
    QTextCharFormat format;
    if (channel == Target::Channel::Stderr)
        format.setForeground(QColor(0xb0, 0x00, 0x20));
    QTextCursor cursor(m_ui->output->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, format);
    m_ui->output->ensureCursorVisible();
}

void MainWindow::appendNotice(const QString& text)
{
    QTextCharFormat format;
    format.setForeground(QColor(0x55, 0x55, 0x55));
    format.setFontItalic(true);
    QTextCursor cursor(m_ui->output->document());
    cursor.movePosition(QTextCursor::End);
    if (!m_ui->output->document()->isEmpty() && !m_ui->output->toPlainText().endsWith(u'\n'))
        cursor.insertText(QStringLiteral("\n"));
    cursor.insertText(QStringLiteral("— ") + text + u'\n', format);
}

void MainWindow::updateActions()
{
    const Target::State state = m_target ? m_target->state() : Target::State::Idle;
    const bool connected = state == Target::State::Ready || state == Target::State::Running
        || state == Target::State::Paused || state == Target::State::Finished;
    m_ui->actionSnapshot->setEnabled(connected && m_pendingSnapshot == 0);
    m_ui->actionContinue->setEnabled(state == Target::State::Paused);
    m_ui->actionInterrupt->setEnabled(state == Target::State::Running || state == Target::State::Paused);
    m_ui->actionTerminate->setEnabled(m_target && state != Target::State::Lost && state != Target::State::Idle);
    m_ui->fetchLiveRepr->setEnabled(connected && m_ui->candidatesView->currentIndex().isValid());
    m_ui->actionIgnoreLike->setEnabled(m_shown && m_ui->candidatesView->currentIndex().isValid()
                                       && !m_rulesFile->path().isEmpty());
    m_stateLabel->setText(stateText(state));
}

void MainWindow::updateStatus()
{
    if (!m_shown) {
        m_countsLabel->setText(tr("No snapshot yet"));
        return;
    }
    const Snapshot& s = m_shown->snapshot();
    const HeapAnalysis& a = m_shown->analysis();
    const std::uint64_t ignored = m_shown->groups().groups()[CandidateGroups::kIgnored].candidates;
    m_countsLabel->setText(tr("%L1 objects · %L2 candidates · %3%4 · %L5 shown · captured in %6 s")
                               .arg(s.objectCount())
                               .arg(a.candidates().size())
                               .arg(a.suspectCount() == 1 ? tr("1 suspect") : tr("%L1 suspects").arg(a.suspectCount()))
                               .arg(ignored ? tr(" · %L1 ignored").arg(ignored) : QString())
                               .arg(m_candidatesProxy->rowCount())
                               .arg(s.info().captureSeconds, 0, 'f', 3));
}

void MainWindow::rememberScript(const QString& script)
{
    m_recentScripts.removeAll(script);
    m_recentScripts.prepend(script);
    while (m_recentScripts.size() > kMaxRecentScripts)
        m_recentScripts.removeLast();
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_ui->menuRecent->clear();
    for (const QString& script : m_recentScripts) {
        m_ui->menuRecent->addAction(script, this, [this, script] {
            RunRequest request = m_lastRun;
            if (request.script != script) {
                // Arguments belong to the last script; allocation tracking, -I and -E are the user's choices.
                request = RunRequest();
                request.script = script;
                request.trackAllocations = m_lastRun.trackAllocations;
                request.tracemallocDepth = m_lastRun.tracemallocDepth;
                request.isolated = m_lastRun.isolated;
                request.ignoreEnvironment = m_lastRun.ignoreEnvironment;
            }
            runScript(request);
        });
    }
    m_ui->menuRecent->setEnabled(!m_recentScripts.isEmpty());
}

void MainWindow::readSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_ui->mainSplitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_ui->summaryTabs->setCurrentIndex(settings.value(QStringLiteral("window/summaryTab"), 0).toInt());
    m_recentScripts = settings.value(QStringLiteral("run/recentScripts")).toStringList();
    m_lastRun.arguments = settings.value(QStringLiteral("run/arguments")).toStringList();
    m_lastRun.workingDirectory = settings.value(QStringLiteral("run/workingDirectory")).toString();
    m_lastRun.trackAllocations = settings.value(QStringLiteral("run/trackAllocations"), false).toBool();
    m_lastRun.tracemallocDepth = std::clamp(
        settings.value(QStringLiteral("run/tracemallocDepth"), RunRequest::kDefaultTracemallocDepth).toInt(), 1,
        RunRequest::kMaxTracemallocDepth);
    m_lastRun.isolated = settings.value(QStringLiteral("run/isolated"), false).toBool();
    m_lastRun.ignoreEnvironment = settings.value(QStringLiteral("run/ignoreEnvironment"), false).toBool();
    m_ui->filterBar->setShowExplained(settings.value(QStringLiteral("filter/showExplained"), false).toBool());
    m_ui->filterBar->setRegex(settings.value(QStringLiteral("filter/regex"), false).toBool());
    m_ui->filterBar->setMinimumSize(settings.value(QStringLiteral("filter/minimumSize"), 0).toLongLong());
    rebuildRecentMenu();
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_ui->mainSplitter->saveState());
    settings.setValue(QStringLiteral("window/summaryTab"), m_ui->summaryTabs->currentIndex());
    settings.setValue(QStringLiteral("run/recentScripts"), m_recentScripts);
    settings.setValue(QStringLiteral("run/arguments"), m_lastRun.arguments);
    settings.setValue(QStringLiteral("run/workingDirectory"), m_lastRun.workingDirectory);
    settings.setValue(QStringLiteral("run/trackAllocations"), m_lastRun.trackAllocations);
    settings.setValue(QStringLiteral("run/tracemallocDepth"), m_lastRun.tracemallocDepth);
    settings.setValue(QStringLiteral("run/isolated"), m_lastRun.isolated);
    settings.setValue(QStringLiteral("run/ignoreEnvironment"), m_lastRun.ignoreEnvironment);
    settings.setValue(QStringLiteral("filter/showExplained"), m_ui->filterBar->showExplained());
    settings.setValue(QStringLiteral("filter/regex"), m_ui->filterBar->regex());
    settings.setValue(QStringLiteral("filter/minimumSize"), m_ui->filterBar->minimumSize());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    writeSettings();
    if (m_target)
        m_target->terminate();
    event->accept();
}

} // namespace leakscope
