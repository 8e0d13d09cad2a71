// bench_models: times the candidates model and proxy on a synthetic snapshot of a million candidates
// (mixed types, ~40-character reprs, a third of them explained), then All objects on a snapshot of a
// million objects of which a third are candidates. Not a CTest test; run it by hand:
//   bench_models [candidates] [--incremental N]
//   bench_models --path [objects]
// --path times instead the whole path of one heap of that many objects (see timeWholePath()):
// snapshot file, analysis, table populated, every filter kind and sort on all objects, object trees.
// --incremental N also times QSortFilterProxyModel's incremental filter change on N rows, to show
// why large models get a layout change instead.

#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/object_tree_model.h"
#include "snapshot/snapshot_file.h"
#include "synthetic_snapshot.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else // no valgrind headers: no zones
#define CALLGRIND_DUMP_STATS_AT(name) static_cast<void>(name)
#endif

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

using namespace leakscope;
using bench::syntheticSnapshot;

namespace {

// Past its background row limit a CandidatesModel prepares its rows off the GUI thread: timed here
// with every row prepared at once, the figures are that work's.
void prepareRowsAtOnce(CandidatesModel& model)
{
    model.setBackgroundRowLimit(SIZE_MAX);
}

constexpr int kRepeats = 5;


double medianOf(std::vector<double> times)
{
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double elapsedMs(const std::function<void()>& step)
{
    QElapsedTimer timer;
    timer.start();
    step();
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void report(const std::string& what, double ms, int rows)
{
    std::printf("  %-62s %8.1f ms  (%d rows shown)\n", what.c_str(), ms, rows);
}

// One phase as a callgrind zone: run under `valgrind --tool=callgrind` (collecting from the start, so
// that the threads a phase starts count too: callgrind's collection toggle is per thread), the counts
// are dumped before and after each phase, the latter under the phase's name ("Client Request: NAME" in
// the file's desc line), so a phase can be compared across builds. Outside valgrind these are a few
// no-op instructions.
std::string g_section; // prefixed to phase names: the same change in another state is another phase

double phase(const std::string& what, const std::function<void()>& step)
{
    const std::string name = g_section + what;
    CALLGRIND_DUMP_STATS_AT("between phases");
    const double ms = elapsedMs(step);
    CALLGRIND_DUMP_STATS_AT(name.c_str());
    return ms;
}

// Times a change back and forth between two states, kRepeats times each way; each change is followed
// by rowCount() as a view would do it (a layout change rebuilds the proxy's mapping on that call).
void timeToggle(QAbstractItemModel& shown, const std::string& a, const std::function<void()>& toA,
                const std::string& b, const std::function<void()>& toB)
{
    std::vector<double> timesA, timesB;
    int rowsA = 0, rowsB = 0;
    for (int run = 0; run < kRepeats; ++run) {
        timesA.push_back(phase(a, [&] { toA(); rowsA = shown.rowCount(); }));
        timesB.push_back(phase(b, [&] { toB(); rowsB = shown.rowCount(); }));
    }
    report(a, medianOf(timesA), rowsA);
    report(b, medianOf(timesB), rowsB);
}

void timeFilterChanges(CandidatesFilterProxy& proxy)
{
    auto text = [&](const char* pattern, bool regex) {
        return [&proxy, pattern, regex] { proxy.setFilterText(QString::fromUtf8(pattern), regex); };
    };
    timeToggle(proxy, "filter text \"item-4242\" (from \"widget\")", text("item-4242", false),
               "filter text \"widget\" (from \"item-4242\")", text("widget", false));
    timeToggle(proxy, "filter text \"zzz-not-there\" (from \"\")", text("zzz-not-there", false),
               "filter text \"\" (from \"zzz-not-there\")", text("", false));
    timeToggle(proxy, "filter regex \"item-42\\d\\d\\b\"", text("item-42\\d\\d\\b", true),
               "filter regex \"^widget\"", text("^widget", true));
    proxy.setFilterText(QString(), false);
    // Typing and erasing one character at a time: each text narrows or widens the one before.
    std::vector<double> typing, erasing;
    const QString typed = QStringLiteral("item-4242");
    for (qsizetype n = 1; n <= typed.size(); ++n)
        typing.push_back(phase("typing", [&] { proxy.setFilterText(typed.left(n)); proxy.rowCount(); }));
    const int typedRows = proxy.rowCount();
    for (qsizetype n = typed.size() - 1; n >= 0; --n)
        erasing.push_back(phase("erasing", [&] { proxy.setFilterText(typed.left(n)); proxy.rowCount(); }));
    auto slowest = [](const std::vector<double>& times) {
        return std::to_string(static_cast<int>(*std::max_element(times.begin(), times.end())));
    };
    report("typing \"item-4242\", per keystroke (median; max " + slowest(typing) + " ms)", medianOf(typing),
           typedRows);
    report("erasing it again, per keystroke (median; max " + slowest(erasing) + " ms)", medianOf(erasing),
           proxy.rowCount());
    timeToggle(
        proxy, "type filter {0..4}", [&] { proxy.setTypeFilter({0, 1, 2, 3, 4}); },
        "type filter {5..9}", [&] { proxy.setTypeFilter({5, 6, 7, 8, 9}); });
    proxy.setTypeFilter({});
    // The library of type 0 (builtins, libpython) against no library (classes defined in Python).
    const CandidatesModel* candidates = qobject_cast<const CandidatesModel*>(proxy.sourceModel());
    const StringId libpython = candidates->analyzedSnapshot()->snapshot().type(0).library;
    timeToggle(
        proxy, "library filter {libpython}", [&] { proxy.setLibraryFilter({libpython}); },
        "library filter {none}", [&] { proxy.setLibraryFilter({0}); });
    proxy.setLibraryFilter({});
    timeToggle(
        proxy, "showExplained on", [&] { proxy.setShowExplained(true); },
        "showExplained off", [&] { proxy.setShowExplained(false); });
    timeToggle(
        proxy, "minimum size 5000", [&] { proxy.setMinimumSize(5000); },
        "minimum size 0", [&] { proxy.setMinimumSize(0); });
}


// --path: the whole path a snapshot takes once captured, on one heap of `objects` objects
// (syntheticObjectGraph(): a third candidates, each holding one tracked and one untracked object), each
// step timed once or as the median of a few runs, in the order a user meets them: the snapshot file
// saved and loaded, the analysis, the table populated (Candidates, then All objects), every filter kind
// on all objects, a sort by every column, and nodes of the object trees expanded. Each step prints its
// wall time and the process's CPU time: on a shared machine the CPU time is the steadier figure (the
// regex filter runs on two threads, so its CPU time is the sum of both).
struct Times
{
    double wall = 0;
    double cpu = 0;
};

double processCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

Times measure(const std::function<void()>& step)
{
    const double cpuBefore = processCpuMs();
    const double wall = elapsedMs(step);
    return {wall, processCpuMs() - cpuBefore};
}

Times medianTimes(std::vector<Times> times)
{
    std::sort(times.begin(), times.end(), [](const Times& a, const Times& b) { return a.cpu < b.cpu; });
    return times[times.size() / 2];
}

void timeWholePath(std::size_t objects)
{
    constexpr int kPathRepeats = 3;
    auto median = [](const std::function<void()>& step) {
        std::vector<Times> times;
        for (int run = 0; run < kPathRepeats; ++run)
            times.push_back(measure(step));
        return medianTimes(times);
    };
    auto line = [](const std::string& what, Times t, const std::string& note = {}) {
        std::printf("  %-56s %9.1f ms %9.1f ms  %s\n", what.c_str(), t.wall, t.cpu, note.c_str());
        std::fflush(stdout);
    };
    std::printf("  %-56s %12s %12s\n", "step", "wall", "cpu");

    // Each step is timed before its line is made: the line's note reads what the step made.
    SnapshotPtr built;
    Times t = measure([&] { built = bench::syntheticObjectGraph(objects); });
    line("build the synthetic heap in memory", t,
         std::to_string(built->objectCount()) + " objects, " + std::to_string(built->edgeCount()) + " edges");

    // The snapshot file: saved as the window's Save does (zstd level 1), loaded as Open does.
    SnapshotPtr snapshot = built;
    QTemporaryDir folder;
    if (folder.isValid()) {
        const std::string file = QDir(folder.path()).filePath(QStringLiteral("bench.lssnap")).toStdString();
        t = measure([&] { saveSnapshotFile(*built, file); });
        line("saveSnapshotFile (zstd 1, fsync)", t,
             std::to_string(QFileInfo(QString::fromStdString(file)).size() >> 20) + " MiB");
        line("loadSnapshotFile", measure([&] { snapshot = loadSnapshotFile(file); }));
        built.reset(); // the loaded copy goes on, as after File > Open
    } else {
        std::printf("  (no temporary folder: snapshot file not timed)\n");
    }

    AnalyzedSnapshotPtr analyzed;
    t = measure([&] { analyzed = analyzeSnapshot(snapshot); });
    line("analyzeSnapshot (analysis, groups)", t,
         std::to_string(analyzed->analysis().candidates().size()) + " candidates");

    CandidatesModel model;
    prepareRowsAtOnce(model);
    CandidatesFilterProxy proxy;
    proxy.setSourceModel(&model);
    int rows = 0;
    t = median([&] { model.setSnapshot(analyzed); rows = proxy.rowCount(); });
    line("setSnapshot + rowCount (table populated, candidates)", t, std::to_string(rows) + " rows");
    t = measure([&] {
        model.setListMode(CandidatesModel::ListMode::AllObjects);
        rows = proxy.rowCount();
    });
    line("setListMode(AllObjects) + rowCount", t, std::to_string(rows) + " rows");
    t = median([&] { model.setSnapshot(analyzed); rows = proxy.rowCount(); });
    line("setSnapshot + rowCount (table populated, all objects)", t, std::to_string(rows) + " rows");

    // Each filter kind set and cleared again, on all objects; each change followed by rowCount().
    auto filter = [&](const std::string& what, const std::function<void()>& on, const std::function<void()>& off) {
        std::vector<Times> onTimes, offTimes;
        int shown = 0;
        for (int run = 0; run < kPathRepeats; ++run) {
            onTimes.push_back(measure([&] { on(); shown = proxy.rowCount(); }));
            offTimes.push_back(measure([&] { off(); proxy.rowCount(); }));
        }
        line("filter " + what, medianTimes(onTimes), std::to_string(shown) + " rows");
        line("  and cleared", medianTimes(offTimes), std::to_string(proxy.rowCount()) + " rows");
    };
    auto text = [&](const char* pattern, bool regex) {
        return [&proxy, pattern, regex] { proxy.setFilterText(QString::fromUtf8(pattern), regex); };
    };
    const auto clearText = text("", false);
    auto filterKinds = [&] {
        filter("text \"item-4242\"", text("item-4242", false), clearText);
        filter("text \"zzz-not-there\"", text("zzz-not-there", false), clearText);
        filter("regex \"item-42\\d\\d\\b\"", text("item-42\\d\\d\\b", true), clearText);
        filter("type {0..4}", [&] { proxy.setTypeFilter({0, 1, 2, 3, 4}); }, [&] { proxy.setTypeFilter({}); });
        const StringId libpython = snapshot->type(0).library;
        filter("library {libpython}", [&] { proxy.setLibraryFilter({libpython}); },
               [&] { proxy.setLibraryFilter({}); });
        filter("minimum size 5000", [&] { proxy.setMinimumSize(5000); }, [&] { proxy.setMinimumSize(0); });
        filter("group {suspects}", [&] { proxy.setGroupFilter({CandidateGroupKey{}}); },
               [&] { proxy.setGroupFilter({}); });
    };
    std::printf(" all objects, unsorted:\n");
    filterKinds();

    std::printf(" all objects, sorting (each direction once, the slower shown):\n");
    for (int column = 0; column < CandidatesModel::ColumnCount; ++column) {
        const std::string name = model.headerData(column, Qt::Horizontal).toString().toStdString();
        const Times descending = measure([&] { proxy.sort(column, Qt::DescendingOrder); proxy.rowCount(); });
        const Times ascending = measure([&] { proxy.sort(column, Qt::AscendingOrder); proxy.rowCount(); });
        line("sort by " + name, descending.cpu > ascending.cpu ? descending : ascending);
    }
    std::printf(" all objects, sorted by Size descending:\n");
    proxy.sort(CandidatesModel::SizeColumn, Qt::DescendingOrder);
    filterKinds();

    // The object trees of a candidate in the middle of the heap, which holds two objects, and of the
    // first of those, which that candidate holds.
    std::printf(" object trees:\n");
    const ObjectIndex root = static_cast<ObjectIndex>((objects / 6) * 3);
    ObjectTreeModel referents(ObjectTreeModel::Referents);
    ObjectTreeModel referrers(ObjectTreeModel::Referrers);
    t = median([&] { referents.setRoot(analyzed, root); referents.fetchMore(referents.index(0, 0)); });
    line("Referents: setRoot + expand the root", t,
         std::to_string(referents.rowCount(referents.index(0, 0))) + " children");
    const ObjectIndex held = *referents.objectAt(referents.index(0, 0, referents.index(0, 0)));
    t = measure([&] { referrers.setRoot(analyzed, held); referrers.fetchMore(referrers.index(0, 0)); });
    line("Referrers: setRoot + first expand (builds the ReferrerIndex)", t,
         std::to_string(referrers.rowCount(referrers.index(0, 0))) + " children");
    t = median([&] { referrers.setRoot(analyzed, held); referrers.fetchMore(referrers.index(0, 0)); });
    line("Referrers: setRoot + expand, index built", t,
         std::to_string(referrers.rowCount(referrers.index(0, 0))) + " children");
}

} // namespace

int main(int argc, char** argv)
{
    std::size_t count = 1000000;
    int incremental = 0;
    bool path = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--incremental") == 0 && i + 1 < argc)
            incremental = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--path") == 0)
            path = true;
        else
            count = std::strtoull(argv[i], nullptr, 10);
    }

    if (path) {
        std::printf("the whole path, %zu objects:\n", count);
        timeWholePath(count);
        return 0;
    }

    QElapsedTimer timer;
    timer.start();
    const SnapshotPtr snapshot = syntheticSnapshot(count);
    std::printf("synthetic snapshot: %zu objects, %zu types, %zu explained, built in %.0f ms\n",
                snapshot->objectCount(), snapshot->typeCount(), snapshot->columns().explanations.size(),
                static_cast<double>(timer.elapsed()));
    std::printf("median of %d runs each:\n", kRepeats);

    CandidatesModel model;
    prepareRowsAtOnce(model);
    CandidatesFilterProxy proxy;
    proxy.setSourceModel(&model);

    const AnalyzedSnapshotPtr analyzed = analyzeSnapshot(snapshot);
    timeToggle(
        proxy, "setSnapshot(SnapshotPtr), analysis included, + rowCount", [&] { model.setSnapshot(snapshot); },
        "setSnapshot(AnalyzedSnapshotPtr) + rowCount", [&] { model.setSnapshot(analyzed); });

    std::printf("unsorted:\n");
    g_section = "unsorted: ";
    timeFilterChanges(proxy);

    std::printf("sorting (suspects shown):\n");
    g_section = "";
    for (int column : {int(CandidatesModel::SizeColumn), int(CandidatesModel::TypeColumn),
                       int(CandidatesModel::LibraryColumn), int(CandidatesModel::ReprColumn),
                       int(CandidatesModel::ExplanationColumn)}) {
        const std::string name = model.headerData(column, Qt::Horizontal).toString().toStdString();
        timeToggle(
            proxy, "sort by " + name + " ascending", [&] { proxy.sort(column, Qt::AscendingOrder); },
            "sort by " + name + " descending", [&] { proxy.sort(column, Qt::DescendingOrder); });
    }

    std::printf("sorted by Size:\n");
    g_section = "sorted by Size: ";
    proxy.sort(CandidatesModel::SizeColumn);
    timeFilterChanges(proxy);
    proxy.sort(-1);
    g_section = "all objects: ";
    // BENCH_FIRST_PART_ONLY=1 stops here: the phases a build without All objects has too.
    if (const char* only = std::getenv("BENCH_FIRST_PART_ONLY"); only && std::strcmp(only, "1") == 0)
        return 0;

    // All objects: the same model and proxy listing every object of a heap where most are referenced.
    {
        timer.restart();
        const SnapshotPtr graph = bench::syntheticObjectGraph(count);
        const AnalyzedSnapshotPtr analyzedGraph = analyzeSnapshot(graph);
        std::printf("all objects: %zu objects, %zu candidates, %zu edges, built and analysed in %.0f ms\n",
                    graph->objectCount(), analyzedGraph->analysis().candidates().size(), graph->edgeCount(),
                    static_cast<double>(timer.elapsed()));
        CandidatesModel all;
        prepareRowsAtOnce(all);
        CandidatesFilterProxy allShown;
        allShown.setSourceModel(&all);
        all.setSnapshot(analyzedGraph);
        timeToggle(
            allShown, "setListMode(AllObjects) + rowCount",
            [&] { all.setListMode(CandidatesModel::ListMode::AllObjects); }, "setListMode(Candidates) + rowCount",
            [&] { all.setListMode(CandidatesModel::ListMode::Candidates); });
        all.setSnapshot(AnalyzedSnapshotPtr());
        all.setListMode(CandidatesModel::ListMode::AllObjects);
        timeToggle(
            allShown, "setSnapshot(AnalyzedSnapshotPtr), all objects, + rowCount",
            [&] { all.setSnapshot(analyzedGraph); }, "setSnapshot(nullptr)",
            [&] { all.setSnapshot(AnalyzedSnapshotPtr()); });
        all.sort(CandidatesModel::SizeColumn, Qt::DescendingOrder);
        timeToggle(
            allShown, "setSnapshot(AnalyzedSnapshotPtr), all objects sorted by Size, + rowCount",
            [&] { all.setSnapshot(analyzedGraph); }, "setSnapshot(nullptr)",
            [&] { all.setSnapshot(AnalyzedSnapshotPtr()); });
        all.setSnapshot(analyzedGraph);
        all.sort(-1);
        std::printf("all objects, sorting:\n");
        for (int column : {int(CandidatesModel::SurplusColumn), int(CandidatesModel::SizeColumn),
                           int(CandidatesModel::RefcountColumn), int(CandidatesModel::ReferrersColumn),
                           int(CandidatesModel::TypeColumn), int(CandidatesModel::ExplanationColumn),
                           int(CandidatesModel::ReprColumn)}) {
            const std::string name = all.headerData(column, Qt::Horizontal).toString().toStdString();
            timeToggle(
                allShown, "sort by " + name + " descending", [&] { allShown.sort(column, Qt::DescendingOrder); },
                "sort by " + name + " ascending", [&] { allShown.sort(column, Qt::AscendingOrder); });
        }
        allShown.sort(CandidatesModel::SurplusColumn, Qt::DescendingOrder);
        std::printf("all objects, sorted by Surplus (top: %s, surplus %s):\n",
                    allShown.index(0, CandidatesModel::TypeColumn).data().toString().toStdString().c_str(),
                    allShown.index(0, CandidatesModel::SurplusColumn).data().toString().toStdString().c_str());
        timeFilterChanges(allShown);
        const auto groupKey = CandidateGroupKey{};
        timeToggle(
            allShown, "group filter {suspects}", [&] { allShown.setGroupFilter({groupKey}); }, "group filter {}",
            [&] { allShown.setGroupFilter({}); });
    }

    if (incremental > 0) {
        std::printf("%d candidates, filter change as rows removed and inserted vs as a layout change:\n",
                    incremental);
        model.setSnapshot(syntheticSnapshot(static_cast<std::size_t>(incremental)));
        for (int limit : {INT_MAX, 0}) {
            proxy.setIncrementalFilterLimit(limit);
            const std::string how = limit ? "incremental: " : "layout change: ";
            timeToggle(
                proxy, how + "filter text \"widget\"", [&] { proxy.setFilterText(QStringLiteral("widget")); },
                how + "filter text \"\"", [&] { proxy.setFilterText(QString()); });
            timeToggle(
                proxy, how + "minimum size 5000 (every other row, scattered)", [&] { proxy.setMinimumSize(5000); },
                how + "minimum size 0", [&] { proxy.setMinimumSize(0); });
        }
    }
    return 0;
}
