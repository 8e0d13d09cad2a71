#include "candidates_model.h"

#include "model_text.h"
#include "object_columns.h"
#include "support/background_work.h"

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

void CandidatesModel::Rows::fill()
{
    const Snapshot& snapshot = analyzed->snapshot();
    const auto& candidates = analyzed->analysis().candidates();
    const auto& explanations = snapshot.columns().explanations;
    const CandidateGroups& groups = analyzed->groups();
    const std::size_t rows = mode == ListMode::Candidates ? candidates.size() : snapshot.objectCount();
    objects.resize(rows);
    candidate.resize(mode == ListMode::Candidates ? rows : 0);
    group.resize(rows);
    explanation.resize(rows);
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
            objects[k] = object;
            candidate[k] = static_cast<std::uint32_t>(k);
            group[k] = groups.groupOf(k);
            explanation[k] = explanationOf(object);
        }
        return;
    }
    std::size_t c = 0;
    for (std::size_t k = 0; k < rows; ++k) {
        const auto object = static_cast<ObjectIndex>(k);
        objects[k] = object;
        if (c < candidates.size() && candidates[c] == object) {
            group[k] = groups.groupOf(c++);
            explanation[k] = explanationOf(object); // explanations are the candidates' only
        } else {
            group[k] = kNoGroup;
            explanation[k] = kNoExplanation;
        }
    }
}

CandidatesModel::Rows CandidatesModel::Rows::build(AnalyzedSnapshotPtr analyzed, std::shared_ptr<const TypeRanks> ranks,
                                                   ListMode mode, int column, Qt::SortOrder order, bool narrow,
                                                   const RowSelector& selector)
{
    Rows rows;
    rows.analyzed = std::move(analyzed);
    rows.ranks = std::move(ranks);
    rows.mode = mode;
    rows.fill();
    if (narrow) {
        rows.narrowed = true;
        rows.unnarrowed = rows.size();
        if (selector) {
            const RowTables tables{*rows.analyzed, mode, rows.objects,
                                   mode == ListMode::AllObjects ? std::span<const std::uint32_t>(rows.objects)
                                                                : std::span<const std::uint32_t>(rows.candidate),
                                   rows.group};
            RowSelection selection = selector(tables);
            rows.keep(selection.keep);
            rows.textLimitHit = selection.textLimitHit;
            rows.keptWithout = std::move(selection.keptWithout);
        }
        rows.matched = rows.size();
    }
    if (column >= 0)
        rows.permute(rows.sortedOrder(column, order));
    if (narrow && rows.size() > kMaxNarrowedRows) { // the first in the sort order
        for (auto* column : {&rows.objects, &rows.candidate, &rows.group, &rows.explanation}) {
            if (!column->empty()) {
                column->resize(kMaxNarrowedRows);
                column->shrink_to_fit();
            }
        }
    }
    return rows;
}

void CandidatesModel::Rows::keep(const std::vector<std::uint8_t>& keep)
{
    std::size_t kept = 0;
    const bool candidates = !candidate.empty();
    for (std::size_t row = 0; row < objects.size(); ++row) {
        if (row < keep.size() && keep[row]) {
            objects[kept] = objects[row];
            if (candidates)
                candidate[kept] = candidate[row];
            group[kept] = group[row];
            explanation[kept] = explanation[row];
            ++kept;
        }
    }
    for (auto* column : {&objects, &candidate, &group, &explanation}) {
        if (!column->empty()) {
            column->resize(kept);
            column->shrink_to_fit();
        }
    }
}

std::shared_ptr<const CandidatesModel::TypeRanks> CandidatesModel::rankTypes(const Snapshot& snapshot)
{
    auto ranks = std::make_shared<TypeRanks>();
    std::vector<TypeIndex> byName(snapshot.typeCount());
    std::iota(byName.begin(), byName.end(), TypeIndex(0));
    std::stable_sort(byName.begin(), byName.end(),
                     [&](TypeIndex a, TypeIndex b) { return snapshot.typeName(a) < snapshot.typeName(b); });
    ranks->type.resize(byName.size());
    for (std::size_t rank = 0; rank < byName.size(); ++rank)
        ranks->type[byName[rank]] = static_cast<std::uint32_t>(rank);
    // Libraries are few and shared by many types: rank their distinct file names, which is what the
    // column shows and sorts on ("" for none first).
    std::vector<std::string_view> names;
    names.reserve(snapshot.typeCount());
    for (TypeIndex t = 0; t < snapshot.typeCount(); ++t)
        names.push_back(libraryBaseName(snapshot.string(snapshot.type(t).library)));
    std::vector<std::string_view> distinct = names;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    ranks->library.resize(names.size());
    for (std::size_t t = 0; t < names.size(); ++t)
        ranks->library[t]
            = static_cast<std::uint32_t>(std::lower_bound(distinct.begin(), distinct.end(), names[t]) - distinct.begin());
    return ranks;
}

void CandidatesModel::setPending(quint64 request)
{
    const bool was = m_pending != 0;
    m_pending = request;
    if (was != (request != 0))
        Q_EMIT preparingRowsChanged(request != 0);
}

void CandidatesModel::listRows(AnalyzedSnapshotPtr analyzed)
{
    ++m_requests; // whatever was being prepared is not wanted any more
    if (!analyzed)
        m_requestedRanks = nullptr;
    else if (!m_requested || analyzed->snapshotPtr() != m_requested->snapshotPtr() || !m_requestedRanks)
        m_requestedRanks = rankTypes(analyzed->snapshot()); // a new snapshot: its types ranked
    m_requested = analyzed;
    std::shared_ptr<const TypeRanks> ranks = m_requestedRanks;
    const std::size_t rows = !analyzed                         ? 0
                           : m_mode == ListMode::AllObjects ? analyzed->snapshot().objectCount()
                                                              : analyzed->analysis().candidates().size();
    if (rows <= m_backgroundLimit) {
        Rows made;
        if (analyzed)
            made = Rows::build(std::move(analyzed), std::move(ranks), m_mode, m_sortColumn, m_sortOrder, false, {});
        else
            made.mode = m_mode;
        takeRows(std::move(made));
        setPending(0);
        return;
    }
    prepareRows(false);
}

void CandidatesModel::prepareRows(bool sortOnly)
{
    const quint64 request = ++m_requests;
    setPending(request);
    runInBackground(
        this,
        [analyzed = m_requested, ranks = m_requestedRanks, mode = m_mode, column = m_sortColumn, order = m_sortOrder,
         selector = m_selector]() mutable {
            return Rows::build(std::move(analyzed), std::move(ranks), mode, column, order, true, selector);
        },
        [this, request, sortOnly](Rows made) { rowsPrepared(request, std::move(made), sortOnly); });
}

std::optional<std::size_t> CandidatesModel::narrowedKeptWithout(unsigned criteria) const
{
    if (!m_rows.narrowed)
        return std::nullopt;
    for (const auto& [lifted, kept] : m_rows.keptWithout) {
        if (lifted == criteria)
            return kept;
    }
    return std::nullopt;
}

void CandidatesModel::setRowSelector(RowSelector selector)
{
    m_selector = std::move(selector);
    if (m_rows.narrowed || isPreparingRows())
        prepareRows(false); // the rows the selector keeps, in one reset
}

void CandidatesModel::rowsPrepared(quint64 request, Rows rows, bool sortOnly)
{
    if (request != m_requests)
        return; // superseded: the rows of the later request are on their way
    // The same rows in another order: a layout change. Past the cap on narrowed rows, another order
    // lists other rows: a reset.
    const bool sameRows = rows.analyzed == m_rows.analyzed && rows.mode == m_rows.mode && rows.size() == m_rows.size()
                       && rows.narrowed == m_rows.narrowed && rows.matched == m_rows.matched
                       && rows.matched <= kMaxNarrowedRows;
    if (sortOnly && sameRows)
        takeSortedRows(std::move(rows));
    else
        takeRows(std::move(rows));
    setPending(0);
}

void CandidatesModel::takeRows(Rows rows)
{
    // The rows' old memory is freed after the reset, when nothing refers to it any more.
    Rows old;
    beginResetModel();
    old = std::exchange(m_rows, std::move(rows));
    m_analyzed = m_rows.analyzed;
    m_snapshot = m_analyzed ? &m_analyzed->snapshot() : nullptr;
    m_analysis = m_analyzed ? &m_analyzed->analysis() : nullptr;
    ++m_generation;
    ++m_rowsVersion;
    endResetModel();
}

void CandidatesModel::setSnapshot(AnalyzedSnapshotPtr analyzed)
{
    listRows(std::move(analyzed));
}

void CandidatesModel::setListMode(ListMode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    if (!m_requested) { // no rows either way
        m_rows.mode = mode;
        ++m_generation;
        ++m_rowsVersion;
        return;
    }
    listRows(m_requested);
}

int CandidatesModel::rowCount(const QModelIndex& parent) const
{
    // A model row is an int: past INT_MAX candidates (not reachable with 32-bit object indices in
    // practice) the tail is not shown.
    return parent.isValid() ? 0 : static_cast<int>(std::min<std::size_t>(m_rows.objects.size(), INT_MAX));
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
    const std::uint32_t e = m_rows.explanation[static_cast<std::size_t>(row)];
    return e == kNoExplanation ? nullptr : &m_snapshot->columns().explanations[e];
}

int CandidatesModel::rowOfObject(ObjectIndex object) const
{
    const std::vector<ObjectIndex>& objects = m_rows.objects;
    const auto it = std::find(objects.begin(), objects.end(), object);
    return it == objects.end() || it - objects.begin() > INT_MAX ? -1 : static_cast<int>(it - objects.begin());
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
