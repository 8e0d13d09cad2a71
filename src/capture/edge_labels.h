#pragma once

#include <Python.h>

#include "object_kind.h"
#include "snapshot/snapshot.h"

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace leakscope::capture {

// Names the edges of objects whose structure says how they hold each referent, right after the walk
// traversed them: "['key']" for a dict value, "(key)" for a key a dict's traverse visits (non-str
// tables), ".name" for an attribute (inline instance values, __slots__ and C members, __dict__,
// __class__, a function's __globals__, an exception's __traceback__, ...). Lists and tuples need no
// labels, their edge order being their index order, unless they have empty (NULL) slots, which their
// traverse skips: those get "[index]" labels.
//
// tp_traverse gives referents without saying where it found them, so the labeller collects the
// (pointer, label) pairs it can read from the object and matches them to the edges by pointer. Two
// edges to one object are interchangeable, so any order of the pairs gives every edge a correct
// label; the pairs are gathered in traverse order so that a single forward pass usually matches.
// Reads memory only, like the rest of the walk; runs on the GIL holder's thread.
class EdgeLabeler
{
public:
    EdgeLabeler(SnapshotColumns& columns, StringPoolBuilder& strings);
    ~EdgeLabeler();
    EdgeLabeler(const EdgeLabeler&) = delete;
    EdgeLabeler& operator=(const EdgeLabeler&) = delete;

    // Whether this object, just walked, whose traverse visited edgeCount referents, can have labelled
    // edges: checked before referents are gathered.
    bool wants(TypeIndex typeIndex, PyObject* object, std::size_t edgeCount);
    // Records the labels of listed object `owner`, whose referents (edge order) were just walked.
    // Owners come in increasing order; an object none of whose edges has a name records nothing.
    void label(ObjectIndex owner, PyObject* object, TypeIndex typeIndex, std::span<PyObject* const> referents);

private:
    struct Pair
    {
        PyObject* pointer;
        StringId label;
    };
    struct TypeLayout;

    TypeLayout& layoutOf(TypeIndex typeIndex, PyTypeObject* type);
    void gather(PyObject* object, TypeLayout& layout);
    void add(PyObject* pointer, StringId label)
    {
        if (pointer)
            m_pairs.push_back({pointer, label});
    }
    void addDictItems(PyObject* dict);
    // The label "[repr]" of a dict key, or kNoLabel once the capture has made its quota of key labels
    // and this key is not among them.
    StringId keyLabel(PyObject* key);
    static constexpr StringId kNoLabel = UINT32_MAX;
    StringId attributeLabel(PyObject* name);
    StringId indexLabel(std::size_t index); // "[index]"
    void match(std::span<PyObject* const> referents);
    void store(ObjectIndex owner, TypeLayout& layout);

    SnapshotColumns& m_columns;
    StringPoolBuilder& m_strings;
    KindCache m_kinds;
    std::vector<TypeLayout*> m_layouts; // by TypeIndex, made on first use
    std::unordered_map<PyObject*, StringId> m_keyLabels;       // dict key -> "[repr]"
    std::unordered_map<PyObject*, StringId> m_attributeLabels; // str -> ".name"
    std::vector<StringId> m_indexLabels; // index -> "[index]", kNoLabel until made
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> m_runs; // hash -> start, length
    std::vector<Pair> m_pairs;     // of the current owner
    std::vector<StringId> m_run;   // labels of the current owner's edges
    std::vector<std::uint32_t> m_order; // scratch for the unordered match
    std::vector<std::uint32_t> m_next;  // scratch for the unordered match
    struct KeySlot
    {
        PyObject* key = nullptr;
        StringId label = 0;
    };
    static constexpr std::size_t kKeyCacheSize = 1021; // prime: objects share their alignment
    KeySlot m_keyCache[kKeyCacheSize];
    std::string m_text;
    StringId m_keyOfDict = 0; // "(key)"
    StringId m_dictLabel = 0;  // ".__dict__"
    StringId m_classLabel = 0; // ".__class__"
};

} // namespace leakscope::capture
