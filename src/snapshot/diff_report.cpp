#include "diff_report.h"

#include "text.h"

#include <algorithm>
#include <ctime>
#include <vector>

namespace leakscope {

namespace {

std::string signedText(std::int64_t value)
{
    return value > 0 ? '+' + std::to_string(value) : std::to_string(value);
}

// "2026-12-05T08:46:01Z" (iso) or "2026-12-05 08:46:01 UTC"; empty when the time is unknown.
std::string formatTime(std::int64_t unixMs, bool iso)
{
    if (unixMs <= 0)
        return {};
    const std::time_t seconds = static_cast<std::time_t>(unixMs / 1000);
    std::tm utc{};
    if (!gmtime_r(&seconds, &utc))
        return {};
    char text[40];
    std::strftime(text, sizeof text, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &utc);
    return text;
}

// The rows of each section that the options let through, in the diff's order.
struct Selection
{
    std::vector<const TypeDeltaRow*> types;
    std::size_t typesTotal = 0; // before the limit
    std::size_t newSuspects = 0;
    std::size_t surplusGrowth = 0;
    std::size_t discountedGrowth = 0;
};

Selection select(const SnapshotDiff& diff, const DiffReportOptions& options)
{
    auto capped = [&](std::size_t count) { return options.limit ? std::min(count, options.limit) : count; };
    Selection selection;
    for (const TypeDeltaRow& row : diff.types()) {
        if (!options.unchangedTypes && row.unchanged())
            continue;
        if (options.limit == 0 || selection.types.size() < options.limit)
            selection.types.push_back(&row);
        ++selection.typesTotal;
    }
    selection.newSuspects = capped(diff.newSuspects().size());
    selection.surplusGrowth = capped(diff.surplusGrowth().size());
    selection.discountedGrowth = capped(diff.discountedGrowth().size());
    return selection;
}

std::size_t newObjects(const SnapshotDiff& diff)
{
    return diff.b().snapshot().objectCount() - diff.matching().matched;
}

std::size_t freedObjects(const SnapshotDiff& diff)
{
    return diff.a().snapshot().objectCount() - diff.matching().matched;
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

void appendJsonSnapshot(std::string& out, const HeapAnalysis& analysis, const std::string& name)
{
    const Snapshot& s = analysis.snapshot();
    out += '{';
    appendStringField(out, "file", name);
    out += ", ";
    appendStringField(out, "label", s.info().label);
    out += ", ";
    appendStringField(out, "python", s.info().pythonVersion);
    out += ", \"captured_at\": ";
    const std::string time = formatTime(s.info().capturedAtMs, true);
    if (time.empty())
        out += "null";
    else
        appendJsonString(out, time);
    out += ", ";
    appendField(out, "captured_at_ms", s.info().capturedAtMs);
    out += ", ";
    appendField(out, "pid", s.info().pid);
    out += ", ";
    appendJsonHeapCounts(out, analysis);
    out += '}';
}

void appendCsvTypes(std::string& out, const SnapshotDiff& diff, const Selection& selection)
{
    out += "type,count_a,count_b,delta,bytes_a,bytes_b,bytes_delta,new,freed,suspects_a,suspects_b\n";
    for (const TypeDeltaRow* row : selection.types) {
        appendCsvField(out, diff.typeName(*row));
        out += ',' + std::to_string(row->countA) + ',' + std::to_string(row->countB) + ','
            + std::to_string(row->countDelta()) + ',' + std::to_string(row->bytesA) + ',' + std::to_string(row->bytesB)
            + ',' + std::to_string(row->bytesDelta()) + ',' + std::to_string(row->added) + ','
            + std::to_string(row->removed) + ',' + std::to_string(row->suspectsA) + ','
            + std::to_string(row->suspectsB) + '\n';
    }
}

void appendCsvNewSuspects(std::string& out, const SnapshotDiff& diff, const Selection& selection)
{
    out += csvCandidateHeader();
    out += ",in_a\n";
    for (std::size_t k = 0; k < selection.newSuspects; ++k) {
        const NewSuspectRow& row = diff.newSuspects()[k];
        appendCsvCandidateFields(out, diff.b(), row.b);
        out += ',';
        out += priorStateName(row.before);
        out += '\n';
    }
}

void appendCsvGrowth(std::string& out, const SnapshotDiff& diff, const std::vector<SurplusGrowthRow>& rows,
                     std::size_t count)
{
    const HeapAnalysis& a = diff.a();
    const HeapAnalysis& b = diff.b();
    out += "address,type,refcount_a,refcount_b,referrers_a,referrers_b,growth,repr,explained,explained_by\n";
    for (std::size_t k = 0; k < count; ++k) {
        const SurplusGrowthRow& row = rows[k];
        out += formatAddress(b.snapshot().address(row.b));
        out += ',';
        appendCsvField(out, b.snapshot().typeNameOf(row.b));
        out += ',' + std::to_string(a.snapshot().refcount(row.a)) + ',' + std::to_string(b.snapshot().refcount(row.b))
            + ',' + std::to_string(a.referrerCount(row.a)) + ',' + std::to_string(b.referrerCount(row.b)) + ','
            + std::to_string(row.growth) + ',';
        appendCsvField(out, b.snapshot().repr(row.b));
        out += ',' + std::to_string(row.explained) + ',';
        out += growthDiscountName(row.discount);
        out += '\n';
    }
}

void appendJsonGrowth(std::string& out, const SnapshotDiff& diff, const std::vector<SurplusGrowthRow>& rows,
                      std::size_t count)
{
    const HeapAnalysis& a = diff.a();
    const HeapAnalysis& b = diff.b();
    for (std::size_t k = 0; k < count; ++k) {
        const SurplusGrowthRow& row = rows[k];
        out += k ? ",\n  {" : "\n  {";
        appendStringField(out, "address", formatAddress(b.snapshot().address(row.b)));
        out += ", ";
        appendStringField(out, "type", b.snapshot().typeNameOf(row.b));
        out += ", ";
        appendField(out, "refcount_a", a.snapshot().refcount(row.a));
        out += ", ";
        appendField(out, "refcount_b", b.snapshot().refcount(row.b));
        out += ", ";
        appendField(out, "referrers_a", a.referrerCount(row.a));
        out += ", ";
        appendField(out, "referrers_b", b.referrerCount(row.b));
        out += ", ";
        appendField(out, "growth", row.growth);
        out += ", ";
        appendField(out, "explained", row.explained);
        out += ", \"explained_by\": ";
        if (row.discount == GrowthDiscount::None)
            out += "null";
        else
            appendJsonString(out, growthDiscountName(row.discount));
        out += ", ";
        appendStringField(out, "repr", b.snapshot().repr(row.b));
        out += '}';
    }
}

// Text for a table line, not a column: control characters replaced, elided past maxCodePoints, no padding.
std::string plain(std::string_view text, std::size_t maxCodePoints)
{
    return tableCell(text, std::min(utf8Length(text), maxCodePoints));
}

std::string snapshotLine(const HeapAnalysis& analysis, const std::string& name)
{
    const Snapshot& s = analysis.snapshot();
    std::string line = plain(name, 200) + ": '" + plain(s.info().label, 60) + '\'';
    if (const std::string time = formatTime(s.info().capturedAtMs, false); !time.empty())
        line += ", captured " + time;
    if (s.info().pid > 0)
        line += ", pid " + std::to_string(s.info().pid);
    return line + ", Python " + plain(s.info().pythonVersion, 20) + ": " + std::to_string(s.objectCount())
        + " objects, " + std::to_string(analysis.suspectCount()) + " suspects\n";
}

// "… 12 more (--limit 0 lists them all)" when rows were cut.
std::string moreLine(std::size_t shown, std::size_t total)
{
    return shown < total ? "… " + std::to_string(total - shown) + " more (--limit 0 lists them all)\n" : std::string();
}

std::string growthHeader(bool reasons)
{
    return tableCell("ADDRESS", 18) + "  " + tableCell("TYPE", 28) + "  " + tableCell("REFS A", 7, true) + "  "
        + tableCell("REFS B", 7, true) + "  " + tableCell("RFRS A", 7, true) + "  " + tableCell("RFRS B", 7, true) + "  "
        + tableCell("GROWTH", 7, true) + "  " + tableCell("EXPL", 5, true) + "  "
        + (reasons ? tableCell("REASON", 18) + "  " : std::string()) + "REPR\n";
}

std::string growthLine(const SnapshotDiff& diff, const SurplusGrowthRow& row, bool reasons)
{
    const Snapshot& sa = diff.a().snapshot();
    const Snapshot& sb = diff.b().snapshot();
    return tableCell(formatAddress(sb.address(row.b)), 18) + "  " + tableCell(sb.typeNameOf(row.b), 28) + "  "
        + tableCell(std::to_string(sa.refcount(row.a)), 7, true) + "  "
        + tableCell(std::to_string(sb.refcount(row.b)), 7, true) + "  "
        + tableCell(std::to_string(diff.a().referrerCount(row.a)), 7, true) + "  "
        + tableCell(std::to_string(diff.b().referrerCount(row.b)), 7, true) + "  "
        + tableCell(signedText(row.growth), 7, true) + "  "
        + tableCell(row.explained ? std::to_string(row.explained) : std::string(), 5, true) + "  "
        + (reasons ? tableCell(growthDiscountName(row.discount), 18) + "  " : std::string()) + plain(sb.repr(row.b), 80)
        + '\n';
}

} // namespace

std::optional<DiffSection> parseDiffSection(std::string_view name)
{
    if (name == "types")
        return DiffTypes;
    if (name == "new-suspects")
        return DiffNewSuspects;
    if (name == "surplus-growth")
        return DiffSurplusGrowth;
    if (name == "discounted-growth")
        return DiffDiscountedGrowth;
    return std::nullopt;
}

std::string jsonDiffReport(const SnapshotDiff& diff, const DiffReportOptions& options)
{
    const Selection selection = select(diff, options);
    const HeapAnalysis& a = diff.a();
    const HeapAnalysis& b = diff.b();
    std::string out = "{\"format\": \"leakscope-diff\", ";
    appendField(out, "version", kDiffReportVersion);
    out += ",\n \"header\": {\"a\": ";
    appendJsonSnapshot(out, a, options.nameA);
    out += ",\n            \"b\": ";
    appendJsonSnapshot(out, b, options.nameB);
    out += "},\n \"summary\": {";
    appendField(out, "matched", diff.matching().matched);
    out += ", ";
    appendField(out, "new_objects", newObjects(diff));
    out += ", ";
    appendField(out, "freed_objects", freedObjects(diff));
    out += ", ";
    appendField(out, "reused_addresses", diff.matching().reusedAddresses);
    out += ", ";
    appendField(out, "types_changed", diff.types().size() - diff.unchangedTypeCount());
    out += ", ";
    appendField(out, "new_suspects", diff.newSuspects().size());
    out += ", ";
    appendField(out, "surplus_growth", diff.surplusGrowth().size());
    out += ", ";
    appendField(out, "discounted_growth", diff.discountedGrowth().size());
    out += ", ";
    appendField(out, "new_unrecorded_holders", diff.newUnrecordedHolders());
    out += '}';
    if (options.sections & DiffTypes) {
        out += ",\n \"types\": [";
        bool first = true;
        for (const TypeDeltaRow* row : selection.types) {
            out += first ? "\n  {" : ",\n  {";
            first = false;
            appendStringField(out, "type", diff.typeName(*row));
            out += ", ";
            appendField(out, "count_a", row->countA);
            out += ", ";
            appendField(out, "count_b", row->countB);
            out += ", ";
            appendField(out, "delta", row->countDelta());
            out += ", ";
            appendField(out, "bytes_a", row->bytesA);
            out += ", ";
            appendField(out, "bytes_b", row->bytesB);
            out += ", ";
            appendField(out, "bytes_delta", row->bytesDelta());
            out += ", ";
            appendField(out, "new", row->added);
            out += ", ";
            appendField(out, "freed", row->removed);
            out += ", ";
            appendField(out, "suspects_a", row->suspectsA);
            out += ", ";
            appendField(out, "suspects_b", row->suspectsB);
            out += '}';
        }
        out += ']';
    }
    if (options.sections & DiffNewSuspects) {
        out += ",\n \"new_suspects\": [";
        for (std::size_t k = 0; k < selection.newSuspects; ++k) {
            const NewSuspectRow& row = diff.newSuspects()[k];
            out += k ? ",\n  {" : "\n  {";
            appendJsonCandidateFields(out, b, row.b);
            out += ", ";
            appendStringField(out, "in_a", priorStateName(row.before));
            out += '}';
        }
        out += ']';
    }
    if (options.sections & DiffSurplusGrowth) {
        out += ",\n \"surplus_growth\": [";
        appendJsonGrowth(out, diff, diff.surplusGrowth(), selection.surplusGrowth);
        out += ']';
    }
    if (options.sections & DiffDiscountedGrowth) {
        out += ",\n \"discounted_growth\": [";
        appendJsonGrowth(out, diff, diff.discountedGrowth(), selection.discountedGrowth);
        out += ']';
    }
    out += "}\n";
    return out;
}

std::string csvDiffReport(const SnapshotDiff& diff, const DiffReportOptions& options)
{
    const Selection selection = select(diff, options);
    const bool titled = options.sections != DiffTypes && options.sections != DiffNewSuspects
        && options.sections != DiffSurplusGrowth && options.sections != DiffDiscountedGrowth;
    std::string out;
    auto begin = [&](const char* name) {
        if (!titled)
            return;
        if (!out.empty())
            out += '\n';
        out += "# ";
        out += name;
        out += '\n';
    };
    if (options.sections & DiffTypes) {
        begin("types");
        appendCsvTypes(out, diff, selection);
    }
    if (options.sections & DiffNewSuspects) {
        begin("new-suspects");
        appendCsvNewSuspects(out, diff, selection);
    }
    if (options.sections & DiffSurplusGrowth) {
        begin("surplus-growth");
        appendCsvGrowth(out, diff, diff.surplusGrowth(), selection.surplusGrowth);
    }
    if (options.sections & DiffDiscountedGrowth) {
        begin("discounted-growth");
        appendCsvGrowth(out, diff, diff.discountedGrowth(), selection.discountedGrowth);
    }
    return out;
}

std::string tableDiffReport(const SnapshotDiff& diff, const DiffReportOptions& options)
{
    const Selection selection = select(diff, options);
    const HeapAnalysis& a = diff.a();
    const HeapAnalysis& b = diff.b();
    std::string out = "A  " + snapshotLine(a, options.nameA) + "B  " + snapshotLine(b, options.nameB);
    out += "Objects: " + std::to_string(diff.matching().matched) + " in both, " + std::to_string(newObjects(diff))
        + " new in B, " + std::to_string(freedObjects(diff)) + " freed since A";
    if (diff.matching().reusedAddresses)
        out += " (" + std::to_string(diff.matching().reusedAddresses) + " of them at an address a new object took)";
    out += '\n';

    if (options.sections & DiffTypes) {
        const std::size_t unchanged = diff.unchangedTypeCount();
        if (selection.typesTotal == 0) {
            out += "\nNo type changed its count or bytes.\n";
        } else {
            out += "\nTypes, the largest change in count first";
            if (!options.unchangedTypes && unchanged)
                out += " (" + std::to_string(unchanged) + " unchanged types not shown)";
            out += ":\n" + tableCell("TYPE", 36) + "  " + tableCell("COUNT A", 8, true) + "  "
                + tableCell("COUNT B", 8, true) + "  " + tableCell("DELTA", 8, true) + "  " + tableCell("NEW", 7, true)
                + "  " + tableCell("FREED", 7, true) + "  " + tableCell("BYTES DELTA", 12, true) + '\n';
            for (const TypeDeltaRow* row : selection.types) {
                out += tableCell(diff.typeName(*row), 36) + "  " + tableCell(std::to_string(row->countA), 8, true)
                    + "  " + tableCell(std::to_string(row->countB), 8, true) + "  "
                    + tableCell(signedText(row->countDelta()), 8, true) + "  "
                    + tableCell(std::to_string(row->added), 7, true) + "  "
                    + tableCell(std::to_string(row->removed), 7, true) + "  "
                    + tableCell(signedText(row->bytesDelta()), 12, true) + '\n';
            }
            out += moreLine(selection.types.size(), selection.typesTotal);
        }
    }
    if (options.sections & DiffNewSuspects) {
        const std::size_t total = diff.newSuspects().size();
        if (total == 0) {
            out += "\nNo new suspects.\n";
        } else {
            out += "\nNew suspects: " + std::to_string(total)
                + " (suspects of B that were not suspects of A; IN A says what they were)\n";
            out += tableCell("IN A", 10) + "  " + tableCandidateHeader() + '\n';
            for (std::size_t k = 0; k < selection.newSuspects; ++k) {
                const NewSuspectRow& row = diff.newSuspects()[k];
                out += tableCell(priorStateName(row.before), 10) + "  " + tableCandidateRow(b, row.b) + '\n';
            }
            out += moreLine(selection.newSuspects, total);
        }
    }
    const std::size_t discounted = diff.discountedGrowth().size();
    if (options.sections & DiffSurplusGrowth) {
        const std::size_t total = diff.surplusGrowth().size();
        if (total == 0) {
            out += "\nNo surplus growth.\n";
        } else {
            out += "\nSurplus growth: " + std::to_string(total) + (total == 1 ? " object" : " objects")
                + " in both whose refcount grew more than their referrers (GROWTH = Δrefs − Δreferrers; EXPL: the part"
                  " new objects that record no references may account for)\n";
            out += growthHeader(false);
            for (std::size_t k = 0; k < selection.surplusGrowth; ++k)
                out += growthLine(diff, diff.surplusGrowth()[k], false);
            out += moreLine(selection.surplusGrowth, total);
        }
        if (discounted && !(options.sections & DiffDiscountedGrowth)) {
            out += "Not shown: " + std::to_string(discounted) + (discounted == 1 ? " object" : " objects")
                + " whose growth objects that record no references account for (atomic objects such as str and int;"
                  " untracked objects that " + std::to_string(diff.newUnrecordedHolders())
                + " new untracked holders may hold): no evidence; --section discounted-growth lists them\n";
        }
    }
    if (options.sections & DiffDiscountedGrowth) {
        if (discounted == 0) {
            out += "\nNo discounted growth.\n";
        } else {
            out += "\nDiscounted growth: " + std::to_string(discounted) + (discounted == 1 ? " object" : " objects")
                + " whose growth is no evidence (REASON: atomic-object, held routinely by code objects and untracked"
                  " containers; unrecorded-holders, within the "
                + std::to_string(diff.newUnrecordedHolders()) + " new objects of B that record no references)\n";
            out += growthHeader(true);
            for (std::size_t k = 0; k < selection.discountedGrowth; ++k)
                out += growthLine(diff, diff.discountedGrowth()[k], true);
            out += moreLine(selection.discountedGrowth, discounted);
        }
    }
    return out;
}

std::string formatDiffReport(const SnapshotDiff& diff, ReportFormat format, const DiffReportOptions& options)
{
    switch (format) {
    case ReportFormat::Json: return jsonDiffReport(diff, options);
    case ReportFormat::Csv: return csvDiffReport(diff, options);
    case ReportFormat::Html: // no document form for a diff: the table
    case ReportFormat::Markdown:
    case ReportFormat::Table: break;
    }
    return tableDiffReport(diff, options);
}

} // namespace leakscope
