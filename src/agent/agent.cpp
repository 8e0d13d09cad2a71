// The agent LeakScope loads into a running Python process (docs/attach.md). The injector calls
// leakscope_agent_start() from a stopped thread of the target; it only starts the agent's thread and
// returns. That thread connects to the attaching side's socket, proves itself with the token, and then
// serves Snapshot and Describe requests of the host protocol (docs/protocol.md) until it is told to
// detach (Terminate) or the other side goes away; then it closes the socket and ends. It takes the GIL
// like any other thread (PyGILState_Ensure) and only for a request.
#include <Python.h>

#include "attach/agent_argument.h"
#include "capture/heap_capture.h"
#include "capture/bounded_describe.h"
#include "capture/type_origin.h"
#include "host/host_connection.h"
#include "protocol/protocol.h"
#include "snapshot/snapshot.h"
#include "snapshot/snapshot_codec.h"
#include "snapshot/text.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <exception>
#include <malloc.h>
#include <memory>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace {

using namespace leakscope;
using namespace leakscope::protocol;

// True while an agent thread exists. Trivially destructible on purpose: the process may exit while the
// thread still runs, and nothing of the agent's may be torn down under it by exit()'s destructors.
std::atomic<bool> g_active{false};

// How long the attaching side has to answer the Hello.
constexpr int kHandshakeTimeoutMs = 10000;
// How long a Describe waits for the object's repr() and dir() before it answers that they did not return.
constexpr std::chrono::milliseconds kDescribeLimit{5000};

// Clears g_active however the thread ends: returning, or pthread_exit() unwinding it when it asks for
// the GIL while the interpreter finalises (CPython 3.11 ends such threads there).
struct ActiveGuard
{
    ~ActiveGuard() { g_active.store(false); }
};

class AgentSession
{
public:
    AgentSession(host::HostConnection& connection)
        : m_connection(connection)
    {
    }

    // Serves requests until told to detach or the connection ends.
    void serve()
    {
        Message message;
        while (m_connection.receive(message)) {
            if (const auto* request = std::get_if<SnapshotRequest>(&message)) {
                if (!snapshot(*request))
                    return;
            } else if (const auto* describe = std::get_if<DescribeRequest>(&message)) {
                if (!describeObject(*describe))
                    return;
            } else if (std::holds_alternative<Terminate>(message)) {
                return; // detach: the process runs on
            } else {
                send(Error{0, "an attached process takes only Snapshot, Describe and Terminate (detach); message type "
                                  + std::to_string(static_cast<int>(typeOf(message))) + " is not one of them"});
            }
        }
    }

private:
    bool send(const Message& message)
    {
        try {
            return m_connection.send(message);
        } catch (const std::length_error& error) {
            return m_connection.send(Error{0, std::string("the answer is too large to send: ") + error.what()});
        }
    }

    // Empty when the interpreter can be asked for its GIL now.
    static std::string interpreterUnavailable()
    {
        if (!Py_IsInitialized())
            return "the process has no running Python interpreter (not initialised yet, or already finalised)";
        if (_Py_IsFinalizing())
            return "the process is shutting its Python interpreter down";
        return {};
    }

    // False when the connection is gone (the session ends).
    bool snapshot(const SnapshotRequest& request)
    {
        if (const std::string why = interpreterUnavailable(); !why.empty())
            return send(Error{request.requestId, why});
        if (!send(Progress{request.requestId, 0, "waiting for the GIL"}))
            return false;
        const PyGILState_STATE gil = PyGILState_Ensure();
        // The attaching side may have given up while a C call held the GIL: leave at once, untouched.
        if (m_connection.peerGone()) {
            PyGILState_Release(gil);
            return false;
        }
        SnapshotPtr snapshot;
        std::string error;
        try {
            if (!(request.flags & kSnapshotNoCollect)) {
                send(Progress{request.requestId, 0, "collecting garbage"});
                PyGC_Collect();
            }
            capture::CaptureOptions options;
            options.label = request.label;
            options.progress = [this, id = request.requestId](unsigned permille, const char* phase) {
                send(Progress{id, permille, phase});
            };
            snapshot = capture::captureHeap(options);
        } catch (const std::exception& e) {
            error = std::string("capture failed: ") + e.what();
        }
        PyGILState_Release(gil); // the process goes on while the snapshot is encoded and sent
        if (!snapshot)
            return send(Error{request.requestId, error});
        bool sent = false;
        try {
            sent = sendSnapshot(request, *snapshot);
        } catch (const std::length_error& e) {
            sent = send(Error{request.requestId, std::string("the snapshot is too large to send: ") + e.what()});
        }
        snapshot.reset();
        // What resolving the types' C origins cached (libdwfl's tables, tens of MB with libpython's
        // debug file) goes too: a process attached to once in a while should not keep it.
        capture::OriginResolver::instance().releaseCaches();
        // The capture's arrays were malloc'ed on this thread: give their pages back to the system, so
        // the process's memory returns to what it was (glibc keeps freed memory of a thread's arena).
        malloc_trim(0);
        return sent;
    }

    // Streams the SnapshotReady frame: the snapshot's bytes go to the socket as they are encoded,
    // never held whole in the process's memory. The frame is the one encode() would make: the
    // snapshot blob is its last field, so the header is encode() of the message without it, with the
    // payload and blob lengths then set.
    bool sendSnapshot(const SnapshotRequest& request, const Snapshot& snapshot)
    {
        std::string head = encode(SnapshotReady{request.requestId, request.label, false, {}});
        bool ok = true;
        auto putU32 = [&head](std::size_t at, std::uint64_t value) {
            for (int i = 0; i < 4; ++i)
                head[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
        };
        encodeSnapshot(
            snapshot,
            [&](std::uint64_t total) {
                const std::uint64_t payload = head.size() - kHeaderSize + total;
                if (payload > maxPayload(MessageType::SnapshotReady))
                    throw std::length_error(std::to_string(payload) + " bytes");
                putU32(0, payload);
                putU32(head.size() - 4, total);
                ok = m_connection.sendBytes(head);
            },
            [&](std::string_view piece) {
                if (ok)
                    ok = m_connection.sendBytes(piece);
            });
        return ok;
    }

    bool describeObject(const DescribeRequest& request)
    {
        if (const std::string why = interpreterUnavailable(); !why.empty())
            return send(Error{request.requestId, why});
        // The object's code may never return: past the limit the answer says so, and the agent serves
        // the next request.
        capture::BoundedDescription bounded = capture::describeLiveObjectWithin(
            request.address, request.typeAddress, clipUtf8(request.typeName, 1024), kDescribeLimit);
        if (!bounded.description)
            return send(Error{request.requestId, bounded.failure});
        capture::LiveDescription& live = *bounded.description;
        for (std::string& name : live.attributes)
            name = clipUtf8(std::move(name), 1024);
        return send(ObjectDescription{request.requestId, request.address, live.found, live.repr, live.attributes,
                                      clipUtf8(live.error, 64 * 1024), clipUtf8(live.typeName, 2048)});
    }

    host::HostConnection& m_connection;
};

void* agentMain(void* raw)
{
    ActiveGuard guard;
    const std::unique_ptr<attach::AgentArgument> argument(static_cast<attach::AgentArgument*>(raw));
    try {
        host::HostConnection connection(argument->socketPath);
        connection.setReceiveTimeout(kHandshakeTimeoutMs);
        if (!connection.send(Hello{kProtocolVersion, argument->token, capture::pythonVersion(),
                                   static_cast<std::int64_t>(getpid())}))
            return nullptr;
        Message answer;
        if (!connection.receive(answer) || !std::holds_alternative<Welcome>(answer))
            return nullptr;
        connection.setReceiveTimeout(0);
        AgentSession(connection).serve();
    } catch (const std::exception&) {
        // Nobody to tell: the attaching side sees the connection fail or end, within its timeout.
    }
    return nullptr;
}

} // namespace

// Called by the injector in a stopped thread of the target: must not take the GIL, allocate much, or
// block. Returns an attach::AgentStartCode.
extern "C" __attribute__((visibility("default"))) int leakscope_agent_start(const char* text)
{
    if (text == nullptr)
        return leakscope::attach::kAgentBadArgument;
    std::optional<leakscope::attach::AgentArgument> argument = leakscope::attach::parseAgentArgument(text);
    if (!argument)
        return leakscope::attach::kAgentBadArgument;
    bool expected = false;
    if (!g_active.compare_exchange_strong(expected, true))
        return leakscope::attach::kAgentBusy;

    // The thread starts with every signal blocked, so that the process's signals (SIGINT for Python's
    // KeyboardInterrupt, SIGCHLD, a server's SIGHUP) keep going to its own threads.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    auto* owned = new leakscope::attach::AgentArgument(std::move(*argument));
    const int created = pthread_create(&thread, &attributes, agentMain, owned);
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (created != 0) {
        delete owned;
        g_active.store(false);
        return leakscope::attach::kAgentNoThread;
    }
    pthread_setname_np(thread, "leakscope-agent");
    return leakscope::attach::kAgentStarted;
}
