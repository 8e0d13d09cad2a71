#include "script_command.h"

#include "cli.h"
#include "crash_report.h"

#include "capture/explainers.h"
#include "capture/interpreter.h"
#include "capture/native_traces.h"
#include "snapshot/analysis.h"
#include "snapshot/growth.h"
#include "snapshot/native_traces_option.h"
#include "snapshot/tracemalloc_option.h"

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace leakscope::cli {

namespace {

// The script owns fds 1 and 2, as any program does its own: it may close them or put another file
// there (os.close, os.dup2), and what it opens next may get their numbers. What the CLI says (the
// report, the lines about snapshots, its errors) still goes where the command's output went when it
// started: C's stdout and stderr are moved to copies of those fds (glibc lets a program assign them),
// once the interpreter has made sys.stdout and sys.stderr on fds 1 and 2. The copies share their open
// files, so the order of what both write is kept.
void keepOwnOutput()
{
    for (FILE** stream : {&stdout, &stderr}) {
        const int fd = ::fileno(*stream);
        std::fflush(*stream);
        const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
            continue; // closed already: nothing to keep
        FILE* kept = ::fdopen(copy, "w");
        if (!kept) {
            ::close(copy);
            continue;
        }
        // As the originals buffer: stderr not at all, stdout by line on a terminal.
        const int mode = fd == STDERR_FILENO ? _IONBF : ::isatty(copy) ? _IOLBF : _IOFBF;
        std::setvbuf(kept, nullptr, mode, BUFSIZ);
        *stream = kept;
    }
}

} // namespace

OptionResult takeScriptOption(
    std::string_view arg, const std::function<bool(std::string&)>& value, ScriptOptions& options, std::string& error)
{
    if (arg == "--no-collect") {
        options.collect = false;
    } else if (arg == "-I") {
        options.isolated = true;
    } else if (arg == "-E") {
        options.ignoreEnvironment = true;
    } else if (const std::optional<unsigned> depth = parseTracemallocOption(arg)) {
        if (*depth == 0) {
            error = tracemallocDepthError(arg);
            return OptionResult::Error;
        }
        options.tracemallocDepth = *depth;
    } else if (const std::optional<unsigned> depth = parseNativeTracesOption(arg)) {
        if (*depth == 0) {
            error = nativeTracesDepthError(arg);
            return OptionResult::Error;
        }
        options.nativeTraceDepth = *depth;
    } else if (arg == "-m" || (arg.rfind("-m", 0) == 0 && arg.rfind("--", 0) != 0)) {
        // As python3: "-m NAME" or "-mNAME".
        std::string module(arg.substr(2));
        if (module.empty() && !value(module))
            module.clear();
        if (module.empty()) {
            error = "-m needs a module name";
            return OptionResult::Error;
        }
        options.module = std::move(module);
        options.argv.assign(1, "-m");
        return OptionResult::Last;
    } else if (arg == "--ignore" || arg.rfind("--ignore=", 0) == 0) {
        std::string file;
        if (!value(file) || file.empty()) {
            error = "--ignore needs a file name";
            return OptionResult::Error;
        }
        options.ignoreFiles.push_back(std::move(file));
    } else {
        return OptionResult::NotMine;
    }
    return OptionResult::Taken;
}

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

void warnRuleLimits(const HeapAnalysis& analysis, const IgnoreRules& rules)
{
    for (const RuleLimitHit& hit : analysis.ruleLimitHits())
        std::fprintf(stderr, "leakscope-cli: warning: %s\n", formatRuleLimitHit(rules.rules()[hit.rule], hit).c_str());
}

std::string summaryOf(const Snapshot& snapshot, const HeapAnalysis& analysis)
{
    return std::to_string(snapshot.objectCount()) + " objects, " + std::to_string(analysis.candidates().size())
        + " candidates, " + std::to_string(analysis.suspectCount()) + " suspects";
}

ScriptCommand::ScriptCommand(const ScriptOptions& options, const IgnoreRules* rules)
    : m_options(options)
    , m_rules(rules)
{
}

SnapshotPtr ScriptCommand::capture(const std::string& label)
{
    const CaptureUnderway underway;
    // As the application's host does, so a snapshot means the same wherever it was taken.
    if (m_options.collect && m_interpreter)
        m_interpreter->collectGarbage();
    capture::CaptureOptions options;
    options.label = label;
    options.baseline = m_baseline;
    options.nativeTraces = capture::NativeTraceRecorder::instance(); // null unless --native-traces
    return capture::captureHeap(options);
}

bool ScriptCommand::deliver(
    const capture::ScriptSnapshot& request, const SnapshotPtr& snapshot, capture::ScriptError& error)
{
    // A series' snapshots come analysed already (with the same rules).
    if (request.analysis)
        return snapshotTaken(request, snapshot, summaryOf(*snapshot, *request.analysis), error);
    const HeapAnalysis analysis(*snapshot, m_rules);
    return snapshotTaken(request, snapshot, summaryOf(*snapshot, analysis), error);
}

void ScriptCommand::seriesEnded(const capture::ScriptSeries& series, const GrowthAnalysis& growth)
{
    flushScriptOutput(); // what the script printed before comes first
    GrowthReportOptions options;
    options.title = series.label;
    std::string text = growthText(growth, options);
    if (!text.empty() && text.back() != '\n')
        text += '\n';
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

bool ScriptCommand::snapshotTaken(
    const capture::ScriptSnapshot& request, const SnapshotPtr&, const std::string& summary, capture::ScriptError&)
{
    using Kind = capture::ScriptSnapshot::Kind;
    const char* kind = request.kind == Kind::Pause ? "pause" : request.kind == Kind::Save ? "save" : "snapshot";
    std::string line = "leakscope: " + std::string(kind) + " '" + request.label + "': " + summary;
    if (!request.path.empty())
        line += "; saved to " + request.path;
    if (request.kind == Kind::Pause)
        line += " (leakscope-cli does not stop; the script goes on)";
    std::fprintf(stderr, "%s\n", line.c_str());
    return true;
}

void ScriptCommand::flushScriptOutput()
{
    if (m_interpreter)
        m_interpreter->flushStdio();
}

std::string ScriptCommand::crashConsequence() const
{
    return "no report is written";
}

int ScriptCommand::run()
{
    // Before the interpreter starts, so that Python's faulthandler, when enabled, comes first.
    installCrashReport(crashConsequence());
    try {
        capture::InterpreterOptions interpreterOptions;
        interpreterOptions.argv = m_options.argv;
        interpreterOptions.module = m_options.module;
        interpreterOptions.tracemallocDepth = m_options.tracemallocDepth;
        interpreterOptions.nativeTraceDepth = m_options.nativeTraceDepth;
        interpreterOptions.isolated = m_options.isolated;
        interpreterOptions.ignoreEnvironment = m_options.ignoreEnvironment;
        capture::Interpreter interpreter(interpreterOptions);
        // Python has put sys.stdout and sys.stderr on fds 1 and 2 (the fds of C's stdout and stderr):
        // now the CLI's own output moves to copies of them.
        keepOwnOutput();
        reportCrashesTo(::fileno(stderr));
        // What is unreferenced before the script runs belongs to the interpreter, not to the script.
        interpreter.collectGarbage();
        const capture::Baseline baseline
            = capture::baselineOf(*capture::captureHeap(
                capture::baselineCaptureOptions(capture::NativeTraceRecorder::instance())));
        m_baseline = &baseline;
        m_interpreter = &interpreter;
        capture::setScriptHooks(this);
        const capture::ScriptOutcome outcome = interpreter.runMain();
        capture::setScriptHooks(nullptr);
        if (outcome.kind == capture::ScriptOutcome::Kind::NotRun) {
            std::fprintf(stderr, "leakscope-cli: %s\n", outcome.message.c_str());
            m_interpreter = nullptr;
            interpreter.finalize();
            return outcome.exitCode; // 2 for a script, 1 for a module not found, as python3 gives
        }
        interpreter.flushStdio();
        std::optional<CaptureUnderway> underway(std::in_place);
        if (m_options.collect)
            interpreter.collectGarbage();

        const auto start = std::chrono::steady_clock::now();
        capture::CaptureOptions options;
        options.label = m_finalLabel;
        options.baseline = &baseline;
        options.nativeTraces = capture::NativeTraceRecorder::instance();
        const SnapshotPtr snapshot = capture::captureHeap(options);
        underway.reset();
        const HeapAnalysis analysis(*snapshot, m_rules);
        if (m_rules)
            warnRuleLimits(analysis, *m_rules);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const bool finished = finish(snapshot, analysis, seconds);
        m_interpreter = nullptr;
        const int finalStatus = interpreter.finalize();
        if (!finished)
            return kUsageError;
        return outcome.exitCode != 0 ? outcome.exitCode : finalStatus;
    } catch (const std::exception& error) {
        capture::setScriptHooks(nullptr);
        m_interpreter = nullptr;
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
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

} // namespace leakscope::cli
