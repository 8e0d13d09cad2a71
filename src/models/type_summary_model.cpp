#include "type_summary_model.h"

#include "model_text.h"

namespace leakscope {

TypeSummaryModel::TypeSummaryModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

TypeSummaryModel::~TypeSummaryModel() = default;

void TypeSummaryModel::setSnapshot(SnapshotPtr snapshot)
{
    setSnapshot(analyzeSnapshot(std::move(snapshot)));
}

void TypeSummaryModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    std::vector<TypeSummaryRow> rows;
    if (analyzed)
        rows = analyzed->analysis().typeSummary();
    beginResetModel();
    m_analyzed = std::move(analyzed);
    m_rows = std::move(rows);
    endResetModel();
}

int TypeSummaryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int TypeSummaryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags TypeSummaryModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant TypeSummaryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TypeSummaryRow& row = summaryAt(index.row());
    const int column = index.column();
    auto number = [&]() -> quint64 {
        switch (column) {
        case CountColumn: return row.count;
        case BytesColumn: return row.bytes;
        case CandidatesColumn: return row.candidates;
        case SuspectsColumn: return row.suspects;
        default: return 0;
        }
    };
    switch (role) {
    case Qt::DisplayRole:
        if (column == TypeColumn)
            return toQString(m_analyzed->snapshot().typeName(row.type));
        return m_locale.toString(number());
    case SortRole:
        if (column == TypeColumn)
            return toQString(m_analyzed->snapshot().typeName(row.type));
        return QVariant::fromValue<qulonglong>(number());
    case Qt::TextAlignmentRole:
        if (column != TypeColumn)
            return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case TypeIndexRole:
        return QVariant::fromValue<quint32>(row.type);
    default:
        return {};
    }
}

QVariant TypeSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case TypeColumn: return tr("Type");
        case CountColumn: return tr("Count");
        case BytesColumn: return tr("Bytes");
        case CandidatesColumn: return tr("Candidates");
        case SuspectsColumn: return tr("Suspects");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case CountColumn: return tr("Objects of the type in the snapshot");
        case BytesColumn: return tr("Bytes those objects occupy themselves");
        case CandidatesColumn: return tr("Gc-tracked objects of the type that no object refers to");
        case SuspectsColumn: return tr("Candidates that no explanation covers and no ignore rule matches");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && section != TypeColumn)
        return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

} // namespace leakscope
