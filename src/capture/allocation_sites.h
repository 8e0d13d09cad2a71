#pragma once

#include <Python.h>

#include "snapshot/snapshot.h"

#include <cstdint>
#include <vector>

namespace leakscope::capture {

// Frames tracemalloc keeps per allocation, or 0 when it is not tracing.
unsigned tracemallocDepth();

// Records where each candidate was allocated (allocOwners, allocOffsets, allocFrames), innermost frame
// first, when tracemalloc traced its allocation: for an object created by C code, the Python line that
// called into C. Runs after the heap walk, once the snapshot's contents are fixed: unlike the walk it
// allocates Python objects (tracemalloc answers with tuples), so the collector is paused meanwhile and
// nothing reads an object that a collection could have freed. Leaves no Python error set.
// blocks: allocationBlocks() of the candidates, read before any Python code ran (which may free an
// untracked orphan, such as a name the type attribute cache drops).
void recordAllocationSites(SnapshotColumns& columns, StringPoolBuilder& strings,
                           const std::vector<ObjectIndex>& candidates, const std::vector<std::uintptr_t>& blocks);

// Where each candidate's memory block starts (before its gc header), as tracemalloc keys it: read while
// every candidate is alive, before the first Python call.
std::vector<std::uintptr_t> allocationBlocks(const SnapshotColumns& columns, const std::vector<ObjectIndex>& candidates);

} // namespace leakscope::capture
