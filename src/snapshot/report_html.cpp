#include "report_html.h"

#include "findings.h"
#include "native_stack.h"
#include "report.h"
#include "suspects_story.h"
#include "text.h"

#include <charconv>

namespace leakscope {

namespace {

// Readable on screen and on paper; no url(), no @import, no web font: nothing leaves the file.
const char kStyle[] = R"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; background: #fff;
       margin: 0 auto; max-width: 72rem; padding: 1rem 2rem 3rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin: 0 0 .4rem; }
h4 { font-size: .95rem; margin: .9rem 0 .3rem; }
.meta, .note { color: #555; }
code, .mono, td.num { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
td.num, th.num { text-align: right; white-space: nowrap; }
table { border-collapse: collapse; margin: .3rem 0 .8rem; }
th, td { border: 1px solid #d5d5d5; padding: .2rem .5rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.repr { max-width: 36rem; overflow-wrap: anywhere; }
.suspect { border: 1px solid #e3b4b4; border-left: 6px solid #c0392b; border-radius: 4px; padding: .8rem 1rem;
           margin: 1rem 0; page-break-inside: avoid; }
.story { font-size: 1.05rem; margin: .2rem 0 .4rem; }
.bar { background: #eee; height: .6rem; border-radius: 3px; width: 24rem; max-width: 100%; }
.bar span { display: block; height: 100%; background: #c0392b; border-radius: 3px; }
dl.origin { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; margin: .3rem 0; }
dl.origin dt { color: #555; }
dl.origin dd { margin: 0; overflow-wrap: anywhere; }
ol.path, ol.frames { margin: .2rem 0; padding-left: 1.6rem; }
details { margin-left: 1.2rem; }
details > summary { cursor: pointer; }
ul.referents { list-style: none; margin: 0; padding-left: 1.2rem; }
.edge { color: #7a4b00; }
.repeated { color: #777; font-style: italic; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .suspect { border-left-width: 3px; }
  details > summary { list-style: none; }
}
)";

std::string percent(double share)
{
    if (share > 0 && share < 0.001)
        return "<0.1%";
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, share * 100, std::chars_format::fixed, 1).ptr;
    return std::string(buffer, end) + '%';
}

// A CSS width for a share: digits only, so nothing in the attribute needs escaping.
std::string barWidth(double share)
{
    char buffer[32];
    const double clamped = share < 0 ? 0 : share > 1 ? 1 : share;
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, clamped * 100, std::chars_format::fixed, 1).ptr;
    return std::string(buffer, end) + '%';
}

class HtmlWriter
{
public:
    HtmlWriter(const HeapAnalysis& analysis, const DominatorTree& tree, const HtmlReportOptions& options)
        : m_analysis(analysis)
        , m_s(analysis.snapshot())
        , m_tree(tree)
        , m_options(options)
    {
    }

    std::string write()
    {
        SuspectsStoryOptions storyOptions;
        storyOptions.maxGroups = m_options.maxGroups;
        storyOptions.maxMembers = std::max(m_options.maxMemberRows, m_options.detailedMembers);
        const SuspectsStory story = buildSuspectsStory(m_analysis, m_tree, storyOptions);

        m_out.reserve(64 * 1024);
        m_out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
                 "<meta name=\"generator\" content=\"";
        text(generator());
        m_out += "\" />\n<title>";
        text(m_options.title);
        m_out += "</title>\n<style>";
        m_out += kStyle;
        m_out += "</style>\n</head>\n<body>\n<h1>";
        text(m_options.title);
        m_out += "</h1>\n";
        summary(story);
        storySection(story);
        typesSection();
        librariesSection();
        findingsSection();
        suspectList();
        m_out += "<footer class=\"note\"><p>Written by ";
        text(generator());
        m_out += ". Sizes are the objects' own sizes (sys.getsizeof); retained sizes come from the dominator "
                 "tree of the reference graph.</p></footer>\n</body>\n</html>\n";
        return std::move(m_out);
    }

private:
    std::string generator() const
    {
        return m_options.generator.empty() ? std::string("LeakScope") : m_options.generator;
    }

    void text(std::string_view t) { m_out += htmlEscape(t); }

    void cell(std::string_view t, const char* cls = nullptr)
    {
        m_out += cls ? std::string("<td class=\"") + cls + "\">" : std::string("<td>");
        text(t);
        m_out += "</td>";
    }

    void objectRef(ObjectIndex o)
    {
        m_out += "<span class=\"mono\">";
        text(objectHeadline(m_s, m_tree, o));
        m_out += "</span> ";
        text(elideUtf8(m_s.repr(o), 160));
    }

    void summary(const SuspectsStory& story)
    {
        m_out += "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"facts\">\n";
        for (const auto& [label, value] :
            summaryFacts(m_analysis, m_tree, story.retainedBytes, m_options.captureSeconds)) {
            m_out += "<tr><th>";
            text(label);
            m_out += "</th>";
            cell(value);
            m_out += "</tr>\n";
        }
        m_out += "</table>\n</section>\n";
    }

    void storySection(const SuspectsStory& story)
    {
        m_out += "<section id=\"suspects\">\n<h2>Leak suspects</h2>\n";
        if (story.groups.empty()) {
            m_out += "<p>No suspects: every leak candidate is explained";
            m_out += m_analysis.ignoreRules() ? " or matched by an ignore rule.</p>\n" : ".</p>\n";
            m_out += "</section>\n";
            return;
        }
        m_out += "<p>" + std::to_string(story.objects) + (story.objects == 1 ? " suspect" : " suspects") + " in "
            + std::to_string(story.totalGroups) + (story.totalGroups == 1 ? " group" : " groups");
        if (story.groups.size() < story.totalGroups)
            m_out += ", the " + std::to_string(story.groups.size()) + " biggest shown";
        m_out += ", biggest retained size first.</p>\n";
        for (std::size_t k = 0; k < story.groups.size(); ++k)
            group(story.groups[k], k + 1);
        m_out += "</section>\n";
    }

    void group(const SuspectGroup& g, std::size_t number)
    {
        const std::string id = "suspect-" + std::to_string(number);
        m_out += "<article class=\"suspect\" id=\"" + id + "\">\n<h3>Suspect " + std::to_string(number) + ": ";
        text(g.kind == SuspectGroup::Kind::CommonHolder ? std::string("objects under one holder")
                                                        : std::string(m_s.typeName(g.type)));
        m_out += "</h3>\n<div class=\"bar\"><span style=\"width: " + barWidth(g.heapShare)
            + "\"></span></div>\n"
              "<p class=\"story\">";
        text(groupSentence(m_s, g));
        m_out += "</p>\n";
        if (const std::string more = accumulationSentence(m_s, g); !more.empty()) {
            m_out += "<p>";
            text(more);
            m_out += "</p>\n";
        }
        m_out += "<dl class=\"origin\">\n";
        fact("Count", std::to_string(g.count));
        fact("Retained",
            formatByteSize(g.retainedBytes) + " (" + std::to_string(g.retainedBytes) + " bytes, " + percent(g.heapShare)
                + " of the heap)");
        if (g.kind == SuspectGroup::Kind::CommonHolder)
            fact("Holder", objectHeadline(m_s, m_tree, g.holder) + ' ' + elideUtf8(m_s.repr(g.holder), 160));
        fact("Type", std::string(m_s.typeName(g.type)) + (g.mixedTypes ? " (and others)" : ""));
        fact("C library",
            g.library.empty() ? std::string("none known (a class defined in Python, or not found)") : g.library);
        if (!g.symbol.empty())
            fact("Symbol", g.symbol);
        if (!g.source.empty())
            fact("Source", g.source);
        fact("Accumulation point", objectHeadline(m_s, m_tree, g.accumulationPoint));
        m_out += "</dl>\n";
        path(g);
        allocation(g);
        createdBy(g);
        retainedTypes(g);
        members(g);
        referents(g);
        m_out += "</article>\n";
    }

    void fact(std::string_view label, std::string_view value)
    {
        m_out += "<dt>";
        text(label);
        m_out += "</dt><dd>";
        text(value);
        m_out += "</dd>\n";
    }

    void path(const SuspectGroup& g)
    {
        m_out += "<h4>Shortest path from a root to the accumulation point</h4>\n";
        if (g.pathFromRoot.empty()) {
            m_out += "<p class=\"note\">No root reaches it within the search: it is held only by a cycle that "
                     "nothing in the heap refers to, or by a chain longer than the search goes.</p>\n";
            return;
        }
        m_out += "<ol class=\"path\">\n";
        for (std::size_t k = 0; k < g.pathFromRoot.size(); ++k) {
            const ObjectIndex o = g.pathFromRoot[k];
            m_out += "<li>";
            if (k > 0) {
                const ObjectIndex holder = g.pathFromRoot[k - 1];
                const std::string edge = edgeName(m_s, holder, m_s.edgeTo(holder, o));
                if (!edge.empty()) {
                    m_out += "<span class=\"edge\">";
                    text(edge);
                    m_out += "</span> ";
                }
            }
            objectRef(o);
            if (k == 0 && m_analysis.referrerCount(o) == 0)
                m_out += " <span class=\"note\">(nothing in the heap refers to it)</span>";
            m_out += "</li>\n";
        }
        m_out += "</ol>\n";
    }

    void allocation(const SuspectGroup& g)
    {
        m_out += "<h4>Allocated at</h4>\n";
        if (g.allocationSite.empty()) {
            m_out += m_s.info().tracemallocDepth
                ? "<p class=\"note\">tracemalloc recorded no site for these objects.</p>\n"
                : "<p class=\"note\">Not recorded: run with --tracemalloc to see where suspects were allocated.</p>\n";
            return;
        }
        if (g.allocatedMember != g.representative) {
            m_out += "<p class=\"note\">For ";
            text(std::string(m_s.typeNameOf(g.allocatedMember)) + ' ' + formatAddress(m_s.address(g.allocatedMember)));
            m_out += ", the biggest member with a recorded site:</p>\n";
        }
        m_out += "<ol class=\"frames\">\n";
        for (const AllocationFrame& f : g.allocationSite) {
            m_out += "<li class=\"mono\">";
            text(std::string(m_s.string(f.file)) + ':' + std::to_string(f.line));
            if (f.function) {
                m_out += " in ";
                text(m_s.string(f.function));
            }
            m_out += "</li>\n";
        }
        m_out += "</ol>\n";
    }

    // The native stack of the first member that has one, past the interpreter's allocator frames.
    void createdBy(const SuspectGroup& g)
    {
        m_out += "<h4>Created by (C)</h4>\n";
        const ObjectIndex member = firstWithNativeStack(m_s, g.members);
        if (member == kNoObject) {
            m_out += m_s.info().nativeTraceDepth
                ? "<p class=\"note\">No native stack was recorded for these objects.</p>\n"
                : "<p class=\"note\">Not recorded: run with leakscope --native-traces to see the C code that created "
                  "suspects.</p>\n";
            return;
        }
        if (member != g.representative) {
            m_out += "<p class=\"note\">For ";
            text(std::string(m_s.typeNameOf(member)) + ' ' + formatAddress(m_s.address(member)));
            m_out += ", the biggest member with a recorded stack:</p>\n";
        }
        const NativeCreator creator = nativeCreator(m_s, member);
        m_out += "<ol class=\"frames\">\n";
        if (!creator.under.empty()) {
            m_out += "<li class=\"note\">under ";
            text(creator.under);
            m_out += "</li>\n";
        }
        for (std::uint32_t frame : nativeShownFrames(m_s, member)) {
            m_out += "<li class=\"mono\">";
            text(formatNativeFrame(m_s, m_s.nativeFrame(frame)));
            m_out += "</li>\n";
        }
        m_out += "</ol>\n";
    }

    void retainedTypes(const SuspectGroup& g)
    {
        m_out += "<h4>What it retains, by type</h4>\n<table>\n<tr><th>Type</th><th class=\"num\">Objects</th>"
                 "<th class=\"num\">Bytes</th></tr>\n";
        for (const SuspectGroup::RetainedType& row : g.retainedTypes) {
            m_out += "<tr>";
            cell(m_s.typeName(row.type));
            cell(std::to_string(row.objects), "num");
            cell(std::to_string(row.bytes), "num");
            m_out += "</tr>\n";
        }
        m_out += "</table>\n";
    }

    void members(const SuspectGroup& g)
    {
        m_out += "<h4>Members, biggest first</h4>\n<table>\n<tr><th>#</th><th>Address</th><th>Type</th>"
                 "<th class=\"num\">Size</th><th class=\"num\">Retained</th><th>Repr</th></tr>\n";
        const std::size_t rows = std::min(g.members.size(), m_options.maxMemberRows);
        for (std::size_t k = 0; k < rows; ++k) {
            const ObjectIndex o = g.members[k];
            m_out += "<tr>";
            cell(std::to_string(k + 1), "num");
            cell(formatAddress(m_s.address(o)), "mono");
            cell(m_s.typeNameOf(o));
            cell(std::to_string(m_s.size(o)), "num");
            cell(std::to_string(m_tree.retainedSize(o)), "num");
            cell(elideUtf8(m_s.repr(o), 200), "repr");
            m_out += "</tr>\n";
        }
        m_out += "</table>\n";
        if (g.count > rows)
            m_out += "<p class=\"note\">… and " + std::to_string(g.count - rows) + " more.</p>\n";
    }

    void referents(const SuspectGroup& g)
    {
        if (m_options.depth == 0)
            return;
        const std::size_t shown = std::min(g.members.size(), m_options.detailedMembers);
        m_out += "<h4>Referents, " + std::to_string(std::min(m_options.depth, kMaxReportDepth)) + " levels down</h4>\n";
        for (std::size_t k = 0; k < shown; ++k) {
            const ObjectIndex o = g.members[k];
            m_out += "<details open=\"open\"><summary>";
            objectRef(o);
            m_out += "</summary>\n<ul class=\"referents\">\n";
            bool any = false;
            walkReferents(
                m_s, o, m_options.depth, m_options.maxReferents,
                [&](const ReferentStep& step) {
                    any = true;
                    if (step.object == kNoObject) {
                        m_out += "<li class=\"note\">… " + std::to_string(step.omitted) + " more referents</li>\n";
                        return;
                    }
                    m_out += step.hasMore ? "<li><details open=\"open\"><summary>" : "<li>";
                    if (!step.edge.empty()) {
                        m_out += "<span class=\"edge\">";
                        text(step.edge);
                        m_out += "</span> ";
                    }
                    objectRef(step.object);
                    if (step.repeated)
                        m_out += " <span class=\"repeated\">(already above: a cycle)</span>";
                    m_out += step.hasMore ? "</summary>\n<ul class=\"referents\">\n" : "</li>\n";
                },
                [&](const ReferentStep&) { m_out += "</ul></details></li>\n"; });
            if (!any)
                m_out += "<li class=\"note\">It refers to nothing.</li>\n";
            m_out += "</ul></details>\n";
        }
        if (g.members.size() > shown)
            m_out += "<p class=\"note\">The referents of the other members are not shown.</p>\n";
    }

    void typesSection()
    {
        const std::vector<TypeSummaryRow> rows = typesByRetained(m_analysis, m_tree, m_options.maxTypes);
        m_out += "<section id=\"types\">\n<h2>Types by retained size</h2>\n<table>\n<tr><th>Type</th>"
                 "<th class=\"num\">Objects</th><th class=\"num\">Bytes</th><th class=\"num\">Retained</th>"
                 "<th class=\"num\">Candidates</th><th class=\"num\">Suspects</th><th>Library</th></tr>\n";
        for (const TypeSummaryRow& row : rows) {
            m_out += "<tr>";
            cell(m_s.typeName(row.type));
            cell(std::to_string(row.count), "num");
            cell(std::to_string(row.bytes), "num");
            cell(std::to_string(m_tree.retainedByType()[row.type]), "num");
            cell(std::to_string(row.candidates), "num");
            cell(std::to_string(row.suspects), "num");
            cell(libraryBaseName(m_s.string(m_s.type(row.type).library)));
            m_out += "</tr>\n";
        }
        m_out += "</table>\n";
        if (rows.size() < m_analysis.typeSummary().size())
            m_out
                += "<p class=\"note\">The " + std::to_string(rows.size()) + " types that retain most are shown.</p>\n";
        m_out += "</section>\n";
    }

    void librariesSection()
    {
        m_out += "<section id=\"libraries\">\n<h2>Candidates by library</h2>\n<table>\n<tr><th>Library</th>"
                 "<th class=\"num\">Suspects</th><th class=\"num\">Candidates</th></tr>\n";
        for (const LibraryRow& row : candidatesByLibrary(m_analysis)) {
            const std::string_view library = m_s.string(row.library);
            m_out += "<tr>";
            cell(library.empty() ? std::string_view("(none: defined in Python, or not found)") : library);
            cell(std::to_string(row.suspects), "num");
            cell(std::to_string(row.candidates), "num");
            m_out += "</tr>\n";
        }
        m_out += "</table>\n</section>\n";
    }

    void findingsSection()
    {
        m_out += "<section id=\"findings\">\n<h2>Findings</h2>\n";
        const std::vector<UntraversedField> fields = untraversedFields(m_s);
        if (fields.empty()) {
            m_out += "<p>No C field was found holding objects its traverse function does not report.</p>\n";
        } else {
            m_out += "<p>C fields that hold objects their traverse function does not report: cycles through them "
                     "are never collected; the objects they hold are explained, not leaked.</p>\n<ul>\n";
            for (const UntraversedField& f : fields) {
                m_out += "<li>";
                std::string line = std::to_string(f.objects) + (f.objects == 1 ? " object" : " objects") + " held at "
                    + formatOffset(f.offset) + " of ";
                line += f.kind == ExplanationKind::ModuleState
                    ? "the module state of " + elideUtf8(m_s.repr(f.module), 80)
                    : std::to_string(f.holders) + ' ' + std::string(m_s.typeName(f.holderType))
                        + (f.holders == 1 ? " object" : " objects");
                text(line);
                m_out += "</li>\n";
            }
            m_out += "</ul>\n";
        }
        m_out += "</section>\n";
    }

    void suspectList()
    {
        m_out += "<section id=\"suspect-list\">\n<h2>All suspects</h2>\n";
        if (m_analysis.suspectCount() == 0) {
            m_out += "<p>None.</p>\n</section>\n";
            return;
        }
        // The creator column only where native traces were on: it would be empty otherwise.
        const bool creators = m_s.nativeStackCount() > 0;
        m_out += "<table>\n<tr><th>Address</th><th>Type</th><th class=\"num\">Size</th><th class=\"num\">Retained</th>"
                 "<th class=\"num\">Refcount</th><th>Allocated at</th>";
        m_out += creators ? "<th>Created by (C)</th><th>Repr</th></tr>\n" : "<th>Repr</th></tr>\n";
        std::size_t rows = 0;
        for (ObjectIndex i : reportOrder(m_analysis)) {
            if (!m_analysis.isSuspect(i) || rows == m_options.maxSuspectRows)
                break; // report order puts the suspects first
            ++rows;
            m_out += "<tr>";
            cell(formatAddress(m_s.address(i)), "mono");
            cell(m_s.typeNameOf(i));
            cell(std::to_string(m_s.size(i)), "num");
            cell(std::to_string(m_tree.retainedSize(i)), "num");
            cell(std::to_string(m_s.refcount(i)), "num");
            const auto site = m_s.allocationSite(i);
            cell(site.empty() ? std::string()
                              : std::string(m_s.string(site[0].file)) + ':' + std::to_string(site[0].line),
                "mono");
            if (creators) {
                const NativeCreator creator = nativeCreator(m_s, i);
                cell(creator.frame == kNoNativeFrame ? std::string() : formatNativeFrame(m_s, m_s.nativeFrame(creator.frame)),
                    "mono");
            }
            cell(elideUtf8(m_s.repr(i), 200), "repr");
            m_out += "</tr>\n";
        }
        m_out += "</table>\n";
        if (rows < m_analysis.suspectCount())
            m_out += "<p class=\"note\">… " + std::to_string(m_analysis.suspectCount() - rows)
                + " more suspects (the JSON and CSV reports list them all).</p>\n";
        m_out += "</section>\n";
    }

    const HeapAnalysis& m_analysis;
    const Snapshot& m_s;
    const DominatorTree& m_tree;
    const HtmlReportOptions& m_options;
    std::string m_out;
};

} // namespace

std::string htmlEscape(std::string_view raw)
{
    const std::string clean = cleanText(raw);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    for (char c : clean) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string htmlReport(const HeapAnalysis& analysis, const DominatorTree& tree, const HtmlReportOptions& options)
{
    return HtmlWriter(analysis, tree, options).write();
}

} // namespace leakscope
