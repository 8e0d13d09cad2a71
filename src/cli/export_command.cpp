#include "cli.h"
#include "script_command.h"

#include "snapshot/analysis.h"
#include "snapshot/atomic_file.h"
#include "snapshot/export_dot.h"
#include "snapshot/export_heapsnapshot.h"
#include "snapshot/snapshot_file.h"

#include <charconv>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope::cli {

namespace {

const char kExportUsage[] =
    "Usage: leakscope-cli export --format heapsnapshot [--ignore FILE] --output FILE SNAPSHOT.lssnap\n"
    "       leakscope-cli export --format dot --around ADDRESS [--depth N] [--max-nodes N] [--ignore FILE]\n"
    "                            --output FILE SNAPSHOT.lssnap\n"
    "\n"
    "Writes a saved snapshot in a format other tools read (docs/export.md):\n"
    "  heapsnapshot  the whole heap as a V8 heap snapshot (.heapsnapshot), for the Memory panel of\n"
    "                Chrome DevTools: Summary by class, Containment, Retainers, and Comparison of two\n"
    "                snapshots of one process (ids come from addresses). The root holds the leak\n"
    "                candidates, named \"suspect\" or \"explained: KIND\"\n"
    "  dot           the references around the object at ADDRESS as a Graphviz graph: its referents\n"
    "                and its referrers to N levels, edges labelled (['key'], .attr, [3]), the object\n"
    "                highlighted and suspects in red. `dot -Tsvg FILE -o graph.svg` draws it\n"
    "\n"
    "Options:\n"
    "  --format FORMAT   heapsnapshot or dot (required)\n"
    "  --output FILE     where to write (required); `-` writes to standard output. The file is\n"
    "                    replaced only once it is complete\n"
    "  --around ADDRESS  the object to draw around, as reports print it (0x7f3a5c1d2e40); dot only\n"
    "  --depth N         levels of referents and of referrers (default 3); dot only\n"
    "  --max-nodes N     draw at most N objects, nearest first (default 200; a note says how many\n"
    "                    more there were); dot only\n"
    "  --ignore FILE     ignore rules, as for `report` (repeatable): a candidate a rule matches is no\n"
    "                    suspect (the heapsnapshot's root names it \"ignored\", the graph does not\n"
    "                    draw it red)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: 0 when the file was written; 2 on a usage error, an unknown format, a snapshot that\n"
    "cannot be read (missing, not a snapshot file, corrupt), an ADDRESS no object of the snapshot has,\n"
    "an --ignore file that cannot be read, or an output that cannot be written.\n";

enum class ExportFormat { HeapSnapshot, Dot };

struct ExportArguments
{
    std::optional<ExportFormat> format;
    std::string output;
    std::string around;
    std::optional<std::size_t> depth;
    std::optional<std::size_t> maxNodes;
    std::vector<std::string> ignoreFiles;
    std::vector<std::string> files;
};

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli export: %s\nTry 'leakscope-cli export --help'.\n", message.c_str());
    return kUsageError;
}

const char* objects(std::size_t count)
{
    return count == 1 ? "object" : "objects";
}

bool parseCount(const std::string& text, std::size_t& out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

// Fills args; returns -1 to go on, or the exit status to stop with.
int parse(int argc, char** argv, ExportArguments& args)
{
    bool optionsEnded = false;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string& out) { return optionValue(arg, argc, argv, i, out); };
        auto is = [&](std::string_view name) {
            return arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=');
        };
        if (optionsEnded || arg.empty() || arg[0] != '-' || arg == "-") {
            args.files.emplace_back(arg);
        } else if (arg == "--") {
            optionsEnded = true;
        } else if (arg == "-h" || arg == "--help") {
            std::fputs(kExportUsage, stdout);
            return 0;
        } else if (is("--format")) {
            std::string name;
            if (!value(name))
                return usageError("--format needs a value: heapsnapshot or dot");
            if (name == "heapsnapshot")
                args.format = ExportFormat::HeapSnapshot;
            else if (name == "dot")
                args.format = ExportFormat::Dot;
            else
                return usageError("unknown format '" + name + "' (use heapsnapshot or dot)");
        } else if (is("--output")) {
            if (!value(args.output) || args.output.empty())
                return usageError("--output needs a file name (or - for standard output)");
        } else if (is("--around")) {
            if (!value(args.around) || args.around.empty())
                return usageError("--around needs an object's address, e.g. 0x7f3a5c1d2e40");
        } else if (is("--depth")) {
            std::string text;
            std::size_t depth = 0;
            if (!value(text) || !parseCount(text, depth))
                return usageError("--depth needs a number of levels, not '" + text + "'");
            args.depth = depth;
        } else if (is("--ignore")) {
            std::string ignoreFile;
            if (!value(ignoreFile) || ignoreFile.empty())
                return usageError("--ignore needs a file name");
            args.ignoreFiles.push_back(std::move(ignoreFile));
        } else if (is("--max-nodes")) {
            std::string text;
            std::size_t count = 0;
            if (!value(text) || !parseCount(text, count) || count == 0)
                return usageError("--max-nodes needs a number of objects of at least 1, not '" + text + "'");
            args.maxNodes = count;
        } else {
            return usageError("unknown option '" + std::string(arg) + "'");
        }
    }
    if (!args.format)
        return usageError("--format is required: heapsnapshot or dot");
    if (args.output.empty())
        return usageError("--output is required: the file to write (or - for standard output)");
    if (args.files.size() != 1)
        return usageError(args.files.empty() ? "a snapshot file (.lssnap) is needed" : "give one snapshot file");
    if (*args.format == ExportFormat::Dot && args.around.empty())
        return usageError("--format dot needs --around ADDRESS: the object to draw around");
    if (*args.format == ExportFormat::HeapSnapshot) {
        // A heap snapshot is the whole heap: DevTools' own views narrow it down, and a part of the
        // heap would put objects at the root that are not candidates.
        if (!args.around.empty() || args.depth || args.maxNodes)
            return usageError("--around, --depth and --max-nodes are for --format dot; a heapsnapshot is "
                              "always the whole heap");
    }
    return -1;
}

// Where the export goes: an atomically replaced file, or standard output.
class Destination
{
public:
    explicit Destination(const std::string& path)
        : m_path(path)
    {
        if (path != "-")
            m_file = std::make_unique<AtomicFile>(path);
    }
    void write(std::string_view data)
    {
        if (m_file) {
            m_file->write(data.data(), data.size());
        } else if (std::fwrite(data.data(), 1, data.size(), stdout) != data.size()) {
            throw AtomicFileError("writing to standard output failed");
        }
    }
    void commit()
    {
        if (m_file)
            m_file->commit();
        else
            std::fflush(stdout);
    }

private:
    std::string m_path;
    std::unique_ptr<AtomicFile> m_file;
};

} // namespace

int exportCommand(int argc, char** argv)
{
    ExportArguments args;
    if (int status = parse(argc, argv, args); status >= 0)
        return status;
    const std::string& file = args.files[0];

    std::optional<std::uint64_t> address;
    if (*args.format == ExportFormat::Dot) {
        address = parseAddress(args.around);
        if (!address)
            return usageError("'" + args.around + "' is not an address (hexadecimal, e.g. 0x7f3a5c1d2e40)");
    }

    std::error_code sameError;
    if (args.output != "-" && std::filesystem::equivalent(args.output, file, sameError)) {
        std::fprintf(stderr, "leakscope-cli: the output '%s' is the snapshot file itself: give another name\n",
                     args.output.c_str());
        return kUsageError;
    }

    IgnoreRules rules;
    if (!loadIgnoreRules(args.ignoreFiles, rules))
        return kUsageError;
    const IgnoreRules* ignoreRules = args.ignoreFiles.empty() ? nullptr : &rules;

    SnapshotPtr snapshot;
    try {
        snapshot = loadSnapshotFile(file);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
    const HeapAnalysis analysis(*snapshot, ignoreRules);
    if (ignoreRules)
        warnRuleLimits(analysis, rules);

    std::optional<ObjectIndex> center;
    if (address) {
        center = findObjectAt(*snapshot, *address);
        if (!center) {
            std::fprintf(stderr, "leakscope-cli: no object of %s is at %s\n", file.c_str(),
                         formatAddress(*address).c_str());
            return kUsageError;
        }
    }

    std::unique_ptr<Destination> destination;
    try {
        destination = std::make_unique<Destination>(args.output);
        if (*args.format == ExportFormat::HeapSnapshot) {
            const HeapSnapshotExportStats stats
                = writeHeapSnapshot(analysis, [&](std::string_view piece) { destination->write(piece); });
            destination->commit();
            std::fprintf(stderr, "%zu nodes, %zu edges, %zu strings", stats.nodes, stats.edges, stats.strings);
            if (stats.unreached > 0)
                std::fprintf(stderr, "; %zu %s no candidate reaches, under \"(not reached from a candidate)\"",
                             stats.unreached, objects(stats.unreached));
            std::fputs("\n", stderr);
            if (stats.idCollisions > 0)
                std::fprintf(stderr,
                             "leakscope-cli: warning: %zu %s share an address-derived id with another (addresses "
                             "32 GiB apart): given ids of their own, they count as new or deleted in DevTools' "
                             "Comparison\n",
                             stats.idCollisions, objects(stats.idCollisions));
        } else {
            const ReferrerIndex referrers(*snapshot);
            DotOptions options;
            options.depth = args.depth.value_or(options.depth);
            options.maxNodes = args.maxNodes.value_or(options.maxNodes);
            std::string text;
            const DotExportStats stats = writeDotGraph(analysis, referrers, *center, options, text);
            destination->write(text);
            destination->commit();
            std::fprintf(stderr, "%zu %s, %zu %s drawn", stats.nodes, objects(stats.nodes), stats.edges,
                         stats.edges == 1 ? "reference" : "references");
            if (stats.omitted > 0)
                std::fprintf(stderr, "; %zu more within depth %zu left out (--max-nodes)", stats.omitted,
                             options.depth);
            std::fputs("\n", stderr);
        }
    } catch (const AtomicFileError& error) {
        std::fprintf(stderr, "leakscope-cli: cannot write '%s': %s\n", args.output.c_str(), error.what());
        return kUsageError;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.what());
        return kUsageError;
    }
    return 0;
}

} // namespace leakscope::cli
