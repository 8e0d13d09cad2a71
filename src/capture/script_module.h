#pragma once

// The `leakscope` module that scripts import inside LeakScope's interpreter:
//   leakscope.snapshot(label="")  takes a labelled snapshot now;
//   leakscope.pause(label="")     takes one and waits until the user continues.
// What a snapshot becomes is up to the program embedding the interpreter (the CLI reports it, the
// host sends it to the GUI), through ScriptHooks.

#include <string>

namespace leakscope::capture {

class ScriptHooks
{
public:
    virtual ~ScriptHooks() = default;
    // Runs in the script's thread with the GIL held. For a pause, returns when the script may go on.
    // Returns false and sets error to raise RuntimeError in the script, or with interrupted = true
    // to raise KeyboardInterrupt.
    virtual bool snapshot(const std::string& label, bool pause, std::string& error, bool& interrupted) = 0;
};

// Registers the module; must run before the interpreter starts (Interpreter does it).
void registerScriptModule();

// The hooks the module calls; null (the default) makes its functions raise RuntimeError.
void setScriptHooks(ScriptHooks* hooks);

} // namespace leakscope::capture
