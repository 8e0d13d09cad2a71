#pragma once

#include "analysis.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

enum class ReportFormat { Table, Json, Csv };

// Parses "table", "json" or "csv".
std::optional<ReportFormat> parseReportFormat(std::string_view name);

inline constexpr int kReportVersion = 1;

// Candidates in report order: suspects first, those of the types with the most suspects first (a
// leak repeats with the work that leaks); then by type name, then by address.
std::vector<ObjectIndex> reportOrder(const HeapAnalysis& analysis);

// captureSeconds: from the start of the heap walk to the finished analysis.
// The versioned JSON report described in docs/report-format.md.
std::string jsonReport(const HeapAnalysis& analysis, double captureSeconds);
// One header line, then one row per candidate with the JSON report's candidate fields.
std::string csvReport(const HeapAnalysis& analysis);
// A summary and the suspects as an aligned table for terminals, at most maxRows rows.
std::string tableReport(const HeapAnalysis& analysis, double captureSeconds, std::size_t maxRows = 200);

std::string formatReport(const HeapAnalysis& analysis, ReportFormat format, double captureSeconds);

} // namespace leakscope
