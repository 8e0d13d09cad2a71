// The socket an attached process's agent connects to: a private folder (0700) and socket (0600) under
// /tmp, a connection from any process but the target refused (SO_PEERCRED), a random token per attach,
// nothing left behind.

#include "attach/attach_session.h"

#include <QtTest/QTest>

#include <chrono>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace leakscope::attach;
using Clock = std::chrono::steady_clock;

namespace {

mode_t permissionsOf(const std::string& path)
{
    struct stat status{};
    return ::stat(path.c_str(), &status) == 0 ? (status.st_mode & 07777) : mode_t(-1);
}

std::string folderOf(const std::string& path)
{
    return path.substr(0, path.rfind('/'));
}

// A connected client socket to path, or -1.
int connectTo(const std::string& path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

} // namespace

class TestAgentListener : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void privateFolderAndSocket()
    {
        std::string socket, folder;
        {
            AgentListener listener(::geteuid());
            socket = listener.socketPath();
            folder = folderOf(socket);
            QVERIFY2(folder.rfind("/tmp/leakscope-attach-", 0) == 0, folder.c_str());
            QCOMPARE(permissionsOf(folder), mode_t(0700));
            QCOMPARE(permissionsOf(socket), mode_t(0600));
            // 128 random bits, in hex, and another for every attach.
            QCOMPARE(listener.token().size(), std::size_t(32));
            AgentListener other(::geteuid());
            QVERIFY(other.token() != listener.token());
            QVERIFY(other.socketPath() != listener.socketPath());
        }
        QCOMPARE(permissionsOf(socket), mode_t(-1));
        QCOMPARE(permissionsOf(folder), mode_t(-1));
    }

    // Only the target may connect: a connection from another process (a child of this one, of the same
    // user, the socket open to it) is closed and the wait goes on; one from the target is accepted.
    void onlyTheTargetIsAccepted()
    {
        AgentListener listener(::geteuid());
        const pid_t intruder = ::fork();
        if (intruder == 0) {
            const int fd = connectTo(listener.socketPath());
            char byte = 0;
            // 0: connected, then closed by the listener; 1: could not connect; 2: kept open.
            ::_exit(fd < 0 ? 1 : ::recv(fd, &byte, 1, 0) == 0 ? 0 : 2);
        }
        QVERIFY(intruder > 0);
        QCOMPARE(listener.accept(/*pid=*/::getpid(), Clock::now() + std::chrono::milliseconds(1500)), -1);
        int status = 0;
        QCOMPARE(::waitpid(intruder, &status, 0), intruder);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);

        // This process is "the target" for once: its own connection is the one accepted.
        const int client = connectTo(listener.socketPath());
        QVERIFY(client >= 0);
        const int accepted = listener.accept(::getpid(), Clock::now() + std::chrono::seconds(5));
        QVERIFY(accepted >= 0);
        ::close(accepted);
        ::close(client);
    }
};

QTEST_GUILESS_MAIN(TestAgentListener)
#include "tst_agent_listener.moc"
