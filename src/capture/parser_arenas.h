#pragma once

#include "explainers.h"

namespace leakscope::capture {

// The list a parser arena (PyArena, Python/pyarena.c) keeps of the objects made while parsing: the
// identifiers and constants of the code being run. PyRun_FileExFlags and PyRun_StringFlags keep the
// arena of the __main__ module (`python3 script.py`, `python3 -c`) until that code returns, as a local
// of their C frame, so while the script runs its list is referred to by nothing but a C stack. Found
// by reading the main thread's stack ([stack] in /proc/self/maps) for a pointer to memory laid out as
// an arena: {first block, current block, the candidate list}, the first block's ab_mem pointing just
// past its own header. Kind "frame" (what the C code that entered a frame holds). Reads memory only,
// every pointer checked against the readable mappings first.
void explainParserArenas(ExplainContext& context);

} // namespace leakscope::capture
