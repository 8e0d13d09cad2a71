#pragma once

#include "attach/injector.h"
#include "snapshot/snapshot.h"

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/types.h>

// The attaching side of an attach, without Qt (leakscope-cli attach; tests): a private socket, the
// self-test, the injection, the agent's handshake, snapshots on request, and detaching.
namespace leakscope::attach {

// Every failure of an attach: one message a user can act on.
class AttachError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The agent library beside the running program (LIBDIR/leakscope/libleakscope-agent.so, found from
// /proc/self/exe), or LEAKSCOPE_AGENT when set. Empty with error set when there is none.
std::string agentLibraryPath(std::string* error = nullptr);

// A private folder (0700, under /tmp) holding a listening Unix socket (0600) for one agent: nothing
// listens on a network address. Removed with the object. When the target runs as another user (an
// attach by root), both are handed to that user so the agent can connect; nobody else can.
class AgentListener
{
public:
    // Throws AttachError.
    explicit AgentListener(uid_t targetUid);
    ~AgentListener();
    AgentListener(const AgentListener&) = delete;
    AgentListener& operator=(const AgentListener&) = delete;

    const std::string& socketPath() const { return m_socketPath; }
    const std::string& token() const { return m_token; }
    // A connection from process pid (checked with SO_PEERCRED) before the deadline, or -1.
    int accept(pid_t pid, std::chrono::steady_clock::time_point deadline);

private:
    std::string m_folder;
    std::string m_socketPath;
    std::string m_token;
    int m_fd = -1;
};

struct AttachOptions
{
    // The whole attach: self-test, injection, the agent's connection and the first snapshot's wait for
    // the GIL and capture all count against it.
    std::chrono::milliseconds timeout{30000};
    std::string agentPath;              // empty: agentLibraryPath()
    std::unique_ptr<Injector> injector; // null: GdbInjector with the remaining time as its budget
    bool runSelfTest = true;            // checkAttach() before anything touches the process
};

// One attached process: the agent runs in it and answers over the connection until detach().
class AttachedProcess
{
public:
    using Progress = std::function<void(unsigned permille, const std::string& message)>;

    // Self-test, listener, injection, handshake. Throws AttachError; the process runs on either way.
    AttachedProcess(pid_t pid, AttachOptions options);
    ~AttachedProcess(); // detaches if still attached
    AttachedProcess(const AttachedProcess&) = delete;
    AttachedProcess& operator=(const AttachedProcess&) = delete;

    // Captures the process's heap (after gc.collect() when collect). The agent's thread waits for the
    // GIL like any thread; a deadline passed while it waits (a C call holding the GIL) or captures is
    // an AttachError, after which the session is over (the agent gives up the moment it gets the GIL).
    SnapshotPtr snapshot(const std::string& label, bool collect, std::chrono::steady_clock::time_point deadline,
                         const Progress& progress = {});
    // Tells the agent to end (its thread closes the socket and exits) and waits up to a second for it.
    // True when the agent confirmed by closing its end.
    bool detach();
    // Hands the connected socket over to the caller, who then owns it (and must close it): this object
    // is detached from it and sends nothing more. After the handshake nothing of the agent's is buffered
    // here, since the agent only answers requests. -1 when not attached.
    int takeConnection();

    pid_t pid() const { return m_pid; }
    const std::string& pythonVersion() const { return m_pythonVersion; }
    std::chrono::steady_clock::time_point deadline() const { return m_deadline; }
    const InjectionResult& injection() const { return m_injection; }
    // Milliseconds from the start of the attach to the agent's Hello.
    double attachMs() const { return m_attachMs; }

private:
    // A message from the agent before the deadline; throws AttachError saying what was awaited.
    struct Receiver;
    void sendMessage(const std::string& bytes);
    std::string whyGone() const;

    pid_t m_pid;
    std::chrono::steady_clock::time_point m_deadline;
    std::unique_ptr<AgentListener> m_listener;
    int m_fd = -1;
    std::unique_ptr<Receiver> m_receiver;
    std::string m_pythonVersion;
    InjectionResult m_injection;
    double m_attachMs = 0;
    std::uint32_t m_lastRequest = 0;
};

} // namespace leakscope::attach
