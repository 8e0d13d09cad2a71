#include "cli.h"

#include "report_command.h"
#include "script_command.h"

#include "snapshot/analysis.h"
#include "snapshot/report.h"
#include "snapshot/snapshot_file.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace leakscope::cli {

namespace {

const char kReportUsage[] =
    "Usage: leakscope-cli report [OPTIONS] [--] SCRIPT [ARGS...]\n"
    "       leakscope-cli report [OPTIONS] -m MODULE [ARGS...]\n"
    "       leakscope-cli report [--format FORMAT] [--depth N] [--output FILE] [--ignore FILE]\n"
    "                            SNAPSHOT.lssnap\n"
    "\n"
    "Runs SCRIPT as __main__ in an embedded Python, exactly as `python3 SCRIPT ARGS` would, then\n"
    "collects garbage, captures the heap and reports the leak candidates: gc-tracked objects that no\n"
    "other object refers to. Suspects are the candidates no explanation covers and no ignore rule\n"
    "matches. Each leakscope.snapshot() the script takes is summarised on stderr. With -m MODULE, runs\n"
    "the module as `python3 -m MODULE ARGS` would (e.g. -m pytest -p leakscope.pytest tests/).\n"
    "\n"
    "Given a snapshot file instead (a name ending in .lssnap, or a file that starts as one does;\n"
    "`leakscope-cli run` and leakscope.save() write them), reports that snapshot. After `--` the\n"
    "argument is always a script.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   table (default; the suspects, for terminals), json or csv (every candidate),\n"
    "                    html (one self-contained page: the summary, the leak suspects story, types,\n"
    "                    findings and each suspect's referents) or md (the same in Markdown, for a bug\n"
    "                    tracker); docs/report-format.md, docs/suspects.md\n"
    "  --depth N         levels of referents shown under each suspect in html and md (0 to 8,\n"
    "                    default 2)\n"
    "  --output FILE     write the report to FILE instead of standard output\n"
    "  --no-collect      capture without running gc.collect() first (a script only)\n"
    "  --tracemalloc[=DEPTH]\n"
    "                    trace allocations from the start (as python3 -X tracemalloc=DEPTH; DEPTH\n"
    "                    frames, default 10, 1 to 65535): each candidate's report then says where\n"
    "                    it was allocated, innermost frame first. Slows the script and costs memory.\n"
    "                    A script only: a snapshot file keeps the sites its capture recorded\n"
    "  --native-traces[=DEPTH]\n"
    "                    record the native (C) call stack of every object allocation from the start\n"
    "                    (DEPTH frames, default 16, 1 to 256): each candidate's report then names the\n"
    "                    C function that created it. With or without --tracemalloc; slows the script\n"
    "                    and costs memory. A script only (docs/native-traces.md)\n"
    "  --ignore FILE     ignore rules (repeatable; the first rule that matches wins): a candidate a\n"
    "                    rule matches is reported with that rule and is not a suspect. One rule a\n"
    "                    line, e.g. `type builtins.tuple repr \"(<built-in function from_param>*\"`\n"
    "                    (docs/ignore-rules.md); a bad line is skipped with a warning\n"
    "  -I                isolate the script from its environment, as python3 -I: ignore the PYTHON*\n"
    "                    variables and the user's site-packages, and leave the script's folder off\n"
    "                    sys.path (a script only)\n"
    "  -E                ignore the PYTHON* variables (PYTHONPATH, PYTHONHOME...), as python3 -E\n"
    "                    (a script only)\n"
    "  -m MODULE         run the module MODULE as __main__, as python3 -m MODULE: the working directory\n"
    "                    first on sys.path (not with -I), sys.argv[0] the module's file, a package's\n"
    "                    __main__ submodule. Ends the options: the arguments after it are the module's\n"
    "  -h, --help        this help\n"
    "\n"
    "Without -I or -E, the environment counts as it does for python3: PYTHONPATH, the user's\n"
    "site-packages, PYTHONWARNINGS, PYTHONSAFEPATH... A PYTHONHOME that is not the embedded\n"
    "interpreter's prefix is ignored, with a warning.\n"
    "\n"
    "Exit status: the script's (0, sys.exit(n), 1 for an uncaught exception, 130 for Ctrl+C); 1, as\n"
    "python3 -m, when MODULE cannot be found;\n"
    "2 when the script cannot run (missing, unreadable, syntax error), an --ignore file cannot be read,\n"
    "a snapshot file cannot be read, or on a usage error. A snapshot file's report exits with 0.\n"
    "When the script or a capture crashes the process (SIGSEGV, SIGBUS, ...), or SIGTERM ends it, a line\n"
    "on stderr says which, and the signal ends the process as it would end python3 (a shell shows\n"
    "128 + its number: 139 for SIGSEGV). The script's own fds 1 and 2 are its own: the report and these\n"
    "lines go where the command's output went at its start, whatever the script does to them.\n";

struct ReportArguments
{
    ReportFormat format = ReportFormat::Table;
    std::size_t depth = 2;
    bool depthGiven = false;
    std::string output;
    ScriptOptions script;
    std::string snapshotFile; // set instead of script.argv when a saved snapshot is reported
    std::string scriptOnlyOption; // the first option given that only a script run can honour
};

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli report: %s\nTry 'leakscope-cli report --help'.\n", message.c_str());
    return kUsageError;
}

// Fills args; returns -1 to go on, or the exit status to stop with.
int parse(int argc, char** argv, ReportArguments& args)
{
    int i = 0;
    bool dashDash = false;
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string& out) { return optionValue(arg, argc, argv, i, out); };
        if (arg == "--") {
            ++i;
            dashDash = true;
            break;
        }
        if (arg == "-h" || arg == "--help") {
            std::fputs(kReportUsage, stdout);
            return 0;
        }
        std::string error;
        const OptionResult taken = takeScriptOption(arg, value, args.script, error);
        if (taken == OptionResult::Error)
            return usageError(error);
        if (taken == OptionResult::Last) {
            ++i;
            break; // -m MODULE: everything after it belongs to the module
        }
        if (taken == OptionResult::Taken) {
            if (args.scriptOnlyOption.empty() && arg.rfind("--ignore", 0) != 0)
                args.scriptOnlyOption = std::string(arg);
        } else if (arg == "--format" || arg.rfind("--format=", 0) == 0) {
            std::string name;
            if (!value(name))
                return usageError(std::string("--format needs a value: ") + kReportFormatNames);
            const auto format = parseReportFormat(name);
            if (!format)
                return usageError("unknown format '" + name + "' (use " + kReportFormatNames + ")");
            args.format = *format;
        } else if (arg == "--depth" || arg.rfind("--depth=", 0) == 0) {
            std::string text;
            const auto depth = value(text) ? parseReportDepth(text) : std::nullopt;
            if (!depth)
                return usageError("--depth needs a number of levels from 0 to 8");
            args.depth = *depth;
            args.depthGiven = true;
        } else if (arg == "--output" || arg.rfind("--output=", 0) == 0) {
            if (!value(args.output) || args.output.empty())
                return usageError("--output needs a file name");
        } else if (arg.size() > 1 && arg[0] == '-') {
            return usageError("unknown option '" + std::string(arg) + "'");
        } else {
            break; // the script or the snapshot file: everything after a script belongs to it
        }
    }
    if (args.depthGiven && args.format != ReportFormat::Html && args.format != ReportFormat::Markdown)
        return usageError("--depth applies to --format html and md");
    if (!args.script.module.empty()) {
        for (; i < argc; ++i)
            args.script.argv.emplace_back(argv[i]);
        return -1;
    }
    if (i >= argc)
        return usageError("no script, module or snapshot file given");
    // After "--" it is always a script, as it always was.
    if (!dashDash && isSnapshotFile(argv[i])) {
        args.snapshotFile = argv[i];
        if (i + 1 < argc)
            return usageError("'" + args.snapshotFile + "' is a snapshot file, which takes no arguments (got '"
                              + argv[i + 1] + "')");
        if (!args.scriptOnlyOption.empty())
            return usageError(args.scriptOnlyOption + " applies to running a script, and '" + args.snapshotFile
                              + "' is a snapshot file");
        return -1;
    }
    for (; i < argc; ++i)
        args.script.argv.emplace_back(argv[i]);
    return -1;
}

// The title of an html or md report: what was reported.
std::string reportTitle(const ReportArguments& args)
{
    std::string what;
    if (!args.snapshotFile.empty())
        what = std::filesystem::path(args.snapshotFile).filename().string();
    else if (!args.script.module.empty())
        what = "python3 -m " + args.script.module;
    else if (!args.script.argv.empty())
        what = std::filesystem::path(args.script.argv.front()).filename().string();
    return what.empty() ? std::string("LeakScope report") : "LeakScope report: " + what;
}

// Writes the report to --output or standard output; false after saying why on stderr.
bool writeReport(const ReportArguments& args, const HeapAnalysis& analysis, double seconds)
{
    const std::string text = reportText(analysis, args.format, seconds, args.depth, reportTitle(args));
    if (args.output.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    } else if (auto error = writeFile(args.output, text); !error.empty()) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.c_str());
        return false;
    }
    return true;
}

// The report of the heap as the script left it.
class ReportCommand : public ScriptCommand
{
public:
    ReportCommand(const ReportArguments& args, const IgnoreRules* rules)
        : ScriptCommand(args.script, rules)
        , m_args(args)
    {
    }

protected:
    bool finish(const SnapshotPtr&, const HeapAnalysis& analysis, double seconds) override
    {
        return writeReport(m_args, analysis, seconds);
    }

private:
    const ReportArguments& m_args;
};

// A saved snapshot: its capture time as recorded, plus this analysis.
int reportSnapshotFile(const ReportArguments& args, const IgnoreRules* rules)
{
    SnapshotPtr snapshot;
    try {
        snapshot = loadSnapshotFile(args.snapshotFile);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
    const auto start = std::chrono::steady_clock::now();
    const HeapAnalysis analysis(*snapshot, rules);
    if (rules)
        warnRuleLimits(analysis, *rules);
    const double seconds = snapshot->info().captureSeconds
        + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return writeReport(args, analysis, seconds) ? 0 : kUsageError;
}

} // namespace

int reportCommand(int argc, char** argv)
{
    ReportArguments args;
    if (int status = parse(argc, argv, args); status >= 0)
        return status;
    if (!args.output.empty()) {
        // Relative to where the user ran us, even if the script changes directory.
        std::error_code ec;
        if (const auto absolute = std::filesystem::absolute(args.output, ec); !ec)
            args.output = absolute.string();
        if (auto error = checkOutputWritable(args.output); !error.empty()) {
            std::fprintf(stderr, "leakscope-cli: %s\n", error.c_str());
            return kUsageError;
        }
    }
    IgnoreRules rules;
    if (!loadIgnoreRules(args.script.ignoreFiles, rules))
        return kUsageError;
    const IgnoreRules* ignoreRules = args.script.ignoreFiles.empty() ? nullptr : &rules;
    if (!args.snapshotFile.empty())
        return reportSnapshotFile(args, ignoreRules);
    ReportCommand command(args, ignoreRules);
    return command.run();
}

} // namespace leakscope::cli
