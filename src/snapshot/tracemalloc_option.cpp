#include "tracemalloc_option.h"

#include <charconv>

namespace leakscope {

namespace {

constexpr std::string_view kOption = "--tracemalloc";

} // namespace

std::optional<unsigned> parseTracemallocOption(std::string_view arg)
{
    if (arg == kOption)
        return kDefaultTracemallocDepth;
    if (!arg.starts_with(kOption) || arg.size() == kOption.size() || arg[kOption.size()] != '=')
        return std::nullopt;
    const std::string_view text = arg.substr(kOption.size() + 1);
    unsigned depth = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), depth);
    if (error != std::errc() || end != text.data() + text.size() || depth < 1 || depth > kMaxTracemallocDepth)
        return 0u;
    return depth;
}

std::string tracemallocDepthError(std::string_view arg)
{
    const std::string_view text = arg.size() > kOption.size() ? arg.substr(kOption.size() + 1) : std::string_view();
    return "--tracemalloc takes a depth from 1 to " + std::to_string(kMaxTracemallocDepth) + ", not '" + std::string(text)
        + "'";
}

} // namespace leakscope
