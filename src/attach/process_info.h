#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

// What /proc says about a process: whether it runs CPython, which version, whose it is and what it
// runs. Every read is of racy, untrusted data: a process can exit between two reads, and a field can be
// unreadable (another user's /proc/PID/exe or maps without CAP_SYS_PTRACE). Nothing here throws.
namespace leakscope::attach {

// Where a field came from, or why it is missing.
enum class FieldState { Read, Unreadable, Missing };

struct PythonBuild
{
    bool isPython = false;
    // "3.11"; empty when not Python or when the version cannot be told from the file names.
    std::string version;
    // The file the interpreter lives in: libpython3.X.so... when linked dynamically, else the
    // python3.X executable itself (Debian's /usr/bin/python3.11 links it statically).
    std::string interpreterFile;
    bool sharedLibrary = false;
    // Debug build (python3.11d, libpython3.11d.so).
    bool debugBuild = false;
};

struct ProcessInfo
{
    pid_t pid = 0;
    // False when the process was gone (or never existed) while it was read: every other field is empty.
    bool exists = false;
    std::string executable; // target of /proc/PID/exe
    FieldState executableState = FieldState::Missing;
    FieldState mapsState = FieldState::Missing;
    PythonBuild python;
    // Real uid from /proc/PID/status, and its name (the number when it has none).
    uid_t uid = 0;
    bool uidKnown = false;
    std::string user;
    // TracerPid from /proc/PID/status: 0 when nothing traces the process.
    pid_t tracerPid = 0;
    // NULs turned into spaces; empty for kernel threads and zombies.
    std::string commandLine;
    FieldState commandLineState = FieldState::Missing;
    // The process' own name (Name: in /proc/PID/status), for processes without a command line.
    std::string name;
};

// The Python version and build of a process, told from its executable path and the files in its
// /proc/PID/maps text. Pure: tests give it any text.
PythonBuild pythonBuildFrom(const std::string& executable, const std::string& mapsText);

// "3.11" from "libpython3.11.so.1.0", "python3.11", "python3.11d" or "libpython3.11d.so";
// empty when name is none of those. debug is set for the 'd' builds.
std::string pythonVersionFromFileName(const std::string& fileName, bool* debug = nullptr);

// Reads pid under procRoot ("/proc", or a fake tree in tests).
ProcessInfo readProcess(const std::string& procRoot, pid_t pid);

// The numeric directories of procRoot, in increasing order.
std::vector<pid_t> listPids(const std::string& procRoot);

// The user name of uid (getpwuid_r), or the number as text when it has none.
std::string userName(uid_t uid);

} // namespace leakscope::attach
