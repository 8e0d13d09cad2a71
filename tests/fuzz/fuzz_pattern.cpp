// The one regular expression dialect (pattern.h: PCRE2 with match limits) and the globs of ignore
// rules, on any pattern and text: what a rules file and the GUI's filter box hand them. The first
// input byte holds the options, then the pattern up to the first zero byte, then the text. A search
// must end within its limits (libFuzzer's -timeout catches one that does not) and must not throw.

#include "fuzz_support.h"

#include "snapshot/ignore_rules.h"
#include "snapshot/pattern.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace leakscope;
    if (size == 0)
        return 0;
    const bool caseless = data[0] & 1;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t split = rest.find('\0');
    const std::string_view source = rest.substr(0, split);
    const std::string_view text = split == std::string_view::npos ? std::string_view() : rest.substr(split + 1);

    const RulePattern glob = RulePattern::glob(std::string(source));
    (void)glob.match(text);
    (void)glob.match(source);
    // A glob without wildcards or backslashes is the text itself.
    if (source.find_first_of("*?\\") == std::string_view::npos)
        fuzz::check(glob.matches(source), "a glob without wildcards does not match its own text");

    try {
        const Pattern pattern = Pattern::compile(source, {.caseless = caseless});
        fuzz::check(pattern.source() == source && pattern.options().caseless == caseless,
                    "a compiled pattern forgot its source or options");
        const Pattern::Result result = pattern.search(text);
        const Pattern copy = pattern; // copies share the compiled code and answer alike
        fuzz::check(copy.search(text) == result, "a copy of a pattern answers differently");
        (void)pattern.search(source);
        (void)pattern.search({});
    } catch (const PatternError& error) {
        fuzz::check(error.offset() <= source.size() && !error.reason().empty(),
                    "a pattern error past the pattern or without a reason");
    }
    return 0;
}
