#pragma once

// The `leakscope` module that scripts import inside LeakScope's interpreter:
//   leakscope.snapshot(label="", path=None)  takes a labelled snapshot now (and saves it to path);
//   leakscope.pause(label="", path=None)     takes one and waits until the user continues;
//   leakscope.save(path)                     takes one, labelled with the file's name, and saves it;
//   leakscope.SnapshotFileError              the OSError subclass raised when a save fails;
//   leakscope.iterate(fn, rounds=5, warmup=2, label=None)  runs fn repeatedly and returns the growth
//                                            over a series of snapshots (a leakscope.Growth);
//   leakscope.pytest                         the pytest plugin (`-p leakscope.pytest`).
// The Python parts (iterate(), Growth, the plugin) are .py files under python/, compiled in; the
// module finds its submodules through a path-entry finder of its own (see docs/pytest.md).
// The module saves to a path itself, in C++ and without the GIL, once the capture is done. What a
// snapshot becomes besides is up to the program embedding the interpreter (the CLI reports or saves
// it, the host sends it to the GUI), through ScriptHooks.

#include "snapshot/snapshot.h"

#include <cstdint>
#include <memory>
#include <string>

namespace leakscope {
class GrowthAnalysis;
class HeapAnalysis;
class IgnoreRules;
}

namespace leakscope::capture {

// The series a snapshot belongs to: leakscope.iterate() or a leaking test of the pytest plugin
// takes snapshot 0 after the warm-up and one after each measured round.
struct ScriptSeries
{
    std::uint32_t id = 0;     // 1, 2, ... in the order series start in this process; 0: no series
    std::uint32_t index = 0;  // 0 .. length - 1
    std::uint32_t length = 0; // snapshots in the series: rounds + 1
    std::string label;        // the series' own label (iterate's label, the test's node id)
};

// One snapshot the script asked for.
struct ScriptSnapshot
{
    enum class Kind { Snapshot, Pause, Save };
    Kind kind = Kind::Snapshot;
    std::string label; // Save: the file's name
    // Absolute path the module saved the snapshot to (relative ones are resolved against the working
    // directory at the call); empty when the script gave none.
    std::string path;
    ScriptSeries series; // id 0 unless the snapshot is one of a series
    // The analysis the module made of the snapshot with ignoreRules() (a series' snapshots have
    // one), or null: saves the hooks from making it again.
    std::shared_ptr<const HeapAnalysis> analysis;
};

// Why a hook refused: the exception the script then gets.
struct ScriptError
{
    enum class Kind { Runtime, SnapshotFile, Interrupt };
    Kind kind = Kind::Runtime; // RuntimeError, leakscope.SnapshotFileError (an OSError) or KeyboardInterrupt
    std::string message;
};

class ScriptHooks
{
public:
    virtual ~ScriptHooks() = default;
    // Both run in the script's thread with the GIL held.
    // Captures the heap for the script; throws std::exception on failure (RuntimeError in the script).
    virtual SnapshotPtr capture(const std::string& label) = 0;
    // Takes the capture once the module has saved it (when the script gave a path; a failed save
    // raises in the script without calling this). For a pause, returns when the script may go on.
    // Returns false with error set to raise in the script.
    virtual bool deliver(const ScriptSnapshot& request, const SnapshotPtr& snapshot, ScriptError& error) = 0;
    // The ignore rules of the run, which the module's growth analyses use; null: none. Must outlive
    // the script.
    virtual const IgnoreRules* ignoreRules() const { return nullptr; }
    // The last snapshot of a series was delivered; growth is its analysis over the whole series.
    // Not called for a series that stopped early (fn raised) or that was not delivered.
    virtual void seriesEnded(const ScriptSeries& series, const GrowthAnalysis& growth)
    {
        (void)series;
        (void)growth;
    }
};

// Registers the module; must run before the interpreter starts (Interpreter does it).
void registerScriptModule();

// The hooks the module calls; null (the default) makes its functions raise RuntimeError.
void setScriptHooks(ScriptHooks* hooks);
// The hooks set now, or null.
ScriptHooks* scriptHooks();

} // namespace leakscope::capture
