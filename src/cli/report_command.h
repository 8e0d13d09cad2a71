#pragma once

// What `report` and `attach` share to write a report in any of the formats.

#include "snapshot/analysis.h"
#include "snapshot/report.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace leakscope::cli {

// The formats --format takes, for usage errors and help texts.
inline constexpr char kReportFormatNames[] = "table, json, csv, html or md";

// The levels of referents --depth takes: 0 .. kMaxReportDepth; nullopt for anything else.
std::optional<std::size_t> parseReportDepth(std::string_view text);

// The report text: formatReport() for table, json and csv; for html and md the document with depth
// levels of referents and title (leakscope-cli's version as the generator).
std::string reportText(const HeapAnalysis& analysis, ReportFormat format, double captureSeconds, std::size_t depth,
    const std::string& title);

} // namespace leakscope::cli
