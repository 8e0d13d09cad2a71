#pragma once

// Python-free interface to the heap capture, so callers need not include Python.h.

#include "snapshot/snapshot.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace leakscope::capture {

class CaptureError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct Baseline;
class NativeTraceSource;

struct CaptureOptions
{
    std::string label;
    // Candidates of a capture taken before the script started; those still present are explained
    // as interpreter start-up. Null: no such explanation.
    const Baseline* baseline = nullptr;
    // Told at each phase how far the capture is (0..1000) and what it does, on the capturing thread.
    std::function<void(unsigned permille, const char* phase)> progress;
    // Resolve each type's library, symbol and source line (once per type per process).
    bool resolveOrigins = true;
    // When tracemalloc traces the program, record each candidate's allocation traceback. This runs
    // after the walk and allocates Python objects then (tracemalloc's answers).
    bool allocationSites = true;
    // The native allocation stacks recorded while the program ran (NativeTraceRecorder::instance()),
    // or null: live allocations no object refers to become candidates of their own (untracked orphans),
    // and, when origins are resolved, each candidate's creating C stack is recorded, symbolised. A
    // baseline capture should pass it too, so the orphans the interpreter starts with are explained.
    const NativeTraceSource* nativeTraces = nullptr;
};

// Facts about the capture itself, for tests and diagnostics.
struct CaptureDiagnostics
{
    double listSeconds = 0;    // reading the collector's lists and tagging the gc headers
    double walkSeconds = 0;    // tp_traverse of every listed object, restoring the headers, numbering referents
    double outsideSeconds = 0; // waiting for the helpers' reprs and sizes, merging them, explaining candidates
    double originSeconds = 0;  // resolving the types' origins (libraries, symbols, debug information)
    double allocationSeconds = 0; // asking tracemalloc where candidates were allocated
    double buildSeconds = 0;   // releasing the list, validating and building the Snapshot
    // With native traces: finding the untracked orphans (part of outsideSeconds), how many there were
    // among how many live allocations, and symbolising the candidates' stacks (part of originSeconds).
    double orphanSeconds = 0;
    std::size_t untrackedOrphans = 0;
    std::size_t allocationsSeen = 0;
    double nativeStackSeconds = 0;
    // Page faults of the whole process (helper threads included) in the same phases, and the
    // processor seconds of all its threads during the capture: counters that, unlike seconds, a
    // busy machine does not skew. A page fault is the first touch of a fresh page of memory.
    std::uint64_t listFaults = 0;
    std::uint64_t walkFaults = 0;
    std::uint64_t outsideFaults = 0;
    std::uint64_t originFaults = 0;
    std::uint64_t allocationFaults = 0;
    std::uint64_t buildFaults = 0;
    double processorSeconds = 0;

    std::uint64_t pageFaults() const
    {
        return listFaults + walkFaults + outsideFaults + originFaults + allocationFaults + buildFaults;
    }
};

// The process's page faults so far (minor and major, every thread) and the processor seconds its
// threads have used: for measuring a capture, or anything else, by counters.
struct ProcessCounters
{
    std::uint64_t pageFaults = 0;
    double processorSeconds = 0;

    static ProcessCounters now();
};

// For a capture taken only for baselineOf(): no origins, no allocation sites, which it does not use.
// nativeTraces: the recorder when the program runs with native traces, so the baseline holds the
// untracked orphans the interpreter starts with.
inline CaptureOptions baselineCaptureOptions(const NativeTraceSource* nativeTraces = nullptr)
{
    CaptureOptions options;
    options.nativeTraces = nativeTraces;
    options.resolveOrigins = false;
    options.allocationSites = false;
    return options;
}

// Captures the calling interpreter's heap: every gc-tracked object (the collector's generations and
// its permanent generation) plus the untracked objects they refer to directly. The caller must hold
// the GIL. Runs no Python code, creates no Python object and takes no reference, so the heap it
// reports is exactly the program's. Throws CaptureError when the heap is too large for a snapshot.
SnapshotPtr captureHeap(const CaptureOptions& options = {}, CaptureDiagnostics* diagnostics = nullptr);

// "3.11.2": the running interpreter's version.
std::string pythonVersion();

} // namespace leakscope::capture
