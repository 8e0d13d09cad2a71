#pragma once

#include "explainers.h"

namespace leakscope::capture {

// Explains the candidates no other explainer covered by looking for their address, word by word,
// in memory that holds references no tp_traverse reports (LeakSanitizer's idea):
// - each snapshot object's own memory, minus the words that are borrowed or stale by design
//   (weak-reference links, frames, generator frames, set tables, bytecode caches): kind
//   "c-field", the holder being that object and the offset that of the word;
// - the state of each module whose definition gives it one (PyModuleDef.m_size): kind
//   "module-state", the holder being the module and the offset that of the word in its state;
// - the static data (.data, .bss) of every loaded library and of the executable, except the
//   capture's own and CPython's _PyRuntime: kind "c-static", with the library and the nearest
//   symbol in the detail.
// A word only explains a candidate when the object holding it is not itself held by the candidate
// (a pointer back to a parent) and, when it is another unexplained candidate, when that chain of
// holders does not loop back without a holder from outside: each such group keeps one suspect.
// Reads memory only: no Python code runs, no Python object is allocated, no reference is taken.
// See docs/explanations.md.
void explainByConservativeScan(ExplainContext& context);

} // namespace leakscope::capture
