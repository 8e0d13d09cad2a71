#include "cli.h"

#include "capture/explainers.h"
#include "capture/heap_capture.h"
#include "capture/interpreter.h"
#include "capture/script_module.h"
#include "snapshot/analysis.h"
#include "snapshot/ignore_rules.h"
#include "snapshot/report.h"
#include "snapshot/tracemalloc_option.h"

#include <charconv>
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
    "\n"
    "Runs SCRIPT as __main__ in an embedded Python, exactly as `python3 SCRIPT ARGS` would, then\n"
    "collects garbage, captures the heap and reports the leak candidates: gc-tracked objects that no\n"
    "other object refers to. Suspects are the candidates no explanation covers and no ignore rule\n"
    "matches.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   table (default; the suspects, for terminals), json or csv (every candidate)\n"
    "  --output FILE     write the report to FILE instead of standard output\n"
    "  --no-collect      capture without running gc.collect() first\n"
    "  --tracemalloc[=DEPTH]\n"
    "                    trace allocations from the start (as python3 -X tracemalloc=DEPTH; DEPTH\n"
    "                    frames, default 10, 1 to 65535): each candidate's report then says where\n"
    "                    it was allocated, innermost frame first. Slows the script and costs memory\n"
    "  --ignore FILE     ignore rules (repeatable; the first rule that matches wins): a candidate a\n"
    "                    rule matches is reported with that rule and is not a suspect. One rule a\n"
    "                    line, e.g. `type builtins.tuple repr \"(<built-in function from_param>*\"`\n"
    "                    (docs/ignore-rules.md); a bad line is skipped with a warning\n"
    "  -I                isolate the script from its environment, as python3 -I: ignore the PYTHON*\n"
    "                    variables and the user's site-packages, and leave the script's folder off\n"
    "                    sys.path\n"
    "  -E                ignore the PYTHON* variables (PYTHONPATH, PYTHONHOME...), as python3 -E\n"
    "  -h, --help        this help\n"
    "\n"
    "Without -I or -E, the environment counts as it does for python3: PYTHONPATH, the user's\n"
    "site-packages, PYTHONWARNINGS, PYTHONSAFEPATH... A PYTHONHOME that is not the embedded\n"
    "interpreter's prefix is ignored, with a warning.\n"
    "\n"
    "Exit status: the script's (0, sys.exit(n), 1 for an uncaught exception, 130 for Ctrl+C);\n"
    "2 when the script cannot run (missing, unreadable, syntax error), an --ignore file cannot be read,\n"
    "or on a usage error.\n";

struct ReportArguments
{
    ReportFormat format = ReportFormat::Table;
    std::string output;
    bool collect = true;
    unsigned tracemallocDepth = 0;
    bool isolated = false;          // -I
    bool ignoreEnvironment = false; // -E
    std::vector<std::string> ignoreFiles; // in the order given: earlier files' rules come first
    std::vector<std::string> argv;        // script and its arguments
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
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string& out) {
            const auto equals = arg.find('=');
            if (equals != std::string_view::npos) {
                out = std::string(arg.substr(equals + 1));
                return true;
            }
            if (i + 1 >= argc)
                return false;
            out = argv[++i];
            return true;
        };
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg == "-h" || arg == "--help") {
            std::fputs(kReportUsage, stdout);
            return 0;
        }
        if (arg == "--no-collect") {
            args.collect = false;
        } else if (arg == "-I") {
            args.isolated = true;
        } else if (arg == "-E") {
            args.ignoreEnvironment = true;
        } else if (const std::optional<unsigned> depth = parseTracemallocOption(arg)) {
            if (*depth == 0)
                return usageError(tracemallocDepthError(arg));
            args.tracemallocDepth = *depth;
        } else if (arg == "--format" || arg.rfind("--format=", 0) == 0) {
            std::string name;
            if (!value(name))
                return usageError("--format needs a value: table, json or csv");
            const auto format = parseReportFormat(name);
            if (!format)
                return usageError("unknown format '" + name + "' (use table, json or csv)");
            args.format = *format;
        } else if (arg == "--output" || arg.rfind("--output=", 0) == 0) {
            if (!value(args.output) || args.output.empty())
                return usageError("--output needs a file name");
        } else if (arg == "--ignore" || arg.rfind("--ignore=", 0) == 0) {
            std::string file;
            if (!value(file) || file.empty())
                return usageError("--ignore needs a file name");
            args.ignoreFiles.push_back(std::move(file));
        } else if (arg.size() > 1 && arg[0] == '-') {
            return usageError("unknown option '" + std::string(arg) + "'");
        } else {
            break; // the script: everything from here belongs to it
        }
    }
    for (; i < argc; ++i)
        args.argv.emplace_back(argv[i]);
    if (args.argv.empty())
        return usageError("no script given");
    return -1;
}

// Fails early, before a long script runs, when the report could not be written.
std::string checkOutputWritable(const std::string& output)
{
    namespace fs = std::filesystem;
    const fs::path path(output);
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return "cannot write report to '" + output + "': it is a directory";
    fs::path parent = path.parent_path();
    if (parent.empty())
        parent = ".";
    if (::access(parent.c_str(), W_OK) != 0)
        return "cannot write report to '" + output + "': " + std::strerror(errno);
    return {};
}

// Writes through a temporary file renamed into place, so a failed run never leaves a partial report.
std::string writeFile(const std::string& output, const std::string& text)
{
    const std::string temporary = output + ".part";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        file.write(text.data(), static_cast<std::streamsize>(text.size()));
        file.close();
        if (!file) {
            std::remove(temporary.c_str());
            return "cannot write report to '" + output + "'";
        }
    }
    if (std::rename(temporary.c_str(), output.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        std::remove(temporary.c_str());
        return "cannot write report to '" + output + "': " + reason;
    }
    return {};
}

// Reads the --ignore files before the script runs, so a wrong path fails at once. A file that cannot
// be read stops the run (false, after one line on stderr); a bad line only costs its own rule.
bool loadIgnoreRules(const std::vector<std::string>& files, IgnoreRules& rules)
{
    for (const std::string& file : files) {
        try {
            ParsedIgnoreRules parsed = readIgnoreRulesFile(file);
            for (const RuleError& error : parsed.errors)
                std::fprintf(stderr, "leakscope-cli: warning: %s; line skipped\n", formatRuleError(error).c_str());
            rules.append(std::move(parsed.rules));
        } catch (const std::exception& error) {
            std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
            return false;
        }
    }
    return true;
}

// leakscope.snapshot()/pause() in a reported script: each capture is summarised on stderr (saving
// them to files comes with snapshot files); a pause cannot wait for anyone and goes on at once.
class ReportHooks : public capture::ScriptHooks
{
public:
    ReportHooks(const capture::Baseline& baseline, const IgnoreRules* rules)
        : m_baseline(baseline)
        , m_rules(rules)
    {
    }

    bool snapshot(const std::string& label, bool pause, std::string& error, bool&) override
    {
        try {
            capture::CaptureOptions options;
            options.label = label;
            options.baseline = &m_baseline;
            const SnapshotPtr snapshot = capture::captureHeap(options);
            const HeapAnalysis analysis(*snapshot, m_rules);
            std::fprintf(stderr, "leakscope: %s '%s': %zu objects, %zu candidates, %zu suspects%s\n",
                         pause ? "pause" : "snapshot", label.c_str(), snapshot->objectCount(),
                         analysis.candidates().size(), analysis.suspectCount(),
                         pause ? " (leakscope-cli does not stop; the script goes on)" : "");
            return true;
        } catch (const std::exception& e) {
            error = std::string("leakscope: capture failed: ") + e.what();
            return false;
        }
    }

private:
    const capture::Baseline& m_baseline;
    const IgnoreRules* m_rules;
};

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
    if (!loadIgnoreRules(args.ignoreFiles, rules))
        return kUsageError;
    const IgnoreRules* ignoreRules = args.ignoreFiles.empty() ? nullptr : &rules;

    try {
        capture::InterpreterOptions interpreterOptions;
        interpreterOptions.argv = args.argv;
        interpreterOptions.tracemallocDepth = args.tracemallocDepth;
        interpreterOptions.isolated = args.isolated;
        interpreterOptions.ignoreEnvironment = args.ignoreEnvironment;
        capture::Interpreter interpreter(interpreterOptions);
        // What is unreferenced before the script runs belongs to the interpreter, not to the script.
        interpreter.collectGarbage();
        const capture::Baseline baseline = capture::baselineOf(*capture::captureHeap(capture::baselineCaptureOptions()));
        ReportHooks hooks(baseline, ignoreRules);
        capture::setScriptHooks(&hooks);
        const capture::ScriptOutcome outcome = interpreter.runMainScript();
        capture::setScriptHooks(nullptr);
        if (outcome.kind == capture::ScriptOutcome::Kind::NotRun) {
            std::fprintf(stderr, "leakscope-cli: %s\n", outcome.message.c_str());
            interpreter.finalize();
            return kUsageError;
        }
        interpreter.flushStdio();
        if (args.collect)
            interpreter.collectGarbage();

        const auto start = std::chrono::steady_clock::now();
        capture::CaptureOptions options;
        options.baseline = &baseline;
        const SnapshotPtr snapshot = capture::captureHeap(options);
        const HeapAnalysis analysis(*snapshot, ignoreRules);
        for (const RuleLimitHit& hit : analysis.ruleLimitHits())
            std::fprintf(stderr, "leakscope-cli: warning: %s\n", formatRuleLimitHit(rules.rules()[hit.rule], hit).c_str());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        const std::string text = formatReport(analysis, args.format, seconds);
        if (args.output.empty()) {
            std::fwrite(text.data(), 1, text.size(), stdout);
            std::fflush(stdout);
        } else if (auto error = writeFile(args.output, text); !error.empty()) {
            std::fprintf(stderr, "leakscope-cli: %s\n", error.c_str());
            interpreter.finalize();
            return kUsageError;
        }
        const int finalStatus = interpreter.finalize();
        return outcome.exitCode != 0 ? outcome.exitCode : finalStatus;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
}

} // namespace leakscope::cli
