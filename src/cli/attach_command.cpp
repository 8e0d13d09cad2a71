#include "cli.h"

#include "attach/attach_check.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace leakscope::cli {

namespace {

const char kAttachUsage[] =
    "Usage: leakscope-cli attach --check PID\n"
    "\n"
    "Checks whether LeakScope can attach to the running Python process PID, without touching it: the\n"
    "process exists, runs the Python version this LeakScope was built for, you may ptrace it (its\n"
    "user, kernel.yama.ptrace_scope), no debugger traces it already, and gdb is installed.\n"
    "Capturing an attached process is not available yet; --check is required.\n"
    "\n"
    "Options:\n"
    "  --check      run the self-test only and print its verdict\n"
    "  -h, --help   this help\n"
    "\n"
    "Exit status: 0 when attaching can work; 2 with the reason on standard error otherwise, or on a\n"
    "usage error.\n";

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli attach: %s\nTry 'leakscope-cli attach --help'.\n", message.c_str());
    return kUsageError;
}

} // namespace

int attachCommand(int argc, char** argv)
{
    bool check = false;
    std::string pidText;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kAttachUsage, stdout);
            return 0;
        }
        if (arg == "--check")
            check = true;
        else if (!arg.empty() && arg[0] == '-')
            return usageError("unknown option '" + std::string(arg) + "'");
        else if (pidText.empty())
            pidText = arg;
        else
            return usageError("unexpected argument '" + std::string(arg) + "'");
    }
    if (pidText.empty())
        return usageError("missing PID");
    char* end = nullptr;
    errno = 0;
    const long long pid = std::strtoll(pidText.c_str(), &end, 10);
    if (errno != 0 || end == pidText.c_str() || *end != '\0' || pid <= 0 || pid > 0x7fffffff)
        return usageError("'" + pidText + "' is not a process id");
    if (!check)
        return usageError("only --check is available so far: `leakscope-cli attach --check " + pidText + "`");

    const attach::CheckResult result = attach::checkAttach(static_cast<pid_t>(pid), attach::currentSystem());
    if (!result.ok()) {
        std::fprintf(stderr, "leakscope-cli attach: %s\n", result.message.c_str());
        return kUsageError;
    }
    std::printf("%s\n", result.message.c_str());
    return 0;
}

} // namespace leakscope::cli
