#include "candidates_view.h"

#include "gui/filter_bar.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/item_roles.h"

#include <QtWidgets/QHeaderView>
#include <QtWidgets/QMenu>

namespace leakscope {

CandidatesView::CandidatesView(QWidget* parent)
    : QTableView(parent)
    , m_candidates(new CandidatesModel(this))
    , m_proxy(new CandidatesFilterProxy(this))
{
    m_proxy->setSourceModel(m_candidates);
    setModel(m_proxy);
    setContextMenuPolicy(Qt::CustomContextMenu);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSortingEnabled(true);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setStretchLastSection(true);
    sortByColumn(CandidatesModel::SizeColumn, Qt::DescendingOrder);

    connect(this, &QWidget::customContextMenuRequested, this, &CandidatesView::showContextMenu);
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CandidatesView::currentObjectChanged);
    for (auto change : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, change, this, &CandidatesView::listedRowsChanged);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &CandidatesView::listedRowsChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &CandidatesView::listedRowsChanged);
}

CandidatesView::~CandidatesView() = default;

void CandidatesView::setFilterBar(FilterBar* filterBar)
{
    m_filterBar = filterBar;
    filterBar->setProxy(m_proxy);
}

void CandidatesView::chooseTypes(const QSet<TypeIndex>& types)
{
    m_proxy->setTypeFilter(types);
    if (m_filterBar)
        m_filterBar->setChosenTypeCount(static_cast<int>(types.size()));
    Q_EMIT listedRowsChanged();
}

void CandidatesView::chooseGroups(const std::vector<CandidateGroupKey>& groups)
{
    m_proxy->setGroupFilter(groups);
    if (m_filterBar)
        m_filterBar->setChosenGroupCount(static_cast<int>(groups.size()));
    Q_EMIT listedRowsChanged();
}

void CandidatesView::chooseLibraries(const QSet<StringId>& libraries)
{
    m_proxy->setLibraryFilter(libraries);
    if (m_filterBar)
        m_filterBar->setChosenLibraryCount(static_cast<int>(libraries.size()));
    Q_EMIT listedRowsChanged();
}

void CandidatesView::setAnalysis(AnalyzedSnapshotPtr analyzed)
{
    m_candidates->setSnapshot(std::move(analyzed));
}

void CandidatesView::fitColumnsToRows()
{
    // Fitted to the rows in view (a bounded sample, whatever the number of candidates), so that the
    // numbers up to Surplus fit beside the details. Explanation and Repr keep the width they have.
    for (int column = CandidatesModel::AddressColumn; column < CandidatesModel::ExplanationColumn; ++column)
        resizeColumnToContents(column);
}

std::optional<ObjectIndex> CandidatesView::currentObject() const
{
    const QModelIndex current = currentIndex();
    if (!m_candidates->analyzedSnapshot() || !current.isValid())
        return std::nullopt;
    return current.data(ObjectIndexRole).value<quint32>();
}

bool CandidatesView::selectObject(ObjectIndex object)
{
    const int row = m_candidates->rowOfObject(object);
    const QModelIndex listed = row >= 0 ? m_proxy->mapFromSource(m_candidates->index(row, 0)) : QModelIndex();
    if (!listed.isValid())
        return false;
    selectionModel()->setCurrentIndex(listed, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(listed);
    return true;
}

bool CandidatesView::selectFirst()
{
    const QModelIndex first = m_proxy->index(0, 0);
    if (!first.isValid())
        return false;
    selectionModel()->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

void CandidatesView::showContextMenu(const QPoint& position)
{
    const QModelIndex index = indexAt(position);
    if (index.isValid() && index.row() != currentIndex().row())
        selectRow(index.row());
    QMenu menu(this);
    menu.addActions(m_contextActions);
    menu.exec(viewport()->mapToGlobal(position));
}

} // namespace leakscope
