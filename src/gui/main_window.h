#pragma once

#include "gui/run_dialog.h"
#include "models/analyzed_snapshot.h"
#include "target/target.h"

#include <QtWidgets/QMainWindow>

#include <functional>
#include <memory>

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
class FilterBar;
class ObjectTreeModel;
class TypeSummaryModel;

// The main window: runs a script in a target, keeps the snapshots it receives, and shows the chosen
// one as a type summary, a filterable table of candidates and the details of the selected object.
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

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct StoredSnapshot
    {
        QString label;
        AnalyzedSnapshotPtr analyzed;
    };

    void chooseAndRun();
    void connectTarget();
    void onSnapshotReady(quint32 requestId, const QString& label, bool paused, SnapshotPtr snapshot);
    void addSnapshot(const QString& label, AnalyzedSnapshotPtr analyzed);
    void showSnapshot(int index);
    void showDetails();
    void showObject(ObjectIndex object); // details, trees and path of one object of the shown snapshot
    void showPathFromRoot(ObjectIndex object);
    void fetchLiveRepr();
    void requestSnapshot();
    void cancelPendingSnapshot();
    void applyTypeSelection();
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
    ObjectTreeModel* m_referents;
    ObjectTreeModel* m_referrers;
    QSortFilterProxyModel* m_typesSorted;
    QComboBox* m_snapshotChooser;
    QLabel* m_stateLabel;
    QLabel* m_countsLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancelProgress;

    TargetFactory m_targetFactory;
    std::unique_ptr<Target> m_target;
    RunRequest m_lastRun;
    QStringList m_recentScripts;
    std::vector<StoredSnapshot> m_snapshots;
    AnalyzedSnapshotPtr m_shown;
    quint32 m_pendingSnapshot = 0; // request whose answer is awaited; 0: none
    quint32 m_pendingDescribe = 0;
};

} // namespace leakscope
