#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace leakscope {

// Why a candidate is legitimate: every kind of explanation the capture records, in the order the
// explainers run. The names are stable: snapshots, reports and ignore rules store them.
// docs/explanations.md says how each is found and why it is legitimate. Adding an explainer adds a
// kind here, with its description.
enum class ExplanationKind : std::uint8_t {
    TypeInternals,
    ModuleCopy,
    InterpreterRoot,
    ThreadState,
    Frame,
    CodeConstant,
    ArrayItem,
    UntrackedHolder,
    Startup,
    CField,
    ModuleState,
    CStatic,
    CText,
};

struct ExplanationKindInfo
{
    ExplanationKind kind;
    std::string_view name;        // "interpreter-root"
    std::string_view description; // one sentence for people, in English
};

// Every kind, in the order above.
std::span<const ExplanationKindInfo> explanationKinds();

std::string_view explanationKindName(ExplanationKind kind);
std::string_view explanationKindDescription(ExplanationKind kind);

// The kind of a stored name; nullopt for a name no explainer writes (a snapshot from another version).
std::optional<ExplanationKind> explanationKindFromName(std::string_view name);

// Kinds whose explanation names a field of the holder that its traverse function does not report:
// a bug of its own in the holder's C code (see untraversedFields()).
constexpr bool isUntraversedField(ExplanationKind kind)
{
    return kind == ExplanationKind::CField || kind == ExplanationKind::ModuleState;
}

} // namespace leakscope
