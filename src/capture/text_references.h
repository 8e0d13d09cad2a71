#pragma once

#include "explainers.h"
#include "native_trace_source.h"

namespace leakscope::capture {

// Explains the str and bytes candidates that C code keeps alive for their characters: a pointer to the
// text (a compact str's inline characters or UTF-8 buffer, a bytes object's ob_sval), not to the
// object, stored in the static data of a loaded library or of the executable, or in any live
// object-domain allocation when native traces list them. numpy's add_docstring() does this on
// purpose: it takes a reference to each docstring it installs and never releases it, so that the
// method's, getset's or type's `doc` char* stays valid. Kind "c-text". Untracked orphans are the
// only str and bytes candidates, so this matters with native traces. Reads memory only.
void explainTextReferences(ExplainContext& context, const NativeTraceSource* traces);

} // namespace leakscope::capture
