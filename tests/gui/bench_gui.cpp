// bench_gui: the main window with a million candidates, as a user meets them. Prints how long from
// the target's "snapshot ready" to a populated table, a filter change and a sort take, each with
// the views updated; then the same with All objects, and switching it on and off. Not a CTest test;
// run it by hand (offscreen is fine):
//   QT_QPA_PLATFORM=offscreen bench_gui [candidates]
#include "gui/candidates_view.h"
#include "gui/filter_bar.h"
#include "gui/main_window.h"
#include "models/candidates_model.h"
#include "session/session.h"
#include "synthetic_snapshot.h"
#include "support/fake_target.h"

#include <QtCore/QElapsedTimer>
#include <QtGui/QAction>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTableView>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace leakscope;

namespace {

// Milliseconds until done() holds, processing events meanwhile; -1 after 60 s.
template<typename F>
double waitFor(QElapsedTimer& clock, F&& done)
{
    while (!done()) {
        if (clock.elapsed() > 60000)
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return clock.nsecsElapsed() / 1e6;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const SnapshotPtr snapshot = bench::syntheticSnapshot(count);

    MainWindow window;
    auto* candidates = window.findChild<QTableView*>(QStringLiteral("candidatesView"));
    auto* filterBar = window.findChild<FilterBar*>(QStringLiteral("filterBar"));
    if (!candidates || !filterBar) {
        std::fprintf(stderr, "bench_gui: the window has no candidatesView or filterBar\n");
        return 1;
    }
    FakeTarget* fake = nullptr;
    window.session()->setTargetFactory([&](const RunRequest&) -> std::unique_ptr<Target> {
        auto target = std::make_unique<FakeTarget>();
        target->setSnapshotSource([snapshot](const QString&) { return snapshot; });
        fake = target.get();
        return target;
    });
    window.resize(1400, 860);
    window.show();
    RunRequest request;
    request.script = QStringLiteral("bench.py");
    window.runScript(request);
    QElapsedTimer clock;
    clock.start();
    waitFor(clock, [&] { return fake && fake->state() == Target::State::Running; });

    // The script ends; the window asks for a snapshot and shows it.
    QElapsedTimer sinceReady;
    QObject::connect(fake, &Target::snapshotReady, [&] { sinceReady.start(); });
    fake->finishScript(0);
    QAbstractItemModel* table = candidates->model();
    // Past 250,000 rows the model lists, filters and sorts off the GUI thread: each figure waits for
    // the rows to be listed (CandidatesModel::isPreparingRows()).
    auto* view = qobject_cast<CandidatesView*>(candidates);
    auto rowsReady = [view] { return !view || !view->candidates()->isPreparingRows(); };
    clock.start();
    waitFor(clock, [&] { return table->rowCount() > 0; });
    QCoreApplication::processEvents();
    const double populated = sinceReady.nsecsElapsed() / 1e6;

    std::vector<double> filter, sort;
    for (int run = 0; run < 5; ++run) {
        for (bool show : {true, false}) {
            clock.start();
            filterBar->setShowExplained(show);
            QCoreApplication::processEvents();
            waitFor(clock, rowsReady);
            candidates->viewport()->repaint();
            filter.push_back(clock.nsecsElapsed() / 1e6);
        }
        for (int column : {int(CandidatesModel::TypeColumn), int(CandidatesModel::SizeColumn)}) {
            clock.start();
            candidates->sortByColumn(column, run % 2 ? Qt::AscendingOrder : Qt::DescendingOrder);
            QCoreApplication::processEvents();
            waitFor(clock, rowsReady);
            candidates->viewport()->repaint();
            sort.push_back(clock.nsecsElapsed() / 1e6);
        }
    }
    std::printf("%zu candidates (%d shown): snapshot ready to populated table %.0f ms; filter change "
                "(show explained on/off) median %.0f ms; sort by Type or Size median %.0f ms\n",
                count, table->rowCount(), populated, median(filter), median(sort));

    // All objects, switched on and off from the filter bar, then filtered and sorted by Surplus.
    std::vector<double> modeSwitch, allFilter, allSort;
    candidates->sortByColumn(CandidatesModel::SizeColumn, Qt::DescendingOrder);
    for (int run = 0; run < 5; ++run) {
        for (bool all : {true, false}) {
            clock.start();
            filterBar->allObjectsAction()->setChecked(all);
            QCoreApplication::processEvents();
            waitFor(clock, rowsReady);
            candidates->viewport()->repaint();
            modeSwitch.push_back(clock.nsecsElapsed() / 1e6);
        }
    }
    filterBar->allObjectsAction()->setChecked(true);
    QCoreApplication::processEvents();
    waitFor(clock, rowsReady);
    const int allRows = table->rowCount();
    for (int run = 0; run < 5; ++run) {
        for (qint64 bytes : {qint64(5000), qint64(0)}) {
            clock.start();
            filterBar->setMinimumSize(bytes);
            QCoreApplication::processEvents();
            waitFor(clock, rowsReady);
            candidates->viewport()->repaint();
            allFilter.push_back(clock.nsecsElapsed() / 1e6);
        }
        clock.start();
        candidates->sortByColumn(CandidatesModel::SurplusColumn, run % 2 ? Qt::AscendingOrder : Qt::DescendingOrder);
        QCoreApplication::processEvents();
        waitFor(clock, rowsReady);
        candidates->viewport()->repaint();
        allSort.push_back(clock.nsecsElapsed() / 1e6);
    }
    std::printf("all objects (%d shown): switching All objects on/off median %.0f ms; filter change (min size "
                "5000/0) median %.0f ms; sort by Surplus median %.0f ms\n",
                allRows, median(modeSwitch), median(allFilter), median(allSort));
    return 0;
}
