#include "growth.h"

#include "findings.h"
#include "report.h"
#include "text.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace leakscope {

// What add() carries from one round to the next besides the rows themselves: the rows are the state
// (a type, a type's new suspects or an object that missed one round can never come back, so the rows
// of the last round are exactly what is still in the running).
struct GrowthAnalysis::State
{
    std::size_t snapshots = 0;
};

namespace {

// Whether a new suspect of round k counts as an object leaked in that round (docs/growth.md): it
// became an orphan in between and stayed alive, either allocated in between (absent: the leaked object
// of a C extension) or having lost its last referrer in between (referenced: a container freed or
// emptied while a leaked reference kept the object). Objects that were orphans already, unseen
// (untracked) or explained or ignored, are older than the round.
bool leakedInRound(PriorState before)
{
    return before == PriorState::Absent || before == PriorState::Referenced;
}

void updateTypes(std::vector<GrowingTypeRow>& rows, const SnapshotDiff& diff, bool firstRound)
{
    if (firstRound) {
        for (const TypeDeltaRow& row : diff.types()) {
            if (row.countB > row.countA)
                rows.push_back({std::string(diff.typeName(row)), {row.countA, row.countB}, {row.bytesA, row.bytesB}});
        }
    } else if (!rows.empty()) {
        std::unordered_map<std::string_view, const TypeDeltaRow*> byName;
        byName.reserve(diff.types().size());
        for (const TypeDeltaRow& row : diff.types())
            byName.emplace(diff.typeName(row), &row);
        std::erase_if(rows, [&](GrowingTypeRow& growing) {
            const auto it = byName.find(growing.typeName);
            if (it == byName.end() || it->second->countB <= growing.counts.back())
                return true;
            growing.counts.push_back(it->second->countB);
            growing.bytes.push_back(it->second->bytesB);
            return false;
        });
    }
    std::sort(rows.begin(), rows.end(), [](const GrowingTypeRow& x, const GrowingTypeRow& y) {
        const std::uint64_t totalX = x.counts.back() - x.counts.front(), totalY = y.counts.back() - y.counts.front();
        if (totalX != totalY)
            return totalX > totalY;
        return x.typeName < y.typeName;
    });
}

void updateLeaked(std::vector<LeakedObjectsRow>& rows, const SnapshotDiff& diff, bool firstRound)
{
    if (!firstRound && rows.empty())
        return;
    const Snapshot& b = diff.b().snapshot();
    // This round's leaked objects by type name, then by address: a run per name.
    std::vector<ObjectIndex> leaked;
    for (const NewSuspectRow& row : diff.newSuspects()) {
        if (leakedInRound(row.before))
            leaked.push_back(row.b);
    }
    std::sort(leaked.begin(), leaked.end(), [&](ObjectIndex x, ObjectIndex y) {
        const std::string_view nameX = b.typeNameOf(x), nameY = b.typeNameOf(y);
        if (nameX != nameY)
            return nameX < nameY;
        return b.address(x) < b.address(y);
    });
    struct Run
    {
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    std::unordered_map<std::string_view, Run> runs;
    for (std::size_t k = 0; k < leaked.size();) {
        std::size_t end = k + 1;
        while (end < leaked.size() && b.typeNameOf(leaked[end]) == b.typeNameOf(leaked[k]))
            ++end;
        runs.emplace(b.typeNameOf(leaked[k]), Run{k, end});
        k = end;
    }
    auto objectsOf = [&](const Run& run) {
        return std::vector<ObjectIndex>(leaked.begin() + static_cast<std::ptrdiff_t>(run.begin),
                                        leaked.begin() + static_cast<std::ptrdiff_t>(run.end));
    };

    if (firstRound) {
        for (const auto& [name, run] : runs)
            rows.push_back({std::string(name), {run.end - run.begin}, objectsOf(run)});
    } else {
        std::erase_if(rows, [&](LeakedObjectsRow& row) {
            const auto it = runs.find(row.typeName);
            if (it == runs.end())
                return true;
            row.perRound.push_back(it->second.end - it->second.begin);
            row.objects = objectsOf(it->second);
            return false;
        });
    }
    std::sort(rows.begin(), rows.end(), [](const LeakedObjectsRow& x, const LeakedObjectsRow& y) {
        if (x.perRound.back() != y.perRound.back())
            return x.perRound.back() > y.perRound.back();
        return x.typeName < y.typeName;
    });
}

std::int64_t totalGrowth(const SurplusSeriesRow& row)
{
    return std::accumulate(row.growth.begin(), row.growth.end(), std::int64_t{0});
}

void updateSurplus(std::vector<SurplusSeriesRow>& rows, const SnapshotDiff& diff, bool firstRound)
{
    const HeapAnalysis& a = diff.a();
    const HeapAnalysis& b = diff.b();
    if (firstRound) {
        rows.reserve(diff.surplusGrowth().size());
        for (const SurplusGrowthRow& row : diff.surplusGrowth())
            rows.push_back({row.b, {row.growth}, {a.surplus(row.a), b.surplus(row.b)}});
    } else if (!rows.empty()) {
        // The chains end at objects of A; this round's rows by their object in A, to find them.
        std::vector<const SurplusGrowthRow*> byA;
        byA.reserve(diff.surplusGrowth().size());
        for (const SurplusGrowthRow& row : diff.surplusGrowth())
            byA.push_back(&row);
        std::sort(byA.begin(), byA.end(), [](const SurplusGrowthRow* x, const SurplusGrowthRow* y) { return x->a < y->a; });
        std::erase_if(rows, [&](SurplusSeriesRow& chain) {
            const auto it = std::lower_bound(byA.begin(), byA.end(), chain.object,
                                             [](const SurplusGrowthRow* row, ObjectIndex a) { return row->a < a; });
            if (it == byA.end() || (*it)->a != chain.object)
                return true;
            chain.object = (*it)->b;
            chain.growth.push_back((*it)->growth);
            chain.surplus.push_back(b.surplus((*it)->b));
            return false;
        });
    }
    const Snapshot& s = b.snapshot();
    std::sort(rows.begin(), rows.end(), [&](const SurplusSeriesRow& x, const SurplusSeriesRow& y) {
        const std::int64_t totalX = totalGrowth(x), totalY = totalGrowth(y);
        if (totalX != totalY)
            return totalX > totalY;
        return s.address(x.object) < s.address(y.object);
    });
}

} // namespace

std::vector<std::int64_t> GrowingTypeRow::increases() const
{
    std::vector<std::int64_t> out;
    for (std::size_t k = 1; k < counts.size(); ++k)
        out.push_back(static_cast<std::int64_t>(counts[k]) - static_cast<std::int64_t>(counts[k - 1]));
    return out;
}

void GrowthAnalysis::add(std::shared_ptr<const HeapAnalysis> analysis)
{
    if (!analysis)
        throw std::invalid_argument("GrowthAnalysis::add: no analysis");
    // Copies of an analysis share their state until one of them goes on.
    if (!m_state)
        m_state = std::make_shared<State>();
    else if (m_state.use_count() > 1)
        m_state = std::make_shared<State>(*m_state);

    if (m_last) {
        const bool firstRound = m_state->snapshots == 1;
        // Once a measured round has left no row, no row can come back (each must grow in every
        // round): the diff is not worth computing.
        if (firstRound || !m_growingTypes.empty() || !m_leakedObjects.empty() || !m_surplusGrowth.empty()) {
            const SnapshotDiff diff(*m_last, *analysis);
            // Updated on copies so that an exception (out of memory) leaves the analysis as it was.
            std::vector<GrowingTypeRow> types = m_growingTypes;
            std::vector<LeakedObjectsRow> leaked = m_leakedObjects;
            std::vector<SurplusSeriesRow> surplus = m_surplusGrowth;
            updateTypes(types, diff, firstRound);
            updateLeaked(leaked, diff, firstRound);
            updateSurplus(surplus, diff, firstRound);
            m_growingTypes = std::move(types);
            m_leakedObjects = std::move(leaked);
            m_surplusGrowth = std::move(surplus);
        }
    }
    ++m_state->snapshots;
    m_previous = std::move(m_last);
    m_last = std::move(analysis);
}

std::size_t GrowthAnalysis::rounds() const
{
    return m_state && m_state->snapshots > 1 ? m_state->snapshots - 1 : 0;
}

namespace {

// Text from untrusted snapshots for a line of a terminal: control characters replaced, elided.
std::string plain(std::string_view text, std::size_t maxCodePoints)
{
    return tableCell(text, std::min(utf8Length(text), maxCodePoints));
}

template<typename Integer>
std::string perRoundText(const std::vector<Integer>& values)
{
    std::string out;
    for (const Integer value : values) {
        out += out.empty() ? "+" : " +";
        out += std::to_string(value);
    }
    return out + " per round";
}

std::string plural(std::size_t count, std::string_view one, std::string_view many)
{
    return std::to_string(count) + ' ' + std::string(count == 1 ? one : many);
}

// "PyDict_Type in libpython3.11.so.1.0 (Objects/dictobject.c:4016)", as much as the snapshot knows;
// empty when it knows nothing.
std::string originText(const Snapshot& s, ObjectIndex i)
{
    const TypeRecord& type = s.type(s.typeOf(i));
    std::string out = plain(s.string(type.symbol), 80);
    if (const std::string_view library = s.string(type.library); !library.empty())
        out += (out.empty() ? "" : " in ") + plain(libraryBaseName(library), 80);
    if (const std::string_view source = s.string(type.source); !source.empty())
        out += (out.empty() ? "(" : " (") + plain(source, 120) + ')';
    return out;
}

// "script.py:12 in work", the innermost frame tracemalloc recorded; empty when none was.
std::string siteText(const Snapshot& s, ObjectIndex i)
{
    const std::span<const AllocationFrame> frames = s.allocationSite(i);
    if (frames.empty())
        return {};
    std::string out = plain(s.string(frames[0].file), 160) + ':' + std::to_string(frames[0].line);
    if (frames[0].function != 0)
        out += " in " + plain(s.string(frames[0].function), 80);
    return out;
}

std::size_t shownRows(std::size_t total, std::size_t limit)
{
    return limit ? std::min(total, limit) : total;
}

std::string moreLine(std::size_t shown, std::size_t total)
{
    return shown < total ? "  … " + plural(total - shown, "more row", "more rows") + '\n' : std::string();
}

std::string verdict(const GrowthAnalysis& growth)
{
    const std::size_t rounds = growth.rounds();
    if (rounds == 0)
        return "no round measured: a growth analysis needs two snapshots or more";
    const std::string over = " over " + plural(rounds, "round", "rounds");
    if (growth.leaks())
        return "leaks: " + plural(growth.leakedObjects().size() + growth.surplusGrowth().size(), "finding", "findings")
            + over;
    if (!growth.growingTypes().empty()) {
        return "no leak" + over + ": " + plural(growth.growingTypes().size(), "type grows", "types grow")
            + " in every round, with no new suspects";
    }
    return "no growth in every round" + over;
}

void appendNumbers(std::string& out, const char* key, const auto& values)
{
    out += '"';
    out += key;
    out += "\": [";
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (k)
            out += ", ";
        out += std::to_string(values[k]);
    }
    out += ']';
}

} // namespace

std::string growthText(const GrowthAnalysis& growth, const GrowthReportOptions& options)
{
    std::string out;
    if (!options.title.empty())
        out += plain(options.title, 120) + ": ";
    out += verdict(growth) + '\n';
    const HeapAnalysis* last = growth.last();
    if (!last)
        return out;
    const Snapshot& s = last->snapshot();

    if (const auto& rows = growth.leakedObjects(); !rows.empty()) {
        out += "\nLeaked objects (new suspects in every round):\n";
        const std::size_t shown = shownRows(rows.size(), options.limit);
        for (std::size_t r = 0; r < shown; ++r) {
            const LeakedObjectsRow& row = rows[r];
            out += "  " + plain(row.typeName, 80) + ": " + perRoundText(row.perRound) + '\n';
            const std::size_t objects = std::min(row.objects.size(), options.objectsPerRow);
            for (std::size_t k = 0; k < objects; ++k) {
                const ObjectIndex i = row.objects[k];
                out += "    " + formatAddress(s.address(i)) + "  " + plain(s.repr(i), 80) + '\n';
                const std::string origin = originText(s, i), site = siteText(s, i);
                if (!origin.empty())
                    out += "      type from " + origin + '\n';
                if (!site.empty())
                    out += "      allocated at " + site + '\n';
            }
            if (objects < row.objects.size())
                out += "    … " + plural(row.objects.size() - objects, "more object", "more objects") + '\n';
        }
        out += moreLine(shown, rows.size());
    }
    if (const auto& rows = growth.surplusGrowth(); !rows.empty()) {
        out += "\nObjects whose references grow (surplus):\n";
        const std::size_t shown = shownRows(rows.size(), options.limit);
        for (std::size_t r = 0; r < shown; ++r) {
            const SurplusSeriesRow& row = rows[r];
            out += "  " + plain(s.typeNameOf(row.object), 80) + ' ' + formatAddress(s.address(row.object)) + ": "
                + perRoundText(row.growth) + " (surplus " + std::to_string(row.surplus.front()) + " → "
                + std::to_string(row.surplus.back()) + ")  " + plain(s.repr(row.object), 80) + '\n';
            if (const std::string site = siteText(s, row.object); !site.empty())
                out += "      allocated at " + site + '\n';
        }
        out += moreLine(shown, rows.size());
    }
    if (const auto& rows = growth.growingTypes(); !rows.empty()) {
        out += "\nTypes growing every round:\n";
        const std::size_t shown = shownRows(rows.size(), options.limit);
        for (std::size_t r = 0; r < shown; ++r) {
            const GrowingTypeRow& row = rows[r];
            out += "  " + plain(row.typeName, 80) + ": " + perRoundText(row.increases()) + " ("
                + std::to_string(row.counts.front()) + " → " + std::to_string(row.counts.back()) + " objects, "
                + std::to_string(row.bytes.front()) + " → " + std::to_string(row.bytes.back()) + " bytes)\n";
        }
        out += moreLine(shown, rows.size());
    }
    return out;
}

std::string growthJson(const GrowthAnalysis& growth, const GrowthReportOptions& options)
{
    std::string out = "{\"format\": \"leakscope-growth\", \"version\": " + std::to_string(kGrowthReportVersion)
        + ", \"title\": ";
    appendJsonString(out, options.title);
    out += ", \"rounds\": " + std::to_string(growth.rounds());
    out += growth.leaks() ? ", \"leaks\": true" : ", \"leaks\": false";
    out += ",\n \"totals\": {\"growing_types\": " + std::to_string(growth.growingTypes().size())
        + ", \"leaked_objects\": " + std::to_string(growth.leakedObjects().size())
        + ", \"surplus_growth\": " + std::to_string(growth.surplusGrowth().size()) + '}';
    const HeapAnalysis* last = growth.last();
    out += ",\n \"last_snapshot\": ";
    if (last) {
        const SnapshotInfo& info = last->snapshot().info();
        out += "{\"label\": ";
        appendJsonString(out, info.label);
        out += ", \"python\": ";
        appendJsonString(out, info.pythonVersion);
        out += ", \"pid\": " + std::to_string(info.pid) + ", ";
        appendJsonHeapCounts(out, *last);
        out += '}';
    } else {
        out += "null";
    }

    out += ",\n \"leaked_objects\": [";
    const auto& leaked = growth.leakedObjects();
    for (std::size_t r = 0; r < shownRows(leaked.size(), options.limit); ++r) {
        const LeakedObjectsRow& row = leaked[r];
        out += r ? ",\n  {\"type\": " : "\n  {\"type\": ";
        appendJsonString(out, row.typeName);
        out += ", ";
        appendNumbers(out, "per_round", row.perRound);
        out += ", \"objects\": [";
        const std::size_t objects = std::min(row.objects.size(), options.objectsPerRow);
        for (std::size_t k = 0; k < objects; ++k) {
            out += k ? ",\n    {" : "\n    {";
            appendJsonCandidateFields(out, *last, row.objects[k]);
            out += '}';
        }
        out += "]}";
    }
    out += "],\n \"surplus_growth\": [";
    const auto& surplus = growth.surplusGrowth();
    for (std::size_t r = 0; r < shownRows(surplus.size(), options.limit); ++r) {
        const SurplusSeriesRow& row = surplus[r];
        out += r ? ",\n  {" : "\n  {";
        appendNumbers(out, "growth", row.growth);
        out += ", ";
        appendNumbers(out, "surplus", row.surplus);
        out += ",\n   \"object\": {";
        appendJsonCandidateFields(out, *last, row.object);
        out += "}}";
    }
    out += "],\n \"growing_types\": [";
    const auto& types = growth.growingTypes();
    for (std::size_t r = 0; r < shownRows(types.size(), options.limit); ++r) {
        const GrowingTypeRow& row = types[r];
        out += r ? ",\n  {\"type\": " : "\n  {\"type\": ";
        appendJsonString(out, row.typeName);
        out += ", ";
        appendNumbers(out, "counts", row.counts);
        out += ", ";
        appendNumbers(out, "bytes", row.bytes);
        out += ", ";
        appendNumbers(out, "increases", row.increases());
        out += '}';
    }
    out += "]}\n";
    return out;
}

} // namespace leakscope
