#pragma once

#include "analysis.h"
#include "explanation_kinds.h"
#include "snapshot.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace leakscope {

// A place in C memory that keeps objects alive without telling the collector: a field of a type (or a
// module's state) that holds references its tp_traverse (or m_traverse) does not report. Not a leak,
// but a bug of its own: a cycle through such a field can never be collected, and every object it holds
// looks orphaned to a gc-based tool. Found from the conservative scan's explanations of the kinds
// isUntraversedField() accepts (c-field and module-state, which name the holder and the offset).
struct UntraversedField
{
    ExplanationKind kind = ExplanationKind::CField; // or ModuleState
    TypeIndex holderType = 0;     // type of the objects whose memory holds the references
    std::uint32_t offset = 0;     // byte offset of the field in those objects (or in the module state)
    ObjectIndex module = kNoObject; // for ModuleState: the module; grouped per module, not per type
    std::size_t objects = 0;      // candidates held there
    std::size_t holders = 0;      // distinct holders
    ObjectIndex exampleHolder = kNoObject;
    ObjectIndex exampleObject = kNoObject;
};

// One entry per (kind, holder type, offset) — per (module, offset) for module state — most objects
// first. O(explanations).
std::vector<UntraversedField> untraversedFields(const Snapshot& snapshot);

// Candidates and suspects per library behind their type (TypeRecord::library; string 0 gathers the
// types with no library: classes defined in Python, and types whose origin is unknown).
struct LibraryRow
{
    StringId library = 0;
    std::size_t candidates = 0;
    std::size_t suspects = 0;
};

// Most suspects first, then most candidates, then by library name. O(candidates + types).
std::vector<LibraryRow> candidatesByLibrary(const HeapAnalysis& analysis);

// The file name of a library path: "plantleak.cpython-311-x86_64-linux-gnu.so".
std::string_view libraryBaseName(std::string_view path);

} // namespace leakscope
