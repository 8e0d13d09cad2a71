// leakscope-host: the crash-isolated interpreter the LeakScope application starts for each script.
#include "host/host_session.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

const char kUsage[] = "Usage: leakscope-host --connect SOCKET [--] SCRIPT [ARGS...]\n"
                      "\n"
                      "Started by the LeakScope application, not by hand: runs SCRIPT in an embedded Python\n"
                      "when asked, and answers snapshot requests over the Unix socket SOCKET. The secret\n"
                      "expected by the other end comes in the LEAKSCOPE_HOST_TOKEN environment variable.\n";

} // namespace

int main(int argc, char** argv)
{
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
    // Read and forget the secret, so that the script cannot see it.
    if (const char* token = std::getenv("LEAKSCOPE_HOST_TOKEN"))
        options.token = token;
    unsetenv("LEAKSCOPE_HOST_TOKEN");

    try {
        return leakscope::host::runHost(options);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-host: %s\n", error.what());
        return 3;
    }
}
