#pragma once

#include <Python.h>

#include "snapshot/explanation_kinds.h"
#include "snapshot/snapshot.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace leakscope::capture {

// What explainers see of a capture in progress: every object of the snapshot (alive: no Python code
// runs until the capture ends), which are candidates, and a place to say why a candidate is
// legitimate. Snapshot indices [0, listed) are the gc-tracked objects, [listed, listed + outside) the
// untracked objects they refer to. Runs with the GIL held, after the walk; explainers must not run
// Python code or allocate Python objects.
class ExplainContext
{
public:
    // objectTypes and types: the capture's type column and table, when known, so that an explainer
    // can learn every object's type without touching its memory.
    // outside: the untracked objects' addresses, in index order (their rows of the address column).
    ExplainContext(std::span<PyObject* const> listed, std::span<const std::uint64_t> outside,
                   const std::vector<ObjectIndex>& candidates, std::span<const TypeIndex> objectTypes = {},
                   std::span<const TypeRecord> types = {});

    // The candidate's index, or -1 when the object is not a candidate.
    std::int64_t candidateIndex(PyObject* object) const;
    const std::vector<ObjectIndex>& candidates() const { return m_candidates; }
    bool isExplained(ObjectIndex index) const { return m_explained.count(index) != 0; }
    std::size_t objectCount() const { return m_listed.size() + m_outside.size(); }
    PyObject* object(ObjectIndex index) const
    {
        return index < m_listed.size()
                   ? m_listed[index]
                   : reinterpret_cast<PyObject*>(static_cast<std::uintptr_t>(m_outside[index - m_listed.size()]));
    }
    std::span<PyObject* const> listed() const { return m_listed; }
    // The type of snapshot object index, from the columns when given (cache-friendly on a big heap).
    PyTypeObject* typeOf(ObjectIndex index) const
    {
        if (index < m_objectTypes.size() && m_objectTypes[index] < m_types.size())
            return reinterpret_cast<PyTypeObject*>(m_types[m_objectTypes[index]].address);
        return Py_TYPE(object(index));
    }
    std::size_t outsideCount() const { return m_outside.size(); }

    // Records why object is legitimate if it is a candidate and has no explanation yet. holder is the
    // snapshot index of an object holding it, where known, and holderOffset the reference's byte
    // offset inside that object.
    void explain(PyObject* object, ExplanationKind kind, std::string detail, ObjectIndex holder = kNoObject,
                 std::uint32_t holderOffset = 0);
    void explainIndex(ObjectIndex index, ExplanationKind kind, std::string detail, ObjectIndex holder = kNoObject,
                      std::uint32_t holderOffset = 0);

    // An untracked object outside the snapshot that an explainer reached through references the
    // snapshot's untracked objects hold (an array's .base, say); later explainers read its memory
    // too. anchor: the snapshot object it was reached from, which explanations name as the holder;
    // via: how it was reached, for a reader ("the .base of numpy.ndarray at 0x7f…").
    struct Reached
    {
        PyObject* object;
        ObjectIndex anchor;
        std::string via;
    };
    void addReached(PyObject* object, ObjectIndex anchor, std::string via)
    {
        m_reached.push_back({object, anchor, std::move(via)});
    }
    const std::vector<Reached>& reached() const { return m_reached; }

    // Moves the explanations into the columns, sorted by object.
    void store(SnapshotColumns& columns, StringPoolBuilder& strings);

private:
    struct Explained
    {
        ExplanationKind kind;
        std::string detail;
        ObjectIndex holder;
        std::uint32_t holderOffset;
    };
    std::span<PyObject* const> m_listed;
    std::span<const std::uint64_t> m_outside;
    const std::vector<ObjectIndex>& m_candidates;
    std::span<const TypeIndex> m_objectTypes;
    std::span<const TypeRecord> m_types;
    std::unordered_map<PyObject*, ObjectIndex> m_byObject;
    std::unordered_map<ObjectIndex, Explained> m_explained;
    std::vector<Reached> m_reached;
};

// Candidates of a capture taken before the user's script ran, identified by object and type address.
struct Baseline
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> candidates; // sorted (address, type address)
};

Baseline baselineOf(const Snapshot& snapshot);

// Internals of types that no tp_traverse reports: tp_dict, tp_mro, tp_bases and tp_cache of static
// types, tp_subclasses of every type.
void explainTypeInternals(ExplainContext& context);

// The dict copy CPython keeps of each single-phase extension module (PyModuleDef.m_base.m_copy) to
// re-initialise it on a later import; only the C struct refers to it.
void explainModuleCopies(ExplainContext& context);

// Objects the interpreter state holds by name (sys.modules, the builtins dict, codec registries,
// atexit callbacks, audit hooks, the _ast module's singletons...): kind "interpreter-root".
void explainInterpreterRoots(ExplainContext& context);

// The filenames tracemalloc keeps alive for its tracebacks (when it traces; found with libpython's
// full symbol table, from python3-dbg's debug file): kind "interpreter-root".
void explainTracemallocFilenames(ExplainContext& context);

// Objects each thread state holds (its dict, contextvars context, exceptions being handled...): kind
// "thread-state"; and what the threads' executing frames hold (functions, locals, value stacks),
// which no tp_traverse reports while a frame runs: kind "frame".
void explainThreadRoots(ExplainContext& context);

// Constants of code objects, recursively through nested code objects and constant tuples: code
// objects are not gc objects on 3.11, so their constants look unreferenced. Kind "code-constant",
// holder the code object of the snapshot that leads to it.
void explainCodeConstants(ExplainContext& context);

// Candidates that were candidates already before the script started, at the same address with the
// same type: objects the interpreter created for itself.
void explainBaseline(ExplainContext& context, const Baseline& baseline);

} // namespace leakscope::capture
