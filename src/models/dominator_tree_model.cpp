#include "dominator_tree_model.h"

#include "model_text.h"
#include "object_columns.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace leakscope {

namespace {

// Reprs and type names are cut in the Object cell as in the referents tree; the tooltip keeps them.
constexpr qsizetype kDisplayedReprLength = 80;
constexpr qsizetype kDisplayedTypeLength = 40;

// The sentinel internalId of a top-level row's parent (none): object indexes are below it.
constexpr quintptr kTopLevel = ~quintptr(0);

QVariant rightAligned()
{
    return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
}

} // namespace

DominatorTreeModel::DominatorTreeModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

DominatorTreeModel::~DominatorTreeModel() = default;

void DominatorTreeModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    const DominatorTree* tree = analyzed ? analyzed->dominators() : nullptr;
    if (tree && tree == m_tree) {
        // The same tree: the rows stand; what other rules change is who is a suspect (IsSuspectRole).
        m_analyzed = std::move(analyzed);
        const int rows = rowCount();
        if (rows > 0)
            Q_EMIT dataChanged(index(0, 0), index(rows - 1, ColumnCount - 1));
        return;
    }
    // The counts of dominated objects, before the reset: the analysis' own (computed off the GUI
    // thread with the tree), else counted here in O(N).
    DominatedCountsPtr dominated;
    if (tree) {
        dominated = analyzed->dominatedCounts()
            ? DominatedCountsPtr(analyzed, analyzed->dominatedCounts())
            : std::make_shared<const std::vector<std::uint32_t>>(countDominated(*tree));
    }
    beginResetModel();
    m_analyzed = tree ? std::move(analyzed) : nullptr;
    m_tree = tree;
    m_dominated = std::move(dominated);
    m_row.reset(tree ? tree->objectCount() : 0);
    m_fetched.reset(tree ? tree->objectCount() + 1 : 0);
    m_fetchedRows = 0;
    fetchTopBatch();
    endResetModel();
}

void DominatorTreeModel::fetchTopBatch()
{
    // Inside a reset, without insertion signals: every view asks for the top level at once, and the
    // rows come with the reset rather than in a fetch of their own right after it.
    const std::span<const ObjectIndex> top = m_tree ? m_tree->rootChildren() : std::span<const ObjectIndex>();
    const std::size_t end = std::min<std::size_t>({top.size(), std::size_t(m_batchSize), std::size_t(INT_MAX)});
    for (std::size_t row = 0; row < end; ++row)
        m_row[childAt(top, static_cast<int>(row))] = static_cast<std::uint32_t>(row);
    if (m_tree)
        m_fetched[m_tree->objectCount()] = static_cast<std::uint32_t>(end);
    m_fetchedRows = end;
}

void DominatorTreeModel::setBatchSize(int rows)
{
    m_batchSize = std::max(rows, 1);
}

std::uint32_t DominatorTreeModel::slotOf(const QModelIndex& parent) const
{
    return parent.isValid() ? static_cast<std::uint32_t>(parent.internalId() == kTopLevel
                   ? childAt(m_tree->rootChildren(), parent.row())
                   : childAt(m_tree->children(static_cast<ObjectIndex>(parent.internalId())), parent.row()))
                            : static_cast<std::uint32_t>(m_tree->objectCount());
}

std::span<const ObjectIndex> DominatorTreeModel::childrenOf(std::uint32_t slot) const
{
    if (slot == m_tree->objectCount())
        return m_tree->rootChildren();
    return atDepthLimit(slot) ? std::span<const ObjectIndex>() : m_tree->children(slot);
}

bool DominatorTreeModel::atDepthLimit(ObjectIndex object) const
{
    // A top-level row is 1 level down. The walk up stops at the limit, so a row costs at most that.
    int depth = 1;
    for (ObjectIndex up = m_tree->immediateDominator(object); up != kNoObject; up = m_tree->immediateDominator(up)) {
        if (++depth >= kMaxDepth)
            return true;
    }
    return false;
}

ObjectIndex DominatorTreeModel::childAt(std::span<const ObjectIndex> children, int row) const
{
    const auto r = static_cast<std::size_t>(row);
    return m_order == Qt::DescendingOrder ? children[r] : children[children.size() - 1 - r];
}

std::optional<ObjectIndex> DominatorTreeModel::objectAt(const QModelIndex& index) const
{
    if (!m_tree || !index.isValid() || index.model() != this)
        return std::nullopt;
    return slotOf(index);
}

QModelIndex DominatorTreeModel::indexOfObject(ObjectIndex object) const
{
    if (!m_tree || object >= m_tree->objectCount())
        return {};
    // Fetched when every dominator up to the top level has at least its row fetched. Checked in a loop
    // up the chain, which can be as long as the heap (a linked list of millions of nodes).
    const ObjectIndex parent = m_tree->immediateDominator(object);
    for (ObjectIndex step = object;;) {
        const ObjectIndex dominator = m_tree->immediateDominator(step);
        const std::uint32_t parentSlot
            = dominator == kNoObject ? static_cast<std::uint32_t>(m_tree->objectCount()) : dominator;
        const std::uint32_t row = m_row[step];
        if (row >= m_fetched[parentSlot] || childAt(childrenOf(parentSlot), static_cast<int>(row)) != step)
            return {};
        if (dominator == kNoObject)
            break;
        step = dominator;
    }
    return createIndex(static_cast<int>(m_row[object]), 0, parent == kNoObject ? kTopLevel : quintptr(parent));
}

QModelIndex DominatorTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!m_tree || row < 0 || column < 0 || column >= ColumnCount
        || (parent.isValid() && (parent.model() != this || parent.column() != 0)))
        return {};
    const std::uint32_t slot = slotOf(parent);
    if (static_cast<std::uint32_t>(row) >= m_fetched[slot])
        return {};
    // A row's internalId names its parent's object, so that the row alone finds the object.
    return createIndex(row, column, parent.isValid() ? quintptr(slot) : kTopLevel);
}

QModelIndex DominatorTreeModel::parent(const QModelIndex& child) const
{
    if (!m_tree || !child.isValid() || child.internalId() == kTopLevel)
        return {};
    const auto object = static_cast<ObjectIndex>(child.internalId());
    const ObjectIndex dominator = m_tree->immediateDominator(object);
    return createIndex(static_cast<int>(m_row[object]), 0, dominator == kNoObject ? kTopLevel : quintptr(dominator));
}

int DominatorTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!m_tree || (parent.isValid() && parent.column() != 0))
        return 0;
    return static_cast<int>(m_fetched[slotOf(parent)]);
}

int DominatorTreeModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() && parent.column() != 0 ? 0 : ColumnCount;
}

bool DominatorTreeModel::hasChildren(const QModelIndex& parent) const
{
    if (!m_tree || (parent.isValid() && parent.column() != 0))
        return false;
    return !childrenOf(slotOf(parent)).empty();
}

bool DominatorTreeModel::canFetchMore(const QModelIndex& parent) const
{
    if (!m_tree || (parent.isValid() && parent.column() != 0))
        return false;
    const std::uint32_t slot = slotOf(parent);
    return m_fetched[slot] < childrenOf(slot).size();
}

void DominatorTreeModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    const std::uint32_t slot = slotOf(parent);
    const std::span<const ObjectIndex> children = childrenOf(slot);
    const std::uint32_t first = m_fetched[slot];
    // A model row is an int: a list past INT_MAX (not reachable with 32-bit object indexes) is cut.
    const std::size_t end
        = std::min<std::size_t>({children.size(), std::size_t(first) + std::size_t(m_batchSize), std::size_t(INT_MAX)});
    if (end <= first)
        return;
    beginInsertRows(parent, static_cast<int>(first), static_cast<int>(end - 1));
    for (std::size_t row = first; row < end; ++row)
        m_row[childAt(children, static_cast<int>(row))] = static_cast<std::uint32_t>(row);
    m_fetched[slot] = static_cast<std::uint32_t>(end);
    m_fetchedRows += end - first;
    endInsertRows();
}

Qt::ItemFlags DominatorTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (childrenOf(slotOf(index)).empty())
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

QString DominatorTreeModel::objectText(ObjectIndex object, bool elide) const
{
    const Snapshot& s = m_analyzed->snapshot();
    // The default "<module.Type at 0x…>" names the type already; a stored repr gets it in front.
    if (s.storedRepr(object).empty())
        return reprText(s, object, -1, m_scratch);
    QString type = toQString(s.typeNameOf(object));
    if (elide && type.size() > kDisplayedTypeLength) {
        const qsizetype tail = kDisplayedTypeLength * 2 / 3;
        type = type.left(kDisplayedTypeLength - tail - 1) + QChar(0x2026) + type.right(tail);
    }
    return type + QLatin1Char(' ') + reprText(s, object, elide ? kDisplayedReprLength : -1, m_scratch);
}

QVariant DominatorTreeModel::shareData(ObjectIndex object, int role) const
{
    const std::uint64_t retained = m_tree->retainedSize(object);
    const std::uint64_t total = m_tree->totalBytes();
    const double percent = total ? 100.0 * static_cast<double>(retained) / static_cast<double>(total) : 0.0;
    switch (role) {
    case Qt::DisplayRole:
        // Two decimals below 1 %, so that the many small shares do not all read 0.0 %.
        return QStringLiteral("%1 %").arg(m_locale.toString(percent, 'f', percent < 1.0 ? 2 : 1));
    case SortRole: return QVariant::fromValue<qulonglong>(retained);
    case Qt::ToolTipRole: return tr("%L1 of the %L2 bytes of every object in the snapshot").arg(retained).arg(total);
    case Qt::TextAlignmentRole: return rightAligned();
    default: return {};
    }
}

QVariant DominatorTreeModel::data(const QModelIndex& index, int role) const
{
    if (!m_tree || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const ObjectIndex object = slotOf(index);
    const HeapAnalysis& analysis = m_analyzed->analysis();
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
    case Qt::ToolTipRole:
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ObjectColumn:
            if (role == Qt::TextAlignmentRole)
                return {};
            if (role == Qt::ToolTipRole && m_tree->isUnreached(object)) {
                return tr("%1\nReached from no candidate: held by C code or by objects outside the snapshot")
                    .arg(objectText(object, false));
            }
            if (role == Qt::ToolTipRole && !m_tree->children(object).empty() && atDepthLimit(object)) {
                return tr("%1\nThe tree stops %L2 levels down: go to this object to see what it keeps alive")
                    .arg(objectText(object, false))
                    .arg(kMaxDepth);
            }
            return objectText(object, role == Qt::DisplayRole);
        case RetainedColumn: return fieldData(analysis, object, ObjectField::Retained, role, m_locale, m_tree);
        case ShareColumn: return shareData(object, role);
        case SizeColumn: return fieldData(analysis, object, ObjectField::Size, role, m_locale);
        case DominatedColumn:
            if (role == Qt::ToolTipRole)
                return {};
            if (role == Qt::TextAlignmentRole)
                return rightAligned();
            if (role == SortRole)
                return QVariant::fromValue<qulonglong>((*m_dominated)[object]);
            return m_locale.toString((*m_dominated)[object]);
        default: return {};
        }
    default: return objectRoleData(analysis, object, role);
    }
}

QVariant DominatorTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    switch (section) {
    case RetainedColumn: return fieldHeaderData(ObjectField::Retained, role);
    case SizeColumn: return fieldHeaderData(ObjectField::Size, role);
    default: break;
    }
    switch (role) {
    case Qt::DisplayRole:
        return section == ObjectColumn ? tr("Object") : section == ShareColumn ? tr("Share") : tr("Dominated");
    case Qt::ToolTipRole:
        if (section == ObjectColumn)
            return tr("Each object's children are the objects only it keeps alive (it dominates them); the top "
                      "level holds the candidates and every object more than one of them keeps alive");
        if (section == ShareColumn)
            return tr("Retained bytes as a share of the bytes of every object in the snapshot");
        return tr("Objects the object keeps alive alone: every one below it in this tree");
    case Qt::TextAlignmentRole: return section == ObjectColumn ? QVariant() : rightAligned();
    default: return {};
    }
}

void DominatorTreeModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column) || order == m_order)
        return;
    // Fetched rows are a prefix of each list in the old order; in the new one they would be another
    // set of rows, so everything is fetched again from the top.
    beginResetModel();
    m_order = order;
    clearFetched();
    fetchTopBatch();
    endResetModel();
}

void DominatorTreeModel::clearFetched()
{
    m_fetched.reset(m_tree ? m_tree->objectCount() + 1 : 0);
    m_fetchedRows = 0;
}

void DominatorTreeModel::ZeroedTable::reset(std::size_t size)
{
    m_data.reset();
    if (size == 0)
        return;
    m_data.reset(static_cast<std::uint32_t*>(std::calloc(size, sizeof(std::uint32_t))));
    if (!m_data)
        throw std::bad_alloc();
}

void DominatorTreeModel::ZeroedTable::Free::operator()(std::uint32_t* data) const
{
    std::free(data);
}

} // namespace leakscope
