#pragma once

// What `report` and `run` share: the options of a script run, reading --ignore files, and a command
// that runs the script in the embedded interpreter, serves its leakscope.snapshot()/pause()/save()
// calls and captures the final state.

#include "capture/heap_capture.h"
#include "capture/script_module.h"
#include "snapshot/analysis.h"
#include "snapshot/ignore_rules.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope::capture {
class Interpreter;
}

namespace leakscope::cli {

struct ScriptOptions
{
    bool collect = true;
    unsigned tracemallocDepth = 0;
    unsigned nativeTraceDepth = 0; // --native-traces[=N]: C allocation stacks of N frames; 0: none
    bool isolated = false; // -I
    bool ignoreEnvironment = false; // -E
    std::vector<std::string> ignoreFiles; // in the order given: earlier files' rules come first
    // The script and its arguments; with a module, "-m" and the module's arguments (sys.argv as
    // python3 -m MODULE starts it).
    std::vector<std::string> argv;
    std::string module; // -m MODULE: run this module as python3 -m does, rather than a script
};

// Last: arg was taken and ends the options, as -m MODULE does: every argument after it is the module's.
enum class OptionResult { NotMine, Taken, Last, Error };

// Takes arg when it is one of the options above (--no-collect, --tracemalloc[=N], --native-traces[=N],
// --ignore FILE, -I, -E, -m MODULE or -mMODULE); value reads an option's value ("--name=VALUE" or the
// next argument), false when there is none. Error: error says why.
OptionResult takeScriptOption(
    std::string_view arg, const std::function<bool(std::string&)>& value, ScriptOptions& options, std::string& error);

// Reads the --ignore files before the script runs, so a wrong path fails at once. A file that cannot
// be read stops the run (false, after one line on stderr); a bad line only costs its own rule.
bool loadIgnoreRules(const std::vector<std::string>& files, IgnoreRules& rules);

// Empty when a report could be written to output (a path), else why not: checked before long work.
std::string checkOutputWritable(const std::string& output);
// Writes text to output through a temporary file renamed into place, so a failed run never leaves a
// partial report. Empty on success, else the error.
std::string writeFile(const std::string& output, const std::string& text);

// Prints the rule-limit warnings of an analysis on stderr.
void warnRuleLimits(const HeapAnalysis& analysis, const IgnoreRules& rules);

// Runs options.argv, or options.module, as __main__ (as python3 would), captures after the script
// ended and hands that capture to finish(). In between, each snapshot the script takes is captured
// after gc.collect() (unless --no-collect), summarised on stderr and handed to snapshotTaken().
class ScriptCommand : public capture::ScriptHooks
{
public:
    ScriptCommand(const ScriptOptions& options, const IgnoreRules* rules);

    // Returns the exit status: the script's, or kUsageError when it could not run or finish() failed.
    int run();

    SnapshotPtr capture(const std::string& label) final;
    bool deliver(
        const capture::ScriptSnapshot& request, const SnapshotPtr& snapshot, capture::ScriptError& error) final;
    const IgnoreRules* ignoreRules() const final { return m_rules; }
    // Prints the series' growth text on stderr (after its snapshots' lines), as str() of
    // leakscope.iterate()'s result says it.
    void seriesEnded(const capture::ScriptSeries& series, const GrowthAnalysis& growth) override;

protected:
    // A snapshot the script took, summarised already (summary: its "N objects, ..." text). Returns
    // false with error set to raise in the script.
    virtual bool snapshotTaken(const capture::ScriptSnapshot& request, const SnapshotPtr& snapshot,
        const std::string& summary, capture::ScriptError& error);
    // The capture after the script ended. seconds: from the start of that capture to now. Returns
    // false after saying why on stderr, which makes the exit status kUsageError.
    virtual bool finish(const SnapshotPtr& snapshot, const HeapAnalysis& analysis, double seconds) = 0;
    // Tells the interpreter's buffered stdout and stderr to write what they hold.
    void flushScriptOutput();
    // What is left when the script or a capture crashes the process, for the line said then (after
    // "; "): "no report is written".
    virtual std::string crashConsequence() const;

    const ScriptOptions& m_options;
    const IgnoreRules* m_rules;
    std::string m_finalLabel; // the label of the capture after the script ended

private:
    const capture::Baseline* m_baseline = nullptr;
    capture::Interpreter* m_interpreter = nullptr;
};

// "N objects, N candidates, N suspects" of a snapshot.
std::string summaryOf(const Snapshot& snapshot, const HeapAnalysis& analysis);

} // namespace leakscope::cli
