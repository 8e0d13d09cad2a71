#pragma once

#include <string>
#include <vector>

namespace leakscope::host {

struct HostOptions
{
    std::string socketPath;        // the GUI side's listening socket
    std::string token;             // proves to the GUI side that this host is the one it started
    // The script and its arguments; with a module, "-m" and the module's arguments.
    std::vector<std::string> argv;
    std::string module; // -m MODULE: run this module as python3 -m does, rather than a script
    // As python3 -X tracemalloc=N: trace allocations from the interpreter's start, keeping this many
    // frames (1 to kMaxTracemallocDepth), so snapshots carry candidates' allocation sites;
    // 0: don't.
    unsigned tracemallocDepth = 0;
    // Record the native (C) stack of every object allocation from the interpreter's start, keeping
    // this many frames (1 to kMaxNativeTraceDepth), so snapshots name the C code that created each
    // candidate; 0: don't.
    unsigned nativeTraceDepth = 0;
    bool isolated = false;          // as python3 -I
    bool ignoreEnvironment = false; // as python3 -E
};

// Runs leakscope-host: starts the interpreter, connects and shakes hands, then serves the GUI side's
// requests until it says Terminate or goes away. The script runs on this (the main) thread when Run
// arrives; snapshots and descriptions requested meanwhile take the GIL from a worker thread, so the
// script pauses between two bytecodes while they run. Returns the process's exit status when it
// cannot connect; otherwise the process ends from the reader thread.
int runHost(const HostOptions& options);

} // namespace leakscope::host
