#pragma once

#include "summary_table_model.h"

namespace leakscope {

// A type's row: HeapAnalysis::typeSummary()'s, with the bytes the type's objects retain
// (DominatorTree::retainedByType()).
struct TypeSummaryModelRow : TypeSummaryRow
{
    std::uint64_t retained = 0;
    bool hasRetained = false; // false when the analysis has no dominator tree
};

// One row per type present in a snapshot (HeapAnalysis::typeSummary(), by type index): how many
// objects and bytes, the bytes they retain, how many leak candidates and suspects. The type's name is
// its tooltip as well. Retained is empty when the analysis has no dominator tree.
class TypeSummaryModel final : public SummaryTableModel<TypeSummaryModelRow>
{
    Q_OBJECT

public:
    enum Column { TypeColumn, CountColumn, BytesColumn, RetainedColumn, CandidatesColumn, SuspectsColumn, ColumnCount };
    Q_ENUM(Column)

    explicit TypeSummaryModel(QObject* parent = nullptr);
    ~TypeSummaryModel() override;

    const TypeSummaryModelRow& summaryAt(int row) const { return rowAt(row); }

private:
    std::vector<TypeSummaryModelRow> rowsOf(const AnalyzedSnapshot& analyzed) const final;
};

} // namespace leakscope
