#include "crash_report.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sys/syscall.h>
#include <unistd.h>

namespace leakscope::cli {

namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTERM};
constexpr int kWriteWaitMs = 5000;

// What the handler reads: written before the script runs, or atomics. A handler may only call
// async-signal-safe functions, so the line is put together by hand.
char g_consequence[1024];
std::atomic<int> g_errorFd{2};
pid_t g_mainThread = 0; // the thread that runs the script; its id is the process's id
std::atomic<int> g_capturing{0};
std::atomic<int> g_writes{0};
alignas(16) char g_signalStack[64 * 1024];

// Lets the snapshot files being written be completed, for kWriteWaitMs at most: the thread writing one
// may be unable to finish (the crash may have left a lock of the C library held).
void waitForWrites()
{
    const timespec tick{0, 10 * 1000 * 1000};
    for (int waited = 0; g_writes.load() > 0 && waited < kWriteWaitMs; waited += 10)
        ::nanosleep(&tick, nullptr);
}

const char* signalName(int signal)
{
    switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGTERM: return "SIGTERM";
    }
    return "a signal";
}

struct Line
{
    char text[2048];
    std::size_t length = 0;

    void add(const char* part)
    {
        while (*part && length < sizeof text - 1)
            text[length++] = *part++;
    }
};

void onFatalSignal(int signal)
{
    const int savedErrno = errno;
    const bool capturing = g_capturing.load() > 0;
    const bool onMainThread = static_cast<pid_t>(::syscall(SYS_gettid)) == g_mainThread;
    Line line;
    line.add("leakscope-cli: ");
    if (signal == SIGTERM)
        line.add(capturing ? "terminated during a capture (" : "terminated while the script ran (");
    else
        line.add(capturing ? "the capture crashed the program (" : "the script crashed the program (");
    line.add(signalName(signal));
    line.add(")");
    if (capturing && signal != SIGTERM)
        line.add(": an object's traverse function failed (an extension's tp_traverse, or an object it corrupted)");
    line.add("; ");
    line.add(g_consequence);
    line.add("\n");
    const char* next = line.text;
    std::size_t left = line.length;
    while (left > 0) {
        const ssize_t n = ::write(g_errorFd.load(), next, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        next += n;
        left -= static_cast<std::size_t>(n);
    }
    // A snapshot file another thread is writing: let it be completed, unless that thread is the one
    // that crashed, or this is a process the script forked (which has no such thread).
    if (onMainThread || (signal == SIGTERM && ::getpid() == g_mainThread))
        waitForWrites();
    errno = savedErrno;
    // The handler was reset to the default as it was entered (SA_RESETHAND): the same signal now ends
    // the process, as it would have without us, once this handler returns.
    ::raise(signal);
}

} // namespace

void installCrashReport(const std::string& consequence)
{
    std::snprintf(g_consequence, sizeof g_consequence, "%s", consequence.c_str());
    reportCrashesTo(::fileno(stderr));
    g_mainThread = static_cast<pid_t>(::syscall(SYS_gettid));
    stack_t stack{};
    stack.ss_sp = g_signalStack;
    stack.ss_size = sizeof g_signalStack;
    ::sigaltstack(&stack, nullptr);
    struct sigaction action{};
    action.sa_handler = &onFatalSignal;
    action.sa_flags = SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (const int signal : kSignals)
        ::sigaction(signal, &action, nullptr);
}

void reportCrashesTo(int fd)
{
    if (fd >= 0)
        g_errorFd.store(fd);
}

CaptureUnderway::CaptureUnderway()
{
    ++g_capturing;
}

CaptureUnderway::~CaptureUnderway()
{
    --g_capturing;
}

void fileWriteStarted()
{
    ++g_writes;
}

void fileWriteEnded()
{
    --g_writes;
}

} // namespace leakscope::cli

// os._exit() ends the process at once: no atexit handler, no destructor and no signal handler runs, so
// a snapshot file `run` is writing on another thread would be left incomplete. This _exit takes the C
// library's place in the program (libpython calls it through the dynamic linker, as every library
// does): in the process that runs the script it lets those files be completed first, then it ends the
// process as the C library's does. A process the script forked, or a child between vfork and exec,
// has another id and ends at once.
extern "C" void _exit(int status)
{
    using namespace leakscope::cli;
    if (g_mainThread != 0 && ::getpid() == g_mainThread)
        waitForWrites();
    for (;;)
        ::syscall(SYS_exit_group, status);
}
