#pragma once

#include "comparison_table_model.h"

namespace leakscope {

// One row per type name present in either snapshot of a comparison (SnapshotDiff::types(), in its
// order: the largest count change first): objects and bytes on each side, their changes, the objects
// allocated and freed in between, and the suspects on each side. Types are matched by name, so
// TypeIndexRole names the type in B (null for a type that only A has).
class TypeDeltaModel final : public ComparisonTableModel
{
    Q_OBJECT

public:
    enum Column {
        TypeColumn,
        LibraryColumn, // the file name of the library behind the type; empty when it has none
        CountAColumn,
        CountBColumn,
        CountDeltaColumn,
        AddedColumn, // objects of B that no object of A is (allocated in between)
        RemovedColumn, // objects of A that no object of B is (freed in between)
        BytesAColumn,
        BytesBColumn,
        BytesDeltaColumn,
        SuspectsAColumn,
        SuspectsBColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit TypeDeltaModel(QObject* parent = nullptr);
    ~TypeDeltaModel() override;

    // row must be in range.
    const TypeDeltaRow& deltaAt(int row) const;
    QString typeNameAt(int row) const;

    bool rowMatches(int row, const TextFilter& filter) const override;
    bool isUnchangedRow(int row) const override;

private:
    std::size_t rows(const SnapshotComparison& comparison) const override;
    QVariant cell(int row, int column, int role) const override;
    QVariant header(int column, int role) const override;
    std::string_view libraryPath(const TypeDeltaRow& row) const;
};

} // namespace leakscope
