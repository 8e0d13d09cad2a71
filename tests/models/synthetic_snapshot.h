#pragma once

#include "snapshot/snapshot.h"

#include <cstddef>

namespace leakscope::bench {

// A snapshot of `candidates` unreferenced gc objects of 20 types with ~40-character reprs, a third of
// them explained: what the benchmarks time the models and the window on.
SnapshotPtr syntheticSnapshot(std::size_t candidates);

} // namespace leakscope::bench
