// `leakscope-cli report` and `run` against scripts that do to the process what a hostile or careless
// program may (tests/scripts/hostile_process_*.py): take fds 1 and 2 away, leave through os._exit, fork,
// ignore SIGINT and loop, overflow the C stack, and crash a capture in an extension's tp_traverse
// (tests/fixture/badtraverse.c). Each ends with the results the process could still give, or with a
// clear line on stderr and the status the signal or the script gave; snapshot files saved before a
// crash stay complete.
#include "cli_process.h"

#include "snapshot/snapshot_file.h"
#include "support/process_start.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// True when the JSON report has a candidate of this type.
bool reportHasCandidate(const QJsonObject& report, const QString& type)
{
    for (const QJsonValue& candidate : report.value(u"candidates"_s).toArray()) {
        if (candidate.toObject().value(u"type"_s).toString() == type)
            return true;
    }
    return false;
}

// The JSON report that ends stdout, after whatever the script printed there first.
QJsonObject reportAtTheEnd(const QByteArray& out)
{
    const qsizetype start = out.indexOf("{\"format\"");
    if (start < 0)
        return {};
    return QJsonDocument::fromJson(out.mid(start)).object();
}

// The label of the snapshot file at path; empty, with error set, when it cannot be loaded.
QString labelOfFile(const QString& path, QString* error)
{
    try {
        return QString::fromStdString(leakscope::loadSnapshotFile(path.toStdString())->info().label);
    } catch (const std::exception& e) {
        *error = QString::fromUtf8(e.what());
        return {};
    }
}

// The names of the .lssnap files in folder, sorted.
QStringList snapshotFiles(const QString& folder)
{
    return QDir(folder).entryList({u"*.lssnap"_s}, QDir::Files, QDir::Name);
}

bool crashedWith(const Run& run, int signal)
{
    return run.started && !run.finished && run.exitCode == signal;
}

} // namespace

class TestCliHostileProcess : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // The script closes fds 1 and 2, or puts /dev/null or a file there, and takes a snapshot: the
    // report still reaches the command's stdout and the CLI's lines its stderr, where the user sent
    // them, and nothing of the CLI's lands in the script's file.
    void fdsTakenByTheScript_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("closed") << u"close"_s;
        QTest::newRow("/dev/null") << u"devnull"_s;
        QTest::newRow("a file") << u"file"_s;
    }

    void fdsTakenByTheScript()
    {
        QFETCH(QString, mode);
        const QString file = m_tmp.filePath(u"taken-"_s + mode + u".txt"_s);
        const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--"_s, scriptPath(u"hostile_process_fds.py"_s), mode, file});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        // What the script printed before it took the fds came through.
        QVERIFY2(run.out.startsWith("stdout before " + mode.toUtf8()), run.describe().constData());
        QVERIFY2(run.err.contains("stderr before " + mode.toUtf8()), run.describe().constData());
        QVERIFY2(!run.out.contains("stdout after") && !run.err.contains("stderr after"), run.describe().constData());
        // The CLI's own lines and report, all of them, made after the fds were taken.
        QVERIFY2(run.err.contains("leakscope: snapshot 'after the fds are taken': "), run.describe().constData());
        const QJsonObject report = reportAtTheEnd(run.out);
        QVERIFY2(report.value(u"format"_s).toString() == u"leakscope-report"_s, run.describe().constData());
        QVERIFY2(reportHasCandidate(report, u"__main__.TakenFdsMarker"_s), run.describe().constData());
        if (mode == u"file"_s) {
            const QByteArray written = [&] {
                QFile f(file);
                return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
            }();
            QCOMPARE(written, QByteArray("stdout after file\nstderr after file\n"));
        }
    }

    // `run` with fds 1 and 2 closed: every snapshot is saved and its path announced on the command's
    // stdout, although the script's next files could have taken those numbers.
    void fdsClosedUnderRun()
    {
        const QString folder = m_tmp.filePath(u"closed-run"_s);
        const Run run = runCli({u"run"_s, u"--output-dir"_s, folder, u"--"_s, scriptPath(u"hostile_process_fds.py"_s), u"close"_s});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList files = snapshotFiles(folder);
        QCOMPARE(files, (QStringList{u"01-before_the_fds_are_taken.lssnap"_s, u"02-after_the_fds_are_taken.lssnap"_s,
                                     u"03-end.lssnap"_s}));
        for (const QString& name : files) {
            QVERIFY2(run.out.contains(QDir(folder).filePath(name).toUtf8()), run.describe().constData());
            QString error;
            QVERIFY2(!labelOfFile(QDir(folder).filePath(name), &error).isEmpty(), qPrintable(error));
        }
        QVERIFY2(run.err.contains("leakscope-cli run: 3 snapshots saved in"), run.describe().constData());
    }

    // os._exit(7) right after a snapshot: the status is the script's, no report (nothing could make one),
    // and under `run` the snapshot's file, written while the script went on, is complete.
    void osExitAfterASnapshot()
    {
        const Run reported = runCli({u"report"_s, u"--"_s, scriptPath(u"hostile_process_exits.py"_s), u"7"_s});
        QVERIFY2(reported.finished && reported.exitCode == 7, reported.describe().constData());
        QVERIFY2(reported.err.contains("leakscope: snapshot 'before os._exit': "), reported.describe().constData());
        QVERIFY2(reported.out.contains("leaving through os._exit(7)"), reported.describe().constData());
        QVERIFY2(!reported.out.contains("leak candidates"), reported.describe().constData());

        const QString folder = m_tmp.filePath(u"exits-run"_s);
        const Run saved = runCli({u"run"_s, u"--output-dir"_s, folder, u"--"_s, scriptPath(u"hostile_process_exits.py"_s), u"7"_s});
        QVERIFY2(saved.finished && saved.exitCode == 7, saved.describe().constData());
        QCOMPARE(snapshotFiles(folder), QStringList{u"01-before_os._exit.lssnap"_s});
        QString error;
        QCOMPARE(labelOfFile(QDir(folder).filePath(u"01-before_os._exit.lssnap"_s), &error), u"before os._exit"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // A fork: each process is its own python3 under the CLI, so each reports what it has, once it ends;
    // a child that leaves through os._exit reports nothing, and its status reaches the parent.
    void forks_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("childStatus");
        QTest::addColumn<int>("reports");
        QTest::newRow("child os._exit") << u"os-exit"_s << 5 << 1;
        QTest::newRow("child runs to the end") << u"end"_s << 0 << 2;
        QTest::newRow("child takes a snapshot") << u"snapshot"_s << 0 << 2;
    }

    void forks()
    {
        QFETCH(QString, mode);
        QFETCH(int, childStatus);
        QFETCH(int, reports);
#if defined(__SANITIZE_THREAD__)
        // A child that takes a snapshot starts threads after a multi-threaded fork, which
        // ThreadSanitizer does not support (it checks nothing there; see tsan.supp): such a child
        // hung in one run of six under the tsan preset.
        if (mode == u"snapshot"_s)
            QSKIP("under ThreadSanitizer a forked child that starts threads may hang in the runtime");
#endif
        const Run run = runCli({u"report"_s, u"--"_s, scriptPath(u"hostile_process_forks.py"_s), mode});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.out.contains("parent saw the child end with " + QByteArray::number(childStatus)),
                 run.describe().constData());
        QCOMPARE(run.out.count("leak candidates"), qsizetype(reports));
        QVERIFY2(run.err.contains("leakscope: snapshot 'parent after the child': "), run.describe().constData());
        if (mode == u"snapshot"_s) {
            QVERIFY2(run.out.contains("child snapshot taken"), run.describe().constData());
            QVERIFY2(run.err.contains("leakscope: snapshot 'in the child': "), run.describe().constData());
        }
    }

    // SIGINT ignored by the script and a pure-bytecode loop: Ctrl+C (SIGINT) does not stop it, SIGTERM
    // does, at once, with a line that says so.
    void sigintIgnoredThenTerminated()
    {
#if defined(__SANITIZE_THREAD__)
        // ThreadSanitizer holds an asynchronous signal back until the thread next calls into libc, and
        // the script loops in pure bytecode: neither signal would ever be handled (see tsan.supp).
        QSKIP("under ThreadSanitizer a signal never reaches a thread that loops in pure bytecode");
#endif
        QProcess cli;
        cli.setProgram(cliPath());
        cli.setArguments({u"report"_s, u"--"_s, scriptPath(u"hostile_process_ignores_sigint.py"_s)});
        cli.setStandardInputFile(QProcess::nullDevice());
        leakscope::startProcess(cli);
        QVERIFY(cli.waitForStarted(30000));
        QByteArray out;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         out += cli.readAllStandardOutput();
                         return out.contains("ignoring SIGINT, looping");
                     },
                     30000),
                 out.constData());

        ::kill(static_cast<pid_t>(cli.processId()), SIGINT);
        // The loop never ends by itself: still running a second later means SIGINT was ignored.
        QVERIFY(!cli.waitForFinished(1000));
        QCOMPARE(cli.state(), QProcess::Running);

        QElapsedTimer clock;
        clock.start();
        ::kill(static_cast<pid_t>(cli.processId()), SIGTERM);
        QVERIFY(cli.waitForFinished(10000));
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        const QByteArray err = cli.readAllStandardError();
        QCOMPARE(cli.exitStatus(), QProcess::CrashExit);
        QCOMPARE(cli.exitCode(), SIGTERM);
        QVERIFY2(err.contains("leakscope: snapshot 'before the loop': "), err.constData());
        QVERIFY2(err.contains("leakscope-cli: terminated while the script ran (SIGTERM); no report is written\n"),
                 err.constData());
    }

    // A recursion through C past the C stack: the process dies of SIGSEGV, as python3 does, after a line
    // that says the script crashed it; under `run` the snapshot saved before is complete.
    void recursionOverflowsTheCStack()
    {
        const Run reported = runCli({u"report"_s, u"--"_s, scriptPath(u"hostile_process_recursion.py"_s)});
        QVERIFY2(crashedWith(reported, SIGSEGV), reported.describe().constData());
        QVERIFY2(reported.err.contains("leakscope: snapshot 'before the recursion': "), reported.describe().constData());
        QVERIFY2(reported.err.contains("leakscope-cli: the script crashed the program (SIGSEGV); no report is written\n"),
                 reported.describe().constData());
        QVERIFY2(!reported.out.contains("leak candidates"), reported.describe().constData());

        const QString folder = m_tmp.filePath(u"recursion-run"_s);
        const Run saved = runCli({u"run"_s, u"--output-dir"_s, folder, u"--"_s, scriptPath(u"hostile_process_recursion.py"_s)});
        QVERIFY2(crashedWith(saved, SIGSEGV), saved.describe().constData());
        QVERIFY2(saved.err.contains("leakscope-cli: the script crashed the program (SIGSEGV); the snapshots saved before it are in "
                                    + folder.toUtf8() + "\n"),
                 saved.describe().constData());
        QCOMPARE(snapshotFiles(folder), QStringList{u"01-before_the_recursion.lssnap"_s});
        QString error;
        QCOMPARE(labelOfFile(QDir(folder).filePath(u"01-before_the_recursion.lssnap"_s), &error), u"before the recursion"_s);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    // The armed fixture's tp_traverse dereferences NULL in the second capture, in the collection
    // before it or, with --no-collect, in the heap walk itself: the line says the capture crashed the
    // program; under `run` the first snapshot's file is complete.
    void badTraverseCrashesTheCapture_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("report") << QStringList{u"report"_s};
        QTest::newRow("report --no-collect") << QStringList{u"report"_s, u"--no-collect"_s};
        QTest::newRow("run") << QStringList{u"run"_s, u"--output-dir"_s, m_tmp.filePath(u"traverse-run"_s)};
    }

    void badTraverseCrashesTheCapture()
    {
        QFETCH(QStringList, options);
        const Run run = runCli(options + QStringList{u"--"_s, scriptPath(u"hostile_process_bad_traverse.py"_s), fixtureDir()});
        QVERIFY2(crashedWith(run, SIGSEGV), run.describe().constData());
        QVERIFY2(run.out.contains("armed") && !run.out.contains("the armed capture returned"), run.describe().constData());
        // `run` says a snapshot's line once its file is written, which the crash came before.
        if (options.first() == u"report"_s)
            QVERIFY2(run.err.contains("leakscope: snapshot 'before arming': "), run.describe().constData());
        QVERIFY2(run.err.contains("leakscope-cli: the capture crashed the program (SIGSEGV): an object's traverse function "
                                  "failed"),
                 run.describe().constData());
        if (options.first() == u"run"_s) {
            const QString folder = options.last();
            QCOMPARE(snapshotFiles(folder), QStringList{u"01-before_arming.lssnap"_s});
            QString error;
            QCOMPARE(labelOfFile(QDir(folder).filePath(u"01-before_arming.lssnap"_s), &error), u"before arming"_s);
            QVERIFY2(error.isEmpty(), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliHostileProcess)
#include "tst_cli_hostile_process.moc"
