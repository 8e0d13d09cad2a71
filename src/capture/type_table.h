#pragma once

#include <Python.h>

#include "snapshot/snapshot.h"

#include <cstdint>
#include <unordered_map>

namespace leakscope::capture {

// Assigns a TypeIndex to each distinct type object met during a capture and records its names.
class TypeTable
{
public:
    TypeTable(std::vector<TypeRecord>& types, StringPoolBuilder& strings)
        : m_types(types)
        , m_strings(strings)
    {
    }

    TypeIndex indexOf(PyTypeObject* type)
    {
        // Objects of a few types alternate in a heap, so a small direct-mapped cache answers most calls.
        CacheSlot& slot = m_cache[(reinterpret_cast<std::uintptr_t>(type) >> 4) % kCacheSize];
        if (slot.type == type)
            return slot.index;
        auto [it, inserted] = m_index.try_emplace(type, static_cast<TypeIndex>(m_types.size()));
        if (inserted) {
            m_types.push_back(describe(type));
            m_objects.push_back(type);
        }
        slot = {type, it->second};
        return it->second;
    }

    // The type object of each index, alive while the capture runs.
    PyTypeObject* typeAt(TypeIndex index) const { return m_objects[index]; }
    std::size_t size() const { return m_objects.size(); }

    // Fills in every type's library, symbol and source line (OriginResolver, cached per process).
    void resolveOrigins();

private:
    TypeRecord describe(PyTypeObject* type);
    std::vector<PyTypeObject*> m_objects;

    std::vector<TypeRecord>& m_types;
    StringPoolBuilder& m_strings;
    std::unordered_map<PyTypeObject*, TypeIndex> m_index;
    struct CacheSlot
    {
        PyTypeObject* type = nullptr;
        TypeIndex index = 0;
    };
    static constexpr std::size_t kCacheSize = 61; // prime: type objects are aligned alike
    CacheSlot m_cache[kCacheSize];
};

} // namespace leakscope::capture
