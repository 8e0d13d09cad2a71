#include "cli.h"
#include "script_command.h"

#include "snapshot/analysis.h"
#include "snapshot/growth.h"
#include "snapshot/ignore_rules.h"
#include "snapshot/snapshot_file.h"

#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope::cli {

namespace {

const char kGrowthUsage[] =
    "Usage: leakscope-cli growth [OPTIONS] S0.lssnap S1.lssnap [S2.lssnap ...]\n"
    "\n"
    "Reports what grows in every round of a series of snapshots of one process, each taken after one\n"
    "more round of the same work: S0 after the warm-up, S1 after round 1, and so on (saved by\n"
    "leakscope.save(path) after each round, or by `leakscope-cli run`). What fills once (a cache, a\n"
    "fixture) stops growing after the warm-up and is not reported. Three sections:\n"
    "  leaked objects  suspects of a type new in every round (allocated in the round, or let go of\n"
    "                  in it, and alive with nothing referring to them), with the last round's\n"
    "                  objects: address, repr, the C origin of their type, where they were allocated\n"
    "  surplus         objects present throughout whose references nothing in the snapshot accounts\n"
    "                  for grew in every round (a leaked Py_INCREF per round)\n"
    "  types           types whose object count rose in every round; no evidence by itself (a list\n"
    "                  that keeps what each round adds grows too)\n"
    "Each round is compared as `leakscope-cli diff` compares two snapshots (docs/diff.md); the rules\n"
    "are in docs/growth.md.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   table (default, for terminals) or json\n"
    "  --ignore FILE     ignore rules, as for `report` (repeatable): a candidate a rule matches is no\n"
    "                    suspect in any snapshot\n"
    "  --limit N         at most N rows per section (default: 50 in a table, all in json; 0: all)\n"
    "  --objects N       objects listed under each leaked-objects row (default 5)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 when no leak was found; 3 when leaked objects or surplus growth were found in\n"
    "every round; 2 when a snapshot cannot be read (missing, not a snapshot file, corrupt), an\n"
    "--ignore file cannot be read, or on a usage error (fewer than two snapshots, say).\n";

constexpr std::size_t kDefaultTableLimit = 50;

struct GrowthArguments
{
    bool json = false;
    std::optional<std::size_t> limit;
    std::size_t objectsPerRow = 5;
    std::vector<std::string> ignoreFiles;
    std::vector<std::string> files;
};

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli growth: %s\nTry 'leakscope-cli growth --help'.\n", message.c_str());
    return kUsageError;
}

bool parseCount(const std::string& text, std::size_t& out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Fills args; returns -1 to go on, or the exit status to stop with.
int parse(int argc, char** argv, GrowthArguments& args)
{
    bool optionsEnded = false;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string& out) { return optionValue(arg, argc, argv, i, out); };
        auto is = [&](std::string_view name) {
            return arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=');
        };
        if (optionsEnded || arg == "-" || arg.empty() || arg[0] != '-') {
            args.files.emplace_back(arg);
        } else if (arg == "--") {
            optionsEnded = true;
        } else if (arg == "-h" || arg == "--help") {
            std::fputs(kGrowthUsage, stdout);
            return 0;
        } else if (is("--format")) {
            std::string name;
            if (!value(name))
                return usageError("--format needs a value: table or json");
            if (name != "table" && name != "json")
                return usageError("unknown format '" + name + "' (use table or json)");
            args.json = name == "json";
        } else if (is("--ignore")) {
            std::string file;
            if (!value(file) || file.empty())
                return usageError("--ignore needs a file name");
            args.ignoreFiles.push_back(std::move(file));
        } else if (is("--limit")) {
            std::string text;
            std::size_t limit = 0;
            if (!value(text) || !parseCount(text, limit))
                return usageError("--limit needs a number of rows (0: all)" + (text.empty() ? "" : ", not '" + text + "'"));
            args.limit = limit;
        } else if (is("--objects")) {
            std::string text;
            if (!value(text) || !parseCount(text, args.objectsPerRow))
                return usageError("--objects needs a number of objects per row" + (text.empty() ? "" : ", not '" + text + "'"));
        } else {
            return usageError("unknown option '" + std::string(arg) + "'");
        }
    }
    if (args.files.size() < 2)
        return usageError("a series needs two snapshot files or more, the first taken after the warm-up");
    return -1;
}

// A snapshot and its analysis in one allocation, handed out as the analysis (GrowthAnalysis keeps it).
struct Analysed
{
    Analysed(SnapshotPtr s, const IgnoreRules* rules)
        : snapshot(std::move(s))
        , analysis(*snapshot, rules)
    {
    }
    SnapshotPtr snapshot;
    HeapAnalysis analysis;
};

} // namespace

int growthCommand(int argc, char** argv)
{
    GrowthArguments args;
    if (int status = parse(argc, argv, args); status >= 0)
        return status;
    IgnoreRules rules;
    if (!loadIgnoreRules(args.ignoreFiles, rules))
        return kUsageError;
    const IgnoreRules* ignoreRules = args.ignoreFiles.empty() ? nullptr : &rules;

    try {
        // One file at a time: the analysis holds two snapshots at most, however long the series.
        GrowthAnalysis growth;
        std::int64_t firstPid = 0;
        std::int64_t previousTime = 0;
        for (std::size_t k = 0; k < args.files.size(); ++k) {
            const std::string& file = args.files[k];
            auto analysed = std::make_shared<Analysed>(loadSnapshotFile(file), ignoreRules);
            const SnapshotInfo& info = analysed->snapshot->info();
            // Addresses name objects within one process only.
            if (k == 0) {
                firstPid = info.pid;
            } else if (info.pid != firstPid && info.pid > 0 && firstPid > 0) {
                std::fprintf(stderr,
                             "leakscope-cli: warning: '%s' comes from another process (pid %lld, the first snapshot's "
                             "is %lld): objects cannot be matched by address, so leaked objects and surplus growth "
                             "mean little; the type counts still compare\n",
                             file.c_str(), static_cast<long long>(info.pid), static_cast<long long>(firstPid));
            }
            if (info.capturedAtMs > 0 && previousTime > info.capturedAtMs) {
                std::fprintf(stderr,
                             "leakscope-cli: warning: '%s' was captured before '%s': the series is read in the "
                             "order of the arguments\n",
                             file.c_str(), args.files[k - 1].c_str());
            }
            if (info.capturedAtMs > 0)
                previousTime = info.capturedAtMs;
            if (ignoreRules)
                warnRuleLimits(analysed->analysis, rules);
            growth.add(std::shared_ptr<const HeapAnalysis>(analysed, &analysed->analysis));
        }

        GrowthReportOptions options;
        options.limit = args.limit.value_or(args.json ? 0 : kDefaultTableLimit);
        options.objectsPerRow = args.objectsPerRow;
        const std::string text = args.json ? growthJson(growth, options) : growthText(growth, options);
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return growth.leaks() ? kLeaksFound : 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
}

} // namespace leakscope::cli
