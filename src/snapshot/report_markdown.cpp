#include "report_markdown.h"

#include "findings.h"
#include "native_stack.h"
#include "report.h"
#include "suspects_story.h"
#include "text.h"

#include <charconv>
#include <cstring>

namespace leakscope {

namespace {

std::string percent(double share)
{
    if (share > 0 && share < 0.001)
        return "<0.1%";
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, share * 100, std::chars_format::fixed, 1).ptr;
    return std::string(buffer, end) + '%';
}

class MarkdownWriter
{
public:
    MarkdownWriter(const HeapAnalysis& analysis, const DominatorTree& tree, const MarkdownReportOptions& options)
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

        m_out.reserve(32 * 1024);
        m_out += "# " + markdownEscape(m_options.title) + "\n\n## Summary\n\n| | |\n| --- | --- |\n";
        for (const auto& [label, value] :
            summaryFacts(m_analysis, m_tree, story.retainedBytes, m_options.captureSeconds))
            m_out += "| " + markdownEscape(label) + " | " + markdownEscape(value) + " |\n";
        storySection(story);
        typesSection();
        findingsSection();
        suspectList();
        m_out += "\n---\nWritten by " + markdownEscape(m_options.generator.empty() ? "LeakScope" : m_options.generator)
            + ".\n";
        return std::move(m_out);
    }

private:
    // "`builtins.dict` 0x7f… (232 B, retains 1.2 KB) repr"
    std::string objectLine(ObjectIndex o) const
    {
        return markdownEscape(objectHeadline(m_s, m_tree, o)) + ' ' + markdownEscape(elideUtf8(m_s.repr(o), 160));
    }

    void storySection(const SuspectsStory& story)
    {
        m_out += "\n## Leak suspects\n\n";
        if (story.groups.empty()) {
            m_out += m_analysis.ignoreRules()
                ? "No suspects: every leak candidate is explained or matched by an ignore rule.\n"
                : "No suspects: every leak candidate is explained.\n";
            return;
        }
        m_out += std::to_string(story.objects) + (story.objects == 1 ? " suspect" : " suspects") + " in "
            + std::to_string(story.totalGroups) + (story.totalGroups == 1 ? " group" : " groups");
        if (story.groups.size() < story.totalGroups)
            m_out += ", the " + std::to_string(story.groups.size()) + " biggest shown";
        m_out += ", biggest retained size first.\n\n| # | Suspect | Count | Retained | Share of the heap |\n"
                 "| ---: | --- | ---: | ---: | ---: |\n";
        for (std::size_t k = 0; k < story.groups.size(); ++k) {
            const SuspectGroup& g = story.groups[k];
            m_out += "| " + std::to_string(k + 1) + " | " + markdownEscape(groupName(g)) + " | "
                + std::to_string(g.count) + " | " + std::to_string(g.retainedBytes) + " | "
                + markdownEscape(percent(g.heapShare)) + " |\n";
        }
        for (std::size_t k = 0; k < story.groups.size(); ++k)
            group(story.groups[k], k + 1);
    }

    std::string groupName(const SuspectGroup& g) const
    {
        return g.kind == SuspectGroup::Kind::CommonHolder
            ? "objects under " + std::string(m_s.typeNameOf(g.holder)) + ' ' + formatAddress(m_s.address(g.holder))
            : std::string(m_s.typeName(g.type));
    }

    void group(const SuspectGroup& g, std::size_t number)
    {
        m_out += "\n### Suspect " + std::to_string(number) + ": " + markdownEscape(groupName(g)) + "\n\n";
        m_out += markdownEscape(groupSentence(m_s, g)) + '\n';
        if (const std::string more = accumulationSentence(m_s, g); !more.empty())
            m_out += '\n' + markdownEscape(more) + '\n';
        m_out += "\n- **Retained:** " + markdownEscape(formatByteSize(g.retainedBytes)) + " ("
            + std::to_string(g.retainedBytes) + " bytes, " + markdownEscape(percent(g.heapShare)) + " of the heap)\n";
        if (g.kind == SuspectGroup::Kind::CommonHolder)
            m_out += "- **Holder:** " + objectLine(g.holder) + '\n';
        m_out += "- **Type:** " + markdownEscape(m_s.typeName(g.type)) + (g.mixedTypes ? " (and others)" : "") + '\n';
        m_out += "- **C library:** "
            + (g.library.empty() ? std::string("none known (a class defined in Python, or not found)")
                                 : markdownEscape(g.library))
            + '\n';
        if (!g.symbol.empty())
            m_out += "- **Symbol:** " + markdownEscape(g.symbol) + '\n';
        if (!g.source.empty())
            m_out += "- **Source:** " + markdownEscape(g.source) + '\n';
        m_out += "- **Accumulation point:** " + markdownEscape(objectHeadline(m_s, m_tree, g.accumulationPoint)) + '\n';

        m_out += "\nShortest path from a root to the accumulation point:\n\n";
        if (g.pathFromRoot.empty()) {
            m_out += "No root reaches it within the search: it is held only by a cycle that nothing in the heap refers "
                     "to, or by a chain longer than the search goes.\n";
        } else {
            for (std::size_t k = 0; k < g.pathFromRoot.size(); ++k) {
                const ObjectIndex o = g.pathFromRoot[k];
                m_out += std::to_string(k + 1) + ". ";
                if (k > 0) {
                    const ObjectIndex holder = g.pathFromRoot[k - 1];
                    if (const std::string edge = edgeName(m_s, holder, m_s.edgeTo(holder, o)); !edge.empty())
                        m_out += "*" + markdownEscape(edge) + "* ";
                }
                m_out += objectLine(o);
                if (k == 0 && m_analysis.referrerCount(o) == 0)
                    m_out += " (nothing in the heap refers to it)";
                m_out += '\n';
            }
        }

        m_out += "\nAllocated at:\n\n";
        if (g.allocationSite.empty()) {
            m_out += m_s.info().tracemallocDepth
                ? "tracemalloc recorded no site for these objects.\n"
                : "Not recorded: run with `--tracemalloc` to see where suspects were allocated.\n";
        } else {
            if (g.allocatedMember != g.representative)
                m_out += "For "
                    + markdownEscape(std::string(m_s.typeNameOf(g.allocatedMember)) + ' '
                        + formatAddress(m_s.address(g.allocatedMember)))
                    + ", the biggest member with a recorded site:\n\n";
            for (const AllocationFrame& f : g.allocationSite) {
                m_out += "- " + markdownEscape(std::string(m_s.string(f.file)) + ':' + std::to_string(f.line));
                if (f.function)
                    m_out += " in " + markdownEscape(m_s.string(f.function));
                m_out += '\n';
            }
        }

        m_out += "\nCreated by (C):\n\n";
        if (const ObjectIndex member = firstWithNativeStack(m_s, g.members); member == kNoObject) {
            m_out += m_s.info().nativeTraceDepth
                ? "No native stack was recorded for these objects.\n"
                : "Not recorded: run with `leakscope --native-traces` to see the C code that created suspects.\n";
        } else {
            if (member != g.representative)
                m_out += "For "
                    + markdownEscape(std::string(m_s.typeNameOf(member)) + ' ' + formatAddress(m_s.address(member)))
                    + ", the biggest member with a recorded stack:\n\n";
            if (const NativeCreator creator = nativeCreator(m_s, member); !creator.under.empty())
                m_out += "- *under " + markdownEscape(creator.under) + "*\n";
            for (std::uint32_t frame : nativeShownFrames(m_s, member))
                m_out += "- " + markdownEscape(formatNativeFrame(m_s, m_s.nativeFrame(frame))) + '\n';
        }

        m_out += "\nWhat it retains, by type:\n\n| Type | Objects | Bytes |\n| --- | ---: | ---: |\n";
        for (const SuspectGroup::RetainedType& row : g.retainedTypes) {
            m_out += "| " + markdownEscape(m_s.typeName(row.type)) + " | " + std::to_string(row.objects) + " | "
                + std::to_string(row.bytes) + " |\n";
        }

        m_out += "\nMembers, biggest first:\n\n| # | Address | Type | Size | Retained | Repr |\n"
                 "| ---: | --- | --- | ---: | ---: | --- |\n";
        const std::size_t rows = std::min(g.members.size(), m_options.maxMemberRows);
        for (std::size_t k = 0; k < rows; ++k) {
            const ObjectIndex o = g.members[k];
            m_out += "| " + std::to_string(k + 1) + " | " + formatAddress(m_s.address(o)) + " | "
                + markdownEscape(m_s.typeNameOf(o)) + " | " + std::to_string(m_s.size(o)) + " | "
                + std::to_string(m_tree.retainedSize(o)) + " | " + markdownEscape(elideUtf8(m_s.repr(o), 120)) + " |\n";
        }
        if (g.count > rows)
            m_out += "\n… and " + std::to_string(g.count - rows) + " more.\n";
        referents(g);
    }

    void referents(const SuspectGroup& g)
    {
        if (m_options.depth == 0)
            return;
        const std::size_t shown = std::min(g.members.size(), m_options.detailedMembers);
        m_out += "\nReferents, " + std::to_string(std::min(m_options.depth, kMaxReportDepth)) + " levels down:\n\n";
        for (std::size_t k = 0; k < shown; ++k) {
            m_out += "- " + objectLine(g.members[k]) + '\n';
            bool any = false;
            walkReferents(
                m_s, g.members[k], m_options.depth, m_options.maxReferents,
                [&](const ReferentStep& step) {
                    any = true;
                    m_out += std::string(2 * step.level, ' ') + "- ";
                    if (step.object == kNoObject) {
                        m_out += "… " + std::to_string(step.omitted) + " more referents\n";
                        return;
                    }
                    if (!step.edge.empty())
                        m_out += "*" + markdownEscape(step.edge) + "* ";
                    m_out += objectLine(step.object);
                    if (step.repeated)
                        m_out += " (already above: a cycle)";
                    m_out += '\n';
                },
                [](const ReferentStep&) {});
            if (!any)
                m_out += "  - It refers to nothing.\n";
        }
        if (g.members.size() > shown)
            m_out += "\nThe referents of the other members are not shown.\n";
    }

    void typesSection()
    {
        m_out += "\n## Types by retained size\n\n| Type | Objects | Bytes | Retained | Candidates | Suspects | Library "
                 "|\n"
                 "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n";
        const std::vector<TypeSummaryRow> rows = typesByRetained(m_analysis, m_tree, m_options.maxTypes);
        for (const TypeSummaryRow& row : rows) {
            m_out += "| " + markdownEscape(m_s.typeName(row.type)) + " | " + std::to_string(row.count) + " | "
                + std::to_string(row.bytes) + " | " + std::to_string(m_tree.retainedByType()[row.type]) + " | "
                + std::to_string(row.candidates) + " | " + std::to_string(row.suspects) + " | "
                + markdownEscape(libraryBaseName(m_s.string(m_s.type(row.type).library))) + " |\n";
        }
        if (rows.size() < m_analysis.typeSummary().size())
            m_out += "\nThe " + std::to_string(rows.size()) + " types that retain most are shown.\n";
    }

    void findingsSection()
    {
        m_out += "\n## Findings\n\n";
        const std::vector<UntraversedField> fields = untraversedFields(m_s);
        if (fields.empty()) {
            m_out += "No C field was found holding objects its traverse function does not report.\n";
            return;
        }
        m_out += "C fields that hold objects their traverse function does not report (cycles through them are never "
                 "collected; the objects they hold are explained, not leaked):\n\n";
        for (const UntraversedField& f : fields) {
            std::string line = std::to_string(f.objects) + (f.objects == 1 ? " object" : " objects") + " held at "
                + formatOffset(f.offset) + " of ";
            line += f.kind == ExplanationKind::ModuleState ? "the module state of " + elideUtf8(m_s.repr(f.module), 80)
                                                           : std::to_string(f.holders) + ' '
                    + std::string(m_s.typeName(f.holderType)) + (f.holders == 1 ? " object" : " objects");
            m_out += "- " + markdownEscape(line) + '\n';
        }
    }

    void suspectList()
    {
        m_out += "\n## All suspects\n\n";
        if (m_analysis.suspectCount() == 0) {
            m_out += "None.\n";
            return;
        }
        // The creator column only where native traces were on: it would be empty otherwise.
        const bool creators = m_s.nativeStackCount() > 0;
        m_out += creators ? "| Address | Type | Size | Retained | Refcount | Allocated at | Created by (C) | Repr |\n"
                            "| --- | --- | ---: | ---: | ---: | --- | --- | --- |\n"
                          : "| Address | Type | Size | Retained | Refcount | Allocated at | Repr |\n"
                            "| --- | --- | ---: | ---: | ---: | --- | --- |\n";
        std::size_t rows = 0;
        for (ObjectIndex i : reportOrder(m_analysis)) {
            if (!m_analysis.isSuspect(i) || rows == m_options.maxSuspectRows)
                break; // report order puts the suspects first
            ++rows;
            const auto site = m_s.allocationSite(i);
            m_out += "| " + formatAddress(m_s.address(i)) + " | " + markdownEscape(m_s.typeNameOf(i)) + " | "
                + std::to_string(m_s.size(i)) + " | " + std::to_string(m_tree.retainedSize(i)) + " | "
                + std::to_string(m_s.refcount(i)) + " | "
                + (site.empty()
                        ? std::string()
                        : markdownEscape(std::string(m_s.string(site[0].file)) + ':' + std::to_string(site[0].line)))
                + " | ";
            if (creators) {
                const NativeCreator creator = nativeCreator(m_s, i);
                if (creator.frame != kNoNativeFrame)
                    m_out += markdownEscape(formatNativeFrame(m_s, m_s.nativeFrame(creator.frame)));
                m_out += " | ";
            }
            m_out += markdownEscape(elideUtf8(m_s.repr(i), 120)) + " |\n";
        }
        if (rows < m_analysis.suspectCount())
            m_out += "\n… " + std::to_string(m_analysis.suspectCount() - rows)
                + " more suspects (the JSON and CSV reports list them all).\n";
    }

    const HeapAnalysis& m_analysis;
    const Snapshot& m_s;
    const DominatorTree& m_tree;
    const MarkdownReportOptions& m_options;
    std::string m_out;
};

} // namespace

std::string markdownEscape(std::string_view raw)
{
    const std::string clean = cleanText(raw);
    std::string out;
    out.reserve(clean.size() + clean.size() / 8);
    // The punctuation that starts markup in the middle of a line (emphasis, code, links and images,
    // HTML, table cells, strikethrough); the text is never at the start of a line where "-", "+" or
    // "1." would make a list.
    static const char kSpecial[] = "\\`*_[]<>|#~";
    for (char c : clean) {
        if (c == '&')
            out += "&amp;";
        else if (c == '\n' || c == '\t')
            out += ' ';
        else if (std::strchr(kSpecial, c) && c != '\0')
            (out += '\\') += c;
        else
            out += c;
    }
    return out;
}

std::string markdownReport(
    const HeapAnalysis& analysis, const DominatorTree& tree, const MarkdownReportOptions& options)
{
    return MarkdownWriter(analysis, tree, options).write();
}

} // namespace leakscope
