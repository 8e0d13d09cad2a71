#pragma once

#include "summary_table_model.h"

namespace leakscope {

// One row per type present in a snapshot (HeapAnalysis::typeSummary(), by type index): how many
// objects and bytes, how many leak candidates and suspects. The type's name is its tooltip as well.
class TypeSummaryModel final : public SummaryTableModel<TypeSummaryRow>
{
    Q_OBJECT

public:
    enum Column { TypeColumn, CountColumn, BytesColumn, CandidatesColumn, SuspectsColumn, ColumnCount };
    Q_ENUM(Column)

    explicit TypeSummaryModel(QObject* parent = nullptr);
    ~TypeSummaryModel() override;

    const TypeSummaryRow& summaryAt(int row) const { return rowAt(row); }

private:
    std::vector<TypeSummaryRow> rowsOf(const AnalyzedSnapshot& analyzed) const final;
};

} // namespace leakscope
