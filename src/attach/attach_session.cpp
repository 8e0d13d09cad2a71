#include "attach_session.h"

#include "attach/agent_argument.h"
#include "attach/attach_check.h"
#include "attach/gdb_injector.h"
#include "attach/process_info.h"
#include "protocol/protocol.h"
#include "snapshot/snapshot_codec.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace leakscope::attach {

namespace {

using Clock = std::chrono::steady_clock;
using namespace protocol;

int millisecondsLeft(Clock::time_point deadline)
{
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

std::string randomToken()
{
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw AttachError(std::string("cannot make a random token: ") + std::strerror(errno));
        got += static_cast<std::size_t>(n);
    }
    static const char digits[] = "0123456789abcdef";
    std::string token;
    for (const unsigned char byte : bytes) {
        token += digits[byte >> 4];
        token += digits[byte & 15];
    }
    return token;
}

std::string seconds(std::chrono::milliseconds timeout)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", static_cast<double>(timeout.count()) / 1000.0);
    return text;
}

// False once the process has exited, also while it is a zombie its parent has not reaped yet.
bool processAlive(pid_t pid)
{
    return readProcess("/proc", pid).exists;
}

// After the connection ended: a process being killed closes its sockets before it is a zombie, so
// give it a moment to show as exited before saying it still runs.
bool processSurvives(pid_t pid)
{
    for (int i = 0; i < 20 && processAlive(pid); ++i)
        ::usleep(10000);
    return processAlive(pid);
}

} // namespace

std::string agentLibraryPath(std::string* error)
{
    auto fail = [error](const std::string& why) {
        if (error)
            *error = why;
        return std::string();
    };
    std::string path;
    if (const char* overridden = std::getenv("LEAKSCOPE_AGENT"); overridden && *overridden) {
        path = overridden;
    } else {
        char self[PATH_MAX];
        const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0)
            return fail("cannot find the agent library: /proc/self/exe cannot be read");
        self[n] = '\0';
        std::string folder(self);
        folder.erase(folder.rfind('/'));
        path = folder + "/" LEAKSCOPE_AGENT_FROM_BIN "/libleakscope-agent.so";
    }
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr)
        return fail("cannot find the agent library " + path + ": " + std::strerror(errno)
                    + " (set LEAKSCOPE_AGENT to its path)");
    return resolved;
}

AgentListener::AgentListener(uid_t targetUid)
    : m_token(randomToken())
{
    char folder[] = "/tmp/leakscope-attach-XXXXXX";
    if (::mkdtemp(folder) == nullptr) // 0700
        throw AttachError(std::string("cannot create a private folder in /tmp: ") + std::strerror(errno));
    m_folder = folder;
    m_socketPath = m_folder + "/agent.sock";
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, m_socketPath.c_str(), m_socketPath.size() + 1);
    // The socket is made 0600 by the umask in force while it is bound, so it is never open to others.
    const mode_t umask = ::umask(0177);
    const bool bound = m_fd >= 0 && ::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::umask(umask);
    const bool listening = bound && ::listen(m_fd, 4) == 0;
    if (!listening) {
        const std::string reason = std::strerror(errno);
        this->~AgentListener();
        throw AttachError("cannot listen on " + m_socketPath + ": " + reason);
    }
    if (targetUid != ::geteuid()
        && (::chown(m_socketPath.c_str(), targetUid, static_cast<gid_t>(-1)) != 0
            || ::chown(m_folder.c_str(), targetUid, static_cast<gid_t>(-1)) != 0)) {
        const std::string reason = std::strerror(errno);
        this->~AgentListener();
        throw AttachError("cannot hand the private socket to the process's user: " + reason);
    }
}

AgentListener::~AgentListener()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_socketPath.empty())
        ::unlink(m_socketPath.c_str());
    if (!m_folder.empty())
        ::rmdir(m_folder.c_str());
    m_socketPath.clear();
    m_folder.clear();
}

int AgentListener::accept(pid_t pid, Clock::time_point deadline)
{
    for (;;) {
        pollfd entry{m_fd, POLLIN, 0};
        const int ready = ::poll(&entry, 1, millisecondsLeft(deadline));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return -1;
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        ucred peer{};
        socklen_t size = sizeof peer;
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0 && peer.pid == pid)
            return fd;
        ::close(fd); // someone else: only the target's agent may connect
    }
}

struct AttachedProcess::Receiver
{
    int fd;
    FrameDecoder decoder;

    // The next message before the deadline; false on timeout, end of stream or a malformed message
    // (error says which: "timeout", "closed" or the decoder's reason).
    bool next(Message& message, Clock::time_point deadline, std::string& error)
    {
        char buffer[1 << 16];
        for (;;) {
            switch (decoder.next(message)) {
            case FrameDecoder::Status::Message: return true;
            case FrameDecoder::Status::Failed: error = "malformed message from the agent: " + decoder.error(); return false;
            case FrameDecoder::Status::NeedMore: break;
            }
            pollfd entry{fd, POLLIN, 0};
            const int ready = ::poll(&entry, 1, millisecondsLeft(deadline));
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0) {
                error = "timeout";
                return false;
            }
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                error = "closed";
                return false;
            }
            decoder.append(buffer, static_cast<std::size_t>(n));
        }
    }
};

AttachedProcess::AttachedProcess(pid_t pid, AttachOptions options)
    : m_pid(pid)
    , m_deadline(Clock::now() + options.timeout)
{
    const auto start = Clock::now();
    uid_t uid = ::geteuid();
    if (options.runSelfTest) {
        const CheckResult check = checkAttach(pid, currentSystem());
        if (!check.ok())
            throw AttachError(check.message);
        if (check.process.uidKnown)
            uid = check.process.uid;
    }
    std::string agentPath = options.agentPath;
    if (agentPath.empty()) {
        std::string error;
        agentPath = agentLibraryPath(&error);
        if (agentPath.empty())
            throw AttachError(error);
    }
    m_listener = std::make_unique<AgentListener>(uid);
    std::unique_ptr<Injector> injector = std::move(options.injector);
    if (!injector) {
        GdbInjector::Options gdb;
        gdb.timeoutMs = std::max(1000, millisecondsLeft(m_deadline));
        injector = std::make_unique<GdbInjector>(gdb);
    }
    m_injection = injector->inject(pid, agentPath, formatAgentArgument({m_listener->socketPath(), m_listener->token()}));
    if (!m_injection.ok)
        throw AttachError("could not load the agent into process " + std::to_string(pid) + " with "
                          + injector->name() + ": " + m_injection.error);

    m_fd = m_listener->accept(pid, m_deadline);
    if (m_fd < 0)
        throw AttachError(processAlive(pid) ? "the agent loaded into process " + std::to_string(pid)
                                                   + " did not connect within the timeout of " + seconds(options.timeout)
                                             : "process " + std::to_string(pid) + " exited before its agent connected");
    m_receiver = std::make_unique<Receiver>(Receiver{m_fd, {}});
    Message message;
    std::string error;
    if (!m_receiver->next(message, m_deadline, error))
        throw AttachError(error == "timeout" ? "the agent did not say hello within the timeout of " + seconds(options.timeout)
                          : error == "closed" ? "the agent closed its connection before saying hello: " + whyGone()
                                              : error);
    const auto* hello = std::get_if<Hello>(&message);
    if (hello == nullptr)
        throw AttachError("the agent's first message was not Hello");
    if (hello->protocolVersion != kProtocolVersion)
        throw AttachError("the agent speaks protocol version " + std::to_string(hello->protocolVersion) + ", not "
                          + std::to_string(kProtocolVersion) + ": an agent library of another LeakScope build is loaded"
                          " in the process");
    if (hello->token != m_listener->token() || hello->pid != pid)
        throw AttachError("the agent did not prove itself (wrong token or pid)");
    m_pythonVersion = hello->pythonVersion;
    sendMessage(encode(Welcome{}));
    m_attachMs = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    // Nobody else may connect now: the socket file and folder go at once.
    m_listener.reset();
}

AttachedProcess::~AttachedProcess()
{
    detach();
}

void AttachedProcess::sendMessage(const std::string& bytes)
{
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw AttachError("the connection to the agent broke: " + whyGone());
        sent += static_cast<std::size_t>(n);
    }
}

std::string AttachedProcess::whyGone() const
{
    return processSurvives(m_pid) ? "the agent in process " + std::to_string(m_pid) + " ended its connection"
                                : "process " + std::to_string(m_pid) + " exited";
}

SnapshotPtr AttachedProcess::snapshot(const std::string& label, bool collect, Clock::time_point deadline,
                                      const Progress& progress)
{
    if (m_fd < 0)
        throw AttachError("not attached");
    const std::uint32_t id = ++m_lastRequest;
    sendMessage(encode(SnapshotRequest{id, label, collect ? 0u : kSnapshotNoCollect}));
    std::string stage = "waiting for the agent's answer";
    for (;;) {
        Message message;
        std::string error;
        if (!m_receiver->next(message, deadline, error)) {
            std::string text;
            if (error == "timeout" && stage == "waiting for the GIL")
                text = "the process did not release the GIL in time: a call into C code holds it (or the process is"
                       " stopped). Nothing was captured; the process runs on, and the agent's thread ends as soon"
                       " as it gets the GIL";
            else if (error == "timeout")
                text = "the capture did not finish in time (it was " + stage + ")";
            else if (error == "closed")
                text = whyGone() + " during the capture";
            else
                text = error;
            ::close(m_fd); // the agent sees its peer gone and ends, without capturing
            m_fd = -1;
            throw AttachError(text);
        }
        if (const auto* step = std::get_if<protocol::Progress>(&message)) {
            stage = step->message;
            if (progress)
                progress(step->permille, step->message);
        } else if (const auto* ready = std::get_if<SnapshotReady>(&message)) {
            try {
                return decodeSnapshot(ready->snapshot);
            } catch (const std::exception& e) {
                throw AttachError(std::string("the agent's snapshot cannot be read: ") + e.what());
            }
        } else if (const auto* failure = std::get_if<Error>(&message)) {
            throw AttachError(failure->message);
        } else {
            throw AttachError("unexpected message from the agent (type "
                              + std::to_string(static_cast<int>(typeOf(message))) + ")");
        }
    }
}

int AttachedProcess::takeConnection()
{
    m_receiver.reset();
    return std::exchange(m_fd, -1);
}

bool AttachedProcess::detach()
{
    if (m_fd < 0)
        return false;
    bool confirmed = false;
    try {
        sendMessage(encode(Terminate{}));
        // The agent closes its end when its thread is about to return.
        const auto until = Clock::now() + std::chrono::seconds(1);
        Message message;
        std::string error;
        while (m_receiver->next(message, until, error)) {
        }
        confirmed = error == "closed";
    } catch (const AttachError&) {
    }
    ::close(m_fd);
    m_fd = -1;
    return confirmed;
}

} // namespace leakscope::attach
