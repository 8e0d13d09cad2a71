// HostProcessTarget with a real leakscope-host: lifecycle, snapshots while the script runs or pauses,
// interrupts, crashes, hosts that never connect or misbehave, the run options on the host's command
// line, and the interpreter's start-up (with HostLaunch's -I and -E) against python3's.
#include "session/session.h"
#include "snapshot/analysis.h"
#include "support/process_start.h"
#include "target/host_process_target.h"

#include "cli_process.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QLocalSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <csignal>
#include <netinet/in.h>
#include <optional>
#include <pthread.h>
#include <set>
#include <sys/socket.h>

using namespace leakscope;

namespace {

QString script(const char* name)
{
    return QStringLiteral(LEAKSCOPE_TEST_SCRIPTS "/") + QLatin1String(name);
}

HostLaunch launch(const QString& scriptPath, const QStringList& arguments = {})
{
    HostLaunch l;
    l.program = QStringLiteral(LEAKSCOPE_HOST);
    l.script = scriptPath;
    l.arguments = arguments;
    return l;
}

QByteArray allOutput(const QList<QList<QVariant>>& spy)
{
    QByteArray text;
    for (const auto& args : spy)
        text += args.at(1).toByteArray();
    return text;
}

// 1-based number of the first line of file that starts with text; 0 when none does.
int lineStartingWith(const QString& path, const QByteArray& text)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (qsizetype k = 0; k < lines.size(); ++k) {
        if (lines[k].startsWith(text))
            return static_cast<int>(k + 1);
    }
    return 0;
}

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

// Suspects as (type, repr) with addresses blanked, to compare captures of two processes.
std::multiset<std::string> suspectShapes(const Snapshot& snapshot)
{
    const HeapAnalysis analysis(snapshot);
    std::multiset<std::string> shapes;
    static const QRegularExpression address(QStringLiteral("0x[0-9a-f]+"));
    for (ObjectIndex i : analysis.candidates()) {
        if (analysis.isSuspect(i))
            shapes.insert(std::string(snapshot.typeNameOf(i)) + " "
                          + QString::fromStdString(snapshot.repr(i)).replace(address, QStringLiteral("ADDR")).toStdString());
    }
    return shapes;
}

// The inodes of the sockets process pid has open ("socket:[INODE]" links in /proc/PID/fd).
QSet<QByteArray> socketInodes(qint64 pid)
{
    QSet<QByteArray> inodes;
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString& fd : fds.entryList(QDir::System | QDir::NoDotAndDotDot)) {
        const QByteArray target = QFile::encodeName(QFile::symLinkTarget(fds.filePath(fd)));
        const QByteArray link = target.isEmpty()
            ? QByteArray() : target.mid(target.lastIndexOf('/') + 1);
        if (link.startsWith("socket:["))
            inodes.insert(link.mid(8, link.size() - 9));
    }
    return inodes;
}

// The inodes of the sockets in one of the kernel's tables in /proc/net: field 9 of each row of tcp, udp
// and raw (and their v6 forms), field 6 of unix (proc(5)).
QSet<QByteArray> tableInodes(const QString& table)
{
    QSet<QByteArray> inodes;
    QFile file(QStringLiteral("/proc/net/") + table);
    if (!file.open(QIODevice::ReadOnly))
        return inodes;
    const qsizetype column = table == QLatin1String("unix") ? 6 : 9;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (qsizetype k = 1; k < lines.size(); ++k) {
        const QList<QByteArray> fields = lines[k].simplified().split(' ');
        if (fields.size() > column)
            inodes.insert(fields[column]);
    }
    return inodes;
}

// A target and a spy on each of its signals, so a test starts with one line.
struct Watched
{
    explicit Watched(const HostLaunch& launch)
        : target(launch)
    {
    }

    // Starts the host, waits for the handshake and runs the script.
    bool startAndRun()
    {
        target.start();
        if (!ready.wait(15000))
            return false;
        target.runScript();
        return true;
    }

    HostProcessTarget target;
    QSignalSpy ready{&target, &Target::ready};
    QSignalSpy output{&target, &Target::outputReceived};
    QSignalSpy progress{&target, &Target::progress};
    QSignalSpy snapshots{&target, &Target::snapshotReady};
    QSignalSpy finished{&target, &Target::scriptFinished};
    QSignalSpy lost{&target, &Target::lost};
    QSignalSpy failed{&target, &Target::requestFailed};
    QSignalSpy described{&target, &Target::objectDescribed};
};

} // namespace

class TestHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<SnapshotPtr>();
        qRegisterMetaType<LiveObject>();
    }

    void lifecycle()
    {
        Watched watched(launch(script("host_hello.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& ready = watched.ready;
        QSignalSpy& output = watched.output;
        QSignalSpy& finished = watched.finished;
        QSignalSpy& lost = watched.lost;
        target.start();
        QCOMPARE(target.state(), Target::State::Starting);
        QVERIFY(ready.wait(15000));
        QCOMPARE(target.state(), Target::State::Ready);
        QVERIFY(target.pythonVersion().startsWith(QStringLiteral("3.11.")));
        QVERIFY(processAlive(target.pid()));
        QVERIFY(target.startToReadyMs() >= 0);

        target.runScript();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        QCOMPARE(finished.at(0).at(0).toInt(), 3);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("exited"));
        QCOMPARE(target.state(), Target::State::Finished);
        QTRY_VERIFY(allOutput(output).contains("hello from stdout"));
        QTRY_VERIFY(allOutput(output).contains("hello from stderr"));

        // The host stays for snapshots after the script ended.
        QSignalSpy& snapshots = watched.snapshots;
        const quint32 id = target.requestSnapshot(QStringLiteral("after"));
        QVERIFY(snapshots.wait(15000));
        QCOMPARE(snapshots.at(0).at(0).toUInt(), id);
        QCOMPARE(snapshots.at(0).at(1).toString(), QStringLiteral("after"));
        QVERIFY(snapshots.at(0).at(3).value<SnapshotPtr>()->objectCount() > 1000);

        const qint64 pid = target.pid();
        target.terminate();
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 5000);
        QCOMPARE(lost.at(0).at(0).toString(), QStringLiteral("terminated"));
        QCOMPARE(target.state(), Target::State::Lost);
        QTRY_VERIFY(!processAlive(pid));
    }

    void snapshotWhileRunningThenInterrupt()
    {
        Watched watched(launch(script("host_loop.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& output = watched.output;
        QSignalSpy& progress = watched.progress;
        QSignalSpy& snapshots = watched.snapshots;
        QSignalSpy& finished = watched.finished;
        QVERIFY(watched.startAndRun());
        QTRY_VERIFY_WITH_TIMEOUT(allOutput(output).contains("looping"), 15000);

        const quint32 id = target.requestSnapshot(QStringLiteral("mid-loop"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 15000);
        QCOMPARE(snapshots.at(0).at(0).toUInt(), id);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.at(0).at(0).toUInt(), id);
        const SnapshotPtr snapshot = snapshots.at(0).at(3).value<SnapshotPtr>();
        bool sawLoopData = false;
        for (ObjectIndex i = 0; i < snapshot->objectCount() && !sawLoopData; ++i)
            sawLoopData = snapshot->repr(i) == "{'loop': 99}";
        QVERIFY2(sawLoopData, "the snapshot taken mid-loop holds the script's data");
        QCOMPARE(target.state(), Target::State::Running);

#if defined(__SANITIZE_THREAD__)
        // ThreadSanitizer delivers an asynchronous signal only when the thread next calls into libc,
        // and this loop, in pure bytecode, never does: the interrupt would never arrive.
        QSKIP("the interrupt of a pure-bytecode loop cannot be delivered under ThreadSanitizer");
#endif
        // The loop never ends by itself: finishing at all is the interrupt's doing.
        target.interrupt();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("interrupted"));
        QVERIFY(finished.at(0).at(2).toString().contains(QStringLiteral("KeyboardInterrupt")));
    }

    void interruptWakesABlockingCall()
    {
        Watched watched(launch(script("host_sleep.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& output = watched.output;
        QSignalSpy& finished = watched.finished;
        QVERIFY(watched.startAndRun());
        QTRY_VERIFY_WITH_TIMEOUT(allOutput(output).contains("sleeping"), 15000);
        // The script sleeps for ten minutes: ending within the timeout means the sleep was woken.
        target.interrupt();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.at(0).at(0).toInt(), 130);
    }

    void scriptSnapshotsAndPause()
    {
        Watched watched(launch(script("host_pause.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& output = watched.output;
        QSignalSpy& snapshots = watched.snapshots;
        QSignalSpy& finished = watched.finished;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 15000);
        QCOMPARE(snapshots.at(0).at(0).toUInt(), 0u);
        QCOMPARE(snapshots.at(0).at(1).toString(), QStringLiteral("one"));
        QCOMPARE(snapshots.at(0).at(2).toBool(), false);
        QCOMPARE(snapshots.at(1).at(1).toString(), QStringLiteral("two"));
        QCOMPARE(snapshots.at(1).at(2).toBool(), true);
        QCOMPARE(target.state(), Target::State::Paused);

        // A snapshot on request works while paused too, and shows the pause is real: the script's
        // state is still what it was at the pause (after it, "phase" becomes "continued").
        const quint32 id = target.requestSnapshot(QStringLiteral("while paused"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 3, 15000);
        QCOMPARE(snapshots.at(2).at(0).toUInt(), id);
        const SnapshotPtr paused = snapshots.at(2).at(3).value<SnapshotPtr>();
        bool atThePause = false, pastIt = false;
        for (ObjectIndex i = 0; i < paused->objectCount(); ++i) {
            atThePause |= paused->repr(i) == "{'phase': 'two', 'items': []}";
            pastIt |= paused->repr(i) == "{'phase': 'continued', 'items': []}";
        }
        QVERIFY(atThePause && !pastIt);
        QVERIFY(!allOutput(output).contains("continued"));
        QVERIFY(finished.isEmpty());

        target.continueScript();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        QCOMPARE(finished.at(0).at(0).toInt(), 0);
        QTRY_VERIFY(allOutput(output).contains("continued"));
    }

    void interruptInPause()
    {
        Watched watched(launch(script("host_pause.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& output = watched.output;
        QSignalSpy& finished = watched.finished;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(target.state(), Target::State::Paused, 15000);
        target.interrupt();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("interrupted"));
        QTRY_VERIFY(allOutput(output).contains("interrupted in pause"));
    }

    void crashKeepsSnapshots()
    {
        Watched watched(launch(script("host_crash.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& snapshots = watched.snapshots;
        QSignalSpy& lost = watched.lost;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 15000);
        QCOMPARE(lost.at(0).at(0).toString(), QStringLiteral("host crashed: SIGSEGV"));
        QVERIFY(lost.at(0).at(1).toByteArray().contains("about to crash"));
        QCOMPARE(target.state(), Target::State::Lost);
        QTRY_COMPARE(snapshots.size(), 1);
        const SnapshotPtr before = snapshots.at(0).at(3).value<SnapshotPtr>();
        QVERIFY(before && before->objectCount() > 1000); // still ours, whole, after the host died
        QCOMPARE(snapshots.at(0).at(1).toString(), QStringLiteral("before the crash"));

        // Requests to a lost target fail cleanly.
        QSignalSpy& failed = watched.failed;
        target.requestSnapshot(QStringLiteral("too late"));
        QVERIFY(failed.wait(2000));
    }

    void hostThatNeverConnects()
    {
        HostLaunch l = launch(script("host_hello.py"));
        l.program = script("silent_host.sh");
        l.connectTimeoutMs = 500;
        Watched watched(l);
        HostProcessTarget& target = watched.target;
        QSignalSpy& lost = watched.lost;
        target.start();
        QVERIFY(lost.wait(10000));
        QVERIFY2(lost.at(0).at(0).toString().contains(QStringLiteral("did not connect")), qPrintable(lost.at(0).at(0).toString()));
        QCOMPARE(target.state(), Target::State::Lost);
    }

    void hostThatCannotStart()
    {
        HostLaunch l = launch(script("host_hello.py"));
        l.program = QStringLiteral("/nonexistent/leakscope-host");
        Watched watched(l);
        HostProcessTarget& target = watched.target;
        QSignalSpy& lost = watched.lost;
        target.start();
        QVERIFY(lost.wait(5000));
        QVERIFY(lost.at(0).at(0).toString().startsWith(QStringLiteral("cannot start")));
    }

    void misbehavingHost_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("reason");
        QTest::newRow("garbage") << "garbage" << "malformed";
        QTest::newRow("oversized") << "oversized" << "malformed";
        QTest::newRow("wrong token") << "wrong-token" << "wrong token";
        QTest::newRow("bad version") << "bad-version" << "protocol";
        QTest::newRow("truncated") << "truncated" << "did not connect";
    }

    void misbehavingHost()
    {
        QFETCH(QString, mode);
        QFETCH(QString, reason);
        HostLaunch l = launch(script("host_hello.py"));
        l.program = script("fake_host.py");
        l.environment.insert(QStringLiteral("FAKE_HOST_MODE"), mode);
        l.connectTimeoutMs = 2000;
        Watched watched(l);
        HostProcessTarget& target = watched.target;
        QSignalSpy& lost = watched.lost;
        QSignalSpy& ready = watched.ready;
        target.start();
        QVERIFY(lost.wait(10000));
        QVERIFY2(lost.at(0).at(0).toString().contains(reason), qPrintable(lost.at(0).at(0).toString()));
        QVERIFY(ready.isEmpty());
        QCOMPARE(target.state(), Target::State::Lost);
    }

    void onlyThisUserCanReachTheSocket()
    {
        HostLaunch l = launch(script("host_hello.py"));
        l.program = script("fake_host.py");
        l.environment.insert(QStringLiteral("FAKE_HOST_MODE"), QStringLiteral("permissions"));
        Watched watched(l);
        watched.target.start();
        QVERIFY(watched.lost.wait(10000));
        const QByteArray said = allOutput(watched.output);
        QVERIFY2(said.contains("folder 700"), said.constData());
        QVERIFY2(said.contains("socket 600"), said.constData());
    }

    // The token proves the host to the GUI side; the script and its children must not be able to read
    // it: not in os.environ, not in the environment block /proc/self/environ shows, not inherited.
    void theScriptCannotSeeTheToken()
    {
        Watched watched(launch(script("token_probe.py")));
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        QCOMPARE(watched.finished.at(0).at(0).toInt(), 0);
        const QByteArray said = allOutput(watched.output);
        QVERIFY2(said.contains("environ: None\n"), said.constData());
        // The entry may still be in the block, its value wiped: empty or nothing at all.
        QVERIFY2(said.contains("block: []\n") || said.contains("block: [b'']\n"), said.constData());
        QVERIFY2(said.contains("child: None\n"), said.constData());
    }

    // The GUI side listens for one host only: once a host has shown the token and been welcomed,
    // nobody else can connect (the socket is gone).
    void theSocketTakesOneConnection()
    {
        HostLaunch l = launch(script("host_hello.py"));
        l.program = script("fake_host.py");
        l.environment.insert(QStringLiteral("FAKE_HOST_MODE"), QStringLiteral("second-connection"));
        l.environment.insert(QStringLiteral("FAKE_HOST_PROTOCOL"), QString::number(protocol::kProtocolVersion));
        Watched watched(l);
        watched.target.start();
        QVERIFY(watched.ready.wait(15000));
        QTRY_VERIFY_WITH_TIMEOUT(allOutput(watched.output).contains("second connection"), 15000);
        const QByteArray said = allOutput(watched.output);
        QVERIFY2(said.contains(QByteArray("answered with message type ")
                               + QByteArray::number(static_cast<int>(protocol::MessageType::Welcome)) + "\n"),
                 said.constData());
        QVERIFY2(said.contains("second connection: refused"), said.constData());
    }

    // The socket's private folder lives in $TMPDIR only while the target does: the socket itself goes
    // once the host is welcomed, the folder with the target.
    void theSocketFolderIsRemoved()
    {
        QTemporaryDir temporary;
        QVERIFY(temporary.isValid());
        const QByteArray previous = qgetenv("TMPDIR");
        qputenv("TMPDIR", QFile::encodeName(temporary.path()));
        const auto folders = [&] {
            return QDir(temporary.path()).entryList({QStringLiteral("leakscope-*")}, QDir::Dirs | QDir::Hidden);
        };
        {
            Watched watched(launch(script("host_loop.py")));
            watched.target.start();
            const bool ready = watched.ready.wait(15000);
            qputenv("TMPDIR", previous);
            QVERIFY(ready);
            QCOMPARE(folders().size(), 1);
            const QDir folder(temporary.filePath(folders().first()));
            QCOMPARE(QFileInfo(folder.path()).permissions() & ~(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadUser | QFile::WriteUser | QFile::ExeUser),
                     QFile::Permissions());
            QVERIFY2(folder.entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty(),
                     qPrintable(folder.entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot).join(u' ')));
        }
        QVERIFY2(folders().isEmpty(), qPrintable(folders().join(u' ')));
    }

    // Nothing of a run is on the network: every socket the window's process and the host have open
    // is a Unix socket, none an IPv4 or IPv6 one.
    void nothingIsOnTheNetwork()
    {
        Watched watched(launch(script("host_loop.py")));
        QVERIFY(watched.startAndRun());
        QTRY_VERIFY_WITH_TIMEOUT(allOutput(watched.output).contains("looping"), 15000);
        watched.target.requestSnapshot(QString());
        QTRY_COMPARE_WITH_TIMEOUT(watched.snapshots.size(), 1, 15000);
        QSet<QByteArray> network;
        for (const char* table : {"tcp", "tcp6", "udp", "udp6", "raw", "raw6"})
            network.unite(tableInodes(QLatin1String(table)));
        const QSet<QByteArray> unix = tableInodes(QStringLiteral("unix"));
        QVERIFY(!unix.isEmpty());
        {
            // The check sees a network socket where there is one: a TCP listener of this process's.
            const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in loopback{};
            loopback.sin_family = AF_INET;
            loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            QVERIFY(listener >= 0);
            QVERIFY(::bind(listener, reinterpret_cast<const sockaddr*>(&loopback), sizeof loopback) == 0);
            QVERIFY(::listen(listener, 1) == 0);
            const QSet<QByteArray> tcp = tableInodes(QStringLiteral("tcp"));
            const bool seen = socketInodes(QCoreApplication::applicationPid()).intersects(tcp);
            ::close(listener);
            QVERIFY(seen);
        }
        for (const qint64 pid : {QCoreApplication::applicationPid(), watched.target.pid()}) {
            const QSet<QByteArray> open = socketInodes(pid);
            QVERIFY2(!open.isEmpty(), qPrintable(QString::number(pid))); // the connection, at least
            for (const QByteArray& inode : open) {
                QVERIFY2(!network.contains(inode), inode.constData());
                QVERIFY2(unix.contains(inode), inode.constData());
            }
        }
        watched.target.terminate();
    }

    void hostExitsWhenTheGuiSideGoesAway()
    {
        // Play the GUI side by hand, then drop the connection without killing the host.
        QTemporaryDir directory;
        QLocalServer server;
        server.setSocketOptions(QLocalServer::UserAccessOption);
        QVERIFY(server.listen(directory.filePath(QStringLiteral("s"))));
        QProcess host;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LEAKSCOPE_HOST_TOKEN"), QStringLiteral("t"));
        host.setProcessEnvironment(environment);
        startProcess(host, QStringLiteral(LEAKSCOPE_HOST),
                     {QStringLiteral("--connect"), server.fullServerName(), QStringLiteral("--"),
                      script("host_loop.py")});
        QVERIFY(server.waitForNewConnection(15000));
        QLocalSocket* socket = server.nextPendingConnection();
        QTRY_VERIFY_WITH_TIMEOUT(socket->bytesAvailable() > 0, 15000); // its Hello
        socket->abort();
        QVERIFY(host.waitForFinished(5000));
        QCOMPARE(host.exitStatus(), QProcess::NormalExit);
    }

    void hostLeavesOnAMalformedRequest()
    {
        // Play the GUI side by hand: a valid handshake, then bytes that are no message.
        QTemporaryDir directory;
        QLocalServer server;
        QVERIFY(server.listen(directory.filePath(QStringLiteral("s"))));
        QProcess host;
        startProcess(host, QStringLiteral(LEAKSCOPE_HOST),
                     {QStringLiteral("--connect"), server.fullServerName(), QStringLiteral("--"),
                      script("host_loop.py")});
        QVERIFY(server.waitForNewConnection(15000));
        QLocalSocket* socket = server.nextPendingConnection();
        QTRY_VERIFY_WITH_TIMEOUT(socket->bytesAvailable() > 0, 15000);
        socket->readAll();
        const std::string welcome = protocol::encode(protocol::Welcome{});
        socket->write(welcome.data(), static_cast<qint64>(welcome.size()));
        socket->write(QByteArray(16, '\xff'));
        socket->flush();
        QVERIFY(host.waitForFinished(5000));
        QCOMPARE(host.exitCode(), 3);
        QVERIFY2(host.readAllStandardError().contains("malformed"), "the host says why it left");
    }

    void transferGivesTheSameSuspectsAsTheCli()
    {
        Watched watched(launch(script("planted.py"), {QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR)}));
        HostProcessTarget& target = watched.target;
        QSignalSpy& finished = watched.finished;
        QSignalSpy& snapshots = watched.snapshots;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        target.requestSnapshot(QStringLiteral("end"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 15000);
        const SnapshotPtr snapshot = snapshots.at(0).at(3).value<SnapshotPtr>();

        QProcess cli;
        startProcess(cli, QStringLiteral(LEAKSCOPE_CLI),
                     {QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json"), script("planted.py"),
                      QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR)});
        QVERIFY(cli.waitForFinished(30000));
        const QJsonArray candidates = QJsonDocument::fromJson(cli.readAllStandardOutput()).object().value(QStringLiteral("candidates")).toArray();
        std::multiset<std::string> expected;
        static const QRegularExpression address(QStringLiteral("0x[0-9a-f]+"));
        for (const QJsonValue& value : candidates) {
            const QJsonObject c = value.toObject();
            if (c.value(QStringLiteral("suspect")).toBool())
                expected.insert((c.value(QStringLiteral("type")).toString() + u' '
                                 + c.value(QStringLiteral("repr")).toString().replace(address, QStringLiteral("ADDR")))
                                    .toStdString());
        }
        QVERIFY(expected.size() >= 4);
        QCOMPARE(suspectShapes(*snapshot), expected);
    }

    // Started with --tracemalloc, the host traces from the interpreter's start: its snapshots record the
    // depth, and each candidate the Python line that called the C code allocating it.
    void tracemallocGivesAllocationSites()
    {
        HostLaunch l = launch(script("planted.py"), {QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR)});
        l.tracemallocDepth = 7;
        Watched watched(l);
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        watched.target.requestSnapshot(QStringLiteral("end"));
        QTRY_COMPARE_WITH_TIMEOUT(watched.snapshots.size(), 1, 15000);
        const SnapshotPtr snapshot = watched.snapshots.at(0).at(3).value<SnapshotPtr>();
        QCOMPARE(snapshot->info().tracemallocDepth, 7u);

        const HeapAnalysis analysis(*snapshot);
        ObjectIndex leaky = kNoObject;
        for (ObjectIndex i : analysis.candidates()) {
            if (snapshot->typeNameOf(i) == "plantleak.Leaky")
                leaky = i;
        }
        QVERIFY(leaky != kNoObject);
        QVERIFY(analysis.isSuspect(leaky));
        const std::span<const AllocationFrame> frames = snapshot->allocationSite(leaky);
        QVERIFY(!frames.empty());
        QVERIFY(frames.size() <= 7);
        const QString path = script("planted.py");
        QCOMPARE(QString::fromStdString(std::string(snapshot->string(frames.front().file))), path);
        QCOMPARE(int(frames.front().line), lineStartingWith(path, "plantleak.leak_instance()"));
        // The type's origin came along: the fixture's library.
        const std::string_view library = snapshot->string(snapshot->type(snapshot->typeOf(leaky)).library);
        QVERIFY2(QString::fromStdString(std::string(library)).endsWith(QStringLiteral("/plantleak.cpython-311-x86_64-linux-gnu.so")),
                 std::string(library).c_str());
    }

    void noTracemallocByDefault()
    {
        Watched watched(launch(script("host_hello.py")));
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        watched.target.requestSnapshot(QStringLiteral("end"));
        QTRY_COMPARE_WITH_TIMEOUT(watched.snapshots.size(), 1, 15000);
        const SnapshotPtr snapshot = watched.snapshots.at(0).at(3).value<SnapshotPtr>();
        QCOMPARE(snapshot->info().tracemallocDepth, 0u);
        QVERIFY(snapshot->columns().allocOwners.empty());
    }

    // Started with --native-traces, the host records C allocation stacks from the interpreter's start,
    // and the snapshots the application asks for carry them (their depth says so); without, they don't.
    void nativeTracesReachTheSnapshots_data()
    {
        QTest::addColumn<unsigned>("depth");
        QTest::newRow("off") << 0u;
        QTest::newRow("8 frames") << 8u;
    }

    void nativeTracesReachTheSnapshots()
    {
        QFETCH(unsigned, depth);
        HostLaunch l = launch(script("host_hello.py"));
        l.nativeTraceDepth = depth;
        Watched watched(l);
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        watched.target.requestSnapshot(QStringLiteral("end"));
        QTRY_COMPARE_WITH_TIMEOUT(watched.snapshots.size(), 1, 15000);
        const SnapshotPtr snapshot = watched.snapshots.at(0).at(3).value<SnapshotPtr>();
        QCOMPARE(snapshot->info().nativeTraceDepth, depth);
        QCOMPARE(snapshot->info().tracemallocDepth, 0u);
    }

    void tracemallocOption_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("zero") << "--tracemalloc=0" << 2;
        QTest::newRow("too deep") << "--tracemalloc=65536" << 2;
        QTest::newRow("not a number") << "--tracemalloc=ten" << 2;
        QTest::newRow("empty") << "--tracemalloc=" << 2;
        QTest::newRow("signed") << "--tracemalloc=-3" << 2;
        QTest::newRow("help") << "--help" << 0;
    }

    // Bad depths are usage errors, before any interpreter starts; --help documents the option.
    void tracemallocOption()
    {
        QFETCH(QString, option);
        QFETCH(int, exitCode);
        QProcess host;
        startProcess(host, QStringLiteral(LEAKSCOPE_HOST),
                     {QStringLiteral("--connect"), QStringLiteral("/nonexistent/socket"), option, QStringLiteral("--"),
                      script("host_hello.py")});
        QVERIFY(host.waitForFinished(10000));
        QCOMPARE(host.exitStatus(), QProcess::NormalExit);
        QCOMPARE(host.exitCode(), exitCode);
        if (exitCode == 0) {
            const QByteArray help = host.readAllStandardOutput();
            QVERIFY2(help.contains("--tracemalloc[=DEPTH]"), help.constData());
            QVERIFY(help.contains("python3 -X tracemalloc=DEPTH"));
            QVERIFY2(help.contains("[-I] [-E]") && help.contains("as python3 -I") && help.contains("as python3 -E"),
                     help.constData());
        } else {
            const QByteArray error = host.readAllStandardError();
            QVERIFY2(error.contains("--tracemalloc takes a depth from 1 to 65535"), error.constData());
        }
    }

    void nativeTracesOption_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("zero") << "--native-traces=0" << 2;
        QTest::newRow("too deep") << "--native-traces=257" << 2;
        QTest::newRow("not a number") << "--native-traces=deep" << 2;
        QTest::newRow("empty") << "--native-traces=" << 2;
        QTest::newRow("signed") << "--native-traces=-3" << 2;
        QTest::newRow("help") << "--help" << 0;
    }

    // As --tracemalloc: a bad depth is a usage error before any interpreter starts; --help documents it.
    void nativeTracesOption()
    {
        QFETCH(QString, option);
        QFETCH(int, exitCode);
        QProcess host;
        startProcess(host, QStringLiteral(LEAKSCOPE_HOST),
                     {QStringLiteral("--connect"), QStringLiteral("/nonexistent/socket"), option, QStringLiteral("--"),
                      script("host_hello.py")});
        QVERIFY(host.waitForFinished(10000));
        QCOMPARE(host.exitStatus(), QProcess::NormalExit);
        QCOMPARE(host.exitCode(), exitCode);
        if (exitCode == 0) {
            const QByteArray help = host.readAllStandardOutput();
            QVERIFY2(help.contains("[--native-traces[=DEPTH]]"), help.constData());
            QVERIFY2(help.contains("(default 16,") && help.contains("1-256)"), help.constData());
        } else {
            const QByteArray error = host.readAllStandardError();
            const QByteArray depth = option.mid(option.indexOf(u'=') + 1).toUtf8();
            QVERIFY2(error.contains("leakscope-host: --native-traces takes a depth from 1 to 256, not '" + depth + "'"),
                     error.constData());
            QVERIFY2(error.contains("Usage: leakscope-host"), error.constData());
        }
    }

    // The application's run options reach leakscope-host's command line, before the script: from
    // `leakscope --native-traces=32 --tracemalloc=5 -I script.py a b` to the process started.
    void runOptionsReachTheHostsCommandLine_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QStringList>("expected"); // the host's options between --connect SOCKET and "--"
        QTest::newRow("none") << QStringList() << QStringList();
        QTest::newRow("native traces") << QStringList{QStringLiteral("--native-traces=32")}
                                       << QStringList{QStringLiteral("--native-traces=32")};
        QTest::newRow("default depth") << QStringList{QStringLiteral("--native-traces")}
                                       << QStringList{QStringLiteral("--native-traces=16")};
        QTest::newRow("both") << QStringList{QStringLiteral("--native-traces=32"), QStringLiteral("--tracemalloc=5"),
                                             QStringLiteral("-I")}
                              << QStringList{QStringLiteral("--tracemalloc=5"), QStringLiteral("--native-traces=32"),
                                             QStringLiteral("-I")};
    }

    void runOptionsReachTheHostsCommandLine()
    {
        QFETCH(QStringList, options);
        QFETCH(QStringList, expected);
        const QString scriptPath = script("host_hello.py");
        QStringList commandLine = QStringList{QStringLiteral("leakscope")} + options
            + QStringList{scriptPath, QStringLiteral("a"), QStringLiteral("b")};
        RunRequest request;
        QString error;
        QVERIFY(takeTracemallocOption(commandLine, request, &error));
        QVERIFY(takeNativeTracesOption(commandLine, request, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        request.isolated = commandLine.removeAll(QStringLiteral("-I")) > 0; // the application's parser takes -I
        QCOMPARE(commandLine.size(), 4); // the options are taken, the script and its arguments left
        request.script = commandLine.at(1);
        request.arguments = commandLine.mid(2);

        Watched watched(hostLaunchFor(request, script("host_arguments.sh")));
        watched.target.start();
        QVERIFY(watched.lost.wait(10000)); // it never connects
        const QByteArray said = allOutput(watched.output);
        const qsizetype from = said.indexOf("arguments:\n");
        const qsizetype to = said.indexOf("end of arguments");
        QVERIFY2(from >= 0 && to > from, said.constData());
        QStringList arguments;
        for (const QByteArray& line : said.mid(from, to - from).split('\n')) {
            if (line.startsWith('[') && line.endsWith(']'))
                arguments << QString::fromUtf8(line.mid(1, line.size() - 2));
        }
        QVERIFY2(arguments.size() >= 2 && arguments.at(0) == QStringLiteral("--connect"), said.constData());
        expected << QStringLiteral("--") << scriptPath << QStringLiteral("a") << QStringLiteral("b");
        QCOMPARE(arguments.mid(2), expected);
    }

    void environmentAsPython3_data()
    {
        QTest::addColumn<bool>("isolated");
        QTest::addColumn<bool>("ignoreEnvironment");
        QTest::newRow("environment") << false << false;
        QTest::newRow("-I") << true << false;
        QTest::newRow("-E") << false << true;
    }

    // The host's interpreter sees what python3 SCRIPT sees in the same environment, -I and -E passed on.
    void environmentAsPython3()
    {
        QFETCH(bool, isolated);
        QFETCH(bool, ignoreEnvironment);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QString error;
        const QProcessEnvironment environment = clitest::startupEnvironment(folder.path(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        HostLaunch l = launch(script("environment.py"));
        l.environment = environment;
        l.workingDirectory = folder.path();
        l.isolated = isolated;
        l.ignoreEnvironment = ignoreEnvironment;
        Watched watched(l);
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        const QByteArray output = allOutput(watched.output);
        const QJsonObject seen = clitest::startupReport(output);
        QVERIFY2(!seen.isEmpty(), output.constData());

        QStringList options;
        if (isolated)
            options << QStringLiteral("-I");
        if (ignoreEnvironment)
            options << QStringLiteral("-E");
        clitest::RunOptions run;
        run.environment = environment;
        run.workingDirectory = folder.path();
        const clitest::Run python = clitest::runProgram(clitest::pythonPath(), options + QStringList{script("environment.py")}, run);
        QVERIFY2(python.finished && python.exitCode == 0, python.describe().constData());
        const QJsonObject expected = clitest::startupReport(python.err);
        QVERIFY2(!expected.isEmpty(), python.describe().constData());

        const bool useEnvironment = !isolated && !ignoreEnvironment;
        QCOMPARE(seen.value(QStringLiteral("flags")).toObject().value(QStringLiteral("isolated")).toInt(), isolated ? 1 : 0);
        QCOMPARE(seen.value(QStringLiteral("from_pythonpath")).toString(),
                 useEnvironment ? QStringLiteral("PYTHONPATH") : QString());
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            if (it.key() == QStringLiteral("hash") && !useEnvironment)
                continue; // without PYTHONHASHSEED each process has its own seed
            QVERIFY2(seen.value(it.key()) == it.value(),
                     qPrintable(it.key() + QStringLiteral(" differs from python3's:\n") + QString::fromUtf8(output)
                                + QStringLiteral("\npython3:\n") + QString::fromUtf8(python.err)));
        }
    }

    void describeALiveObject()
    {
        Watched watched(launch(script("planted.py"), {QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR)}));
        HostProcessTarget& target = watched.target;
        QSignalSpy& finished = watched.finished;
        QSignalSpy& snapshots = watched.snapshots;
        QSignalSpy& described = watched.described;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        target.requestSnapshot(QString());
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 15000);
        const SnapshotPtr snapshot = snapshots.at(0).at(3).value<SnapshotPtr>();
        quint64 orphan = 0;
        quint64 dictType = 0, listType = 0;
        for (ObjectIndex i = 0; i < snapshot->objectCount(); ++i) {
            if (!orphan && snapshot->repr(i).rfind("{'plantleak': 'orphan-dict'", 0) == 0) {
                orphan = snapshot->address(i);
                dictType = snapshot->type(snapshot->typeOf(i)).address;
            }
            if (snapshot->typeNameOf(i) == "builtins.list")
                listType = snapshot->type(snapshot->typeOf(i)).address;
        }
        QVERIFY(orphan && dictType && listType);
        const quint32 id = target.describeObject(orphan, dictType, QStringLiteral("builtins.dict"));
        QTRY_COMPARE_WITH_TIMEOUT(described.size(), 1, 15000);
        QCOMPARE(described.at(0).at(0).toUInt(), id);
        const LiveObject live = described.at(0).at(1).value<LiveObject>();
        QVERIFY(live.found);
        QVERIFY2(live.repr.startsWith(QStringLiteral("{'plantleak': 'orphan-dict'")), qPrintable(live.repr));
        QVERIFY(live.attributes.contains(QStringLiteral("keys")));
        QCOMPARE(live.typeName, QStringLiteral("builtins.dict"));
        QVERIFY(live.error.isEmpty());

        // An address with nothing alive there is answered, not dereferenced.
        target.describeObject(0x10, dictType, QStringLiteral("builtins.dict"));
        QTRY_COMPARE_WITH_TIMEOUT(described.size(), 2, 15000);
        const LiveObject nothing = described.at(1).at(1).value<LiveObject>();
        QVERIFY(!nothing.found);
        QVERIFY(nothing.typeName.isEmpty());
        QVERIFY2(nothing.error.contains(QStringLiteral("no live object")), qPrintable(nothing.error));

        // Another object at the address than the snapshot's (its type says so): refused before
        // anything of it runs.
        target.describeObject(orphan, listType, QStringLiteral("builtins.list"));
        QTRY_COMPARE_WITH_TIMEOUT(described.size(), 3, 15000);
        const LiveObject other = described.at(2).at(1).value<LiveObject>();
        QVERIFY(!other.found);
        QVERIFY(other.repr.isEmpty() && other.attributes.isEmpty());
        QCOMPARE(other.typeName, QStringLiteral("builtins.dict"));
        QCOMPARE(other.error,
                 QStringLiteral("the object at this address is now a builtins.dict, not the builtins.list of the snapshot"));
    }

    // A type check that runs no code of the object: the host compares the type object's address only,
    // so a hostile __class__ or __repr__ never runs when the type differs.
    void describeRunsNothingOfAnotherType()
    {
        Watched watched(launch(script("describe_types.py")));
        HostProcessTarget& target = watched.target;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        QCOMPARE(watched.finished.at(0).at(0).toInt(), 0);
        const auto printed = QRegularExpression(QStringLiteral("hostile 0x([0-9a-f]+) type 0x([0-9a-f]+) list type 0x([0-9a-f]+)"))
                                 .match(QString::fromUtf8(allOutput(watched.output)));
        QVERIFY2(printed.hasMatch(), allOutput(watched.output).constData());
        const quint64 hostile = printed.captured(1).toULongLong(nullptr, 16);
        const quint64 hostileType = printed.captured(2).toULongLong(nullptr, 16);
        const quint64 listType = printed.captured(3).toULongLong(nullptr, 16);

        target.describeObject(hostile, listType, QStringLiteral("builtins.list"));
        QTRY_COMPARE_WITH_TIMEOUT(watched.described.size(), 1, 15000);
        const LiveObject refused = watched.described.at(0).at(1).value<LiveObject>();
        QVERIFY(!refused.found);
        QCOMPARE(refused.typeName, QStringLiteral("__main__.Hostile"));
        QCOMPARE(refused.error,
                 QStringLiteral("the object at this address is now a __main__.Hostile, not the builtins.list of the snapshot"));

        // Its own type: now its repr runs, and says how many times it ran.
        target.describeObject(hostile, hostileType, QStringLiteral("__main__.Hostile"));
        QTRY_COMPARE_WITH_TIMEOUT(watched.described.size(), 2, 15000);
        const LiveObject described = watched.described.at(1).at(1).value<LiveObject>();
        QVERIFY(described.found);
        QCOMPARE(described.repr, QStringLiteral("<Hostile, repr called 1 times>"));
    }

    // Started from a shell as a background job (`leakscope &`), the application has SIGINT ignored,
    // and the host inherits that: it must still give the interpreter its KeyboardInterrupt handler.
    void interruptWhenTheParentIgnoresSigint()
    {
#if defined(__SANITIZE_THREAD__)
        QSKIP("the interrupt of a pure-bytecode loop cannot be delivered under ThreadSanitizer");
#endif
        Watched watched(launch(script("host_loop.py")));
        HostProcessTarget& target = watched.target;
        struct sigaction ignore = {}, previous = {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        QCOMPARE(sigaction(SIGINT, &ignore, &previous), 0);
        sigset_t blocked, previousMask;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGINT);
        QCOMPARE(pthread_sigmask(SIG_BLOCK, &blocked, &previousMask), 0);
        target.start(); // the host is forked and executed here, inheriting both
        pthread_sigmask(SIG_SETMASK, &previousMask, nullptr);
        sigaction(SIGINT, &previous, nullptr);

        QVERIFY(watched.ready.wait(15000));
        target.runScript();
        QTRY_VERIFY_WITH_TIMEOUT(allOutput(watched.output).contains("looping"), 15000);
        // The loop never ends by itself: finishing at all is the interrupt's doing.
        target.interrupt();
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        QCOMPARE(watched.finished.at(0).at(1).toString(), QStringLiteral("interrupted"));
        QVERIFY(watched.finished.at(0).at(2).toString().contains(QStringLiteral("KeyboardInterrupt")));
        QCOMPARE(target.state(), Target::State::Finished);
    }

    // A script that does not compile: its SyntaxError, with file, line and caret, comes with the
    // output, and the session takes no snapshot of a heap the script never touched.
    void syntaxErrorIsShownAndNothingIsCaptured()
    {
        Session session;
        QSignalSpy output(&session, &Session::outputReceived);
        QSignalSpy notices(&session, &Session::notice);
        QSignalSpy received(&session, &Session::snapshotReceived);
        const QString path = script("syntax_error.py");
        session.start(std::make_unique<HostProcessTarget>(launch(path)), QStringLiteral("Running syntax_error.py"), path);
        QTRY_VERIFY_WITH_TIMEOUT(session.state() == Target::State::Finished, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(session.runOutput(1).contains(QStringLiteral("SyntaxError: invalid syntax\n")), 15000);
        QString text;
        for (const auto& args : output)
            text += args.at(1).toString();
        QVERIFY2(text.contains(QStringLiteral("File \"") + path + QStringLiteral("\", line 2\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("    def broken(:\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("^\nSyntaxError: invalid syntax")), qPrintable(text));
        QVERIFY(output.at(0).at(0).value<Target::Channel>() == Target::Channel::Stderr);
        QVERIFY(!notices.isEmpty());
        const QString notice = notices.last().at(0).toString();
        QVERIFY2(notice.contains(path + QStringLiteral(":2: SyntaxError: invalid syntax")), qPrintable(notice));
        QVERIFY(!session.isSnapshotPending());
        QVERIFY(session.isSettled());
        // The host still answers: a snapshot asked for now arrives, so none was taken before.
        QSignalSpy added(&session, &Session::snapshotAdded);
        QVERIFY(session.requestSnapshot());
        QVERIFY(added.wait(15000));
        QCOMPARE(received.size(), 1);
        QCOMPARE(session.snapshotCount(), 1);
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("snapshot 1"));
    }

    void emptySlots()
    {
        // Lists and tuples with NULL items, made by C code: captured, sent and described.
        Watched watched(launch(script("null_slots.py")));
        HostProcessTarget& target = watched.target;
        QSignalSpy& snapshots = watched.snapshots;
        QSignalSpy& described = watched.described;
        QVERIFY(watched.startAndRun());
        QTRY_COMPARE_WITH_TIMEOUT(watched.finished.size(), 1, 15000);
        QCOMPARE(watched.finished.at(0).at(0).toInt(), 0);
        QVERIFY(watched.lost.isEmpty());
        QTRY_VERIFY(allOutput(watched.output).contains("null slots: "));
        const auto printed = QRegularExpression(QStringLiteral("null slots: 0x([0-9a-f]+) 0x([0-9a-f]+)"))
                                 .match(QString::fromUtf8(allOutput(watched.output)));
        QVERIFY(printed.hasMatch());
        const quint64 listAddress = printed.captured(1).toULongLong(nullptr, 16);
        const quint64 tupleAddress = printed.captured(2).toULongLong(nullptr, 16);

        // The script's own snapshot, taken while tuple() waited for its first item.
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 15000);
        QCOMPARE(snapshots.at(0).at(1).toString(), QStringLiteral("tuple being filled"));
        {
            const SnapshotPtr filling = snapshots.at(0).at(3).value<SnapshotPtr>();
            const HeapAnalysis analysis(*filling);
            int tuples = 0;
            for (ObjectIndex i : analysis.candidates())
                tuples += filling->repr(i).rfind("(<NULL>, <NULL>, <NULL>, <NULL>, <NULL>, <NULL>", 0) == 0 ? 1 : 0;
            QCOMPARE(tuples, 1);
        }

        target.requestSnapshot(QString());
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 15000);
        const SnapshotPtr snapshot = snapshots.at(1).at(3).value<SnapshotPtr>();
        std::optional<ObjectIndex> list, tuple;
        for (ObjectIndex i = 0; i < snapshot->objectCount(); ++i) {
            if (snapshot->address(i) == listAddress)
                list = i;
            else if (snapshot->address(i) == tupleAddress)
                tuple = i;
        }
        QVERIFY(list && tuple);
        QCOMPARE(snapshot->repr(*list), std::string("[<NULL>, <NULL>, ['null-slots-item'], <NULL>]"));
        QCOMPARE(snapshot->referents(*list).size(), std::size_t(1));
        QCOMPARE(edgeName(*snapshot, *list, 0), std::string("[2]"));
        QCOMPARE(snapshot->repr(*tuple), std::string("(<NULL>, <NULL>)"));

        // Python's own repr() of them, on request, writes the empty slots alike.
        target.describeObject(listAddress, snapshot->type(snapshot->typeOf(*list)).address, QStringLiteral("builtins.list"));
        QTRY_COMPARE_WITH_TIMEOUT(described.size(), 1, 15000);
        const LiveObject live = described.at(0).at(1).value<LiveObject>();
        QVERIFY(live.found);
        QCOMPARE(live.repr, QStringLiteral("[<NULL>, <NULL>, ['null-slots-item'], <NULL>]"));
        target.describeObject(tupleAddress, snapshot->type(snapshot->typeOf(*tuple)).address, QStringLiteral("builtins.tuple"));
        QTRY_COMPARE_WITH_TIMEOUT(described.size(), 2, 15000);
        QCOMPARE(described.at(1).at(1).value<LiveObject>().repr, QStringLiteral("(<NULL>, <NULL>)"));
        QVERIFY(watched.lost.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHost)
#include "tst_host.moc"
