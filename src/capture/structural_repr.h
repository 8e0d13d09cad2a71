#pragma once

#include <Python.h>

#include "object_kind.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace leakscope::capture {

inline constexpr std::size_t kReprLimit = 120; // code points, "…" included

// Appends a short repr of object built from its structure alone: no __repr__, no attribute lookup,
// no Python allocation. Builtin scalars and containers show their contents (nested containers two
// levels deep; an empty slot of a list or tuple C code has not filled yet as "<NULL>"), subclasses of
// them as "module.Type(contents)", types, modules, functions and code objects by name, bound methods
// as "<bound method Class.name of SELF>" (SELF: what this function writes for it, a thread as its
// repr() would be, else "<module.Type at 0x…>"). Appends nothing for objects whose best repr is the
// default "<module.Type at 0x…>", which a snapshot derives from its type table instead of storing it.
// Reads only immutable parts of builtin objects, calls nothing that needs a Python thread state and
// allocates nothing in Python, so worker threads may run it while the GIL holder does not mutate.
void appendStructuralRepr(std::string& out, PyObject* object, KindCache& cache, std::size_t limit = kReprLimit);

// Python's repr() of a float ("0.1", "1e+16", "-0.0", "nan"), without the interpreter; addDotZero=false
// gives the form complex numbers use for their parts ("3" instead of "3.0").
void appendFloatRepr(std::string& out, double value, bool addDotZero = true);

// The same into a buffer of kFloatReprMax bytes; returns the length written.
inline constexpr std::size_t kFloatReprMax = 32;
std::size_t formatFloatRepr(char* out, double value, bool addDotZero);

} // namespace leakscope::capture
