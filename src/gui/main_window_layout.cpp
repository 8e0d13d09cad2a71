// The window's layout and keyboard: the Session menu's shortcuts, the panes in tab order with a
// shortcut each and a visible focus, the docks and the toolbar in the View menu, the first-run
// proportions (from the window's size, never from fixed pixels) and their saving.
#include "main_window.h"

#include "gui/filter_bar.h"
#include "gui/output_pane.h"
#include "ui_main_window.h"

#include <QtCore/QSettings>
#include <QtGui/QScreen>
#include <QtWidgets/QAbstractItemView>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLayout>
#include <QtWidgets/QTabBar>
#include <QtWidgets/QTabWidget>

#include <algorithm>
#include <utility>

namespace leakscope {

namespace {

// Where a first run puts the window: this much, or the screen's room when it has less.
constexpr QSize kFirstRunSize(1440, 900);

// The panes that take the focus show it: a frame in the highlight colour, of the width the resting
// frame has, so that nothing moves when the focus comes.
const char kFocusStyle[] = R"(
#typesView, #explanationsView, #librariesView, #candidatesView, #referentsView, #referrersView,
#pathView, #details, #output, #suspectsView { border: 1px solid palette(mid); }
#typesView:focus, #explanationsView:focus, #librariesView:focus, #candidatesView:focus,
#referentsView:focus, #referrersView:focus, #pathView:focus, #details:focus, #output:focus,
#suspectsView:focus {
    border: 1px solid palette(highlight);
}
)";

// A sequence that names only keys this Qt knows: "Ctrl+Break", say, parses to an unknown key that no
// key press ever matches, and shows as nothing in the menu.
bool isKnown(const QKeySequence& sequence)
{
    if (sequence.isEmpty())
        return false;
    for (int k = 0; k < sequence.count(); ++k) {
        if (sequence[k].key() == Qt::Key_unknown)
            return false;
    }
    return !sequence.toString(QKeySequence::NativeText).isEmpty();
}

// Gives action the sequences of wanted that are known, the first shown in its menu; when none is,
// it keeps the shortcut the form gave it.
void setKnownShortcuts(QAction* action, std::initializer_list<QKeySequence> wanted)
{
    QList<QKeySequence> known;
    for (const QKeySequence& sequence : wanted) {
        if (isKnown(sequence))
            known << sequence;
    }
    if (!known.isEmpty())
        action->setShortcuts(known);
}

// The camera of the theme, else the one drawn for LeakScope (resources/snapshot.svg).
QIcon snapshotIcon()
{
    QIcon icon = QIcon::fromTheme(QStringLiteral("camera-photo"));
    if (!icon.isNull())
        return icon;
    for (const int size : {16, 24, 32, 48})
        icon.addFile(QStringLiteral(":/leakscope/icons/snapshot-%1.png").arg(size), QSize(size, size));
    return icon;
}

// What in pane takes the focus when the user goes to it: the pane if it takes it, else the first of
// its children the Tab key would reach, the current tab's page rather than the tabs.
QWidget* focusTargetIn(QWidget* pane)
{
    auto takesFocus = [pane](QWidget* widget) {
        return (widget->focusPolicy() & Qt::TabFocus) && widget->isEnabled()
            && (widget == pane || widget->isVisibleTo(pane)) && !qobject_cast<QTabBar*>(widget)
            && !qobject_cast<QTabWidget*>(widget);
    };
    if (takesFocus(pane))
        return pane;
    for (QWidget* widget = pane->nextInFocusChain(); widget != pane; widget = widget->nextInFocusChain()) {
        if (pane->isAncestorOf(widget) && takesFocus(widget))
            return widget;
    }
    return nullptr;
}

} // namespace

void MainWindow::setUpLayout()
{
    m_ui->actionSnapshot->setIcon(snapshotIcon());
    setKnownShortcuts(m_ui->actionInterrupt, {QKeySequence(Qt::CTRL | Qt::Key_Period), QKeySequence(Qt::CTRL | Qt::Key_Pause)});
    setKnownShortcuts(m_ui->actionTerminate,
                      {QKeySequence(Qt::SHIFT | Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Pause)});

    // The center takes what the window gains; the summaries and the details keep their width.
    m_ui->mainSplitter->setStretchFactor(1, 3);
    m_ui->mainSplitter->setChildrenCollapsible(false);
    m_ui->centerSplitter->setChildrenCollapsible(false);

    // Tab goes through the panes in their order, each pane's widgets in theirs; the toolbar and the
    // status bar come after the output.
    const QList<QWidget*> order = panes();
    QList<QWidget*> chain;
    for (QWidget* widget = nextInFocusChain(); widget != this; widget = widget->nextInFocusChain())
        chain << widget;
    QList<QWidget*> tabOrder;
    for (QWidget* pane : order) {
        for (QWidget* widget : chain) {
            if ((widget == pane || pane->isAncestorOf(widget)) && (widget->focusPolicy() & Qt::TabFocus))
                tabOrder << widget;
        }
    }
    for (qsizetype k = 1; k < tabOrder.size(); ++k)
        setTabOrder(tabOrder[k - 1], tabOrder[k]);
    // Tab leaves a table for the next pane instead of walking its cells (the arrows do that): a
    // million candidates would keep the focus there for good.
    for (QWidget* pane : order) {
        for (QAbstractItemView* view : pane->findChildren<QAbstractItemView*>())
            view->setTabKeyNavigation(false);
        if (auto* view = qobject_cast<QAbstractItemView*>(pane))
            view->setTabKeyNavigation(false);
    }
    setStyleSheet(styleSheet() + QLatin1String(kFocusStyle));
    // The arrow keys move through the candidates from the start: what the user came for.
    m_ui->candidatesView->setFocus(Qt::OtherFocusReason);

    const QList<QAction*> goTo = {m_ui->actionGoToSummaries, m_ui->actionGoToFilter, m_ui->actionGoToCandidates,
                                  m_ui->actionGoToObjectGraph, m_ui->actionGoToDetails, m_ui->actionGoToOutput};
    for (qsizetype k = 0; k < goTo.size(); ++k)
        connect(goTo[k], &QAction::triggered, this, [this, k, candidates = goTo[k] == m_ui->actionGoToCandidates] {
            if (candidates)
                showCandidatesTable(); // the pane is the tabs: its action means the table
            focusPane(static_cast<int>(k));
        });
    connect(m_ui->actionNextPane, &QAction::triggered, this, [this] { focusNextPane(1); });
    connect(m_ui->actionPreviousPane, &QAction::triggered, this, [this] { focusNextPane(-1); });

    // Every dock and toolbar can be brought back from the View menu, above Reset Layout.
    for (QDockWidget* dock : findChildren<QDockWidget*>(Qt::FindDirectChildrenOnly))
        m_ui->menuView->insertAction(m_ui->actionResetLayout, dock->toggleViewAction());
    for (QToolBar* toolBar : findChildren<QToolBar*>(Qt::FindDirectChildrenOnly))
        m_ui->menuView->insertAction(m_ui->actionResetLayout, toolBar->toggleViewAction());
    m_ui->menuView->insertSeparator(m_ui->actionResetLayout);
    connect(m_ui->actionResetLayout, &QAction::triggered, this, &MainWindow::applyFirstRunLayout);
}

QList<QWidget*> MainWindow::panes() const
{
    // The candidates' pane is the tabs that hold the table and the Suspects page: the one in front.
    QWidget* candidates = m_centralTabs ? static_cast<QWidget*>(m_centralTabs) : m_ui->candidatesView;
    return {m_ui->summaries, m_ui->filterBar, candidates, m_ui->objectGraph, m_ui->detailsPanel, m_ui->output};
}

void MainWindow::focusPane(int index)
{
    QWidget* pane = panes().value(index);
    if (!pane)
        return;
    if (pane == m_ui->output) {
        m_ui->outputDock->show();
        m_ui->outputDock->raise();
    }
    if (pane == m_ui->filterBar) {
        m_ui->filterBar->focusText();
        return;
    }
    if (QWidget* target = focusTargetIn(pane))
        target->setFocus(Qt::ShortcutFocusReason);
}

void MainWindow::focusNextPane(int step)
{
    const QList<QWidget*> order = panes();
    const QWidget* focused = QApplication::focusWidget();
    const auto current = std::find_if(order.begin(), order.end(), [focused](const QWidget* pane) {
        return focused && (pane == focused || pane->isAncestorOf(focused));
    });
    const int count = static_cast<int>(order.size());
    // From outside every pane, F6 starts at the first and Shift+F6 at the last.
    const int from = current == order.end() ? (step > 0 ? -1 : 0) : static_cast<int>(current - order.begin());
    // A hidden pane (the output closed) is passed over; its own shortcut shows it.
    for (int k = 1; k <= count; ++k) {
        const int index = ((from + k * step) % count + count) % count;
        if (order[index]->isVisibleTo(this)) {
            focusPane(index);
            return;
        }
    }
}

void MainWindow::applyFirstRunLayout()
{
    // The output and the toolbar back where they start, shown.
    m_ui->outputDock->setFloating(false);
    addDockWidget(Qt::BottomDockWidgetArea, m_ui->outputDock);
    m_ui->outputDock->show();
    // The snapshot list beside the output, a third of the width.
    m_ui->snapshotListDock->setFloating(false);
    splitDockWidget(m_ui->outputDock, m_ui->snapshotListDock, Qt::Horizontal);
    m_ui->snapshotListDock->show();
    resizeDocks({m_ui->outputDock, m_ui->snapshotListDock}, {width() * 2 / 3, width() / 3}, Qt::Horizontal);
    addToolBar(Qt::TopToolBarArea, m_ui->toolBar);
    m_ui->toolBar->show();

    // The output takes the few lines its pane asks for (a notice, the script's last words): the
    // rest of the height goes to the candidates and the object's graph.
    const int dockFrame = std::max(0, m_ui->outputDock->height() - m_ui->output->height());
    resizeDocks({m_ui->outputDock}, {m_ui->output->sizeHint().height() + dockFrame}, Qt::Vertical);
    if (QLayout* windowLayout = layout())
        windowLayout->activate(); // the central area's size with that dock, before proportioning it

    // Summaries and details each about a quarter of the width, within what their columns and lines
    // need (the Types table's five columns: a type name such as builtins.dict beside counts in the
    // hundred thousands and the titles whole, about 340 pixels); the candidates table and the graph share the center's
    // height about 3:2.
    const int width = m_ui->mainSplitter->width();
    const int summaries = std::clamp(width * 28 / 100, 340, 440);
    const int details = std::clamp(width * 24 / 100, 230, 480);
    m_ui->mainSplitter->setSizes({summaries, std::max(width - summaries - details, 1), details});
    const int height = m_ui->centerSplitter->height();
    m_ui->centerSplitter->setSizes({height * 58 / 100, height - height * 58 / 100});
}

void MainWindow::restoreLayout(const QSettings& settings)
{
    const bool saved = restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_ui->mainSplitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_ui->centerSplitter->restoreState(settings.value(QStringLiteral("window/centerSplitter")).toByteArray());
    if (saved)
        return;
    if (const QScreen* screen = this->screen())
        resize(kFirstRunSize.boundedTo(screen->availableGeometry().size()));
    m_firstRunLayoutPending = true;
}

void MainWindow::saveLayout(QSettings& settings) const
{
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_ui->mainSplitter->saveState());
    settings.setValue(QStringLiteral("window/centerSplitter"), m_ui->centerSplitter->saveState());
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    // Laid out for the size it is shown at, which its creator may have set after construction.
    if (std::exchange(m_firstRunLayoutPending, false))
        applyFirstRunLayout();
}

} // namespace leakscope
