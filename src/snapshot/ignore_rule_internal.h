#pragma once

// What the ignore rule sources (ignore_rule_*.cpp) share beyond the public ignore_rules.h.

#include <string>
#include <string_view>

namespace leakscope::rules {

// Text from the rules file, fit to quote in a one-line message on a terminal: elided, control
// characters replaced.
std::string shown(std::string_view text);

} // namespace leakscope::rules
