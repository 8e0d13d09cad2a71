// Process discovery and the attach self-test on real processes: a python3 child sleeping, a `sleep`
// child, a pid that does not exist; and `leakscope-cli ps` and `attach --check` run as a user would.

#include "attach/attach_check.h"
#include "attach/process_info.h"
#include "cli_process.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <algorithm>
#include <memory>
#include <sys/ptrace.h>
#include <unistd.h>

using namespace leakscope::attach;
using namespace Qt::StringLiterals;

namespace {

// A child that runs until the test ends, killed then.
class Child
{
public:
    // traced: the child asks to be traced by this test (PTRACE_TRACEME) and stops at its exec.
    Child(const QString& program, const QStringList& arguments, bool traced = false)
    {
        if (traced)
            m_process.setChildProcessModifier([] { ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr); });
        m_process.setProgram(program);
        m_process.setArguments(arguments);
        m_process.start();
        m_process.waitForStarted(10000);
    }
    ~Child()
    {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
    bool running() const { return m_process.state() == QProcess::Running; }
    pid_t pid() const { return static_cast<pid_t>(m_process.processId()); }

private:
    QProcess m_process;
};

// A pid above the kernel's pid_max: no process can have it.
pid_t missingPid()
{
    QFile file(u"/proc/sys/kernel/pid_max"_s);
    if (!file.open(QIODevice::ReadOnly))
        return 4194305;
    return static_cast<pid_t>(file.readAll().trimmed().toLong() + 1);
}

// The system as it is, except that gdb and Yama cannot decide the verdict.
SystemView permissiveSystem()
{
    SystemView system = currentSystem();
    system.ptraceScope = -1;
    system.findProgram = [](const std::string&) { return std::string("/usr/bin/gdb"); };
    return system;
}

} // namespace

class AttachProcessTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void discoversPythonChild();
    void sleepIsNotPython();
    void debugPythonIsAnotherBuild();
    void missingPidIsNoSuchProcess();
    void tracedProcessIsAlreadyTraced();
    void cliPsListsPythonChild();
    void cliPsJson();
    void cliAttachCheck();
    void cliAttachCheckErrors();
    void cliAsAnotherUser();

private:
    std::unique_ptr<Child> m_python;
    std::unique_ptr<Child> m_sleep;
};

void AttachProcessTest::initTestCase()
{
    m_python = std::make_unique<Child>(clitest::pythonPath(), QStringList{u"-c"_s, u"import time; time.sleep(30)"_s});
    m_sleep = std::make_unique<Child>(u"sleep"_s, QStringList{u"30"_s});
    QVERIFY(m_python->running());
    QVERIFY(m_sleep->running());
}

void AttachProcessTest::cleanupTestCase()
{
    m_python.reset();
    m_sleep.reset();
}

void AttachProcessTest::discoversPythonChild()
{
    const std::vector<pid_t> pids = listPids("/proc");
    QVERIFY(std::find(pids.begin(), pids.end(), m_python->pid()) != pids.end());
    const ProcessInfo info = readProcess("/proc", m_python->pid());
    QVERIFY(info.exists);
    QVERIFY(info.python.isPython);
    QCOMPARE(info.python.version, std::string("3.11"));
    QCOMPARE(info.python.version, builtForPythonVersion());
    QVERIFY2(info.commandLine.find("time.sleep(30)") != std::string::npos, info.commandLine.c_str());
    QVERIFY(info.uidKnown);
    QCOMPARE(info.uid, ::getuid());
    QCOMPARE(info.tracerPid, 0);
    const CheckResult result = checkAttach(m_python->pid(), permissiveSystem());
    QVERIFY2(result.ok(), result.message.c_str());
}

void AttachProcessTest::sleepIsNotPython()
{
    const CheckResult result = checkAttach(m_sleep->pid(), permissiveSystem());
    QCOMPARE(verdictName(result.verdict), "not-python");
    QVERIFY2(result.message.find("sleep") != std::string::npos, result.message.c_str());
}

void AttachProcessTest::debugPythonIsAnotherBuild()
{
    // Debian's python3-dbg: the same version, built with Py_DEBUG.
    const QString debugPython = u"/usr/bin/python3.11d"_s;
    if (!QFile::exists(debugPython))
        QSKIP("python3.11d is not installed (Debian package python3-dbg)");
    Child child(debugPython, QStringList{u"-c"_s, u"import time; time.sleep(30)"_s});
    QVERIFY(child.running());
    const ProcessInfo info = readProcess("/proc", child.pid());
    QVERIFY(info.python.isPython);
    QVERIFY(info.python.debugBuild);
    QCOMPARE(info.python.version, std::string("3.11"));
    const CheckResult result = checkAttach(info, permissiveSystem());
    QCOMPARE(verdictName(result.verdict), "wrong-python-build");
}

void AttachProcessTest::missingPidIsNoSuchProcess()
{
    QCOMPARE(verdictName(checkAttach(missingPid(), currentSystem()).verdict), "no-such-process");
}

void AttachProcessTest::tracedProcessIsAlreadyTraced()
{
    Child traced(clitest::pythonPath(), QStringList{u"-c"_s, u"pass"_s}, true);
    QVERIFY(traced.running());
    const ProcessInfo info = readProcess("/proc", traced.pid());
    QVERIFY(info.exists);
    QCOMPARE(info.tracerPid, ::getpid());
    const CheckResult result = checkAttach(info, permissiveSystem());
    QCOMPARE(verdictName(result.verdict), "already-traced");
    QVERIFY2(result.message.find(std::to_string(::getpid())) != std::string::npos, result.message.c_str());
}

void AttachProcessTest::cliPsListsPythonChild()
{
    const clitest::Run run = clitest::runCli({u"ps"_s});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QString pid = QString::number(m_python->pid());
    const QStringList lines = clitest::nonEmptyLines(run.out);
    const auto row = std::find_if(
        lines.begin(), lines.end(), [&](const QString& line) { return line.trimmed().startsWith(pid + u' '); });
    QVERIFY2(row != lines.end(), run.describe().constData());
    QVERIFY(row->contains(u" 3.11 "_s));
    QVERIFY(row->contains(u"time.sleep(30)"_s));
    QVERIFY(!run.out.contains(QByteArray::number(m_sleep->pid()) + "  "));
}

void AttachProcessTest::cliPsJson()
{
    const clitest::Run run = clitest::runCli({u"ps"_s, u"--all"_s, u"--format"_s, u"json"_s});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, run.describe().constData());
    QCOMPARE(document.object().value(u"built_for_python"_s).toString(), u"3.11"_s);
    QJsonObject python;
    bool sleepListed = false;
    for (const auto& value : document.object().value(u"processes"_s).toArray()) {
        const QJsonObject process = value.toObject();
        if (process.value(u"pid"_s).toInteger() == m_python->pid())
            python = process;
        if (process.value(u"pid"_s).toInteger() == m_sleep->pid())
            sleepListed = true;
    }
    QVERIFY2(!python.isEmpty(), run.describe().constData());
    QCOMPARE(python.value(u"python"_s).toString(), u"3.11"_s);
    QVERIFY(python.value(u"command"_s).toString().contains(u"time.sleep(30)"_s));
    QVERIFY(python.value(u"attachable"_s).isBool());
    QCOMPARE(python.value(u"reason"_s).isNull(), python.value(u"attachable"_s).toBool());
    QVERIFY(!sleepListed);
}

void AttachProcessTest::cliAttachCheck()
{
    const clitest::Run run = clitest::runCli({u"attach"_s, u"--check"_s, QString::number(m_python->pid())});
    QVERIFY(run.finished);
    // Whether it may attach depends on this machine (gdb, Yama); its verdict must agree with the library's.
    const CheckResult expected = checkAttach(m_python->pid(), currentSystem());
    QCOMPARE(run.exitCode, expected.ok() ? 0 : 2);
    QVERIFY2((expected.ok() ? run.out : run.err).contains(QByteArray::fromStdString(expected.message)),
        run.describe().constData());
}

void AttachProcessTest::cliAttachCheckErrors()
{
    const clitest::Run sleep = clitest::runCli({u"attach"_s, u"--check"_s, QString::number(m_sleep->pid())});
    QVERIFY2(sleep.finished && sleep.exitCode == 2, sleep.describe().constData());
    QVERIFY2(sleep.err.contains("is not a Python process"), sleep.describe().constData());
    QVERIFY(sleep.out.isEmpty());

    const clitest::Run missing = clitest::runCli({u"attach"_s, u"--check"_s, QString::number(missingPid())});
    QVERIFY2(missing.finished && missing.exitCode == 2, missing.describe().constData());
    QVERIFY2(missing.err.contains("no such process"), missing.describe().constData());

    const clitest::Run notNumber = clitest::runCli({u"attach"_s, u"--check"_s, u"12ab"_s});
    QVERIFY2(notNumber.finished && notNumber.exitCode == 2, notNumber.describe().constData());
    QVERIFY(notNumber.err.contains("is not a process id"));

    const clitest::Run badTimeout = clitest::runCli({u"attach"_s, u"--timeout"_s, u"0"_s, QString::number(m_python->pid())});
    QVERIFY2(badTimeout.finished && badTimeout.exitCode == 2, badTimeout.describe().constData());
    QVERIFY(badTimeout.err.contains("--timeout needs a number of seconds"));
}

void AttachProcessTest::cliAsAnotherUser()
{
    if (::geteuid() != 0)
        QSKIP("needs root to run leakscope-cli as nobody against this user's process");
    clitest::RunOptions options;
    options.asNobody = true;
    const clitest::Run check = clitest::runCli({u"attach"_s, u"--check"_s, QString::number(m_python->pid())}, options);
    QVERIFY2(check.finished && check.exitCode == 2, check.describe().constData());
    QVERIFY2(check.err.contains("belongs to user root"), check.describe().constData());

    const clitest::Run ps = clitest::runCli({u"ps"_s}, options);
    QVERIFY2(ps.finished && ps.exitCode == 0, ps.describe().constData());
    QVERIFY(!ps.out.contains("time.sleep(30)"));
    const clitest::Run all = clitest::runCli({u"ps"_s, u"--all"_s}, options);
    QVERIFY2(all.finished && all.exitCode == 0, all.describe().constData());
    QVERIFY2(
        all.out.contains("time.sleep(30)") && all.out.contains("belongs to user root"), all.describe().constData());
}

QTEST_GUILESS_MAIN(AttachProcessTest)
#include "tst_attach_process.moc"
