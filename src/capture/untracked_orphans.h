#pragma once

#include <Python.h>

#include "native_trace_source.h"
#include "type_table.h"

#include "snapshot/snapshot.h"

#include <cstddef>
#include <vector>

namespace leakscope::capture {

// What finding the untracked orphans cost and found, for diagnostics and tests.
struct OrphanCensus
{
    std::size_t allocations = 0;   // live object-domain allocations the recorder knows
    std::size_t objects = 0;       // of those, objects (a known type, a plausible refcount)
    std::size_t outside = 0;       // objects that are not in the snapshot
    std::size_t orphans = 0;       // outside objects no memory or traverse refers to: appended
    std::size_t scannedBytes = 0;  // memory read looking for references to them
};

// The technique sees gc-tracked objects only: a leaked str, bytes or int, or a tuple or dict the
// collector stopped tracking because it holds atoms only, is in no collector list and so never a
// candidate. With native traces every live object-domain allocation is known, and this finds the
// objects among them that nothing refers to:
//
// 1. An allocation is an object when, at the offset its type's pre-header puts the object (0 for a
//    type without gc, 16 for a gc type, 32 for a gc type with a managed dict), it holds a refcount of
//    at least 1 and a pointer to a type of the snapshot (a row's type, or a row that is a type), whose
//    basic size fits the allocation, and, for a gc type, a gc header that is not in a collector list
//    (tracked objects are all in the snapshot). Buffers of the object domain that are not objects
//    (dict key tables, raw PyObject_Malloc memory) fail those tests: a key table starts with its own
//    refcount and then sizes and a version, not a type pointer. Objects on the free lists (floats,
//    tuples, lists, dicts kept for reuse) have a refcount of 0.
// 2. Objects already in the snapshot are skipped.
// 3. The rest are orphans unless something refers to them: any aligned word of any live object-domain
//    allocation other than their own (object structs, dict key tables, code objects, tuple items:
//    a conservative scan), or the tp_traverse of an untracked gc object (a tuple or dict of atoms,
//    whose values may live in a buffer of the other domain).
//
// The orphans are appended as rows after every other one (flag UntrackedOrphan, size, refcount, type,
// structural repr, no referents) and returned, in row order. Reads memory only and calls tp_traverse
// on objects whose type supports it: no Python code runs, no Python object is allocated. Call with the
// GIL held, after the columns' reprs are merged and before candidates are explained.
std::vector<ObjectIndex> appendUntrackedOrphans(SnapshotColumns& columns, TypeTable& types,
                                                const NativeTraceSource& traces, OrphanCensus* census = nullptr);

} // namespace leakscope::capture
