#include "candidates_model.h"

#include "model_text.h"

#include <algorithm>
#include <numeric>

namespace leakscope {

namespace {

// Reprs longer than this are cut in the cell; the tooltip and SortRole keep the whole text.
constexpr qsizetype kDisplayedReprLength = 200;

bool isNumeric(int column)
{
    return column != CandidatesModel::TypeColumn && column != CandidatesModel::LibraryColumn
        && column != CandidatesModel::ExplanationColumn && column != CandidatesModel::ReprColumn;
}

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

void CandidatesModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    // Per-row and per-type tables are built before the reset so the model is never half-filled.
    std::vector<ObjectIndex> objects;
    std::vector<std::uint32_t> candidateOfRow;
    std::vector<std::uint32_t> explanationOfRow;
    std::vector<std::uint32_t> typeRank;
    std::vector<std::uint32_t> libraryRank;
    if (analyzed) {
        const Snapshot& snapshot = analyzed->snapshot();
        const auto& candidates = analyzed->analysis().candidates();
        const auto& explanations = snapshot.columns().explanations;
        objects = candidates;
        candidateOfRow.resize(candidates.size());
        std::iota(candidateOfRow.begin(), candidateOfRow.end(), 0u);
        // Both are sorted by object index: one merge pass instead of a binary search per row.
        explanationOfRow.assign(candidates.size(), kNoExplanation);
        std::size_t e = 0;
        for (std::size_t row = 0; row < candidates.size(); ++row) {
            while (e < explanations.size() && explanations[e].object < candidates[row])
                ++e;
            if (e < explanations.size() && explanations[e].object == candidates[row])
                explanationOfRow[row] = static_cast<std::uint32_t>(e);
        }
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
    m_objects = std::move(objects);
    m_candidate = std::move(candidateOfRow);
    m_group.resize(m_candidate.size());
    for (std::size_t row = 0; row < m_candidate.size(); ++row)
        m_group[row] = m_analyzed->groups().groupOf(m_candidate[row]);
    m_explanation = std::move(explanationOfRow);
    m_typeRank = std::move(typeRank);
    m_libraryRank = std::move(libraryRank);
    if (m_sortColumn >= 0)
        permuteRows(sortedOrder(m_sortColumn, m_sortOrder));
    ++m_generation;
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

QVariant CandidatesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case SortRole:
        return sortData(row, column);
    case Qt::ToolTipRole:
        if (column == ReprColumn)
            return reprText(row, false);
        if (column == ExplanationColumn)
            return explanationToolTip(row);
        if (column == LibraryColumn)
            return libraryToolTip(row);
        return {};
    case Qt::TextAlignmentRole:
        if (isNumeric(column))
            return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case ObjectIndexRole:
        return QVariant::fromValue<quint32>(objectAt(row));
    case TypeIndexRole:
        return QVariant::fromValue<quint32>(m_snapshot->typeOf(objectAt(row)));
    case LibraryRole:
        return QVariant::fromValue<quint32>(m_snapshot->type(m_snapshot->typeOf(objectAt(row))).library);
    case IsSuspectRole:
        return isSuspectRow(row);
    default:
        return {};
    }
}

QVariant CandidatesModel::displayData(int row, int column) const
{
    const ObjectIndex object = objectAt(row);
    switch (column) {
    case AddressColumn:
        return addressText(m_snapshot->address(object));
    case TypeColumn:
        return toQString(m_snapshot->typeNameOf(object));
    case LibraryColumn:
        return libraryText(row);
    case ExplanationColumn:
        return explanationString(row);
    case ReprColumn:
        return reprText(row, true);
    case SurplusColumn:
        return m_locale.toString(static_cast<qlonglong>(m_analysis->surplus(object)));
    default:
        return m_locale.toString(sortData(row, column).toULongLong());
    }
}

QVariant CandidatesModel::sortData(int row, int column) const
{
    const ObjectIndex object = objectAt(row);
    switch (column) {
    case AddressColumn:
        return QVariant::fromValue<qulonglong>(m_snapshot->address(object));
    case TypeColumn:
        return toQString(m_snapshot->typeNameOf(object));
    case LibraryColumn:
        return libraryText(row);
    case SizeColumn:
        return QVariant::fromValue<qulonglong>(m_snapshot->size(object));
    case RefcountColumn:
        return QVariant::fromValue<qulonglong>(m_snapshot->refcount(object));
    case ReferrersColumn:
        return QVariant::fromValue<qulonglong>(m_analysis->referrerCount(object));
    case SurplusColumn:
        return QVariant::fromValue<qlonglong>(m_analysis->surplus(object));
    case ReferentsColumn:
        return QVariant::fromValue<qulonglong>(m_snapshot->referents(object).size());
    case ExplanationColumn:
        return explanationString(row);
    case ReprColumn:
        return reprText(row, false);
    default:
        return {};
    }
}

QString CandidatesModel::reprText(int row, bool elide) const
{
    std::string_view repr = displayRepr(*m_snapshot, objectAt(row), m_scratch[0]);
    return elide ? toQStringElided(repr, kDisplayedReprLength) : toQString(repr);
}

QString CandidatesModel::libraryText(int row) const
{
    return toQString(libraryBaseName(m_snapshot->string(m_snapshot->type(m_snapshot->typeOf(objectAt(row))).library)));
}

QString CandidatesModel::libraryToolTip(int row) const
{
    const std::string_view path = m_snapshot->string(m_snapshot->type(m_snapshot->typeOf(objectAt(row))).library);
    return path.empty() ? tr("No library: a class defined in Python, or a type whose library was not found")
                        : toQString(path);
}

QString CandidatesModel::explanationString(int row) const
{
    if (const ExplanationRecord* explanation = explanationAt(row))
        return toQString(explanationText(*m_snapshot, *explanation, m_scratch[0]));
    if (const IgnoreRule* rule = ignoringRuleAt(row))
        return toQString(ignoredText(*rule, m_scratch[0]));
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
    if (role == Qt::DisplayRole) {
        switch (section) {
        case AddressColumn: return tr("Address");
        case TypeColumn: return tr("Type");
        case LibraryColumn: return tr("Library");
        case SizeColumn: return fieldTitle(ObjectField::Size);
        case RefcountColumn: return fieldTitle(ObjectField::Refcount);
        case ReferrersColumn: return fieldTitle(ObjectField::Referrers);
        case SurplusColumn: return fieldTitle(ObjectField::Surplus);
        case ReferentsColumn: return fieldTitle(ObjectField::Referents);
        case ExplanationColumn: return tr("Explanation");
        case ReprColumn: return tr("Repr");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case SizeColumn: return fieldToolTip(ObjectField::Size);
        case RefcountColumn: return fieldToolTip(ObjectField::Refcount);
        case ReferrersColumn: return fieldToolTip(ObjectField::Referrers);
        case SurplusColumn: return fieldToolTip(ObjectField::Surplus);
        case ReferentsColumn: return fieldToolTip(ObjectField::Referents);
        case LibraryColumn:
            return tr("The shared library (or executable) that defines the type; empty for classes defined in "
                      "Python and types whose library was not found");
        case ExplanationColumn:
            return tr("Why the candidate is legitimate: its explanation, or the ignore rule that matched it; empty "
                      "for suspects");
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && isNumeric(section))
        return QVariant::fromValue(int(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

} // namespace leakscope
