// RulePattern: the glob or regular expression of one condition of an ignore rule.

#include "ignore_rules.h"

#include "ignore_rule_internal.h"

#include <stdexcept>

namespace leakscope {

namespace {

// Bytes of the character at text[i]: a whole UTF-8 sequence, or 1 for a byte that does not start a
// valid one, so "?" and "*" step over characters, not bytes, and still terminate on any input.
std::size_t characterLength(std::string_view text, std::size_t i)
{
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 1;
    if (i + length > text.size())
        return 1;
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
            return 1;
    }
    return length;
}

} // namespace

RulePattern RulePattern::glob(std::string text)
{
    RulePattern pattern;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '*') {
            if (pattern.m_glob.empty() || pattern.m_glob.back().kind != GlobItem::Any)
                pattern.m_glob.push_back({GlobItem::Any});
        } else if (c == '?') {
            pattern.m_glob.push_back({GlobItem::One});
        } else {
            // A backslash quotes the next byte; a trailing one stands for itself.
            const bool quotes = c == '\\' && i + 1 < text.size();
            pattern.m_glob.push_back({GlobItem::Byte, quotes ? text[++i] : c});
        }
    }
    pattern.m_text = std::move(text);
    return pattern;
}

RulePattern RulePattern::regex(std::string text)
{
    RulePattern pattern;
    try {
        pattern.m_regex = Pattern::compile(text);
    } catch (const PatternError& error) {
        throw std::invalid_argument("bad regular expression \"" + rules::shown(text) + "\": " + error.what());
    }
    pattern.m_text = std::move(text);
    return pattern;
}

Pattern::Result RulePattern::match(std::string_view text) const
{
    if (m_regex)
        return m_regex->search(text);
    return globMatches(text) ? Pattern::Result::Match : Pattern::Result::NoMatch;
}

bool RulePattern::globMatches(std::string_view text) const
{
    // Greedy with backtracking to the last "*" only: O(text × pattern), no recursion, so a glob needs
    // no limit.
    constexpr std::size_t kNone = std::size_t(-1);
    std::size_t p = 0, t = 0, star = kNone, starText = 0;
    while (t < text.size()) {
        if (p < m_glob.size()) {
            const GlobItem& item = m_glob[p];
            if (item.kind == GlobItem::Any) {
                star = p++;
                starText = t;
                continue;
            }
            if (item.kind == GlobItem::One || item.byte == text[t]) {
                t += item.kind == GlobItem::One ? characterLength(text, t) : 1;
                ++p;
                continue;
            }
        }
        if (star == kNone)
            return false;
        // The last "*" takes one more character and the rest of the pattern tries again after it.
        p = star + 1;
        starText += characterLength(text, starText);
        t = starText;
    }
    while (p < m_glob.size() && m_glob[p].kind == GlobItem::Any)
        ++p;
    return p == m_glob.size();
}

} // namespace leakscope
