// bench_exports: the window's exports on a million candidates. For each of Export Report… (HTML, JSON,
// CSV) and Export Table as CSV… of the candidates table, prints the time from the action to the file
// written, the longest the GUI thread went without handling events meanwhile (what the user feels),
// and the file's size. Not a CTest test; run it by hand (offscreen is fine):
//   QT_QPA_PLATFORM=offscreen bench_exports [candidates]
#include "gui/filter_bar.h"
#include "gui/main_window.h"
#include "session/session.h"
#include "synthetic_snapshot.h"
#include "support/fake_target.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtGui/QAction>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTableView>

#include <cstdio>

using namespace leakscope;

namespace {

template <typename F> bool waitFor(F&& done, int timeoutMs = 300000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// Triggers action, answers its file dialog with path, and prints how long until exportFinished().
void timeExport(MainWindow& window, QAction* action, const QString& path, const char* what)
{
    QElapsedTimer clock;
    qint64 longestGap = 0;
    qint64 last = 0;
    QTimer ticks; // the gaps between its ticks are the GUI thread's busy stretches
    ticks.setInterval(5);
    QObject::connect(&ticks, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        longestGap = std::max(longestGap, now - last);
        last = now;
    });
    QTimer::singleShot(0, [&] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))->setText(path);
        clock.start(); // from the user's "Save"
        ticks.start();
        dialog->QDialog::accept();
    });
    bool done = false;
    QString error;
    const QMetaObject::Connection connection
        = QObject::connect(&window, &MainWindow::exportFinished, [&](const QString&, const QString& message) {
              done = true;
              error = message;
          });
    action->trigger();
    if (!waitFor([&] { return done; })) {
        std::printf("%-28s did not finish\n", what);
        return;
    }
    const double seconds = clock.elapsed() / 1000.0;
    QObject::disconnect(connection);
    if (!error.isEmpty()) {
        std::printf("%-28s failed: %s\n", what, qPrintable(error));
        return;
    }
    std::printf("%-28s %7.2f s, GUI thread busy at most %5lld ms at a stretch, %6.1f MB\n", what, seconds,
        static_cast<long long>(longestGap), QFileInfo(path).size() / 1e6);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("LeakScopeBenchExports"));
    const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const SnapshotPtr snapshot = bench::syntheticSnapshot(count);
    QTemporaryDir dir;

    MainWindow window;
    FakeTarget* fake = nullptr;
    window.session()->setTargetFactory([&](const RunRequest&) -> std::unique_ptr<Target> {
        auto target = std::make_unique<FakeTarget>();
        target->setSnapshotSource([snapshot](const QString&) { return snapshot; });
        fake = target.get();
        return target;
    });
    window.show();
    RunRequest request;
    request.script = QStringLiteral("bench.py");
    window.runScript(request);
    waitFor([&] { return fake && fake->state() == Target::State::Running; });
    bool shown = false;
    QObject::connect(&window, &MainWindow::analysisDisplayed, [&] { shown = true; });
    fake->finishScript(0);
    if (!waitFor([&] { return shown && window.session()->shownSnapshot(); })) {
        std::fprintf(stderr, "bench_exports: the snapshot was never shown\n");
        return 1;
    }
    window.findChild<FilterBar*>(QStringLiteral("filterBar"))->setShowExplained(true); // every candidate
    auto* table = window.findChild<QTableView*>(QStringLiteral("candidatesView"));
    waitFor([&] { return table->model()->rowCount() == static_cast<int>(count); });
    std::printf("%zu candidates, %d rows in the candidates table\n", count, table->model()->rowCount());

    QAction* report = window.findChild<QAction*>(QStringLiteral("actionExport"));
    QAction* csv = window.findChild<QAction*>(QStringLiteral("actionExportTable"));
    timeExport(window, report, dir.filePath(QStringLiteral("report.html")), "Export Report (HTML)");
    timeExport(window, report, dir.filePath(QStringLiteral("report.json")), "Export Report (JSON)");
    timeExport(window, report, dir.filePath(QStringLiteral("report.csv")), "Export Report (CSV)");
    timeExport(window, csv, dir.filePath(QStringLiteral("candidates.csv")), "Export Table as CSV");
    return 0;
}
