#include "attach/gdb_injector.h"

#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace leakscope::attach {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kStepMarker = "LS_STEP ";

std::string echoStep(const char* step)
{
    return std::string("echo ") + kStepMarker + step + "\\n";
}

// A gdb regular expression matching name literally.
std::string regexEscape(const std::string& name)
{
    std::string out;
    for (char c : name) {
        if (std::strchr(".[]()*+?^$\\|{}", c))
            out += '\\';
        out += c;
    }
    return out;
}

// `set {unsigned long}(ADDR) = VALUE` commands writing bytes (NUL padded to 8) at $ls_buf + offset.
void appendStoreCommands(std::vector<std::string>& out, const std::string& bytes, size_t offset)
{
    std::string padded = bytes;
    padded.push_back('\0');
    while (padded.size() % 8)
        padded.push_back('\0');
    for (size_t i = 0; i < padded.size(); i += 8) {
        unsigned long long word = 0;
        for (size_t b = 0; b < 8; ++b)
            word |= static_cast<unsigned long long>(static_cast<unsigned char>(padded[i + b])) << (8 * b);
        char line[128];
        std::snprintf(line, sizeof line, "set {unsigned long}($ls_buf + %zu) = 0x%llx", offset + i, word);
        out.emplace_back(line);
    }
}

size_t paddedSize(const std::string& s)
{
    return (s.size() + 1 + 7) / 8 * 8;
}

// The text between "LS_STEP step" and the next marker (or the end).
std::string section(const std::string& transcript, const std::string& step)
{
    const std::string marker = kStepMarker + step + "\n";
    size_t begin = transcript.find(marker);
    if (begin == std::string::npos)
        return {};
    begin += marker.size();
    size_t end = transcript.find(kStepMarker, begin);
    return transcript.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// The value printed by `print` in a section ("$3 = 0x0" -> "0x0"), empty when nothing was printed.
std::string printedValue(const std::string& text)
{
    size_t pos = 0;
    while ((pos = text.find('$', pos)) != std::string::npos) {
        size_t eq = text.find(" = ", pos);
        size_t nl = text.find('\n', pos);
        if (eq != std::string::npos && (nl == std::string::npos || eq < nl)
            && (pos == 0 || text[pos - 1] == '\n')) {
            return text.substr(eq + 3, nl == std::string::npos ? std::string::npos : nl - eq - 3);
        }
        ++pos;
    }
    return {};
}

std::string firstLine(const std::string& text)
{
    size_t start = text.find_first_not_of("\n ");
    if (start == std::string::npos)
        return {};
    return text.substr(start, text.find('\n', start) - start);
}

// The whole line of text that contains needle, empty when none does.
std::string lineContaining(const std::string& text, const char* needle)
{
    size_t pos = text.find(needle);
    if (pos == std::string::npos)
        return {};
    size_t begin = text.rfind('\n', pos);
    begin = begin == std::string::npos ? 0 : begin + 1;
    return text.substr(begin, text.find('\n', pos) - begin);
}

long long stamp(const std::string& transcript, const char* name)
{
    size_t pos = transcript.find(name);
    if (pos == std::string::npos)
        return -1;
    return std::atoll(transcript.c_str() + pos + std::strlen(name));
}

struct RunOutput
{
    std::string text;
    bool timedOut = false;
    bool killed = false;
    bool started = false;
    int exitStatus = -1;
    int signal = 0; // the signal that ended gdb, 0 when it exited
    double wallMs = 0;
};

RunOutput runWithTimeout(const std::vector<std::string>& argv, int timeoutMs, int graceMs)
{
    RunOutput out;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return out;
    const auto begin = Clock::now();
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return out;
    }
    if (child == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        setpgid(0, 0); // no terminal signals; gdb never reads a terminal
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        std::fprintf(stderr, "LS_EXEC_FAILED %s\n", std::strerror(errno));
        _exit(127);
    }
    out.started = true;
    close(fds[1]);
    const auto deadline = begin + std::chrono::milliseconds(timeoutMs);
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            out.timedOut = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        int r = poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            out.timedOut = true;
            break;
        }
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.text.append(buf, static_cast<size_t>(n));
    }
    if (out.timedOut) {
        // Killing gdb in the middle of a call would leave the target running gdb's half-made call frame
        // (it crashes when the call returns to gdb's removed breakpoint). SIGINT makes gdb stop the
        // target and, with unwindonsignal, unwind the call; the remaining commands put the registers
        // back and detach. Only when that does not finish either is gdb killed.
        kill(child, SIGINT);
        const auto graceEnd = Clock::now() + std::chrono::milliseconds(graceMs);
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(graceEnd - Clock::now()).count();
            if (left <= 0) {
                out.killed = true;
                kill(child, SIGKILL); // the kernel detaches a dead tracer's tracees
                break;
            }
            pollfd p{fds[0], POLLIN, 0};
            int r = poll(&p, 1, static_cast<int>(left));
            if (r < 0 && errno == EINTR)
                continue;
            if (r == 0)
                continue;
            ssize_t n = read(fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            out.text.append(buf, static_cast<size_t>(n));
        }
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    out.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    out.wallMs = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
    return out;
}

} // namespace

GdbInjector::GdbInjector() = default;

GdbInjector::GdbInjector(Options options)
    : m_options(std::move(options))
{
}

std::vector<std::string> GdbInjector::commandLine(pid_t pid, const std::string& libraryPath,
                                                  const std::string& argument) const
{
    std::vector<std::string> a = {m_options.gdbPath, "--batch", "-nx", "-q", "--readnever"};
    auto pre = [&](const std::string& c) { a.push_back("-iex"); a.push_back(c); };
    auto ex = [&](const std::string& c) { a.push_back("-ex"); a.push_back(c); };
    // Settings in force before the attach: nothing interactive, nothing fetched, no symbol files read
    // except the two libraries the calls need.
    pre("set debuginfod enabled off");
    pre("set confirm off");
    pre("set pagination off");
    pre("set width 0");
    pre("set auto-load no");
    pre("set auto-solib-add off");
    pre("set debug-file-directory /nonexistent"); // minimal (ELF) symbols are enough; DWARF costs ~1 s
    pre("set print thread-events off");
    pre("set unwindonsignal on"); // a signal inside a call unwinds it instead of leaving the target stopped there
    ex("python import time; print('LS_T0', time.monotonic_ns())");
    ex(echoStep("attach"));
    ex("attach " + std::to_string(pid));
    ex(echoStep("symbols"));
    ex("sharedlibrary libc\\.so");
    // Scratch area: 4 KiB below the stack pointer, well past the 128-byte red zone; the stack pointer is
    // moved below it for the calls and put back afterwards, as is orig_rax (whose value decides whether
    // an interrupted system call is restarted).
    // Make the calls on a thread that is inside a system call when there is one (the lowest-numbered):
    // there its caller already treats the vector registers as clobbered (see the XSAVE note below).
    ex(echoStep("thread"));
    ex("python (lambda ts: next((t for t in ts if (t.switch(), int(gdb.parse_and_eval('$orig_rax')))[1] >= 0),"
       " ts[0]).switch())(sorted(gdb.selected_inferior().threads(), key=lambda t: t.num))");
    ex(echoStep("scratch"));
    ex("set $ls_sp = (unsigned long)$sp");
    ex("set $ls_orax = $orig_rax");
    ex("set $ls_buf = ($ls_sp - 4096) & ~15");
    ex(echoStep("syscall"));
    ex("print $ls_orax");
    std::vector<std::string> stores;
    appendStoreCommands(stores, libraryPath, 0);
    appendStoreCommands(stores, argument, paddedSize(libraryPath));
    for (const auto& s : stores)
        ex(s);
    ex("set $sp = (void*)($ls_buf - 512)");
    ex(echoStep("dlopen"));
    ex("print (long)dlopen((const char*)$ls_buf, 2)");
    ex(echoStep("solibs"));
    ex("info sharedlibrary");
    ex(echoStep("dlerror"));
    ex("print (const char*)dlerror()");
    ex(echoStep("agentsymbols"));
    std::string base = libraryPath.substr(libraryPath.find_last_of('/') + 1);
    ex("sharedlibrary " + regexEscape(base) + "$");
    ex(echoStep("start"));
    char startCall[160];
    std::snprintf(startCall, sizeof startCall,
                  "print ((int (*)(const char*))leakscope_agent_start)((const char*)($ls_buf + %zu))",
                  paddedSize(libraryPath));
    ex(startCall);
    ex(echoStep("restore"));
    ex("set $sp = (void*)$ls_sp");
    ex("set $orig_rax = $ls_orax");
    ex(echoStep("detach"));
    ex("detach");
    ex("python print('LS_T1', time.monotonic_ns())");
    ex(echoStep("end"));
    return a;
}

InjectionResult GdbInjector::parseTranscript(const std::string& t, const std::string& libraryPath)
{
    InjectionResult r;
    r.transcript = t;
    const std::string attach = section(t, "attach");
    if (t.find("LS_EXEC_FAILED") != std::string::npos)
        r.error = "gdb could not be started (install Debian's gdb package)";
    else if (attach.find("ptrace: Operation not permitted") != std::string::npos)
        r.error = "gdb may not trace the process (ptrace: Operation not permitted: another user, "
                  "kernel.yama.ptrace_scope, a container, or it is already being traced)";
    else if (attach.find("ptrace: No such process") != std::string::npos)
        r.error = "the process does not exist (ptrace: No such process)";
    if (!r.error.empty())
        return r;
    // Once attached, `print $ls_orax` shows a number; without a process it shows "void" or nothing.
    const std::string orax = printedValue(section(t, "syscall"));
    if (orax.empty() || orax == "void") {
        std::string why = lineContaining(attach, "ptrace:");
        if (why.empty())
            why = lineContaining(attach, "attach");
        if (why.empty())
            why = firstLine(attach);
        r.error = "gdb could not attach: " + (why.empty() ? std::string("no output") : why);
        return r;
    }

    const long long t0 = stamp(t, "LS_T0 ");
    const long long t1 = stamp(t, "LS_T1 ");
    if (t0 > 0 && t1 >= t0) {
        r.stoppedMs = static_cast<double>(t1 - t0) / 1e6;
        r.stoppedMeasuredBy = "gdb's clock just before `attach` and just after `detach` (an upper bound)";
    }

    // gdb 13 cannot write the extended (XSAVE) register state on CPUs whose XSAVE area is larger than
    // it expects (AMX): a call then runs in the target but gdb cannot restore the vector registers or
    // hand back the return value. The library list and the explicit restores still tell us enough.
    const bool xstateBroken = t.find("Couldn't write extended state status") != std::string::npos;
    if (xstateBroken) {
        // Stopped inside a system call, the thread is within a libc wrapper whose caller already treats
        // every vector register as clobbered, so the loss is harmless there; elsewhere it may not be.
        // Only the second case is worth a warning; the first stays in the transcript.
        const bool inSyscall = printedValue(section(t, "syscall")) != "-1";
        if (!inSyscall)
            r.warning = "gdb could not restore the target's vector registers after its calls (XSAVE area larger than"
                        " this gdb supports), and the thread was stopped outside a system call, so a vector"
                        " computation in progress may have been disturbed";
    }

    const std::string solibs = section(t, "solibs");
    const bool loaded = solibs.find(libraryPath) != std::string::npos;
    const std::string handle = printedValue(section(t, "dlopen"));
    if (!loaded) {
        std::string why = printedValue(section(t, "dlerror"));
        size_t q = why.find('"');
        if (q != std::string::npos)
            why = why.substr(q + 1, why.rfind('"') > q ? why.rfind('"') - q - 1 : std::string::npos);
        if (handle.empty() && !xstateBroken)
            r.error = "dlopen could not be called in the target: " + firstLine(section(t, "dlopen"));
        else if (!why.empty() && why != "0x0")
            r.error = "dlopen failed in the target: " + why;
        else
            r.error = "dlopen failed in the target (the reason could not be read back)";
        return r;
    }

    const std::string start = section(t, "start");
    const std::string started = printedValue(start);
    if (started.empty() && !xstateBroken) {
        r.error = "the agent's start function could not be called: " + firstLine(start);
        return r;
    }
    if (!started.empty() && started != "0") {
        r.error = "the agent's start function returned " + started;
        return r;
    }
    if (started.empty() && start.find("No symbol") != std::string::npos) {
        r.error = "the library has no leakscope_agent_start";
        return r;
    }
    if (section(t, "detach").find("detached]") == std::string::npos) {
        r.error = "gdb did not report detaching from the target";
        return r;
    }
    r.ok = true;
    return r;
}

InjectionResult GdbInjector::inject(pid_t pid, const std::string& libraryPath, const std::string& argument)
{
    InjectionResult r;
    if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH)) {
        r.error = "process " + std::to_string(pid) + " does not exist";
        return r;
    }
    if (libraryPath.empty() || libraryPath[0] != '/') {
        r.error = "the agent library path must be absolute: " + libraryPath;
        return r;
    }
    struct stat st{};
    if (stat(libraryPath.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        r.error = "the agent library does not exist: " + libraryPath;
        return r;
    }
    if (paddedSize(libraryPath) + paddedSize(argument) > kMaxStringBytes) {
        r.error = "the agent library path and argument are too long";
        return r;
    }
    for (char c : libraryPath + argument) {
        if (c == '\0') {
            r.error = "the agent library path or argument contains a NUL byte";
            return r;
        }
    }
    RunOutput run = runWithTimeout(commandLine(pid, libraryPath, argument), m_options.timeoutMs,
                                   m_options.interruptGraceMs);
    if (!run.started) {
        r.error = "gdb could not be started: " + std::string(std::strerror(errno));
        return r;
    }
    if (run.timedOut) {
        const bool detached = section(run.text, "detach").find("detached]") != std::string::npos;
        r.error = "gdb did not finish within " + std::to_string(m_options.timeoutMs) + " ms; "
                  + (run.killed ? "it was killed after " + std::to_string(m_options.interruptGraceMs)
                                      + " ms more (the kernel detached it from the target)"
                                : detached ? "it was interrupted, unwound its call in the target and detached"
                                           : "it was interrupted and exited (the kernel detached it)");
        r.transcript = run.text;
        return r;
    }
    r = parseTranscript(run.text, libraryPath);
    if (run.signal != 0 && !r.ok) {
        // gdb itself died (out of memory, a crash): the kernel detached it from the target, which runs on.
        r.error = "gdb was killed by signal " + std::to_string(run.signal) + " (" + strsignal(run.signal)
                  + ") before it finished; the kernel detached it from the target" + (r.error.empty() ? "" : " (" + r.error + ")");
        return r;
    }
    if (r.stoppedMs < 0 && r.error.empty()) {
        r.stoppedMs = run.wallMs;
        r.stoppedMeasuredBy = "the whole gdb run (gdb has no Python to time attach and detach)";
    }
    return r;
}

} // namespace leakscope::attach
