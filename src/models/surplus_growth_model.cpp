#include "surplus_growth_model.h"

#include "object_columns.h"

namespace leakscope {

SurplusGrowthModel::SurplusGrowthModel(QObject* parent)
    : ComparisonObjectsModel(ColumnCount, parent)
{
}

SurplusGrowthModel::~SurplusGrowthModel() = default;

const SurplusGrowthRow& SurplusGrowthModel::growthAt(int row) const
{
    return comparison()->diff().surplusGrowth()[static_cast<std::size_t>(row)];
}

std::size_t SurplusGrowthModel::rows(const SnapshotComparison& comparison) const
{
    return comparison.diff().surplusGrowth().size();
}

QVariant SurplusGrowthModel::arrowData(quint64 a, quint64 b, int role) const
{
    switch (role) {
    case Qt::DisplayRole: return tr("%1 → %2").arg(locale().toString(a), locale().toString(b));
    case SortRole: return QVariant::fromValue<qlonglong>(static_cast<qlonglong>(b) - static_cast<qlonglong>(a));
    case Qt::ToolTipRole:
        return tr("%1 in A, %2 in B: %3")
            .arg(locale().toString(a), locale().toString(b),
                signedText(static_cast<qint64>(b) - static_cast<qint64>(a)));
    case Qt::TextAlignmentRole: return rightAligned();
    default: return {};
    }
}

QVariant SurplusGrowthModel::cell(int row, int column, int role) const
{
    if (QVariant value = objectRole(row, role); value.isValid())
        return value;
    const SurplusGrowthRow& growth = growthAt(row);
    const HeapAnalysis& a = comparison()->a().analysis();
    const HeapAnalysis& b = comparison()->b().analysis();
    switch (column) {
    case AddressColumn: return fieldData(b, growth.b, ObjectField::Address, role, locale());
    case TypeColumn: return fieldData(b, growth.b, ObjectField::Type, role, locale());
    case SizeColumn: return fieldData(b, growth.b, ObjectField::Size, role, locale());
    case RefcountColumn: return arrowData(a.snapshot().refcount(growth.a), b.snapshot().refcount(growth.b), role);
    case ReferrersColumn: return arrowData(a.referrerCount(growth.a), b.referrerCount(growth.b), role);
    case GrowthColumn:
        switch (role) {
        case Qt::DisplayRole: return signedText(growth.growth);
        case SortRole: return QVariant::fromValue<qlonglong>(growth.growth);
        case Qt::TextAlignmentRole: return rightAligned();
        default: return {};
        }
    case ReprColumn: return reprData(row, role);
    default: return {};
    }
}

QVariant SurplusGrowthModel::header(int column, int role) const
{
    switch (column) {
    case AddressColumn: return fieldHeaderData(ObjectField::Address, role);
    case TypeColumn: return fieldHeaderData(ObjectField::Type, role);
    case SizeColumn: return fieldHeaderData(ObjectField::Size, role);
    default: break;
    }
    if (role == Qt::TextAlignmentRole)
        return column == ReprColumn ? QVariant() : rightAligned();
    const bool tip = role == Qt::ToolTipRole;
    if (!tip && role != Qt::DisplayRole)
        return {};
    switch (column) {
    case RefcountColumn: return tip ? tr("The object's refcount in A and in B") : tr("Refcount A → B");
    case ReferrersColumn:
        return tip ? tr("Objects of the snapshot that refer to it, in A and in B (per reference)")
                   : tr("Referrers A → B");
    case GrowthColumn:
        return tip ? tr("Δ Refcount − Δ Referrers: references added in between that no object of the snapshot "
                        "accounts for")
                   : tr("Growth");
    case ReprColumn: return tip ? QVariant() : QVariant(tr("Repr"));
    default: return {};
    }
}

} // namespace leakscope
