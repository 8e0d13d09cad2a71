// The window's Compare and Types over time docks: the comparison of two snapshots, and the counts of
// chosen types across every snapshot. Both are hidden until asked for.

#include "gui/compare_view.h"
#include "gui/main_window.h"
#include "gui/snapshot_chart.h"
#include "session/session.h"

#include <QtWidgets/QDockWidget>

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
    connect(compare, &CompareView::typeActivated, this, [this](int snapshot, quint32, const QString&) {
        if (snapshot != m_session->shownIndex())
            m_session->showSnapshot(snapshot);
    });
    connect(chart, &SnapshotChart::snapshotChosen, m_session, &Session::showSnapshot);
}

} // namespace leakscope
