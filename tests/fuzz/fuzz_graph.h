#pragma once

// Small snapshots built straight into columns, without Qt, for the fuzz targets and their seeds.

#include "snapshot/snapshot.h"

#include <string>
#include <vector>

namespace leakscope::fuzz {

struct GraphObject
{
    std::string type;        // "module.qualname"
    std::string repr;        // empty: the default "<module.Type at 0x…>"
    std::string explanation; // the explanation's kind; empty: none
    std::vector<ObjectIndex> edges;
    bool gc = true;
};

// Consistent columns for objects (edges must name objects of the list).
SnapshotColumns graphColumns(const std::vector<GraphObject>& objects);

// A small snapshot using every feature the encoding carries: large sizes and refcounts, labelled,
// duplicate and self edges, untracked objects and orphans, allocation tracebacks, native stacks with
// folded and inlined frames, type origins, explanations with holders, non-ASCII text.
SnapshotColumns featureColumns();

} // namespace leakscope::fuzz
