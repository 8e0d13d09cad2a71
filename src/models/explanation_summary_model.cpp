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
    : QAbstractTableModel(parent)
{
}

ExplanationSummaryModel::~ExplanationSummaryModel() = default;

void ExplanationSummaryModel::setSnapshot(SnapshotPtr snapshot)
{
    setSnapshot(analyzeSnapshot(std::move(snapshot)));
}

void ExplanationSummaryModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    // The groups were computed with the analysis: nothing to build here.
    beginResetModel();
    m_analyzed = std::move(analyzed);
    endResetModel();
}

int ExplanationSummaryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_analyzed ? 0 : static_cast<int>(m_analyzed->groups().groups().size());
}

int ExplanationSummaryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags ExplanationSummaryModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

const CandidateGroups::Group& ExplanationSummaryModel::groupAt(int row) const
{
    return m_analyzed->groups().groups()[static_cast<std::size_t>(row)];
}

int ExplanationSummaryModel::rowOf(const CandidateGroupKey& key) const
{
    if (!m_analyzed)
        return -1;
    const std::uint32_t group = m_analyzed->groups().find(key);
    return group == CandidateGroups::kNotFound ? -1 : static_cast<int>(group);
}

QVariant ExplanationSummaryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CandidateGroups::Group& group = groupAt(index.row());
    const int column = index.column();
    const quint64 number = column == CandidatesColumn ? group.candidates : column == BytesColumn ? group.bytes : 0;
    switch (role) {
    case Qt::DisplayRole:
        return column == GroupColumn ? candidateGroupTitle(group.key) : m_locale.toString(number);
    case SortRole:
        if (column == GroupColumn)
            return candidateGroupTitle(group.key);
        return QVariant::fromValue<qulonglong>(number);
    case Qt::ToolTipRole: {
        if (column != GroupColumn)
            return {};
        QString tip = candidateGroupDescription(group.key);
        const std::string_view example = m_analyzed->snapshot().string(group.exampleDetail);
        if (group.key.kind == CandidateGroupKey::Explained && !example.empty())
            tip += u'\n' + tr("For example: %1").arg(toQStringElided(example, 200));
        return tip;
    }
    case Qt::TextAlignmentRole:
        if (column != GroupColumn)
            return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    default:
        return {};
    }
}

QVariant ExplanationSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case GroupColumn: return tr("Reason");
        case CandidatesColumn: return tr("Candidates");
        case BytesColumn: return tr("Bytes");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case GroupColumn: return tr("Suspects, candidates your ignore rules cover, and each kind of explanation");
        case CandidatesColumn: return tr("Candidates in the group");
        case BytesColumn: return tr("Bytes those candidates occupy themselves");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && section != GroupColumn)
        return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

} // namespace leakscope
