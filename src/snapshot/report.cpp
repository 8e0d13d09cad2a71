#include "report.h"

#include "findings.h"
#include "native_stack.h"
#include "report_html.h"
#include "report_markdown.h"

#include "text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>

namespace leakscope {

namespace {

// Locale-independent, unlike printf: a decimal comma would break the JSON.
void appendNumber(std::string& out, double value)
{
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 6);
    out.append(buffer, result.ptr);
}

// A table cell shows text from untrusted snapshots: control characters must not reach the terminal.
std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7F ? '?' : c;
    }
    return out;
}

template<typename Integer>
void appendField(std::string& out, const char* key, Integer value)
{
    out += '"';
    out += key;
    out += "\": ";
    out += std::to_string(value);
}

// The surplus as the CSV and table reports write it: "immortal" for an object whose refcount counts
// no references (HeapAnalysis::hasImmortalRefcount()).
std::string surplusText(const HeapAnalysis& analysis, ObjectIndex i)
{
    return analysis.hasImmortalRefcount(i) ? std::string("immortal") : std::to_string(analysis.surplus(i));
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

// "file:line: rule", the CSV form of a candidate's ignore rule; empty when no rule matched.
std::string ruleWithLocation(const IgnoreRule* rule)
{
    if (!rule)
        return {};
    return formatRuleLocation(rule->source, rule->line) + ": " + formatRule(*rule);
}

void appendIgnoredBy(std::string& out, const HeapAnalysis& analysis, ObjectIndex i)
{
    out += "\"ignored_by\": ";
    const IgnoreRule* rule = analysis.ignoredBy(i);
    if (!rule) {
        out += "null";
        return;
    }
    out += "{\"file\": ";
    if (rule->source.empty())
        out += "null";
    else
        appendJsonString(out, rule->source);
    out += ", ";
    appendField(out, "line", rule->line);
    out += ", ";
    appendStringField(out, "rule", formatRule(*rule));
    out += '}';
}

// A string field that is null when empty: the origin's parts are never invented.
void appendOptionalString(std::string& out, const char* key, std::string_view value)
{
    out += '"';
    out += key;
    out += "\": ";
    if (value.empty())
        out += "null";
    else
        appendJsonString(out, value);
}

void appendOrigin(std::string& out, const Snapshot& s, TypeIndex type)
{
    const TypeRecord& record = s.type(type);
    out += "\"origin\": {";
    appendOptionalString(out, "library", s.string(record.library));
    out += ", ";
    appendOptionalString(out, "symbol", s.string(record.symbol));
    out += ", ";
    appendOptionalString(out, "source", s.string(record.source));
    out += '}';
}

void appendAllocatedAt(std::string& out, const Snapshot& s, ObjectIndex i)
{
    out += "\"allocated_at\": ";
    const std::span<const AllocationFrame> frames = s.allocationSite(i);
    if (frames.empty()) {
        out += "null";
        return;
    }
    out += '[';
    for (std::size_t k = 0; k < frames.size(); ++k) {
        out += k ? ", {" : "{";
        appendStringField(out, "file", s.string(frames[k].file));
        out += ", ";
        appendField(out, "line", frames[k].line);
        if (frames[k].function != 0) {
            out += ", ";
            appendStringField(out, "function", s.string(frames[k].function));
        }
        out += '}';
    }
    out += ']';
}

// The native stack past the folded frames, and the outermost folded frame's function; null, null
// without a stack.
void appendCreatedBy(std::string& out, const Snapshot& s, ObjectIndex i)
{
    out += "\"created_by\": ";
    const NativeCreator creator = nativeCreator(s, i);
    if (!creator.hasStack) {
        out += "null, \"created_under\": null";
        return;
    }
    out += '[';
    const std::span<const std::uint32_t> frames = nativeShownFrames(s, i);
    for (std::size_t k = 0; k < frames.size(); ++k) {
        const NativeFrame& frame = s.nativeFrame(frames[k]);
        out += k ? ", {" : "{";
        appendOptionalString(out, "function", s.string(frame.function));
        out += ", ";
        appendOptionalString(out, "library", s.string(frame.library));
        out += ", ";
        appendOptionalString(out, "file", s.string(frame.file));
        out += ", \"line\": ";
        out += frame.line ? std::to_string(frame.line) : std::string("null");
        out += ", ";
        appendStringField(out, "address", formatAddress(frame.address));
        out += (frame.flags & NativeFrameInlined) ? ", \"inlined\": true}" : ", \"inlined\": false}";
    }
    out += "], ";
    appendOptionalString(out, "created_under", creator.under);
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

// The tree a report was given, or one built into storage.
const DominatorTree& dominatorsOf(const HeapAnalysis& analysis, const DominatorTree* given,
                                  std::optional<DominatorTree>& storage)
{
    return given ? *given : storage.emplace(analysis.snapshot(), analysis);
}

std::string padded(std::string_view text, std::size_t width, bool right = false)
{
    std::string cell = elideUtf8(text, width);
    std::size_t length = utf8Length(cell);
    std::string pad(width > length ? width - length : 0, ' ');
    return right ? pad + cell : cell + pad;
}

// The suspects by the C function that created them, when native traces were on.
void appendTableCreators(std::string& out, const HeapAnalysis& analysis)
{
    const Snapshot& s = analysis.snapshot();
    if (s.nativeStackCount() == 0)
        return;
    std::vector<ObjectIndex> suspects;
    for (ObjectIndex i : analysis.candidates()) {
        if (analysis.isSuspect(i))
            suspects.push_back(i);
    }
    out += "\nSuspects by the C function that created them (CREATED BY, native stacks):\n";
    for (const CreatorRow& row : creatorSummary(analysis, suspects)) {
        out += "  " + padded(std::to_string(row.suspects), 6, true) + "  ";
        if (row.frame == kNoNativeFrame)
            out += "(creator unknown: no native stack, or one inside the allocator only)";
        else
            out += printable(formatNativeFrame(s, s.nativeFrame(row.frame)));
        out += '\n';
    }
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
    if (name == "html")
        return ReportFormat::Html;
    if (name == "md" || name == "markdown")
        return ReportFormat::Markdown;
    return std::nullopt;
}

std::vector<ObjectIndex> reportOrder(const HeapAnalysis& analysis)
{
    const Snapshot& s = analysis.snapshot();
    std::vector<ObjectIndex> order = analysis.candidates();
    // A leak repeats with the work that leaks: the types with the most suspects come first.
    std::vector<std::uint32_t> suspectsOfType(s.typeCount(), 0);
    for (ObjectIndex i : order) {
        if (analysis.isSuspect(i))
            ++suspectsOfType[s.typeOf(i)];
    }
    std::sort(order.begin(), order.end(), [&](ObjectIndex a, ObjectIndex b) {
        const bool suspectA = analysis.isSuspect(a), suspectB = analysis.isSuspect(b);
        if (suspectA != suspectB)
            return suspectA;
        if (s.typeOf(a) != s.typeOf(b)) {
            if (suspectA && suspectsOfType[s.typeOf(a)] != suspectsOfType[s.typeOf(b)])
                return suspectsOfType[s.typeOf(a)] > suspectsOfType[s.typeOf(b)];
            auto nameA = s.typeNameOf(a), nameB = s.typeNameOf(b);
            if (nameA != nameB)
                return nameA < nameB;
        }
        return s.address(a) < s.address(b);
    });
    return order;
}

void appendJsonCandidateFields(
    std::string& out, const HeapAnalysis& analysis, ObjectIndex i, const DominatorTree* dominators)
{
    const Snapshot& s = analysis.snapshot();
    appendStringField(out, "address", formatAddress(s.address(i)));
    out += ", ";
    appendStringField(out, "type", s.typeNameOf(i));
    out += ", ";
    appendField(out, "size", s.size(i));
    if (dominators) {
        out += ", ";
        appendField(out, "retained_size", dominators->retainedSize(i));
    }
    out += ", ";
    appendField(out, "refcount", s.refcount(i));
    // An immortal object's refcount counts no references: it has no surplus to report.
    const bool immortal = analysis.hasImmortalRefcount(i);
    out += immortal ? ", \"immortal\": true, " : ", \"immortal\": false, ";
    appendField(out, "referrers", analysis.referrerCount(i));
    out += ", ";
    if (immortal)
        out += "\"surplus\": null";
    else
        appendField(out, "surplus", analysis.surplus(i));
    out += ", ";
    appendField(out, "referents", s.referents(i).size());
    out += ", \"suspect\": ";
    out += analysis.isSuspect(i) ? "true" : "false";
    out += ", ";
    appendExplanation(out, s, i);
    out += ", ";
    appendIgnoredBy(out, analysis, i);
    out += ", ";
    appendOrigin(out, s, s.typeOf(i));
    out += ", ";
    appendAllocatedAt(out, s, i);
    out += ", ";
    appendCreatedBy(out, s, i);
    out += ", ";
    appendStringField(out, "repr", s.repr(i));
}

void appendJsonHeapCounts(std::string& out, const HeapAnalysis& analysis)
{
    const Snapshot& s = analysis.snapshot();
    appendField(out, "objects", s.objectCount());
    out += ", ";
    appendField(out, "gc_objects", s.gcObjectCount());
    out += ", ";
    appendField(out, "edges", s.edgeCount());
    out += ", ";
    appendField(out, "candidates", analysis.candidates().size());
    out += ", ";
    appendField(out, "suspects", analysis.suspectCount());
}

std::string jsonReport(const HeapAnalysis& analysis, double captureSeconds, const DominatorTree* dominators)
{
    const Snapshot& s = analysis.snapshot();
    std::optional<DominatorTree> built;
    const DominatorTree& tree = dominatorsOf(analysis, dominators, built);
    std::string out;
    out.reserve(256 + analysis.candidates().size() * 256);
    out += "{\"format\": \"leakscope-report\", ";
    appendField(out, "version", kReportVersion);
    out += ", ";
    appendStringField(out, "python", s.info().pythonVersion);
    out += ", ";
    appendField(out, "tracemalloc_depth", s.info().tracemallocDepth);
    out += ", ";
    appendField(out, "native_trace_depth", s.info().nativeTraceDepth);
    out += ",\n \"summary\": {";
    appendJsonHeapCounts(out, analysis);
    out += ", ";
    appendField(out, "ignored", analysis.ignoredCount());
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
        appendField(out, "retained_size", tree.retainedByType()[row.type]);
        out += ", ";
        appendField(out, "candidates", row.candidates);
        out += ", ";
        appendOrigin(out, s, row.type);
        out += '}';
    }
    out += "],\n \"libraries\": [";
    first = true;
    for (const LibraryRow& row : candidatesByLibrary(analysis)) {
        out += first ? "\n  {" : ",\n  {";
        first = false;
        appendOptionalString(out, "library", s.string(row.library));
        out += ", ";
        appendField(out, "candidates", row.candidates);
        out += ", ";
        appendField(out, "suspects", row.suspects);
        out += '}';
    }
    out += "],\n \"findings\": [";
    first = true;
    for (const UntraversedField& field : untraversedFields(s)) {
        out += first ? "\n  {" : ",\n  {";
        first = false;
        appendStringField(out, "kind",
                          field.kind == ExplanationKind::CField ? "untraversed-field" : "untraversed-module-state");
        out += ", ";
        appendStringField(out, "holder_type", s.typeName(field.holderType));
        out += ", ";
        appendField(out, "offset", field.offset);
        out += ", ";
        appendField(out, "objects", field.objects);
        out += ", ";
        appendField(out, "holders", field.holders);
        out += ", ";
        appendStringField(out, "example_holder", formatAddress(s.address(field.exampleHolder)));
        out += ", ";
        appendStringField(out, "example_holder_repr", s.repr(field.exampleHolder));
        out += ", ";
        appendStringField(out, "example_object", formatAddress(s.address(field.exampleObject)));
        out += '}';
    }
    out += "],\n \"candidates\": [";
    first = true;
    for (ObjectIndex i : reportOrder(analysis)) {
        out += first ? "\n  {" : ",\n  {";
        first = false;
        appendJsonCandidateFields(out, analysis, i, &tree);
        out += '}';
    }
    out += "]}\n";
    return out;
}

std::string_view csvCandidateHeader()
{
    return "address,type,size,refcount,referrers,surplus,referents,suspect,explanation_kind,explanation_detail,"
           "repr,ignored_by";
}

void appendCsvCandidateFields(std::string& out, const HeapAnalysis& analysis, ObjectIndex i)
{
    const Snapshot& s = analysis.snapshot();
    const ExplanationRecord* e = s.explanation(i);
    out += formatAddress(s.address(i));
    out += ',';
    appendCsvField(out, s.typeNameOf(i));
    out += ',' + std::to_string(s.size(i)) + ',' + std::to_string(s.refcount(i)) + ','
        + std::to_string(analysis.referrerCount(i)) + ',' + surplusText(analysis, i) + ','
        + std::to_string(s.referents(i).size()) + ',' + (analysis.isSuspect(i) ? "true" : "false") + ',';
    appendCsvField(out, e ? s.string(e->kind) : std::string_view());
    out += ',';
    appendCsvField(out, e ? s.string(e->detail) : std::string_view());
    out += ',';
    appendCsvField(out, s.repr(i));
    out += ',';
    appendCsvField(out, ruleWithLocation(analysis.ignoredBy(i)));
}

std::string csvReport(const HeapAnalysis& analysis, const DominatorTree* dominators)
{
    std::optional<DominatorTree> built;
    const DominatorTree& tree = dominatorsOf(analysis, dominators, built);
    // retained_size comes after ignored_by, created_by after it: columns are only ever added at the end.
    const Snapshot& s = analysis.snapshot();
    std::string out(csvCandidateHeader());
    out += ",retained_size,created_by\n";
    for (ObjectIndex i : reportOrder(analysis)) {
        appendCsvCandidateFields(out, analysis, i);
        out += ',' + std::to_string(tree.retainedSize(i)) + ',';
        const NativeCreator creator = nativeCreator(s, i);
        if (creator.frame != kNoNativeFrame)
            appendCsvField(out, formatNativeFrame(s, s.nativeFrame(creator.frame)));
        out += '\n';
    }
    return out;
}

std::string tableCell(std::string_view text, std::size_t width, bool right)
{
    return padded(printable(text), width, right);
}

std::string tableCandidateHeader(bool retained)
{
    return padded("ADDRESS", 18) + "  " + padded("TYPE", 28) + "  " + padded("SIZE", 7, true) + "  "
        + (retained ? padded("RETAINED", 10, true) + "  " : std::string()) + padded("REFS", 5, true) + "  "
        + padded("SURPLUS", 8, true) + "  REPR";
}

std::string tableCandidateRow(const HeapAnalysis& analysis, ObjectIndex i, const DominatorTree* dominators)
{
    const Snapshot& s = analysis.snapshot();
    return padded(formatAddress(s.address(i)), 18) + "  " + padded(printable(s.typeNameOf(i)), 28) + "  "
        + padded(std::to_string(s.size(i)), 7, true) + "  "
        + (dominators ? padded(std::to_string(dominators->retainedSize(i)), 10, true) + "  " : std::string())
        + padded(std::to_string(s.refcount(i)), 5, true) + "  " + padded(surplusText(analysis, i), 8, true) + "  "
        + printable(elideUtf8(s.repr(i), 80));
}

std::string tableReport(
    const HeapAnalysis& analysis, double captureSeconds, std::size_t maxRows, const DominatorTree* dominators)
{
    const Snapshot& s = analysis.snapshot();
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", captureSeconds);
    std::string out = "Python " + printable(s.info().pythonVersion) + ": " + std::to_string(s.objectCount())
        + " objects (" + std::to_string(s.gcObjectCount()) + " gc-tracked), " + std::to_string(s.edgeCount())
        + " references, captured in " + seconds + " s\n" + std::to_string(analysis.candidates().size())
        + " leak candidates, " + std::to_string(analysis.suspectCount());
    if (analysis.ignoreRules()) {
        out += " suspects (candidates no explanation or ignore rule covers), "
            + std::to_string(analysis.ignoredCount()) + " matched by ignore rules\n";
    } else {
        out += " suspects (candidates no explanation covers)\n";
    }
    if (analysis.suspectCount() > 0) {
        // Only the suspects' rows need retained sizes: a report without suspects builds no tree.
        std::optional<DominatorTree> built;
        const DominatorTree& tree = dominatorsOf(analysis, dominators, built);
        out += '\n';
        out += tableCandidateHeader(true) + '\n';
        std::size_t shown = 0;
        for (ObjectIndex i : reportOrder(analysis)) {
            if (!analysis.isSuspect(i))
                break; // report order puts suspects first
            if (shown++ == maxRows) {
                out += "… " + std::to_string(analysis.suspectCount() - maxRows)
                    + " more suspects (use --format json or csv for all)\n";
                break;
            }
            out += tableCandidateRow(analysis, i, &tree) + '\n';
        }
        out += "\nSuspects by the library behind their type:\n";
        for (const LibraryRow& row : candidatesByLibrary(analysis)) {
            if (row.suspects == 0)
                break;
            const std::string_view library = s.string(row.library);
            out += "  " + padded(std::to_string(row.suspects), 6, true) + "  "
                + (library.empty() ? std::string("(no library: defined in Python, or not found)")
                                   : printable(libraryBaseName(library)))
                + '\n';
        }
        appendTableCreators(out, analysis);
    }
    const std::vector<UntraversedField> fields = untraversedFields(s);
    if (!fields.empty()) {
        out += "\nC fields that hold objects their traverse function does not report (cycles through them are\n"
               "never collected; the objects they hold are explained, not leaked):\n";
        for (const UntraversedField& field : fields) {
            out += "  " + std::to_string(field.objects) + (field.objects == 1 ? " object" : " objects") + " held at "
                + formatOffset(field.offset) + " of ";
            out += field.kind == ExplanationKind::ModuleState ? "the module state of " + printable(elideUtf8(s.repr(field.module), 60))
                                                : std::to_string(field.holders) + " " + printable(s.typeName(field.holderType))
                                                      + (field.holders == 1 ? " object" : " objects");
            out += '\n';
        }
    }
    return out;
}

std::string formatReport(
    const HeapAnalysis& analysis, ReportFormat format, double captureSeconds, const DominatorTree* dominators)
{
    switch (format) {
    case ReportFormat::Json: return jsonReport(analysis, captureSeconds, dominators);
    case ReportFormat::Csv: return csvReport(analysis, dominators);
    case ReportFormat::Html:
    case ReportFormat::Markdown: {
        // The documents' defaults (depth 2); callers wanting other options call them directly.
        std::optional<DominatorTree> built;
        DocumentReportOptions options;
        options.captureSeconds = captureSeconds;
        const DominatorTree& tree = dominatorsOf(analysis, dominators, built);
        return format == ReportFormat::Html ? htmlReport(analysis, tree, options) : markdownReport(analysis, tree, options);
    }
    case ReportFormat::Table: break;
    }
    return tableReport(analysis, captureSeconds, 200, dominators);
}

} // namespace leakscope
