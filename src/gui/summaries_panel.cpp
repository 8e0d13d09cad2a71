#include "summaries_panel.h"

#include "eliding_header_view.h"

#include "models/creator_summary_model.h"
#include "models/explanation_summary_model.h"
#include "models/item_roles.h"
#include "models/library_summary_model.h"
#include "models/type_summary_model.h"
#include "ui_summaries_panel.h"

#include <QtCore/QSortFilterProxyModel>
#include <QtGui/QAction>
#include <QtGui/QKeyEvent>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QStyle>

#include <algorithm>
#include <array>

namespace leakscope {

SummaryTableView::SummaryTableView(QWidget* parent)
    : KeyboardTableView(parent)
{
    auto* header = new ElidingHeaderView(Qt::Horizontal, this);
    header->setSectionsClickable(true);
    header->setHighlightSections(true);
    setHorizontalHeader(header);
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
    , m_creators(new CreatorSummaryModel(this))
{
    m_ui->setupUi(this);
    for (SummaryTableView* table : {m_ui->typesView, m_ui->explanationsView, m_ui->librariesView, m_ui->creatorsView}) {
        table->verticalHeader()->hide();
        table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    }
    m_typesSorted->setSourceModel(m_types);
    m_typesSorted->setSortRole(SortRole);
    m_ui->typesView->setModel(m_typesSorted);
    m_ui->typesView->sortByColumn(TypeSummaryModel::SuspectsColumn, Qt::DescendingOrder);
    m_ui->typesView->setTextElideMode(Qt::ElideMiddle); // "builtins…Request": module and class both show
    QHeaderView* typesHeader = m_ui->typesView->horizontalHeader();
    typesHeader->setTextElideMode(Qt::ElideRight);
    typesHeader->setSectionResizeMode(QHeaderView::Interactive);
    typesHeader->setSectionResizeMode(TypeSummaryModel::TypeColumn, QHeaderView::Stretch);
    m_ui->typesView->viewport()->installEventFilter(this); // fitted again as the pane's width changes
    // Six numbers do not fit a pane a third of a small screen wide: the header's menu chooses the
    // count columns shown. Bytes gives way by default, since Retained is never less than it (each
    // object of a type is in the type's retained bytes).
    typesHeader->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (int column = TypeSummaryModel::CountColumn; column < TypeSummaryModel::ColumnCount; ++column) {
        auto* shown = new QAction(m_types->headerData(column, Qt::Horizontal).toString(), typesHeader);
        shown->setObjectName(QStringLiteral("showTypesColumn%1").arg(column));
        shown->setCheckable(true);
        shown->setChecked(column != TypeSummaryModel::BytesColumn);
        typesHeader->setSectionHidden(column, !shown->isChecked());
        connect(shown, &QAction::toggled, this, [this, typesHeader, column](bool on) {
            typesHeader->setSectionHidden(column, !on);
            fitTypeColumns();
        });
        typesHeader->addAction(shown);
    }
    connect(typesHeader, &QHeaderView::sortIndicatorChanged, this, [this] { fitTypeColumns(); }); // the arrow moves
    m_ui->explanationsView->setModel(m_explanations);
    m_ui->explanationsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->explanationsView->horizontalHeader()->setSectionResizeMode(
        ExplanationSummaryModel::GroupColumn, QHeaderView::Stretch);
    m_ui->librariesView->setModel(m_libraries);
    m_ui->librariesView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->librariesView->horizontalHeader()->setSectionResizeMode(
        LibrarySummaryModel::LibraryColumn, QHeaderView::Stretch);
    m_ui->creatorsView->setModel(m_creators);
    m_ui->creatorsView->setTextElideMode(Qt::ElideMiddle);
    m_ui->creatorsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->creatorsView->horizontalHeader()->setSectionResizeMode(
        CreatorSummaryModel::FunctionColumn, QHeaderView::Stretch);

    connect(m_ui->typesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { Q_EMIT typesChosen(chosenTypes()); });
    connect(m_ui->explanationsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { Q_EMIT groupsChosen(chosenGroups()); });
    connect(m_ui->librariesView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { Q_EMIT librariesChosen(chosenLibraries()); });
    connect(m_ui->creatorsView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        [this] { announceCreators(); });
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

void SummariesPanel::clearChosenCreators()
{
    m_ui->creatorsView->clearSelection();
}

void SummariesPanel::announceCreators()
{
    std::vector<ObjectIndex> objects;
    const QModelIndexList rows = m_ui->creatorsView->selectionModel()->selectedRows();
    for (const QModelIndex& row : rows) {
        const std::vector<ObjectIndex>& members = m_creators->creatorAt(row.row()).members;
        objects.insert(objects.end(), members.begin(), members.end());
    }
    Q_EMIT createdObjectsChosen(objects, static_cast<int>(rows.size()));
}

void SummariesPanel::updateCreatorsHint()
{
    const AnalyzedSnapshotPtr& analyzed = m_creators->analyzedSnapshot();
    const bool without = analyzed && analyzed->snapshot().nativeStackCount() == 0;
    m_ui->creatorsHint->setText(
        tr("This snapshot has no native (C) allocation stacks. Start <code>leakscope --native-traces SCRIPT</code>, "
           "or tick <i>Record C allocation stacks</i> in File ▸ Run Script…, and run the script again."));
    m_ui->creatorsHint->setVisible(without);
}

bool SummariesPanel::chooseTypeNamed(const QString& name)
{
    QItemSelection rows;
    for (int row = 0; row < m_typesSorted->rowCount(); ++row) {
        const QModelIndex type = m_typesSorted->index(row, TypeSummaryModel::TypeColumn);
        if (type.data().toString() == name)
            rows.select(type, type.siblingAtColumn(TypeSummaryModel::ColumnCount - 1));
    }
    if (rows.isEmpty())
        return false;
    setCurrentTab(TypesTab);
    m_ui->typesView->selectionModel()->select(rows, QItemSelectionModel::ClearAndSelect);
    m_ui->typesView->selectionModel()->setCurrentIndex(rows.first().topLeft(), QItemSelectionModel::NoUpdate);
    m_ui->typesView->scrollTo(rows.first().topLeft());
    return true;
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
    QStringList creatorKeys;
    for (const QModelIndex& row : m_ui->creatorsView->selectionModel()->selectedRows())
        creatorKeys << m_creators->keyAt(row.row());

    m_types->setSnapshot(analyzed);
    m_explanations->setSnapshot(analyzed);
    m_libraries->setSnapshot(analyzed);
    m_creators->setSnapshot(std::move(analyzed));
    updateCreatorsHint();
    restoreChoice(typeNames, groups, libraryPaths, creatorKeys);
    fitTypeColumns();
}

bool SummariesPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_ui->typesView->viewport() && event->type() == QEvent::Resize)
        fitTypeColumns();
    return QWidget::eventFilter(watched, event);
}

void SummariesPanel::fitTypeColumns()
{
    QTableView* view = m_ui->typesView;
    auto* header = static_cast<ElidingHeaderView*>(view->horizontalHeader()); // SummaryTableView's
    // As the item delegate pads a cell's text, plus the grid line.
    const int padding = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1) + 2;
    const QFontMetrics cells(view->font());
    const QFontMetrics titles(header->font());
    // Each count column's numbers in full, over every row (one per type: a few hundred at most), not
    // only those in view: a wider number further down must not be cut when the table scrolls.
    constexpr int kCounts = TypeSummaryModel::ColumnCount - TypeSummaryModel::CountColumn;
    std::array<int, kCounts> least{};
    std::array<int, kCounts> full{};
    int leastSum = 0;
    int fullSum = 0;
    for (int k = 0; k < kCounts; ++k) {
        const int column = TypeSummaryModel::CountColumn + k;
        if (header->isSectionHidden(column))
            continue; // takes no room
        int numbers = 0;
        for (int row = 0; row < m_types->rowCount(); ++row)
            numbers = std::max(numbers, cells.horizontalAdvance(m_types->index(row, column).data().toString()));
        // At least the first letters of the title, "Cand…" rather than a bare "…"; at most the whole
        // title, with room for the sort arrow in the sorted column only (the header's own size hint
        // keeps that room in every column, which left the type names a third less). What the header
        // takes around a title: ElidingHeaderView::titleRoom().
        const QString title = m_types->headerData(column, Qt::Horizontal).toString();
        const int chrome = header->sectionSize(column) - header->titleRoom(column);
        least[k] = std::max(numbers + padding, titles.horizontalAdvance(title.left(4) + QChar(0x2026)) + chrome);
        full[k] = std::max({least[k], numbers + padding, titles.horizontalAdvance(title) + chrome});
        leastSum += least[k];
        fullSum += full[k];
    }
    const int available = view->viewport()->width();
    const int typeLeast = std::max(header->minimumSectionSize(), cells.horizontalAdvance(QStringLiteral("builtins.dict")));
    // Full titles when they fit beside the least type width; else each count column gets its numbers
    // and a share of what is left in proportion to what its title lacks.
    const int spare = std::max(0, available - typeLeast - leastSum);
    const int lacking = fullSum - leastSum;
    for (int k = 0; k < kCounts; ++k) {
        const int width = spare >= lacking || lacking == 0
            ? full[k]
            : least[k] + static_cast<int>(static_cast<qint64>(full[k] - least[k]) * spare / lacking);
        if (!header->isSectionHidden(TypeSummaryModel::CountColumn + k))
            header->resizeSection(TypeSummaryModel::CountColumn + k, width);
    }
}

void SummariesPanel::restoreChoice(const QStringList& typeNames, const std::vector<CandidateGroupKey>& groups,
                                   const QStringList& libraryPaths, const QStringList& creatorKeys)
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
    QItemSelection creators;
    for (const QString& key : creatorKeys) {
        if (const int row = m_creators->rowOfKey(key); row >= 0)
            creators.select(m_creators->index(row, 0), m_creators->index(row, CreatorSummaryModel::ColumnCount - 1));
    }
    {
        const QSignalBlocker blockCreators(m_ui->creatorsView->selectionModel());
        const QSignalBlocker blockTypes(m_ui->typesView->selectionModel());
        const QSignalBlocker blockGroups(m_ui->explanationsView->selectionModel());
        const QSignalBlocker blockLibraries(m_ui->librariesView->selectionModel());
        m_ui->typesView->selectionModel()->select(types, QItemSelectionModel::ClearAndSelect);
        m_ui->explanationsView->selectionModel()->select(chosenGroups, QItemSelectionModel::ClearAndSelect);
        m_ui->librariesView->selectionModel()->select(libraries, QItemSelectionModel::ClearAndSelect);
        m_ui->creatorsView->selectionModel()->select(creators, QItemSelectionModel::ClearAndSelect);
    }
    m_ui->typesView->viewport()->update();
    m_ui->explanationsView->viewport()->update();
    m_ui->librariesView->viewport()->update();
    m_ui->creatorsView->viewport()->update();
    Q_EMIT typesChosen(chosenTypes());
    Q_EMIT librariesChosen(chosenLibraries());
    // Object indices of the new snapshot: the members of the rows chosen again, none of the old ones.
    announceCreators();
    // Keys that name no group of the new analysis stay chosen: they match nothing, as the filter bar says.
    Q_EMIT groupsChosen(groups);
}

} // namespace leakscope
