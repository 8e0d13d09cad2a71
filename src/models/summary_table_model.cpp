#include "summary_table_model.h"

namespace leakscope {

namespace {

QVariant rightAligned()
{
    return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
}

} // namespace

SummaryTableModelBase::SummaryTableModelBase(std::vector<ColumnHeader> headers, QObject* parent)
    : QAbstractTableModel(parent)
    , m_headers(std::move(headers))
{
}

SummaryTableModelBase::~SummaryTableModelBase() = default;

int SummaryTableModelBase::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(rows());
}

int SummaryTableModelBase::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_headers.size());
}

Qt::ItemFlags SummaryTableModelBase::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant SummaryTableModelBase::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const bool isCount = m_headers[static_cast<std::size_t>(column)].isCount;
    switch (role) {
    case Qt::DisplayRole: {
        if (!isCount)
            return text(row, column);
        const quint64 number = count(row, column);
        return number == kNoCount ? QString() : m_locale.toString(number);
    }
    case SortRole: {
        if (!isCount)
            return sortText(row, column);
        const quint64 number = count(row, column);
        return QVariant::fromValue<qulonglong>(number == kNoCount ? 0 : number);
    }
    case Qt::ToolTipRole:
        return isCount ? QVariant() : toolTip(row, column);
    case Qt::TextAlignmentRole:
        return isCount ? rightAligned() : QVariant();
    default:
        return rowRole(row, role);
    }
}

QVariant SummaryTableModelBase::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return {};
    const ColumnHeader& header = m_headers[static_cast<std::size_t>(section)];
    switch (role) {
    case Qt::DisplayRole:
        return header.title;
    case Qt::ToolTipRole:
        return header.toolTip.isEmpty() ? QVariant() : QVariant(header.toolTip);
    case Qt::TextAlignmentRole:
        return header.isCount ? rightAligned() : QVariant();
    default:
        return {};
    }
}

} // namespace leakscope
