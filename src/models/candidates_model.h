#pragma once

#include "analyzed_snapshot.h"
#include "item_roles.h"
#include "object_columns.h"

#include <QtCore/QAbstractTableModel>
#include <QtCore/QLocale>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <utility>
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
    // computed elsewhere, e.g. off the GUI thread or by another model. Null clears the model. Past
    // backgroundRowLimit() rows, the reset comes when the rows are ready.
    void setSnapshot(SnapshotPtr snapshot);
    void setSnapshot(AnalyzedSnapshotPtr analyzed);
    const AnalyzedSnapshotPtr& analyzedSnapshot() const { return m_analyzed; }
    // Changes on every setSnapshot() and setListMode(), so caches keyed on it notice new rows.
    quint64 generation() const { return m_generation; }
    // Changes whenever the rows or their order change (every new generation() and every sort()), so
    // caches kept per row notice; caches kept per item (itemAt()) key on generation() instead.
    quint64 rowsVersion() const { return m_rowsVersion; }

    // Which objects are rows; a reset when it changes (the rows are others), keeping the sort order.
    // O(rows) plus the sort, off the GUI thread past backgroundRowLimit() rows (the reset comes when
    // they are ready). Candidates by default.
    void setListMode(ListMode mode);
    ListMode listMode() const { return m_mode; }

    int rowCount(const QModelIndex& parent = {}) const final;
    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    Qt::ItemFlags flags(const QModelIndex& index) const final;

    // Sorts the rows themselves on a column (-1: the analysis' order), in the order of the column's
    // SortRole values (text by code point), ties by object index; a layout change, not a reset. The
    // order survives setSnapshot(). O(rows) to O(rows log rows) on raw columns, no QVariant involved;
    // off the GUI thread past backgroundRowLimit() rows (sortColumn() says the new order at once, the
    // layout change comes when the rows are ready).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) final;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Rows past this many are prepared off the GUI thread: the rows of a new list mode or snapshot, and
    // a new sort order. Until they are ready the model shows the rows it had (isPreparingRows()), then
    // takes the new ones in one reset (a new mode or snapshot) or one layout change (a sort). Fewer rows
    // are prepared at once, before the call returns. Default: kDefaultBackgroundRowLimit.
    static constexpr std::size_t kDefaultBackgroundRowLimit = 250000;
    void setBackgroundRowLimit(std::size_t rows) { m_backgroundLimit = rows; }
    std::size_t backgroundRowLimit() const { return m_backgroundLimit; }
    // The rows of a mode, in item order, as a row selector sees them.
    struct RowTables
    {
        const AnalyzedSnapshot& analyzed;
        ListMode mode;
        std::span<const ObjectIndex> objects;
        std::span<const std::uint32_t> items;
        std::span<const std::uint32_t> groups;
    };
    // What a row selector chose.
    struct RowSelection
    {
        std::vector<std::uint8_t> keep; // per row of the tables: listed (1) or not (0)
        // Said by the selector, kept with the rows for whoever set it: its text filter hit its match
        // limit; when it kept no row, how many it would keep without some of its criteria (key: which).
        bool textLimitHit = false;
        std::vector<std::pair<unsigned, std::size_t>> keptWithout;
    };
    // Runs off the GUI thread: it must hold what it reads.
    using RowSelector = std::function<RowSelection(const RowTables& tables)>;
    // Past backgroundRowLimit() rows of a mode, a filter pass over every row on the GUI thread would
    // block it, and so would a view of tens of millions of rows: such rows are narrowed while they are
    // prepared, to those the selector keeps (the filter proxy's filters: it sets one and then lists
    // narrowed rows as they are), then to the first kMaxNarrowedRows of them in the sort order. Setting
    // a selector prepares narrowed rows again; null keeps every row.
    static constexpr std::size_t kMaxNarrowedRows = 500'000;
    void setRowSelector(RowSelector selector);
    // The rows listed were narrowed (see setRowSelector()).
    bool isNarrowed() const { return m_rows.narrowed; }
    // How many rows of the mode there are, and how many of them the selector kept (the first
    // kMaxNarrowedRows of which are listed); both rowCount() when the rows are not narrowed.
    std::size_t unnarrowedRowCount() const { return m_rows.narrowed ? m_rows.unnarrowed : m_rows.size(); }
    std::size_t matchedRowCount() const { return m_rows.narrowed ? m_rows.matched : m_rows.size(); }
    // What the selector said of the rows listed (RowSelection); nothing when they are not narrowed.
    bool narrowedTextLimitHit() const { return m_rows.narrowed && m_rows.textLimitHit; }
    std::optional<std::size_t> narrowedKeptWithout(unsigned criteria) const;

    // Rows of a new mode, snapshot or order are being prepared: the rows shown are the ones before.
    bool isPreparingRows() const { return m_pending != 0; }
    // The mode of the rows listed now: listMode() once they are ready, the one before meanwhile.
    ListMode listedMode() const { return m_rows.mode; }

    // Row-level access for proxies and views, no QVariant involved. row must be in range.
    ObjectIndex objectAt(int row) const { return m_rows.objects[static_cast<std::size_t>(row)]; }
    // The row that shows object, or -1 when it is not listed. O(rows).
    int rowOfObject(ObjectIndex object) const;
    // Names the row's object among the rows independently of the sort order, in [0, rowCount()): its
    // position in analysis().candidates() (Candidates), or its object index (AllObjects). Ordered as
    // the objects are, so a pass over items in order reads the snapshot front to back.
    std::uint32_t itemAt(int row) const { return m_rows.itemAt(static_cast<std::size_t>(row)); }
    // The object of item (see itemAt()).
    ObjectIndex objectOfItem(std::uint32_t item) const { return m_rows.objectOfItem(item); }
    // HeapAnalysis::isSuspect() of the row's object: no explanation and no ignore rule.
    bool isSuspectRow(int row) const { return groupAt(row) == CandidateGroups::kSuspects; }
    // The row's group in analyzedSnapshot()->groups(); kNoGroup when its object is not a candidate.
    // Kept per row, permuted with the rows: the filter proxy reads it for every row, and reading the
    // analysis' per-candidate array would be a cache miss per row once sorted.
    std::uint32_t groupAt(int row) const { return m_rows.group[static_cast<std::size_t>(row)]; }
    // The per-row tables behind objectAt(), itemAt() and groupAt(), for passes over every row; valid
    // until the rows change (rowsVersion()).
    std::span<const ObjectIndex> rowObjects() const { return m_rows.objects; }
    std::span<const std::uint32_t> rowItems() const
    {
        return m_rows.mode == ListMode::AllObjects ? m_rows.objects : m_rows.candidate;
    }
    std::span<const std::uint32_t> rowGroups() const { return m_rows.group; }
    // The row's explanation, null for suspects, for candidates only a rule covers and for objects that
    // are not candidates.
    const ExplanationRecord* explanationAt(int row) const;
    // The rule that covers a candidate without an explanation, else null (see CandidateGroups).
    const IgnoreRule* ignoringRuleAt(int row) const { return m_rows.ignoringRuleAt(static_cast<std::size_t>(row)); }

Q_SIGNALS:
    // Rows began (true) or ended (false) being prepared off the GUI thread (isPreparingRows()).
    void preparingRowsChanged(bool preparing);

private:
    static constexpr std::uint32_t kNoExplanation = UINT32_MAX;

    // Per type of a snapshot: the position of its name, and of its library's file name, in sorted order.
    struct TypeRanks
    {
        std::vector<std::uint32_t> type;
        std::vector<std::uint32_t> library;
    };

    // The rows of one list mode in one order, and what reading them needs: built whole by build(), on the
    // GUI thread or off it, then taken by the model. Reads only the analysis and the ranks it holds.
    struct Rows
    {
        AnalyzedSnapshotPtr analyzed;
        std::shared_ptr<const TypeRanks> ranks;
        ListMode mode = ListMode::Candidates;
        std::vector<ObjectIndex> objects;       // per row, in the sort order
        std::vector<std::uint32_t> candidate;   // per row: position in the analysis' candidates; empty for AllObjects
        std::vector<std::uint32_t> group;       // per row: its group in the analysis' CandidateGroups, or kNoGroup
        std::vector<std::uint32_t> explanation; // per row: index into the explanations, or kNoExplanation
        bool inItemOrder = true; // as fill() left them (not sorted since)
        bool narrowed = false;   // see setRowSelector()
        std::size_t unnarrowed = 0; // narrowed: the rows of the mode
        std::size_t matched = 0;    // narrowed: the rows the selector kept, before the cap
        bool textLimitHit = false;  // narrowed: RowSelection::textLimitHit
        std::vector<std::pair<unsigned, std::size_t>> keptWithout; // narrowed: RowSelection::keptWithout

        // The rows of mode for analyzed (not null) sorted on column (-1: item order); narrowed when
        // narrow is true, by selector unless it is null.
        static Rows build(AnalyzedSnapshotPtr analyzed, std::shared_ptr<const TypeRanks> ranks, ListMode mode,
                          int column, Qt::SortOrder order, bool narrow, const RowSelector& selector);
        // Keeps the rows whose keep is not 0, in their order.
        void keep(const std::vector<std::uint8_t>& keep);
        // The rows in item order (the k-th row in that order); empty when they are in it already. For
        // rows that were not narrowed.
        std::vector<std::uint32_t> rowsInItemOrder() const;

        std::size_t size() const { return objects.size(); }
        std::uint32_t itemAt(std::size_t row) const { return mode == ListMode::AllObjects ? objects[row] : candidate[row]; }
        ObjectIndex objectOfItem(std::uint32_t item) const
        {
            return mode == ListMode::AllObjects ? item : analyzed->analysis().candidates()[item];
        }
        const IgnoreRule* ignoringRuleAt(std::size_t row) const
        {
            return group[row] == CandidateGroups::kIgnored ? analyzed->analysis().ignoredBy(objects[row]) : nullptr;
        }
        // Fills the tables in item order, in one pass.
        void fill();
        // The permutation (new row -> current row) that sorts the rows; candidates_model_sort.cpp.
        std::vector<std::uint32_t> sortedOrder(int column, Qt::SortOrder order) const;
        std::vector<std::uint64_t> explanationRanks() const;
        std::vector<std::uint32_t> sortedByRepr(Qt::SortOrder order) const;
        void permute(const std::vector<std::uint32_t>& order);
    };

    static std::shared_ptr<const TypeRanks> rankTypes(const Snapshot& snapshot);
    // The shared object column a column shows; nullopt for the explanation and the repr.
    static std::optional<ObjectField> fieldOf(int column);
    QString explanationString(int row) const;
    QString explanationToolTip(int row) const;

    // Lists the rows of listMode() for analyzed in the sort order: at once (a reset) when they are few,
    // else prepared off the GUI thread and taken in a reset when ready.
    void listRows(AnalyzedSnapshotPtr analyzed);
    // Takes rows, made for the model's snapshot and mode, in one reset.
    void takeRows(Rows rows);
    // Takes rows, the rows shown in another order, in one layout change.
    void takeSortedRows(Rows rows);
    // Prepares the rows of the analysis asked for off the GUI thread, in the model's mode and order; when
    // they are ready, takes them as sortOnly says (see rowsPrepared()).
    void prepareRows(bool sortOnly);
    // Rows from the background job request, unless a later request superseded it.
    void rowsPrepared(quint64 request, Rows rows, bool sortOnly);
    void setPending(quint64 request);

    AnalyzedSnapshotPtr m_analyzed;
    const Snapshot* m_snapshot = nullptr;
    const HeapAnalysis* m_analysis = nullptr;
    // The analysis asked for last and its snapshot's ranks: m_analyzed once its rows are ready.
    AnalyzedSnapshotPtr m_requested;
    std::shared_ptr<const TypeRanks> m_requestedRanks;
    ListMode m_mode = ListMode::Candidates; // asked for; m_rows.mode once the rows are ready
    Rows m_rows;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    quint64 m_generation = 0;
    quint64 m_rowsVersion = 0;
    std::size_t m_backgroundLimit = kDefaultBackgroundRowLimit;
    RowSelector m_selector;
    quint64 m_requests = 0; // background requests made
    quint64 m_pending = 0;  // the request whose rows are awaited; 0: none
    QLocale m_locale;
    mutable std::string m_scratch;
};

} // namespace leakscope
