#pragma once

#include <Python.h>

#include "snapshot/snapshot.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace leakscope::capture {

// What explainers see of a capture in progress: the listed gc objects (alive: the capture holds
// them), which of them are candidates, and a place to say why a candidate is legitimate. Runs with
// the GIL held, after the walk; explainers must not run Python code or allocate Python objects.
class ExplainContext
{
public:
    ExplainContext(PyObject* const* listed, const std::vector<ObjectIndex>& candidates);

    // The candidate's index, or -1 when the object is not a candidate.
    std::int64_t candidateIndex(PyObject* object) const;
    const std::vector<ObjectIndex>& candidates() const { return m_candidates; }
    PyObject* object(ObjectIndex listedIndex) const { return m_listed[listedIndex]; }

    // Records why object is legitimate if it is a candidate and has no explanation yet.
    void explain(PyObject* object, std::string_view kind, std::string detail);
    void explainIndex(ObjectIndex index, std::string_view kind, std::string detail);

    // Moves the explanations into the columns, sorted by object.
    void store(SnapshotColumns& columns, StringPoolBuilder& strings);

private:
    PyObject* const* m_listed;
    const std::vector<ObjectIndex>& m_candidates;
    std::unordered_map<PyObject*, ObjectIndex> m_byObject;
    std::unordered_map<ObjectIndex, std::pair<std::string, std::string>> m_explained;
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

// Candidates that were candidates already before the script started, at the same address with the
// same type: objects the interpreter created for itself.
void explainBaseline(ExplainContext& context, const Baseline& baseline);

} // namespace leakscope::capture
