// The window's Suspects page: the leak suspects story of the snapshot shown, in a tab beside the
// candidates table (docs/suspects.md). It comes to the front when a new snapshot with suspects is
// shown, unless the user's last choice was the table; View ▸ Suspects (Ctrl+Shift+L) brings it back.
// Its links go where the rest of the window goes: an object becomes the current one, "Show in table"
// lists the group's type in the table.

#include "gui/filter_bar.h"
#include "gui/main_window.h"
#include "gui/summaries_panel.h"
#include "gui/suspects_page.h"
#include "session/session.h"
#include "ui_main_window.h"

#include <QtWidgets/QApplication>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTextBrowser>

namespace leakscope {

void MainWindow::setUpSuspects()
{
    // The table moves into a tab of its own, in the splitter's place it held (so the saved splitter
    // sizes still apply), with the Suspects page in the tab before it.
    m_centralTabs = new QTabWidget;
    m_centralTabs->setObjectName(QStringLiteral("centralTabs"));
    m_centralTabs->setDocumentMode(true);
    // Tab goes from the filter bar straight to the page in front, as it went to the table: the keys
    // that switch pages are Ctrl+Shift+L and Alt+3 (and Ctrl+Tab inside the tabs).
    m_centralTabs->tabBar()->setFocusPolicy(Qt::NoFocus);
    m_suspectsPage = new SuspectsPage;
    m_suspectsPage->setObjectName(QStringLiteral("suspectsPage"));
    const int place = m_ui->centerSplitter->indexOf(m_ui->candidatesView);
    m_ui->centerSplitter->replaceWidget(place, m_centralTabs);
    m_centralTabs->addTab(m_suspectsPage, tr("&Suspects"));
    m_centralTabs->addTab(m_ui->candidatesView, tr("Ca&ndidates"));
    // Until a snapshot tells a story, the table (and its hint) is what there is to see.
    m_centralTabs->setCurrentWidget(m_ui->candidatesView);
    // A tab the user clicks is the page he wants after the next snapshot too.
    connect(m_centralTabs->tabBar(), &QTabBar::tabBarClicked, this,
        [this](int tab) { m_tableChosen = m_centralTabs->widget(tab) == m_ui->candidatesView; });

    auto* action = new QAction(tr("&Suspects"), this);
    action->setObjectName(QStringLiteral("actionSuspects"));
    // L for leak suspects: free in every menu and pane (Ctrl+Shift+S would read as Save As elsewhere).
    action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    action->setToolTip(tr("The leak suspects story of the snapshot shown, biggest groups first (Ctrl+Shift+L)"));
    m_ui->menuView->insertAction(m_ui->actionShowTypes, action);
    connect(action, &QAction::triggered, this, [this] {
        m_tableChosen = false;
        m_centralTabs->setCurrentWidget(m_suspectsPage);
        m_suspectsPage->browser()->setFocus(Qt::ShortcutFocusReason);
    });

    connect(this, &MainWindow::analysisDisplayed, this, [this] {
        const AnalyzedSnapshotPtr shown = m_session->shownSnapshot();
        const AnalyzedSnapshotPtr before = m_suspectsPage->analysis();
        const bool newSnapshot = shown && (!before || before->snapshotPtr() != shown->snapshotPtr());
        m_suspectsPage->setAnalysis(shown);
        if (newSnapshot && m_suspectsPage->groupCount() > 0 && !m_tableChosen) {
            const bool tableFocused = m_ui->candidatesView->hasFocus();
            m_centralTabs->setCurrentWidget(m_suspectsPage);
            if (tableFocused)
                m_suspectsPage->browser()->setFocus(Qt::OtherFocusReason);
        }
    });
    connect(m_suspectsPage, &SuspectsPage::objectChosen, this, &MainWindow::goToObject);
    connect(m_suspectsPage, &SuspectsPage::showInTableRequested, this, &MainWindow::showSuspectsInTable);
}

void MainWindow::showCandidatesTable()
{
    m_tableChosen = true;
    m_centralTabs->setCurrentWidget(m_ui->candidatesView);
}

// The table lists candidates of one type at a time (the Types table's choice), so a group is shown as
// the candidates of its type, its biggest member current. A group under one holder whose members are of
// several types lists the biggest member's type.
void MainWindow::showSuspectsInTable(const QString& typeName, ObjectIndex representative, bool mixedTypes)
{
    if (!m_session->shownSnapshot())
        return;
    showCandidatesTable();
    m_ui->candidatesView->setListMode(CandidatesModel::ListMode::Candidates);
    // Whatever the text and size boxes hold would hide members: the group is what was asked for.
    m_ui->filterBar->clearText();
    m_ui->filterBar->setMinimumSize(0);
    if (!m_ui->summaries->chooseTypeNamed(typeName))
        statusBar()->showMessage(tr("The snapshot shown has no type named %1.").arg(typeName), 10000);
    else if (mixedTypes)
        statusBar()->showMessage(
            tr("The group's members are of several types: the table lists the candidates of type %1.").arg(typeName),
            10000);
    goToObject(representative);
    m_ui->candidatesView->setFocus(Qt::OtherFocusReason);
}

} // namespace leakscope
