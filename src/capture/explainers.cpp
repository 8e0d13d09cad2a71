#include "explainers.h"

#include "type_origin.h"

#include "interpreter_roots.h"
#include "pyobject_access.h"
#include "structural_repr.h"
#include "snapshot/analysis.h"

#include <algorithm>
#include <unordered_set>

namespace leakscope::capture {

namespace {

std::string typeName(PyTypeObject* type)
{
    std::string module, qualname;
    typeNames(type, module, qualname);
    return module + "." + qualname;
}

// Every ready type, found through tp_subclasses from object down; no Python code runs.
std::vector<PyTypeObject*> allTypes()
{
    std::vector<PyTypeObject*> types{&PyBaseObject_Type};
    std::unordered_set<PyTypeObject*> seen{&PyBaseObject_Type};
    for (std::size_t next = 0; next < types.size(); ++next) {
        PyObject* subclasses = types[next]->tp_subclasses;
        if (!subclasses || !PyDict_Check(subclasses))
            continue;
        Py_ssize_t pos = 0;
        PyObject* key;
        PyObject* ref;
        while (PyDict_Next(subclasses, &pos, &key, &ref)) {
            if (!PyWeakref_Check(ref))
                continue;
            PyObject* subclass = PyWeakref_GET_OBJECT(ref);
            if (subclass != Py_None && PyType_Check(subclass)
                && seen.insert(reinterpret_cast<PyTypeObject*>(subclass)).second)
                types.push_back(reinterpret_cast<PyTypeObject*>(subclass));
        }
    }
    return types;
}

} // namespace

ExplainContext::ExplainContext(std::span<PyObject* const> listed, std::span<const std::uint64_t> outside,
                               const std::vector<ObjectIndex>& candidates, std::span<const TypeIndex> objectTypes,
                               std::span<const TypeRecord> types)
    : m_listed(listed)
    , m_outside(outside)
    , m_candidates(candidates)
    , m_objectTypes(objectTypes)
    , m_types(types)
{
    m_byObject.reserve(candidates.size() * 2);
    for (ObjectIndex index : candidates) // gc objects, and untracked orphans among the outside rows
        m_byObject.emplace(object(index), index);
}

std::int64_t ExplainContext::candidateIndex(PyObject* object) const
{
    auto it = m_byObject.find(object);
    return it == m_byObject.end() ? -1 : static_cast<std::int64_t>(it->second);
}

void ExplainContext::explain(PyObject* object, ExplanationKind kind, std::string detail, ObjectIndex holder,
                             std::uint32_t holderOffset)
{
    if (!object)
        return;
    const std::int64_t index = candidateIndex(object);
    if (index >= 0)
        explainIndex(static_cast<ObjectIndex>(index), kind, std::move(detail), holder, holderOffset);
}

void ExplainContext::explainIndex(ObjectIndex index, ExplanationKind kind, std::string detail, ObjectIndex holder,
                                  std::uint32_t holderOffset)
{
    m_explained.try_emplace(index, Explained{kind, std::move(detail), holder, holderOffset});
}

void ExplainContext::store(SnapshotColumns& columns, StringPoolBuilder& strings)
{
    columns.explanations.clear();
    for (auto& [index, e] : m_explained)
        columns.explanations.push_back({index, strings.intern(explanationKindName(e.kind)), strings.intern(e.detail), e.holder, e.holderOffset});
    std::sort(columns.explanations.begin(), columns.explanations.end(),
              [](const ExplanationRecord& a, const ExplanationRecord& b) { return a.object < b.object; });
}

Baseline baselineOf(const Snapshot& snapshot)
{
    Baseline baseline;
    const HeapAnalysis analysis(snapshot);
    for (ObjectIndex i : analysis.candidates())
        baseline.candidates.emplace_back(snapshot.address(i), snapshot.type(snapshot.typeOf(i)).address);
    std::sort(baseline.candidates.begin(), baseline.candidates.end());
    return baseline;
}

void explainTypeInternals(ExplainContext& context)
{
    for (PyTypeObject* type : allTypes()) {
        const bool isStatic = !(type->tp_flags & Py_TPFLAGS_HEAPTYPE);
        if (context.candidateIndex(type->tp_subclasses) >= 0)
            context.explain(type->tp_subclasses, ExplanationKind::TypeInternals,
                            "tp_subclasses of " + typeName(type) + " (no tp_traverse visits it)");
        if (!isStatic)
            continue; // type_traverse reports a heap type's other slots
        const std::pair<PyObject*, const char*> slots[] = {
            {type->tp_dict, "tp_dict"}, {type->tp_mro, "tp_mro"}, {type->tp_bases, "tp_bases"}, {type->tp_cache, "tp_cache"}};
        for (const auto& [slot, name] : slots) {
            if (context.candidateIndex(slot) >= 0)
                context.explain(slot, ExplanationKind::TypeInternals,
                                std::string(name) + " of static type " + typeName(type) + " (held by the C struct)");
        }
    }
}

void explainModuleCopies(ExplainContext& context)
{
    PyObject* modules = PyImport_GetModuleDict(); // borrowed, no allocation
    if (!modules || !PyDict_Check(modules))
        return;
    Py_ssize_t pos = 0;
    PyObject* name;
    PyObject* module;
    while (PyDict_Next(modules, &pos, &name, &module)) {
        if (!PyModule_Check(module))
            continue;
        PyModuleDef* def = PyModule_GetDef(module);
        if (!def || !def->m_base.m_copy)
            continue;
        std::string text;
        if (PyUnicode_Check(name))
            appendUnicode(text, name, 200);
        context.explain(def->m_base.m_copy, ExplanationKind::ModuleCopy,
                        "copy of single-phase extension module " + text
                            + "'s dict, kept in PyModuleDef.m_base.m_copy to re-initialise it");
    }
}

namespace {

std::string text(PyObject* str, std::size_t limit = 200)
{
    std::string out;
    if (str && PyUnicode_Check(str))
        appendUnicode(out, str, limit);
    return out;
}

// "process() at /srv/app/jobs.py:42" for a frame, "process() in /srv/app/jobs.py" for a code object.
std::string codeText(PyCodeObject* code, int line)
{
    std::string out = text(code->co_qualname) + "()";
    out += line > 0 ? " at " : " in ";
    out += text(code->co_filename, 400);
    if (line > 0)
        out += ":" + std::to_string(line);
    return out;
}

std::string threadText(unsigned long thread)
{
    return thread == PyThread_get_thread_ident() ? std::string("the capturing thread")
                                                  : "thread " + std::to_string(thread);
}

} // namespace

namespace {

struct EntryFrame
{
    unsigned long thread;
    PyObject* function;
    std::vector<PyObject*> arguments;
    bool outermost;
};

// The callable of a frame that C code entered, and the tuple of its arguments, which that C code holds
// (for the outermost frame of a thread, _thread's thread_run() does, in the start-up state it
// allocated, until the thread ends). A candidate is the callable when it is the frame's function, or a
// method binding it to the frame's first argument, and the argument tuple when its items are the
// frame's arguments from the first or the second on.
void explainEntryFrames(ExplainContext& context)
{
    std::vector<EntryFrame> entries;
    leakscope_visit_thread_entries(
        [](void* arg, unsigned long thread, PyObject* function, PyObject* const* arguments, int count, int outermost) {
            static_cast<std::vector<EntryFrame>*>(arg)->push_back(
                {thread, function, {arguments, arguments + count}, outermost != 0});
        },
        &entries);
    if (entries.empty())
        return;
    auto argumentsMatch = [](PyObject* tuple, const EntryFrame& entry, std::size_t first) {
        const auto size = static_cast<std::size_t>(PyTuple_GET_SIZE(tuple));
        if (size == 0 || first + size > entry.arguments.size())
            return false;
        for (std::size_t i = 0; i < size; ++i) {
            if (PyTuple_GET_ITEM(tuple, i) != entry.arguments[first + i])
                return false;
        }
        return true;
    };
    KindCache kinds;
    for (ObjectIndex index : context.candidates()) {
        if (context.isExplained(index))
            continue;
        PyObject* object = context.object(index);
        for (const EntryFrame& entry : entries) {
            const bool function = object == entry.function;
            const bool method = !function && PyMethod_Check(object) && PyMethod_GET_FUNCTION(object) == entry.function
                && !entry.arguments.empty() && PyMethod_GET_SELF(object) == entry.arguments[0];
            const bool arguments = !function && !method && PyTuple_CheckExact(object)
                && (argumentsMatch(object, entry, 0) || argumentsMatch(object, entry, 1));
            if (!function && !method && !arguments)
                continue;
            std::string callable = "?";
            if (PyFunction_Check(entry.function))
                callable = text(reinterpret_cast<PyFunctionObject*>(entry.function)->func_qualname);
            if (method) {
                // Its structural repr says what it is bound to (a Thread by its name and state).
                callable.clear();
                appendStructuralRepr(callable, object, kinds);
            }
            const char* role = arguments ? "the argument tuple" : "the callable";
            if (entry.outermost)
                context.explainIndex(index, ExplanationKind::ThreadState,
                                     "held by _thread's start-up state for " + threadText(entry.thread) + ": " + role
                                         + " of the thread, " + callable);
            else
                context.explainIndex(index, ExplanationKind::Frame,
                                     "held by the C code that called " + callable + " on " + threadText(entry.thread)
                                         + ", still executing: " + role);
            break;
        }
    }
}

} // namespace

void explainInterpreterRoots(ExplainContext& context)
{
    leakscope_visit_interpreter_roots(
        [](void* arg, PyObject* object, const char* where) {
            static_cast<ExplainContext*>(arg)->explain(object, ExplanationKind::InterpreterRoot,
                                                       std::string("held by the interpreter state: ") + where);
        },
        &context);
}

void explainTracemallocFilenames(ExplainContext& context)
{
    if (!leakscope_tracemalloc_tracing())
        return;
    // Any function of libpython names the library to search.
    const std::uintptr_t table = OriginResolver::instance().symbolAddress(
        reinterpret_cast<const void*>(&PyObject_Malloc), "tracemalloc_filenames");
    leakscope_visit_tracemalloc_filenames(
        reinterpret_cast<const void*>(table),
        [](void* arg, PyObject* object, const char* where) {
            static_cast<ExplainContext*>(arg)->explain(object, ExplanationKind::InterpreterRoot,
                                                       std::string("held by ") + where);
        },
        &context);
}

void explainThreadRoots(ExplainContext& context)
{
    leakscope_visit_thread_roots(
        [](void* arg, unsigned long thread, PyObject* object, const char* where) {
            static_cast<ExplainContext*>(arg)->explain(object, ExplanationKind::ThreadState,
                                                       std::string("held by ") + where + " (" + threadText(thread) + ")");
        },
        &context);
    leakscope_visit_frame_roots(
        [](void* arg, unsigned long thread, PyCodeObject* code, int line, int slot, PyObject* object, const char* where) {
            auto& context = *static_cast<ExplainContext*>(arg);
            if (context.candidateIndex(object) < 0)
                return; // the strings below are built for candidates only
            std::string detail = "held by ";
            if (slot >= 0 && slot < code->co_nlocalsplus && PyTuple_Check(code->co_localsplusnames)
                && slot < PyTuple_GET_SIZE(code->co_localsplusnames))
                detail += "local variable '" + text(PyTuple_GET_ITEM(code->co_localsplusnames, slot)) + "'";
            else
                detail += where;
            detail += " of the executing frame " + codeText(code, line) + " (" + threadText(thread) + ")";
            context.explain(object, ExplanationKind::Frame, std::move(detail));
        },
        &context);
    explainEntryFrames(context);
}

void explainCodeConstants(ExplainContext& context)
{
    // Code objects of the snapshot (functions refer to theirs) are untracked, so they are among the
    // outside objects; nested code objects are reached through constants.
    struct Pending
    {
        PyObject* constant;
        PyCodeObject* code;  // whose co_consts holds it (directly or inside a constant tuple)
        ObjectIndex holder;  // the code object of the snapshot it was reached from
    };
    std::vector<Pending> pending;
    std::unordered_set<PyObject*> seen;
    const std::size_t listed = context.listed().size();
    for (std::size_t k = 0; k < context.outsideCount(); ++k) {
        // The type column first: most outside objects are not code, and their memory stays untouched.
        const auto index = static_cast<ObjectIndex>(listed + k);
        if (context.typeOf(index) != &PyCode_Type)
            continue;
        PyObject* object = context.object(index);
        if (!seen.insert(object).second)
            continue;
        auto* code = reinterpret_cast<PyCodeObject*>(object);
        pending.push_back({code->co_consts, code, static_cast<ObjectIndex>(listed + k)});
    }
    while (!pending.empty()) {
        const Pending next = pending.back();
        pending.pop_back();
        PyObject* constant = next.constant;
        if (!constant)
            continue;
        if (context.candidateIndex(constant) >= 0)
            context.explain(constant, ExplanationKind::CodeConstant,
                            (constant == next.code->co_consts ? "co_consts of the code object " : "a constant of the code object ")
                                + codeText(next.code, 0),
                            next.holder);
        if (PyCode_Check(constant)) {
            if (seen.insert(constant).second) {
                auto* code = reinterpret_cast<PyCodeObject*>(constant);
                pending.push_back({code->co_consts, code, next.holder});
            }
        } else if (PyTuple_CheckExact(constant)) {
            // co_consts itself, and constant tuples nested in it (a tuple of code objects, say).
            if (constant == next.code->co_consts || seen.insert(constant).second) {
                for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(constant); ++i)
                    pending.push_back({PyTuple_GET_ITEM(constant, i), next.code, next.holder});
            }
        } else if (PyFrozenSet_CheckExact(constant) && seen.insert(constant).second) {
            Py_ssize_t position = 0;
            PyObject* item;
            Py_hash_t hash;
            while (_PySet_NextEntry(constant, &position, &item, &hash))
                pending.push_back({item, next.code, next.holder});
        }
    }
}

void explainBaseline(ExplainContext& context, const Baseline& baseline)
{
    if (baseline.candidates.empty())
        return;
    for (ObjectIndex index : context.candidates()) {
        PyObject* object = context.object(index);
        const std::pair<std::uint64_t, std::uint64_t> key{reinterpret_cast<std::uintptr_t>(object),
                                                          reinterpret_cast<std::uintptr_t>(Py_TYPE(object))};
        if (std::binary_search(baseline.candidates.begin(), baseline.candidates.end(), key))
            context.explainIndex(index, ExplanationKind::Startup, "already unreferenced before the script started (interpreter start-up)");
    }
}

} // namespace leakscope::capture
