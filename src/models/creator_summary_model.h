#pragma once

#include "snapshot/native_stack.h"
#include "summary_table_model.h"

namespace leakscope {

// The candidates of a snapshot by the C function that created them (creatorSummary(): the first frame
// of their native allocation stack past the interpreter's allocator), most suspects first: function,
// library (file name; the full path in the tooltip), source line, candidates, suspects and their own
// bytes. One last row gathers the candidates whose creator is unknown. Empty when the snapshot has no
// native stacks (captured without native traces). The rows keep that order.
class CreatorSummaryModel final : public SummaryTableModel<CreatorRow>
{
    Q_OBJECT

public:
    enum Column { FunctionColumn, LibraryColumn, SourceColumn, CandidatesColumn, SuspectsColumn, BytesColumn, ColumnCount };
    Q_ENUM(Column)

    explicit CreatorSummaryModel(QObject* parent = nullptr);
    ~CreatorSummaryModel() override;

    // The creator a row shows; row must be in range.
    const CreatorRow& creatorAt(int row) const { return rowAt(row); }
    // What names a row's creator across snapshots (string ids belong to one): function and library
    // path, or the address for a frame without a symbol; empty for the row of unknown creators.
    QString keyAt(int row) const;
    // The row whose keyAt() is key, or -1.
    int rowOfKey(const QString& key) const;

private:
    std::vector<CreatorRow> rowsOf(const AnalyzedSnapshot& analyzed) const final;
};

} // namespace leakscope
