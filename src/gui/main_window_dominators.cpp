// The window's Dominator Tree dock: the shown snapshot's objects by the bytes they keep alive, reached
// from View ▸ Dominator Tree (Ctrl+Shift+D). Hidden until asked for; tabbed with Compare and Growth.
// Choosing a row makes its object the current one, as a row of the candidates table does.

#include "gui/dominator_tree_view.h"
#include "gui/main_window.h"
#include "session/session.h"
#include "ui_main_window.h"

#include <QtCore/QTimer>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QTreeView>

namespace leakscope {

void MainWindow::setUpDominators()
{
    auto* view = new DominatorTreeView;
    view->setObjectName(QStringLiteral("dominatorTreeView"));
    auto* dock = new QDockWidget(tr("Dominator Tree"), this);
    dock->setObjectName(QStringLiteral("dominatorTreeDock"));
    dock->setWidget(view);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    if (auto* growthDock = findChild<QDockWidget*>(QStringLiteral("growthDock")))
        tabifyDockWidget(growthDock, dock);
    dock->hide();

    auto* action = new QAction(tr("&Dominator Tree"), this);
    action->setObjectName(QStringLiteral("actionDominatorTree"));
    // D for dominators: free in every menu and pane (Ctrl+Shift+C, G, A, I and P are taken).
    action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    action->setToolTip(tr("The objects of the snapshot shown by the bytes they keep alive, the biggest first "
                          "(Ctrl+Shift+D)"));
    // Below Compare Snapshots… and Growth, in the same group.
    const QList<QAction*> viewActions = m_ui->menuView->actions();
    const qsizetype after = viewActions.indexOf(m_growthAction ? m_growthAction : m_ui->actionCompare);
    m_ui->menuView->insertAction(viewActions.value(after + 1), action);
    connect(action, &QAction::triggered, this, [this, dock, view] {
        const bool wasHidden = dock->isHidden();
        dock->show();
        dock->raise();
        if (wasHidden && !dock->isFloating()) {
            resizeDocks({dock}, {width() / 2}, Qt::Horizontal);
            resizeDocks({dock}, {height() / 3}, Qt::Vertical);
        }
        view->tree()->setFocus(Qt::ShortcutFocusReason);
    });

    // Every analysis shown, also one with other rules (the same tree: its rows stay).
    connect(
        this, &MainWindow::analysisDisplayed, view, [this, view] { view->setAnalysis(m_session->shownSnapshot()); });
    connect(view, &DominatorTreeView::objectChosen, this, &MainWindow::goToObject);
    // The current object chosen elsewhere is selected here when its row is fetched, none otherwise. After
    // the history moved, once the window has shown the entry (showEntry() runs after the move).
    connect(m_history, &NavigationHistory::changed, view,
        [this, view] { QTimer::singleShot(0, view, [this, view] { view->showObject(m_currentObject); }); });
}

} // namespace leakscope
