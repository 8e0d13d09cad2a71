#include "explanation_summary_model.h"

#include "model_text.h"

#include "snapshot/explanation_kinds.h"

#include <QtCore/QCoreApplication>

namespace leakscope {

namespace {

QString groupTr(const char* text)
{
    return QCoreApplication::translate("CandidateGroups", text);
}

} // namespace

QString candidateGroupTitle(const CandidateGroupKey& key)
{
    switch (key.kind) {
    case CandidateGroupKey::Suspects: return groupTr("Suspects");
    case CandidateGroupKey::Ignored: return groupTr("Ignored by rules");
    case CandidateGroupKey::Explained: break;
    }
    return toQString(key.explanation);
}

QString candidateGroupDescription(const CandidateGroupKey& key)
{
    switch (key.kind) {
    case CandidateGroupKey::Suspects:
        return groupTr("Candidates that no explanation covers and no ignore rule matches: the ones to look at.");
    case CandidateGroupKey::Ignored:
        return groupTr("Candidates without an explanation that one of your ignore rules matches. (Explained candidates "
                  "a rule also matches stay under their explanation.)");
    case CandidateGroupKey::Explained: break;
    }
    if (const std::optional<ExplanationKind> kind = explanationKindFromName(key.explanation))
        return groupTr(std::string(explanationKindDescription(*kind)).c_str());
    return groupTr("Explained when the snapshot was captured, as \"%1\".").arg(toQString(key.explanation));
}

ExplanationSummaryModel::ExplanationSummaryModel(QObject* parent)
    : SummaryTableModel(
        {
            textColumn(
                tr("Reason"), tr("Suspects, candidates your ignore rules cover, and each kind of explanation"),
                [](const AnalyzedSnapshot&, const CandidateGroups::Group& group) {
                    return candidateGroupTitle(group.key);
                },
                {},
                [](const AnalyzedSnapshot& analyzed, const CandidateGroups::Group& group) {
                    QString tip = candidateGroupDescription(group.key);
                    const std::string_view example = analyzed.snapshot().string(group.exampleDetail);
                    if (group.key.kind == CandidateGroupKey::Explained && !example.empty())
                        tip += u'\n' + tr("For example: %1").arg(toQStringElided(example, 200));
                    return tip;
                }),
            countColumn(tr("Candidates"), tr("Candidates in the group"),
                        [](const CandidateGroups::Group& group) { return group.candidates; }),
            countColumn(tr("Bytes"), tr("Bytes those candidates occupy themselves"),
                        [](const CandidateGroups::Group& group) { return group.bytes; }),
        },
        {}, parent)
{
    Q_ASSERT(columnCount() == ColumnCount);
}

ExplanationSummaryModel::~ExplanationSummaryModel() = default;

std::vector<CandidateGroups::Group> ExplanationSummaryModel::rowsOf(const AnalyzedSnapshot& analyzed) const
{
    // Computed with the analysis: a copy of a handful of rows.
    return analyzed.groups().groups();
}

int ExplanationSummaryModel::rowOf(const CandidateGroupKey& key) const
{
    if (!analyzedSnapshot())
        return -1;
    // The rows are the groups in their order, so a group's index is its row.
    const std::uint32_t group = analyzedSnapshot()->groups().find(key);
    return group == CandidateGroups::kNotFound ? -1 : static_cast<int>(group);
}

} // namespace leakscope
