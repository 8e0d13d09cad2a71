#include "cli.h"

#include <cstdio>
#include <cstring>
#include <string_view>

#ifndef LEAKSCOPE_VERSION
#define LEAKSCOPE_VERSION "0"
#endif

namespace leakscope::cli {

namespace {

const char kUsage[] =
    "Usage: leakscope-cli COMMAND [OPTIONS]\n"
    "\n"
    "Find CPython objects that nothing refers to: references leaked by C code.\n"
    "\n"
    "Commands:\n"
    "  report   run a script (or -m MODULE), capture its heap, report the leak candidates; or report a saved\n"
    "           snapshot (FILE.lssnap)\n"
    "  run      run a script (or -m MODULE) and save its snapshots and its final state as .lssnap files\n"
    "  diff     compare two .lssnap snapshots: type counts, new suspects, leaked references\n"
    "  growth   what grows in every round of a series of .lssnap snapshots (exit status 3 on a leak)\n"
    "  bench    time the capture against gc.collect() and objgraph on a synthetic heap\n"
    "  ps       list the running Python processes you may attach to (--all: the others too, with why not)\n"
    "  attach   --check PID: whether LeakScope can attach to a running Python process, and if not why\n"
    "  export   write a .lssnap snapshot as a Chrome DevTools .heapsnapshot, or the references around\n"
    "           one object as a Graphviz DOT graph\n"
    "\n"
    "Options:\n"
    "  -h, --help     this help; `leakscope-cli COMMAND --help` for a command's options\n"
    "  --version      print the version\n";

} // namespace

int run(int argc, char** argv)
{
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return kUsageError;
    }
    const std::string_view command = argv[1];
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(kUsage, stdout);
        return 0;
    }
    if (command == "--version") {
        std::printf("leakscope-cli %s\n", LEAKSCOPE_VERSION);
        return 0;
    }
    if (command == "report")
        return reportCommand(argc - 2, argv + 2);
    if (command == "run")
        return runCommand(argc - 2, argv + 2);
    if (command == "diff")
        return diffCommand(argc - 2, argv + 2);
    if (command == "growth")
        return growthCommand(argc - 2, argv + 2);
    if (command == "bench")
        return benchCommand(argc - 2, argv + 2);
    if (command == "ps")
        return psCommand(argc - 2, argv + 2);
    if (command == "attach")
        return attachCommand(argc - 2, argv + 2);
    if (command == "export")
        return exportCommand(argc - 2, argv + 2);
    std::fprintf(stderr, "leakscope-cli: unknown command '%s'\n\n%s", argv[1], kUsage);
    return kUsageError;
}

bool optionValue(std::string_view arg, int argc, char** argv, int& i, std::string& out)
{
    const auto equals = arg.find('=');
    if (equals != std::string_view::npos) {
        out = std::string(arg.substr(equals + 1));
        return true;
    }
    if (i + 1 >= argc)
        return false;
    out = argv[++i];
    return true;
}

} // namespace leakscope::cli
