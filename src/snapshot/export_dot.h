#pragma once

// The references around one object as a Graphviz DOT graph: what it holds and what holds it, a few
// levels each way, as objgraph's show_refs and show_backrefs draw them. Layout in docs/export.md.
// Qt-free.

#include "analysis.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leakscope {

struct DotOptions
{
    std::size_t depth = 3;      // levels of referents, and of referrers, from the object
    std::size_t maxNodes = 200; // objects drawn at most, the object itself included (at least 1)
};

struct DotExportStats
{
    std::size_t nodes = 0;   // objects drawn
    std::size_t edges = 0;   // references drawn
    std::size_t omitted = 0; // objects within depth left out by maxNodes (a note node says how many)
};

// Appends to out a digraph of center, its referents to options.depth levels and its referrers to as
// many, nearest levels first until options.maxNodes objects are drawn; every reference between
// drawn objects is an edge labelled as the holder holds it (['key'], .attr, [3]). Each node shows
// the type, the address, a short repr and, for a leak candidate, whether it is a suspect; the center
// is highlighted and suspects drawn in red. Text from the heap is escaped for DOT (any byte may be in
// a repr). O(N + E) at worst (the levels are walked to the full depth to count what is left out).
// center must be an object of the snapshot (findObjectAt finds one by address).
DotExportStats writeDotGraph(const HeapAnalysis& analysis, const ReferrerIndex& referrers, ObjectIndex center,
                             const DotOptions& options, std::string& out);

// text as a DOT quoted string: quotes and backslashes escaped, control characters shown as '?',
// invalid UTF-8 as U+FFFD.
std::string dotQuoted(std::string_view text);

// "0x7f3a…", "7f3a…" (hexadecimal) -> the address; nullopt when text is not such a number.
std::optional<std::uint64_t> parseAddress(std::string_view text);

// The object at address, or nullopt. O(N).
std::optional<ObjectIndex> findObjectAt(const Snapshot& snapshot, std::uint64_t address);

} // namespace leakscope
