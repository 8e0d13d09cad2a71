#include "report.h"

#include "text.h"

#include <algorithm>
#include <cstdio>

namespace leakscope {

namespace {

void appendNumber(std::string& out, double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", value);
    out += buffer;
}

template<typename Integer>
void appendField(std::string& out, const char* key, Integer value)
{
    out += '"';
    out += key;
    out += "\": ";
    out += std::to_string(value);
}

void appendStringField(std::string& out, const char* key, std::string_view value)
{
    out += '"';
    out += key;
    out += "\": ";
    appendJsonString(out, value);
}

void appendExplanation(std::string& out, const Snapshot& snapshot, ObjectIndex i)
{
    out += "\"explanation\": ";
    const ExplanationRecord* e = snapshot.explanation(i);
    if (!e) {
        out += "null";
        return;
    }
    out += '{';
    appendStringField(out, "kind", snapshot.string(e->kind));
    out += ", ";
    appendStringField(out, "detail", snapshot.string(e->detail));
    out += '}';
}

std::vector<TypeSummaryRow> typesByCount(const HeapAnalysis& analysis)
{
    auto rows = analysis.typeSummary();
    const Snapshot& s = analysis.snapshot();
    std::sort(rows.begin(), rows.end(), [&](const TypeSummaryRow& a, const TypeSummaryRow& b) {
        if (a.count != b.count)
            return a.count > b.count;
        return s.typeName(a.type) < s.typeName(b.type);
    });
    return rows;
}

std::string padded(std::string_view text, std::size_t width, bool right = false)
{
    std::string cell = elideUtf8(text, width);
    std::size_t length = utf8Length(cell);
    std::string pad(width > length ? width - length : 0, ' ');
    return right ? pad + cell : cell + pad;
}

} // namespace

std::optional<ReportFormat> parseReportFormat(std::string_view name)
{
    if (name == "table")
        return ReportFormat::Table;
    if (name == "json")
        return ReportFormat::Json;
    if (name == "csv")
        return ReportFormat::Csv;
    return std::nullopt;
}

std::vector<ObjectIndex> reportOrder(const HeapAnalysis& analysis)
{
    const Snapshot& s = analysis.snapshot();
    std::vector<ObjectIndex> order = analysis.candidates();
    std::sort(order.begin(), order.end(), [&](ObjectIndex a, ObjectIndex b) {
        const bool suspectA = analysis.isSuspect(a), suspectB = analysis.isSuspect(b);
        if (suspectA != suspectB)
            return suspectA;
        if (s.typeOf(a) != s.typeOf(b)) {
            auto nameA = s.typeNameOf(a), nameB = s.typeNameOf(b);
            if (nameA != nameB)
                return nameA < nameB;
        }
        return s.address(a) < s.address(b);
    });
    return order;
}

std::string jsonReport(const HeapAnalysis& analysis, double captureSeconds)
{
    const Snapshot& s = analysis.snapshot();
    std::string out;
    out.reserve(256 + analysis.candidates().size() * 256);
    out += "{\"format\": \"leakscope-report\", ";
    appendField(out, "version", kReportVersion);
    out += ", ";
    appendStringField(out, "python", s.info().pythonVersion);
    out += ",\n \"summary\": {";
    appendField(out, "objects", s.objectCount());
    out += ", ";
    appendField(out, "gc_objects", s.gcObjectCount());
    out += ", ";
    appendField(out, "edges", s.edgeCount());
    out += ", ";
    appendField(out, "candidates", analysis.candidates().size());
    out += ", ";
    appendField(out, "suspects", analysis.suspectCount());
    out += ", \"capture_seconds\": ";
    appendNumber(out, captureSeconds);
    out += "},\n \"types\": [";
    bool first = true;
    for (const TypeSummaryRow& row : typesByCount(analysis)) {
        out += first ? "\n  {" : ",\n  {";
        first = false;
        appendStringField(out, "type", s.typeName(row.type));
        out += ", ";
        appendField(out, "count", row.count);
        out += ", ";
        appendField(out, "bytes", row.bytes);
        out += ", ";
        appendField(out, "candidates", row.candidates);
        out += '}';
    }
    out += "],\n \"candidates\": [";
    first = true;
    for (ObjectIndex i : reportOrder(analysis)) {
        out += first ? "\n  {" : ",\n  {";
        first = false;
        appendStringField(out, "address", formatAddress(s.address(i)));
        out += ", ";
        appendStringField(out, "type", s.typeNameOf(i));
        out += ", ";
        appendField(out, "size", s.size(i));
        out += ", ";
        appendField(out, "refcount", s.refcount(i));
        out += ", ";
        appendField(out, "referrers", analysis.referrerCount(i));
        out += ", ";
        appendField(out, "surplus", analysis.surplus(i));
        out += ", ";
        appendField(out, "referents", s.referents(i).size());
        out += ", \"suspect\": ";
        out += analysis.isSuspect(i) ? "true" : "false";
        out += ", ";
        appendExplanation(out, s, i);
        out += ", ";
        appendStringField(out, "repr", s.repr(i));
        out += '}';
    }
    out += "]}\n";
    return out;
}

std::string csvReport(const HeapAnalysis& analysis)
{
    const Snapshot& s = analysis.snapshot();
    std::string out = "address,type,size,refcount,referrers,surplus,referents,suspect,explanation_kind,"
                      "explanation_detail,repr\n";
    for (ObjectIndex i : reportOrder(analysis)) {
        const ExplanationRecord* e = s.explanation(i);
        out += formatAddress(s.address(i));
        out += ',';
        appendCsvField(out, s.typeNameOf(i));
        out += ',' + std::to_string(s.size(i)) + ',' + std::to_string(s.refcount(i)) + ','
            + std::to_string(analysis.referrerCount(i)) + ',' + std::to_string(analysis.surplus(i)) + ','
            + std::to_string(s.referents(i).size()) + ',' + (analysis.isSuspect(i) ? "true" : "false") + ',';
        appendCsvField(out, e ? s.string(e->kind) : std::string_view());
        out += ',';
        appendCsvField(out, e ? s.string(e->detail) : std::string_view());
        out += ',';
        appendCsvField(out, s.repr(i));
        out += '\n';
    }
    return out;
}

std::string tableReport(const HeapAnalysis& analysis, double captureSeconds, std::size_t maxRows)
{
    const Snapshot& s = analysis.snapshot();
    char line[256];
    std::snprintf(line, sizeof line,
                  "Python %s: %zu objects (%zu gc-tracked), %zu references, captured in %.3f s\n"
                  "%zu leak candidates, %zu suspects (candidates no explanation covers)\n",
                  s.info().pythonVersion.c_str(), s.objectCount(), s.gcObjectCount(), s.edgeCount(),
                  captureSeconds, analysis.candidates().size(), analysis.suspectCount());
    std::string out = line;
    if (analysis.suspectCount() == 0)
        return out;
    out += '\n';
    out += padded("ADDRESS", 16) + "  " + padded("TYPE", 28) + "  " + padded("SIZE", 7, true) + "  "
        + padded("REFS", 5, true) + "  " + padded("SURPLUS", 7, true) + "  REPR\n";
    std::size_t shown = 0;
    for (ObjectIndex i : reportOrder(analysis)) {
        if (!analysis.isSuspect(i))
            break; // report order puts suspects first
        if (shown++ == maxRows) {
            out += "… " + std::to_string(analysis.suspectCount() - maxRows)
                + " more suspects (use --format json or csv for all)\n";
            break;
        }
        out += padded(formatAddress(s.address(i)), 16) + "  " + padded(s.typeNameOf(i), 28) + "  "
            + padded(std::to_string(s.size(i)), 7, true) + "  " + padded(std::to_string(s.refcount(i)), 5, true)
            + "  " + padded(std::to_string(analysis.surplus(i)), 7, true) + "  " + elideUtf8(s.repr(i), 80)
            + '\n';
    }
    return out;
}

std::string formatReport(const HeapAnalysis& analysis, ReportFormat format, double captureSeconds)
{
    switch (format) {
    case ReportFormat::Json: return jsonReport(analysis, captureSeconds);
    case ReportFormat::Csv: return csvReport(analysis);
    case ReportFormat::Table: break;
    }
    return tableReport(analysis, captureSeconds);
}

} // namespace leakscope
