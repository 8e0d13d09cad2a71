#include "type_summary_model.h"

#include "model_text.h"

namespace leakscope {

TypeSummaryModel::TypeSummaryModel(QObject* parent)
    : SummaryTableModel(
        {
            // The full name as tooltip too: a narrow table elides it.
            textColumn(
                tr("Type"), {},
                [](const AnalyzedSnapshot& analyzed, const TypeSummaryModelRow& row) {
                    return toQString(analyzed.snapshot().typeName(row.type));
                },
                {},
                [](const AnalyzedSnapshot& analyzed, const TypeSummaryModelRow& row) {
                    return toQString(analyzed.snapshot().typeName(row.type));
                }),
            countColumn(tr("Count"), tr("Objects of the type in the snapshot"),
                        [](const TypeSummaryModelRow& row) { return row.count; }),
            countColumn(tr("Bytes"), tr("Bytes those objects occupy themselves"),
                        [](const TypeSummaryModelRow& row) { return row.bytes; }),
            countColumn(tr("Retained"),
                        tr("Bytes freed with the type's objects: their sizes and those of every object only they "
                           "keep alive, each byte counted once for the type (an object another of the type "
                           "keeps alive is counted in that one's)"),
                        [](const TypeSummaryModelRow& row) { return row.hasRetained ? row.retained : kNoCount; }),
            countColumn(tr("Candidates"), tr("Gc-tracked objects of the type that no object refers to"),
                        [](const TypeSummaryModelRow& row) { return row.candidates; }),
            countColumn(tr("Suspects"), tr("Candidates that no explanation covers and no ignore rule matches"),
                        [](const TypeSummaryModelRow& row) { return row.suspects; }),
        },
        [](const TypeSummaryModelRow& row, int role) {
            return role == TypeIndexRole ? QVariant::fromValue<quint32>(row.type) : QVariant();
        },
        parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

TypeSummaryModel::~TypeSummaryModel() = default;

std::vector<TypeSummaryModelRow> TypeSummaryModel::rowsOf(const AnalyzedSnapshot& analyzed) const
{
    const std::vector<TypeSummaryRow> summary = analyzed.analysis().typeSummary();
    const DominatorTree* dominators = analyzed.dominators();
    std::vector<TypeSummaryModelRow> rows(summary.size());
    for (std::size_t k = 0; k < summary.size(); ++k) {
        static_cast<TypeSummaryRow&>(rows[k]) = summary[k];
        if (dominators) {
            rows[k].retained = dominators->retainedByType()[summary[k].type];
            rows[k].hasRetained = true;
        }
    }
    return rows;
}

} // namespace leakscope
