// The gdb injector against real /usr/bin/python3 children: the agent library gets in whatever the
// target is doing, the target then finishes with its own exit status, and failures come back as one
// clear line without harming the target.
#include "attach/gdb_injector.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

using leakscope::attach::GdbInjector;
using leakscope::attach::InjectionResult;

namespace {

constexpr int kTargetSeconds = 4;

// Each target prints "ready" once it is in its blocking state and exits 0 about kTargetSeconds later.
QString targetScript(const std::string& kind)
{
    const std::string t = std::to_string(kTargetSeconds);
    std::string s;
    if (kind == "sleep")
        s = std::string("import time\nprint('ready', flush=True)\ntime.sleep(" + t + ")\n");
    if (kind == "lock")
        s = std::string("import threading, time\n"
               "lock = threading.Lock()\nheld = threading.Event()\n"
               "def holder():\n    lock.acquire()\n    held.set()\n    time.sleep(" + t + ")\n    lock.release()\n"
               "threading.Thread(target=holder).start()\nheld.wait()\n"
               "print('ready', flush=True)\nlock.acquire()\n");
    if (kind == "spin")
        s = std::string("import time\nend = time.monotonic() + " + t + "\nn = 0\nprint('ready', flush=True)\n"
               "while time.monotonic() < end:\n    n += 1\n");
    if (kind == "select")
        s = std::string("import os, select\nr, w = os.pipe()\nprint('ready', flush=True)\n"
               "select.select([r], [], [], " + t + ")\n");
    // Traced by its parent (the test), so no debugger can attach to it.
    if (kind == "traced")
        s = std::string("import ctypes, time\nctypes.CDLL(None).ptrace(0, 0, None, None)\n"
               "print('ready', flush=True)\ntime.sleep(" + t + ")\n");
    return QString::fromStdString(s);
}

bool startTarget(QProcess& p, const std::string& kind)
{
    p.setProgram(QStringLiteral(LEAKSCOPE_TEST_PYTHON));
    p.setArguments({QStringLiteral("-c"), targetScript(kind)});
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start();
    if (!p.waitForStarted(5000))
        return false;
    QElapsedTimer t;
    t.start();
    while (!p.canReadLine() && t.elapsed() < 10000)
        p.waitForReadyRead(200);
    return p.readLine().trimmed() == "ready";
}

QByteArray waitForFile(const QString& path, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            return f.readAll();
        QThread::msleep(20);
    }
    return {};
}

} // namespace

class TstGdbInjector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void injectsAndTargetFinishes_data();
    void injectsAndTargetFinishes();
    void missingProcessFailsQuickly();
    void untraceableProcessGivesGdbsReason();
    void missingLibraryIsRefusedBeforeAttaching();
    void dlopenFailureIsReported();
    void timeoutInterruptsTheCallAndTheTargetLivesOn();
};

void TstGdbInjector::injectsAndTargetFinishes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("otherThreads");
    for (const char* kind : {"sleep", "lock", "spin", "select"}) {
        const int others = std::string(kind) == "lock" ? 2 : 1;
        QTest::addRow("%s/file", kind) << QString::fromLatin1(kind) << QStringLiteral("file") << others;
        QTest::addRow("%s/python", kind) << QString::fromLatin1(kind) << QStringLiteral("python") << others;
    }
}

void TstGdbInjector::injectsAndTargetFinishes()
{
    QFETCH(QString, kind);
    QFETCH(QString, mode);
    QFETCH(int, otherThreads);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess target;
    QVERIFY2(startTarget(target, kind.toStdString()), qPrintable(kind));
    const QString out = dir.filePath(QStringLiteral("agent.out"));

    GdbInjector injector;
    const InjectionResult r = injector.inject(static_cast<pid_t>(target.processId()), LEAKSCOPE_TEST_AGENT,
                                              (mode + QLatin1Char(':') + out).toStdString());
    QVERIFY2(r.ok, (r.error + "\n" + r.transcript).c_str());
    QVERIFY(r.error.empty());
    QVERIFY(r.stoppedMs >= 0);
    qInfo("%s: target stopped %.1f ms (%s)%s%s", qPrintable(kind), r.stoppedMs, r.stoppedMeasuredBy.c_str(),
          r.warning.empty() ? "" : "; ", r.warning.c_str());

    const QByteArray written = waitForFile(out, 10000);
    if (mode == QLatin1String("file")) {
        QCOMPARE(written, QByteArray("started " + QByteArray::number(target.processId()) + "\n"));
    } else {
        QCOMPARE(written, QByteArray("initialized=1 threads=" + QByteArray::number(otherThreads) + "\n"));
    }
    QVERIFY(target.waitForFinished((kTargetSeconds + 20) * 1000));
    QCOMPARE(target.exitStatus(), QProcess::NormalExit);
    QCOMPARE(target.exitCode(), 0);
}

void TstGdbInjector::missingProcessFailsQuickly()
{
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"), {});
    QVERIFY(gone.waitForFinished(5000));
    const pid_t pid = static_cast<pid_t>(gone.processId() ? gone.processId() : 0);
    QElapsedTimer t;
    t.start();
    const InjectionResult r = GdbInjector().inject(pid > 0 ? pid : 999999, LEAKSCOPE_TEST_AGENT, "file:/nonexistent");
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find("does not exist") != std::string::npos, r.error.c_str());
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(r.stoppedMs, -1.0);
}

void TstGdbInjector::untraceableProcessGivesGdbsReason()
{
    QProcess target;
    QVERIFY(startTarget(target, "traced"));
    const InjectionResult r = GdbInjector().inject(static_cast<pid_t>(target.processId()), LEAKSCOPE_TEST_AGENT,
                                                   "file:/nonexistent");
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find("Operation not permitted") != std::string::npos, (r.error + "\n" + r.transcript).c_str());
    // Still running, untouched: it was never stopped by gdb.
    QCOMPARE(target.state(), QProcess::Running);
    ::kill(static_cast<pid_t>(target.processId()), SIGKILL); // a traced child stops on SIGTERM
    QVERIFY(target.waitForFinished(5000));
}

void TstGdbInjector::missingLibraryIsRefusedBeforeAttaching()
{
    QProcess target;
    QVERIFY(startTarget(target, "sleep"));
    const InjectionResult r = GdbInjector().inject(static_cast<pid_t>(target.processId()),
                                                   "/nonexistent/agent.so", "file:/nonexistent");
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find("does not exist: /nonexistent/agent.so") != std::string::npos, r.error.c_str());
    QVERIFY(r.transcript.empty());
    QVERIFY(target.waitForFinished((kTargetSeconds + 20) * 1000));
    QCOMPARE(target.exitCode(), 0);
}

void TstGdbInjector::dlopenFailureIsReported()
{
    // A file that exists but is not a shared library: dlopen fails inside the target, which carries on.
    QTemporaryDir dir;
    const QString bogus = dir.filePath(QStringLiteral("not-a-library.so"));
    QFile f(bogus);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not an ELF file\n");
    f.close();
    QProcess target;
    QVERIFY(startTarget(target, "sleep"));
    const InjectionResult r = GdbInjector().inject(static_cast<pid_t>(target.processId()), bogus.toStdString(),
                                                   "file:/nonexistent");
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find("dlopen failed in the target") != std::string::npos, (r.error + "\n" + r.transcript).c_str());
    qInfo("dlopen failure: %s", r.error.c_str());
    QVERIFY(target.waitForFinished((kTargetSeconds + 20) * 1000));
    QCOMPARE(target.exitStatus(), QProcess::NormalExit);
    QCOMPARE(target.exitCode(), 0);
}

void TstGdbInjector::timeoutInterruptsTheCallAndTheTargetLivesOn()
{
    // The start function blocks for 4 s in the target's stopped thread; the 1.5 s budget runs out in
    // the middle of that call.
    QProcess target;
    QVERIFY(startTarget(target, "sleep"));
    GdbInjector::Options options;
    options.timeoutMs = 1500;
    QElapsedTimer t;
    t.start();
    const InjectionResult r = GdbInjector(options).inject(static_cast<pid_t>(target.processId()),
                                                          LEAKSCOPE_TEST_AGENT, "block:4");
    const qint64 elapsed = t.elapsed();
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find("did not finish within 1500 ms") != std::string::npos, r.error.c_str());
    QVERIFY2(r.error.find("unwound its call in the target and detached") != std::string::npos,
             (r.error + "\n" + r.transcript).c_str());
    QVERIFY2(elapsed < 1500 + options.interruptGraceMs + 500, qPrintable(QString::number(elapsed)));
    qInfo("timeout: %s (after %lld ms)", r.error.c_str(), static_cast<long long>(elapsed));
    QVERIFY(target.waitForFinished((kTargetSeconds + 20) * 1000));
    QCOMPARE(target.exitStatus(), QProcess::NormalExit);
    QCOMPARE(target.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TstGdbInjector)
#include "tst_gdb_injector.moc"
