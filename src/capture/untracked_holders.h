#pragma once

#include "explainers.h"

namespace leakscope::capture {

// Explains candidates held through references that objects the collector does not track keep, and
// that no tracked object's tp_traverse reports:
// - the items of numpy arrays of dtype object (and the object fields of structured dtypes): arrays
//   are not gc objects and no traverse reads their data buffer. Kind "array-item", the holder being
//   the array;
// - a numpy array's .base, and the references an untracked container (a tuple or dict the
//   collector stopped tracking while its items were atomic) reports through its tp_traverse. Kind
//   "untracked-holder".
// Untracked objects reached that way are followed in turn until nothing new is found (an array
// whose .base is an array whose .base holds a candidate), each object once: O(objects + references
// followed). Those outside the snapshot are handed to later explainers through
// ExplainContext::addReached(), so the conservative scan reads their memory too. A holder the
// candidate itself holds does not explain it (a cycle through an array keeps itself alive).
// Reads memory and calls tp_traverse only: no Python code runs, no Python object is allocated.
void explainUntrackedHolders(ExplainContext& context);

} // namespace leakscope::capture
