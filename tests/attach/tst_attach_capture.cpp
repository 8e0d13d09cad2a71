// leakscope-cli attach PID against real Debian python3 processes that plant leaks with the plantleak
// fixture and then wait in different ways: the planted orphans are suspects, the process is left as it
// was (no agent thread, no socket, no private folder) and exits 0 on its own. Failures (a GIL held by a
// C call, a process that dies mid-capture, gdb dying, an agent that never connects, not Python, no such
// process) are clear errors with exit status 2 within the timeout, and the process is unharmed.
#include "support/attach_targets.h"
#include "cli_process.h"

#include "attach/attach_check.h"
#include "snapshot/snapshot_file.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr uid_t kNobody = 65534;

// A python3 child running tests/scripts/attach_target.py.
class Target
{
public:
    Target(const QString& mode, const QString& size = {}, bool asNobody = false, const QStringList& pythonOptions = {})
    {
        ::chmod(m_dir.path().toLocal8Bit().constData(), 0755); // the stop file must be visible to nobody
        m_stop = m_dir.filePath(u"stop"_s);
        QStringList arguments = pythonOptions;
        arguments << clitest::scriptPath(u"attach_target.py"_s) << clitest::fixtureDir() << mode << m_stop;
        if (!size.isEmpty())
            arguments << size;
        if (asNobody) {
            m_process.setChildProcessModifier([] {
                if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
                    ::_exit(clitest::kCannotDropPrivileges);
            });
        }
        m_process.setProcessEnvironment(leakscope::attachtest::targetEnvironment());
        m_process.start(clitest::pythonPath(), arguments);
    }
    ~Target()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool waitReady()
    {
        QElapsedTimer clock;
        clock.start();
        while (!m_out.contains("ready\n") && clock.elapsed() < 30000) {
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(200);
            m_out += m_process.readAllStandardOutput();
        }
        return m_out.contains("ready\n");
    }
    pid_t pid() const { return static_cast<pid_t>(m_process.processId()); }
    // What the program wrote to standard output so far (waiting up to waitMs for more).
    QByteArray outputSoFar(int waitMs = 0)
    {
        m_process.waitForReadyRead(waitMs);
        m_out += m_process.readAllStandardOutput();
        return m_out;
    }
    QProcess& process() { return m_process; }

    // Asks the program to end (the stop file; a line on stdin for input()) and waits for it.
    bool finish(int* exitCode, QByteArray* output)
    {
        QFile(m_stop).open(QIODevice::WriteOnly);
        m_process.write("go\n");
        m_process.closeWriteChannel();
        const bool ended = m_process.waitForFinished(30000);
        m_out += m_process.readAllStandardOutput();
        *output = m_out + m_process.readAllStandardError();
        *exitCode = m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
        return ended;
    }

private:
    QTemporaryDir m_dir;
    QString m_stop;
    QProcess m_process;
    QByteArray m_out;
};

int countEntries(const QString& folder)
{
    return static_cast<int>(QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());
}

int threadCount(pid_t pid)
{
    return countEntries(u"/proc/%1/task"_s.arg(pid));
}

int socketCount(pid_t pid)
{
    const QDir dir(u"/proc/%1/fd"_s.arg(pid));
    int count = 0;
    for (const QString& name : dir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System)) {
        char target[256] = {};
        const QByteArray path = dir.filePath(name).toLocal8Bit();
        const ssize_t n = ::readlink(path.constData(), target, sizeof target - 1);
        if (n > 0 && QByteArray(target, static_cast<int>(n)).startsWith("socket:"))
            ++count;
    }
    return count;
}

int privateFolders()
{
    return static_cast<int>(QDir(u"/tmp"_s).entryList({u"leakscope-attach-*"_s}, QDir::Dirs | QDir::Hidden).size());
}

// Waits up to 3 s for value() to become expected; returns the last value seen.
template<typename F>
int settle(F value, int expected)
{
    QElapsedTimer clock;
    clock.start();
    int now = value();
    while (now != expected && clock.elapsed() < 3000) {
        QThread::msleep(20);
        now = value();
    }
    return now;
}

// The suspects of a JSON report, by a short name of what was planted ("other: TYPE REPR" for the rest).
QStringList plantedSuspects(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (document.isNull()) {
        *error = parseError.errorString();
        return {};
    }
    QStringList found;
    for (const QJsonValue& value : document.object().value(u"candidates"_s).toArray()) {
        const QJsonObject candidate = value.toObject();
        if (!candidate.value(u"suspect"_s).toBool())
            continue;
        const QString type = candidate.value(u"type"_s).toString();
        const QString repr = candidate.value(u"repr"_s).toString();
        if (type == u"builtins.dict"_s && repr.contains(u"'orphan-dict'"_s))
            found << u"dict"_s;
        else if (type == u"plantleak.Leaky"_s)
            found << u"instance"_s;
        else if (type == u"builtins.list"_s && repr.contains(u"'list-child'"_s))
            found << u"list"_s;
        else
            found << u"other: "_s + type + u' ' + repr.left(80);
    }
    found.sort();
    return found;
}

bool ptraceAllowed(pid_t pid, QString* why)
{
    const leakscope::attach::CheckResult check = leakscope::attach::checkAttach(pid, leakscope::attach::currentSystem());
    *why = QString::fromStdString(check.message);
    return check.ok();
}

} // namespace

class AttachCaptureTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void attachReportsPlantedLeaks_data();
    void attachReportsPlantedLeaks();
    void attachTwice();
    void optionsTracemallocAndCollect();
    void gilHeldByCCall();
    void processDiesDuringCapture();
    void gdbDies();
    void agentNeverConnects();
    void notPythonAndMissing();
    void processOfAnotherUser();
};

void AttachCaptureTest::attachReportsPlantedLeaks_data()
{
    QTest::addColumn<QString>("mode");
    for (const char* mode : {"sleep", "spin", "lock", "select", "input", "threads"})
        QTest::newRow(mode) << QString::fromLatin1(mode);
}

void AttachCaptureTest::attachReportsPlantedLeaks()
{
    QFETCH(QString, mode);
    Target target(mode);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(u"attaching is not permitted here: "_s + why));
    const int threads = threadCount(target.pid());
    const int sockets = socketCount(target.pid());
    const int folders = privateFolders();

    QElapsedTimer clock;
    clock.start();
    const clitest::Run run
        = clitest::runCli({u"attach"_s, u"--format"_s, u"json"_s, u"--timeout"_s, u"30"_s, QString::number(target.pid())});
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QString error;
    const QStringList suspects = plantedSuspects(run.out, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const QString& planted : {u"dict"_s, u"instance"_s, u"list"_s})
        QVERIFY2(suspects.contains(planted), qPrintable(suspects.join(u"\n"_s)));
    // Nothing else, except while the process is blocked inside a C function: what only that call holds
    // (select()'s argument lists, the memoryview a blocking read fills) looks unreferenced, as it does
    // under the host (docs/attach.md).
    if (mode != u"select"_s && mode != u"input"_s)
        QVERIFY2(suspects.size() == 3, qPrintable(suspects.join(u"\n"_s)));
    QVERIFY2(run.err.contains("stopped "), run.err.constData());
    qInfo("%s: %s (leakscope-cli attach took %lld ms)", qPrintable(mode), run.err.trimmed().constData(), elapsed);

    // Nothing of the agent stays running: its thread ended, its socket closed, the folder is gone.
    if (!leakscope::attachtest::kRuntimeAddsAThread)
        QCOMPARE(settle([&] { return threadCount(target.pid()); }, threads), threads);
    QCOMPARE(settle([&] { return socketCount(target.pid()); }, sockets), sockets);
    QCOMPARE(privateFolders(), folders);

    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QVERIFY2(exitCode == 0, output.constData());
    QVERIFY2(output.contains("done"), output.constData());
}

void AttachCaptureTest::attachTwice()
{
    Target target(u"sleep"_s);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    for (int round = 0; round < 2; ++round) {
        const clitest::Run run = clitest::runCli({u"attach"_s, u"--format"_s, u"json"_s, QString::number(target.pid())});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QString error;
        QCOMPARE(plantedSuspects(run.out, &error), (QStringList{u"dict"_s, u"instance"_s, u"list"_s}));
    }
    // The library is loaded once (dlopen counts references): one mapping of it in the process.
    QFile maps(u"/proc/%1/maps"_s.arg(target.pid()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    const QByteArray text = maps.readAll();
    QStringList mapped;
    for (const QByteArray& line : text.split('\n'))
        if (line.endsWith("libleakscope-agent.so") && !mapped.contains(QString::fromLatin1(line.mid(line.lastIndexOf(' ') + 1))))
            mapped << QString::fromLatin1(line.mid(line.lastIndexOf(' ') + 1));
    QCOMPARE(mapped.size(), 1);
    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QCOMPARE(exitCode, 0);
}

// The options of attach together, on a process started with tracemalloc and holding a garbage cycle
// with a __del__: --no-collect leaves the cycle alone; --save keeps a snapshot with the label and the
// Python lines that allocated the planted orphans; --output and --format csv write the report to the
// file; --ignore marks what its rule matches. Then a plain attach collects, which runs the __del__ in
// the process (docs/attach.md says so).
void AttachCaptureTest::optionsTracemallocAndCollect()
{
    Target target(u"garbage"_s, {}, false, {u"-X"_s, u"tracemalloc=5"_s});
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    QTemporaryDir dir;
    const QString saved = dir.filePath(u"attached.lssnap"_s);
    const QString csv = dir.filePath(u"report.csv"_s);
    const QString rules = dir.filePath(u"rules"_s);
    {
        QFile file(rules);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("type plantleak.Leaky\n");
    }
    const clitest::Run run = clitest::runCli({u"attach"_s, u"--no-collect"_s, u"--format"_s, u"csv"_s, u"--output"_s, csv,
                                              u"--save"_s, saved, u"--label"_s, u"after warm-up"_s, u"--ignore"_s, rules,
                                              QString::number(target.pid())});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.isEmpty(), run.out.constData()); // the report went to the file
    QVERIFY2(!target.outputSoFar(300).contains("finalized"), target.outputSoFar().constData());

    QFile report(csv);
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = report.readAll().split('\n');
    QVERIFY2(rows.size() > 3 && rows.first().startsWith("address,"), rows.first().constData());
    bool leakyIgnored = false;
    for (const QByteArray& row : rows)
        if (row.contains("plantleak.Leaky"))
            leakyIgnored = row.contains("type plantleak.Leaky");
    QVERIFY2(leakyIgnored, "the Leaky row does not name the ignore rule that matched it");

    // The saved snapshot reports like a script's: its label, tracemalloc's depth, and the planted
    // orphans allocated at lines of attach_target.py.
    const clitest::Run again = clitest::runCli({u"report"_s, u"--format"_s, u"json"_s, saved});
    QVERIFY2(again.finished && again.exitCode == 0, again.describe().constData());
    const QJsonObject document = QJsonDocument::fromJson(again.out).object();
    QCOMPARE(document.value(u"tracemalloc_depth"_s).toInt(), 5);
    QCOMPARE(QString::fromStdString(leakscope::loadSnapshotFile(saved.toStdString())->info().label), u"after warm-up"_s);
    QString error;
    QCOMPARE(plantedSuspects(again.out, &error), (QStringList{u"dict"_s, u"instance"_s, u"list"_s}));
    int placed = 0;
    for (const QJsonValue& value : document.value(u"candidates"_s).toArray()) {
        const QJsonObject candidate = value.toObject();
        if (!candidate.value(u"suspect"_s).toBool())
            continue;
        const QJsonArray frames = candidate.value(u"allocated_at"_s).toArray();
        if (!frames.isEmpty() && frames.first().toObject().value(u"file"_s).toString().endsWith(u"attach_target.py"_s))
            ++placed;
    }
    QCOMPARE(placed, 3);

    // Collecting (the default) frees the cycle: its __del__ runs in the process.
    const clitest::Run collected = clitest::runCli({u"attach"_s, u"--format"_s, u"json"_s, QString::number(target.pid())});
    QVERIFY2(collected.finished && collected.exitCode == 0, collected.describe().constData());
    QElapsedTimer clock;
    clock.start();
    while (!target.outputSoFar(200).contains("finalized") && clock.elapsed() < 5000) {
    }
    QVERIFY2(target.outputSoFar().contains("finalized"), target.outputSoFar().constData());

    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QVERIFY2(exitCode == 0, output.constData());
    QCOMPARE(output.count("finalized"), 1);
}

void AttachCaptureTest::gilHeldByCCall()
{
    Target target(u"gil"_s, u"6"_s);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    const int threads = threadCount(target.pid());
    QElapsedTimer clock;
    clock.start();
    const clitest::Run run = clitest::runCli({u"attach"_s, u"--timeout"_s, u"2"_s, QString::number(target.pid())});
    const qint64 elapsed = clock.elapsed();
    QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
    QVERIFY2(run.err.contains("did not release the GIL"), run.err.constData());
    QVERIFY2(elapsed < 4000, qPrintable(u"took %1 ms"_s.arg(elapsed)));
    qInfo("GIL held: refused after %lld ms: %s", elapsed, run.err.trimmed().constData());
    // When the C call returns, the agent's thread gets the GIL, sees nobody waits and ends.
    QThread::sleep(5);
    if (!leakscope::attachtest::kRuntimeAddsAThread)
        QCOMPARE(settle([&] { return threadCount(target.pid()); }, threads), threads);
    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QVERIFY2(exitCode == 0 && output.contains("done"), output.constData());
}

void AttachCaptureTest::processDiesDuringCapture()
{
    Target target(u"heap"_s, u"3000000"_s);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    const pid_t pid = target.pid();
    const int threads = threadCount(pid);
    QProcess cli;
    cli.start(clitest::cliPath(), {u"attach"_s, u"--timeout"_s, u"20"_s, QString::number(pid)});
    QVERIFY(cli.waitForStarted());
    QElapsedTimer clock;
    clock.start();
    // The agent's thread appears when the library is loaded; the capture of ~2M objects follows.
    while (threadCount(pid) == threads && clock.elapsed() < 10000)
        QThread::msleep(5);
    QThread::msleep(250);
    ::kill(pid, SIGKILL);
    QVERIFY(cli.waitForFinished(25000));
    const QByteArray err = cli.readAllStandardError();
    QCOMPARE(cli.exitCode(), 2);
    QVERIFY2(err.contains("exited"), err.constData());
    QVERIFY2(clock.elapsed() < 20000, qPrintable(u"took %1 ms"_s.arg(clock.elapsed())));
    qInfo("killed during the attach: %s (%lld ms)", err.trimmed().constData(), clock.elapsed());
}

void AttachCaptureTest::gdbDies()
{
    Target target(u"sleep"_s);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    QTemporaryDir bin;
    QFile fake(bin.filePath(u"gdb"_s));
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("#!/bin/sh\nkill -KILL $$\n");
    fake.close();
    fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    clitest::RunOptions options;
    options.environment.insert(u"PATH"_s, bin.path() + u':' + options.environment.value(u"PATH"_s));
    const clitest::Run run = clitest::runCli({u"attach"_s, u"--timeout"_s, u"10"_s, QString::number(target.pid())}, options);
    QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
    QVERIFY2(run.err.contains("gdb"), run.err.constData());
    qInfo("gdb killed: %s", run.err.trimmed().constData());
    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QVERIFY2(exitCode == 0 && output.contains("done"), output.constData());
}

void AttachCaptureTest::agentNeverConnects()
{
    Target target(u"sleep"_s);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    clitest::RunOptions options;
    options.environment.insert(u"LEAKSCOPE_AGENT"_s, QStringLiteral(LEAKSCOPE_SILENT_AGENT));
    QElapsedTimer clock;
    clock.start();
    const clitest::Run run = clitest::runCli({u"attach"_s, u"--timeout"_s, u"2"_s, QString::number(target.pid())}, options);
    QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
    QVERIFY2(run.err.contains("did not connect within the timeout of 2 s"), run.err.constData());
    QVERIFY2(clock.elapsed() < 4000, qPrintable(u"took %1 ms"_s.arg(clock.elapsed())));
    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QVERIFY2(exitCode == 0 && output.contains("done"), output.constData());
}

void AttachCaptureTest::notPythonAndMissing()
{
    QProcess sleeper;
    sleeper.start(u"sleep"_s, {u"30"_s});
    QVERIFY(sleeper.waitForStarted());
    const qint64 freedPid = sleeper.processId();
    const clitest::Run notPython = clitest::runCli({u"attach"_s, QString::number(freedPid)});
    sleeper.kill();
    sleeper.waitForFinished();
    QVERIFY2(notPython.finished && notPython.exitCode == 2, notPython.describe().constData());
    QVERIFY2(notPython.err.contains("is not a Python process"),
             notPython.err.constData());

    // A pid that was just freed: the sleeper's, now reaped.
    const clitest::Run missing = clitest::runCli({u"attach"_s, QString::number(freedPid)});
    QVERIFY2(missing.finished && missing.exitCode == 2, missing.describe().constData());
    QVERIFY2(missing.err.contains("no such process"), missing.err.constData());
}

void AttachCaptureTest::processOfAnotherUser()
{
    if (::geteuid() != 0)
        QSKIP("needs root to start a process as another user");
    Target target(u"sleep"_s, {}, true);
    QVERIFY(target.waitReady());
    QString why;
    if (!ptraceAllowed(target.pid(), &why))
        QSKIP(qPrintable(why));
    // Root may trace it; the agent, running as nobody, must be able to reach the private socket.
    const clitest::Run run = clitest::runCli({u"attach"_s, u"--format"_s, u"json"_s, QString::number(target.pid())});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QString error;
    QCOMPARE(plantedSuspects(run.out, &error), (QStringList{u"dict"_s, u"instance"_s, u"list"_s}));
    int exitCode = -1;
    QByteArray output;
    QVERIFY(target.finish(&exitCode, &output));
    QVERIFY2(exitCode == 0, output.constData());
}

QTEST_GUILESS_MAIN(AttachCaptureTest)
#include "tst_attach_capture.moc"
