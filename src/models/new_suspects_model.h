#pragma once

#include "comparison_table_model.h"
#include "object_columns.h"

#include <optional>

namespace leakscope {

// The suspects of B that were no suspects of A (SnapshotDiff::newSuspects(), in its order: the types
// with the most new suspects first), with the object columns of the candidates table read in B, and
// what each object was in A.
class NewSuspectsModel final : public ComparisonObjectsModel
{
    Q_OBJECT

public:
    enum Column {
        AddressColumn,
        TypeColumn,
        LibraryColumn,
        SizeColumn,
        RefcountColumn,
        ReferrersColumn,
        SurplusColumn,
        ReferentsColumn,
        BeforeColumn, // what the object was in A (PriorState)
        ReprColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit NewSuspectsModel(QObject* parent = nullptr);
    ~NewSuspectsModel() override;

    // row must be in range.
    const NewSuspectRow& suspectAt(int row) const;
    ObjectIndex objectAt(int row) const override { return suspectAt(row).b; }

    // What a Before cell says, and its tooltip.
    static QString priorStateText(PriorState state);
    static QString priorStateToolTip(PriorState state);

private:
    std::size_t rows(const SnapshotComparison& comparison) const override;
    QVariant cell(int row, int column, int role) const override;
    QVariant header(int column, int role) const override;
    static std::optional<ObjectField> fieldOf(int column);
};

} // namespace leakscope
