#pragma once

#include "object_columns.h" // libraryTitle()
#include "summary_table_model.h"

namespace leakscope {

// The candidates of a snapshot by the library behind their type (AnalyzedSnapshot::libraries()): one
// row per library, most suspects first, with its candidates and suspects. The library shows as its
// file name, the full path in the tooltip; one row gathers the types without a library (classes
// defined in Python, and types whose library was not found). The rows keep that order.
class LibrarySummaryModel final : public SummaryTableModel<LibraryRow>
{
    Q_OBJECT

public:
    enum Column { LibraryColumn, CandidatesColumn, SuspectsColumn, ColumnCount };
    Q_ENUM(Column)

    explicit LibrarySummaryModel(QObject* parent = nullptr);
    ~LibrarySummaryModel() override;

    // The library a row shows; row must be in range.
    const LibraryRow& libraryAt(int row) const { return rowAt(row); }
    // The full path of the row's library; empty for the row of types without one.
    QString libraryPathAt(int row) const;
    // The row of the library with this full path (empty: the row of types without one), or -1.
    int rowOfPath(const QString& path) const;

private:
    std::vector<LibraryRow> rowsOf(const AnalyzedSnapshot& analyzed) const final;
};

} // namespace leakscope
