// The window's Compare and Types over time docks: the comparison of two snapshots, and the counts of
// chosen types across every snapshot. Both are hidden until asked for.

#include "gui/candidates_view.h"
#include "gui/compare_view.h"
#include "gui/main_window.h"
#include "gui/summaries_panel.h"
#include "gui/snapshot_chart.h"
#include "session/session.h"
#include "ui_main_window.h"

#include <QtWidgets/QDockWidget>
#include <QtWidgets/QStatusBar>

namespace leakscope {

void MainWindow::setUpCompare()
{
    auto* compare = new CompareView;
    compare->setObjectName(QStringLiteral("compareView"));
    compare->setSession(m_session);
    auto* compareDock = new QDockWidget(tr("Compare"), this);
    compareDock->setObjectName(QStringLiteral("compareDock"));
    compareDock->setWidget(compare);
    addDockWidget(Qt::BottomDockWidgetArea, compareDock);
    compareDock->hide();

    auto* chart = new SnapshotChart;
    chart->setObjectName(QStringLiteral("snapshotChart"));
    chart->setSession(m_session);
    auto* chartDock = new QDockWidget(tr("Types over Time"), this);
    chartDock->setObjectName(QStringLiteral("chartDock"));
    chartDock->setWidget(chart);
    addDockWidget(Qt::BottomDockWidgetArea, chartDock);
    tabifyDockWidget(compareDock, chartDock);
    chartDock->hide();

    connect(this, &MainWindow::compareRequested, compare, [compare, compareDock](int before, int after) {
        compare->compare(before, after);
        compareDock->show();
        compareDock->raise();
    });
    // A new suspect or a grown object: its details and trees in the newer snapshot, a step of Back.
    connect(compare, &CompareView::objectActivated, this, [this](int snapshot, ObjectIndex object) {
        const NavigationEntry entry{snapshot, object};
        m_history->visit(entry);
        showEntry(entry);
    });
    // A type: every object of it in that snapshot.
    connect(compare, &CompareView::typeActivated, this,
            [this](int snapshot, quint32, const QString& name) { listObjectsOfType(snapshot, name); });
    connect(chart, &SnapshotChart::snapshotChosen, m_session, &Session::showSnapshot);
}

// A type: its instances in that snapshot, every object of the type listed, not its candidates only
// (a type grows by objects that are referenced). The choice is the Types table's, kept by name, so
// it applies once the snapshot is shown even when that happens later.
void MainWindow::listObjectsOfType(int snapshot, const QString& name)
{
    if (snapshot != m_session->shownIndex())
        m_session->showSnapshot(snapshot);
    m_ui->candidatesView->setListMode(CandidatesModel::ListMode::AllObjects);
    if (m_ui->summaries->chooseTypeNamed(name))
        m_ui->candidatesView->selectFirst();
    else
        statusBar()->showMessage(tr("The snapshot shown has no object of type %1.").arg(name), 10000);
}

} // namespace leakscope
