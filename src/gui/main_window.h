#pragma once

#include "gui/run_dialog.h"
#include "models/analyzed_snapshot.h"
#include "target/target.h"

#include <QtCore/QPointer>
#include <QtWidgets/QMainWindow>

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;
class QToolButton;
class QTreeView;

namespace Ui {
class MainWindow;
}

namespace leakscope {

class CandidatesFilterProxy;
class CandidatesModel;
class ExplanationSummaryModel;
class FilterBar;
class IgnoreLikeDialog;
class IgnoreRulesDialog;
class IgnoreRulesFile;
class LibrarySummaryModel;
class ObjectTreeModel;
class SourceViewerDialog;
struct SourceLocation;
class TypeSummaryModel;

// The main window: runs a script in a target, keeps the snapshots it receives, and shows the chosen
// one as a type summary, a summary by explanation, a summary by library, a filterable table of
// candidates and the details of the selected object (whose source lines open in a viewer). Every
// snapshot is analysed off the GUI thread with the user's ignore rules (defaultIgnoreRulesPath(), read
// at construction and followed while the window lives); when the rules change, the snapshot shown is
// analysed again, and the others when they are next shown.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    using TargetFactory = std::function<std::unique_ptr<Target>(const RunRequest&)>;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Starts the script in a new target; the current one, if any, is terminated.
    void runScript(const RunRequest& request);
    // The default starts leakscope-host next to this program; tests give a FakeTarget.
    void setTargetFactory(TargetFactory factory);
    // The run File ▸ Run Script… proposes: the last one, or the settings of the last session.
    const RunRequest& lastRun() const { return m_lastRun; }

    // For tests.
    Target* target() const { return m_target.get(); }
    int snapshotCount() const { return static_cast<int>(m_snapshots.size()); }
    AnalyzedSnapshotPtr shownSnapshot() const { return m_shown; }
    CandidatesFilterProxy* candidatesProxy() const { return m_candidatesProxy; }
    QTableView* candidatesView() const;
    QTableView* typesView() const;
    QTextBrowser* detailsView() const;
    FilterBar* filterBar() const;
    QTreeView* referentsView() const;
    QTreeView* referrersView() const;
    QTextBrowser* pathView() const;
    QTableView* explanationsView() const;
    QTableView* librariesView() const;
    // The source viewer once a source link was followed, else null.
    SourceViewerDialog* sourceViewer() const;
    IgnoreRulesFile* ignoreRulesFile() const { return m_rulesFile; }
    // The status bar's account of the rules: how many, and the bad lines (tooltip).
    QLabel* rulesStatusLabel() const { return m_rulesLabel; }
    // The dialogs while they are open, else null.
    IgnoreLikeDialog* ignoreLikeDialog() const;
    IgnoreRulesDialog* ignoreRulesDialog() const;
    // True while the snapshot shown waits for its analysis with the current rules.
    bool isApplyingRules() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct StoredSnapshot
    {
        QString label;
        AnalyzedSnapshotPtr analyzed;  // with the rules of the time; never null
        bool analysing = false;         // a new analysis with analysingRules runs
        IgnoreRulesPtr analysingRules;
    };

    void chooseAndRun();
    void connectTarget();
    void onSnapshotReady(quint32 requestId, const QString& label, bool paused, SnapshotPtr snapshot);
    void addSnapshot(const QString& label, AnalyzedSnapshotPtr analyzed);
    void showSnapshot(int index);
    // Gives the models a new analysis; keepView (the same snapshot, other rules) keeps the current
    // candidate and its details. The chosen types and groups are kept by name either way.
    void showAnalysis(AnalyzedSnapshotPtr analyzed, bool keepView);
    // Runs analyzeSnapshot() in the thread pool, then done(window, result) on the GUI thread unless
    // the window is gone by then.
    void startAnalysis(SnapshotPtr snapshot, IgnoreRulesPtr rules,
                       std::function<void(MainWindow*, AnalyzedSnapshotPtr)> done);
    // Analyses stored snapshot index again when its analysis used other rules than the current ones.
    void refreshAnalysis(int index);
    void onReanalysed(int index, AnalyzedSnapshotPtr analyzed);
    void onRulesChanged();
    void updateRulesStatus(bool announce);
    void editRules();
    void ignoreObjectsLikeCurrent();
    void showCandidatesMenu(const QPoint& position);
    std::optional<ObjectIndex> currentCandidate() const;
    void showDetails();
    void showObject(ObjectIndex object); // details, trees and path of one object of the shown snapshot
    void showPathFromRoot(ObjectIndex object);
    void fetchLiveRepr();
    void requestSnapshot();
    void cancelPendingSnapshot();
    void applyTypeSelection();
    void applyGroupSelection();
    void applyLibrarySelection();
    // Selects the rows of the types, groups and libraries (by path) named, without a filter pass per row.
    void restoreSummarySelections(const QStringList& typeNames, const std::vector<CandidateGroupKey>& groups,
                                  const QStringList& libraryPaths);
    // main_window_origins.cpp: the Libraries tab, and source links followed into the source viewer.
    void setUpOrigins();
    void openSource(const SourceLocation& location);
    void appendOutput(Target::Channel channel, const QString& text);
    void appendNotice(const QString& text);
    void updateActions();
    void updateStatus();
    void rememberScript(const QString& script);
    void rebuildRecentMenu();
    void readSettings();
    void writeSettings() const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    CandidatesModel* m_candidates;
    CandidatesFilterProxy* m_candidatesProxy;
    TypeSummaryModel* m_types;
    ExplanationSummaryModel* m_explanations;
    LibrarySummaryModel* m_libraries;
    ObjectTreeModel* m_referents;
    ObjectTreeModel* m_referrers;
    QSortFilterProxyModel* m_typesSorted;
    QComboBox* m_snapshotChooser;
    QLabel* m_stateLabel;
    QLabel* m_countsLabel;
    QLabel* m_rulesLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancelProgress;

    TargetFactory m_targetFactory;
    std::unique_ptr<Target> m_target;
    RunRequest m_lastRun;
    QStringList m_recentScripts;
    std::vector<StoredSnapshot> m_snapshots;
    AnalyzedSnapshotPtr m_shown;
    IgnoreRulesFile* m_rulesFile;
    QPointer<IgnoreLikeDialog> m_ignoreLikeDialog;
    QPointer<IgnoreRulesDialog> m_rulesDialog;
    QPointer<SourceViewerDialog> m_sourceViewer;
    ObjectIndex m_detailsObject = kNoObject; // the candidate the details and trees show, if any
    quint32 m_pendingSnapshot = 0; // request whose answer is awaited; 0: none
    quint32 m_pendingDescribe = 0;
};

} // namespace leakscope
