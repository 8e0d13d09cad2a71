#include "attach/attach_check.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LEAKSCOPE_PYTHON_VERSION
#error "LEAKSCOPE_PYTHON_VERSION must name the Python major.minor LeakScope is built for"
#endif

namespace leakscope::attach {

namespace {

constexpr int kCapSysPtrace = 19;

std::string firstLine(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

bool capabilityInStatus(const std::string& statusPath, int capability)
{
    std::ifstream in(statusPath);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("CapEff:", 0) != 0)
            continue;
        const unsigned long long mask = std::strtoull(line.c_str() + 7, nullptr, 16);
        return (mask >> capability) & 1u;
    }
    return false;
}

std::string who(const ProcessInfo& process)
{
    return process.user.empty() ? std::string("another user") : "user " + process.user;
}

CheckResult result(Verdict verdict, std::string message, const ProcessInfo& process)
{
    CheckResult r;
    r.verdict = verdict;
    r.message = std::move(message);
    r.process = process;
    return r;
}

} // namespace

std::string builtForPythonVersion()
{
    return LEAKSCOPE_PYTHON_VERSION;
}

std::string findOnPath(const std::string& name, const std::string& path)
{
    if (name.empty())
        return {};
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        if (end == std::string::npos)
            end = path.size();
        // An empty entry is the current directory, as the shell takes it.
        const std::string dir = end > start ? path.substr(start, end - start) : std::string(".");
        const std::string candidate = dir + "/" + name;
        struct stat info
        {
        };
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return {};
}

SystemView currentSystem()
{
    SystemView system;
    system.procRoot = "/proc";
    system.selfPid = ::getpid();
    system.uid = ::geteuid();
    system.capSysPtrace = capabilityInStatus("/proc/self/status", kCapSysPtrace);
    const std::string scope = firstLine("/proc/sys/kernel/yama/ptrace_scope");
    system.ptraceScope = scope.empty() ? -1 : std::atoi(scope.c_str());
    system.builtForVersion = builtForPythonVersion();
    system.builtForDebug = LEAKSCOPE_PYTHON_DEBUG != 0;
    const char* path = std::getenv("PATH");
    const std::string pathText = path ? path : "/usr/local/bin:/usr/bin:/bin";
    system.findProgram = [pathText](const std::string& name) { return findOnPath(name, pathText); };
    return system;
}

const char* verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Ok: return "ok";
    case Verdict::NoSuchProcess: return "no-such-process";
    case Verdict::SelfProcess: return "self";
    case Verdict::NotPython: return "not-python";
    case Verdict::Unreadable: return "unreadable";
    case Verdict::WrongPythonVersion: return "wrong-python-version";
    case Verdict::WrongPythonBuild: return "wrong-python-build";
    case Verdict::OtherUser: return "other-user";
    case Verdict::PtraceScopeDescendants: return "ptrace-scope-descendants";
    case Verdict::PtraceScopeAdmin: return "ptrace-scope-admin";
    case Verdict::PtraceScopeDisabled: return "ptrace-scope-disabled";
    case Verdict::AlreadyTraced: return "already-traced";
    case Verdict::NoGdb: return "no-gdb";
    }
    return "unknown";
}

CheckResult checkAttach(pid_t pid, const SystemView& system)
{
    if (pid <= 0) {
        ProcessInfo none;
        none.pid = pid;
        return result(Verdict::NoSuchProcess, "no such process: " + std::to_string(pid) + " is not a process id", none);
    }
    return checkAttach(readProcess(system.procRoot, pid), system);
}

CheckResult checkAttach(const ProcessInfo& process, const SystemView& system)
{
    const std::string pid = std::to_string(process.pid);
    if (!process.exists)
        return result(Verdict::NoSuchProcess,
            "no such process: " + pid
                + " does not exist (or has exited); `leakscope-cli ps` lists the Python processes",
            process);
    if (process.pid == system.selfPid)
        return result(Verdict::SelfProcess,
            "process " + pid + " is leakscope-cli itself; give the pid of the Python process to capture", process);

    const bool otherUser = process.uidKnown && process.uid != system.uid;
    const bool mayTraceOthers = system.capSysPtrace;
    if (!process.python.isPython) {
        const bool unreadable
            = process.executableState == FieldState::Unreadable || process.mapsState == FieldState::Unreadable;
        if (unreadable && otherUser && !mayTraceOthers)
            return result(Verdict::OtherUser,
                "process " + pid + " belongs to " + who(process)
                    + ": only they, or root (CAP_SYS_PTRACE), can attach to it; run leakscope-cli as that user or with "
                      "sudo",
                process);
        if (unreadable)
            return result(Verdict::Unreadable,
                "cannot read /proc/" + pid + "/exe or /proc/" + pid
                    + "/maps (permission denied), so cannot tell whether it runs Python; run leakscope-cli as the "
                      "process' user or as root",
                process);
        const std::string what = process.executable.empty() ? process.name : process.executable;
        return result(Verdict::NotPython,
            "process " + pid + " (" + what
                + ") is not a Python process: neither its executable nor its libraries are CPython's",
            process);
    }
    if (process.python.version != system.builtForVersion)
        return result(Verdict::WrongPythonVersion,
            "process " + pid + " runs Python " + process.python.version + " (" + process.python.interpreterFile
                + "), and this LeakScope was built for Python " + system.builtForVersion
                + " only; use a LeakScope built against Python " + process.python.version,
            process);
    if (process.python.debugBuild != system.builtForDebug) {
        const std::string build = process.python.debugBuild ? "a debug build" : "a release build";
        const std::string ours = system.builtForDebug ? "the debug build" : "the release build";
        return result(Verdict::WrongPythonBuild,
            "process " + pid + " runs " + build + " of Python " + process.python.version + " ("
                + process.python.interpreterFile
                + "), whose objects are laid out differently; this LeakScope was built for " + ours + " of Python "
                + system.builtForVersion,
            process);
    }
    if (otherUser && !mayTraceOthers)
        return result(Verdict::OtherUser,
            "process " + pid + " belongs to " + who(process)
                + ": only they, or root (CAP_SYS_PTRACE), can attach to it; run leakscope-cli as that user or with "
                  "sudo",
            process);
    if (system.ptraceScope == 3)
        return result(Verdict::PtraceScopeDisabled,
            "ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3): no process can be attached to, not "
            "even by root, until a reboot with a lower setting",
            process);
    if (system.ptraceScope == 2 && !mayTraceOthers)
        return result(Verdict::PtraceScopeAdmin,
            "only root may attach to processes here (kernel.yama.ptrace_scope = 2): run leakscope-cli with sudo",
            process);
    if (system.ptraceScope == 1 && !mayTraceOthers)
        return result(Verdict::PtraceScopeDescendants,
            "this machine lets a program attach only to its own children (kernel.yama.ptrace_scope = 1): run "
            "leakscope-cli with sudo, or allow it with `sudo sysctl kernel.yama.ptrace_scope=0`",
            process);
    if (process.tracerPid != 0)
        return result(Verdict::AlreadyTraced,
            "process " + pid + " is already traced by process " + std::to_string(process.tracerPid)
                + " (a debugger or strace); detach that first, a process can have one tracer only",
            process);
    if (!system.findProgram || system.findProgram("gdb").empty())
        return result(Verdict::NoGdb,
            "gdb is not on PATH; attaching needs it: install Debian's package `gdb` (sudo apt-get install gdb)",
            process);
    return result(
        Verdict::Ok, "process " + pid + " runs Python " + process.python.version + ": attaching can work", process);
}

} // namespace leakscope::attach
