#include "type_summary_model.h"

#include "model_text.h"

namespace leakscope {

TypeSummaryModel::TypeSummaryModel(QObject* parent)
    : SummaryTableModel(
        {
            // The full name as tooltip too: a narrow table elides it.
            textColumn(
                tr("Type"), {},
                [](const AnalyzedSnapshot& analyzed, const TypeSummaryRow& row) {
                    return toQString(analyzed.snapshot().typeName(row.type));
                },
                {},
                [](const AnalyzedSnapshot& analyzed, const TypeSummaryRow& row) {
                    return toQString(analyzed.snapshot().typeName(row.type));
                }),
            countColumn(tr("Count"), tr("Objects of the type in the snapshot"),
                        [](const TypeSummaryRow& row) { return row.count; }),
            countColumn(tr("Bytes"), tr("Bytes those objects occupy themselves"),
                        [](const TypeSummaryRow& row) { return row.bytes; }),
            countColumn(tr("Candidates"), tr("Gc-tracked objects of the type that no object refers to"),
                        [](const TypeSummaryRow& row) { return row.candidates; }),
            countColumn(tr("Suspects"), tr("Candidates that no explanation covers and no ignore rule matches"),
                        [](const TypeSummaryRow& row) { return row.suspects; }),
        },
        [](const TypeSummaryRow& row, int role) {
            return role == TypeIndexRole ? QVariant::fromValue<quint32>(row.type) : QVariant();
        },
        parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

TypeSummaryModel::~TypeSummaryModel() = default;

std::vector<TypeSummaryRow> TypeSummaryModel::rowsOf(const AnalyzedSnapshot& analyzed) const
{
    return analyzed.analysis().typeSummary();
}

} // namespace leakscope
