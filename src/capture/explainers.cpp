#include "explainers.h"

#include "pyobject_access.h"
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

ExplainContext::ExplainContext(std::span<PyObject* const> listed, std::span<PyObject* const> outside,
                               const std::vector<ObjectIndex>& candidates)
    : m_listed(listed)
    , m_outside(outside)
    , m_candidates(candidates)
{
    m_byObject.reserve(candidates.size() * 2);
    for (ObjectIndex index : candidates)
        m_byObject.emplace(listed[index], index);
}

std::int64_t ExplainContext::candidateIndex(PyObject* object) const
{
    auto it = m_byObject.find(object);
    return it == m_byObject.end() ? -1 : static_cast<std::int64_t>(it->second);
}

void ExplainContext::explain(PyObject* object, std::string_view kind, std::string detail, ObjectIndex holder,
                             std::uint32_t holderOffset)
{
    if (!object)
        return;
    const std::int64_t index = candidateIndex(object);
    if (index >= 0)
        explainIndex(static_cast<ObjectIndex>(index), kind, std::move(detail), holder, holderOffset);
}

void ExplainContext::explainIndex(ObjectIndex index, std::string_view kind, std::string detail, ObjectIndex holder,
                                  std::uint32_t holderOffset)
{
    m_explained.try_emplace(index, Explained{std::string(kind), std::move(detail), holder, holderOffset});
}

void ExplainContext::store(SnapshotColumns& columns, StringPoolBuilder& strings)
{
    columns.explanations.clear();
    for (auto& [index, e] : m_explained)
        columns.explanations.push_back({index, strings.intern(e.kind), strings.intern(e.detail), e.holder, e.holderOffset});
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
            context.explain(type->tp_subclasses, "type-internals",
                            "tp_subclasses of " + typeName(type) + " (no tp_traverse visits it)");
        if (!isStatic)
            continue; // type_traverse reports a heap type's other slots
        const std::pair<PyObject*, const char*> slots[] = {
            {type->tp_dict, "tp_dict"}, {type->tp_mro, "tp_mro"}, {type->tp_bases, "tp_bases"}, {type->tp_cache, "tp_cache"}};
        for (const auto& [slot, name] : slots) {
            if (context.candidateIndex(slot) >= 0)
                context.explain(slot, "type-internals",
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
        context.explain(def->m_base.m_copy, "module-copy",
                        "copy of single-phase extension module " + text
                            + "'s dict, kept in PyModuleDef.m_base.m_copy to re-initialise it");
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
            context.explainIndex(index, "startup", "already unreferenced before the script started (interpreter start-up)");
    }
}

} // namespace leakscope::capture
