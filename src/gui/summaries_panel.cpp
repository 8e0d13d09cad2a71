#include "summaries_panel.h"

#include "models/explanation_summary_model.h"
#include "models/item_roles.h"
#include "models/library_summary_model.h"
#include "models/type_summary_model.h"
#include "ui_summaries_panel.h"

#include <QtCore/QSortFilterProxyModel>
#include <QtGui/QKeyEvent>
#include <QtWidgets/QHeaderView>

#include <algorithm>

namespace leakscope {

SummaryTableView::SummaryTableView(QWidget* parent)
    : KeyboardTableView(parent)
{
    setTabKeyNavigation(false);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    // Enter chooses the current row alone, as a click does.
    connect(this, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
}

QItemSelectionModel::SelectionFlags SummaryTableView::selectionCommand(const QModelIndex& index,
                                                                       const QEvent* event) const
{
    if (event && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<const QKeyEvent*>(event);
        if (key->key() == Qt::Key_Space || key->key() == Qt::Key_Select)
            return QItemSelectionModel::Toggle | QItemSelectionModel::Rows;
        if (!(key->modifiers() & Qt::ShiftModifier))
            return QItemSelectionModel::NoUpdate; // the current row moves, the choice stays
    }
    return KeyboardTableView::selectionCommand(index, event);
}

SummariesPanel::SummariesPanel(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::SummariesPanel>())
    , m_types(new TypeSummaryModel(this))
    , m_typesSorted(new QSortFilterProxyModel(this))
    , m_explanations(new ExplanationSummaryModel(this))
    , m_libraries(new LibrarySummaryModel(this))
{
    m_ui->setupUi(this);
    for (SummaryTableView* table : {m_ui->typesView, m_ui->explanationsView, m_ui->librariesView}) {
        table->verticalHeader()->hide();
        table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    }
    m_typesSorted->setSourceModel(m_types);
    m_typesSorted->setSortRole(SortRole);
    m_ui->typesView->setModel(m_typesSorted);
    m_ui->typesView->sortByColumn(TypeSummaryModel::SuspectsColumn, Qt::DescendingOrder);
    m_ui->typesView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_ui->explanationsView->setModel(m_explanations);
    m_ui->explanationsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->explanationsView->horizontalHeader()->setSectionResizeMode(
        ExplanationSummaryModel::GroupColumn, QHeaderView::Stretch);
    m_ui->librariesView->setModel(m_libraries);
    m_ui->librariesView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->librariesView->horizontalHeader()->setSectionResizeMode(
        LibrarySummaryModel::LibraryColumn, QHeaderView::Stretch);

    connect(m_ui->typesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { Q_EMIT typesChosen(chosenTypes()); });
    connect(m_ui->explanationsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { Q_EMIT groupsChosen(chosenGroups()); });
    connect(m_ui->librariesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { Q_EMIT librariesChosen(chosenLibraries()); });
}

SummariesPanel::~SummariesPanel() = default;

SummariesPanel::Tab SummariesPanel::currentTab() const
{
    return static_cast<Tab>(m_ui->summaryTabs->currentIndex());
}

void SummariesPanel::setCurrentTab(int tab)
{
    m_ui->summaryTabs->setCurrentIndex(tab);
}

void SummariesPanel::clearChosenTypes()
{
    m_ui->typesView->clearSelection();
}

void SummariesPanel::clearChosenGroups()
{
    m_ui->explanationsView->clearSelection();
}

void SummariesPanel::clearChosenLibraries()
{
    m_ui->librariesView->clearSelection();
}

QSet<TypeIndex> SummariesPanel::chosenTypes() const
{
    QSet<TypeIndex> types;
    for (const QModelIndex& row : m_ui->typesView->selectionModel()->selectedRows())
        types.insert(row.data(TypeIndexRole).value<quint32>());
    return types;
}

std::vector<CandidateGroupKey> SummariesPanel::chosenGroups() const
{
    std::vector<CandidateGroupKey> groups;
    for (const QModelIndex& row : m_ui->explanationsView->selectionModel()->selectedRows())
        groups.push_back(m_explanations->groupAt(row.row()).key);
    return groups;
}

QSet<StringId> SummariesPanel::chosenLibraries() const
{
    QSet<StringId> libraries;
    for (const QModelIndex& row : m_ui->librariesView->selectionModel()->selectedRows())
        libraries.insert(row.data(LibraryRole).value<quint32>());
    return libraries;
}

void SummariesPanel::setAnalysis(AnalyzedSnapshotPtr analyzed)
{
    QStringList typeNames;
    for (const QModelIndex& row : m_ui->typesView->selectionModel()->selectedRows())
        typeNames << row.siblingAtColumn(TypeSummaryModel::TypeColumn).data().toString();
    const std::vector<CandidateGroupKey> groups = chosenGroups();
    // Libraries by path: string ids belong to one snapshot.
    QStringList libraryPaths;
    for (const QModelIndex& row : m_ui->librariesView->selectionModel()->selectedRows())
        libraryPaths << m_libraries->libraryPathAt(row.row());

    m_types->setSnapshot(analyzed);
    m_explanations->setSnapshot(analyzed);
    m_libraries->setSnapshot(std::move(analyzed));
    restoreChoice(typeNames, groups, libraryPaths);
    m_ui->typesView->resizeColumnsToContents();
    m_ui->typesView->setColumnWidth(TypeSummaryModel::TypeColumn, std::min(m_ui->typesView->columnWidth(0), 170));
}

void SummariesPanel::restoreChoice(
    const QStringList& typeNames, const std::vector<CandidateGroupKey>& groups, const QStringList& libraryPaths)
{
    // A reset clears a selection without telling: select again in one go, then filter once.
    QItemSelection types;
    for (int row = 0; row < m_typesSorted->rowCount(); ++row) {
        const QModelIndex name = m_typesSorted->index(row, TypeSummaryModel::TypeColumn);
        if (typeNames.contains(name.data().toString()))
            types.select(name, name.siblingAtColumn(TypeSummaryModel::ColumnCount - 1));
    }
    QItemSelection chosenGroups;
    for (const CandidateGroupKey& key : groups) {
        if (const int row = m_explanations->rowOf(key); row >= 0)
            chosenGroups.select(
                m_explanations->index(row, 0), m_explanations->index(row, ExplanationSummaryModel::ColumnCount - 1));
    }
    QItemSelection libraries;
    for (const QString& path : libraryPaths) {
        if (const int row = m_libraries->rowOfPath(path); row >= 0)
            libraries.select(m_libraries->index(row, 0), m_libraries->index(row, LibrarySummaryModel::ColumnCount - 1));
    }
    {
        const QSignalBlocker blockTypes(m_ui->typesView->selectionModel());
        const QSignalBlocker blockGroups(m_ui->explanationsView->selectionModel());
        const QSignalBlocker blockLibraries(m_ui->librariesView->selectionModel());
        m_ui->typesView->selectionModel()->select(types, QItemSelectionModel::ClearAndSelect);
        m_ui->explanationsView->selectionModel()->select(chosenGroups, QItemSelectionModel::ClearAndSelect);
        m_ui->librariesView->selectionModel()->select(libraries, QItemSelectionModel::ClearAndSelect);
    }
    m_ui->typesView->viewport()->update();
    m_ui->explanationsView->viewport()->update();
    m_ui->librariesView->viewport()->update();
    Q_EMIT typesChosen(chosenTypes());
    Q_EMIT librariesChosen(chosenLibraries());
    // Keys that name no group of the new analysis stay chosen: they match nothing, as the filter bar says.
    Q_EMIT groupsChosen(groups);
}

} // namespace leakscope
