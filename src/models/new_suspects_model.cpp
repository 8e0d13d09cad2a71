#include "new_suspects_model.h"

namespace leakscope {

NewSuspectsModel::NewSuspectsModel(QObject* parent)
    : ComparisonObjectsModel(ColumnCount, parent)
{
}

NewSuspectsModel::~NewSuspectsModel() = default;

const NewSuspectRow& NewSuspectsModel::suspectAt(int row) const
{
    return comparison()->diff().newSuspects()[static_cast<std::size_t>(row)];
}

std::size_t NewSuspectsModel::rows(const SnapshotComparison& comparison) const
{
    return comparison.diff().newSuspects().size();
}

std::optional<ObjectField> NewSuspectsModel::fieldOf(int column)
{
    switch (column) {
    case AddressColumn: return ObjectField::Address;
    case TypeColumn: return ObjectField::Type;
    case LibraryColumn: return ObjectField::Library;
    case SizeColumn: return ObjectField::Size;
    case RefcountColumn: return ObjectField::Refcount;
    case ReferrersColumn: return ObjectField::Referrers;
    case SurplusColumn: return ObjectField::Surplus;
    case ReferentsColumn: return ObjectField::Referents;
    default: return std::nullopt;
    }
}

QString NewSuspectsModel::priorStateText(PriorState state)
{
    switch (state) {
    case PriorState::Absent: return tr("new");
    case PriorState::Referenced: return tr("was referenced");
    case PriorState::Untracked: return tr("was untracked");
    case PriorState::Explained: return tr("was explained");
    case PriorState::Ignored: return tr("was ignored");
    }
    return {};
}

QString NewSuspectsModel::priorStateToolTip(PriorState state)
{
    switch (state) {
    case PriorState::Absent: return tr("Not in A: allocated after it");
    case PriorState::Referenced: return tr("In A, where some object referred to it: it lost its last referrer since");
    case PriorState::Untracked: return tr("In A, where the collector did not track it, so it was no candidate");
    case PriorState::Explained: return tr("A candidate in A that an explanation covered");
    case PriorState::Ignored: return tr("A candidate in A that an ignore rule matched");
    }
    return {};
}

QVariant NewSuspectsModel::cell(int row, int column, int role) const
{
    if (QVariant value = objectRole(row, role); value.isValid())
        return value;
    if (const std::optional<ObjectField> field = fieldOf(column))
        return fieldData(comparison()->b().analysis(), objectAt(row), *field, role, locale());
    if (column == ReprColumn)
        return reprData(row, role);
    const PriorState before = suspectAt(row).before;
    switch (role) {
    case Qt::DisplayRole: return priorStateText(before);
    case SortRole: return QVariant::fromValue<int>(static_cast<int>(before));
    case Qt::ToolTipRole: return priorStateToolTip(before);
    default: return {};
    }
}

QVariant NewSuspectsModel::header(int column, int role) const
{
    if (const std::optional<ObjectField> field = fieldOf(column))
        return fieldHeaderData(*field, role);
    const bool repr = column == ReprColumn;
    switch (role) {
    case Qt::DisplayRole: return repr ? tr("Repr") : tr("Before");
    case Qt::ToolTipRole: return repr ? QVariant() : QVariant(tr("What the object was in the earlier snapshot (A)"));
    default: return {};
    }
}

} // namespace leakscope
