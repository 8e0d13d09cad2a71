#include "cli.h"
#include "script_command.h"

#include "snapshot/analysis.h"
#include "snapshot/atomic_file.h"
#include "snapshot/diff_report.h"
#include "snapshot/ignore_rules.h"
#include "snapshot/snapshot_diff.h"
#include "snapshot/snapshot_file.h"

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope::cli {

namespace {

const char kDiffUsage[] =
    "Usage: leakscope-cli diff [OPTIONS] A.lssnap B.lssnap\n"
    "\n"
    "Compares two snapshots of one process, A taken before B (saved by `leakscope-cli run`, by\n"
    "leakscope.snapshot(label, path) in a script, or by the window). Three sections:\n"
    "  types           objects and bytes of each type in A and in B, the largest change in count\n"
    "                  first; NEW counts objects of B that were not in A, FREED objects of A gone in B\n"
    "  new suspects    suspects of B that were not suspects of A, with what they were in A (absent,\n"
    "                  referenced, untracked, explained or ignored)\n"
    "  surplus growth  objects in both whose refcount grew more than their referrers did: references\n"
    "                  nothing in the snapshot accounts for, taken in between (a leaked Py_INCREF).\n"
    "                  GROWTH = (refcount in B - refcount in A) - (referrers in B - referrers in A),\n"
    "                  largest first; objects with an immortal or static refcount never grow.\n"
    "                  Growth that objects recording no references may account for is no evidence\n"
    "                  and is counted apart (discounted growth): that of atomic objects (str, int,\n"
    "                  float, bytes...), and of untracked objects up to the number of new untracked\n"
    "                  holders in B (numpy arrays holding their dtype, untracked tuples)\n"
    "An object of A and one of B are the same object when they sit at the same address with the same\n"
    "type and their referents, repr or allocation traceback do not show that the address was reused\n"
    "(docs/diff.md says how, and where that cannot be told).\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   table (default, for terminals), json or csv\n"
    "  --output FILE     write the diff to FILE instead of standard output\n"
    "  --ignore FILE     ignore rules, as for `report` (repeatable): a candidate a rule matches is no\n"
    "                    suspect, in A or in B\n"
    "  --limit N         at most N rows per section (default: 50 in a table, all in json and csv;\n"
    "                    0: all)\n"
    "  --section NAME    only this section: types, new-suspects, surplus-growth or discounted-growth\n"
    "                    (repeatable). CSV with one section is a single table; with more, each\n"
    "                    follows a \"# NAME\" line\n"
    "  --all-growth      add the discounted-growth section to the others\n"
    "  --all-types       list the types whose count and bytes did not change too\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 when the diff was written; 2 when a snapshot cannot be read (missing, not a\n"
    "snapshot file, corrupt), an --ignore file cannot be read, the output cannot be written, or on a\n"
    "usage error.\n";

constexpr std::size_t kDefaultTableLimit = 50;

struct DiffArguments
{
    ReportFormat format = ReportFormat::Table;
    std::string output;
    std::optional<std::size_t> limit;
    unsigned sections = 0;
    bool allTypes = false;
    bool allGrowth = false;
    std::vector<std::string> ignoreFiles;
    std::vector<std::string> files;
};

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli diff: %s\nTry 'leakscope-cli diff --help'.\n", message.c_str());
    return kUsageError;
}

// Fills args; returns -1 to go on, or the exit status to stop with.
int parse(int argc, char** argv, DiffArguments& args)
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
            std::fputs(kDiffUsage, stdout);
            return 0;
        } else if (is("--format")) {
            std::string name;
            if (!value(name))
                return usageError("--format needs a value: table, json or csv");
            const auto format = parseReportFormat(name);
            // html and md are documents of one snapshot (leakscope-cli report), not of a diff.
            if (!format || *format == ReportFormat::Html || *format == ReportFormat::Markdown)
                return usageError("unknown format '" + name + "' (use table, json or csv)");
            args.format = *format;
        } else if (is("--output")) {
            if (!value(args.output) || args.output.empty())
                return usageError("--output needs a file name");
        } else if (is("--ignore")) {
            std::string file;
            if (!value(file) || file.empty())
                return usageError("--ignore needs a file name");
            args.ignoreFiles.push_back(std::move(file));
        } else if (is("--limit")) {
            std::string text;
            if (!value(text))
                return usageError("--limit needs a number of rows (0: all)");
            std::size_t limit = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
            if (error != std::errc() || end != text.data() + text.size() || text.empty())
                return usageError("--limit needs a number of rows (0: all), not '" + text + "'");
            args.limit = limit;
        } else if (is("--section")) {
            std::string name;
            if (!value(name))
                return usageError("--section needs a name: types, new-suspects, surplus-growth or discounted-growth");
            const auto section = parseDiffSection(name);
            if (!section)
                return usageError("unknown section '" + name
                                  + "' (use types, new-suspects, surplus-growth or discounted-growth)");
            args.sections |= *section;
        } else if (arg == "--all-types") {
            args.allTypes = true;
        } else if (arg == "--all-growth") {
            args.allGrowth = true;
        } else {
            return usageError("unknown option '" + std::string(arg) + "'");
        }
    }
    if (args.files.size() != 2) {
        return usageError(args.files.size() < 2 ? "two snapshot files are needed, A (earlier) and B (later)"
                                                : "too many files: give two snapshots, A (earlier) and B (later)");
    }
    return -1;
}

void writeOutput(const std::string& path, const std::string& text)
{
    try {
        AtomicFile file(path);
        file.write(text.data(), text.size());
        file.commit();
    } catch (const AtomicFileError& error) {
        throw std::runtime_error("cannot write the diff to '" + path + "': " + error.what());
    }
}

} // namespace

int diffCommand(int argc, char** argv)
{
    DiffArguments args;
    if (int status = parse(argc, argv, args); status >= 0)
        return status;
    IgnoreRules rules;
    if (!loadIgnoreRules(args.ignoreFiles, rules))
        return kUsageError;
    const IgnoreRules* ignoreRules = args.ignoreFiles.empty() ? nullptr : &rules;

    try {
        const SnapshotPtr a = loadSnapshotFile(args.files[0]);
        const SnapshotPtr b = loadSnapshotFile(args.files[1]);
        // Addresses name objects within one process only.
        if (a->info().pid != b->info().pid && a->info().pid > 0 && b->info().pid > 0) {
            std::fprintf(stderr,
                         "leakscope-cli: warning: the snapshots come from two processes (pid %lld and %lld): "
                         "objects cannot be matched by address, so new suspects and surplus growth mean "
                         "little; the type counts still compare\n",
                         static_cast<long long>(a->info().pid), static_cast<long long>(b->info().pid));
        }
        if (a->info().capturedAtMs > b->info().capturedAtMs && b->info().capturedAtMs > 0)
            std::fprintf(stderr, "leakscope-cli: warning: A ('%s') was captured after B ('%s'): the diff reads "
                                 "from A to B\n", args.files[0].c_str(), args.files[1].c_str());

        const HeapAnalysis analysisA(*a, ignoreRules);
        const HeapAnalysis analysisB(*b, ignoreRules);
        if (ignoreRules) {
            warnRuleLimits(analysisA, rules);
            warnRuleLimits(analysisB, rules);
        }
        const SnapshotDiff diff(analysisA, analysisB);

        DiffReportOptions options;
        options.nameA = args.files[0];
        options.nameB = args.files[1];
        options.limit = args.limit.value_or(args.format == ReportFormat::Table ? kDefaultTableLimit : 0);
        options.unchangedTypes = args.allTypes;
        options.sections = (args.sections ? args.sections : DiffAllSections) | (args.allGrowth ? DiffDiscountedGrowth : 0u);
        const std::string text = formatDiffReport(diff, args.format, options);
        if (args.output.empty()) {
            std::fwrite(text.data(), 1, text.size(), stdout);
            std::fflush(stdout);
        } else {
            writeOutput(args.output, text);
        }
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
}

} // namespace leakscope::cli
