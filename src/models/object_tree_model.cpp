#include "object_tree_model.h"

#include "model_text.h"
#include "object_columns.h"

#include <algorithm>
#include <charconv>

namespace leakscope {

namespace {

// Reprs longer than this are cut in the Object cell; the tooltip and SortRole keep the whole text.
constexpr qsizetype kDisplayedReprLength = 80;
// Type names longer than this are cut in their middle in the Object cell, keeping the module's start
// and the class's name, so that a long one leaves room for the repr.
constexpr qsizetype kDisplayedTypeLength = 40;

QString middleElided(QString text, qsizetype maxLength)
{
    if (text.size() <= maxLength)
        return text;
    const qsizetype tail = maxLength * 2 / 3;
    const qsizetype head = maxLength - tail - 1;
    return text.left(head) + QChar(0x2026) + text.right(tail);
}

// The columns the trees share with every object model; nullopt for the object and the edge.
std::optional<ObjectField> fieldOf(int column)
{
    switch (column) {
    case ObjectTreeModel::SizeColumn: return ObjectField::Size;
    case ObjectTreeModel::RefcountColumn: return ObjectField::Refcount;
    case ObjectTreeModel::ReferrersColumn: return ObjectField::Referrers;
    case ObjectTreeModel::SurplusColumn: return ObjectField::Surplus;
    default: return std::nullopt;
    }
}

} // namespace

ObjectTreeModel::ObjectTreeModel(Direction direction, QObject* parent)
    : QAbstractItemModel(parent)
    , m_direction(direction)
{
}

ObjectTreeModel::~ObjectTreeModel() = default;

void ObjectTreeModel::setRoot(AnalyzedSnapshotPtr analyzed, ObjectIndex root)
{
    if (analyzed && root >= analyzed->snapshot().objectCount())
        analyzed.reset();
    std::vector<TypeIndex> sequenceTypes;
    if (analyzed) {
        const Snapshot& snapshot = analyzed->snapshot();
        for (TypeIndex t = 0; t < snapshot.typeCount(); ++t) {
            const std::string_view name = snapshot.typeName(t);
            if (name == "builtins.list" || name == "builtins.tuple")
                sequenceTypes.push_back(t);
        }
    }

    beginResetModel();
    if (analyzed != m_analyzed)
        m_referrers.reset();
    m_analyzed = std::move(analyzed);
    m_snapshot = m_analyzed ? &m_analyzed->snapshot() : nullptr;
    m_analysis = m_analyzed ? &m_analyzed->analysis() : nullptr;
    m_sequenceTypes = std::move(sequenceTypes);
    m_nodes.clear();
    if (m_analyzed) {
        Node top;
        top.object = root;
        m_nodes.push_back(top);
    }
    endResetModel();
}

std::optional<ObjectIndex> ObjectTreeModel::root() const
{
    if (m_nodes.empty())
        return std::nullopt;
    return m_nodes.front().object;
}

void ObjectTreeModel::setChildLimit(int limit)
{
    m_childLimit = std::max(limit, 1);
}

std::shared_ptr<const ReferrerIndex> ObjectTreeModel::referrerIndex() const
{
    // The analysis's own when it has one (built off the GUI thread), else built here.
    if (!m_referrers && m_analyzed)
        m_referrers = m_analyzed->referrers();
    if (!m_referrers && m_snapshot)
        m_referrers = std::make_shared<const ReferrerIndex>(*m_snapshot);
    return m_referrers;
}

std::optional<ObjectIndex> ObjectTreeModel::objectAt(const QModelIndex& index) const
{
    if (!isOurs(index) || nodeOf(index).state == Placeholder)
        return std::nullopt;
    return nodeOf(index).object;
}

bool ObjectTreeModel::isCycle(const QModelIndex& index) const
{
    return isOurs(index) && nodeOf(index).state == Cycle;
}

std::size_t ObjectTreeModel::edgeCount(ObjectIndex object) const
{
    // Both counts are at hand without the ReferrerIndex, so drawing expand arrows builds nothing.
    return m_direction == Referents ? m_snapshot->referents(object).size() : m_analysis->referrerCount(object);
}

bool ObjectTreeModel::mayHaveChildren(const Node& node) const
{
    switch (node.state) {
    case Unfetched:
        return edgeCount(node.object) > 0;
    case Fetched:
        return node.childCount > 0;
    default:
        return false;
    }
}

QModelIndex ObjectTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row == 0 && !m_nodes.empty() ? createIndex(0, column, quintptr(0)) : QModelIndex();
    if (parent.column() != 0)
        return {};
    const Node& node = nodeOf(parent);
    if (node.state != Fetched || static_cast<std::uint32_t>(row) >= node.childCount)
        return {};
    return createIndex(row, column, quintptr(node.firstChild + static_cast<std::uint32_t>(row)));
}

QModelIndex ObjectTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const std::uint32_t parentNode = nodeOf(child).parent;
    if (parentNode == kNoNode)
        return {};
    return createIndex(static_cast<int>(m_nodes[parentNode].row), 0, quintptr(parentNode));
}

int ObjectTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return m_nodes.empty() ? 0 : 1;
    if (parent.column() != 0)
        return 0;
    const Node& node = nodeOf(parent);
    return node.state == Fetched ? static_cast<int>(node.childCount) : 0;
}

int ObjectTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool ObjectTreeModel::hasChildren(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return !m_nodes.empty();
    return parent.column() == 0 && mayHaveChildren(nodeOf(parent));
}

bool ObjectTreeModel::canFetchMore(const QModelIndex& parent) const
{
    if (!parent.isValid() || parent.column() != 0)
        return false;
    const Node& node = nodeOf(parent);
    return node.state == Unfetched && edgeCount(node.object) > 0;
}

void ObjectTreeModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent))
        return;
    const auto parentNode = static_cast<std::uint32_t>(parent.internalId());
    const ObjectIndex object = m_nodes[parentNode].object;
    const std::span<const ObjectIndex> children
        = m_direction == Referents ? m_snapshot->referents(object) : referrerIndex()->referrers(object);
    const std::size_t shown = std::min(children.size(), static_cast<std::size_t>(m_childLimit));
    // CPython's list and tuple tp_traverse visit the items from the last to the first: show them in
    // index order, so that row k is item [k].
    const bool reversed = m_direction == Referents && isSequence(object);
    const std::size_t rows = shown + (children.size() > shown ? 1 : 0);
    if (m_nodes.size() + rows >= kNoNode)
        return; // billions of rows unfolded: refuse rather than wrap node indices

    // The objects on the way up, the parent included: a child among them closes a cycle. Sorted once
    // so a fetch costs O(depth log depth + rows log depth), however deep the user has gone.
    std::vector<ObjectIndex> ancestors;
    for (std::uint32_t n = parentNode; n != kNoNode; n = m_nodes[n].parent)
        ancestors.push_back(m_nodes[n].object);
    std::sort(ancestors.begin(), ancestors.end());

    beginInsertRows(parent, 0, static_cast<int>(rows) - 1);
    const auto firstChild = static_cast<std::uint32_t>(m_nodes.size());
    std::size_t occurrence = 0;
    for (std::size_t k = 0; k < rows; ++k) {
        Node child;
        child.parent = parentNode;
        child.row = static_cast<std::uint32_t>(k);
        if (k < shown) {
            if (m_direction == Referents) {
                child.edge = static_cast<std::uint32_t>(reversed ? children.size() - 1 - k : k);
                child.object = children[child.edge];
            } else {
                // A referrer holding the object n times is listed n times in a row: the n-th row
                // stands for its n-th edge to the object.
                child.object = children[k];
                occurrence = k > 0 && children[k - 1] == child.object ? occurrence + 1 : 0;
                child.edge = m_snapshot->edgeTo(child.object, object, occurrence);
            }
            const bool cycle = std::binary_search(ancestors.begin(), ancestors.end(), child.object);
            // The child is as many levels down as it has ancestors.
            child.state = cycle                                               ? Cycle
                : ancestors.size() >= static_cast<std::size_t>(kMaxDepth) ? DepthLimit
                                                                              : Unfetched;
        } else {
            child.state = Placeholder;
        }
        m_nodes.push_back(child);
    }
    Node& node = m_nodes[parentNode];
    node.firstChild = firstChild;
    node.childCount = static_cast<std::uint32_t>(rows);
    node.state = Fetched;
    endInsertRows();
}

Qt::ItemFlags ObjectTreeModel::flags(const QModelIndex& index) const
{
    if (!isOurs(index))
        return Qt::NoItemFlags;
    const Node& node = nodeOf(index);
    if (node.state == Placeholder)
        return Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!mayHaveChildren(node))
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

QVariant ObjectTreeModel::data(const QModelIndex& index, int role) const
{
    if (!isOurs(index))
        return {};
    const Node& node = nodeOf(index);
    const int column = index.column();
    if (node.state == Placeholder) {
        // The "… N more" row is text only: no object, so no object roles.
        if (column != ObjectColumn || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
            return {};
        const QString hidden = m_locale.toString(static_cast<qulonglong>(hiddenCount(node)));
        if (role == Qt::DisplayRole)
            return tr("\u2026 %1 more").arg(hidden);
        return tr("Only the first %1 are shown; %2 more are not.").arg(m_locale.toString(node.row), hidden);
    }
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
    case Qt::ToolTipRole:
    case Qt::TextAlignmentRole:
        if (const std::optional<ObjectField> field = fieldOf(column))
            return fieldData(*m_analysis, node.object, *field, role, m_locale);
        return column == ObjectColumn ? objectData(node, role) : edgeData(node, role);
    case IsCycleRole:
        return node.state == Cycle;
    default:
        return objectRoleData(*m_analysis, node.object, role);
    }
}

QVariant ObjectTreeModel::objectData(const Node& node, int role) const
{
    switch (role) {
    case Qt::DisplayRole: {
        QString text = objectText(node.object, true);
        if (node.state == Cycle)
            text += QStringLiteral(" \u21bb ") + tr("(cycle)");
        else if (node.state == DepthLimit && edgeCount(node.object) > 0)
            text += QStringLiteral(" \u2192 ") + tr("(go to it to see more)");
        return text;
    }
    case Qt::ToolTipRole:
        if (node.state == DepthLimit && edgeCount(node.object) > 0)
            return tr("%1\nThe tree stops %L2 levels down: go to this object (double-click) to open it")
                .arg(objectText(node.object, false))
                .arg(kMaxDepth);
        return objectText(node.object, false);
    case SortRole: return objectText(node.object, false);
    default: return {};
    }
}

QVariant ObjectTreeModel::edgeData(const Node& node, int role) const
{
    switch (role) {
    case Qt::DisplayRole: return edgeText(node);
    case SortRole: {
        const std::optional<std::uint32_t> position = edgePosition(node);
        return position ? QVariant::fromValue<qulonglong>(*position) : QVariant(edgeText(node));
    }
    default: return {};
    }
}

QString ObjectTreeModel::objectText(ObjectIndex object, bool elide) const
{
    // The default "<module.Type at 0x…>" already names the type; a stored repr gets it in front.
    if (m_snapshot->storedRepr(object).empty()) {
        if (!elide || m_snapshot->typeNameOf(object).size() <= static_cast<std::size_t>(kDisplayedTypeLength))
            return reprText(*m_snapshot, object, -1, m_scratch);
        return QStringLiteral("<%1 at %2>")
            .arg(middleElided(toQString(m_snapshot->typeNameOf(object)), kDisplayedTypeLength),
                 addressText(m_snapshot->address(object)));
    }
    QString text = fieldText(*m_analysis, object, ObjectField::Type, m_locale);
    if (elide)
        text = middleElided(std::move(text), kDisplayedTypeLength);
    text += QLatin1Char(' ');
    text += reprText(*m_snapshot, object, elide ? kDisplayedReprLength : -1, m_scratch);
    return text;
}

ObjectIndex ObjectTreeModel::holderOf(const Node& node) const
{
    return m_direction == Referents ? m_nodes[node.parent].object : node.object;
}

std::optional<std::uint32_t> ObjectTreeModel::edgePosition(const Node& node) const
{
    // An exact list or tuple holds its items at their index; tp_traverse visits them from the last
    // to the first. A subclass may hold more than its items, so it gets no index.
    if (node.parent == kNoNode || node.edge == kNoEdge)
        return std::nullopt;
    const ObjectIndex holder = holderOf(node);
    if (!isSequence(holder))
        return std::nullopt;
    // One with empty (NULL) slots, which its traverse skips, has its items' indices as labels: "[k]".
    const std::span<const StringId> labels = m_snapshot->edgeLabels(holder);
    if (!labels.empty()) {
        const std::string_view label = m_snapshot->string(labels[node.edge]);
        std::uint32_t position = 0;
        if (label.size() < 3 || label.front() != '[' || label.back() != ']')
            return std::nullopt;
        const auto [end, error] = std::from_chars(label.data() + 1, label.data() + label.size() - 1, position);
        if (error != std::errc() || end != label.data() + label.size() - 1)
            return std::nullopt;
        return position;
    }
    return static_cast<std::uint32_t>(m_snapshot->referents(holder).size() - 1 - node.edge);
}

bool ObjectTreeModel::isSequence(ObjectIndex object) const
{
    const TypeIndex type = m_snapshot->typeOf(object);
    return std::find(m_sequenceTypes.begin(), m_sequenceTypes.end(), type) != m_sequenceTypes.end();
}

QString ObjectTreeModel::edgeText(const Node& node) const
{
    if (const std::optional<std::uint32_t> position = edgePosition(node))
        return QLatin1Char('[') + QString::number(*position) + QLatin1Char(']');
    if (node.parent == kNoNode || node.edge == kNoEdge)
        return {};
    // Dict keys, attribute names and the like, recorded by the capture where the holder says.
    const std::span<const StringId> labels = m_snapshot->edgeLabels(holderOf(node));
    return labels.empty() ? QString() : toQString(m_snapshot->string(labels[node.edge]));
}

std::uint64_t ObjectTreeModel::hiddenCount(const Node& placeholder) const
{
    // The placeholder's row is the number of children shown before it.
    return edgeCount(m_nodes[placeholder.parent].object) - placeholder.row;
}

QVariant ObjectTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (const std::optional<ObjectField> field = fieldOf(section))
        return fieldHeaderData(*field, role);
    const bool referents = m_direction == Referents;
    if (role == Qt::DisplayRole)
        return section == ObjectColumn ? tr("Object") : tr("Edge");
    if (role == Qt::ToolTipRole && section == ObjectColumn)
        return referents ? tr("What the object above holds") : tr("What holds the object above");
    if (role == Qt::ToolTipRole)
        return referents ? tr("How the object above holds this one: list or tuple index, dict key, attribute name")
                         : tr("How this object holds the one above: list or tuple index, dict key, attribute name");
    return {};
}

} // namespace leakscope
