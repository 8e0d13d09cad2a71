// MainWindow and the C code behind the candidates: the Libraries tab, whose rows filter the candidates
// by the library behind their type, and source lines named by the details (allocation frames, a type's
// source line) opened in the source viewer.
#include "main_window.h"

#include "gui/filter_bar.h"
#include "gui/object_details.h"
#include "gui/source_viewer_dialog.h"
#include "models/candidates_filter_proxy.h"
#include "models/item_roles.h"
#include "models/library_summary_model.h"
#include "ui_main_window.h"

#include <QtWidgets/QHeaderView>

namespace leakscope {

void MainWindow::setUpOrigins()
{
    m_ui->librariesView->setModel(m_libraries);
    m_ui->librariesView->verticalHeader()->hide();
    m_ui->librariesView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->librariesView->horizontalHeader()->setSectionResizeMode(LibrarySummaryModel::LibraryColumn, QHeaderView::Stretch);
    connect(m_ui->librariesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::applyLibrarySelection);
    connect(m_ui->filterBar, &FilterBar::clearLibrariesRequested, m_ui->librariesView, &QAbstractItemView::clearSelection);
    connect(m_ui->actionShowLibraries, &QAction::triggered, this,
            [this] { m_ui->summaryTabs->setCurrentWidget(m_ui->librariesTab); });
    connect(m_ui->details, &QTextBrowser::anchorClicked, this, [this](const QUrl& link) {
        if (const std::optional<SourceLocation> location = sourceOfLink(link))
            openSource(*location);
    });
}

QTableView* MainWindow::librariesView() const
{
    return m_ui->librariesView;
}

SourceViewerDialog* MainWindow::sourceViewer() const
{
    return m_sourceViewer;
}

void MainWindow::applyLibrarySelection()
{
    QSet<StringId> libraries;
    for (const QModelIndex& row : m_ui->librariesView->selectionModel()->selectedRows())
        libraries.insert(row.data(LibraryRole).value<quint32>());
    m_candidatesProxy->setLibraryFilter(libraries);
    m_ui->filterBar->setChosenLibraryCount(static_cast<int>(libraries.size()));
    updateStatus();
}

void MainWindow::openSource(const SourceLocation& location)
{
    // One viewer, reused: following another link shows the new line in it.
    if (!m_sourceViewer)
        m_sourceViewer = new SourceViewerDialog(this);
    m_sourceViewer->showLocation(location.file, location.line);
    m_sourceViewer->show();
    m_sourceViewer->raise();
    m_sourceViewer->activateWindow();
}

} // namespace leakscope
