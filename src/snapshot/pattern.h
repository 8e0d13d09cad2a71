#pragma once

// The one regular expression dialect of LeakScope: PCRE2 (Perl-compatible), used by ignore rules
// (ignore_rules.h) and by the GUI's filter box (models/text_filter.h), so an expression that works in
// one works in the other. Patterns and subjects are UTF-8; a subject's invalid bytes match nothing,
// not even ".".
//
// Every match is bounded: a backtracking matcher can take time exponential in the text ("(a+)+$" on
// a run of a's), and a rule is tried on every candidate, a filter on every row. A search that runs out
// of its limits stops and says so (Result::LimitHit) instead of deciding, so the caller can report
// the expression rather than hang.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace leakscope {

// Why a pattern does not compile. what() is "reason at offset N".
class PatternError : public std::invalid_argument
{
public:
    PatternError(const std::string& reason, std::size_t offset);

    const std::string& reason() const { return m_reason; } // PCRE2's message: "missing closing parenthesis"
    std::size_t offset() const { return m_offset; }         // in characters, where PCRE2 noticed the error

private:
    std::string m_reason;
    std::size_t m_offset;
};

struct PatternOptions
{
    // Case-insensitive, with Unicode case folding ("é" matches "É", "k" matches KELVIN SIGN).
    bool caseless = false;
};

// A compiled regular expression, searched for anywhere in a text. Immutable once compiled; copies
// share the compiled code, and one Pattern may search on several threads at once.
class Pattern
{
public:
    using Options = PatternOptions;

    enum class Result : std::uint8_t {
        NoMatch,
        Match,
        LimitHit, // gave up: a limit below was reached (or memory ran out) before the answer was known
    };

    // Backtracking steps allowed from each position where a match is tried. Ordinary expressions on
    // the texts matched here (names and reprs of at most a few hundred characters) need a few
    // thousand at most; an exponential one reaches the limit within about 0.2 ms compiled to machine
    // code, a few ms interpreted.
    static constexpr std::uint32_t kMatchLimit = 100'000;
    // How deeply the interpreter may nest backtracking points, and the memory it may take for them;
    // the machine-code matcher has a stack of kJitStackBytes instead.
    static constexpr std::uint32_t kDepthLimit = 10'000;
    static constexpr std::uint32_t kHeapLimitKiB = 32 * 1024;
    static constexpr std::size_t kJitStackBytes = std::size_t(1) << 20;

    // Throws PatternError when source is not a valid expression (or not valid UTF-8).
    static Pattern compile(std::string_view source, Options options = {});

    Result search(std::string_view text) const;
    // search() == Result::Match: a search that hit its limit does not match.
    bool matches(std::string_view text) const { return search(text) == Result::Match; }

    const std::string& source() const; // as given to compile()
    Options options() const;

private:
    struct Code;

    explicit Pattern(std::shared_ptr<const Code> code);

    std::shared_ptr<const Code> m_code; // never null
};

} // namespace leakscope
