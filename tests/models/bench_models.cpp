// bench_models: times the candidates model and proxy on a synthetic snapshot of a million candidates
// (mixed types, ~40-character reprs, a third of them explained), then All objects on a snapshot of a
// million objects of which a third are candidates. Not a CTest test; run it by hand:
//   bench_models [candidates] [--incremental N]
// --incremental N also times QSortFilterProxyModel's incremental filter change on N rows, to show
// why large models get a layout change instead.

#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "synthetic_snapshot.h"

#include <QtCore/QElapsedTimer>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace leakscope;
using bench::syntheticSnapshot;

namespace {

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

// Times a change back and forth between two states, kRepeats times each way; each change is followed
// by rowCount() as a view would do it (a layout change rebuilds the proxy's mapping on that call).
void timeToggle(QAbstractItemModel& shown, const std::string& a, const std::function<void()>& toA,
                const std::string& b, const std::function<void()>& toB)
{
    std::vector<double> timesA, timesB;
    int rowsA = 0, rowsB = 0;
    for (int run = 0; run < kRepeats; ++run) {
        timesA.push_back(elapsedMs([&] { toA(); rowsA = shown.rowCount(); }));
        timesB.push_back(elapsedMs([&] { toB(); rowsB = shown.rowCount(); }));
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
        typing.push_back(elapsedMs([&] { proxy.setFilterText(typed.left(n)); proxy.rowCount(); }));
    const int typedRows = proxy.rowCount();
    for (qsizetype n = typed.size() - 1; n >= 0; --n)
        erasing.push_back(elapsedMs([&] { proxy.setFilterText(typed.left(n)); proxy.rowCount(); }));
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

} // namespace

int main(int argc, char** argv)
{
    std::size_t count = 1000000;
    int incremental = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--incremental") == 0 && i + 1 < argc)
            incremental = std::atoi(argv[++i]);
        else
            count = std::strtoull(argv[i], nullptr, 10);
    }

    QElapsedTimer timer;
    timer.start();
    const SnapshotPtr snapshot = syntheticSnapshot(count);
    std::printf("synthetic snapshot: %zu objects, %zu types, %zu explained, built in %.0f ms\n",
                snapshot->objectCount(), snapshot->typeCount(), snapshot->columns().explanations.size(),
                static_cast<double>(timer.elapsed()));
    std::printf("median of %d runs each:\n", kRepeats);

    CandidatesModel model;
    CandidatesFilterProxy proxy;
    proxy.setSourceModel(&model);

    const AnalyzedSnapshotPtr analyzed = analyzeSnapshot(snapshot);
    timeToggle(
        proxy, "setSnapshot(SnapshotPtr), analysis included, + rowCount", [&] { model.setSnapshot(snapshot); },
        "setSnapshot(AnalyzedSnapshotPtr) + rowCount", [&] { model.setSnapshot(analyzed); });

    std::printf("unsorted:\n");
    timeFilterChanges(proxy);

    std::printf("sorting (suspects shown):\n");
    for (int column : {int(CandidatesModel::SizeColumn), int(CandidatesModel::TypeColumn),
                       int(CandidatesModel::LibraryColumn), int(CandidatesModel::ReprColumn),
                       int(CandidatesModel::ExplanationColumn)}) {
        const std::string name = model.headerData(column, Qt::Horizontal).toString().toStdString();
        timeToggle(
            proxy, "sort by " + name + " ascending", [&] { proxy.sort(column, Qt::AscendingOrder); },
            "sort by " + name + " descending", [&] { proxy.sort(column, Qt::DescendingOrder); });
    }

    std::printf("sorted by Size:\n");
    proxy.sort(CandidatesModel::SizeColumn);
    timeFilterChanges(proxy);
    proxy.sort(-1);

    // All objects: the same model and proxy listing every object of a heap where most are referenced.
    {
        timer.restart();
        const SnapshotPtr graph = bench::syntheticObjectGraph(count);
        const AnalyzedSnapshotPtr analyzedGraph = analyzeSnapshot(graph);
        std::printf("all objects: %zu objects, %zu candidates, %zu edges, built and analysed in %.0f ms\n",
                    graph->objectCount(), analyzedGraph->analysis().candidates().size(), graph->edgeCount(),
                    static_cast<double>(timer.elapsed()));
        CandidatesModel all;
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
