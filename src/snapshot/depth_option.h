#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leakscope {

// The shape `--tracemalloc[=DEPTH]` and `--native-traces[=DEPTH]` share: `option` alone asks for
// defaultDepth, `option=DEPTH` for DEPTH. nullopt when arg is another argument; 0 when DEPTH is not a
// whole number from 1 to maxDepth (written in plain decimal digits: no sign, no spaces).
std::optional<unsigned> parseDepthOption(
    std::string_view arg, std::string_view option, unsigned defaultDepth, unsigned maxDepth);

// The usage error for an arg parseDepthOption() answered 0 for:
// "OPTION takes a depth from 1 to MAX, not 'DEPTH'".
std::string depthOptionError(std::string_view arg, std::string_view option, unsigned maxDepth);

} // namespace leakscope
