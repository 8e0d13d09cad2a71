#include "depth_option.h"

#include <charconv>

namespace leakscope {

std::optional<unsigned> parseDepthOption(
    std::string_view arg, std::string_view option, unsigned defaultDepth, unsigned maxDepth)
{
    if (arg == option)
        return defaultDepth;
    if (!arg.starts_with(option) || arg.size() == option.size() || arg[option.size()] != '=')
        return std::nullopt;
    const std::string_view text = arg.substr(option.size() + 1);
    unsigned depth = 0;
    // from_chars takes no '+' and no spaces, and says when the number does not fit.
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), depth);
    if (error != std::errc() || end != text.data() + text.size() || depth < 1 || depth > maxDepth)
        return 0u;
    return depth;
}

std::string depthOptionError(std::string_view arg, std::string_view option, unsigned maxDepth)
{
    const std::string_view text = arg.size() > option.size() ? arg.substr(option.size() + 1) : std::string_view();
    return std::string(option) + " takes a depth from 1 to " + std::to_string(maxDepth) + ", not '"
        + std::string(text) + "'";
}

} // namespace leakscope
