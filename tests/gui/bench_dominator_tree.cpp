// bench_dominator_tree: the Dominator Tree page on a million objects. Prints, per heap, how long the
// analysis takes alone and with the dominator tree (the session's worker does both), the tree alone,
// and, on the GUI thread, how long the page takes from the analysis to its top level painted, to
// expand the biggest node, and to sort ascending and back. Two heaps: a million objects in threes
// (syntheticObjectGraph: a third candidates, each holding two) and a million candidates (every one a
// top-level row). Not a CTest test; run it by hand (offscreen is fine):
//   QT_QPA_PLATFORM=offscreen bench_dominator_tree [objects]
#include "gui/dominator_tree_view.h"
#include "models/dominator_tree_model.h"
#include "synthetic_snapshot.h"

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTreeView>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace leakscope;

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double msSince(const QElapsedTimer& clock)
{
    return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

void measure(const char* name, const SnapshotPtr& snapshot)
{
    constexpr int kRuns = 3;
    std::vector<double> analysis, withTree, treeAlone, modelOnly, shown, expand, sortBoth;
    for (int run = 0; run < kRuns; ++run) {
        QElapsedTimer clock;
        clock.start();
        const AnalyzedSnapshotPtr plain = analyzeSnapshot(snapshot);
        analysis.push_back(msSince(clock));
        clock.start();
        const DominatorTree tree(plain->snapshot(), plain->analysis());
        treeAlone.push_back(msSince(clock));
        clock.start();
        const AnalyzedSnapshotPtr analyzed = analyzeWithDominators(snapshot);
        withTree.push_back(msSince(clock));

        {
            DominatorTreeModel model; // without a view: the dominated counts and the first batch
            clock.start();
            model.setSnapshot(analyzed);
            modelOnly.push_back(msSince(clock));
        }
        DominatorTreeView view;
        view.resize(1000, 700);
        view.show();
        QCoreApplication::processEvents();
        clock.start();
        view.setAnalysis(analyzed);
        QCoreApplication::processEvents();
        view.tree()->viewport()->repaint();
        shown.push_back(msSince(clock));
        if (view.model()->rowCount() == 0) {
            std::fprintf(stderr, "bench_dominator_tree: no top level shown\n");
            std::exit(1);
        }
        clock.start();
        view.tree()->expand(view.model()->index(0, 0));
        QCoreApplication::processEvents();
        view.tree()->viewport()->repaint();
        expand.push_back(msSince(clock));
        clock.start();
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            view.tree()->sortByColumn(DominatorTreeModel::RetainedColumn, order);
            QCoreApplication::processEvents();
            view.tree()->viewport()->repaint();
        }
        sortBoth.push_back(msSince(clock) / 2);
        if (run == kRuns - 1) {
            std::printf("%s: %zu objects, %zu top-level rows, %zu unreached; tree keeps %.1f MB\n", name,
                analyzed->snapshot().objectCount(), analyzed->dominators()->rootChildren().size(),
                analyzed->dominators()->unreachedCount(),
                static_cast<double>(analyzed->dominators()->memoryBytes()) / 1e6);
        }
    }
    std::printf("  analysis %.0f ms; the tree alone %.0f ms; analysis with the tree %.0f ms (the session's "
                "worker)\n",
        median(analysis), median(treeAlone), median(withTree));
    std::printf("  GUI thread: the model alone %.1f ms; analysis to top level painted %.1f ms; expand the biggest "
                "%.1f ms; sort by Retained (either way) %.1f ms\n",
        median(modelOnly), median(shown), median(expand), median(sortBoth));
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    measure("object graph", bench::syntheticObjectGraph(count));
    measure("candidates", bench::syntheticSnapshot(count));
    return 0;
}
