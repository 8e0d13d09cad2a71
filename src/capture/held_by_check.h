#pragma once

#include <Python.h>

#include <cstddef>
#include <vector>

namespace leakscope::capture {

// Whether `to` is among what `from` holds through references tp_traverse reports, a few levels down.
// A reference there that points at `from` is a pointer back (a child's borrowed pointer to its
// parent, or a container only `from` keeps alive): it does not keep `from` alive from outside. Types
// are not followed: every instance reaches its class, and through it its whole module, without
// holding any of it. Reads memory and calls tp_traverse only; needs the GIL. Cheap enough to ask
// once per candidate: a check clears only the slots the previous one used.
class HeldByCheck
{
public:
    bool holds(PyObject* from, PyObject* to);

private:
    static constexpr int kDepth = 3;
    static constexpr std::size_t kBudget = 512;
    static constexpr std::size_t kSeenSlots = 2048; // a power of two, well above kBudget's referents' share

    static int visit(PyObject* referent, void* arg);
    bool firstSight(PyObject* object);

    PyObject* m_target = nullptr;
    bool m_found = false;
    std::size_t m_visited = 0;
    std::vector<PyObject*> m_seen = std::vector<PyObject*>(kSeenSlots, nullptr);
    std::vector<std::size_t> m_used; // slots of m_seen to clear before the next check
    std::vector<PyObject*> m_level, m_next;
};

} // namespace leakscope::capture
