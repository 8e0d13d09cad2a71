// leakscope-host: the crash-isolated interpreter the LeakScope application starts for each script.
#include "capture/interpreter.h"
#include "host/host_session.h"
#include "snapshot/native_traces_option.h"
#include "snapshot/tracemalloc_option.h"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string_view>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

const char kUsage[] = "Usage: leakscope-host --connect SOCKET [--tracemalloc[=DEPTH]] [--native-traces[=DEPTH]]\n"
                      "                      [-I] [-E] [--] SCRIPT [ARGS...]\n"
                      "       leakscope-host --connect SOCKET [--tracemalloc[=DEPTH]] [--native-traces[=DEPTH]]\n"
                      "                      [-I] [-E] -m MODULE [ARGS...]\n"
                      "\n"
                      "Started by the LeakScope application, not by hand: runs SCRIPT (or MODULE, as python3 -m\n"
                      "does) in an embedded Python when asked, and answers snapshot requests over the Unix socket\n"
                      "SOCKET. The secret expected by the other end comes in the LEAKSCOPE_HOST_TOKEN environment\n"
                      "variable.\n"
                      "\n"
                      "  --connect SOCKET       the application's listening socket\n"
                      "  --tracemalloc[=DEPTH]  trace allocations from the interpreter's start, keeping DEPTH\n"
                      "                         frames (default 10, 1-65535), as python3 -X tracemalloc=DEPTH:\n"
                      "                         snapshots then say where each candidate was allocated\n"
                      "  --native-traces[=DEPTH]\n"
                      "                         record the native (C) call stack of every object allocation\n"
                      "                         from the interpreter's start, keeping DEPTH frames (default 16,\n"
                      "                         1-256): snapshots then name the C code that created each\n"
                      "                         candidate. Independent of --tracemalloc\n"
                      "  -I                     isolated, as python3 -I: ignore the PYTHON* variables and the\n"
                      "                         user's site-packages, and leave the script's folder off sys.path\n"
                      "  -E                     ignore the PYTHON* variables, as python3 -E\n"
                      "  -m MODULE              run MODULE as python3 -m does; the arguments after it are its own\n"
                      "  -h, --help             this text\n"
                      "\n"
                      "Without -I or -E the environment counts as it does for python3 (PYTHONPATH, the user's\n"
                      "site-packages, PYTHONWARNINGS...), except a PYTHONHOME that is not the embedded\n"
                      "interpreter's prefix, which is ignored with a warning.\n";

// Gives the interpreter the signal dispositions a fresh python3 would get. A shell starts a
// background job (`leakscope &`) with SIGINT ignored, and the GUI passes that on to us;
// CPython installs its SIGINT handler only where SIGINT is not ignored, so Interrupt would do nothing.
// SIGTERM and SIGPIPE go back to their defaults too (CPython then ignores SIGPIPE itself, as python3
// does, so a closed pipe raises BrokenPipeError), and none of them stays blocked.
void resetSignals()
{
    for (const int signal : {SIGINT, SIGTERM, SIGPIPE})
        std::signal(signal, SIG_DFL);
    sigset_t unblock;
    sigemptyset(&unblock);
    for (const int signal : {SIGINT, SIGTERM, SIGPIPE})
        sigaddset(&unblock, signal);
    sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
}

} // namespace

int main(int argc, char** argv)
{
    resetSignals(); // before anything starts a thread, which would inherit the mask
    // Never outlive the application that started us, even if it is killed.
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        return 1;

    leakscope::host::HostOptions options;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--connect" && i + 1 < argc) {
            options.socketPath = argv[++i];
        } else if (const std::optional<unsigned> depth = leakscope::parseTracemallocOption(arg)) {
            options.tracemallocDepth = *depth;
            if (options.tracemallocDepth == 0) {
                std::fprintf(stderr, "leakscope-host: %s\n%s", leakscope::tracemallocDepthError(arg).c_str(), kUsage);
                return 2;
            }
        } else if (const std::optional<unsigned> depth = leakscope::parseNativeTracesOption(arg)) {
            options.nativeTraceDepth = *depth;
            if (options.nativeTraceDepth == 0) {
                std::fprintf(stderr, "leakscope-host: %s\n%s", leakscope::nativeTracesDepthError(arg).c_str(), kUsage);
                return 2;
            }
        } else if (arg == "-I") {
            options.isolated = true;
        } else if (arg == "-E") {
            options.ignoreEnvironment = true;
        } else if (arg == "-m" && i + 1 < argc && argv[i + 1][0] != '\0') {
            options.module = argv[i + 1];
            options.argv.emplace_back("-m");
            i += 2;
            break; // the arguments that follow are the module's
        } else if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (arg == "--") {
            ++i;
            break;
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr, "leakscope-host: unknown option '%s'\n%s", argv[i], kUsage);
            return 2;
        } else {
            break;
        }
    }
    for (; i < argc; ++i)
        options.argv.emplace_back(argv[i]);
    if (options.socketPath.empty() || options.argv.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    // Read and forget the secret, so that the script cannot see it: unsetenv() takes it out of
    // environ (os.environ, the environment of the script's children), and the bytes are wiped where
    // getenv() found them, the environment block the kernel shows as /proc/PID/environ.
    if (char* token = std::getenv("LEAKSCOPE_HOST_TOKEN")) {
        options.token = token;
        std::memset(token, 0, std::strlen(token));
    }
    unsetenv("LEAKSCOPE_HOST_TOKEN");

    try {
        return leakscope::host::runHost(options);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-host: %s\n", error.what());
        return 3;
    }
}
