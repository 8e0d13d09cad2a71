#pragma once

// A snapshot as a V8 heap snapshot (the `.heapsnapshot` JSON that Chrome DevTools' Memory panel
// loads), so its Summary, Containment, Retainers and Comparison views can browse a Python heap.
// Layout, mapping and ids in docs/export.md. Qt-free.

#include "analysis.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace leakscope {

// Receives the output piece by piece (pieces of up to about 1 MiB), in order. May throw; the
// exception leaves the writer.
using ExportSink = std::function<void(std::string_view)>;

// Node fields per node and edge fields per edge in the written file.
inline constexpr std::size_t kHeapSnapshotNodeFields = 7; // type, name, id, self_size, edge_count, trace_node_id, detachedness
inline constexpr std::size_t kHeapSnapshotEdgeFields = 3; // type, name_or_index, to_node

// Ids of the nodes that are not objects of the snapshot. Object ids are odd, these even.
inline constexpr std::uint32_t kHeapSnapshotRootId = 2;
inline constexpr std::uint32_t kHeapSnapshotUnreachedId = 4;

struct HeapSnapshotExportStats
{
    std::size_t nodes = 0;   // objects plus the root (and the "(not reached from a candidate)" node)
    std::size_t edges = 0;   // references plus the root's and that node's edges
    std::size_t strings = 0; // distinct strings
    // Objects no candidate reaches (cycles only C code holds, objects only code objects hold), and
    // the edges of the extra synthetic node that reaches them: one to the first object (by index) of
    // each region of them.
    std::size_t unreached = 0;
    std::size_t unreachedEntries = 0;
    // Objects whose address-derived id another object of this snapshot already had (two addresses a
    // multiple of 32 GiB apart): they got an even id of their own, which another snapshot will not share.
    std::size_t idCollisions = 0;
};

// The id an object at address gets: odd, the same in every snapshot of one process, distinct for any
// two objects less than 32 GiB apart. DevTools reads ids as 32-bit numbers, so the address's bits 4 to
// 34 are kept (objects are at least 16 bytes, so no two start in one 16-byte unit).
constexpr std::uint32_t heapSnapshotId(std::uint64_t address)
{
    return static_cast<std::uint32_t>(((address >> 4) & 0x7FFFFFFFULL) << 1 | 1U);
}

// Writes the whole snapshot as a V8 heap snapshot to sink. Node 0 is a synthetic root whose edges
// reach every leak candidate of the analysis (named "suspect", "explained: KIND" or "ignored"), so
// DevTools puts the candidates at distance 1 and computes retainers and retained sizes from them.
// O(N + E) time; besides the snapshot it holds about 13 bytes per object and the distinct strings.
// Throws std::length_error when the heap is too large for the format's 32-bit node offsets, and
// whatever sink throws.
HeapSnapshotExportStats writeHeapSnapshot(const HeapAnalysis& analysis, const ExportSink& sink);

// The text of a Python str or bytes literal as a structural repr writes it ('text', "it's", with
// \n, \t, \xNN, \uNNNN escapes), into out; a literal the repr cut short ends in "…". False, leaving
// out unspecified, when literal is not such a literal.
bool unquotePythonString(std::string_view literal, std::string& out);

} // namespace leakscope
