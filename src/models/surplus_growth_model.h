#pragma once

#include "comparison_table_model.h"

namespace leakscope {

// Objects present in both snapshots whose refcount grew more than their referrers did
// (SnapshotDiff::surplusGrowth(), largest growth first): references added in between that nothing in
// the snapshot accounts for, the signature of a C extension that increfs without a matching decref.
// growth = Δrefcount − Δreferrers. Cells read B, except the A side of the arrows.
class SurplusGrowthModel final : public ComparisonObjectsModel
{
    Q_OBJECT

public:
    enum Column {
        AddressColumn,
        TypeColumn,
        SizeColumn,
        RefcountColumn, // "A → B", sorted by the change
        ReferrersColumn, // "A → B", sorted by the change
        GrowthColumn,
        ReprColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit SurplusGrowthModel(QObject* parent = nullptr);
    ~SurplusGrowthModel() override;

    // row must be in range.
    const SurplusGrowthRow& growthAt(int row) const;
    ObjectIndex objectAt(int row) const override { return growthAt(row).b; }

private:
    std::size_t rows(const SnapshotComparison& comparison) const override;
    QVariant cell(int row, int column, int role) const override;
    QVariant header(int column, int role) const override;
    QVariant arrowData(quint64 a, quint64 b, int role) const;
};

} // namespace leakscope
