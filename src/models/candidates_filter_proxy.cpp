#include "candidates_filter_proxy.h"

#include "model_text.h"

#include <algorithm>
#include <thread>

namespace leakscope {

CandidatesFilterProxy::CandidatesFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
}

void CandidatesFilterProxy::setSourceModel(QAbstractItemModel* sourceModel)
{
    m_candidates = qobject_cast<CandidatesModel*>(sourceModel);
    m_cachesValid = false;
    m_acceptedValid = false;
    m_textMatch.clear();
    if (m_candidates && QSortFilterProxyModel::sortColumn() >= 0)
        QSortFilterProxyModel::sort(-1); // the source sorts itself from now on
    QSortFilterProxyModel::setSourceModel(sourceModel);
    if (CandidatesModel* candidates = m_candidates.data()) {
        candidates->setRowSelector(rowSelector());
        // Rows narrowed off the GUI thread: a regular expression that hit its limit there is invalid here.
        connect(candidates, &QAbstractItemModel::modelReset, this, [this, candidates] {
            if (candidates != m_candidates.data() || !candidates->narrowedTextLimitHit() || !m_text.isValid())
                return;
            m_text.takeLimitHit(true);
            Q_EMIT filterValidChanged(false);
        });
    }
}

void CandidatesFilterProxy::sort(int column, Qt::SortOrder order)
{
    if (CandidatesModel* candidates = m_candidates.data())
        candidates->sort(column, order); // a source layout change; the proxy follows its order
    else
        QSortFilterProxyModel::sort(column, order);
}

int CandidatesFilterProxy::sortColumn() const
{
    const CandidatesModel* candidates = m_candidates.data();
    return candidates ? candidates->sortColumn() : QSortFilterProxyModel::sortColumn();
}

Qt::SortOrder CandidatesFilterProxy::sortOrder() const
{
    const CandidatesModel* candidates = m_candidates.data();
    return candidates ? candidates->sortOrder() : QSortFilterProxyModel::sortOrder();
}

template<typename Change>
void CandidatesFilterProxy::changeFilter(Change&& change)
{
    // Rows the source narrows are narrowed again by the new filters, off the GUI thread, and come in a
    // reset of the source: nothing to filter here.
    CandidatesModel* candidates = m_candidates.data();
    const bool narrowed = candidates && (candidates->isNarrowed() || candidates->isPreparingRows());
    const bool incremental = !sourceModel() || sourceModel()->rowCount() <= m_incrementalLimit;
#if QT_VERSION >= QT_VERSION_CHECK(6, 10, 0)
    if (incremental)
        beginFilterChange();
#endif
    change();
    m_cachesValid = false;
    m_acceptedValid = false;
    if (candidates)
        candidates->setRowSelector(rowSelector());
    if (narrowed) {
#if QT_VERSION >= QT_VERSION_CHECK(6, 10, 0)
        if (incremental)
            endFilterChange(QSortFilterProxyModel::Direction::Rows);
#endif
    } else if (!incremental) {
        // A layout change, not a reset: views keep their selection through persistent indexes.
        invalidate();
    } else {
#if QT_VERSION >= QT_VERSION_CHECK(6, 10, 0)
        endFilterChange(QSortFilterProxyModel::Direction::Rows);
#else
        invalidateRowsFilter();
#endif
    }
    Q_EMIT filtersChanged();
}

void CandidatesFilterProxy::setFilterText(const QString& text, bool regex)
{
    if (text == m_text.pattern() && regex == m_text.isRegex())
        return;
    const bool wasValid = m_text.isValid();
    const QString before = m_text.pattern();
    const bool plainBefore = !m_text.isRegex() && !before.isEmpty();
    changeFilter([&] {
        m_text.setPattern(text, regex);
        // Keep what the previous text decided that still holds, before any row is filtered again: a
        // longer text (containing the previous one) matches no row that one did not; a shorter one
        // (contained in it) still matches its rows.
        const bool plainNow = !regex && !text.isEmpty();
        std::uint8_t stillHolds = UnknownMatch;
        if (plainBefore && plainNow && text.contains(before, Qt::CaseInsensitive))
            stillHolds = DoesNotMatch;
        else if (plainBefore && plainNow && before.contains(text, Qt::CaseInsensitive))
            stillHolds = Matches;
        for (std::uint8_t& match : m_textMatch) {
            if (match != stillHolds)
                match = UnknownMatch;
        }
    });
    if (wasValid != m_text.isValid())
        Q_EMIT filterValidChanged(m_text.isValid());
}

void CandidatesFilterProxy::setTypeFilter(const QSet<TypeIndex>& types)
{
    if (types == m_types)
        return;
    changeFilter([&] { m_types = types; });
}

void CandidatesFilterProxy::setLibraryFilter(const QSet<StringId>& libraries)
{
    if (libraries == m_libraries)
        return;
    changeFilter([&] { m_libraries = libraries; });
}

void CandidatesFilterProxy::setObjectFilter(std::vector<ObjectIndex> objects)
{
    std::sort(objects.begin(), objects.end());
    objects.erase(std::unique(objects.begin(), objects.end()), objects.end());
    if (objects == m_objects)
        return;
    changeFilter([&] { m_objects = std::move(objects); });
}

void CandidatesFilterProxy::setShowExplained(bool show)
{
    if (show == m_showExplained)
        return;
    changeFilter([&] { m_showExplained = show; });
}

void CandidatesFilterProxy::setGroupFilter(std::vector<CandidateGroupKey> groups)
{
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    if (groups == m_groups)
        return;
    changeFilter([&] { m_groups = std::move(groups); });
}

void CandidatesFilterProxy::setMinimumSize(quint64 bytes)
{
    if (bytes == m_minimumSize)
        return;
    changeFilter([&] { m_minimumSize = bytes; });
}

CandidatesFilterProxy::Settings CandidatesFilterProxy::settings() const
{
    return {m_types, m_libraries, m_groups, m_objects, m_showExplained, m_minimumSize};
}

void CandidatesFilterProxy::computeTables(const Settings& settings, const AnalyzedSnapshot& analyzed,
                                          const TextFilter& text, Tables& tables)
{
    const Snapshot& snapshot = analyzed.snapshot();
    const std::size_t types = snapshot.typeCount();
    tables.typeAllowed.clear();
    if (!settings.types.isEmpty() || !settings.libraries.isEmpty()) {
        tables.typeAllowed.assign(types, settings.types.isEmpty() ? 1 : 0);
        for (TypeIndex t : settings.types) {
            if (t < types)
                tables.typeAllowed[t] = 1;
        }
        if (!settings.libraries.isEmpty()) {
            for (TypeIndex t = 0; t < types; ++t) {
                if (tables.typeAllowed[t] && !settings.libraries.contains(snapshot.type(t).library))
                    tables.typeAllowed[t] = 0;
            }
        }
    }
    tables.groupAllowed.clear();
    if (!settings.groups.empty()) {
        const CandidateGroups& groups = analyzed.groups();
        tables.groupAllowed.assign(groups.groups().size(), 0);
        for (const CandidateGroupKey& key : settings.groups) {
            if (const std::uint32_t g = groups.find(key); g != CandidateGroups::kNotFound)
                tables.groupAllowed[g] = 1;
        }
    }
    tables.objectAllowed.clear();
    if (!settings.objects.empty()) {
        tables.objectAllowed.assign(snapshot.objectCount(), 0);
        for (ObjectIndex object : settings.objects) {
            if (object < tables.objectAllowed.size())
                tables.objectAllowed[object] = 1;
        }
    }
    tables.typeNameMatches.assign(types, 0);
    if (!text.isEmpty() && text.isValid()) {
        for (TypeIndex t = 0; t < types; ++t)
            tables.typeNameMatches[t] = text.matches(snapshot.typeName(t));
    }
}

CandidatesModel::RowSelector CandidatesFilterProxy::rowSelector() const
{
    return [settings = settings(), pattern = m_text.pattern(), regex = m_text.isRegex()](
               const CandidatesModel::RowTables& rows) {
        TextFilter text;
        text.setPattern(pattern, regex);
        Tables tables;
        computeTables(settings, rows.analyzed, text, tables);
        const Snapshot& snapshot = rows.analyzed.snapshot();
        const bool everyGroup = rows.mode == CandidatesModel::ListMode::AllObjects || settings.showExplained;
        const std::size_t count = rows.objects.size();
        // Counts the rows that pass without lifted, setting keep when asked; on a second thread for half
        // the rows when a text is to be matched on many.
        auto pass = [&](unsigned lifted, std::vector<std::uint8_t>* keep) {
            std::size_t passed[2] = {0, 0};
            auto range = [&](int part, std::size_t begin, std::size_t end, const TextFilter& filter) {
                std::string scratch;
                for (std::size_t row = begin; row < end; ++row) {
                    const ObjectIndex object = rows.objects[row];
                    const bool ok = passesFilters(settings, tables, everyGroup, snapshot, rows.groups[row], object,
                                                  lifted, filter, [&](TypeIndex type) {
                                                      return tables.typeNameMatches[type]
                                                          || filter.matches(displayRepr(snapshot, object, scratch));
                                                  });
                    if (ok) {
                        ++passed[part];
                        if (keep)
                            (*keep)[row] = 1;
                    }
                }
            };
            constexpr std::size_t kParallelRows = 100000;
            if (!text.isEmpty() && !(lifted & TextCriterion) && count >= kParallelRows) {
                TextFilter second;
                second.setPattern(pattern, regex);
                std::thread other([&] { range(1, count / 2, count, second); });
                range(0, 0, count / 2, text);
                other.join();
                text.takeLimitHit(second);
            } else {
                range(0, 0, count, text);
            }
            return passed[0] + passed[1];
        };
        CandidatesModel::RowSelection selection;
        selection.keep.assign(count, 0);
        const std::size_t kept = pass(0, &selection.keep);
        if (kept == 0 && count > 0) {
            // Nothing passes: what each filter in force alone hides, for telling the user which to undo.
            const std::pair<unsigned, bool> criteria[] = {
                {TextCriterion, !text.isEmpty()},        {TypeCriterion, !settings.types.isEmpty()},
                {LibraryCriterion, !settings.libraries.isEmpty()}, {SizeCriterion, settings.minimumSize > 0},
                {GroupCriterion, true},                  {ObjectCriterion, !settings.objects.empty()},
            };
            for (const auto& [criterion, inForce] : criteria) {
                if (inForce)
                    selection.keptWithout.emplace_back(criterion, pass(criterion, nullptr));
            }
        }
        selection.textLimitHit = text.hitLimit();
        return selection;
    };
}

void CandidatesFilterProxy::updateCaches(const CandidatesModel& candidates) const
{
    computeTables(settings(), *candidates.analyzedSnapshot(), m_text, m_tables);
    m_allObjects = candidates.listedMode() == CandidatesModel::ListMode::AllObjects;
    m_groupDecides = m_tables.typeAllowed.empty() && m_tables.objectAllowed.empty() && !m_minimumSize && m_text.isEmpty();
    if (m_cachedGeneration != candidates.generation()) {
        m_textMatch.clear();
        m_cachedGeneration = candidates.generation();
    }
    if (!m_text.isEmpty() && m_text.isValid())
        matchTextInObjectOrder(candidates);
    m_cachesValid = true;
}

template<bool AllObjects>
void CandidatesFilterProxy::matchTextInItems(const CandidatesModel& candidates, std::size_t begin, std::size_t end,
                                             const TextFilter& text, std::string& scratch) const
{
    const AnalyzedSnapshot& analyzed = *candidates.analyzedSnapshot();
    const Snapshot& snapshot = analyzed.snapshot();
    const std::vector<ObjectIndex>& candidateObjects = analyzed.analysis().candidates();
    const CandidateGroups& groups = analyzed.groups();
    // Every object's group, in AllObjects mode: a walk along the candidates, which are in object order
    // too.
    std::size_t candidate = 0;
    if constexpr (AllObjects) {
        candidate = std::lower_bound(candidateObjects.begin(), candidateObjects.end(), static_cast<ObjectIndex>(begin))
                  - candidateObjects.begin();
    }
    for (std::size_t k = begin; k < end; ++k) {
        std::uint32_t group;
        ObjectIndex object;
        if constexpr (AllObjects) {
            object = static_cast<ObjectIndex>(k);
            const bool isCandidate = candidate < candidateObjects.size() && candidateObjects[candidate] == object;
            group = isCandidate ? groups.groupOf(candidate++) : CandidatesModel::kNoGroup;
        } else {
            object = candidateObjects[k];
            group = groups.groupOf(k);
        }
        if (m_textMatch[k] != UnknownMatch || !groupPasses(group))
            continue;
        const TypeIndex type = snapshot.typeOf(object);
        if ((!m_tables.typeAllowed.empty() && !m_tables.typeAllowed[type]) || (!m_tables.objectAllowed.empty() && !m_tables.objectAllowed[object])
            || (m_minimumSize && snapshot.size(object) < m_minimumSize))
            continue;
        const bool matches = m_tables.typeNameMatches[type] || text.matches(displayRepr(snapshot, object, scratch));
        m_textMatch[k] = matches ? Matches : DoesNotMatch;
    }
}

void CandidatesFilterProxy::matchTextInObjectOrder(const CandidatesModel& candidates) const
{
    const std::size_t items = static_cast<std::size_t>(candidates.rowCount());
    m_textMatch.resize(items, UnknownMatch);
    // Items [begin, end), only those the other filters let through.
    auto match = [&](std::size_t begin, std::size_t end, const TextFilter& text, std::string& scratch) {
        if (m_allObjects)
            matchTextInItems<true>(candidates, begin, end, text, scratch);
        else
            matchTextInItems<false>(candidates, begin, end, text, scratch);
    };
    // A row costs tens of ns, a search through its repr (a regular expression's more): on a big
    // snapshot half the rows go to a second thread, with a filter of its own (a TextFilter is not
    // thread-safe). Each thread writes only its own half of m_textMatch.
    constexpr std::size_t kParallelRows = 100000;
    if (items >= kParallelRows) {
        const std::size_t half = items / 2;
        TextFilter secondText;
        secondText.setPattern(m_text.pattern(), m_text.isRegex());
        std::string secondScratch;
        std::thread second([&] { match(half, items, secondText, secondScratch); });
        match(0, half, m_text, m_scratch);
        second.join();
        m_text.takeLimitHit(secondText); // a limit hit in either half gives up the filter
        return;
    }
    match(0, items, m_text, m_scratch);
}

template<typename TextMatches>
bool CandidatesFilterProxy::passesFilters(const Settings& settings, const Tables& tables, bool everyGroup,
                                          const Snapshot& snapshot, std::uint32_t group, ObjectIndex object,
                                          unsigned lifted, const TextFilter& text, TextMatches&& textMatches)
{
    // Cheapest tests first; the text test runs only on rows every other filter let through.
    if (!(lifted & GroupCriterion)) {
        const bool groupOk = !tables.groupAllowed.empty() // CandidatesModel::kNoGroup is past the end
                               ? group < tables.groupAllowed.size() && tables.groupAllowed[group]
                               : everyGroup || group == CandidateGroups::kSuspects;
        if (!groupOk)
            return false;
    }
    const TypeIndex type = snapshot.typeOf(object);
    if (!tables.typeAllowed.empty() && !tables.typeAllowed[type]) {
        if (!(lifted & (TypeCriterion | LibraryCriterion)))
            return false;
        // The table joins both choices: lifting one asks the other alone.
        const bool typeOk = (lifted & TypeCriterion) || settings.types.isEmpty() || settings.types.contains(type);
        const bool libraryOk = (lifted & LibraryCriterion) || settings.libraries.isEmpty()
                            || settings.libraries.contains(snapshot.type(type).library);
        if (!typeOk || !libraryOk)
            return false;
    }
    if (!(lifted & ObjectCriterion) && !tables.objectAllowed.empty() && !tables.objectAllowed[object])
        return false;
    if (!(lifted & SizeCriterion) && settings.minimumSize && snapshot.size(object) < settings.minimumSize)
        return false;
    if (text.isEmpty() || (lifted & TextCriterion))
        return true;
    return text.isValid() && textMatches(type);
}

bool CandidatesFilterProxy::acceptRows(const CandidatesModel& candidates, int sourceRow) const
{
    if (!candidates.analyzedSnapshot())
        return true;
    if (candidates.isNarrowed()) {
        // The source listed only the rows that pass (CandidatesModel::setRowSelector()): no cache, no
        // pass over the rows.
        m_accepted.assign(candidates.rowGroups().size(), Accepted::Yes);
        m_acceptedVersion = candidates.rowsVersion();
        m_acceptedValid = true;
        return true;
    }
    if (!m_cachesValid || m_cachedGeneration != candidates.generation())
        updateCaches(candidates);
    const std::span<const std::uint32_t> groups = candidates.rowGroups();
    const std::size_t rows = groups.size();
    m_accepted.resize(rows);
    Accepted* const accepted = m_accepted.data();
    // Every filter's state in a local, so the loops test only what is in force.
    const char* const groupAllowed = m_tables.groupAllowed.empty() ? nullptr : m_tables.groupAllowed.data();
    const std::size_t groupCount = m_tables.groupAllowed.size();
    const bool everyGroup = m_allObjects || m_showExplained;
    auto groupOk = [&](std::uint32_t group) {
        if (groupAllowed) // CandidatesModel::kNoGroup is past the end: in no chosen group
            return group < groupCount && groupAllowed[group];
        return everyGroup || group == CandidateGroups::kSuspects;
    };
    auto answer = [](bool yes) { return yes ? Accepted::Yes : Accepted::No; };
    if (m_groupDecides) {
        // The default filters (suspects only, or every row): the group alone, no snapshot column read.
        if (!groupAllowed && everyGroup) {
            std::fill(m_accepted.begin(), m_accepted.end(), Accepted::Yes);
        } else {
            for (std::size_t row = 0; row < rows; ++row)
                accepted[row] = answer(groupOk(groups[row]));
        }
    } else {
        const Snapshot& snapshot = candidates.analyzedSnapshot()->snapshot();
        const std::span<const ObjectIndex> objects = candidates.rowObjects();
        const std::span<const std::uint32_t> items = candidates.rowItems();
        const TypeIndex* const typeOf = snapshot.columns().type.data();
        const char* const typeAllowed = m_tables.typeAllowed.empty() ? nullptr : m_tables.typeAllowed.data();
        const char* const objectAllowed = m_tables.objectAllowed.empty() ? nullptr : m_tables.objectAllowed.data();
        const quint64 minimumSize = m_minimumSize;
        const bool text = !m_text.isEmpty();
        const bool textValid = m_text.isValid();
        for (std::size_t row = 0; row < rows; ++row) {
            bool ok = groupOk(groups[row]);
            if (ok) {
                const ObjectIndex object = objects[row];
                const TypeIndex type = typeOf[object];
                ok = (!typeAllowed || typeAllowed[type]) && (!objectAllowed || objectAllowed[object])
                  && (!minimumSize || snapshot.size(object) >= minimumSize);
                if (ok && text) {
                    // The text last, on rows every other filter let through; the object-order pass
                    // decided it for most of them. An invalid text matches nothing.
                    ok = textValid;
                    if (ok) {
                        std::uint8_t& match = m_textMatch[items[row]];
                        if (match == UnknownMatch) // a row that pass skipped
                            match = m_tables.typeNameMatches[type] || m_text.matches(displayRepr(snapshot, object, m_scratch))
                                        ? Matches
                                        : DoesNotMatch;
                        ok = match == Matches;
                    }
                }
            }
            accepted[row] = answer(ok);
        }
    }
    m_acceptedVersion = candidates.rowsVersion();
    m_acceptedValid = true;
    return m_accepted[static_cast<std::size_t>(sourceRow)] == Accepted::Yes;
}

bool CandidatesFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    // Called for every row of the source after each change: the rows were decided together on the
    // first call, the others only read the answer.
    const CandidatesModel* candidates = m_candidates.data();
    if (!candidates || sourceParent.isValid())
        return true;
    if (m_acceptedValid && m_acceptedVersion == candidates->rowsVersion()) [[likely]]
        return m_accepted[static_cast<std::size_t>(sourceRow)] == Accepted::Yes;
    return acceptRows(*candidates, sourceRow);
}

int CandidatesFilterProxy::countAcceptedWithout(unsigned lifted) const
{
    const CandidatesModel* candidates = m_candidates.data();
    if (!candidates || !candidates->analyzedSnapshot())
        return sourceModel() ? sourceModel()->rowCount() : 0;
    if (candidates->isNarrowed()) {
        // The rows were chosen off the GUI thread, which counted these when it kept none; rows it kept
        // pass every filter, so with fewer filters at least as many would.
        if (lifted == 0)
            return candidates->rowCount();
        const std::optional<std::size_t> kept = candidates->narrowedKeptWithout(lifted);
        return static_cast<int>(std::min<std::size_t>(kept.value_or(candidates->matchedRowCount()), INT_MAX));
    }
    if (!m_cachesValid || m_cachedGeneration != candidates->generation())
        updateCaches(*candidates);
    const Settings filters = settings();
    const Snapshot& snapshot = candidates->analyzedSnapshot()->snapshot();
    int accepted = 0;
    const int rows = candidates->rowCount();
    for (int row = 0; row < rows; ++row) {
        const ObjectIndex object = candidates->objectAt(row);
        accepted += passesFilters(filters, m_tables, m_allObjects || m_showExplained, snapshot, candidates->groupAt(row),
                                  object, lifted, m_text, [&](TypeIndex type) {
                                      // The object-order pass left undecided the rows another filter turned down.
                                      std::uint8_t& match = m_textMatch[candidates->itemAt(row)];
                                      if (match == UnknownMatch)
                                          match = m_tables.typeNameMatches[type]
                                                       || m_text.matches(displayRepr(snapshot, object, m_scratch))
                                                  ? Matches
                                                  : DoesNotMatch;
                                      return match == Matches;
                                  });
    }
    return accepted;
}

} // namespace leakscope
