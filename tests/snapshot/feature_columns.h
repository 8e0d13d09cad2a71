#pragma once

// A small snapshot that uses every feature the encoding carries, and a column-by-column comparison:
// the round trips of the codec and of snapshot files share them.

#include "snapshot/snapshot.h"

namespace leakscope::test {

SnapshotColumns featureColumns();

// QCOMPARE on every column, the type and explanation records, the string pool and the info; a caller
// checks QTest::currentTestFailed() when it goes on afterwards.
void compareColumns(const SnapshotColumns& a, const SnapshotColumns& b);

} // namespace leakscope::test
