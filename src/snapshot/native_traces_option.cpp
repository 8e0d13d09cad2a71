#include "native_traces_option.h"

#include "depth_option.h"

namespace leakscope {

namespace {

constexpr std::string_view kOption = "--native-traces";

} // namespace

std::optional<unsigned> parseNativeTracesOption(std::string_view arg)
{
    return parseDepthOption(arg, kOption, kDefaultNativeTraceDepth, kMaxNativeTraceDepth);
}

std::string nativeTracesDepthError(std::string_view arg)
{
    return depthOptionError(arg, kOption, kMaxNativeTraceDepth);
}

} // namespace leakscope
