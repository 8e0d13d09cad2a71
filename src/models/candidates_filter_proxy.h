#pragma once

#include "candidates_model.h"
#include "text_filter.h"

#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QSortFilterProxyModel>

#include <cstdint>
#include <string>
#include <vector>

namespace leakscope {

// Sorts and filters a CandidatesModel (any other source passes unfiltered and sorts on SortRole
// values). Filters combine: the chosen groups (or, when none are chosen, suspects only unless
// showExplained), an allowed set of types, an allowed set of libraries, a minimum size, and a text that
// must occur in the Type or the Repr. Changing a filter never resets the source; debouncing keystrokes is the caller's job.
//
// In the source's AllObjects mode the same filters apply to every object, with one rule for the
// groups, which sort candidates only: with no group chosen every object passes (showExplained does
// not apply: all objects means all of them); with groups chosen only the candidates in those groups
// pass, as in Candidates mode, since an object that is not a candidate is in no group.
//
// Sorting a CandidatesModel is handed to the source (CandidatesModel::sort(), the order of SortRole
// values): the proxy keeps the source's order, so a filter change costs one filter pass instead of a
// filter pass and a sort of every accepted row.
class CandidatesFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit CandidatesFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* sourceModel) override;

    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    // The column and order last given to sort(). These hide QSortFilterProxyModel's own, which stay
    // at -1 (source order) while the source is a CandidatesModel.
    int sortColumn() const;
    Qt::SortOrder sortOrder() const;

    // text: a case-insensitive substring, or a case-insensitive regular expression when regex is
    // true. An invalid regular expression filters out every row; isFilterValid() tells.
    void setFilterText(const QString& text, bool regex = false);
    QString filterText() const { return m_text.pattern(); }
    bool isFilterRegex() const { return m_text.isRegex(); }
    bool isFilterValid() const { return m_text.isValid(); }
    QString filterErrorString() const { return m_text.errorString(); }

    // Only candidates of these types; an empty set allows every type.
    void setTypeFilter(const QSet<TypeIndex>& types);
    const QSet<TypeIndex>& typeFilter() const { return m_types; }

    // Only candidates whose type comes from one of these libraries (TypeRecord::library string ids of
    // the source's snapshot; 0 names the types without a library); an empty set allows every library.
    // With a type filter too, a candidate must pass both.
    void setLibraryFilter(const QSet<StringId>& libraries);
    const QSet<StringId>& libraryFilter() const { return m_libraries; }

    // Only these objects (indices in the source's snapshot: the candidates one C function created, say);
    // empty allows every object. Indices name objects of one snapshot: the caller chooses again for
    // another. With other filters too, an object must pass them all.
    void setObjectFilter(std::vector<ObjectIndex> objects);
    const std::vector<ObjectIndex>& objectFilter() const { return m_objects; }

    // False (the default): suspects only. True: explained and ignored candidates too. Applies only
    // while no group is chosen.
    void setShowExplained(bool show);
    bool showExplained() const { return m_showExplained; }

    // Only candidates in these groups (CandidateGroups), explained or ignored ones included whatever
    // showExplained says: choosing groups replaces the suspects-only choice, and the other filters
    // still apply. Empty (the default): no group is chosen. Groups are named by key, so the choice
    // holds when the source is given a new analysis of the snapshot (other ignore rules); a key that
    // no candidate's group has matches nothing.
    void setGroupFilter(std::vector<CandidateGroupKey> groups);
    const std::vector<CandidateGroupKey>& groupFilter() const { return m_groups; }

    // Only candidates of at least this many bytes; 0 allows all.
    void setMinimumSize(quint64 bytes);
    quint64 minimumSize() const { return m_minimumSize; }

    // The filters, one by one, for telling why nothing is listed. GroupCriterion is the choice of
    // groups, or when none is chosen the suspects-only choice of showExplained (false).
    enum Criterion : unsigned {
        TextCriterion = 1 << 0,
        TypeCriterion = 1 << 1, // the types chosen
        LibraryCriterion = 1 << 2,
        SizeCriterion = 1 << 3,
        GroupCriterion = 1 << 4,
        ObjectCriterion = 1 << 5, // the objects chosen (setObjectFilter())
    };
    // How many rows of the source the filters would let through with the criteria in lifted (a
    // combination of Criterion) not applied; 0: what rowCount() would say. Changes no filter and
    // tells no view. O(source rows), plus the text filter on rows it had not decided yet.
    int countAcceptedWithout(unsigned lifted) const;

    // QSortFilterProxyModel applies an incremental filter change (rows removed and inserted, one
    // proxy interval at a time) at O(rows) per interval: quadratic when a change scatters across a
    // big model. Sources with more rows than this limit see a filter change as one layout change
    // instead (one filter pass and one sort). Default: kDefaultIncrementalFilterLimit.
    static constexpr int kDefaultIncrementalFilterLimit = 10000;
    void setIncrementalFilterLimit(int rows) { m_incrementalLimit = rows; }
    int incrementalFilterLimit() const { return m_incrementalLimit; }

Q_SIGNALS:
    void filterValidChanged(bool valid);
    // A filter changed, whether or not that changed the rows.
    void filtersChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    enum TextMatch : std::uint8_t { UnknownMatch, Matches, DoesNotMatch };

    // The filters but the text, as set.
    struct Settings
    {
        QSet<TypeIndex> types;
        QSet<StringId> libraries;
        std::vector<CandidateGroupKey> groups;
        std::vector<ObjectIndex> objects;
        bool showExplained = false;
        quint64 minimumSize = 0;
    };
    // What settings and a text say per type, group and object of one analysis (empty: no choice).
    struct Tables
    {
        std::vector<char> typeAllowed;     // by the type and library filters
        std::vector<char> groupAllowed;    // by group of the analysis
        std::vector<char> objectAllowed;   // by object of the snapshot
        std::vector<char> typeNameMatches; // the text occurs in the type's name
    };
    Settings settings() const;
    static void computeTables(const Settings& settings, const AnalyzedSnapshot& analyzed, const TextFilter& text,
                              Tables& tables);
    // The filters as a CandidatesModel::RowSelector, for rows the source narrows (see
    // CandidatesModel::setRowSelector()): the same decisions as filterAcceptsRow(), made off the GUI thread.
    CandidatesModel::RowSelector rowSelector() const;

    template<typename Change>
    void changeFilter(Change&& change);
    void updateCaches(const CandidatesModel& candidates) const;
    void matchTextInObjectOrder(const CandidatesModel& candidates) const;
    template<bool AllObjects>
    void matchTextInItems(const CandidatesModel& candidates, std::size_t begin, std::size_t end, const TextFilter& text,
                          std::string& scratch) const;
    // Decides every row of the source at once into m_accepted, in one pass over the rows, then answers
    // for sourceRow: filterAcceptsRow()'s path when the rows or the filters changed.
    bool acceptRows(const CandidatesModel& candidates, int sourceRow) const;
    // Whether a row (its group and object) passes every filter of settings and tables but those in
    // lifted (a combination of Criterion), everyGroup meaning that no group is chosen and every group
    // passes; textMatches(type) decides a valid text in force, asked last. countAcceptedWithout()
    // and rowSelector() decide so; the filter pass itself is acceptRows(), one loop over every row.
    template<typename TextMatches>
    static bool passesFilters(const Settings& settings, const Tables& tables, bool everyGroup, const Snapshot& snapshot,
                              std::uint32_t group, ObjectIndex object, unsigned lifted, const TextFilter& text,
                              TextMatches&& textMatches);
    bool groupPasses(std::uint32_t group) const
    {
        const std::vector<char>& groupAllowed = m_tables.groupAllowed;
        if (!groupAllowed.empty()) // CandidatesModel::kNoGroup is past the end: in no chosen group
            return group < groupAllowed.size() && groupAllowed[group];
        return m_allObjects || m_showExplained || group == CandidateGroups::kSuspects;
    }

    QPointer<CandidatesModel> m_candidates;
    TextFilter m_text;
    QSet<TypeIndex> m_types;
    QSet<StringId> m_libraries;
    std::vector<CandidateGroupKey> m_groups; // sorted, no duplicates
    std::vector<ObjectIndex> m_objects;      // sorted, no duplicates
    bool m_showExplained = false;
    quint64 m_minimumSize = 0;
    int m_incrementalLimit = kDefaultIncrementalFilterLimit;

    // Per-type answers, rebuilt when a filter or the snapshot changes (types are few, rows many).
    mutable bool m_cachesValid = false;
    mutable quint64 m_cachedGeneration = 0;
    mutable Tables m_tables;
    mutable bool m_allObjects = false; // the source lists every object (CandidatesModel::ListMode)
    // No type, library, object, size or text filter: the group alone decides a row (the filter pass's
    // fast path).
    mutable bool m_groupDecides = true;
    // Per item of the source (CandidatesModel::itemAt()): whether the filter text occurs in its type
    // or repr. Filled in one pass in object order, which reads the repr blob front to back; rows of a
    // sorted model would read it in random order. Kept across changes of the other filters, and in
    // part across a text change that narrows or widens the previous text.
    mutable std::vector<std::uint8_t> m_textMatch;
    // Per row of the source: whether it passes every filter. Decided for all rows together on the first
    // filterAcceptsRow() after a filter or the rows changed (the view asks for every row then anyway),
    // in a loop that tests the filters in force and nothing else; valid while m_acceptedValid and the
    // source's rowsVersion() is m_acceptedVersion.
    enum class Accepted : std::uint8_t { No, Yes }; // not a char type: writes to it alias nothing else
    mutable std::vector<Accepted> m_accepted;
    mutable bool m_acceptedValid = false;
    mutable quint64 m_acceptedVersion = 0;
    mutable std::string m_scratch;
};

} // namespace leakscope
