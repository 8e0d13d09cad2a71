#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leakscope {

// `--native-traces[=DEPTH]`, which leakscope, leakscope-cli report and run, and leakscope-host take:
// record the native (C) call stack of every object allocation while the script runs, keeping DEPTH
// frames, so that each candidate can name the C function that created it. Independent of
// --tracemalloc, which records the Python stack. Snapshots record the depth
// (SnapshotInfo::nativeTraceDepth); the recorder (capture/native_traces.h) keeps at most the maximum.
inline constexpr unsigned kDefaultNativeTraceDepth = 16;
inline constexpr unsigned kMaxNativeTraceDepth = 256;

// nullopt when arg is not this option; else the depth it asks for (kDefaultNativeTraceDepth without
// "=DEPTH"), or 0 when DEPTH is not a whole number from 1 to kMaxNativeTraceDepth.
std::optional<unsigned> parseNativeTracesOption(std::string_view arg);

// The usage error for an arg parseNativeTracesOption() answered 0 for:
// "--native-traces takes a depth from 1 to 256, not 'x'".
std::string nativeTracesDepthError(std::string_view arg);

} // namespace leakscope
