#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"
#include "object_columns.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace leakscope {

// The leak candidates of one snapshot, suspects and explained ones alike, one row each — or, in
// AllObjects mode, every object of the snapshot, candidates or not: in object index order until
// sort(). Every data() call is O(1) and converts only the text it returns; reprs stay UTF-8 in the
// snapshot until a view asks for one. Numbers are shown in the default QLocale of the time the model
// was made.
//
// Objects that are not candidates (AllObjects only) are in no group of the analysis' CandidateGroups
// (groupAt() is kNoGroup), are no suspects and show an empty Explanation: what explanations and rules
// say is about candidates.
class CandidatesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum class ListMode {
        Candidates, // HeapAnalysis::candidates(): objects nothing in the snapshot refers to
        AllObjects, // every object of the snapshot, as a memory profiler lists instances
    };
    Q_ENUM(ListMode)

    // groupAt() of a row whose object is not a candidate.
    static constexpr std::uint32_t kNoGroup = UINT32_MAX;

    enum Column {
        AddressColumn,
        TypeColumn,
        LibraryColumn, // the file name of the library behind the type; empty when it has none
        SizeColumn,
        RetainedColumn, // DominatorTree::retainedSize(); empty when the analysis has no tree
        RefcountColumn,
        ReferrersColumn,
        SurplusColumn,
        ReferentsColumn,
        ExplanationColumn, // "kind: detail", "ignored: rule" for a candidate only a rule covers, empty for suspects
        ReprColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit CandidatesModel(QObject* parent = nullptr);
    ~CandidatesModel() override;

    // The only resets. The first overload runs the analysis here (O(N + E)); the second shares one
    // computed elsewhere, e.g. off the GUI thread or by another model. Null clears the model.
    void setSnapshot(SnapshotPtr snapshot);
    void setSnapshot(AnalyzedSnapshotPtr analyzed);
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }
    // Changes on every setSnapshot() and setListMode(), so caches keyed on it notice new rows.
    quint64 generation() const { return m_generation; }
    // Changes whenever the rows or their order change (every new generation() and every sort()), so
    // caches kept per row notice; caches kept per item (itemAt()) key on generation() instead.
    quint64 rowsVersion() const { return m_rowsVersion; }

    // Which objects are rows; a reset when it changes (the rows are others), keeping the sort order.
    // O(rows) plus the sort. Candidates by default.
    void setListMode(ListMode mode);
    ListMode listMode() const { return m_mode; }

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

    // Sorts the rows themselves on a column (-1: the analysis' order), in the order of the column's
    // SortRole values (text by code point), ties by object index; a layout change, not a reset. The
    // order survives setSnapshot(). O(rows log rows) on raw columns, no QVariant involved.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) final;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Row-level access for proxies and views, no QVariant involved. row must be in range.
    ObjectIndex objectAt(int row) const { return m_objects[static_cast<std::size_t>(row)]; }
    // The row that shows object, or -1 when it is not listed. O(rows).
    int rowOfObject(ObjectIndex object) const;
    // Names the row's object among the rows independently of the sort order, in [0, rowCount()): its
    // position in analysis().candidates() (Candidates), or its object index (AllObjects). Ordered as
    // the objects are, so a pass over items in order reads the snapshot front to back.
    std::uint32_t itemAt(int row) const
    {
        return m_mode == ListMode::AllObjects ? objectAt(row) : m_candidate[static_cast<std::size_t>(row)];
    }
    // The object of item (see itemAt()).
    ObjectIndex objectOfItem(std::uint32_t item) const
    {
        return m_mode == ListMode::AllObjects ? item : m_analysis->candidates()[item];
    }
    // HeapAnalysis::isSuspect() of the row's object: no explanation and no ignore rule.
    bool isSuspectRow(int row) const { return groupAt(row) == CandidateGroups::kSuspects; }
    // The row's group in analyzedSnapshot()->groups(); kNoGroup when its object is not a candidate.
    // Kept per row, permuted with the rows: the filter proxy reads it for every row, and reading the
    // analysis' per-candidate array would be a cache miss per row once sorted.
    std::uint32_t groupAt(int row) const { return m_group[static_cast<std::size_t>(row)]; }
    // The per-row tables behind objectAt(), itemAt() and groupAt(), for passes over every row; valid
    // until the rows change (rowsVersion()).
    std::span<const ObjectIndex> rowObjects() const { return m_objects; }
    std::span<const std::uint32_t> rowItems() const { return m_mode == ListMode::AllObjects ? m_objects : m_candidate; }
    std::span<const std::uint32_t> rowGroups() const { return m_group; }
    // The row's explanation, null for suspects, for candidates only a rule covers and for objects that
    // are not candidates.
    const ExplanationRecord* explanationAt(int row) const;
    // The rule that covers a candidate without an explanation, else null (see CandidateGroups).
    const IgnoreRule* ignoringRuleAt(int row) const;

private:
    static constexpr std::uint32_t kNoExplanation = UINT32_MAX;

    // The permutation (new row -> current row) that sorts the current rows; candidates_model_sort.cpp.
    std::vector<std::uint32_t> sortedOrder(int column, Qt::SortOrder order) const;
    std::vector<std::uint64_t> explanationRanks() const;
    std::vector<std::uint32_t> sortedByRepr(Qt::SortOrder order) const;
    void permuteRows(const std::vector<std::uint32_t>& order);
    // The shared object column a column shows; nullopt for the explanation and the repr.
    static std::optional<ObjectField> fieldOf(int column);
    QString explanationString(int row) const;
    QString explanationToolTip(int row) const;

    // Fills the per-row tables with the rows of mode for m_analyzed (not null), in item order, in one
    // pass that reuses their capacity. Only between beginResetModel() and endResetModel().
    void fillRows(ListMode mode);
    // Sets the mode and its rows (none without a snapshot), sorted as the model is; a new generation.
    void takeRows(ListMode mode);

    AnalyzedSnapshotPtr m_analyzed;
    const Snapshot* m_snapshot = nullptr;
    const HeapAnalysis* m_analysis = nullptr;
    ListMode m_mode = ListMode::Candidates;
    std::vector<ObjectIndex> m_objects;       // per row, in the current sort order
    std::vector<std::uint32_t> m_candidate;   // per row: position in the analysis' candidates; empty for AllObjects
    std::vector<std::uint32_t> m_group;       // per row: its group in the analysis' CandidateGroups, or kNoGroup
    std::vector<std::uint32_t> m_explanation; // per row: index into the explanations, or kNoExplanation
    std::vector<std::uint32_t> m_typeRank;    // per type: position of its name in sorted order
    std::vector<std::uint32_t> m_libraryRank; // per type: position of its library's file name in sorted order
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    quint64 m_generation = 0;
    quint64 m_rowsVersion = 0;
    QLocale m_locale;
    mutable std::string m_scratch;
};

} // namespace leakscope
