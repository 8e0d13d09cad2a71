#pragma once

// The `leakscope` module that scripts import inside LeakScope's interpreter:
//   leakscope.snapshot(label="", path=None)  takes a labelled snapshot now (and saves it to path);
//   leakscope.pause(label="", path=None)     takes one and waits until the user continues;
//   leakscope.save(path)                     takes one, labelled with the file's name, and saves it;
//   leakscope.SnapshotFileError              the OSError subclass raised when a save fails.
// The module saves to a path itself, in C++ and without the GIL, once the capture is done. What a
// snapshot becomes besides is up to the program embedding the interpreter (the CLI reports or saves
// it, the host sends it to the GUI), through ScriptHooks.

#include "snapshot/snapshot.h"

#include <string>

namespace leakscope::capture {

// One snapshot the script asked for.
struct ScriptSnapshot
{
    enum class Kind { Snapshot, Pause, Save };
    Kind kind = Kind::Snapshot;
    std::string label; // Save: the file's name
    // Absolute path the module saved the snapshot to (relative ones are resolved against the working
    // directory at the call); empty when the script gave none.
    std::string path;
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
};

// Registers the module; must run before the interpreter starts (Interpreter does it).
void registerScriptModule();

// The hooks the module calls; null (the default) makes its functions raise RuntimeError.
void setScriptHooks(ScriptHooks* hooks);

} // namespace leakscope::capture
