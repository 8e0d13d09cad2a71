#include "report_document.h"

#include "suspects_story.h"
#include "text.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace leakscope {

namespace {

const char kReplacement[] = "\xEF\xBF\xBD"; // U+FFFD

void walk(const Snapshot& s, ObjectIndex object, std::size_t level, std::size_t depth, std::size_t maxPerObject,
    std::vector<ObjectIndex>& ancestors, const std::function<void(const ReferentStep&)>& visit,
    const std::function<void(const ReferentStep&)>& leave)
{
    const auto referents = s.referents(object);
    const std::size_t shown = std::min(referents.size(), maxPerObject);
    for (std::size_t e = 0; e < shown; ++e) {
        ReferentStep step;
        step.object = referents[e];
        step.edge = edgeName(s, object, static_cast<std::uint32_t>(e));
        step.level = level;
        step.repeated = std::find(ancestors.begin(), ancestors.end(), step.object) != ancestors.end();
        // A class's referents are its namespace, bases and MRO: the same under every instance, and no
        // part of what the instance holds. Shown, not opened.
        step.isClass = s.type(s.typeOf(step.object)).flags & Metatype;
        step.hasMore = !step.repeated && !step.isClass && level < depth && !s.referents(step.object).empty();
        visit(step);
        if (step.hasMore) {
            ancestors.push_back(step.object);
            walk(s, step.object, level + 1, depth, maxPerObject, ancestors, visit, leave);
            ancestors.pop_back();
            leave(step);
        }
    }
    if (shown < referents.size()) {
        ReferentStep more;
        more.level = level;
        more.omitted = referents.size() - shown;
        visit(more);
    }
}

} // namespace

std::string cleanText(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        const std::size_t length = decodeUtf8(text, i, cp);
        if (length == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        const bool control = (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
        if (control)
            out += kReplacement;
        else
            out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

std::string formatCaptureTime(std::int64_t unixMs)
{
    if (unixMs <= 0)
        return {};
    const std::time_t seconds = static_cast<std::time_t>(unixMs / 1000);
    std::tm utc{};
    if (!gmtime_r(&seconds, &utc))
        return {};
    char buffer[40];
    const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &utc);
    return std::string(buffer, length);
}

std::vector<std::pair<std::string, std::string>> summaryFacts(
    const HeapAnalysis& analysis, const DominatorTree& tree, std::uint64_t suspectsRetained, double captureSeconds)
{
    const Snapshot& s = analysis.snapshot();
    const SnapshotInfo& info = s.info();
    std::vector<std::pair<std::string, std::string>> facts;
    auto add = [&](std::string label, std::string value) { facts.emplace_back(std::move(label), std::move(value)); };
    add("Python", cleanText(info.pythonVersion));
    if (!info.label.empty())
        add("Snapshot", cleanText(info.label));
    if (info.pid > 0)
        add("Process", std::to_string(info.pid));
    if (const std::string when = formatCaptureTime(info.capturedAtMs); !when.empty())
        add("Captured", when);
    add("Objects", std::to_string(s.objectCount()) + " (" + std::to_string(s.gcObjectCount()) + " gc-tracked)");
    add("References", std::to_string(s.edgeCount()));
    add("Heap",
        formatByteSize(tree.totalBytes()) + " (" + std::to_string(tree.totalBytes()) + " bytes in object sizes)");
    add("Leak candidates", std::to_string(analysis.candidates().size()));
    add("Suspects", std::to_string(analysis.suspectCount()));
    if (analysis.ignoreRules())
        add("Ignored by rules", std::to_string(analysis.ignoredCount()));
    std::string retained = formatByteSize(suspectsRetained);
    if (tree.totalBytes() > 0) {
        char share[32];
        const double percent = 100.0 * static_cast<double>(suspectsRetained) / static_cast<double>(tree.totalBytes());
        const auto end = std::to_chars(share, share + sizeof share, percent, std::chars_format::fixed, 1).ptr;
        retained += " (" + std::string(share, end) + "% of the heap)";
    }
    add("Retained by suspects", retained);
    char seconds[32];
    const auto end = std::to_chars(seconds, seconds + sizeof seconds, captureSeconds, std::chars_format::fixed, 3).ptr;
    add("Capture", std::string(seconds, end) + " s");
    add("Allocation tracing",
        info.tracemallocDepth ? std::to_string(info.tracemallocDepth) + " frames" : std::string("off"));
    add("Native traces",
        info.nativeTraceDepth ? std::to_string(info.nativeTraceDepth) + " frames" : std::string("off"));
    return facts;
}

std::vector<TypeSummaryRow> typesByRetained(const HeapAnalysis& analysis, const DominatorTree& tree, std::size_t max)
{
    std::vector<TypeSummaryRow> rows = analysis.typeSummary();
    const Snapshot& s = analysis.snapshot();
    const auto& retained = tree.retainedByType();
    auto byRetained = [&](const TypeSummaryRow& a, const TypeSummaryRow& b) {
        if (retained[a.type] != retained[b.type])
            return retained[a.type] > retained[b.type];
        if (a.count != b.count)
            return a.count > b.count;
        return s.typeName(a.type) < s.typeName(b.type);
    };
    if (rows.size() > max) {
        std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(max), rows.end(), byRetained);
        rows.resize(max);
    } else {
        std::sort(rows.begin(), rows.end(), byRetained);
    }
    return rows;
}

void walkReferents(const Snapshot& snapshot, ObjectIndex start, std::size_t depth, std::size_t maxPerObject,
    const std::function<void(const ReferentStep&)>& visit, const std::function<void(const ReferentStep&)>& leave)
{
    if (depth == 0 || start >= snapshot.objectCount())
        return;
    std::vector<ObjectIndex> ancestors{start};
    walk(snapshot, start, 1, std::min(depth, kMaxReportDepth), maxPerObject, ancestors, visit, leave);
}

std::string objectHeadline(const Snapshot& s, const DominatorTree& tree, ObjectIndex object)
{
    return cleanText(s.typeNameOf(object)) + ' ' + formatAddress(s.address(object)) + " ("
        + formatByteSize(s.size(object)) + ", retains " + formatByteSize(tree.retainedSize(object)) + ')';
}

} // namespace leakscope
