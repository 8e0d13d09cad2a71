#include "export_dot.h"

#include "text.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace leakscope {

namespace {

constexpr std::size_t kReprCodePoints = 48;
constexpr std::size_t kEdgeLabelCodePoints = 32;
constexpr std::size_t kTypeCodePoints = 60;

// Appends text escaped for the inside of a DOT quoted string.
void appendEscaped(std::string& out, std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        std::uint32_t codePoint = 0;
        const std::size_t length = decodeUtf8(text, i, codePoint);
        if (length == 0) {
            out += "\uFFFD";
            ++i;
            continue;
        }
        if (length == 1) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (u < 0x20 || u == 0x7F) {
                out += '?';
            } else {
                out += c;
            }
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
}

enum class Side : std::uint8_t { Center, Referent, Referrer };

struct Drawn
{
    ObjectIndex object = 0;
    Side side = Side::Center;
    std::uint32_t level = 0;
};

std::string candidateLine(const HeapAnalysis& analysis, ObjectIndex i)
{
    const Snapshot& snapshot = analysis.snapshot();
    if (!analysis.isCandidate(i))
        return {};
    if (const ExplanationRecord* explanation = snapshot.explanation(i))
        return "candidate, explained: " + std::string(snapshot.string(explanation->kind));
    if (analysis.ignoredBy(i))
        return "candidate, ignored by a rule";
    return "SUSPECT (leak candidate nothing explains)";
}

void appendNode(std::string& out, const HeapAnalysis& analysis, const Drawn& node)
{
    const Snapshot& snapshot = analysis.snapshot();
    const ObjectIndex i = node.object;
    out += "  n";
    out += std::to_string(i);
    out += " [label=\"";
    appendEscaped(out, elideUtf8(snapshot.typeNameOf(i), kTypeCodePoints));
    out += "\\n";
    appendEscaped(out, formatAddress(snapshot.address(i)));
    const std::string_view repr = snapshot.storedRepr(i);
    if (!repr.empty()) {
        out += "\\n";
        appendEscaped(out, elideUtf8(repr, kReprCodePoints));
    }
    const std::string status = candidateLine(analysis, i);
    if (!status.empty()) {
        out += "\\n";
        appendEscaped(out, status);
    }
    out += '"';
    const bool suspect = analysis.isSuspect(i);
    if (node.side == Side::Center) {
        out += ", style=\"filled,bold\", penwidth=3, fillcolor=\"#ffe599\"";
        if (suspect)
            out += ", color=\"#cc0000\"";
    } else if (suspect) {
        out += ", style=filled, color=\"#cc0000\", fillcolor=\"#f4cccc\"";
    } else if (analysis.isCandidate(i)) {
        out += ", style=filled, fillcolor=\"#d9ead3\"";
    }
    out += "];\n";
}

} // namespace

DotExportStats writeDotGraph(const HeapAnalysis& analysis, const ReferrerIndex& referrers, ObjectIndex center,
                             const DotOptions& options, std::string& out)
{
    const Snapshot& snapshot = analysis.snapshot();
    const std::size_t n = snapshot.objectCount();
    const std::size_t maxNodes = std::max<std::size_t>(options.maxNodes, 1);

    // Bit 0: reached by referents, bit 1: by referrers, bit 2: drawn, bit 3: counted within depth.
    enum : std::uint8_t { ByReferents = 1, ByReferrers = 2, IsDrawn = 4, Counted = 8 };
    std::vector<std::uint8_t> marks(n, 0);
    std::vector<Drawn> drawn{{center, Side::Center, 0}};
    marks[center] = ByReferents | ByReferrers | IsDrawn | Counted;
    std::size_t within = 1;

    std::vector<ObjectIndex> forward{center};
    std::vector<ObjectIndex> backward{center};
    std::vector<ObjectIndex> next;
    auto visit = [&](ObjectIndex v, std::uint8_t bit, Side side, std::uint32_t level) {
        if (marks[v] & bit)
            return;
        marks[v] |= bit;
        next.push_back(v);
        if (!(marks[v] & Counted)) {
            marks[v] |= Counted;
            ++within;
        }
        if (!(marks[v] & IsDrawn) && drawn.size() < maxNodes) {
            marks[v] |= IsDrawn;
            drawn.push_back({v, side, level});
        }
    };
    // Level by level, referents before referrers, so the nearest objects are drawn first when the
    // cap cuts the graph.
    for (std::uint32_t level = 1; level <= options.depth && (!forward.empty() || !backward.empty()); ++level) {
        next.clear();
        for (const ObjectIndex u : forward) {
            for (const ObjectIndex v : snapshot.referents(u))
                visit(v, ByReferents, Side::Referent, level);
        }
        forward.swap(next);
        next.clear();
        for (const ObjectIndex u : backward) {
            for (const ObjectIndex v : referrers.referrers(u))
                visit(v, ByReferrers, Side::Referrer, level);
        }
        backward.swap(next);
    }

    DotExportStats stats;
    stats.nodes = drawn.size();
    stats.omitted = within - drawn.size();

    out += "digraph leakscope {\n";
    out += "  graph [labelloc=t, fontsize=12, label=";
    std::string title = "References around " + formatAddress(snapshot.address(center)) + " ("
        + std::string(snapshot.typeNameOf(center)) + "): referents and referrers to depth "
        + std::to_string(options.depth);
    if (!snapshot.info().label.empty())
        title += ", snapshot '" + snapshot.info().label + "'";
    out += dotQuoted(title);
    out += "];\n";
    out += "  node [shape=box, fontname=\"monospace\", fontsize=10];\n";
    out += "  edge [fontname=\"monospace\", fontsize=9];\n";
    for (const Drawn& node : drawn)
        appendNode(out, analysis, node);
    for (const Drawn& node : drawn) {
        const ObjectIndex u = node.object;
        const std::span<const ObjectIndex> held = snapshot.referents(u);
        for (std::uint32_t j = 0; j < held.size(); ++j) {
            const ObjectIndex v = held[j];
            if (!(marks[v] & IsDrawn))
                continue;
            out += "  n";
            out += std::to_string(u);
            out += " -> n";
            out += std::to_string(v);
            const std::string label = edgeName(snapshot, u, j);
            if (!label.empty()) {
                out += " [label=";
                out += dotQuoted(elideUtf8(label, kEdgeLabelCodePoints));
                out += ']';
            }
            out += ";\n";
            ++stats.edges;
        }
    }
    if (stats.omitted > 0) {
        out += "  omitted [shape=note, style=filled, fillcolor=\"#eeeeee\", label=";
        out += dotQuoted(std::to_string(stats.omitted) + (stats.omitted == 1 ? " more object" : " more objects")
                         + " within depth " + std::to_string(options.depth)
                         + " not drawn (at most " + std::to_string(maxNodes) + " objects)");
        out += "];\n";
    }
    out += "}\n";
    return stats;
}

std::string dotQuoted(std::string_view text)
{
    std::string out = "\"";
    appendEscaped(out, text);
    out += '"';
    return out;
}

std::optional<std::uint64_t> parseAddress(std::string_view text)
{
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        text.remove_prefix(2);
    if (text.empty() || text.size() > 16)
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<ObjectIndex> findObjectAt(const Snapshot& snapshot, std::uint64_t address)
{
    const std::size_t n = snapshot.objectCount();
    for (ObjectIndex i = 0; i < n; ++i) {
        if (snapshot.address(i) == address)
            return i;
    }
    return std::nullopt;
}

} // namespace leakscope
