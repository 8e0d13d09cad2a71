#pragma once

#include <Python.h>

#include "snapshot/snapshot.h"

#include <vector>

namespace leakscope::capture {

// Frames tracemalloc keeps per allocation, or 0 when it is not tracing.
unsigned tracemallocDepth();

// Records where each candidate was allocated (allocOwners, allocOffsets, allocFrames), innermost frame
// first, when tracemalloc traced its allocation: for an object created by C code, the Python line that
// called into C. Runs after the heap walk, once the snapshot's contents are fixed: unlike the walk it
// allocates Python objects (tracemalloc answers with tuples), so the collector is paused meanwhile and
// nothing reads an object that a collection could have freed. Leaves no Python error set.
void recordAllocationSites(SnapshotColumns& columns, StringPoolBuilder& strings,
                           const std::vector<ObjectIndex>& candidates, PyObject* const* listed);

} // namespace leakscope::capture
