#include "attach/process_info.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

namespace leakscope::attach {

namespace {

// At most this much of a /proc file is read: maps of a large process run to megabytes, a hostile
// command line can be huge.
constexpr std::size_t kMaxFileBytes = 16u << 20;

enum class ReadResult { Ok, Gone, Denied };

ReadResult readErrno(int error)
{
    return (error == EACCES || error == EPERM) ? ReadResult::Denied : ReadResult::Gone;
}

ReadResult readFile(const std::string& path, std::string& out)
{
    out.clear();
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return readErrno(errno);
    char buffer[65536];
    while (in && out.size() < kMaxFileBytes) {
        in.read(buffer, sizeof buffer);
        out.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    // A process that exits while its file is read ends the read with ESRCH; what was read stays.
    return ReadResult::Ok;
}

ReadResult readLink(const std::string& path, std::string& out)
{
    out.clear();
    std::string buffer(4096, '\0');
    const ssize_t length = ::readlink(path.c_str(), buffer.data(), buffer.size());
    if (length < 0)
        return readErrno(errno);
    out.assign(buffer.data(), static_cast<std::size_t>(length));
    return ReadResult::Ok;
}

FieldState stateOf(ReadResult result)
{
    switch (result) {
    case ReadResult::Ok: return FieldState::Read;
    case ReadResult::Denied: return FieldState::Unreadable;
    case ReadResult::Gone: break;
    }
    return FieldState::Missing;
}

std::string baseName(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The value after "Key:" in /proc/PID/status text, trimmed; empty when absent.
std::string statusField(const std::string& status, const std::string& key)
{
    std::istringstream lines(status);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 && line[key.size()] == ':') {
            auto begin = line.find_first_not_of(" \t", key.size() + 1);
            if (begin == std::string::npos)
                return {};
            auto end = line.find_last_not_of(" \t\r");
            return line.substr(begin, end - begin + 1);
        }
    }
    return {};
}

bool parseNumber(const std::string& text, long long& out)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || end == text.c_str() || value < 0)
        return false;
    out = value;
    return true;
}

} // namespace

std::string pythonVersionFromFileName(const std::string& fileName, bool* debug)
{
    if (debug)
        *debug = false;
    std::string rest;
    if (fileName.rfind("libpython", 0) == 0)
        rest = fileName.substr(9);
    else if (fileName.rfind("python", 0) == 0)
        rest = fileName.substr(6);
    else
        return {};
    // MAJOR.MINOR, then nothing, 'd', or a ".so" suffix (libraries only).
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t start = i;
        while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])))
            ++i;
        return i > start;
    };
    if (!digits() || i >= rest.size() || rest[i] != '.')
        return {};
    ++i;
    if (!digits())
        return {};
    const std::string version = rest.substr(0, i);
    std::string suffix = rest.substr(i);
    bool isDebug = false;
    if (!suffix.empty() && suffix[0] == 'd') {
        isDebug = true;
        suffix.erase(0, 1);
    }
    const bool library = fileName.rfind("libpython", 0) == 0;
    if (library ? suffix.rfind(".so", 0) != 0 : !suffix.empty())
        return {};
    if (debug)
        *debug = isDebug;
    return version;
}

PythonBuild pythonBuildFrom(const std::string& executable, const std::string& mapsText)
{
    PythonBuild build;
    // A libpython in the maps wins: the executable may be any program embedding it.
    std::istringstream lines(mapsText);
    std::string line;
    while (std::getline(lines, line)) {
        // address perms offset dev inode [path]: the path is what follows the fifth field.
        std::istringstream fields(line);
        std::string skip;
        for (int f = 0; f < 5 && fields >> skip; ++f) { }
        std::string path;
        std::getline(fields, path);
        const auto begin = path.find_first_not_of(' ');
        if (begin == std::string::npos)
            continue;
        path = path.substr(begin);
        const std::string deleted = " (deleted)";
        if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0)
            path.erase(path.size() - deleted.size());
        const std::string name = baseName(path);
        if (name.rfind("libpython", 0) != 0)
            continue;
        bool debug = false;
        const std::string version = pythonVersionFromFileName(name, &debug);
        if (version.empty())
            continue;
        build.isPython = true;
        build.version = version;
        build.interpreterFile = path;
        build.sharedLibrary = true;
        build.debugBuild = debug;
        return build;
    }
    std::string exe = executable;
    const std::string deleted = " (deleted)";
    if (exe.size() > deleted.size() && exe.compare(exe.size() - deleted.size(), deleted.size(), deleted) == 0)
        exe.erase(exe.size() - deleted.size());
    bool debug = false;
    const std::string version = pythonVersionFromFileName(baseName(exe), &debug);
    if (!version.empty()) {
        build.isPython = true;
        build.version = version;
        build.interpreterFile = exe;
        build.debugBuild = debug;
    }
    return build;
}

std::string userName(uid_t uid)
{
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::string buffer(size > 0 ? static_cast<std::size_t>(size) : 16384u, '\0');
    struct passwd entry
    {
    };
    struct passwd* found = nullptr;
    for (int attempt = 0; attempt < 4; ++attempt) {
        const int error = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
        if (error == ERANGE) {
            buffer.resize(buffer.size() * 4);
            continue;
        }
        break;
    }
    if (found && found->pw_name)
        return found->pw_name;
    return std::to_string(uid);
}

ProcessInfo readProcess(const std::string& procRoot, pid_t pid)
{
    ProcessInfo info;
    info.pid = pid;
    if (pid <= 0)
        return info;
    const std::string dir = procRoot + "/" + std::to_string(pid);

    // status first: it is readable for every process, so it tells a gone process from an unreadable one.
    std::string status;
    if (readFile(dir + "/status", status) != ReadResult::Ok || status.empty())
        return info;
    // A zombie has exited: nothing is left to attach to, though its pid stays until it is reaped.
    const std::string state = statusField(status, "State");
    if (!state.empty() && (state[0] == 'Z' || state[0] == 'X'))
        return info;
    info.name = statusField(status, "Name");
    long long number = 0;
    // Uid: real effective saved filesystem.
    std::istringstream uids(statusField(status, "Uid"));
    std::string realUid;
    if (uids >> realUid && parseNumber(realUid, number)) {
        info.uid = static_cast<uid_t>(number);
        info.uidKnown = true;
        info.user = userName(info.uid);
    }
    if (parseNumber(statusField(status, "TracerPid"), number))
        info.tracerPid = static_cast<pid_t>(number);

    std::string commandLine;
    info.commandLineState = stateOf(readFile(dir + "/cmdline", commandLine));
    while (!commandLine.empty() && commandLine.back() == '\0')
        commandLine.pop_back();
    std::replace(commandLine.begin(), commandLine.end(), '\0', ' ');
    info.commandLine = std::move(commandLine);

    info.executableState = stateOf(readLink(dir + "/exe", info.executable));
    std::string maps;
    const ReadResult mapsResult = readFile(dir + "/maps", maps);
    info.mapsState = stateOf(mapsResult);
    // An unreadable maps file opens but reads empty on some kernels; say so rather than "not Python".
    if (mapsResult == ReadResult::Ok && maps.empty() && info.executableState == FieldState::Unreadable)
        info.mapsState = FieldState::Unreadable;
    info.python = pythonBuildFrom(info.executable, maps);

    // The process may have exited while it was read: then nothing read is trustworthy.
    std::string again;
    if (readFile(dir + "/status", again) != ReadResult::Ok || again.empty()) {
        ProcessInfo gone;
        gone.pid = pid;
        return gone;
    }
    info.exists = true;
    return info;
}

std::vector<pid_t> listPids(const std::string& procRoot)
{
    std::vector<pid_t> pids;
    DIR* dir = ::opendir(procRoot.c_str());
    if (!dir)
        return pids;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string name = entry->d_name;
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); }))
            continue;
        long long number = 0;
        if (parseNumber(name, number) && number > 0 && number <= 0x7fffffff)
            pids.push_back(static_cast<pid_t>(number));
    }
    ::closedir(dir);
    std::sort(pids.begin(), pids.end());
    return pids;
}

} // namespace leakscope::attach
