// The window's Growth dock: what grew in every round of a series of snapshots, asked for from the
// snapshot list or the View menu, or shown when a series of the script's (leakscope.iterate(), the
// pytest plugin) is complete. Hidden until then; tabbed with Compare.

#include "gui/growth_view.h"
#include "gui/main_window.h"
#include "gui/snapshot_list_view.h"
#include "session/session.h"
#include "ui_main_window.h"

#include <QtWidgets/QDockWidget>
#include <QtWidgets/QStatusBar>

namespace leakscope {

void MainWindow::setUpGrowth()
{
    auto* growth = new GrowthView;
    growth->setObjectName(QStringLiteral("growthView"));
    growth->setSession(m_session);
    auto* growthDock = new QDockWidget(tr("Growth"), this);
    growthDock->setObjectName(QStringLiteral("growthDock"));
    growthDock->setWidget(growth);
    addDockWidget(Qt::BottomDockWidgetArea, growthDock);
    if (auto* compareDock = findChild<QDockWidget*>(QStringLiteral("compareDock")))
        tabifyDockWidget(compareDock, growthDock);
    growthDock->hide();

    m_growthAction = new QAction(tr("Gro&wth over Selected Snapshots"), this);
    m_growthAction->setObjectName(QStringLiteral("actionGrowth"));
    // Ctrl+Shift+C compares; G for growth is free in every menu and pane.
    m_growthAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    // Below Compare Snapshots…, in the same group.
    const QList<QAction*> viewActions = m_ui->menuView->actions();
    const qsizetype compareAt = viewActions.indexOf(m_ui->actionCompare);
    m_ui->menuView->insertAction(viewActions.value(compareAt + 1), m_growthAction);

    connect(m_growthAction, &QAction::triggered, this, &MainWindow::requestGrowth);
    connect(m_ui->snapshotList, &SnapshotListView::growthRequested, this,
        [this](const QList<int>& snapshots) { Q_EMIT growthRequested(snapshots, QString()); });
    connect(this, &MainWindow::growthRequested, growth,
        [this, growth, growthDock](const QList<int>& snapshots, const QString& title) {
            growth->analyze(snapshots, title);
            const bool wasHidden = growthDock->isHidden();
            growthDock->show();
            growthDock->raise();
            // Beside the output, it would come squeezed to its least size: half the window's width
            // and a third of its height.
            if (wasHidden && !growthDock->isFloating()) {
                resizeDocks({growthDock}, {width() / 2}, Qt::Horizontal);
                resizeDocks({growthDock}, {height() / 3}, Qt::Vertical);
            }
        });
    // A leaked object or one whose references grow: its details and trees in the series' last snapshot,
    // a step of Back, as a candidate would be.
    connect(growth, &GrowthView::objectActivated, this, [this](int snapshot, ObjectIndex object) {
        const NavigationEntry entry{snapshot, object};
        m_history->visit(entry);
        showEntry(entry);
    });
    connect(growth, &GrowthView::typeActivated, this, &MainWindow::listObjectsOfType);
    // A series of the script's, complete: its growth at once, as the command line reports it.
    connect(m_session, &Session::seriesCompleted, this, &MainWindow::growthRequested);
    connect(m_session, &Session::snapshotAdded, this, &MainWindow::updateGrowthAction);
    connect(m_session, &Session::snapshotRemoved, this, &MainWindow::updateGrowthAction);
    updateGrowthAction();
}

void MainWindow::requestGrowth()
{
    const QList<int> selected = m_ui->snapshotList->selectedSnapshots();
    if (selected.size() >= 2) {
        Q_EMIT growthRequested(selected, QString());
        return;
    }
    // Which snapshots make a series is the user's to say: show where to choose them.
    m_ui->snapshotListDock->show();
    m_ui->snapshotListDock->raise();
    m_ui->snapshotList->setFocus(Qt::ShortcutFocusReason);
    statusBar()->showMessage(tr("Select two or more snapshots in the snapshot list: the first taken after a "
                                "warm-up, one more after each round of the workload."),
        10000);
}

void MainWindow::updateGrowthAction()
{
    const bool enough = m_session->snapshotCount() >= 2;
    m_growthAction->setEnabled(enough);
    m_growthAction->setToolTip(enough
            ? tr("What grew in every round of the snapshots selected in the snapshot list, taken in order of "
                 "capture (Ctrl+Shift+G)")
            : tr("Growth needs two or more snapshots of one workload: take more, or open some (Ctrl+Shift+G)"));
}

} // namespace leakscope
