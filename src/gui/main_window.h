#pragma once

#include "gui/recent_files.h"
#include "gui/run_history.h"
#include "models/navigation_history.h"
#include "target/target.h"

#include <QtCore/QPointer>
#include <QtWidgets/QMainWindow>

#include <functional>
#include <memory>
#include <optional>

class QAbstractItemView;
class QDragEnterEvent;
class QDragMoveEvent;
class QDropEvent;
class QLabel;
class QProgressBar;
class QSettings;
class QTabWidget;
class QToolButton;

namespace Ui {
class MainWindow;
}

namespace leakscope {

class IgnoreLikeDialog;
class IgnoreRulesDialog;
class IgnoreRulesFile;
class RulesStatusLabel;
class Session;
class SnapshotChooser;
class SuspectsPage;

// The main window over a Session: runs scripts in it and shows the snapshot it shows, through pages
// that each own one concern: the summaries (types, explanations, libraries), the filter bar, the
// candidates table and the Suspects page in tabs beside it, the object's graph (referents,
// referrers, path from a root), its details, and the output. The pages show one current object (see
// setUpNavigation()), with a history to go back and forward through. It keeps the menus, the toolbar
// with the snapshot chooser, the status bar, the settings and the user's ignore rules
// (defaultIgnoreRulesPath(), read at construction and followed while the window lives), which it
// gives to the session.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Starts the script in a new target; the current one, if any, is terminated.
    void runScript(const RunRequest& request);
    // The run File ▸ Run Script… proposes: the last one, or the settings of the last session.
    const RunRequest& lastRun() const { return m_runs.lastRun(); }
    // Attaches to the running Python process pid (command: its command line, for the output and the
    // title) as a new run; the current target, if any, is terminated. File ▸ Attach to Process… does it.
    void attachToProcess(qint64 pid, const QString& command);
    // The target, the snapshots and their analyses.
    Session* session() const { return m_session; }

    // main_window_files.cpp: snapshot files.
    // Opens snapshot files (.lssnap) in the session, in order, off the GUI thread; one message names
    // those that could not be opened. What File ▸ Open Snapshot…, Open Recent, a drop and the command
    // line do.
    void openSnapshotFiles(const QStringList& paths);
    // Save Snapshot As… for snapshot index: asks where (in the last folder used, named after its
    // label), then saves it off the GUI thread. False when nothing is saved (the user cancelled).
    bool saveSnapshotAs(int index);
    // Closes the snapshots (session indexes); asks first when one of them is not saved.
    void closeSnapshots(const QList<int>& indexes);
    // The snapshot files opened or saved lately, most recent first (File ▸ Open Recent).
    const QStringList& recentFiles() const { return m_recentFiles.files(); }

    // main_window_export.cpp: exports (docs/export.md), each written off the GUI thread and atomically,
    // exportFinished() once done. File ▸ Export Report…: the report of the snapshot shown with the rules
    // it was analysed with, in the format of the name filter chosen or of the file's extension.
    void exportReport();
    // Export Table as CSV… of view, as it shows its rows: its filter, its order, its visible columns.
    void exportTable(QAbstractItemView* view);
    // Export Graph Around Object… for object of the snapshot shown: asks how far and how many objects,
    // then where; DOT, or SVG when Graphviz's dot is on PATH.
    void exportGraphAround(ObjectIndex object);
    // Offers Export Table as CSV… for view: in its context menu (a view without a menu of its own gets
    // one) and from the File menu while it has, or last had, the focus. title names it ("Types").
    void addExportableTable(QAbstractItemView* view, const QString& title);

Q_SIGNALS:
    // The analysis the session shows is in the pages: the candidates listed and the current one's
    // details. Emitted for each snapshot shown and each new analysis of it (other ignore rules).
    void analysisDisplayed();
    // View ▸ Compare Snapshots… (or Compare in the snapshot list): the user wants snapshot before
    // compared with snapshot after (session indexes, before < after). Whoever shows comparisons
    // connects here.
    void compareRequested(int before, int after);
    // View ▸ Growth over Selected Snapshots (or the same in the snapshot list), or a series of the
    // script's is complete: the growth over these snapshots (session indexes) is wanted, titled title
    // (empty: "snapshots 3–7").
    void growthRequested(const QList<int>& snapshots, const QString& title);
    // An export asked for has ended: path holds it, or error says why nothing was written there.
    void exportFinished(const QString& path, const QString& error);

protected:
    void closeEvent(QCloseEvent* event) override;
    // Snapshot files dropped on the window open.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    // The mouse's back and forward buttons, over any widget of the window.
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void setUpStatusBar();
    void connectActions();
    void connectSession();
    void connectPages();
    void chooseAndRun();
    void chooseAndAttach();
    // Asks before a new run ends a script that is still running; true when there is none, or the
    // user agrees. runScript() itself does not ask: it is what the user (or a test) chose.
    bool confirmEndingRun();
    // Shows the output kept of run (1-based) in the Output pane, which then follows that run.
    void showRunOutput(int run);
    // Gives the pages the analysis the session shows; keepView (the same snapshot, other rules) keeps
    // the current object. A new snapshot goes to its first listed candidate. The chosen types and
    // groups are kept by name either way.
    void showAnalysis(bool keepView);
    // Navigation: the current object is the one chosen last (a table row, an activated tree node, a
    // link in the details, a step of the path); going to it makes a history entry, Back and Forward
    // move through them, and it is shown by the details, both trees, the path and, when listed, the table.
    void setUpNavigation();
    void followTable(); // the table's current row changed
    void goToObject(ObjectIndex object); // of the snapshot shown
    void goBack();
    void goForward();
    void showEntry(const NavigationEntry& entry);
    void showCurrentObject(ObjectIndex object); // details, trees, path and table; no history entry
    void showNoObject();
    void updateNavigationActions();
    void requestSnapshot();
    void cancelPendingSnapshot();
    void hideProgress();
    // pending: a snapshot is awaited, one asked for or the one the script's end takes; it can be
    // cancelled until it arrives.
    void showPendingCapture(bool pending);
    void updateActions();
    void updateStatus();
    void rebuildRecentMenu();
    void readSettings();
    void writeSettings() const;
    // main_window_files.cpp: Open, Save As, Open Recent, the snapshot list, Compare, the file progress.
    void setUpFiles();
    void setUpCompare();
    void chooseAndOpen();
    void rememberFile(const QString& path);
    void rebuildRecentFilesMenu();
    void recentFilesChanged(); // the menu rebuilt and the list written to the settings
    void openRecentFile(const QString& path);
    void updateFileActions();
    void updateFileProgress();
    void requestCompare();
    // main_window_growth.cpp: the Growth dock, its action and the series the script completes.
    void setUpGrowth();
    void requestGrowth();
    void updateGrowthAction();
    // main_window_dominators.cpp: the Dominator Tree dock and its action.
    void setUpDominators();
    // main_window_suspects.cpp: the Suspects page in a tab beside the candidates table, its action,
    // and its links into the views.
    void setUpSuspects();
    // Brings the candidates table to the front, as the user's choice (the next snapshot keeps it).
    void showCandidatesTable();
    // "Show in table" of a group of the story: the candidates of type typeName, representative current.
    void showSuspectsInTable(const QString& typeName, ObjectIndex representative, bool mixedTypes);
    // Lists every object of the type named name in snapshot (shown first when it is not): what choosing
    // a type in the Compare or the Growth view does.
    void listObjectsOfType(int snapshot, const QString& name);
    // A message about files that does not stop the window (the user reads it when done).
    void showFileMessage(const QString& title, const QString& text);
    // Before the window closes: true when nothing unsaved would be lost, or the user says to discard
    // it. Save All… saves them and closes the window once they are saved.
    bool confirmClose();
    // Saves the snapshots, asking where: a file for one, a folder for several; false when the user
    // cancelled.
    bool saveAll(const QList<int>& indexes);
    // main_window_rules.cpp: the rules file, its status, the rules editor and "Ignore Objects Like This".
    void connectRules();
    // Shows the rules' status; announce: their first problem in the status bar as well.
    void updateRulesStatus(bool announce);
    void editRules();
    void ignoreObjectsLikeCurrent();
    // main_window_layout.cpp: the shortcuts of the Session menu, the panes in tab order with a
    // shortcut each, a visible focus, the docks and the toolbar in the View menu, the snapshot icon.
    void setUpLayout();
    // The layout of a first run, proportioned to the window's size; also View ▸ Reset Layout.
    void applyFirstRunLayout();
    // The saved size, docks and splitters; without them (a first run) a size that fits the screen,
    // and the first-run layout once shown.
    void restoreLayout(const QSettings& settings);
    void saveLayout(QSettings& settings) const;
    // The panes in tab order: summaries, filter bar, candidates (the tabs of the table and the Suspects
    // page), object graph, details, output.
    QList<QWidget*> panes() const;
    void focusPane(int index);
    // The pane step places after (or before, step < 0) the one that has the focus.
    void focusNextPane(int step);
    // main_window_export.cpp: the export actions, their menus and progress.
    void setUpExport();
    void updateExportActions();
    // The table File ▸ Export Table as CSV… exports: the one with the focus, else the last that had it.
    QAbstractItemView* exportTableTarget() const;
    QString exportTableTitle(const QAbstractItemView* view) const;
    // Runs work (which returns an error sentence, empty on success) off the GUI thread, with the
    // progress shown; then says how it went: note in the status bar, or the error in a message.
    void runExport(const QString& what, const QString& path, std::function<QString(QString& note)> work);

    Session* m_session;
    std::unique_ptr<Ui::MainWindow> m_ui;
    IgnoreRulesFile* m_rulesFile;
    SnapshotChooser* m_snapshotChooser;
    QLabel* m_stateLabel;
    QLabel* m_countsLabel;
    RulesStatusLabel* m_rulesLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancelProgress;

    RunHistory m_runs;
    int m_outputRun = 0; // the run whose output the Output pane shows
    QPointer<IgnoreLikeDialog> m_ignoreLikeDialog;
    QPointer<IgnoreRulesDialog> m_rulesDialog;
    NavigationHistory* m_history;
    QAction* m_backAction = nullptr;
    QAction* m_forwardAction = nullptr;
    ObjectIndex m_currentObject = kNoObject; // of the snapshot shown
    std::optional<NavigationEntry> m_pendingEntry; // Back or Forward into another snapshot, shown with it
    bool m_syncingTable = false; // the table's row moves now follow the current object, not the user
    bool m_firstRunLayoutPending = false; // applied at the first show
    RecentFiles m_recentFiles;
    QString m_lastFolder; // where the last snapshot file was opened or saved
    QProgressBar* m_fileProgress = nullptr; // busy while a file is opened or saved
    QAction* m_growthAction = nullptr; // View ▸ Growth over Selected Snapshots
    bool m_closeAfterSaving = false; // Save All… on closing: close once the saves are done
    bool m_closeConfirmed = false;
    QAction* m_exportTableAction = nullptr; // File ▸ Export Table as CSV…
    QAction* m_exportGraphAction = nullptr; // File ▸ Export Graph Around Object…
    QProgressBar* m_exportProgress = nullptr; // busy while an export is written
    int m_exportsRunning = 0;
    QList<QPair<QPointer<QAbstractItemView>, QString>> m_exportTables; // with their titles
    // QApplication::focusChanged -> the last table focused. Cut in the destructor: closing the window
    // moves the focus while QWidget's destructor runs, after this class's members are gone.
    QMetaObject::Connection m_focusConnection;
    QPointer<QAbstractItemView> m_lastExportTable; // the exportable table that had the focus last
    QTabWidget* m_centralTabs = nullptr; // the Suspects page and the candidates table
    SuspectsPage* m_suspectsPage = nullptr;
    bool m_tableChosen = false; // the user's last choice was the table: new snapshots leave it in front
};

} // namespace leakscope
