#include "creator_summary_model.h"

#include "model_text.h"
#include "snapshot/findings.h" // libraryBaseName

namespace leakscope {

namespace {

bool unknown(const CreatorRow& row)
{
    return row.frame == kNoNativeFrame;
}

QString functionText(const AnalyzedSnapshot& analyzed, const CreatorRow& row)
{
    if (unknown(row))
        return CreatorSummaryModel::tr("(creator unknown)");
    const std::string_view function = analyzed.snapshot().string(row.function);
    return function.empty() ? QStringLiteral("?? ") + toQString(formatAddress(row.address)) : toQString(function);
}

QString sourceText(const AnalyzedSnapshot& analyzed, const CreatorRow& row, bool fullPath)
{
    if (unknown(row))
        return {};
    return toQString(nativeFrameSource(analyzed.snapshot(), analyzed.snapshot().nativeFrame(row.frame), fullPath));
}

} // namespace

CreatorSummaryModel::CreatorSummaryModel(QObject* parent)
    : SummaryTableModel(
        {
            textColumn(
                tr("Function"), tr("The C function that asked the interpreter for the candidates: the first frame of "
                                   "their native allocation stack past the allocator's own"),
                functionText, {},
                [](const AnalyzedSnapshot&, const CreatorRow& row) {
                    return unknown(row) ? tr("Candidates without a native stack (allocated before native traces "
                                             "began, or not through the interpreter's allocators), or whose stack "
                                             "ends inside the allocator")
                                        : QString();
                }),
            textColumn(
                tr("Library"), tr("The shared library (or executable) the function is in"),
                [](const AnalyzedSnapshot& analyzed, const CreatorRow& row) {
                    return toQString(libraryBaseName(analyzed.snapshot().string(row.library)));
                },
                {},
                [](const AnalyzedSnapshot& analyzed, const CreatorRow& row) {
                    return toQString(analyzed.snapshot().string(row.library));
                }),
            textColumn(
                tr("Source"), tr("The function's source line, from debug information (of the first candidate's stack)"),
                [](const AnalyzedSnapshot& analyzed, const CreatorRow& row) { return sourceText(analyzed, row, false); },
                {},
                [](const AnalyzedSnapshot& analyzed, const CreatorRow& row) { return sourceText(analyzed, row, true); }),
            countColumn(tr("Candidates"), tr("Candidates the function created"),
                        [](const CreatorRow& row) { return quint64(row.objects); }),
            countColumn(tr("Suspects"), tr("Candidates that no explanation covers and no ignore rule matches"),
                        [](const CreatorRow& row) { return quint64(row.suspects); }),
            countColumn(tr("Bytes"), tr("The candidates' own sizes, added up"),
                        [](const CreatorRow& row) { return quint64(row.bytes); }),
        },
        {}, parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

CreatorSummaryModel::~CreatorSummaryModel() = default;

std::vector<CreatorRow> CreatorSummaryModel::rowsOf(const AnalyzedSnapshot& analyzed) const
{
    return creatorSummary(analyzed.analysis(), analyzed.analysis().candidates());
}

QString CreatorSummaryModel::keyAt(int row) const
{
    const CreatorRow& creator = creatorAt(row);
    if (unknown(creator))
        return {};
    const Snapshot& s = analyzedSnapshot()->snapshot();
    if (creator.function == 0)
        return QStringLiteral("@") + toQString(formatAddress(creator.address));
    return toQString(s.string(creator.function)) + QLatin1Char('\n') + toQString(s.string(creator.library));
}

int CreatorSummaryModel::rowOfKey(const QString& key) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (keyAt(row) == key)
            return row;
    }
    return -1;
}

} // namespace leakscope
