#include "candidates_model.h"

#include "model_text.h"
#include "object_columns.h"

#include <algorithm>
#include <numeric>

namespace leakscope {

namespace {

// Reprs longer than this are cut in the cell; the tooltip and SortRole keep the whole text.
constexpr qsizetype kDisplayedReprLength = 200;

} // namespace

CandidatesModel::CandidatesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

CandidatesModel::~CandidatesModel() = default;

void CandidatesModel::setSnapshot(SnapshotPtr snapshot)
{
    setSnapshot(analyzeSnapshot(std::move(snapshot)));
}

void CandidatesModel::fillRows(ListMode mode)
{
    const Snapshot& snapshot = m_analyzed->snapshot();
    const auto& candidates = m_analyzed->analysis().candidates();
    const auto& explanations = snapshot.columns().explanations;
    const CandidateGroups& groups = m_analyzed->groups();
    // resize() keeps the capacity of the tables the rows had before, and writes only past their old
    // size: a new snapshot of about the same size or a mode change back allocates nothing.
    const std::size_t rows = mode == ListMode::Candidates ? candidates.size() : snapshot.objectCount();
    m_objects.resize(rows);
    m_candidate.resize(mode == ListMode::Candidates ? rows : 0);
    m_group.resize(rows);
    m_explanation.resize(rows);
    // One pass over the rows. Candidates, explanations and (AllObjects) objects are all in object
    // index order: the explanations are a merge, the candidates among all objects a second one.
    std::size_t e = 0;
    auto explanationOf = [&](ObjectIndex object) {
        while (e < explanations.size() && explanations[e].object < object)
            ++e;
        return e < explanations.size() && explanations[e].object == object ? static_cast<std::uint32_t>(e)
                                                                             : kNoExplanation;
    };
    if (mode == ListMode::Candidates) {
        for (std::size_t k = 0; k < rows; ++k) {
            const ObjectIndex object = candidates[k];
            m_objects[k] = object;
            m_candidate[k] = static_cast<std::uint32_t>(k);
            m_group[k] = groups.groupOf(k);
            m_explanation[k] = explanationOf(object);
        }
        return;
    }
    std::size_t c = 0;
    for (std::size_t k = 0; k < rows; ++k) {
        const auto object = static_cast<ObjectIndex>(k);
        m_objects[k] = object;
        if (c < candidates.size() && candidates[c] == object) {
            m_group[k] = groups.groupOf(c++);
            m_explanation[k] = explanationOf(object); // explanations are the candidates' only
        } else {
            m_group[k] = kNoGroup;
            m_explanation[k] = kNoExplanation;
        }
    }
}

void CandidatesModel::takeRows(ListMode mode)
{
    m_mode = mode;
    if (m_analyzed) {
        fillRows(mode);
        if (m_sortColumn >= 0)
            permuteRows(sortedOrder(m_sortColumn, m_sortOrder));
    } else { // no rows, and their memory goes back
        m_objects = {};
        m_candidate = {};
        m_group = {};
        m_explanation = {};
    }
    ++m_generation;
    ++m_rowsVersion;
}

void CandidatesModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    // Per-type tables are built before the reset; the per-row ones reuse the old rows' memory, so they
    // are filled inside it (nothing reads the model between beginResetModel() and endResetModel()).
    std::vector<std::uint32_t> typeRank;
    std::vector<std::uint32_t> libraryRank;
    if (analyzed) {
        const Snapshot& snapshot = analyzed->snapshot();
        std::vector<TypeIndex> byName(snapshot.typeCount());
        std::iota(byName.begin(), byName.end(), TypeIndex(0));
        std::stable_sort(byName.begin(), byName.end(),
                         [&](TypeIndex a, TypeIndex b) { return snapshot.typeName(a) < snapshot.typeName(b); });
        typeRank.resize(byName.size());
        for (std::size_t rank = 0; rank < byName.size(); ++rank)
            typeRank[byName[rank]] = static_cast<std::uint32_t>(rank);
        // Libraries are few and shared by many types: rank their distinct file names, which is what
        // the column shows and sorts on ("" for none first).
        std::vector<std::string_view> names;
        names.reserve(snapshot.typeCount());
        for (TypeIndex t = 0; t < snapshot.typeCount(); ++t)
            names.push_back(libraryBaseName(snapshot.string(snapshot.type(t).library)));
        std::vector<std::string_view> distinct = names;
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        libraryRank.resize(names.size());
        for (std::size_t t = 0; t < names.size(); ++t)
            libraryRank[t] = static_cast<std::uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), names[t])
                                                        - distinct.begin());
    }

    beginResetModel();
    m_analyzed = std::move(analyzed);
    m_snapshot = m_analyzed ? &m_analyzed->snapshot() : nullptr;
    m_analysis = m_analyzed ? &m_analyzed->analysis() : nullptr;
    m_typeRank = std::move(typeRank);
    m_libraryRank = std::move(libraryRank);
    takeRows(m_mode);
    endResetModel();
}

void CandidatesModel::setListMode(ListMode mode)
{
    if (mode == m_mode)
        return;
    if (!m_analyzed) {
        m_mode = mode;
        ++m_generation;
        ++m_rowsVersion;
        return;
    }
    beginResetModel();
    takeRows(mode);
    endResetModel();
}

int CandidatesModel::rowCount(const QModelIndex& parent) const
{
    // A model row is an int: past INT_MAX candidates (not reachable with 32-bit object indices in
    // practice) the tail is not shown.
    return parent.isValid() ? 0 : static_cast<int>(std::min<std::size_t>(m_objects.size(), INT_MAX));
}

int CandidatesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags CandidatesModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

const ExplanationRecord* CandidatesModel::explanationAt(int row) const
{
    const std::uint32_t e = m_explanation[static_cast<std::size_t>(row)];
    return e == kNoExplanation ? nullptr : &m_snapshot->columns().explanations[e];
}

int CandidatesModel::rowOfObject(ObjectIndex object) const
{
    const auto it = std::find(m_objects.begin(), m_objects.end(), object);
    return it == m_objects.end() || it - m_objects.begin() > INT_MAX ? -1 : static_cast<int>(it - m_objects.begin());
}

const IgnoreRule* CandidatesModel::ignoringRuleAt(int row) const
{
    return groupAt(row) == CandidateGroups::kIgnored ? m_analysis->ignoredBy(objectAt(row)) : nullptr;
}

std::optional<ObjectField> CandidatesModel::fieldOf(int column)
{
    switch (column) {
    case AddressColumn: return ObjectField::Address;
    case TypeColumn: return ObjectField::Type;
    case LibraryColumn: return ObjectField::Library;
    case SizeColumn: return ObjectField::Size;
    case RetainedColumn: return ObjectField::Retained;
    case RefcountColumn: return ObjectField::Refcount;
    case ReferrersColumn: return ObjectField::Referrers;
    case SurplusColumn: return ObjectField::Surplus;
    case ReferentsColumn: return ObjectField::Referents;
    default: return std::nullopt; // the explanation and the repr are the candidates' own
    }
}

QVariant CandidatesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
    case Qt::ToolTipRole:
    case Qt::TextAlignmentRole:
        if (const std::optional<ObjectField> field = fieldOf(column))
            return fieldData(*m_analysis, objectAt(row), *field, role, m_locale, m_analyzed->dominators());
        if (role == Qt::TextAlignmentRole)
            return {};
        if (column == ExplanationColumn)
            return role == Qt::ToolTipRole ? explanationToolTip(row) : explanationString(row);
        return reprText(*m_snapshot, objectAt(row), role == Qt::DisplayRole ? kDisplayedReprLength : -1,
                        m_scratch);
    case IsSuspectRole:
        return isSuspectRow(row); // the row's group is at hand: no lookup of the rules
    default:
        return objectRoleData(*m_analysis, objectAt(row), role);
    }
}

QString CandidatesModel::explanationString(int row) const
{
    if (const ExplanationRecord* explanation = explanationAt(row))
        return toQString(explanationText(*m_snapshot, *explanation, m_scratch));
    if (const IgnoreRule* rule = ignoringRuleAt(row))
        return toQString(ignoredText(*rule, m_scratch));
    return {};
}

QString CandidatesModel::explanationToolTip(int row) const
{
    if (const IgnoreRule* rule = ignoringRuleAt(row)) {
        return tr("Ignored by the rule at %1: %2")
            .arg(toQString(formatRuleLocation(rule->source, rule->line)), toQString(formatRule(*rule)));
    }
    return explanationString(row);
}

QVariant CandidatesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (const std::optional<ObjectField> field = fieldOf(section))
        return fieldHeaderData(*field, role);
    if (role == Qt::DisplayRole)
        return section == ExplanationColumn ? tr("Explanation") : tr("Repr");
    if (role == Qt::ToolTipRole && section == ExplanationColumn)
        return tr("Why the candidate is legitimate: its explanation, or the ignore rule that matched it; empty "
                  "for suspects");
    return {};
}

} // namespace leakscope
