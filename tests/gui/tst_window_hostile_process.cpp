// The window against scripts that do to their process what a hostile or careless program may
// (tests/scripts/hostile_process_*.py), each run in a real leakscope-host: fds 1 and 2 closed or
// redirected, os._exit after a snapshot, os.fork (the child's bytes must never reach the window),
// SIGINT ignored in an endless loop (Interrupt does nothing, Terminate ends it), a process stopped with
// SIGSTOP (Terminate escalates to SIGKILL), a C stack overflow and a crash in an extension's
// tp_traverse during a capture. Each time the window says what happened, keeps the snapshots taken
// before, lets them be browsed, runs a new script afterwards, and its event loop never stops for more
// than 100 ms.
#include "gui_test_support.h"

#include "gui/main_window.h"
#include "gui/snapshot_list_view.h"
#include "models/snapshot_list_model.h"
#include "session/session.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

constexpr int kTimeoutMs = 30000;
constexpr qint64 kMaxBlockMs = kMaxEventLoopBlockMs; // 100 ms, or 1 s in a sanitizer build

QPlainTextEdit* outputView(const MainWindow& window) { return part<QPlainTextEdit>(window, "output"); }
QString outputText(const MainWindow& window) { return outputView(window)->toPlainText(); }

// Starts script (of tests/scripts) with arguments in a real leakscope-host.
void startHost(MainWindow& window, const QString& script, const QStringList& arguments = {})
{
    useHost(window);
    RunRequest request;
    request.script = testScript(script);
    request.arguments = arguments;
    window.runScript(request);
}

QStringList listedLabels(const MainWindow& window)
{
    const QAbstractItemModel* model = part<SnapshotListView>(window, "snapshotList")->model();
    QStringList labels;
    for (int row = 0; row < model->rowCount(); ++row)
        labels << model->index(row, SnapshotListModel::LabelColumn).data().toString();
    return labels;
}

// True when snapshot index has a candidate of the type named typeName.
bool hasCandidateOfType(const Session& session, int index, std::string_view typeName)
{
    const AnalyzedSnapshotPtr analyzed = session.analyzedSnapshot(index);
    if (!analyzed)
        return false;
    for (const ObjectIndex object : analyzed->analysis().candidates()) {
        if (analyzed->snapshot().typeNameOf(object) == typeName)
            return true;
    }
    return false;
}

// Shows snapshot index and waits until its types fill their table: it can still be browsed.
bool browse(MainWindow& window, int index)
{
    window.session()->showSnapshot(index);
    return QTest::qWaitFor([&] {
        return window.session()->shownIndex() == index && typesView(window)->model()->rowCount() > 0;
    });
}

// A new run after the hostile one: host_hello.py prints and exits 3, and its end-of-script snapshot
// comes.
bool newRunWorks(MainWindow& window)
{
    const int before = window.session()->snapshotCount();
    startHost(window, QStringLiteral("host_hello.py"));
    return QTest::qWaitFor(
        [&] {
            return window.session()->snapshotCount() == before + 1 && window.session()->isSettled()
                && outputText(window).contains(QStringLiteral("hello from stdout"));
        },
        kTimeoutMs);
}

} // namespace

class TestWindowHostileProcess : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;
    QTemporaryDir m_files;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid() && m_files.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeHostileProcessTest"));
    }

    // fds 1 and 2 closed, or /dev/null or a file put on them: the host speaks over its socket only,
    // so every snapshot arrives; the output pane has what was printed before, the file what was printed
    // after.
    void fdsTakenByTheScript_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("closed") << QStringLiteral("close");
        QTest::newRow("/dev/null") << QStringLiteral("devnull");
        QTest::newRow("a file") << QStringLiteral("file");
    }

    void fdsTakenByTheScript()
    {
        QFETCH(QString, mode);
        MainWindow window;
        QAbstractItemModelTester tester(part<SnapshotListView>(window, "snapshotList")->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        EventLoopWatch watch;
        const QString file = m_files.filePath(QStringLiteral("taken-%1.txt").arg(mode));
        watch.note(QStringLiteral("the script takes the fds"));
        startHost(window, QStringLiteral("hostile_process_fds.py"), {mode, file});
        Session* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 3 && session->isSettled(), kTimeoutMs);
        QCOMPARE(listedLabels(window), (QStringList{QStringLiteral("before the fds are taken"),
                                                    QStringLiteral("after the fds are taken"), QStringLiteral("end of script")}));
        QVERIFY(hasCandidateOfType(*session, 1, "__main__.TakenFdsMarker"));
        QVERIFY(!hasCandidateOfType(*session, 0, "__main__.TakenFdsMarker"));
        const QString output = outputText(window);
        QVERIFY2(output.contains(QStringLiteral("stdout before ") + mode), qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("stderr before ") + mode), qPrintable(output));
        QVERIFY2(!output.contains(QStringLiteral("after ") + mode), qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("Script completed (exit status 0)")), qPrintable(output));
        QCOMPARE(session->state(), Target::State::Finished);
        if (mode == QStringLiteral("file"))
            QCOMPARE(readFile(file), QStringLiteral("stdout after file\nstderr after file\n"));
        watch.note(QStringLiteral("browsing and a new run"));
        QVERIFY(browse(window, 1));
        QVERIFY(newRunWorks(window));
        QVERIFY2(watch.longestBlockMs() <= kMaxBlockMs, qPrintable(watch.describe()));
    }

    // os._exit(7) after a snapshot: the window says the host exited with 7, the snapshot stays.
    void osExitAfterASnapshot()
    {
        MainWindow window;
        EventLoopWatch watch;
        watch.note(QStringLiteral("the script leaves through os._exit"));
        startHost(window, QStringLiteral("hostile_process_exits.py"), {QStringLiteral("7")});
        Session* session = window.session();
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), Target::State::Lost, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(session->isSettled() && session->snapshotCount() == 1, kTimeoutMs);
        QCOMPARE(listedLabels(window), QStringList{QStringLiteral("before os._exit")});
        const QString output = outputText(window);
        QVERIFY2(output.contains(QStringLiteral("leaving through os._exit(7)")), qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("The interpreter is gone: host exited with code 7. Snapshots taken so far "
                                                "are kept.")),
                 qPrintable(output));
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("host exited with code 7"));
        watch.note(QStringLiteral("browsing and a new run"));
        QVERIFY(browse(window, 0));
        QVERIFY(newRunWorks(window));
        QVERIFY2(watch.longestBlockMs() <= kMaxBlockMs, qPrintable(watch.describe()));
    }

    // The script forks. The child's copy of the connection is closed as it starts: whatever it does
    // (os._exit, run on to the end, leakscope.snapshot()), the window shows the parent's snapshots
    // only, hears of one script end, and the child's snapshot is refused in the child with a reason.
    void forks_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("childStatus");
        QTest::newRow("child os._exit") << QStringLiteral("os-exit") << 5;
        QTest::newRow("child runs to the end") << QStringLiteral("end") << 0;
        QTest::newRow("child takes a snapshot") << QStringLiteral("snapshot") << 0;
    }

    void forks()
    {
        QFETCH(QString, mode);
        QFETCH(int, childStatus);
        MainWindow window;
        EventLoopWatch watch;
        watch.note(QStringLiteral("the script forks"));
        startHost(window, QStringLiteral("hostile_process_forks.py"), {mode});
        Session* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 2 && session->isSettled(), kTimeoutMs);
        QCOMPARE(listedLabels(window),
                 (QStringList{QStringLiteral("parent after the child"), QStringLiteral("end of script")}));
        QCOMPARE(session->state(), Target::State::Finished);
        const QString output = outputText(window);
        QVERIFY2(output.contains(QStringLiteral("parent saw the child end with %1").arg(childStatus)), qPrintable(output));
        QCOMPARE(output.count(QStringLiteral("Script completed (exit status 0)")), 1);
        QVERIFY2(!output.contains(QStringLiteral("Request failed")) && !output.contains(QStringLiteral("malformed"))
                     && !output.contains(QStringLiteral("The interpreter is gone")),
                 qPrintable(output));
        if (mode == QStringLiteral("snapshot")) {
            QVERIFY2(output.contains(QStringLiteral("child snapshot refused: leakscope.snapshot() in a process forked from "
                                                    "the script")),
                     qPrintable(output));
        }
        // The interpreter the window talks to is still the parent's, and answers.
        watch.note(QStringLiteral("a snapshot asked for after the fork"));
        QVERIFY(session->requestSnapshot());
        QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 3 && session->isSettled(), kTimeoutMs);
        QCOMPARE(session->snapshotOrigin(2).pid, session->snapshotOrigin(0).pid);
        QVERIFY2(watch.longestBlockMs() <= kMaxBlockMs, qPrintable(watch.describe()));
    }

    // SIGINT ignored, then an endless loop: Interrupt cannot stop it, and the window says so; Terminate
    // does, at once.
    void sigintIgnoredThenTerminated()
    {
        MainWindow window;
        EventLoopWatch watch;
        Session* session = window.session();
        session->setInterruptGrace(1000);
        watch.note(QStringLiteral("the script ignores SIGINT and loops"));
        startHost(window, QStringLiteral("hostile_process_ignores_sigint.py"));
        QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 1
                                     && outputText(window).contains(QStringLiteral("ignoring SIGINT, looping")),
                                 kTimeoutMs);
        QSignalSpy ignored(session, &Session::interruptIgnored);
        watch.note(QStringLiteral("Interrupt"));
        QAction* interrupt = action(window, "actionInterrupt");
        QVERIFY(interrupt->isEnabled());
        interrupt->trigger();
        QVERIFY(ignored.wait(kTimeoutMs));
        QCOMPARE(session->state(), Target::State::Running);
        QVERIFY2(outputText(window).contains(QStringLiteral("The script did not stop on the interrupt")),
                 qPrintable(outputText(window)));

        watch.note(QStringLiteral("Terminate"));
        QElapsedTimer clock;
        clock.start();
        action(window, "actionTerminate")->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), Target::State::Lost, kTimeoutMs);
        // The host reads Terminate on a thread of its own, which the loop does not hold up.
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        QTRY_VERIFY(outputText(window).contains(QStringLiteral("The interpreter is gone: terminated.")));
        QCOMPARE(listedLabels(window), QStringList{QStringLiteral("before the loop")});
        watch.note(QStringLiteral("browsing and a new run"));
        QVERIFY(browse(window, 0));
        QVERIFY(newRunWorks(window));
        QVERIFY2(watch.longestBlockMs() <= kMaxBlockMs, qPrintable(watch.describe()));
    }

    // A host stopped by SIGSTOP cannot read Terminate: the window kills it (SIGKILL) after its grace.
    void stoppedHostIsKilled()
    {
        MainWindow window;
        EventLoopWatch watch;
        Session* session = window.session();
        watch.note(QStringLiteral("the script stops its process"));
        startHost(window, QStringLiteral("hostile_process_stops.py"));
        QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 1 && outputText(window).contains(QStringLiteral("stopping")),
                                 kTimeoutMs);
        watch.note(QStringLiteral("Terminate"));
        QElapsedTimer clock;
        clock.start();
        action(window, "actionTerminate")->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), Target::State::Lost, kTimeoutMs);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(!outputText(window).contains(QStringLiteral("continued")), qPrintable(outputText(window)));
        QTRY_VERIFY(outputText(window).contains(QStringLiteral("The interpreter is gone: terminated.")));
        QCOMPARE(listedLabels(window), QStringList{QStringLiteral("before stopping")});
        watch.note(QStringLiteral("browsing and a new run"));
        QVERIFY(browse(window, 0));
        QVERIFY(newRunWorks(window));
        QVERIFY2(watch.longestBlockMs() <= kMaxBlockMs, qPrintable(watch.describe()));
    }

    // The host dies of SIGSEGV, in the script (a C stack overflow) or in a capture (the armed fixture's
    // tp_traverse): the window names the signal and keeps the snapshot taken before.
    void hostCrashes_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<bool>("withFixture");
        QTest::addColumn<QString>("kept");
        QTest::addColumn<QString>("printed");
        QTest::newRow("C stack overflow") << QStringLiteral("hostile_process_recursion.py") << false
                                          << QStringLiteral("before the recursion") << QStringLiteral("recursing");
        QTest::newRow("tp_traverse in a capture") << QStringLiteral("hostile_process_bad_traverse.py") << true
                                                  << QStringLiteral("before arming") << QStringLiteral("armed");
    }

    void hostCrashes()
    {
        QFETCH(QString, script);
        QFETCH(bool, withFixture);
        QFETCH(QString, kept);
        QFETCH(QString, printed);
        MainWindow window;
        EventLoopWatch watch;
        watch.note(QStringLiteral("the first snapshot"));
        startHost(window, script, withFixture ? QStringList{QStringLiteral(LEAKSCOPE_FIXTURE_DIR)} : QStringList());
        Session* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 1 || session->state() == Target::State::Lost, kTimeoutMs);
        watch.note(QStringLiteral("the host crashes"));
        QTRY_COMPARE_WITH_TIMEOUT(session->state(), Target::State::Lost, kTimeoutMs);
        // The snapshot may be read from the socket after the host's end is seen: it still counts.
        QTRY_VERIFY_WITH_TIMEOUT(session->isSettled() && session->snapshotCount() == 1, kTimeoutMs);
        QCOMPARE(listedLabels(window), QStringList{kept});
        const QString output = outputText(window);
        QVERIFY2(output.contains(printed), qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("The interpreter is gone: host crashed: SIGSEGV. Snapshots taken so far "
                                                "are kept.")),
                 qPrintable(output));
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("host crashed: SIGSEGV"));
        QVERIFY(!session->isCaptureUnderway());
        watch.note(QStringLiteral("browsing and a new run"));
        QVERIFY(browse(window, 0));
        QVERIFY(newRunWorks(window));
        QVERIFY2(watch.longestBlockMs() <= kMaxBlockMs, qPrintable(watch.describe()));
    }
};

QTEST_MAIN(TestWindowHostileProcess)
#include "tst_window_hostile_process.moc"
