#include "cli.h"

#include "crash_report.h"
#include "script_command.h"

#include "snapshot/analysis.h"
#include "snapshot/snapshot_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace leakscope::cli {

namespace {

namespace fs = std::filesystem;

const char kRunUsage[] =
    "Usage: leakscope-cli run [OPTIONS] [--] SCRIPT [ARGS...]\n"
    "       leakscope-cli run [OPTIONS] -m MODULE [ARGS...]\n"
    "\n"
    "Runs SCRIPT (or MODULE, as python3 -m MODULE does) as `leakscope-cli report` does and saves its\n"
    "snapshots as files instead of reporting: each leakscope.snapshot(label) and leakscope.pause(label)\n"
    "the script takes, as it happens, and the heap after the script ended (after gc.collect()), as\n"
    "DIR/NN-LABEL.lssnap. NN numbers the files in order (01, 02, ... more digits past 99); LABEL is the\n"
    "label with every character but letters, digits, '.', '_' and '-' made '_', cut to 64, \"snapshot\"\n"
    "when empty, and \"end\" for the final state. In a folder that already holds such files, numbering\n"
    "goes on after the highest NN there: no file is ever replaced. A snapshot's file is written while\n"
    "the script goes on; its path is printed on standard output, on a line of its own, once the file is\n"
    "complete (at the script's next snapshot or its end), with a summary of the snapshot on stderr.\n"
    "`leakscope-cli report FILE` reports a file, the application opens it.\n"
    "\n"
    "Options:\n"
    "  --output-dir DIR  where the files go, created if missing (default: a new folder\n"
    "                    leakscope-YYYYMMDD-HHMMSS, the local time, in the current folder)\n"
    "  --no-collect      capture without running gc.collect() first\n"
    "  --tracemalloc[=DEPTH]\n"
    "                    trace allocations from the start (as python3 -X tracemalloc=DEPTH; DEPTH\n"
    "                    frames, default 10, 1 to 65535): the snapshots then say where candidates were\n"
    "                    allocated\n"
    "  --native-traces[=DEPTH]\n"
    "                    record the native (C) call stack of every object allocation from the start\n"
    "                    (DEPTH frames, default 16, 1 to 256): the snapshots then name the C function\n"
    "                    that created each candidate (docs/native-traces.md)\n"
    "  --ignore FILE     ignore rules for the suspects counted in the summaries (repeatable); the files\n"
    "                    hold every object, whatever the rules\n"
    "  -I                isolate the script from its environment, as python3 -I\n"
    "  -E                ignore the PYTHON* variables, as python3 -E\n"
    "  -m MODULE         run the module MODULE as __main__, as python3 -m MODULE: the working directory\n"
    "                    first on sys.path, a package's __main__ submodule; ends the options, the\n"
    "                    arguments after it are the module's\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit status: the script's (0, sys.exit(n), 1 for an uncaught exception, 130 for Ctrl+C; the\n"
    "final state is saved in each case); 1, as python3 -m, when MODULE cannot be found (nothing is\n"
    "saved); 2 when the script cannot run (missing, unreadable, syntax error), DIR cannot be made or\n"
    "written, an --ignore file cannot be read, a snapshot could not be saved (the others are still\n"
    "saved; when its file cannot be created the script gets leakscope.SnapshotFileError, when writing\n"
    "it fails later stderr says so), or on a usage error. When the script or a capture crashes the\n"
    "process, or SIGTERM ends it, a line on stderr says which and the signal ends the process (139 for\n"
    "SIGSEGV, in a shell); the files saved before are complete, the one being written is finished first.\n";

constexpr std::size_t kMaxLabelLength = 64;

struct RunArguments
{
    std::string outputDir;
    ScriptOptions script;
};

int usageError(const std::string& message)
{
    std::fprintf(stderr, "leakscope-cli run: %s\nTry 'leakscope-cli run --help'.\n", message.c_str());
    return kUsageError;
}

// Fills args; returns -1 to go on, or the exit status to stop with.
int parse(int argc, char** argv, RunArguments& args)
{
    int i = 0;
    for (; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string& out) { return optionValue(arg, argc, argv, i, out); };
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg == "-h" || arg == "--help") {
            std::fputs(kRunUsage, stdout);
            return 0;
        }
        std::string error;
        const OptionResult taken = takeScriptOption(arg, value, args.script, error);
        if (taken == OptionResult::Error)
            return usageError(error);
        if (taken == OptionResult::Taken)
            continue;
        if (taken == OptionResult::Last) {
            ++i;
            break; // -m MODULE: everything after it belongs to the module
        }
        if (arg == "--output-dir" || arg.rfind("--output-dir=", 0) == 0) {
            if (!value(args.outputDir) || args.outputDir.empty())
                return usageError("--output-dir needs a folder name");
        } else if (arg.size() > 1 && arg[0] == '-') {
            return usageError("unknown option '" + std::string(arg) + "'");
        } else {
            break; // the script: everything from here belongs to it
        }
    }
    for (; i < argc; ++i)
        args.script.argv.emplace_back(argv[i]);
    if (args.script.argv.empty())
        return usageError("no script or module given");
    return -1;
}

// The label as a safe part of a file name: ASCII letters, digits, '.', '_' and '-' stay, any other
// character (a multi-byte UTF-8 one counts once) becomes '_'.
std::string fileNameLabel(std::string_view label)
{
    std::string out;
    for (std::size_t i = 0; i < label.size() && out.size() < kMaxLabelLength; ++i) {
        const auto c = static_cast<unsigned char>(label[i]);
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == '-';
        if (safe)
            out += static_cast<char>(c);
        else if ((c & 0xC0) != 0x80) // continuation bytes belong to a character already replaced
            out += '_';
    }
    return out.empty() ? std::string("snapshot") : out;
}

// 1 + the highest NN of the NN-*.lssnap files in folder (1 when there are none).
unsigned firstFreeNumber(const fs::path& folder)
{
    unsigned highest = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::size_t digits = 0;
        while (digits < name.size() && digits < 9 && name[digits] >= '0' && name[digits] <= '9')
            ++digits;
        if (digits == 0 || digits >= name.size() || name[digits] != '-'
            || !name.ends_with(kSnapshotFileSuffix))
            continue;
        highest = std::max(highest, static_cast<unsigned>(std::stoul(name.substr(0, digits))));
    }
    return highest + 1;
}

std::string defaultFolderName()
{
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char name[64];
    std::strftime(name, sizeof name, "leakscope-%Y%m%d-%H%M%S", &local);
    return name;
}

// Makes the output folder (and its parents) before the script runs, so a long run never ends with
// nowhere to write. Empty on success, else why not.
std::string prepareFolder(const fs::path& folder, bool& created)
{
    std::error_code ec;
    if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
        return "cannot save snapshots in '" + folder.string() + "': it is not a folder";
    created = fs::create_directories(folder, ec);
    if (ec)
        return "cannot create the folder '" + folder.string() + "': " + ec.message();
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        return "cannot save snapshots in '" + folder.string() + "': " + std::strerror(errno);
    return {};
}

class RunCommand : public ScriptCommand
{
public:
    RunCommand(const RunArguments& args, const IgnoreRules* rules, fs::path folder)
        : ScriptCommand(args.script, rules)
        , m_folder(std::move(folder))
        , m_next(firstFreeNumber(m_folder))
    {
        m_finalLabel = "end";
    }

    std::size_t savedCount() const { return m_saved; }
    std::size_t failedCount() const { return m_failed; }

    // Waits for the file being written, if any, then announces it or says why it failed. The script's
    // next snapshot and its end do, so files are announced in the order they were taken.
    void settle()
    {
        if (!m_writing)
            return;
        PendingSave pending = std::move(*m_writing);
        m_writing.reset();
        if (const std::string error = pending.written.get(); !error.empty()) {
            fail(error);
            return;
        }
        ++m_saved;
        std::fprintf(stderr, "%s\n", pending.line.c_str());
        announce(pending.path);
    }

protected:
    bool snapshotTaken(const capture::ScriptSnapshot& request, const SnapshotPtr& snapshot, const std::string& summary,
                       capture::ScriptError& error) override
    {
        settle();
        // The script chose where leakscope.save() goes; that file is not copied.
        if (request.kind == capture::ScriptSnapshot::Kind::Save)
            return ScriptCommand::snapshotTaken(request, snapshot, summary, error);
        const char* kind = request.kind == capture::ScriptSnapshot::Kind::Pause ? "pause" : "snapshot";
        std::string path;
        if (!reserve(request.label, path, error.message)) {
            error.kind = capture::ScriptError::Kind::SnapshotFile;
            return false;
        }
        std::string line = "leakscope: " + std::string(kind) + " '" + request.label + "': " + summary + "; saved to ";
        if (!request.path.empty())
            line += request.path + " and ";
        line += path;
        if (request.kind == capture::ScriptSnapshot::Kind::Pause)
            line += " (leakscope-cli does not stop; the script goes on)";
        // Encoding, compressing and flushing the file to the disk take about as long as the capture
        // (docs/snapshot-format.md): done on a thread of its own while the script runs on. The
        // snapshot is immutable and shared, the thread touches nothing of Python.
        PendingSave pending{{}, path, std::move(line)};
        try {
            fileWriteStarted(); // a crash of the script meanwhile waits for the file
            pending.written = std::async(std::launch::async, [snapshot, path] {
                std::string error = write(*snapshot, path);
                fileWriteEnded();
                return error;
            });
        } catch (const std::system_error&) { // no thread to be had: written here, the script waits
            fileWriteEnded();
            std::promise<std::string> now;
            now.set_value(write(*snapshot, path));
            pending.written = now.get_future();
        }
        m_writing = std::move(pending);
        return true;
    }

    std::string crashConsequence() const override
    {
        return "the snapshots saved before it are in " + m_folder.string();
    }

    // The growth text of a series follows the line of its last snapshot, announced once written.
    void seriesEnded(const capture::ScriptSeries& series, const GrowthAnalysis& growth) override
    {
        settle();
        ScriptCommand::seriesEnded(series, growth);
    }

    bool finish(const SnapshotPtr& snapshot, const HeapAnalysis& analysis, double) override
    {
        settle();
        std::string path, error;
        bool saved = reserve(m_finalLabel, path, error);
        if (saved) {
            // The script has ended: nothing to overlap.
            error = write(*snapshot, path);
            saved = error.empty() ? (++m_saved, true) : fail(error);
        }
        if (saved) {
            std::fprintf(stderr, "leakscope: final state: %s; saved to %s\n", summaryOf(*snapshot, analysis).c_str(),
                         path.c_str());
            announce(path);
        }
        std::string summary = "leakscope-cli run: " + std::to_string(m_saved) + (m_saved == 1 ? " snapshot" : " snapshots")
            + " saved in " + m_folder.string();
        if (m_failed > 0)
            summary += "; " + std::to_string(m_failed) + " could not be saved";
        std::fprintf(stderr, "%s\n", summary.c_str());
        return m_failed == 0;
    }

private:
    struct PendingSave
    {
        std::future<std::string> written; // empty when the file is complete, else why it is not
        std::string path;
        std::string line; // the summary line for stderr
    };

    // Takes the next free number for label: a name is taken by creating the file exclusively, so
    // another run writing the same folder cannot be overwritten either.
    bool reserve(const std::string& label, std::string& path, std::string& error)
    {
        const std::string name = fileNameLabel(label) + std::string(kSnapshotFileSuffix);
        for (;;) {
            std::string number = std::to_string(m_next++);
            if (number.size() < 2)
                number.insert(0, 2 - number.size(), '0');
            path = (m_folder / (number + "-" + name)).string();
            const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                ::close(fd);
                return true;
            }
            if (errno != EEXIST) {
                error = "cannot save the snapshot to '" + path + "': " + std::strerror(errno);
                return fail(error);
            }
        }
    }

    // Writes the file reserve() made; empty when done, else why not (naming the file), the file removed.
    // Runs on any thread.
    static std::string write(const Snapshot& snapshot, const std::string& path)
    {
        try {
            saveSnapshotFile(snapshot, path);
            return {};
        } catch (const std::exception& e) {
            ::unlink(path.c_str());
            const std::string what = e.what();
            return what.find(path) != std::string::npos ? what : "cannot save the snapshot to '" + path + "': " + what;
        }
    }

    bool fail(const std::string& error)
    {
        ++m_failed;
        std::fprintf(stderr, "leakscope-cli: %s\n", error.c_str());
        return false;
    }

    // The path on stdout, after what the script printed so far.
    void announce(const std::string& path)
    {
        flushScriptOutput();
        std::fflush(stdout);
        std::printf("%s\n", path.c_str());
        std::fflush(stdout);
    }

    const fs::path m_folder;
    unsigned m_next;
    std::optional<PendingSave> m_writing; // the file being written while the script runs
    std::size_t m_saved = 0;
    std::size_t m_failed = 0;
};

} // namespace

int runCommand(int argc, char** argv)
{
    RunArguments args;
    if (int status = parse(argc, argv, args); status >= 0)
        return status;
    // Relative to where the user ran us, even if the script changes directory.
    std::error_code ec;
    fs::path folder = fs::absolute(args.outputDir.empty() ? defaultFolderName() : args.outputDir, ec);
    if (ec)
        return usageError("cannot resolve the folder '" + args.outputDir + "': " + ec.message());
    folder = folder.lexically_normal();
    if (folder.has_filename() == false && folder.has_parent_path())
        folder = folder.parent_path(); // "dir/" names dir
    IgnoreRules rules;
    if (!loadIgnoreRules(args.script.ignoreFiles, rules))
        return kUsageError;
    bool created = false;
    if (const std::string error = prepareFolder(folder, created); !error.empty()) {
        std::fprintf(stderr, "leakscope-cli: %s\n", error.c_str());
        return kUsageError;
    }
    RunCommand command(args, args.script.ignoreFiles.empty() ? nullptr : &rules, folder);
    const int status = command.run();
    command.settle(); // a file still being written when the run failed before its end
    // A script that could not run leaves no empty folder behind (remove() keeps a folder with files).
    if (created && command.savedCount() == 0 && fs::is_directory(fs::symlink_status(folder, ec)))
        fs::remove(folder, ec);
    return command.failedCount() > 0 ? kUsageError : status;
}

} // namespace leakscope::cli
