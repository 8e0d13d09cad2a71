#pragma once

// A SnapshotDiff written out as a table for terminals, as versioned JSON or as CSV; the formats are
// described in docs/diff.md.

#include "report.h"
#include "snapshot_diff.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace leakscope {

inline constexpr int kDiffReportVersion = 1;

enum DiffSection : unsigned {
    DiffTypes = 1 << 0,
    DiffNewSuspects = 1 << 1,
    DiffSurplusGrowth = 1 << 2,
    // Growth that objects recording no references may account for (SnapshotDiff::discountedGrowth()):
    // no evidence, so only on request.
    DiffDiscountedGrowth = 1 << 3,
    DiffAllSections = DiffTypes | DiffNewSuspects | DiffSurplusGrowth,
};

// "types", "new-suspects", "surplus-growth" or "discounted-growth".
std::optional<DiffSection> parseDiffSection(std::string_view name);

struct DiffReportOptions
{
    std::string nameA = "A"; // how the report names the snapshots: their files, usually
    std::string nameB = "B";
    std::size_t limit = 0;       // at most this many rows per section; 0: all of them
    bool unchangedTypes = false; // list the types whose counts and bytes did not change too
    unsigned sections = DiffAllSections;
};

// Rows of a table: types without the unchanged ones unless asked, then options.limit.
std::string jsonDiffReport(const SnapshotDiff& diff, const DiffReportOptions& options);
// With one section, one header line and its rows; with several, each section after a "# NAME" line,
// sections separated by an empty line.
std::string csvDiffReport(const SnapshotDiff& diff, const DiffReportOptions& options);
std::string tableDiffReport(const SnapshotDiff& diff, const DiffReportOptions& options);

std::string formatDiffReport(const SnapshotDiff& diff, ReportFormat format, const DiffReportOptions& options);

} // namespace leakscope
