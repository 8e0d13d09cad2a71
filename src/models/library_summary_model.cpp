#include "library_summary_model.h"

#include "model_text.h"

namespace leakscope {

namespace {

std::string_view libraryPath(const AnalyzedSnapshot& analyzed, const LibraryRow& row)
{
    return analyzed.snapshot().string(row.library);
}

} // namespace

LibrarySummaryModel::LibrarySummaryModel(QObject* parent)
    : SummaryTableModel(
        {
            textColumn(
                tr("Library"), tr("The shared library (or executable) that defines the candidates' types"),
                [](const AnalyzedSnapshot& analyzed, const LibraryRow& row) {
                    const std::string_view path = libraryPath(analyzed, row);
                    return path.empty() ? tr("(no library)") : libraryTitle(path);
                },
                [](const AnalyzedSnapshot& analyzed, const LibraryRow& row) {
                    return libraryTitle(libraryPath(analyzed, row));
                },
                [](const AnalyzedSnapshot& analyzed, const LibraryRow& row) {
                    const std::string_view path = libraryPath(analyzed, row);
                    return path.empty() ? tr("Types with no library behind them: classes defined in Python, and "
                                             "types whose library was not found")
                                        : toQString(path);
                }),
            countColumn(tr("Candidates"), tr("Candidates whose type comes from the library"),
                        [](const LibraryRow& row) { return quint64(row.candidates); }),
            countColumn(tr("Suspects"), tr("Candidates that no explanation covers and no ignore rule matches"),
                        [](const LibraryRow& row) { return quint64(row.suspects); }),
        },
        [](const LibraryRow& row, int role) {
            return role == LibraryRole ? QVariant::fromValue<quint32>(row.library) : QVariant();
        },
        parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

LibrarySummaryModel::~LibrarySummaryModel() = default;

std::vector<LibraryRow> LibrarySummaryModel::rowsOf(const AnalyzedSnapshot& analyzed) const
{
    // Counted with the analysis: a copy of a handful of rows.
    return analyzed.libraries();
}

QString LibrarySummaryModel::libraryPathAt(int row) const
{
    return toQString(libraryPath(*analyzedSnapshot(), libraryAt(row)));
}

int LibrarySummaryModel::rowOfPath(const QString& path) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (libraryPathAt(row) == path)
            return row;
    }
    return -1;
}

} // namespace leakscope
