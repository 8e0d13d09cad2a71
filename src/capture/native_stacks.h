#pragma once

#include <Python.h>

#include "native_trace_source.h"

#include "snapshot/snapshot.h"

#include <vector>

namespace leakscope::capture {

// Records the native stack that allocated each candidate (nativeOwners, nativeStackOf, the stack and
// frame tables), symbolised through OriginResolver: each return address becomes the functions inlined
// at the call and the function it belongs to, with library, file and line. Each distinct stack and
// each distinct address is described once. A stack's innermost frames that are the interpreter's own
// allocation machinery are counted in nativeStackFolded: the frames of libpython before the first one
// outside it or in its evaluation loop, so that an object an extension asked for shows that
// extension's function first, and one made by Python code the eval loop.
// objects: snapshot index -> the live object (rows the capture still holds the addresses of).
// Reads memory and debug information only; no Python code runs. Call with the GIL held.
void recordNativeStacks(SnapshotColumns& columns, StringPoolBuilder& strings,
                        const std::vector<ObjectIndex>& candidates, const NativeTraceSource& traces);

} // namespace leakscope::capture
