#pragma once

// What every fuzz target shares: its entry point, as libFuzzer calls it (and the replay driver of the
// normal build, fuzz_replay.cpp), and the failure of a check the target makes beyond "no crash".

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace leakscope::fuzz {

// A broken promise of the code under test (a round trip that changes its input, two paths that
// disagree): reported like a crash, so the fuzzer keeps the input.
[[noreturn]] inline void failCheck(const char* what)
{
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
}

inline void check(bool holds, const char* what)
{
    if (!holds)
        failCheck(what);
}

} // namespace leakscope::fuzz
