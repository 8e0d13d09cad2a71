#include "cli.h"
#include "report_command.h"

#include "script_command.h"

#include "attach/attach_check.h"
#include "attach/attach_session.h"
#include "snapshot/analysis.h"
#include "snapshot/report.h"
#include "snapshot/snapshot_file.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

namespace leakscope::cli {

namespace {

const char kAttachUsage[] =
    "Usage: leakscope-cli attach [OPTIONS] PID\n"
    "       leakscope-cli attach --check PID\n"
    "\n"
    "Captures the heap of the running Python process PID and reports its leak candidates, as `report`\n"
    "does for a script: the same candidates, explanations, C origins and findings. LeakScope's agent\n"
    "library is loaded into the process through gdb (the process is stopped for some milliseconds, not\n"
    "for the capture); the agent's own thread takes the GIL like any thread, collects garbage, captures\n"
    "and sends the snapshot over a private socket, then ends. The process runs on and keeps its exit\n"
    "status. What attaching leaves in the process, and what it needs: docs/attach.md.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   table (default; the suspects, for terminals), json or csv (every candidate),\n"
    "                    html or md (the leak suspects story and more, as for report)\n"
    "  --depth N         levels of referents shown under each suspect in html and md (0 to 8,\n"
    "                    default 2)\n"
    "  --output FILE     write the report to FILE instead of standard output\n"
    "  --save FILE       also save the snapshot to FILE (.lssnap), for the application, report or diff\n"
    "  --label TEXT      the snapshot's label (default \"attached PID\")\n"
    "  --no-collect      capture without running gc.collect() in the process first\n"
    "  --ignore FILE     ignore rules (repeatable), as for report (docs/ignore-rules.md)\n"
    "  --timeout SECONDS the most the whole attach may take: self-test, loading the agent, its\n"
    "                    connection, waiting for the GIL and the capture (default 30)\n"
    "  --check           only run the self-test and print its verdict; the process is not touched\n"
    "  -h, --help        this help\n"
    "\n"
    "Only processes you may ptrace can be attached to (your own, or any as root; see the self-test's\n"
    "verdicts in docs/attach.md). `leakscope-cli ps` lists the Python processes you may attach to.\n"
    "\n"
    "Exit status: 0 when the report was written (or, with --check, when attaching can work); 2 with\n"
    "the reason on standard error when attaching failed or on a usage error.\n";

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli attach: %s\nTry 'leakscope-cli attach --help'.\n", message.c_str());
    return kUsageError;
}

int attachError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli attach: %s\n", message.c_str());
    return kUsageError;
}

struct AttachArguments
{
    ReportFormat format = ReportFormat::Table;
    std::size_t depth = 2;
    bool depthGiven = false;
    std::string output;
    std::string save;
    std::string label;
    bool collect = true;
    bool check = false;
    double timeoutSeconds = 30;
    std::vector<std::string> ignoreFiles;
    pid_t pid = 0;
};

std::string absolute(const std::string& path)
{
    std::error_code ec;
    const auto full = std::filesystem::absolute(path, ec);
    return ec ? path : full.string();
}

// Fills args; returns -1 to go on, or the exit status to stop with.
int parse(int argc, char** argv, AttachArguments& args)
{
    std::string pidText;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string& out) { return optionValue(arg, argc, argv, i, out); };
        auto is = [&](std::string_view name) {
            return arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=');
        };
        std::string text;
        if (arg == "-h" || arg == "--help") {
            std::fputs(kAttachUsage, stdout);
            return 0;
        } else if (arg == "--check") {
            args.check = true;
        } else if (arg == "--no-collect") {
            args.collect = false;
        } else if (is("--format")) {
            if (!value(text))
                return usageError(std::string("--format needs a value: ") + kReportFormatNames);
            const auto format = parseReportFormat(text);
            if (!format)
                return usageError("unknown format '" + text + "' (use " + kReportFormatNames + ")");
            args.format = *format;
        } else if (is("--depth")) {
            const auto depth = value(text) ? parseReportDepth(text) : std::nullopt;
            if (!depth)
                return usageError("--depth needs a number of levels from 0 to 8");
            args.depth = *depth;
            args.depthGiven = true;
        } else if (is("--output")) {
            if (!value(args.output) || args.output.empty())
                return usageError("--output needs a file name");
        } else if (is("--save")) {
            if (!value(args.save) || args.save.empty())
                return usageError("--save needs a file name");
        } else if (is("--label")) {
            if (!value(args.label))
                return usageError("--label needs a text");
        } else if (is("--ignore")) {
            if (!value(text) || text.empty())
                return usageError("--ignore needs a file name");
            args.ignoreFiles.push_back(text);
        } else if (is("--timeout")) {
            char* end = nullptr;
            if (!value(text) || (args.timeoutSeconds = std::strtod(text.c_str(), &end), end == text.c_str() || *end != '\0')
                || !std::isfinite(args.timeoutSeconds) || args.timeoutSeconds <= 0 || args.timeoutSeconds > 86400)
                return usageError("--timeout needs a number of seconds, more than 0 and at most 86400");
        } else if (arg.size() > 1 && arg[0] == '-') {
            return usageError("unknown option '" + std::string(arg) + "'");
        } else if (pidText.empty()) {
            pidText = arg;
        } else {
            return usageError("unexpected argument '" + std::string(arg) + "'");
        }
    }
    if (args.depthGiven && args.format != ReportFormat::Html && args.format != ReportFormat::Markdown)
        return usageError("--depth applies to --format html and md");
    if (pidText.empty())
        return usageError("missing PID");
    char* end = nullptr;
    errno = 0;
    const long long pid = std::strtoll(pidText.c_str(), &end, 10);
    if (errno != 0 || end == pidText.c_str() || *end != '\0' || pid <= 0 || pid > 0x7fffffff)
        return usageError("'" + pidText + "' is not a process id");
    args.pid = static_cast<pid_t>(pid);
    if (args.label.empty())
        args.label = "attached " + pidText;
    return -1;
}

// Progress of the capture on a terminal, on one line.
class ProgressLine
{
public:
    ProgressLine()
        : m_enabled(::isatty(STDERR_FILENO) == 1)
    {
    }
    ~ProgressLine() { clear(); }
    void show(unsigned permille, const std::string& message)
    {
        if (!m_enabled)
            return;
        std::fprintf(stderr, "\r\033[Kleakscope-cli attach: %3u%% %s", permille / 10, message.c_str());
        std::fflush(stderr);
        m_shown = true;
    }
    void clear()
    {
        if (m_shown)
            std::fputs("\r\033[K", stderr);
        m_shown = false;
    }

private:
    bool m_enabled;
    bool m_shown = false;
};

} // namespace

int attachCommand(int argc, char** argv)
{
    AttachArguments args;
    if (int status = parse(argc, argv, args); status >= 0)
        return status;

    if (args.check) {
        const attach::CheckResult result = attach::checkAttach(args.pid, attach::currentSystem());
        if (!result.ok())
            return attachError(result.message);
        std::printf("%s\n", result.message.c_str());
        return 0;
    }

    // Everything that can fail without touching the process fails first.
    for (std::string* path : {&args.output, &args.save}) {
        if (path->empty())
            continue;
        *path = absolute(*path);
        if (auto error = checkOutputWritable(*path); !error.empty())
            return attachError(error);
    }
    IgnoreRules rules;
    if (!loadIgnoreRules(args.ignoreFiles, rules))
        return kUsageError;

    const auto start = std::chrono::steady_clock::now();
    attach::AttachOptions options;
    options.timeout = std::chrono::milliseconds(static_cast<long long>(args.timeoutSeconds * 1000));
    SnapshotPtr snapshot;
    double attachMs = 0, stoppedMs = -1;
    std::string pythonVersion;
    try {
        attach::AttachedProcess process(args.pid, std::move(options));
        attachMs = process.attachMs();
        stoppedMs = process.injection().stoppedMs;
        pythonVersion = process.pythonVersion();
        if (!process.injection().warning.empty())
            std::fprintf(stderr, "leakscope-cli attach: warning: %s\n", process.injection().warning.c_str());
        ProgressLine progress;
        snapshot = process.snapshot(args.label, args.collect, process.deadline(),
                                    [&progress](unsigned permille, const std::string& message) {
                                        progress.show(permille, message);
                                    });
        progress.clear();
        process.detach();
    } catch (const attach::AttachError& error) {
        return attachError(error.what());
    }

    const double totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr,
                 "leakscope-cli attach: process %d (Python %s): attached in %.0f ms (stopped %.1f ms), captured %zu "
                 "objects in %.3f s, detached; %.2f s in all\n",
                 static_cast<int>(args.pid), pythonVersion.c_str(), attachMs, stoppedMs, snapshot->objectCount(),
                 snapshot->info().captureSeconds, totalSeconds);

    if (!args.save.empty()) {
        try {
            saveSnapshotFile(*snapshot, args.save);
        } catch (const std::exception& error) {
            return attachError(error.what());
        }
    }
    const IgnoreRules* ignoreRules = args.ignoreFiles.empty() ? nullptr : &rules;
    const HeapAnalysis analysis(*snapshot, ignoreRules);
    if (ignoreRules)
        warnRuleLimits(analysis, rules);
    const std::string text = reportText(analysis, args.format, snapshot->info().captureSeconds, args.depth,
        "LeakScope report: process " + std::to_string(args.pid));
    if (args.output.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    } else if (auto error = writeFile(args.output, text); !error.empty()) {
        return attachError(error);
    }
    return 0;
}

} // namespace leakscope::cli
