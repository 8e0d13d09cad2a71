#pragma once

#include <Python.h>

#include <cstddef>
#include <string>

namespace leakscope::capture {

inline constexpr std::size_t kReprLimit = 120; // code points, "…" included

// Appends a short repr of object built from its structure alone: no __repr__, no attribute lookup,
// no Python allocation. Builtin scalars and containers show their contents (nested containers two
// levels deep), subclasses of them as "module.Type(contents)", types, modules, functions and code
// objects by name. Appends nothing for objects whose best repr is the default "<module.Type at 0x…>",
// which a snapshot derives from its type table instead of storing it.
void appendStructuralRepr(std::string& out, PyObject* object, std::size_t limit = kReprLimit);

} // namespace leakscope::capture
