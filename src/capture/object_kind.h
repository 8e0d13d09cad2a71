#pragma once

#include <Python.h>

#include <cstddef>
#include <cstdint>

namespace leakscope::capture {

// What LeakScope knows about a type's instances: which builtin they are or derive from.
enum class ObjectKind : std::uint8_t {
    Other, Str, Int, Bool, Float, Complex, Bytes, ByteArray, Tuple, List, Dict, Set, FrozenSet,
    Type, Module, Function, CFunction, Code, Singleton, Method,
};

struct KindOf
{
    ObjectKind kind = ObjectKind::Other;
    bool exact = false; // the builtin type itself, not a subclass
};

KindOf classify(PyTypeObject* type);

// Remembers the kind of recently seen types: a capture asks for every object, and subclass checks walk
// the MRO. One per thread: it is not synchronised.
class KindCache
{
public:
    KindOf lookup(PyTypeObject* type)
    {
        Slot& slot = m_slots[(reinterpret_cast<std::uintptr_t>(type) >> 4) % kSlots];
        if (slot.type != type)
            slot = {type, classify(type)};
        return slot.kind;
    }

private:
    struct Slot
    {
        PyTypeObject* type = nullptr;
        KindOf kind;
    };
    static constexpr std::size_t kSlots = 61; // prime: type objects share their alignment
    Slot m_slots[kSlots];
};

} // namespace leakscope::capture
