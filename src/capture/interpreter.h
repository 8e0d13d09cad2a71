#pragma once

// Python-free interface to the embedded interpreter.

#include "snapshot/tracemalloc_option.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace leakscope::capture {

class InterpreterError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct InterpreterOptions
{
    // sys.argv; argv[0] is the script path as the user gave it ("" when no script runs), or "-m" when a
    // module runs (the constructor puts it there, as python3 -m does; runMainModule() then makes it the
    // module's file).
    std::vector<std::string> argv;
    // As python3 -m MODULE: runMain() runs this module rather than the script argv[0]. Empty: a script.
    std::string module;
    bool installSignalHandlers = true; // SIGINT raises KeyboardInterrupt, as in python3
    bool unbufferedStdio = false;      // as python3 -u: output reaches a pipe as it is written
    // As python3 -X tracemalloc=N: trace allocations from the start, keeping N frames; 0: don't (unless
    // PYTHONTRACEMALLOC says so, as it does for python3).
    unsigned tracemallocDepth = 0;
    // Record the native (C) call stack of every object-domain allocation, keeping this many frames
    // (--native-traces=N); 0: don't. The recorder is installed before the interpreter allocates.
    unsigned nativeTraceDepth = 0;
    // As python3 -I: ignore the PYTHON* variables and the user's site-packages, and leave the script's
    // folder off sys.path.
    bool isolated = false;
    // As python3 -E: ignore the PYTHON* variables (PYTHONPATH, PYTHONHOME, PYTHONWARNINGS...).
    bool ignoreEnvironment = false;
};


struct ScriptOutcome
{
    enum class Kind {
        Completed,  // ran to its end
        Raised,     // an uncaught exception; its traceback went to stderr
        Exited,     // sys.exit()
        Interrupted,// an uncaught KeyboardInterrupt
        NotRun,     // missing, unreadable or not compilable, or no such module: see message
    };
    Kind kind = Kind::NotRun;
    // What python3 SCRIPT (or python3 -m MODULE) would return. NotRun: 2 for a script; 1 for a module
    // that cannot be found, as python3 -m gives.
    int exitCode = 0;
    std::string message; // NotRun: one line saying why; Raised, Interrupted: the traceback
    // NotRun because the script does not compile: the error as python3 prints it, in traceback form
    // with the file, the line, the source line and a caret under the fault. Empty otherwise.
    std::string compileError;
};

// The process's CPython, configured as /usr/bin/python3 configures itself for `python3 SCRIPT` in the
// same environment: the PYTHON* variables (PYTHONPATH, PYTHONWARNINGS, PYTHONSAFEPATH, PYTHONHASHSEED...)
// and the user's site-packages count, the locale chooses the text encoding, sys.executable is the
// real interpreter; InterpreterOptions::isolated and ignoreEnvironment are python3's -I and -E. The one
// exception is a PYTHONHOME that is not this interpreter's prefix: another build's standard library
// and extension modules cannot run on this libpython, so it is ignored, with a line on stderr.
// One per process. The constructor returns holding the GIL. Scripts can `import leakscope`
// (script_module.h).
class Interpreter
{
public:
    explicit Interpreter(const InterpreterOptions& options); // throws InterpreterError
    ~Interpreter();
    Interpreter(const Interpreter&) = delete;
    Interpreter& operator=(const Interpreter&) = delete;

    // Runs the script argv[0] as __main__ the way `python3 SCRIPT ARGS` does: its real directory first
    // on sys.path (unless sys.flags.safe_path), __file__ absolute, tracebacks to stderr, sys.exit()
    // honoured without leaving the process. Waits for the script's non-daemon threads, as python3 does
    // before exiting.
    ScriptOutcome runMainScript();

    // Runs the module InterpreterOptions::module as __main__ the way `python3 -m MODULE ARGS` does
    // (runpy's _run_module_as_main): the working directory first on sys.path (unless
    // sys.flags.safe_path), sys.argv[0] the module's file, a package's __main__ submodule run. A
    // module that cannot be found is NotRun with exit status 1 and message "No module named X" (the
    // text python3 prints after its own path); an error raised while importing or running it is
    // Raised, its traceback on stderr, as python3 does. Waits for non-daemon threads as
    // runMainScript() does.
    ScriptOutcome runMainModule();

    // runMainModule() when a module was given, else runMainScript().
    ScriptOutcome runMain();

    // Executes source in __main__'s namespace; false and the error text when it raises.
    bool runSource(const std::string& source, std::string* error = nullptr);

    // gc.collect(); returns the number of unreachable objects found.
    long collectGarbage();

    // Flushes sys.stdout and sys.stderr so C output that follows lands after the script's.
    void flushStdio();

    // Py_FinalizeEx (atexit handlers run); returns 120 when flushing stdio failed, like python3.
    int finalize();

private:
    bool m_finalized = false;
    // As python3 -P or PYTHONSAFEPATH (or -I): the script's folder, or a module run's working
    // directory, stays off sys.path.
    bool m_safePath = false;
    std::vector<std::string> m_argv;
    std::string m_module;
};

} // namespace leakscope::capture
