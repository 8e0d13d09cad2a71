// bench_suspects_page: what the suspects story adds to the session's analysis, and the Suspects page.
// Prints, per heap, the analysis with the dominator tree as the session's worker made it before the
// story (analysis, tree, dominated counts), the story alone (buildSuspectsStory()), the worker's call
// now (analyzeWithDominators(), story included), a new analysis with other rules reusing the tree (the
// story is built again), and on the GUI thread the page's text set and painted. Two heaps: a million
// objects in threes (a third candidates, each holding two) and a million candidates. Not a CTest test;
// run it by hand (offscreen is fine):
//   QT_QPA_PLATFORM=offscreen bench_suspects_page [objects]
#include "gui/suspects_page.h"
#include "snapshot/suspects_story.h"
#include "synthetic_snapshot.h"

#include <QtCore/QElapsedTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTextBrowser>

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
    std::vector<double> withoutStory, story, worker, rules, page;
    for (int run = 0; run < kRuns; ++run) {
        QElapsedTimer clock;
        clock.start();
        const AnalyzedSnapshotPtr plain = analyzeSnapshot(snapshot);
        const DominatorTree tree(plain->snapshot(), plain->analysis());
        const std::vector<std::uint32_t> counts = countDominated(tree);
        withoutStory.push_back(msSince(clock));
        clock.start();
        const SuspectsStory alone = buildSuspectsStory(plain->analysis(), tree);
        story.push_back(msSince(clock));
        clock.start();
        const AnalyzedSnapshotPtr analyzed = analyzeWithDominators(snapshot);
        worker.push_back(msSince(clock));
        clock.start();
        const AnalyzedSnapshotPtr again = analyzeWithDominators(std::make_shared<const IgnoreRules>(), analyzed);
        rules.push_back(msSince(clock));

        SuspectsPage view;
        view.resize(1000, 700);
        view.show();
        QCoreApplication::processEvents();
        clock.start();
        view.setAnalysis(analyzed);
        QCoreApplication::processEvents();
        view.browser()->viewport()->repaint();
        page.push_back(msSince(clock));
        if (view.groupCount() == 0 || !again->suspectsStory()) {
            std::fprintf(stderr, "bench_suspects_page: no story\n");
            std::exit(1);
        }
        if (run == kRuns - 1) {
            std::printf("%s: %zu objects (%zu counted), %zu suspects in %zu groups, %zu on the page\n", name,
                snapshot->objectCount(), counts.size(), alone.objects, alone.totalGroups, alone.groups.size());
        }
    }
    std::printf("  worker before the story (analysis, tree, counts) %.0f ms; the story alone %.0f ms; the worker "
                "now %.0f ms; other rules (tree reused, story again) %.0f ms\n",
        median(withoutStory), median(story), median(worker), median(rules));
    std::printf("  GUI thread: the page set and painted %.1f ms\n", median(page));
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
