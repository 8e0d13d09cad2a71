#include "tracemalloc_option.h"

#include "depth_option.h"

namespace leakscope {

namespace {

constexpr std::string_view kOption = "--tracemalloc";

} // namespace

std::optional<unsigned> parseTracemallocOption(std::string_view arg)
{
    return parseDepthOption(arg, kOption, kDefaultTracemallocDepth, kMaxTracemallocDepth);
}

std::string tracemallocDepthError(std::string_view arg)
{
    return depthOptionError(arg, kOption, kMaxTracemallocDepth);
}

} // namespace leakscope
