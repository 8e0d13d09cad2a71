#pragma once

#include "analysis.h"
#include "dominators.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

// Html and Markdown are the documents of report_html.h and report_markdown.h.
enum class ReportFormat { Table, Json, Csv, Html, Markdown };

// Parses "table", "json", "csv", "html" or "md" (also "markdown").
std::optional<ReportFormat> parseReportFormat(std::string_view name);

inline constexpr int kReportVersion = 1;

// Candidates in report order: suspects first, those of the types with the most suspects first (a
// leak repeats with the work that leaks); then by type name, then by address.
std::vector<ObjectIndex> reportOrder(const HeapAnalysis& analysis);

// captureSeconds: from the start of the heap walk to the finished analysis. Each report gives
// retained sizes from dominators, a DominatorTree of the analysis's snapshot; null: the report
// builds one (O(N + E), see dominators.h).
// The versioned JSON report described in docs/report-format.md.
std::string jsonReport(const HeapAnalysis& analysis, double captureSeconds, const DominatorTree* dominators = nullptr);
// One header line, then one row per candidate with the JSON report's candidate fields.
std::string csvReport(const HeapAnalysis& analysis, const DominatorTree* dominators = nullptr);
// A summary and the suspects as an aligned table for terminals, at most maxRows rows.
std::string tableReport(const HeapAnalysis& analysis, double captureSeconds, std::size_t maxRows = 200,
    const DominatorTree* dominators = nullptr);

std::string formatReport(const HeapAnalysis& analysis, ReportFormat format, double captureSeconds,
    const DominatorTree* dominators = nullptr);

// The JSON fields "objects", "gc_objects", "edges", "candidates", "suspects" of an analysis, comma-separated.
void appendJsonHeapCounts(std::string& out, const HeapAnalysis& analysis);

// One candidate as every report writes it, for other reports that list candidates (the diff's new
// suspects). JSON: the candidate object's fields without its braces, so a caller may add its own;
// with dominators, "retained_size" follows "size".
void appendJsonCandidateFields(
    std::string& out, const HeapAnalysis& analysis, ObjectIndex i, const DominatorTree* dominators = nullptr);
// CSV: the header and one candidate's fields, neither with a line end, without retained_size: the
// report's CSV appends that column after these (csvReport), so that these keep their positions.
std::string_view csvCandidateHeader();
void appendCsvCandidateFields(std::string& out, const HeapAnalysis& analysis, ObjectIndex i);
// Table: the header and one row, neither with a line end; with retained (dominators), a RETAINED
// column follows SIZE.
std::string tableCandidateHeader(bool retained = false);
std::string tableCandidateRow(const HeapAnalysis& analysis, ObjectIndex i, const DominatorTree* dominators = nullptr);
// A table cell: control characters shown as '?', elided or padded to width code points.
std::string tableCell(std::string_view text, std::size_t width, bool right = false);

} // namespace leakscope
