#include "comparison_table_model.h"

#include "model_text.h"
#include "object_columns.h"
#include "text_filter.h"

namespace leakscope {

namespace {

// A cell of this flat model; no warning for others (views and testers ask about invalid ones).
bool isRowIndex(const QModelIndex& index)
{
    return index.isValid() && !index.parent().isValid() && index.row() >= 0 && index.row() < index.model()->rowCount()
        && index.column() >= 0 && index.column() < index.model()->columnCount();
}

} // namespace

ComparisonTableModel::ComparisonTableModel(int columns, QObject* parent)
    : QAbstractTableModel(parent)
    , m_columns(columns)
{
}

ComparisonTableModel::~ComparisonTableModel() = default;

void ComparisonTableModel::setComparison(SnapshotComparisonPtr comparison)
{
    beginResetModel();
    m_comparison = std::move(comparison);
    m_rows = m_comparison ? rows(*m_comparison) : 0;
    endResetModel();
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows);
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_columns;
}

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const
{
    if (!isRowIndex(index))
        return {};
    return cell(index.row(), index.column(), role);
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= m_columns)
        return {};
    return header(section, role);
}

Qt::ItemFlags ComparisonTableModel::flags(const QModelIndex& index) const
{
    if (!isRowIndex(index))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

bool ComparisonTableModel::isUnchangedRow(int) const
{
    return false;
}

QString ComparisonTableModel::signedText(qint64 value) const
{
    const QString number = m_locale.toString(value);
    return value > 0 ? m_locale.positiveSign() + number : number;
}

QVariant ComparisonTableModel::rightAligned()
{
    return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
}

ComparisonObjectsModel::~ComparisonObjectsModel() = default;

int ComparisonObjectsModel::rowOfObject(ObjectIndex object) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (objectAt(row) == object)
            return row;
    }
    return -1;
}

bool ComparisonObjectsModel::rowMatches(int row, const TextFilter& filter) const
{
    const Snapshot& b = comparison()->b().snapshot();
    const ObjectIndex object = objectAt(row);
    return filter.matches(b.typeNameOf(object)) || filter.matches(displayRepr(b, object, m_scratch));
}

QVariant ComparisonObjectsModel::reprData(int row, int role) const
{
    // Reprs can be megabytes long: the cell shows the start, the tooltip a longer part.
    constexpr qsizetype kShownCodePoints = 300;
    constexpr qsizetype kToolTipCodePoints = 2000;
    const Snapshot& b = comparison()->b().snapshot();
    switch (role) {
    case Qt::DisplayRole: return reprText(b, objectAt(row), kShownCodePoints, m_scratch);
    case SortRole: return reprText(b, objectAt(row), -1, m_scratch);
    case Qt::ToolTipRole: return reprText(b, objectAt(row), kToolTipCodePoints, m_scratch);
    default: return {};
    }
}

QVariant ComparisonObjectsModel::objectRole(int row, int role) const
{
    return objectRoleData(comparison()->b().analysis(), objectAt(row), role);
}

} // namespace leakscope
