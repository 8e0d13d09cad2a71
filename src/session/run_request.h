#pragma once

#include "snapshot/native_traces_option.h"
#include "snapshot/tracemalloc_option.h"
#include "target/host_process_target.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

namespace leakscope {

// What the user asks to run: a script with its arguments and how its interpreter is set up. The
// session starts a target for it; File ▸ Run Script… and the command line fill it in.
struct RunRequest
{
    // The --tracemalloc constants as the ints spin boxes and settings use.
    static constexpr int kDefaultTracemallocDepth = static_cast<int>(leakscope::kDefaultTracemallocDepth);
    static constexpr int kMaxTracemallocDepth = static_cast<int>(leakscope::kMaxTracemallocDepth);
    // The --native-traces constants, likewise.
    static constexpr int kDefaultNativeTraceDepth = static_cast<int>(leakscope::kDefaultNativeTraceDepth);
    static constexpr int kMaxNativeTraceDepth = static_cast<int>(leakscope::kMaxNativeTraceDepth);

    QString script; // the script's path, or with module set the module's name
    // Run script as a module, as python3 -m script does: sys.path[0] is then the working directory.
    bool module = false;
    QStringList arguments;
    QString workingDirectory; // empty: the script's folder; for a module, the application's own
    // Trace allocations from the interpreter's start (as python3 -X tracemalloc=DEPTH), so that
    // snapshots say where each candidate was allocated. The depth is kept while tracking is off.
    bool trackAllocations = false;
    int tracemallocDepth = kDefaultTracemallocDepth; // frames kept, 1 to kMaxTracemallocDepth
    // Record the native (C) call stack of every object allocation from the interpreter's start (as
    // --native-traces=DEPTH), so that snapshots name the C code that created each candidate. On its
    // own or with trackAllocations; the depth is kept while it is off.
    bool nativeTraces = false;
    int nativeTraceDepth = kDefaultNativeTraceDepth; // frames kept, 1 to kMaxNativeTraceDepth
    // The interpreter sees the environment as python3 does, unless isolated (python3 -I: no PYTHON*
    // variables, no user site-packages, no script folder on sys.path) or ignoreEnvironment (-E).
    bool isolated = false;
    bool ignoreEnvironment = false;

    // The depth to trace with: 0 when tracking is off, else tracemallocDepth clamped to 1..max.
    unsigned effectiveTracemallocDepth() const;
    // The depth to record C stacks with: 0 when nativeTraces is off, else nativeTraceDepth clamped to
    // 1..max.
    unsigned effectiveNativeTraceDepth() const;
};

// How leakscope-host runs request: its script or module, arguments, working directory (the script's
// folder when none is given; for a module, this application's), allocation tracking, C allocation
// stacks and -I / -E.
// program empty: the host next to this application.
HostLaunch hostLaunchFor(const RunRequest& request, const QString& program = {});

// Takes the --tracemalloc[=DEPTH] options out of a command line (program name first) and sets
// request's allocation tracking from the last one: DEPTH frames, or the default depth without "=".
// Only options before the script are read: what follows the script, or "--", is the script's. False,
// with error set, when a DEPTH is not a whole number from 1 to RunRequest::kMaxTracemallocDepth.
bool takeTracemallocOption(QStringList& arguments, RunRequest& request, QString* error);

// The same for --native-traces[=DEPTH]: sets request's nativeTraces and nativeTraceDepth from the
// last one before the script. False, with error set, when a DEPTH is not a whole number from 1 to
// RunRequest::kMaxNativeTraceDepth.
bool takeNativeTracesOption(QStringList& arguments, RunRequest& request, QString* error);

// Takes "-m MODULE" (or "-mMODULE") out of a command line (program name first) when it comes before
// any script: request runs that module, and every argument after the name becomes the module's,
// taken out too. optionsWithValue are the program's options whose value is the next argument, so a
// value is not taken for the script. False, with error set, when -m has no module name.
bool takeModuleOption(
    QStringList& arguments, RunRequest& request, const QStringList& optionsWithValue, QString* error);

// What the output says as request starts: the script, its arguments and the run's options.
QString describeRun(const RunRequest& request);

} // namespace leakscope
