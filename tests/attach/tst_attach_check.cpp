// The attach self-test and the /proc reading behind it, on fake /proc trees: every verdict, and the
// Python version told from executables and mapped libraries.

#include "attach/attach_check.h"
#include "attach/process_info.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <unistd.h>

using namespace leakscope::attach;
using namespace Qt::StringLiterals;

namespace {

constexpr uid_t kUser = 1000;
constexpr uid_t kOtherUser = 1001;
constexpr pid_t kSelf = 100;

struct FakeProcess
{
    pid_t pid = 4242;
    uid_t uid = kUser;
    pid_t tracer = 0;
    QByteArray exe = "/usr/bin/python3.11";
    QByteArray maps = "55d0c0000000-55d0c0100000 r--p 00000000 08:01 1234 /usr/bin/python3.11\n"
                      "7f0000000000-7f0000100000 r-xp 00000000 08:01 99 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
    QByteArray cmdline = QByteArray("/usr/bin/python3|server.py|--port|8080|").replace('|', '\0');
    QByteArray name = "python3";
    QByteArray state = "S (sleeping)";
};

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// Writes process under root as /proc/PID/{status,cmdline,maps,exe} would read.
bool addProcess(const QString& root, const FakeProcess& process)
{
    const QString dir = root + u'/' + QString::number(process.pid);
    if (!QDir().mkpath(dir))
        return false;
    const QByteArray uid = QByteArray::number(process.uid);
    const QByteArray status = "Name:\t" + process.name + "\nState:\t" + process.state + "\nPid:\t"
        + QByteArray::number(process.pid) + "\nTracerPid:\t" + QByteArray::number(process.tracer) + "\nUid:\t" + uid
        + '\t' + uid + '\t' + uid + '\t' + uid + "\nGid:\t" + uid + '\t' + uid + '\t' + uid + '\t' + uid + '\n';
    return writeFile(dir + u"/status"_s, status) && writeFile(dir + u"/cmdline"_s, process.cmdline)
        && writeFile(dir + u"/maps"_s, process.maps)
        && ::symlink(process.exe.constData(), QFile::encodeName(dir + u"/exe"_s).constData()) == 0;
}

SystemView fakeSystem(const QString& root)
{
    SystemView system;
    system.procRoot = root.toStdString();
    system.selfPid = kSelf;
    system.uid = kUser;
    system.capSysPtrace = false;
    system.ptraceScope = 0;
    system.builtForVersion = LEAKSCOPE_BUILT_FOR_PYTHON;
    system.findProgram
        = [](const std::string& name) { return name == "gdb" ? std::string("/usr/bin/gdb") : std::string(); };
    return system;
}

} // namespace

class AttachCheckTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionFromFileName_data();
    void versionFromFileName();
    void buildFromMaps();
    void readsStatusAndCommandLine();
    void listsNumericEntriesOnly();
    void pythonProcessIsOk();
    void embeddedLibpythonIsOk();
    void missingProcess();
    void processGoneBeforeItsStatus();
    void zombieHasExited();
    void selfProcess();
    void notPython();
    void wrongVersionSaysWhichItWasBuiltFor();
    void debugBuildIsAnotherBuild();
    void otherUser();
    void otherUserUnreadableFiles();
    void unreadableOwnProcess();
    void ptraceScope_data();
    void ptraceScope();
    void alreadyTraced();
    void noGdb();
    void findOnPathLooksInEachDirectory();
    void userNames();
};

void AttachCheckTest::versionFromFileName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("debug");
    QTest::newRow("static executable") << "python3.11"
                                       << "3.11" << false;
    QTest::newRow("debug executable") << "python3.11d"
                                      << "3.11" << true;
    QTest::newRow("shared library") << "libpython3.11.so.1.0"
                                    << "3.11" << false;
    QTest::newRow("debug library") << "libpython3.11d.so.1.0"
                                   << "3.11" << true;
    QTest::newRow("newer") << "libpython3.13.so"
                           << "3.13" << false;
    QTest::newRow("no minor") << "python3"
                              << "" << false;
    QTest::newRow("config script") << "python3.11-config"
                                   << "" << false;
    QTest::newRow("static archive") << "libpython3.11.a"
                                    << "" << false;
    QTest::newRow("other program") << "sleep"
                                   << "" << false;
    QTest::newRow("pythonic prefix") << "pythonista"
                                     << "" << false;
}

void AttachCheckTest::versionFromFileName()
{
    QFETCH(QString, name);
    QFETCH(QString, version);
    QFETCH(bool, debug);
    bool isDebug = !debug;
    QCOMPARE(QString::fromStdString(pythonVersionFromFileName(name.toStdString(), &isDebug)), version);
    QCOMPARE(isDebug, debug);
}

void AttachCheckTest::buildFromMaps()
{
    // An embedding program: the library decides, whatever the executable's name.
    const std::string maps
        = "7f00-7f10 r--p 00000000 08:01 7 /usr/lib/x86_64-linux-gnu/libpython3.12.so.1.0 (deleted)\n";
    const PythonBuild embedded = pythonBuildFrom("/opt/app/bin/python3.11", maps);
    QVERIFY(embedded.isPython);
    QCOMPARE(embedded.version, std::string("3.12"));
    QVERIFY(embedded.sharedLibrary);
    QCOMPARE(embedded.interpreterFile, std::string("/usr/lib/x86_64-linux-gnu/libpython3.12.so.1.0"));

    const PythonBuild statically
        = pythonBuildFrom("/usr/bin/python3.11", "55d0-55d1 r--p 0 08:01 1 /usr/bin/python3.11\n");
    QVERIFY(statically.isPython);
    QCOMPARE(statically.version, std::string("3.11"));
    QVERIFY(!statically.sharedLibrary);

    const PythonBuild none
        = pythonBuildFrom("/usr/bin/sleep", "7f00-7f10 r-xp 0 08:01 9 /usr/lib/libc.so.6\n7f20-7f30 rw-p 0 00:00 0 \n");
    QVERIFY(!none.isPython);
    QVERIFY(none.version.empty());
}

void AttachCheckTest::readsStatusAndCommandLine()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    FakeProcess process;
    process.tracer = 77;
    QVERIFY(addProcess(root.path(), process));
    const ProcessInfo info = readProcess(root.path().toStdString(), process.pid);
    QVERIFY(info.exists);
    QCOMPARE(info.pid, process.pid);
    QVERIFY(info.uidKnown);
    QCOMPARE(info.uid, kUser);
    QCOMPARE(info.tracerPid, 77);
    QCOMPARE(info.commandLine, std::string("/usr/bin/python3 server.py --port 8080"));
    QCOMPARE(info.executable, std::string("/usr/bin/python3.11"));
    QCOMPARE(info.name, std::string("python3"));
    QCOMPARE(info.python.version, std::string("3.11"));
}

void AttachCheckTest::listsNumericEntriesOnly()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    for (const char* name : {"12", "self", "3", "sys", "12a", "400"})
        QVERIFY(QDir(root.path()).mkdir(QString::fromLatin1(name)));
    QCOMPARE(listPids(root.path().toStdString()), (std::vector<pid_t>{3, 12, 400}));
    QVERIFY(listPids(root.path().toStdString() + "/missing").empty());
}

void AttachCheckTest::pythonProcessIsOk()
{
    QTemporaryDir root;
    FakeProcess process;
    QVERIFY(addProcess(root.path(), process));
    const CheckResult result = checkAttach(process.pid, fakeSystem(root.path()));
    QCOMPARE(verdictName(result.verdict), "ok");
    QVERIFY(result.ok());
    QCOMPARE(result.process.python.version, std::string(LEAKSCOPE_BUILT_FOR_PYTHON));
}

void AttachCheckTest::embeddedLibpythonIsOk()
{
    QTemporaryDir root;
    FakeProcess process;
    process.exe = "/opt/service/bin/server";
    process.name = "server";
    process.maps
        = "7f00-7f10 r-xp 00000000 08:01 7 /usr/lib/x86_64-linux-gnu/libpython" LEAKSCOPE_BUILT_FOR_PYTHON ".so.1.0\n";
    QVERIFY(addProcess(root.path(), process));
    const CheckResult result = checkAttach(process.pid, fakeSystem(root.path()));
    QCOMPARE(verdictName(result.verdict), "ok");
    QVERIFY(result.process.python.sharedLibrary);
}

void AttachCheckTest::missingProcess()
{
    QTemporaryDir root;
    const CheckResult result = checkAttach(31337, fakeSystem(root.path()));
    QCOMPARE(result.verdict, Verdict::NoSuchProcess);
    QVERIFY(result.message.find("31337") != std::string::npos);
    QCOMPARE(checkAttach(0, fakeSystem(root.path())).verdict, Verdict::NoSuchProcess);
    QCOMPARE(checkAttach(-5, fakeSystem(root.path())).verdict, Verdict::NoSuchProcess);
}

void AttachCheckTest::processGoneBeforeItsStatus()
{
    // The directory is still listed but its files are gone: the process exited mid-read.
    QTemporaryDir root;
    QVERIFY(QDir(root.path()).mkdir(u"555"_s));
    const ProcessInfo info = readProcess(root.path().toStdString(), 555);
    QVERIFY(!info.exists);
    QVERIFY(info.executable.empty());
    QVERIFY(info.commandLine.empty());
    QCOMPARE(checkAttach(555, fakeSystem(root.path())).verdict, Verdict::NoSuchProcess);
}

void AttachCheckTest::zombieHasExited()
{
    QTemporaryDir root;
    FakeProcess process;
    process.state = "Z (zombie)";
    process.cmdline.clear();
    QVERIFY(addProcess(root.path(), process));
    const CheckResult result = checkAttach(process.pid, fakeSystem(root.path()));
    QCOMPARE(verdictName(result.verdict), "no-such-process");
    QVERIFY(result.message.find("has exited") != std::string::npos);
}

void AttachCheckTest::selfProcess()
{
    QTemporaryDir root;
    FakeProcess process;
    process.pid = kSelf;
    QVERIFY(addProcess(root.path(), process));
    QCOMPARE(checkAttach(kSelf, fakeSystem(root.path())).verdict, Verdict::SelfProcess);
}

void AttachCheckTest::notPython()
{
    QTemporaryDir root;
    FakeProcess process;
    process.exe = "/usr/bin/sleep";
    process.name = "sleep";
    process.cmdline = QByteArray("sleep|30|").replace('|', '\0');
    process.maps
        = "55d0-55d1 r--p 0 08:01 1 /usr/bin/sleep\n7f00-7f10 r-xp 0 08:01 9 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
    QVERIFY(addProcess(root.path(), process));
    const CheckResult result = checkAttach(process.pid, fakeSystem(root.path()));
    QCOMPARE(result.verdict, Verdict::NotPython);
    QVERIFY(result.message.find("/usr/bin/sleep") != std::string::npos);
    QVERIFY(result.message.find("not a Python process") != std::string::npos);
}

void AttachCheckTest::wrongVersionSaysWhichItWasBuiltFor()
{
    QTemporaryDir root;
    FakeProcess process;
    process.exe = "/usr/local/bin/python3.99";
    process.maps = "55d0-55d1 r--p 0 08:01 1 /usr/local/bin/python3.99\n";
    QVERIFY(addProcess(root.path(), process));
    const CheckResult result = checkAttach(process.pid, fakeSystem(root.path()));
    QCOMPARE(result.verdict, Verdict::WrongPythonVersion);
    QVERIFY(result.message.find("Python 3.99") != std::string::npos);
    QVERIFY(result.message.find("built for Python " LEAKSCOPE_BUILT_FOR_PYTHON) != std::string::npos);
}

void AttachCheckTest::debugBuildIsAnotherBuild()
{
    QTemporaryDir root;
    FakeProcess process;
    process.exe = "/usr/bin/python" LEAKSCOPE_BUILT_FOR_PYTHON "d";
    process.maps = "55d0-55d1 r--p 0 08:01 1 /usr/bin/python" LEAKSCOPE_BUILT_FOR_PYTHON "d\n";
    QVERIFY(addProcess(root.path(), process));
    SystemView system = fakeSystem(root.path());
    const CheckResult result = checkAttach(process.pid, system);
    QCOMPARE(verdictName(result.verdict), "wrong-python-build");
    QVERIFY2(result.message.find("a debug build of Python " LEAKSCOPE_BUILT_FOR_PYTHON) != std::string::npos,
        result.message.c_str());
    QVERIFY(result.message.find("built for the release build") != std::string::npos);
    system.builtForDebug = true;
    QCOMPARE(verdictName(checkAttach(process.pid, system).verdict), "ok");
}

void AttachCheckTest::otherUser()
{
    QTemporaryDir root;
    FakeProcess process;
    process.uid = kOtherUser;
    QVERIFY(addProcess(root.path(), process));
    SystemView system = fakeSystem(root.path());
    const CheckResult denied = checkAttach(process.pid, system);
    QCOMPARE(denied.verdict, Verdict::OtherUser);
    QVERIFY(denied.message.find("CAP_SYS_PTRACE") != std::string::npos);
    system.capSysPtrace = true;
    QCOMPARE(checkAttach(process.pid, system).verdict, Verdict::Ok);
}

void AttachCheckTest::otherUserUnreadableFiles()
{
    // Without CAP_SYS_PTRACE another user's exe and maps cannot be read: whether it runs Python is
    // unknown, and the user is what to fix.
    ProcessInfo process;
    process.pid = 4242;
    process.exists = true;
    process.uid = kOtherUser;
    process.uidKnown = true;
    process.user = "alice";
    process.name = "python3";
    process.executableState = FieldState::Unreadable;
    process.mapsState = FieldState::Unreadable;
    QTemporaryDir root;
    const CheckResult result = checkAttach(process, fakeSystem(root.path()));
    QCOMPARE(result.verdict, Verdict::OtherUser);
    QVERIFY(result.message.find("user alice") != std::string::npos);
}

void AttachCheckTest::unreadableOwnProcess()
{
    // A process of one's own that is not dumpable (setuid, prctl): its files are unreadable.
    ProcessInfo process;
    process.pid = 4242;
    process.exists = true;
    process.uid = kUser;
    process.uidKnown = true;
    process.executableState = FieldState::Unreadable;
    process.mapsState = FieldState::Unreadable;
    QTemporaryDir root;
    QCOMPARE(checkAttach(process, fakeSystem(root.path())).verdict, Verdict::Unreadable);
}

void AttachCheckTest::ptraceScope_data()
{
    QTest::addColumn<int>("scope");
    QTest::addColumn<bool>("capability");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("hint");
    QTest::newRow("no yama") << -1 << false << "ok"
                             << "";
    QTest::newRow("classic") << 0 << false << "ok"
                             << "";
    QTest::newRow("descendants") << 1 << false << "ptrace-scope-descendants"
                                 << "sysctl kernel.yama.ptrace_scope=0";
    QTest::newRow("descendants, root") << 1 << true << "ok"
                                       << "";
    QTest::newRow("admin") << 2 << false << "ptrace-scope-admin"
                           << "sudo";
    QTest::newRow("admin, root") << 2 << true << "ok"
                                 << "";
    QTest::newRow("disabled") << 3 << false << "ptrace-scope-disabled"
                              << "reboot";
    QTest::newRow("disabled, root") << 3 << true << "ptrace-scope-disabled"
                                    << "not even by root";
}

void AttachCheckTest::ptraceScope()
{
    QFETCH(int, scope);
    QFETCH(bool, capability);
    QFETCH(QString, verdict);
    QFETCH(QString, hint);
    QTemporaryDir root;
    FakeProcess process;
    QVERIFY(addProcess(root.path(), process));
    SystemView system = fakeSystem(root.path());
    system.ptraceScope = scope;
    system.capSysPtrace = capability;
    const CheckResult result = checkAttach(process.pid, system);
    QCOMPARE(QString::fromLatin1(verdictName(result.verdict)), verdict);
    QVERIFY2(QString::fromStdString(result.message).contains(hint), result.message.c_str());
}

void AttachCheckTest::alreadyTraced()
{
    QTemporaryDir root;
    FakeProcess process;
    process.tracer = 9876;
    QVERIFY(addProcess(root.path(), process));
    const CheckResult result = checkAttach(process.pid, fakeSystem(root.path()));
    QCOMPARE(result.verdict, Verdict::AlreadyTraced);
    QVERIFY(result.message.find("9876") != std::string::npos);
}

void AttachCheckTest::noGdb()
{
    QTemporaryDir root;
    FakeProcess process;
    QVERIFY(addProcess(root.path(), process));
    SystemView system = fakeSystem(root.path());
    system.findProgram = [](const std::string&) { return std::string(); };
    const CheckResult result = checkAttach(process.pid, system);
    QCOMPARE(result.verdict, Verdict::NoGdb);
    QVERIFY(result.message.find("package `gdb`") != std::string::npos);
}

void AttachCheckTest::findOnPathLooksInEachDirectory()
{
    QTemporaryDir first;
    QTemporaryDir second;
    QVERIFY(first.isValid() && second.isValid());
    const QString program = second.path() + u"/gdb"_s;
    QVERIFY(writeFile(program, "#!/bin/sh\n"));
    QVERIFY(writeFile(first.path() + u"/gdb"_s, "not executable"));
    const std::string path = first.path().toStdString() + ":" + second.path().toStdString();
    QCOMPARE(findOnPath("gdb", path), std::string());
    QVERIFY(QFile::setPermissions(program, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QCOMPARE(findOnPath("gdb", path), program.toStdString());
    QCOMPARE(findOnPath("gdb", first.path().toStdString()), std::string());
}

void AttachCheckTest::userNames()
{
    QCOMPARE(userName(0), std::string("root"));
    // A uid with no passwd entry is shown as its number.
    QCOMPARE(userName(3999999), std::string("3999999"));
}

QTEST_GUILESS_MAIN(AttachCheckTest)
#include "tst_attach_check.moc"
