#include "explanation_kinds.h"

#include <array>

namespace leakscope {

namespace {

constexpr std::array<ExplanationKindInfo, 13> kKinds = {{
    {ExplanationKind::TypeInternals, "type-internals",
     "Part of a type: the dict, MRO, bases or cache of a static type, held by its C struct, or a type's map of "
     "subclasses."},
    {ExplanationKind::ModuleCopy, "module-copy",
     "The copy of a single-phase extension module's dict that CPython keeps to initialise the module again."},
    {ExplanationKind::InterpreterRoot, "interpreter-root",
     "Held by the interpreter state (module registries, codecs, warnings, atexit callbacks, audit hooks…), which "
     "no object's tp_traverse reports."},
    {ExplanationKind::ThreadState, "thread-state",
     "Held by a thread's state (its current exception, context, async generator hooks, the callable it was "
     "started with…), outside any object."},
    {ExplanationKind::Frame, "frame",
     "A local variable or value-stack entry of a frame that was executing when the snapshot was taken, or what the "
     "C code that entered such a frame holds."},
    {ExplanationKind::CodeConstant, "code-constant",
     "A constant of a code object: code objects are not tracked by the collector, so their references are not "
     "edges of the graph."},
    {ExplanationKind::ArrayItem, "array-item",
     "An element of a numpy array of dtype object: arrays are not tracked by the collector and no traverse "
     "function reads their data."},
    {ExplanationKind::UntrackedHolder, "untracked-holder",
     "Held by an object the collector does not track: an array's .base, or an untracked container; the details "
     "name it."},
    {ExplanationKind::Startup, "startup",
     "Already unreferenced before the script started: made by the interpreter's start-up."},
    {ExplanationKind::CField, "c-field",
     "Its address is stored in another object's memory, in a field no tp_traverse reports; the details name that "
     "object."},
    {ExplanationKind::ModuleState, "module-state",
     "Held by a module's C state (PyModuleDef.m_size), which its traverse does not report."},
    {ExplanationKind::CStatic, "c-static",
     "Its address is stored in the static data of a loaded library or of the executable: a C global variable."},
    {ExplanationKind::CText, "c-text",
     "A str or bytes whose characters C code points to (a docstring numpy's add_docstring installs): a reference "
     "never released keeps that char* valid on purpose."},
}};

constexpr bool inEnumOrder()
{
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        if (static_cast<std::size_t>(kKinds[i].kind) != i)
            return false;
    }
    return true;
}
static_assert(inEnumOrder(), "kKinds is indexed by ExplanationKind");

} // namespace

std::span<const ExplanationKindInfo> explanationKinds()
{
    return kKinds;
}

std::string_view explanationKindName(ExplanationKind kind)
{
    return kKinds[static_cast<std::size_t>(kind)].name;
}

std::string_view explanationKindDescription(ExplanationKind kind)
{
    return kKinds[static_cast<std::size_t>(kind)].description;
}

std::optional<ExplanationKind> explanationKindFromName(std::string_view name)
{
    for (const ExplanationKindInfo& info : kKinds) {
        if (info.name == name)
            return info.kind;
    }
    return std::nullopt;
}

} // namespace leakscope
