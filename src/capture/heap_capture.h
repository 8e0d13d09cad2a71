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

struct CaptureOptions
{
    std::string label;
};

// Facts about the capture itself, for tests and diagnostics.
struct CaptureDiagnostics
{
    std::vector<std::uint64_t> ownObjects; // addresses of objects the capture created to walk the heap
    double listSeconds = 0;    // gc.get_objects() and tagging the gc headers
    double walkSeconds = 0;    // gc objects: columns, reprs and tp_traverse
    double outsideSeconds = 0; // untracked referents: columns and reprs
    double buildSeconds = 0;   // restoring headers, releasing the list, the Snapshot itself
};

// Captures the calling interpreter's heap: every gc-tracked object plus the untracked objects they
// refer to directly. The caller must hold the GIL. Runs no Python code and allocates no Python
// object while walking; the capture's own object list is neither reported nor counted in refcounts.
// Throws CaptureError when the interpreter cannot list its objects.
SnapshotPtr captureHeap(const CaptureOptions& options = {}, CaptureDiagnostics* diagnostics = nullptr);

// "3.11.2": the running interpreter's version.
std::string pythonVersion();

} // namespace leakscope::capture
