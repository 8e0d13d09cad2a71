#pragma once

#include "snapshot/snapshot.h"

#include <cstddef>

namespace leakscope::bench {

// A snapshot of `candidates` unreferenced gc objects of 20 types with ~40-character reprs, a third of
// them explained: what the benchmarks time the models and the window on.
SnapshotPtr syntheticSnapshot(std::size_t candidates);

// A snapshot of `objects` objects of 21 types in threes: an unreferenced gc object (a candidate, a
// third of them explained) that refers to a gc object and to an untracked one. One referenced object
// in fifty has references no referrer accounts for (a surplus of 1 to 3), one untracked object in a
// thousand has a 3.11 static object's refcount; reprs as syntheticSnapshot()'s. What the benchmarks
// time All objects on.
SnapshotPtr syntheticObjectGraph(std::size_t objects);

} // namespace leakscope::bench
