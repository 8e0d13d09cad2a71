// The window's exports: File ▸ Export Report… (the report of the snapshot shown, with the rules it was
// analysed with), Export Table as CSV… (any table of the window, as it shows its rows) and Export Graph
// Around Object… (the references around an object, DOT or SVG). The writers are the command line's
// (src/snapshot) or the widget-free table writer (models/table_csv.h); what is slow runs off the GUI
// thread, and every file is written atomically: a failure leaves what the name held before.
#include "main_window.h"

#include "gui/candidates_view.h"
#include "gui/graph_export_dialog.h"
#include "gui/table_export.h"
#include "models/byte_size.h"
#include "models/model_text.h"
#include "models/object_tree_model.h"
#include "session/session.h"
#include "snapshot/dominators.h"
#include "snapshot/export_dot.h"
#include "snapshot/report.h"
#include "snapshot/report_html.h"
#include "snapshot/report_markdown.h"
#include "support/background_work.h"
#include "support/process_start.h"
#include "ui_main_window.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMenu>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTreeView>

#include <exception>

namespace leakscope {

namespace {

const QString kLastFolderKey = QStringLiteral("files/lastFolder"); // shared with the snapshot files
const QString kReportFormatKey = QStringLiteral("export/reportFormat");
// Graphviz lays out a few hundred nodes in well under a second; a run this long is stuck or hopeless.
constexpr int kDotTimeoutMs = 30000;

// The report formats File ▸ Export Report… offers, in the order of its name filters.
enum class ReportFile { Html, Markdown, Json, Csv };

struct ReportFileFormat
{
    ReportFile format;
    const char* key; // in the settings
    QString filter;
    QStringList suffixes; // the first is the default
};

QList<ReportFileFormat> reportFormats()
{
    return {
        {ReportFile::Html, "html", MainWindow::tr("HTML page (*.html *.htm)"),
            {QStringLiteral("html"), QStringLiteral("htm")}},
        {ReportFile::Markdown, "markdown", MainWindow::tr("Markdown document (*.md *.markdown)"),
            {QStringLiteral("md"), QStringLiteral("markdown")}},
        {ReportFile::Json, "json", MainWindow::tr("JSON report (*.json)"), {QStringLiteral("json")}},
        {ReportFile::Csv, "csv", MainWindow::tr("CSV, one row per candidate (*.csv)"), {QStringLiteral("csv")}},
    };
}

// The format a file name asks for by its extension, else the one of the name filter chosen.
std::optional<ReportFileFormat> reportFormatOf(const QString& path, const QString& filter)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QList<ReportFileFormat> formats = reportFormats();
    for (const ReportFileFormat& format : formats) {
        if (format.suffixes.contains(suffix))
            return format;
    }
    for (const ReportFileFormat& format : formats) {
        if (format.filter == filter)
            return format;
    }
    return std::nullopt;
}

struct ReportJob
{
    AnalyzedSnapshotPtr analyzed;
    ReportFile format = ReportFile::Html;
    QString path;
    std::string title; // of the HTML and Markdown documents
    std::string generator;
};

QString writeReport(const ReportJob& job, QString& note)
{
    const AnalyzedSnapshot& analyzed = *job.analyzed;
    const HeapAnalysis& analysis = analyzed.analysis();
    const double captureSeconds = analyzed.snapshot().info().captureSeconds;
    // Retained sizes: the analysis's tree when the session built one, else the same tree the command
    // line's report builds.
    std::unique_ptr<const DominatorTree> built;
    const DominatorTree* tree = analyzed.dominators();
    if (!tree) {
        built = std::make_unique<const DominatorTree>(analyzed.snapshot(), analysis);
        tree = built.get();
    }
    DocumentReportOptions options; // the command line's defaults: referents 2 levels deep
    options.title = job.title;
    options.captureSeconds = captureSeconds;
    options.generator = job.generator;
    std::string text;
    switch (job.format) {
    case ReportFile::Html: text = htmlReport(analysis, *tree, options); break;
    case ReportFile::Markdown: text = markdownReport(analysis, *tree, options); break;
    case ReportFile::Json: text = jsonReport(analysis, captureSeconds, tree); break;
    case ReportFile::Csv: text = csvReport(analysis, tree); break;
    }
    const QString& path = job.path;
    if (QString error = writeFileAtomically(path, text); !error.isEmpty())
        return error;
    note = MainWindow::tr("%1, %L2 candidates, %L3 suspects")
               .arg(formatByteSize(text.size()))
               .arg(analysis.candidates().size())
               .arg(analysis.suspectCount());
    return {};
}

// dot -Tsvg of text; an empty string and the reason in error when it cannot be had.
QByteArray drawSvg(const QString& dotProgram, const std::string& text, QString& error)
{
    QProcess dot;
    dot.setProgram(dotProgram);
    dot.setArguments({QStringLiteral("-Tsvg")});
    startProcess(dot);
    if (!dot.waitForStarted(5000)) {
        error = MainWindow::tr("Graphviz's dot (%1) could not start: %2").arg(dotProgram, dot.errorString());
        return {};
    }
    dot.write(text.data(), static_cast<qint64>(text.size()));
    dot.closeWriteChannel();
    if (!dot.waitForFinished(kDotTimeoutMs)) {
        dot.kill();
        dot.waitForFinished(1000);
        error = MainWindow::tr("Graphviz's dot did not finish within %1 s: draw fewer objects, or export DOT")
                    .arg(kDotTimeoutMs / 1000);
        return {};
    }
    const QString messages = QString::fromUtf8(dot.readAllStandardError()).trimmed();
    const QByteArray svg = dot.readAllStandardOutput();
    if (dot.exitStatus() != QProcess::NormalExit || dot.exitCode() != 0 || !svg.contains("<svg")) {
        error = MainWindow::tr("Graphviz's dot failed (exit status %1)%2")
                    .arg(dot.exitStatus() == QProcess::NormalExit ? QString::number(dot.exitCode())
                                                                  : QStringLiteral("crash"),
                        messages.isEmpty() ? QString() : QStringLiteral(": ") + messages);
        return {};
    }
    return svg;
}

struct GraphJob
{
    AnalyzedSnapshotPtr analyzed;
    ObjectIndex center = kNoObject;
    DotOptions options;
    QString path;
    QString dotProgram; // empty: write DOT
};

QString writeGraph(const GraphJob& job, QString& note)
{
    const ReferrerIndex referrers(job.analyzed->snapshot());
    std::string text;
    const DotExportStats stats = writeDotGraph(job.analyzed->analysis(), referrers, job.center, job.options, text);
    QString error;
    if (job.dotProgram.isEmpty()) {
        error = writeFileAtomically(job.path, text);
    } else {
        const QByteArray svg = drawSvg(job.dotProgram, text, error);
        if (error.isEmpty())
            error = writeFileAtomically(
                job.path, std::string_view(svg.constData(), static_cast<std::size_t>(svg.size())));
    }
    if (!error.isEmpty())
        return error;
    note = MainWindow::tr("%L1 objects, %L2 references drawn").arg(stats.nodes).arg(stats.edges);
    if (stats.omitted > 0)
        note += MainWindow::tr("; %L1 more within depth %2 left out").arg(stats.omitted).arg(job.options.depth);
    return {};
}

} // namespace

void MainWindow::setUpExport()
{
    m_exportProgress = new QProgressBar(this);
    m_exportProgress->setObjectName(QStringLiteral("exportProgress"));
    m_exportProgress->setRange(0, 0); // busy: the writers say nothing of their progress
    m_exportProgress->setMaximumWidth(120);
    m_exportProgress->setTextVisible(false);
    m_exportProgress->hide();
    statusBar()->addPermanentWidget(m_exportProgress);

    m_ui->actionExport->setToolTip(tr("Export the report of the snapshot shown, with the ignore rules applied: "
                                      "HTML, Markdown, JSON or CSV (Ctrl+E)"));
    connect(m_ui->actionExport, &QAction::triggered, this, &MainWindow::exportReport);

    // Ctrl+E exports the report; Ctrl+Shift+E, free in every menu and pane, the table.
    m_exportTableAction = new QAction(tr("Export Table as &CSV…"), this);
    m_exportTableAction->setObjectName(QStringLiteral("actionExportTable"));
    m_exportTableAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(m_exportTableAction, &QAction::triggered, this, [this] { exportTable(exportTableTarget()); });
    m_exportGraphAction = new QAction(tr("Export &Graph Around Object…"), this);
    m_exportGraphAction->setObjectName(QStringLiteral("actionExportGraph"));
    m_exportGraphAction->setToolTip(tr("Export the references around the current object as a Graphviz graph"));
    connect(m_exportGraphAction, &QAction::triggered, this, [this] { exportGraphAround(m_currentObject); });
    // Below Export Report…, in the same group.
    const QList<QAction*> fileActions = m_ui->menuFile->actions();
    QAction* after = fileActions.value(fileActions.indexOf(m_ui->actionExport) + 1);
    m_ui->menuFile->insertAction(after, m_exportTableAction);
    m_ui->menuFile->insertAction(after, m_exportGraphAction);
    connect(m_ui->menuFile, &QMenu::aboutToShow, this, &MainWindow::updateExportActions);

    // The candidates' menu exports the row's graph and the table; the trees' the node's graph.
    CandidatesView* candidates = m_ui->candidatesView;
    auto* separator = new QAction(this);
    separator->setSeparator(true);
    auto* candidateGraph = new QAction(tr("Export &Graph Around Object…"), candidates);
    candidateGraph->setObjectName(QStringLiteral("exportGraphOfRow"));
    connect(candidateGraph, &QAction::triggered, this, [this, candidates] {
        if (const std::optional<ObjectIndex> object = candidates->currentObject())
            exportGraphAround(*object);
    });
    auto* candidatesTable = new QAction(tr("Export Table as &CSV…"), candidates);
    candidatesTable->setObjectName(QStringLiteral("exportTableCsv"));
    connect(candidatesTable, &QAction::triggered, this, [this, candidates] { exportTable(candidates); });
    candidates->setContextActions(
        candidates->contextActions() + QList<QAction*>{separator, candidateGraph, candidatesTable});
    addExportableTable(candidates, QString()); // titled by its list mode: exportTableTitle()
    for (const char* name : {"referentsView", "referrersView"}) {
        auto* tree = findChild<QTreeView*>(QString::fromLatin1(name));
        if (!tree)
            continue;
        auto* graph = new QAction(tr("Export &Graph Around Object…"), tree);
        graph->setObjectName(QStringLiteral("exportGraphOfNode"));
        connect(graph, &QAction::triggered, this, [this, tree] {
            if (const auto* model = qobject_cast<const ObjectTreeModel*>(tree->model())) {
                if (const std::optional<ObjectIndex> object = model->objectAt(tree->currentIndex()))
                    exportGraphAround(*object);
            }
        });
        tree->addAction(graph); // the tree's menu lists the tree's actions
    }

    const std::pair<const char*, QString> tables[] = {
        {"typesView", tr("Types")},
        {"explanationsView", tr("Explanations")},
        {"librariesView", tr("Libraries")},
        {"compareTypes", tr("Compared Types")},
        {"compareNewSuspects", tr("New Suspects")},
        {"compareSurplusGrowth", tr("Surplus Growth")},
        {"growthTree", tr("Growth")},
        {"dominatorTree", tr("Dominator Tree")},
        {"snapshotChartTypes", tr("Types across Snapshots")},
    };
    for (const auto& [name, title] : tables) {
        if (auto* view = findChild<QAbstractItemView*>(QString::fromLatin1(name)))
            addExportableTable(view, title);
    }
    m_focusConnection = connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        for (const auto& [view, title] : std::as_const(m_exportTables)) {
            if (view && now && (view == now || view->isAncestorOf(now))) {
                m_lastExportTable = view;
                updateExportActions();
                return;
            }
        }
    });
    connect(this, &MainWindow::analysisDisplayed, this, &MainWindow::updateExportActions);
    connect(m_session, &Session::snapshotAdded, this, &MainWindow::updateExportActions);
    connect(m_session, &Session::snapshotRemoved, this, &MainWindow::updateExportActions);
    updateExportActions();
}

void MainWindow::addExportableTable(QAbstractItemView* view, const QString& title)
{
    if (!view)
        return;
    m_exportTables.append({QPointer<QAbstractItemView>(view), title});
    if (view == m_ui->candidatesView)
        return; // its own menu has the action (setUpExport())
    if (view->contextMenuPolicy() == Qt::DefaultContextMenu)
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
    if (view->contextMenuPolicy() != Qt::ActionsContextMenu)
        return; // a menu of its own: its owner adds the action there
    auto* action = new QAction(tr("Export Table as &CSV…"), view);
    action->setObjectName(QStringLiteral("exportTableCsv"));
    connect(action, &QAction::triggered, this, [this, view] { exportTable(view); });
    view->addAction(action);
}

QAbstractItemView* MainWindow::exportTableTarget() const
{
    if (m_lastExportTable)
        return m_lastExportTable;
    return m_ui->candidatesView;
}

QString MainWindow::exportTableTitle(const QAbstractItemView* view) const
{
    if (view == m_ui->candidatesView)
        return m_ui->candidatesView->listMode() == CandidatesModel::ListMode::AllObjects ? tr("Objects")
                                                                                         : tr("Candidates");
    for (const auto& [table, title] : m_exportTables) {
        if (table == view)
            return title;
    }
    return tr("Table");
}

void MainWindow::updateExportActions()
{
    const bool shown = m_session->shownSnapshot() != nullptr;
    m_ui->actionExport->setEnabled(shown);
    QAbstractItemView* table = exportTableTarget();
    const QString title = exportTableTitle(table);
    m_exportTableAction->setText(tr("Export %1 Table as &CSV…").arg(title));
    m_exportTableAction->setToolTip(
        tr("Export the %1 table as CSV, as it shows its rows: its filter, order and columns (Ctrl+Shift+E)")
            .arg(title));
    m_exportTableAction->setEnabled(table && table->model() && m_session->snapshotCount() > 0);
    m_exportGraphAction->setEnabled(shown && m_currentObject != kNoObject);
}

void MainWindow::runExport(const QString& what, const QString& path, std::function<QString(QString& note)> work)
{
    ++m_exportsRunning;
    m_exportProgress->show();
    statusBar()->showMessage(tr("Exporting %1 to %2…").arg(what, QFileInfo(path).fileName()));
    struct Outcome
    {
        QString error;
        QString note;
        double seconds = 0;
    };
    runInBackground(
        this,
        [work = std::move(work)] {
            Outcome outcome;
            QElapsedTimer timer;
            timer.start();
            try {
                outcome.error = work(outcome.note);
            } catch (const std::exception& error) {
                outcome.error = QString::fromStdString(error.what());
            }
            outcome.seconds = timer.elapsed() / 1000.0;
            return outcome;
        },
        [this, what, path](Outcome outcome) {
            if (--m_exportsRunning == 0)
                m_exportProgress->hide();
            if (outcome.error.isEmpty()) {
                statusBar()->showMessage(tr("Exported %1 to %2 (%3) in %4 s")
                                             .arg(what, QDir::toNativeSeparators(path), outcome.note)
                                             .arg(outcome.seconds, 0, 'f', 2),
                    10000);
            } else {
                statusBar()->clearMessage();
                showFileMessage(tr("Export"),
                    tr("%1 was not exported, and nothing was written to %2:\n%3")
                        .arg(what.at(0).toUpper() + what.mid(1), QDir::toNativeSeparators(path), outcome.error));
            }
            Q_EMIT exportFinished(path, outcome.error);
        });
}

void MainWindow::exportReport()
{
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    if (!shown)
        return;
    const QList<ReportFileFormat> formats = reportFormats();
    QStringList filters;
    ReportFileFormat chosen = formats.first();
    const QString lastKey = QSettings().value(kReportFormatKey).toString();
    for (const ReportFileFormat& format : formats) {
        filters << format.filter;
        if (lastKey == QLatin1String(format.key))
            chosen = format;
    }
    const QString folder = m_lastFolder.isEmpty() ? QDir::homePath() : m_lastFolder;
    const QString stem = exportFileStem(m_session->snapshotLabel(m_session->shownIndex()));
    const QString proposed = QDir(folder).filePath(stem + u'.' + chosen.suffixes.first());
    QFileDialog dialog(this, tr("Export Report"), proposed, filters.join(QStringLiteral(";;")));
    dialog.setObjectName(QStringLiteral("exportReportDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.selectNameFilter(chosen.filter);
    dialog.setDefaultSuffix(chosen.suffixes.first());
    dialog.selectFile(proposed);
    // A name typed without an extension takes the one of the format chosen.
    connect(&dialog, &QFileDialog::filterSelected, &dialog, [&dialog](const QString& filter) {
        if (const std::optional<ReportFileFormat> format = reportFormatOf(QString(), filter))
            dialog.setDefaultSuffix(format->suffixes.first());
    });
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString path = dialog.selectedFiles().first();
    const std::optional<ReportFileFormat> format = reportFormatOf(path, dialog.selectedNameFilter());
    if (!format)
        return; // every filter is a format
    m_lastFolder = QFileInfo(path).absolutePath();
    QSettings settings;
    settings.setValue(kLastFolderKey, m_lastFolder);
    settings.setValue(kReportFormatKey, QString::fromLatin1(format->key));
    ReportJob job{shown, format->format, path,
        tr("LeakScope report: %1").arg(m_session->snapshotTitle(m_session->shownIndex())).toStdString(),
        QStringLiteral("LeakScope %1").arg(QCoreApplication::applicationVersion()).trimmed().toStdString()};
    runExport(tr("the report"), path, [job](QString& note) { return writeReport(job, note); });
}

void MainWindow::exportTable(QAbstractItemView* view)
{
    if (!view || !view->model())
        return;
    const QString title = exportTableTitle(view);
    const QString folder = m_lastFolder.isEmpty() ? QDir::homePath() : m_lastFolder;
    const int shown = m_session->shownIndex();
    const QString label = shown >= 0 ? m_session->snapshotLabel(shown) + u'-' + title : title;
    const QString proposed = QDir(folder).filePath(exportFileStem(label.toLower()) + QStringLiteral(".csv"));
    QFileDialog dialog(this, tr("Export %1 Table as CSV").arg(title), proposed, tr("CSV files (*.csv);;All files (*)"));
    dialog.setObjectName(QStringLiteral("exportTableDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setDefaultSuffix(QStringLiteral("csv"));
    dialog.selectFile(proposed);
    const QPointer<QAbstractItemView> guard(view); // a dock's view may go while the dialog is open
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty() || !guard || !view->model())
        return;
    const QString path = dialog.selectedFiles().first();
    m_lastFolder = QFileInfo(path).absolutePath();
    QSettings().setValue(kLastFolderKey, m_lastFolder);
    // The model lives on the GUI thread: its rows are read here, a slice of at most ~40 ms per turn of the
    // event loop (a million rows take seconds), and the file is written in the background.
    const QString what = tr("the %1 table").arg(title);
    QPointer<QAbstractItemModel> model(view->model());
    auto writer = std::make_shared<TableCsvWriter>(*model, visibleColumns(view), QLocale(), shownChildren(view));
    ++m_exportsRunning;
    m_exportProgress->show();
    auto* slices = new QTimer(this);
    slices->setInterval(0);
    connect(slices, &QTimer::timeout, this, [this, slices, writer, model, guard, what, path] {
        QElapsedTimer slice;
        slice.start();
        bool done = false;
        while (model && guard && !writer->isInterrupted() && !done && slice.elapsed() < 40)
            done = writer->writeRows(500);
        if (model && guard && !writer->isInterrupted() && !done) {
            const qsizetype total = std::max<qsizetype>(writer->topRowCount(), 1);
            statusBar()->showMessage(tr("Exporting %1 to %2… %3%")
                                         .arg(what, QFileInfo(path).fileName())
                                         .arg(100 * writer->topRowsWritten() / total));
            return;
        }
        slices->stop();
        slices->deleteLater();
        if (--m_exportsRunning == 0)
            m_exportProgress->hide();
        if (!done) {
            // Rows read before and after a change would make a table that never was.
            const QString error = tr("the table changed while it was read (a filter, a sort or a new analysis): "
                                     "export it again");
            statusBar()->clearMessage();
            showFileMessage(tr("Export"),
                tr("%1 was not exported, and nothing was written to %2:\n%3")
                    .arg(what.at(0).toUpper() + what.mid(1), QDir::toNativeSeparators(path), error));
            Q_EMIT exportFinished(path, error);
            return;
        }
        const TableCsvStats stats = writer->stats();
        auto csv = std::make_shared<const QByteArray>(writer->takeBytes());
        runExport(what, path, [csv, stats, path](QString& note) {
            note = tr("%L1 rows, %L2 columns").arg(stats.rows).arg(stats.columns);
            return writeFileAtomically(path, std::string_view(csv->constData(), static_cast<std::size_t>(csv->size())));
        });
    });
    slices->start();
}

void MainWindow::exportGraphAround(ObjectIndex object)
{
    const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
    if (!shown || object >= shown->snapshot().objectCount())
        return;
    const Snapshot& snapshot = shown->snapshot();
    const QString address = addressText(snapshot.address(object));
    GraphExportDialog options(address + u' ' + toQString(snapshot.typeNameOf(object)), this);
    if (options.exec() != QDialog::Accepted)
        return;

    const QString dotProgram = QStandardPaths::findExecutable(QStringLiteral("dot"));
    const QString dotFilter = tr("Graphviz DOT (*.dot *.gv)");
    const QString svgFilter = tr("SVG picture, drawn by Graphviz (*.svg)");
    QStringList filters;
    if (!dotProgram.isEmpty())
        filters << svgFilter; // what most want to look at
    filters << dotFilter;
    const QString folder = m_lastFolder.isEmpty() ? QDir::homePath() : m_lastFolder;
    const QString stem = exportFileStem(m_session->snapshotLabel(m_session->shownIndex()) + u'-' + address);
    const QString suffix = dotProgram.isEmpty() ? QStringLiteral("dot") : QStringLiteral("svg");
    const QString proposed = QDir(folder).filePath(stem + u'.' + suffix);
    QFileDialog dialog(this, tr("Export Graph Around %1").arg(address), proposed, filters.join(QStringLiteral(";;")));
    dialog.setObjectName(QStringLiteral("exportGraphDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setDefaultSuffix(suffix);
    dialog.selectFile(proposed);
    connect(&dialog, &QFileDialog::filterSelected, &dialog, [&dialog, svgFilter](const QString& filter) {
        dialog.setDefaultSuffix(filter == svgFilter ? QStringLiteral("svg") : QStringLiteral("dot"));
    });
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString path = dialog.selectedFiles().first();
    const QString extension = QFileInfo(path).suffix().toLower();
    const bool svg = extension == QLatin1String("svg")
        || (extension != QLatin1String("dot") && extension != QLatin1String("gv")
            && dialog.selectedNameFilter() == svgFilter);
    if (svg && dotProgram.isEmpty()) {
        showFileMessage(tr("Export"),
            tr("An SVG picture needs Graphviz's dot, which is not on PATH: install Graphviz, or export DOT "
               "(.dot) and draw it elsewhere. Nothing was written."));
        return;
    }
    m_lastFolder = QFileInfo(path).absolutePath();
    QSettings().setValue(kLastFolderKey, m_lastFolder);
    GraphJob job{shown, object, options.options(), path, svg ? dotProgram : QString()};
    runExport(tr("the graph around %1").arg(address), path, [job](QString& note) { return writeGraph(job, note); });
}

} // namespace leakscope
