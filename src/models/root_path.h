#pragma once

#include "analyzed_snapshot.h"

#include <QtCore/QString>

#include <cstddef>
#include <vector>

namespace leakscope {

// The answer to "why is this object alive?" as far as the snapshot can tell: chains of references
// from a root down to the target. A root is an object nothing in the snapshot refers to (a leak
// candidate, or an untracked object no listed object refers to); whatever holds a root is outside the
// snapshot: the interpreter, C code, or a leak.
struct RootPaths
{
    enum Status {
        Found,          // paths holds at least one path
        TargetIsRoot,   // nothing refers to the target: it is a root itself, paths is empty
        HeldOnlyByCycle, // every chain of referrers runs into a cycle no root refers to; paths is empty
        NoSuchObject,   // the target is not an object of the snapshot
    };

    Status status = NoSuchObject;
    // Root first, target last; one path per root, shortest first (ties in referrer index order).
    std::vector<std::vector<ObjectIndex>> paths;
    QString reason; // why paths is empty, for a user; empty when status is Found
};

// The shortest paths from the maxPaths roots nearest to target, found by a breadth-first search over
// referrers starting at the target: O(N + E) time and O(N) memory in the worst case, whatever the
// cycles. A path stops at the first root it meets (a root has no referrers to go on with). maxPaths 0
// is taken as 1. The first overload builds a ReferrerIndex (O(N + E)); pass one to share it.
RootPaths rootPaths(const AnalyzedSnapshot& analyzed, ObjectIndex target, std::size_t maxPaths = 1);
RootPaths rootPaths(const AnalyzedSnapshot& analyzed, const ReferrerIndex& referrers, ObjectIndex target,
                    std::size_t maxPaths = 1);

// How step k of path is held by step k - 1, where the snapshot says: "['key']", ".attr", "[3]"; empty
// for the first step and where it does not.
QString stepEdgeText(const Snapshot& snapshot, const std::vector<ObjectIndex>& path, std::size_t k);

// One object on one line, for the clipboard: "0x7f… module.Type repr" (the repr whole).
QString objectLineText(const Snapshot& snapshot, ObjectIndex object);

// The first path of found as text, root first, one step a line (objectLineText()), each after the
// first indented and led by how the one above holds it; without a path, target's line and why there
// is none.
QString rootPathText(const AnalyzedSnapshot& analyzed, const RootPaths& found, ObjectIndex target);

} // namespace leakscope
