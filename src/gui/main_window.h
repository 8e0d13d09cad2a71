#pragma once

#include "gui/run_history.h"
#include "target/target.h"

#include <QtCore/QPointer>
#include <QtWidgets/QMainWindow>

#include <memory>

class QLabel;
class QProgressBar;
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

// The main window over a Session: runs scripts in it and shows the snapshot it shows, through pages
// that each own one concern: the summaries (types, explanations, libraries), the filter bar and the
// candidates table, the object's graph (referents, referrers, path from a root), its details, and the
// output. It keeps the menus, the toolbar with the snapshot chooser, the status bar, the settings and
// the user's ignore rules (defaultIgnoreRulesPath(), read at construction and followed while the
// window lives), which it gives to the session.
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
    // The target, the snapshots and their analyses.
    Session* session() const { return m_session; }

Q_SIGNALS:
    // The analysis the session shows is in the pages: the candidates listed and the current one's
    // details. Emitted for each snapshot shown and each new analysis of it (other ignore rules).
    void analysisDisplayed();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void setUpStatusBar();
    void connectActions();
    void connectSession();
    void connectPages();
    void chooseAndRun();
    // Gives the pages the analysis the session shows; keepView (the same snapshot, other rules) keeps
    // the current candidate and its details. The chosen types and groups are kept by name either way.
    void showAnalysis(bool keepView);
    void showDetails();
    void showObject(ObjectIndex object); // details, trees and path of one object of the shown snapshot
    void requestSnapshot();
    void cancelPendingSnapshot();
    void hideProgress();
    void updateActions();
    void updateStatus();
    void rebuildRecentMenu();
    void readSettings();
    void writeSettings() const;
    // main_window_rules.cpp: the rules file, its status, the rules editor and "Ignore Objects Like This".
    void connectRules();
    // Shows the rules' status; announce: their first problem in the status bar as well.
    void updateRulesStatus(bool announce);
    void editRules();
    void ignoreObjectsLikeCurrent();

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
    QPointer<IgnoreLikeDialog> m_ignoreLikeDialog;
    QPointer<IgnoreRulesDialog> m_rulesDialog;
    ObjectIndex m_detailsObject = kNoObject; // the candidate the details and trees show, if any
};

} // namespace leakscope
