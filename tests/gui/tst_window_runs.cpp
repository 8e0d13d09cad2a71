// Runs, their output and the window's settings: a new run asks before it ends a running script, an
// earlier snapshot shows its run's output, the list mode and a malformed rules file at start; the
// capture's progress goes however the capture ends; `leakscope --screenshot` on a script that is not
// there fails with a message.
#include "gui_test_support.h"

#include "gui/candidates_view.h"
#include "gui/ignore_rules_file.h"
#include "gui/main_window.h"
#include "models/candidates_model.h"
#include "session/session.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"
#include "support/process_start.h"

#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolButton>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

// The status bar's account of the rules: how many, and the bad lines (tooltip).
QLabel* rulesStatusLabel(const MainWindow& window) { return part<QLabel>(window, "rulesStatus"); }
IgnoreRulesFile* ignoreRulesFile(const MainWindow& window) { return part<IgnoreRulesFile>(window, "ignoreRulesFile"); }

} // namespace

class TestWindowRuns : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;
    QString m_rulesPath;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeRunsTest"));
        m_rulesPath = m_config.path() + QStringLiteral("/leakscope/ignore-rules");
        QCOMPARE(QString::fromStdString(defaultIgnoreRulesPath()), m_rulesPath);
    }

    void init() { QFile::remove(m_rulesPath); }

    void newRunAsksBeforeEndingARunningScript()
    {
        MainWindow window;
        FakeTarget* fake = nullptr;
        window.session()->setTargetFactory([&](const RunRequest&) -> std::unique_ptr<Target> {
            auto target = std::make_unique<FakeTarget>();
            fake = target.get();
            return target;
        });
        RunRequest request;
        request.script = QStringLiteral("still_running.py");
        window.runScript(request);
        QTRY_VERIFY(fake && fake->state() == Target::State::Running);
        Target* running = window.session()->target();
        auto* recent = window.findChild<QMenu*>(QStringLiteral("menuRecent"));
        QVERIFY(recent && !recent->actions().isEmpty());

        // Answered Cancel: the running script goes on.
        bool asked = triggerAnswering(recent->actions().first(), QMessageBox::Cancel);
        QVERIFY(asked);
        QCOMPARE(window.session()->target(), running);
        QCOMPARE(fake->state(), Target::State::Running);

        // Answered Yes: the new run replaces it.
        asked = triggerAnswering(recent->actions().first(), QMessageBox::Yes);
        QVERIFY(asked);
        QVERIFY(window.session()->target() != running);
    }

    void earlierSnapshotShowsItsRunsOutput()
    {
        MainWindow window;
        test::GraphSpec spec;
        spec.objects.push_back({.type = "demo.Leak"});
        const SnapshotPtr snapshot = std::make_shared<const Snapshot>(test::buildColumns(spec));
        FakeTarget* fake = nullptr;
        window.session()->setTargetFactory([&](const RunRequest&) -> std::unique_ptr<Target> {
            auto target = std::make_unique<FakeTarget>();
            target->setSnapshotSource([snapshot](const QString&) { return snapshot; });
            fake = target.get();
            return target;
        });
        auto* output = window.findChild<QPlainTextEdit*>(QStringLiteral("output"));
        QVERIFY(output);
        for (const char* line : {"first run says hello", "second run says goodbye"}) {
            RunRequest request;
            request.script = QStringLiteral("run.py");
            fake = nullptr;
            window.runScript(request);
            QTRY_VERIFY(fake && fake->state() == Target::State::Running);
            const int before = window.session()->snapshotCount();
            fake->emitOutput(Target::Channel::Stdout, QByteArray(line) + '\n');
            fake->finishScript(0);
            QTRY_COMPARE(window.session()->snapshotCount(), before + 1);
            QTRY_COMPARE(window.session()->shownIndex(), before);
        }
        QTRY_VERIFY(output->toPlainText().contains(QStringLiteral("second run says goodbye")));
        QVERIFY(!output->toPlainText().contains(QStringLiteral("first run says hello")));

        window.session()->showSnapshot(0);
        QTRY_VERIFY2(output->toPlainText().contains(QStringLiteral("first run says hello")), qPrintable(output->toPlainText()));
        QVERIFY(!output->toPlainText().contains(QStringLiteral("second run says goodbye")));
        QVERIFY2(window.windowTitle().contains(QStringLiteral("run 1")), qPrintable(window.windowTitle()));
        window.session()->showSnapshot(1);
        QTRY_VERIFY(output->toPlainText().contains(QStringLiteral("second run says goodbye")));
        QVERIFY(window.windowTitle().contains(QStringLiteral("run 2")));
    }

    void listModeIsRemembered()
    {
        {
            MainWindow window;
            auto* view = window.findChild<CandidatesView*>(QStringLiteral("candidatesView"));
            QVERIFY(view);
            QCOMPARE(view->listMode(), CandidatesModel::ListMode::Candidates);
            view->setListMode(CandidatesModel::ListMode::AllObjects);
            window.close();
        }
        {
            MainWindow window;
            auto* view = window.findChild<CandidatesView*>(QStringLiteral("candidatesView"));
            QCOMPARE(view->listMode(), CandidatesModel::ListMode::AllObjects);
            view->setListMode(CandidatesModel::ListMode::Candidates); // as the other tests expect
            window.close();
        }
        MainWindow window;
        QCOMPARE(window.findChild<CandidatesView*>(QStringLiteral("candidatesView"))->listMode(),
                 CandidatesModel::ListMode::Candidates);
    }

    // A bad line in the rules file the window starts with is reported by number; the other rules
    // apply, and an edit made outside the window is followed.
    void malformedRulesFileReportsTheLine()
    {
        QVERIFY(writeFile(m_rulesPath, "type pkg.Cache\ntypo pkg.Leak\n# a comment\n"));
        MainWindow window;
        QCOMPARE(ignoreRulesFile(window)->path(), m_rulesPath);
        QVERIFY2(rulesStatusLabel(window)->text().contains(QStringLiteral("1 ignore rule")),
                 qPrintable(rulesStatusLabel(window)->text()));
        QVERIFY(rulesStatusLabel(window)->text().contains(QStringLiteral("1 bad line")));
        QVERIFY2(rulesStatusLabel(window)->toolTip().contains(
                     m_rulesPath + QStringLiteral(":2: unknown field 'typo' (use type, module, repr or explanation)")),
                 qPrintable(rulesStatusLabel(window)->toolTip()));
        QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Ignore rules, line 2: unknown field 'typo'")),
                 qPrintable(window.statusBar()->currentMessage()));

        test::GraphSpec spec;
        spec.objects = {{.type = "pkg.Cache", .size = 100}, {.type = "pkg.Leak", .size = 64}, {.type = "pkg.Leak"}};
        QVERIFY(runFake(window, spec));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        // The Cache rule applies: two Leak suspects, the Cache in "Ignored by rules".
        QTRY_COMPARE(candidates->rowCount(), 2);
        QCOMPARE(window.session()->shownSnapshot()->analysis().suspectCount(), std::size_t(2));
        QAbstractItemModel* groups = explanationsView(window)->model();
        QCOMPARE(groups->index(rowNamed(*groups, QStringLiteral("Ignored by rules")), 1).data().toString(),
                 QStringLiteral("1"));

        // The line fixed in another editor: read again, and the Leaks are ignored too.
        QVERIFY(writeFile(m_rulesPath, "type pkg.Cache\ntype pkg.Leak\n"));
        QTRY_VERIFY_WITH_TIMEOUT(rulesStatusLabel(window)->text().contains(QStringLiteral(">2 ignore rules<")), 10000);
        QVERIFY(!rulesStatusLabel(window)->text().contains(QStringLiteral("bad line")));
        QTRY_VERIFY(!window.session()->isApplyingRules());
        QCOMPARE(window.session()->shownSnapshot()->analysis().suspectCount(), std::size_t(0));
        QTRY_COMPARE(candidates->rowCount(), 0);
    }

    // However a capture ends without a snapshot, the status bar stops showing it: the interpreter
    // gone during a capture asked for, the end-of-script one or the script's own; a failed capture; a
    // new run; Cancel.
    void captureProgressGoesWithTheCapture_data()
    {
        QTest::addColumn<QString>("capture"); // asked (F5), end (of the script), script (its own)
        QTest::addColumn<QString>("ending");
        QTest::newRow("asked for, interpreter gone") << "asked" << "crash";
        QTest::newRow("asked for, failed") << "asked" << "fail";
        QTest::newRow("asked for, new run") << "asked" << "new run";
        QTest::newRow("asked for, cancelled") << "asked" << "cancel";
        QTest::newRow("end of script, interpreter gone") << "end" << "crash";
        QTest::newRow("end of script, failed") << "end" << "fail";
        QTest::newRow("script's own, interpreter gone") << "script" << "crash";
        QTest::newRow("script's own, failed") << "script" << "fail";
    }

    void captureProgressGoesWithTheCapture()
    {
        QFETCH(QString, capture);
        QFETCH(QString, ending);
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* progress = part<QProgressBar>(window, "snapshotProgress");
        auto* cancel = part<QToolButton>(window, "cancelSnapshot");
        test::GraphSpec spec;
        spec.objects = {{.type = "pkg.Leak"}};
        const SnapshotPtr snapshot = snapshotOf(spec);
        FakeTarget* fake = runFake(window, [snapshot](const QString&) { return snapshot; }, false);
        QVERIFY(fake);
        fake->setHoldsSnapshots(true); // the capture takes its time: the test ends it

        quint32 request = 0;
        if (capture == QStringLiteral("asked")) {
            action(window, "actionSnapshot")->trigger();
            request = fake->lastRequestId();
        } else if (capture == QStringLiteral("end")) {
            fake->finishScript(0);
            request = fake->lastRequestId();
        } else {
            fake->emitProgress(0, 250, QStringLiteral("walking the heap"));
        }
        QTRY_VERIFY(progress->isVisible());
        QVERIFY(window.session()->isCaptureUnderway());
        QCOMPARE(cancel->isVisible(), capture != QStringLiteral("script")); // the script's own cannot be cancelled

        if (ending == QStringLiteral("crash"))
            fake->crash(QStringLiteral("killed by signal 11"));
        else if (ending == QStringLiteral("fail"))
            fake->failRequest(request, QStringLiteral("MemoryError while walking the heap"));
        else if (ending == QStringLiteral("new run"))
            QVERIFY(runFake(window, [snapshot](const QString&) { return snapshot; }, false));
        else
            cancel->click();
        QTRY_VERIFY(!progress->isVisible());
        QVERIFY(!cancel->isVisible());
        QVERIFY(!window.session()->isCaptureUnderway());
        QCOMPARE(window.session()->snapshotCount(), 0);
        // Where the interpreter is still there, another snapshot can be asked for.
        QCOMPARE(action(window, "actionSnapshot")->isEnabled(), window.session()->isConnected());
    }

    // --screenshot on a script that is not there, or is no file: a message that names it, a
    // non-zero exit and no picture, without waiting for a run that cannot start.
    void screenshotOfAMissingScriptFails_data()
    {
        QTest::addColumn<QString>("script"); // in a temporary folder
        QTest::addColumn<QString>("said");
        QTest::newRow("missing") << "no_such_script.py" << "no such file";
        QTest::newRow("a folder") << "folder.py" << "not a file";
    }

    void screenshotOfAMissingScriptFails()
    {
        QFETCH(QString, script);
        QFETCH(QString, said);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QVERIFY(QDir(folder.path()).mkdir(QStringLiteral("folder.py")));
        const QString picture = folder.filePath(QStringLiteral("window.png"));
        const QString path = folder.filePath(script);
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess app;
        app.setProcessEnvironment(environment);
        startProcess(app, QStringLiteral(LEAKSCOPE_APP), {QStringLiteral("--screenshot"), picture, path});
        QVERIFY2(app.waitForFinished(60000), "leakscope --screenshot did not end");
        const QString errors = QString::fromLocal8Bit(app.readAllStandardError());
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QVERIFY2(app.exitCode() != 0, qPrintable(errors));
        QVERIFY2(errors.contains(path) && errors.contains(said), qPrintable(errors));
        QVERIFY(!QFile::exists(picture));
    }

};

QTEST_MAIN(TestWindowRuns)
#include "tst_window_runs.moc"
