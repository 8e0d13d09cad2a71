#include "held_by_check.h"

#include "pyobject_access.h"

#include <cstdint>

namespace leakscope::capture {

bool HeldByCheck::holds(PyObject* from, PyObject* to)
{
    m_target = to;
    m_found = false;
    for (std::size_t slot : m_used)
        m_seen[slot] = nullptr;
    m_used.clear();
    m_level.assign(1, from);
    m_visited = 0;
    for (int depth = 0; depth < kDepth && !m_level.empty() && !m_found; ++depth) {
        m_next.clear();
        for (PyObject* object : m_level) {
            if (m_found || m_visited++ >= kBudget)
                break;
            if (PyType_Check(object) || !isGcObject(object))
                continue;
            if (traverseproc traverse = Py_TYPE(object)->tp_traverse)
                traverse(object, &HeldByCheck::visit, this);
        }
        m_level.swap(m_next);
    }
    return m_found;
}

int HeldByCheck::visit(PyObject* referent, void* arg)
{
    auto* self = static_cast<HeldByCheck*>(arg);
    if (!referent)
        return 0; // a traverse function that visits an empty slot
    if (referent == self->m_target) {
        self->m_found = true;
        return 1; // stops the traversal
    }
    if (self->m_next.size() < kBudget && self->firstSight(referent))
        self->m_next.push_back(referent);
    return 0;
}

bool HeldByCheck::firstSight(PyObject* object)
{
    std::size_t slot = (reinterpret_cast<std::uintptr_t>(object) >> 4) & (kSeenSlots - 1);
    for (std::size_t probes = 0; probes < kSeenSlots; ++probes, slot = (slot + 1) & (kSeenSlots - 1)) {
        if (m_seen[slot] == object)
            return false;
        if (!m_seen[slot]) {
            m_seen[slot] = object;
            m_used.push_back(slot);
            return true;
        }
    }
    return false;
}

} // namespace leakscope::capture
