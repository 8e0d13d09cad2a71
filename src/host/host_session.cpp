#include <Python.h>

#include "host_session.h"

#include "capture/bounded_describe.h"
#include "capture/explainers.h"
#include "capture/heap_capture.h"
#include "capture/interpreter.h"
#include "capture/native_traces.h"
#include "capture/script_module.h"
#include "host_connection.h"
#include "snapshot/snapshot_codec.h"
#include "snapshot/text.h"

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <pthread.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace leakscope::host {

namespace {

using namespace protocol;

// How long a Describe waits for the object's repr() and dir() before it answers that they did not return.
constexpr std::chrono::milliseconds kDescribeLimit{5000};

[[noreturn]] void quickExit(int status)
{
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(status);
}

template<typename... F>
struct Overloaded : F...
{
    using F::operator()...;
};
template<typename... F>
Overloaded(F...) -> Overloaded<F...>;

std::uint32_t requestIdOf(const Message& message)
{
    if (const auto* ready = std::get_if<SnapshotReady>(&message))
        return ready->requestId;
    if (const auto* description = std::get_if<ObjectDescription>(&message))
        return description->requestId;
    return 0;
}

const char* outcomeName(capture::ScriptOutcome::Kind kind)
{
    switch (kind) {
    case capture::ScriptOutcome::Kind::Completed: return "completed";
    case capture::ScriptOutcome::Kind::Raised: return "raised";
    case capture::ScriptOutcome::Kind::Exited: return "exited";
    case capture::ScriptOutcome::Kind::Interrupted: return "interrupted";
    case capture::ScriptOutcome::Kind::NotRun: break;
    }
    return "not-run";
}

class Session : public capture::ScriptHooks
{
public:
    Session(HostConnection& connection, const capture::Baseline& baseline)
        : m_connection(connection)
        , m_baseline(baseline)
        , m_mainThread(pthread_self())
    {
    }

    void start()
    {
        std::thread([this] { readLoop(); }).detach();
        std::thread([this] { workLoop(); }).detach();
    }

    // Main thread, GIL held: returns when the GUI side asks to run the script.
    void waitForRun()
    {
        PyThreadState* state = PyEval_SaveThread();
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_runRequested; });
            m_running = true;
        }
        PyEval_RestoreThread(state);
    }

    void scriptEnded()
    {
        std::lock_guard lock(m_mutex);
        m_running = false;
    }

    // Main thread, GIL held: lets the worker use the interpreter until the process ends.
    [[noreturn]] void serveForever()
    {
        PyEval_SaveThread();
        std::unique_lock lock(m_mutex);
        for (;;)
            m_changed.wait(lock);
    }

    void send(const Message& message)
    {
        if (m_connection.isForkedCopy())
            return; // a process the script forked: the GUI side hears only from the one it started
        bool sent;
        try {
            sent = m_connection.send(message);
        } catch (const std::length_error& error) {
            // Over what the protocol can carry (a snapshot past 4 GiB): say so instead.
            sent = m_connection.send(Error{requestIdOf(message), std::string("the answer is too large to send: ") + error.what()});
        }
        if (!sent)
            quickExit(0); // the GUI side is gone
    }

    // leakscope.snapshot(), pause() and save() in the script (which saved the file already, when asked).
    SnapshotPtr capture(const std::string& label) override { return capture(0, label, true); }

    bool deliver(const capture::ScriptSnapshot& request, const SnapshotPtr& snapshot, capture::ScriptError& error) override
    {
        const bool pause = request.kind == capture::ScriptSnapshot::Kind::Pause;
        if (m_connection.isForkedCopy()) {
            // Only the process LeakScope started can show a snapshot: a child's would come from another
            // heap under the parent's name. A file the module saved is all the child can have.
            if (!pause && !request.path.empty())
                return true;
            error.message = pause ? "leakscope.pause() in a process forked from the script: LeakScope cannot show or "
                                    "continue it"
                                  : "leakscope.snapshot() in a process forked from the script: LeakScope shows the "
                                    "snapshots of the process it started only (give a path to save this one to a file)";
            return false;
        }
        bool interrupted = false;
        Py_BEGIN_ALLOW_THREADS // encoding and sending need no GIL; a pause waits without it
        // A saved snapshot goes to the GUI too, named after its file: the user sees what was saved.
        // A snapshot of a series (leakscope.iterate(), the pytest plugin) says which one and where in it.
        SnapshotReady ready{0, request.label, pause, encodeSnapshot(*snapshot)};
        ready.seriesId = request.series.id;
        ready.seriesIndex = request.series.index;
        ready.seriesLength = request.series.length;
        send(std::move(ready));
        if (pause) {
            std::unique_lock lock(m_mutex);
            m_paused = true;
            m_continue = m_interrupt = false;
            m_changed.wait(lock, [this] { return m_continue || m_interrupt; });
            m_paused = false;
            interrupted = m_interrupt;
        }
        Py_END_ALLOW_THREADS
        if (interrupted)
            error.kind = capture::ScriptError::Kind::Interrupt;
        return !interrupted;
    }

private:
    // GIL held. Collects garbage first unless told not to, as the CLI does, so cycles awaiting
    // collection are not reported.
    SnapshotPtr capture(std::uint32_t requestId, const std::string& label, bool collect)
    {
        if (collect)
            PyGC_Collect();
        capture::CaptureOptions options;
        options.label = label;
        options.baseline = &m_baseline;
        // The C allocation stacks recorded since the interpreter started (null when not recording).
        options.nativeTraces = capture::NativeTraceRecorder::instance();
        options.progress = [this, requestId](unsigned permille, const char* phase) {
            send(Progress{requestId, permille, phase});
        };
        return capture::captureHeap(options);
    }

    void post(std::function<void()> job)
    {
        {
            std::lock_guard lock(m_jobsMutex);
            m_jobs.push_back(std::move(job));
        }
        m_jobsChanged.notify_one();
    }

    void workLoop()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(m_jobsMutex);
                m_jobsChanged.wait(lock, [this] { return !m_jobs.empty(); });
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            job();
        }
    }

    void snapshotJob(const SnapshotRequest& request)
    {
        const PyGILState_STATE gil = PyGILState_Ensure(); // the script stops at its next bytecode
        SnapshotPtr snapshot;
        std::string error;
        try {
            snapshot = capture(request.requestId, request.label, !(request.flags & kSnapshotNoCollect));
        } catch (const std::exception& e) {
            error = std::string("capture failed: ") + e.what();
        }
        PyGILState_Release(gil); // the script goes on while the snapshot is encoded and sent
        if (snapshot)
            send(SnapshotReady{request.requestId, request.label, false, encodeSnapshot(*snapshot)});
        else
            send(Error{request.requestId, error});
    }

    void describeJob(const DescribeRequest& request)
    {
        // The object's code may never return: past the limit the answer says so, and the requests
        // queued behind this one are served.
        capture::BoundedDescription bounded = capture::describeLiveObjectWithin(
            request.address, request.typeAddress, clipUtf8(request.typeName, 1024), kDescribeLimit);
        if (!bounded.description) {
            send(Error{request.requestId, bounded.failure});
            return;
        }
        capture::LiveDescription& live = *bounded.description;
        // Text from user code (dir() names, exception texts) can be any size: keep messages bounded.
        for (std::string& name : live.attributes)
            name = clipUtf8(std::move(name), 1024);
        send(ObjectDescription{request.requestId, request.address, live.found, live.repr, live.attributes,
                               clipUtf8(live.error, 64 * 1024), clipUtf8(live.typeName, 2048)});
    }

    void readLoop()
    {
        Message message;
        while (m_connection.receive(message)) {
            std::visit(Overloaded{
                           [this](const Run&) {
                               std::lock_guard lock(m_mutex);
                               if (m_runRequested) {
                                   m_connection.send(Error{0, "the script has already been started"});
                                   return;
                               }
                               m_runRequested = true;
                               m_changed.notify_all();
                           },
                           [this](const SnapshotRequest& request) { post([this, request] { snapshotJob(request); }); },
                           [this](const DescribeRequest& request) { post([this, request] { describeJob(request); }); },
                           [this](const Continue&) {
                               std::lock_guard lock(m_mutex);
                               if (!m_paused) {
                                   m_connection.send(Error{0, "the script is not paused"});
                                   return;
                               }
                               m_continue = true;
                               m_changed.notify_all();
                           },
                           [this](const Interrupt&) { interrupt(); },
                           [](const Terminate&) { quickExit(0); },
                           [this](const auto& other) {
                               m_connection.send(Error{0, "unexpected message of type "
                                                              + std::to_string(static_cast<int>(typeOf(Message(other))))});
                           },
                       },
                       message);
        }
        // The GUI side went away or spoke nonsense: nobody is left to serve.
        std::fprintf(stderr, "leakscope-host: %s; exiting\n", m_connection.error().c_str());
        quickExit(m_connection.error().rfind("malformed", 0) == 0 ? 3 : 0);
    }

    void interrupt()
    {
        std::lock_guard lock(m_mutex);
        if (m_paused) {
            m_interrupt = true; // leakscope.pause() raises KeyboardInterrupt
            m_changed.notify_all();
        } else if (m_running) {
            // A real SIGINT on the script's thread, as Ctrl+C would send: Python's handler raises
            // KeyboardInterrupt at the next bytecode, and a blocking call such as sleep() is woken.
            pthread_kill(m_mainThread, SIGINT);
        } else {
            m_connection.send(Error{0, "no script is running"});
        }
    }

    HostConnection& m_connection;
    const capture::Baseline& m_baseline;
    const pthread_t m_mainThread;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_runRequested = false;
    bool m_running = false;
    bool m_paused = false;
    bool m_continue = false;
    bool m_interrupt = false;

    std::mutex m_jobsMutex;
    std::condition_variable m_jobsChanged;
    std::deque<std::function<void()>> m_jobs;
};

} // namespace

int runHost(const HostOptions& options)
{
    capture::InterpreterOptions interpreterOptions;
    interpreterOptions.argv = options.argv;
    interpreterOptions.module = options.module;
    interpreterOptions.unbufferedStdio = true; // output reaches the GUI as the script writes it
    interpreterOptions.tracemallocDepth = options.tracemallocDepth;
    interpreterOptions.nativeTraceDepth = options.nativeTraceDepth; // the interpreter installs the recorder
    interpreterOptions.isolated = options.isolated;
    interpreterOptions.ignoreEnvironment = options.ignoreEnvironment;
    capture::Interpreter interpreter(interpreterOptions);
    interpreter.collectGarbage();
    const capture::Baseline baseline = capture::baselineOf(
        *capture::captureHeap(capture::baselineCaptureOptions(capture::NativeTraceRecorder::instance())));

    HostConnection connection(options.socketPath);
    if (!connection.send(Hello{kProtocolVersion, options.token, capture::pythonVersion(), static_cast<std::int64_t>(getpid())}))
        throw std::runtime_error(connection.error());
    Message answer;
    if (!connection.receive(answer))
        throw std::runtime_error("no answer to the handshake: " + connection.error());
    if (!std::holds_alternative<Welcome>(answer))
        throw std::runtime_error("the handshake was not answered with Welcome");

    Session session(connection, baseline);
    capture::setScriptHooks(&session);
    session.start();
    session.waitForRun();
    const capture::ScriptOutcome outcome = interpreter.runMain();
    interpreter.flushStdio();
    if (connection.isForkedCopy()) {
        // A child the script forked ran on to the end of the script: it ends as python3's child would
        // (atexit handlers run, its status is the script's), and tells the GUI side nothing.
        const int finalStatus = interpreter.finalize();
        quickExit(outcome.exitCode != 0 ? outcome.exitCode : finalStatus);
    }
    if (outcome.kind == capture::ScriptOutcome::Kind::NotRun) {
        // Where the script's output goes, so the reason is read where its traceback would be: a
        // SyntaxError as python3 shows it, with its line and caret; a module not found as python3 -m
        // says it, in the application's name.
        const std::string why = !outcome.compileError.empty() ? outcome.compileError
            : options.module.empty()                          ? outcome.message + "\n"
                                                              : "leakscope: " + outcome.message + "\n";
        std::fwrite(why.data(), 1, why.size(), stderr);
        std::fflush(stderr);
    }
    session.scriptEnded();
    session.send(ScriptFinished{outcome.exitCode, outcomeName(outcome.kind), clipUtf8(outcome.message, 512 * 1024)});
    session.serveForever();
}

} // namespace leakscope::host
