#pragma once

#include "attach/process_info.h"

#include <functional>
#include <string>
#include <sys/types.h>

// The self-test run before attaching: says why attaching to a process cannot work, each reason with a
// one-line message a user can act on. Pure over a SystemView, so tests can fake every case.
namespace leakscope::attach {

// The facts about the attaching side and the machine that the verdict depends on.
struct SystemView
{
    std::string procRoot = "/proc";
    pid_t selfPid = 0;
    uid_t uid = 0; // effective uid of the caller
    bool capSysPtrace = false;
    // /proc/sys/kernel/yama/ptrace_scope; -1 when the kernel has no Yama (no restriction).
    int ptraceScope = -1;
    // The Python major.minor this LeakScope was built for.
    std::string builtForVersion;
    // Whether it is a debug build (Py_DEBUG: python3.11d), whose objects are laid out differently.
    bool builtForDebug = false;
    // Full path of the program name on PATH, empty when it is not found.
    std::function<std::string(const std::string&)> findProgram;
};

// The view of this process and machine: /proc, getpid(), geteuid(), CapEff, Yama and PATH.
SystemView currentSystem();

// The Python major.minor LeakScope was built for ("3.11").
std::string builtForPythonVersion();

// Full path of name in the directories of path (colon-separated) that is an executable file; empty
// when there is none.
std::string findOnPath(const std::string& name, const std::string& path);

enum class Verdict {
    Ok,
    NoSuchProcess,
    SelfProcess,
    NotPython,
    Unreadable,
    WrongPythonVersion,
    WrongPythonBuild,
    OtherUser,
    PtraceScopeDescendants,
    PtraceScopeAdmin,
    PtraceScopeDisabled,
    AlreadyTraced,
    NoGdb,
};

struct CheckResult
{
    Verdict verdict = Verdict::Ok;
    std::string message; // one line, without a trailing newline
    ProcessInfo process;
    bool ok() const { return verdict == Verdict::Ok; }
};

// A stable name for the verdict, for JSON and tests ("ok", "no-such-process", ...).
const char* verdictName(Verdict verdict);

// Whether attaching to pid could work, and if not why. Checks run in the order a user would fix them:
// the process first, then its Python, then permissions, then gdb.
CheckResult checkAttach(pid_t pid, const SystemView& system);
// The same on an already read process (the listing reads each process once).
CheckResult checkAttach(const ProcessInfo& process, const SystemView& system);

} // namespace leakscope::attach
