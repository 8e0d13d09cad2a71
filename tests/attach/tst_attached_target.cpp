// AttachedProcessTarget against real Debian python3 children that plant leaks with the plantleak fixture
// and sleep (tests/scripts/attach_target.py): the attach runs off the test's thread and ends in ready(),
// a snapshot lists the planted orphans as suspects, a live description finds the planted instance, Detach
// leaves the process running (it exits 0 on its own), Interrupt does not signal it; a process killed while
// attached is lost within 2 s, and a process that is not Python is refused with the self-test's reason.
#include "support/attach_targets.h"
#include "attach/attach_check.h"
#include "snapshot/analysis.h"
#include "target/attached_process_target.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using leakscope::AttachedProcessTarget;
using leakscope::AttachLaunch;
using leakscope::Target;

namespace {

// A python3 child running attach_target.py in sleep mode until its stop file exists.
class Child
{
public:
    explicit Child(const QString& program = QStringLiteral(LEAKSCOPE_TEST_PYTHON), QStringList arguments = {})
    {
        m_stop = m_dir.filePath(u"stop"_s);
        if (arguments.isEmpty())
            arguments = {QStringLiteral(LEAKSCOPE_TEST_SCRIPTS) + u"/attach_target.py"_s,
                         QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR), u"sleep"_s, m_stop};
        m_process.setProcessEnvironment(leakscope::attachtest::targetEnvironment());
        m_process.start(program, arguments);
    }
    ~Child()
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
    qint64 pid() const { return m_process.processId(); }
    QProcess& process() { return m_process; }
    // Asks the program to end and waits for it: its exit code, -1 when it crashed or did not end.
    int finish(QByteArray* output)
    {
        QFile(m_stop).open(QIODevice::WriteOnly);
        const bool ended = m_process.waitForFinished(30000);
        *output = m_out + m_process.readAllStandardOutput() + m_process.readAllStandardError();
        return ended && m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QTemporaryDir m_dir;
    QString m_stop;
    QProcess m_process;
    QByteArray m_out;
};

AttachLaunch launchFor(qint64 pid)
{
    AttachLaunch launch;
    launch.pid = pid;
    launch.agentPath = QStringLiteral(LEAKSCOPE_AGENT_LIBRARY);
    return launch;
}

bool ptraceAllowed(qint64 pid, QString* why)
{
    const auto check = leakscope::attach::checkAttach(static_cast<pid_t>(pid), leakscope::attach::currentSystem());
    *why = QString::fromStdString(check.message);
    return check.ok();
}

// Starts target and waits for ready(); the attach's failure, if any, in *error.
bool attachTarget(AttachedProcessTarget& target, QString* error)
{
    QSignalSpy ready(&target, &Target::ready);
    QSignalSpy lost(&target, &Target::lost);
    target.start();
    if (target.state() != Target::State::Starting) {
        *error = u"not Starting after start()"_s;
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    while (ready.isEmpty() && lost.isEmpty() && clock.elapsed() < 40000)
        QTest::qWait(20);
    if (!lost.isEmpty())
        *error = lost.first().first().toString();
    else if (ready.isEmpty())
        *error = u"no ready() within 40 s"_s;
    return !ready.isEmpty();
}

// What was planted, among the snapshot's suspects; "other: TYPE REPR" for the rest.
QStringList plantedSuspects(const leakscope::Snapshot& snapshot, leakscope::ObjectIndex* leaky)
{
    const leakscope::HeapAnalysis analysis(snapshot);
    QStringList found;
    for (leakscope::ObjectIndex i = 0; i < snapshot.objectCount(); ++i) {
        if (!analysis.isSuspect(i))
            continue;
        const QString type = QString::fromUtf8(snapshot.typeNameOf(i));
        const QString repr = QString::fromStdString(snapshot.repr(i));
        if (type == u"builtins.dict"_s && repr.contains(u"'orphan-dict'"_s)) {
            found << u"dict"_s;
        } else if (type == u"plantleak.Leaky"_s) {
            found << u"instance"_s;
            *leaky = i;
        } else if (type == u"builtins.list"_s && repr.contains(u"'list-child'"_s)) {
            found << u"list"_s;
        } else {
            found << u"other: "_s + type + u' ' + repr.left(80);
        }
    }
    found.sort();
    return found;
}

QString firstFailure(const QSignalSpy& failures)
{
    return failures.isEmpty() ? QString() : failures.first().at(1).toString();
}

} // namespace

class AttachedTargetTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<leakscope::SnapshotPtr>(); qRegisterMetaType<leakscope::LiveObject>(); }
    void snapshotDescribeDetach();
    void processKilledWhileAttached();
    void notPython();
};

void AttachedTargetTest::snapshotDescribeDetach()
{
    Child child;
    QVERIFY(child.waitReady());
    QString why;
    if (!ptraceAllowed(child.pid(), &why))
        QSKIP(qPrintable(u"attaching is not permitted here: "_s + why));

    AttachedProcessTarget target(launchFor(child.pid()));
    QSignalSpy output(&target, &Target::outputReceived);
    QElapsedTimer clock;
    clock.start();
    QString error;
    QVERIFY2(attachTarget(target, &error), qPrintable(error));
    qInfo("attached in %lld ms (agent handshake after %lld ms)", clock.elapsed(), target.attachMs());
    QCOMPARE(target.state(), Target::State::Ready);
    QCOMPARE(target.pid(), child.pid());
    QVERIFY2(target.pythonVersion().startsWith(u"3."_s), qPrintable(target.pythonVersion()));
    QVERIFY(target.isAttached());
    QCOMPARE(output.size(), 1);
    const QString said = QString::fromUtf8(output.first().at(1).toByteArray());
    QVERIFY2(said.contains(u"Attached to process %1 (Python %2)"_s.arg(child.pid()).arg(target.pythonVersion())),
             qPrintable(said));
    target.runScript();
    QCOMPARE(target.state(), Target::State::Running);

    QSignalSpy snapshots(&target, &Target::snapshotReady);
    QSignalSpy failures(&target, &Target::requestFailed);
    QSignalSpy progress(&target, &Target::progress);
    clock.restart();
    const quint32 id = target.requestSnapshot(u"attached"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty() || !failures.isEmpty(), 30000);
    QVERIFY2(failures.isEmpty(), qPrintable(firstFailure(failures)));
    qInfo("snapshot in %lld ms, %lld progress reports", clock.elapsed(), static_cast<long long>(progress.size()));
    QCOMPARE(snapshots.first().at(0).value<quint32>(), id);
    QCOMPARE(snapshots.first().at(1).toString(), u"attached"_s);
    const auto snapshot = snapshots.first().at(3).value<leakscope::SnapshotPtr>();
    QVERIFY(snapshot);
    leakscope::ObjectIndex leaky = leakscope::kNoObject;
    const QStringList suspects = plantedSuspects(*snapshot, &leaky);
    for (const QString& planted : {u"dict"_s, u"instance"_s, u"list"_s})
        QVERIFY2(suspects.contains(planted), qPrintable(suspects.join(u'\n')));

    // The planted instance lives on in the process: its own repr runs there.
    QSignalSpy described(&target, &Target::objectDescribed);
    const auto& type = snapshot->type(snapshot->typeOf(leaky));
    const quint32 describeId = target.describeObject(snapshot->address(leaky), type.address, u"plantleak.Leaky"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!described.isEmpty() || failures.size() > 0, 15000);
    QVERIFY2(failures.isEmpty(), qPrintable(firstFailure(failures)));
    QCOMPARE(described.first().at(0).value<quint32>(), describeId);
    const auto object = described.first().at(1).value<leakscope::LiveObject>();
    QVERIFY2(object.found, qPrintable(object.error));
    QCOMPARE(object.address, snapshot->address(leaky));

    // Interrupt does not apply: nothing is sent to the process, the session goes on.
    target.interrupt();
    QCOMPARE(target.state(), Target::State::Running);
    QCOMPARE(child.process().state(), QProcess::Running);

    // Detach: the target is finished, the process runs on and ends on its own.
    QSignalSpy lost(&target, &Target::lost);
    target.terminate();
    QCOMPARE(target.state(), Target::State::Finished);
    QTest::qWait(500);
    QVERIFY(lost.isEmpty());
    QCOMPARE(child.process().state(), QProcess::Running);
    // Asking after detaching fails, as a request.
    failures.clear();
    const quint32 late = target.requestSnapshot(u"late"_s);
    QTRY_COMPARE(failures.size(), 1);
    QCOMPARE(failures.first().at(0).value<quint32>(), late);
    QByteArray childOutput;
    QCOMPARE(child.finish(&childOutput), 0);
    QVERIFY2(childOutput.contains("done"), childOutput.constData());
}

void AttachedTargetTest::processKilledWhileAttached()
{
    Child child;
    QVERIFY(child.waitReady());
    QString why;
    if (!ptraceAllowed(child.pid(), &why))
        QSKIP(qPrintable(u"attaching is not permitted here: "_s + why));
    AttachedProcessTarget target(launchFor(child.pid()));
    QString error;
    QVERIFY2(attachTarget(target, &error), qPrintable(error));
    target.runScript();
    QSignalSpy lost(&target, &Target::lost);
    QElapsedTimer clock;
    clock.start();
    const qint64 pid = child.pid();
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(!lost.isEmpty(), 2000);
    qInfo("lost %lld ms after SIGKILL: %s", clock.elapsed(), qPrintable(lost.first().first().toString()));
    QCOMPARE(lost.first().first().toString(), u"process %1 exited"_s.arg(pid));
    QCOMPARE(target.state(), Target::State::Lost);
}

void AttachedTargetTest::notPython()
{
    Child child(u"/bin/sleep"_s, {u"30"_s});
    QVERIFY(child.process().waitForStarted());
    const auto check = leakscope::attach::checkAttach(static_cast<pid_t>(child.pid()), leakscope::attach::currentSystem());
    QCOMPARE(check.verdict, leakscope::attach::Verdict::NotPython);
    AttachedProcessTarget target(launchFor(child.pid()));
    QSignalSpy lost(&target, &Target::lost);
    QString error;
    QVERIFY(!attachTarget(target, &error));
    QCOMPARE(error, QString::fromStdString(check.message));
    QCOMPARE(target.state(), Target::State::Lost);
    QCOMPARE(child.process().state(), QProcess::Running);
}

QTEST_GUILESS_MAIN(AttachedTargetTest)
#include "tst_attached_target.moc"
