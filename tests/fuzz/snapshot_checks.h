#pragma once

// What the snapshot targets do with a snapshot that decoded: everything the CLI and the GUI do with a
// file they loaded, since Snapshot::validate is all that stands between a hostile file and them.

#include "snapshot/snapshot.h"

namespace leakscope::fuzz {

// Reads every object's facts, runs the analyses, the reports and the exports, and diffs the snapshot
// with itself and with a fixed one. Aborts on a broken promise; a crash is the sanitizers' to report.
void exerciseSnapshot(const SnapshotPtr& snapshot);

// encodeSnapshot() of a decoded snapshot decodes again, to the same encoding.
void checkRoundTrip(const Snapshot& snapshot);

} // namespace leakscope::fuzz
