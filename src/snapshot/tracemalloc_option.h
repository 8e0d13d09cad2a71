#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leakscope {

// `--tracemalloc[=DEPTH]`, which leakscope, leakscope-cli report and leakscope-host all take: trace
// allocations from the interpreter's start, keeping DEPTH frames, as python3 -X tracemalloc=DEPTH.
// Snapshots record the depth (SnapshotInfo::tracemallocDepth).
inline constexpr unsigned kDefaultTracemallocDepth = 10;
inline constexpr unsigned kMaxTracemallocDepth = 65535; // the largest depth CPython accepts

// nullopt when arg is not this option; else the depth it asks for (kDefaultTracemallocDepth without
// "=DEPTH"), or 0 when DEPTH is not a whole number from 1 to kMaxTracemallocDepth.
std::optional<unsigned> parseTracemallocOption(std::string_view arg);

// The usage error for an arg parseTracemallocOption() answered 0 for:
// "--tracemalloc takes a depth from 1 to 65535, not 'x'".
std::string tracemallocDepthError(std::string_view arg);

} // namespace leakscope
