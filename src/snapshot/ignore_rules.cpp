#include "ignore_rules.h"

#include "text.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <stdexcept>

namespace leakscope {

namespace {

// A rules file is a few hundred lines written by hand; anything this large is something else.
constexpr std::size_t kMaxFileBytes = std::size_t(4) << 20;

// See regexSizeError(): far above any hand-written rule, far below libstdc++'s 100 000 NFA states.
constexpr std::size_t kMaxRegexSize = 1000;

constexpr std::string_view kRegexPrefix = "re:";

constexpr RuleField kFields[] = {RuleField::Type, RuleField::Module, RuleField::Repr, RuleField::Explanation};

// A stray carriage return separates words too, so that a pattern can never end in one that the
// CRLF handling would later strip; inside quotes it is text like any other character.
bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

// Text from the rules file, fit to quote in a one-line message on a terminal.
std::string shown(std::string_view text)
{
    std::string out = elideUtf8(text, 40);
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            c = '?';
    }
    return out;
}

std::optional<RuleField> fieldNamed(std::string_view word)
{
    for (RuleField field : kFields) {
        if (ruleFieldName(field) == word)
            return field;
    }
    return std::nullopt;
}

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

// An upper estimate of the automaton a regular expression compiles to: one unit per character, each
// braced repetition multiplying what it repeats. Matching costs time in proportion to that size for
// every candidate tested, and "(a?){5000}" fits in 10 characters, so the size is what must be bounded.
// Returns a message when the expression is too large; the estimate need not parse exactly, since
// std::regex rejects what is malformed.
std::string regexSizeError(std::string_view re)
{
    constexpr std::size_t kCap = kMaxRegexSize + 1; // saturate instead of overflowing
    std::vector<std::size_t> open{0};               // size so far of each open group
    std::size_t last = 0;                           // size of the last atom: what a repetition repeats
    auto add = [&](std::size_t size) {
        last = size;
        open.back() = std::min(open.back() + size, kCap);
    };
    for (std::size_t i = 0; i < re.size(); ++i) {
        const char c = re[i];
        if (c == '\\') {
            ++i;
            add(1);
        } else if (c == '[') {
            for (++i; i < re.size() && re[i] != ']'; ++i)
                i += re[i] == '\\';
            add(1);
        } else if (c == '(') {
            open.push_back(0);
        } else if (c == ')' && open.size() > 1) {
            const std::size_t group = open.back();
            open.pop_back();
            add(group);
        } else if (c == '{') {
            // "{n}" repeats n times, "{n,m}" up to m, "{n,}" n times and then any number more.
            auto number = [&](std::size_t& j) -> std::optional<std::size_t> {
                std::optional<std::size_t> value;
                for (; j < re.size() && re[j] >= '0' && re[j] <= '9'; ++j)
                    value = std::min(value.value_or(0) * 10 + std::size_t(re[j] - '0'), kCap);
                return value;
            };
            std::size_t j = i + 1;
            const auto low = number(j);
            std::optional<std::size_t> high = low;
            if (low && j < re.size() && re[j] == ',') {
                ++j;
                high = number(j);
                if (!high)
                    high = *low + 1;
            }
            if (!low || j == re.size() || re[j] != '}') {
                add(1); // not a repetition: std::regex decides what it is
                continue;
            }
            i = j;
            if (*high > 1)
                open.back() = std::min(open.back() + std::min(last * (*high - 1), kCap), kCap);
        } else {
            add(1);
        }
    }
    std::size_t total = 0;
    for (std::size_t size : open)
        total = std::min(total + size, kCap);
    if (total <= kMaxRegexSize)
        return {};
    return "regular expression too large once its repetitions are expanded (at most "
        + std::to_string(kMaxRegexSize) + " steps)";
}

std::string regexErrorText(const std::regex_error& error)
{
    namespace rc = std::regex_constants;
    switch (error.code()) {
    case rc::error_collate: return "invalid collating element";
    case rc::error_ctype: return "invalid character class";
    case rc::error_escape: return "invalid escape";
    case rc::error_backref: return "back-references are not supported";
    case rc::error_brack: return "unmatched '['";
    case rc::error_paren: return "unmatched parenthesis";
    case rc::error_brace: return "unmatched '{'";
    case rc::error_badbrace: return "invalid repetition count in {}";
    case rc::error_range: return "invalid character range";
    case rc::error_space: return "too large";
    case rc::error_badrepeat: return "'*', '+', '?' or '{' with nothing to repeat";
    case rc::error_complexity: return "too complex (back-references are not supported)";
    case rc::error_stack: return "too complex";
    default: break;
    }
    return error.what();
}

// libstdc++'s breadth-first executor matches in time polynomial in the text and automaton sizes,
// where the default backtracking one is exponential on patterns like "(a*)*b"; it refuses
// back-references at compile time, which regexErrorText() reports. Other standard libraries
// backtrack: there the short texts (a repr is at most 120 characters) and regexSizeError() are the
// only bounds.
constexpr auto kRegexFlags = std::regex::ECMAScript | std::regex::nosubs | std::regex::optimize
#if defined(__GLIBCXX__)
    | std::regex_constants::__polynomial
#endif
    ;

bool needsQuotes(const RulePattern& pattern)
{
    const std::string& text = pattern.text();
    return text.empty() || text.front() == '"' || text.front() == '#'
        || std::any_of(text.begin(), text.end(), isBlank) || (!pattern.isRegex() && text.starts_with(kRegexPrefix));
}

// Reads one line of a rules file into conditions; returns what is wrong with it, or an empty string.
std::string parseLine(std::string_view line, std::vector<RuleCondition>& conditions)
{
    std::size_t at = 0;
    auto atEnd = [&] {
        while (at < line.size() && isBlank(line[at]))
            ++at;
        return at == line.size() || line[at] == '#';
    };
    auto bareWord = [&] {
        const std::size_t start = at;
        while (at < line.size() && !isBlank(line[at]))
            ++at;
        return line.substr(start, at - start);
    };
    while (!atEnd()) {
        const std::string_view name = bareWord();
        const auto field = fieldNamed(name);
        if (!field && conditions.empty())
            return "unknown field '" + shown(name) + "' (use type, module, repr or explanation)";
        if (!field) {
            return "unknown field '" + shown(name) + "' after the pattern of '"
                + std::string(ruleFieldName(conditions.back().field)) + "' (a pattern with spaces must be quoted)";
        }
        if (atEnd())
            return "'" + std::string(name) + "' needs a pattern";
        const bool regex = line.substr(at).starts_with(kRegexPrefix);
        if (regex)
            at += kRegexPrefix.size();
        std::string text;
        if (at < line.size() && line[at] == '"') {
            bool closed = false;
            for (++at; at < line.size() && !closed;) {
                char c = line[at++];
                if (c == '"') {
                    closed = true;
                    continue;
                }
                if (c == '\\' && at < line.size() && (line[at] == '"' || line[at] == '\\'))
                    c = line[at++];
                text += c;
            }
            if (!closed)
                return "the pattern of '" + std::string(name) + "' has no closing quote";
            if (at < line.size() && !isBlank(line[at]))
                return "a space must follow the closing quote of the pattern of '" + std::string(name) + "'";
        } else {
            text = bareWord();
            if (regex && text.empty())
                return "'" + std::string(name) + " re:' needs a regular expression";
        }
        try {
            conditions.push_back(
                {*field, regex ? RulePattern::regex(std::move(text)) : RulePattern::glob(std::move(text))});
        } catch (const std::invalid_argument& error) {
            return error.what();
        }
    }
    return {};
}

// An object's repr and explanation kind, each looked up the first time a condition asks for it.
class ObjectFacts
{
public:
    ObjectFacts(const Snapshot& snapshot, ObjectIndex object, std::string& buffer)
        : m_snapshot(snapshot)
        , m_object(object)
        , m_buffer(buffer)
    {
    }

    std::string_view repr()
    {
        if (!m_repr) {
            m_repr = m_snapshot.storedRepr(m_object);
            if (m_repr->empty()) {
                // Only the default "<module.Type at 0x…>" form is built, and only for objects whose
                // type passed a rule with a repr condition.
                m_buffer = m_snapshot.repr(m_object);
                m_repr = m_buffer;
            }
        }
        return *m_repr;
    }

    const ExplanationRecord* explanation()
    {
        if (!m_explanationKnown) {
            m_explanation = m_snapshot.explanation(m_object);
            m_explanationKnown = true;
        }
        return m_explanation;
    }

private:
    const Snapshot& m_snapshot;
    ObjectIndex m_object;
    std::string& m_buffer;
    std::optional<std::string_view> m_repr;
    const ExplanationRecord* m_explanation = nullptr;
    bool m_explanationKnown = false;
};

bool matchesType(const IgnoreRule& rule, const Snapshot& snapshot, TypeIndex type)
{
    for (const RuleCondition& condition : rule.conditions) {
        if (condition.field == RuleField::Type && !condition.pattern.matches(snapshot.typeName(type)))
            return false;
        if (condition.field == RuleField::Module
            && !condition.pattern.matches(snapshot.string(snapshot.type(type).module)))
            return false;
    }
    return true;
}

// The conditions on the object itself; explanations first, as they are cheaper than reprs.
bool matchesObject(const IgnoreRule& rule, const Snapshot& snapshot, ObjectFacts& facts)
{
    for (const RuleCondition& condition : rule.conditions) {
        if (condition.field != RuleField::Explanation)
            continue;
        const ExplanationRecord* explanation = facts.explanation();
        if (!explanation || !condition.pattern.matches(snapshot.string(explanation->kind)))
            return false;
    }
    for (const RuleCondition& condition : rule.conditions) {
        if (condition.field == RuleField::Repr && !condition.pattern.matches(facts.repr()))
            return false;
    }
    return true;
}

} // namespace

struct RulePattern::Regex
{
    std::regex expression;
};

std::string_view ruleFieldName(RuleField field)
{
    switch (field) {
    case RuleField::Type: return "type";
    case RuleField::Module: return "module";
    case RuleField::Repr: return "repr";
    case RuleField::Explanation: return "explanation";
    }
    return "?";
}

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
    if (auto error = regexSizeError(text); !error.empty())
        throw std::invalid_argument(error);
    RulePattern pattern;
    try {
        pattern.m_regex = std::make_shared<const Regex>(Regex{std::regex(text, kRegexFlags)});
    } catch (const std::regex_error& error) {
        throw std::invalid_argument("bad regular expression \"" + shown(text) + "\": " + regexErrorText(error));
    }
    pattern.m_text = std::move(text);
    return pattern;
}

bool RulePattern::matches(std::string_view text) const
{
    if (m_regex)
        return std::regex_search(text.begin(), text.end(), m_regex->expression);

    // Greedy with backtracking to the last "*" only: O(text × pattern), no recursion.
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

std::string formatRule(const IgnoreRule& rule)
{
    std::string out;
    for (const RuleCondition& condition : rule.conditions) {
        if (!out.empty())
            out += ' ';
        out += ruleFieldName(condition.field);
        out += ' ';
        if (condition.pattern.isRegex())
            out += kRegexPrefix;
        if (!needsQuotes(condition.pattern)) {
            out += condition.pattern.text();
            continue;
        }
        // Only where the parser would read an escape: regular expressions keep their own backslashes.
        const std::string& text = condition.pattern.text();
        out += '"';
        for (std::size_t k = 0; k < text.size(); ++k) {
            const bool escapes = k + 1 == text.size() || text[k + 1] == '"' || text[k + 1] == '\\';
            if (text[k] == '"' || (text[k] == '\\' && escapes))
                out += '\\';
            out += text[k];
        }
        out += '"';
    }
    return out;
}

std::string formatRuleLocation(std::string_view source, std::size_t line)
{
    return source.empty() ? "line " + std::to_string(line) : std::string(source) + ':' + std::to_string(line);
}

std::string formatRuleError(const RuleError& error)
{
    return formatRuleLocation(error.source, error.line) + ": " + error.message;
}

ParsedIgnoreRules parseIgnoreRules(std::string_view text, std::string_view source)
{
    ParsedIgnoreRules parsed;
    if (text.starts_with("\xEF\xBB\xBF")) // the byte order mark some editors write
        text.remove_prefix(3);
    for (std::size_t number = 1; !text.empty(); ++number) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        IgnoreRule rule;
        if (std::string error = parseLine(line, rule.conditions); !error.empty()) {
            parsed.errors.push_back({std::string(source), number, std::move(error)});
        } else if (!rule.conditions.empty()) {
            rule.source = source;
            rule.line = number;
            parsed.rules.push_back(std::move(rule));
        }
    }
    return parsed;
}

ParsedIgnoreRules readIgnoreRulesFile(const std::string& path)
{
    auto failure = [&](const std::string& reason) {
        return std::runtime_error("cannot read ignore rules '" + path + "': " + reason);
    };
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw failure("it is a directory");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw failure(std::strerror(errno));
    std::string text;
    char chunk[1 << 16];
    while (file.read(chunk, sizeof chunk) || file.gcount() > 0) {
        text.append(chunk, static_cast<std::size_t>(file.gcount()));
        if (text.size() > kMaxFileBytes)
            throw failure("larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB");
    }
    if (file.bad())
        throw failure("read error");
    return parseIgnoreRules(text, path);
}

IgnoreRules::IgnoreRules(std::vector<IgnoreRule> rules)
    : m_rules(std::move(rules))
{
}

void IgnoreRules::append(std::vector<IgnoreRule> rules)
{
    m_rules.insert(m_rules.end(), std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
}

std::vector<IgnoreMatch> IgnoreRules::firstMatches(const Snapshot& snapshot, std::span<const ObjectIndex> objects) const
{
    std::vector<IgnoreMatch> matches;
    if (m_rules.empty())
        return matches;
    // Per type, the rules whose type and module conditions hold, as a range of typeRules; decided
    // when the first object of the type comes by, so types without objects here cost nothing.
    constexpr std::uint32_t kUndecided = UINT32_MAX;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> typeRange(snapshot.typeCount(), {kUndecided, 0});
    std::vector<std::uint32_t> typeRules;
    std::string reprBuffer;
    for (ObjectIndex object : objects) {
        const TypeIndex type = snapshot.typeOf(object);
        auto& [begin, end] = typeRange[type];
        if (begin == kUndecided) {
            begin = static_cast<std::uint32_t>(typeRules.size());
            for (std::uint32_t r = 0; r < m_rules.size(); ++r) {
                if (matchesType(m_rules[r], snapshot, type))
                    typeRules.push_back(r);
            }
            end = static_cast<std::uint32_t>(typeRules.size());
        }
        ObjectFacts facts(snapshot, object, reprBuffer);
        for (std::uint32_t k = begin; k < end; ++k) {
            if (matchesObject(m_rules[typeRules[k]], snapshot, facts)) {
                matches.push_back({object, typeRules[k]});
                break;
            }
        }
    }
    return matches;
}

const IgnoreRule* IgnoreRules::firstMatch(const Snapshot& snapshot, ObjectIndex object) const
{
    std::string reprBuffer;
    ObjectFacts facts(snapshot, object, reprBuffer);
    for (const IgnoreRule& rule : m_rules) {
        if (matchesType(rule, snapshot, snapshot.typeOf(object)) && matchesObject(rule, snapshot, facts))
            return &rule;
    }
    return nullptr;
}

std::string defaultIgnoreRulesPath()
{
    return defaultIgnoreRulesPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
}

std::string defaultIgnoreRulesPath(const char* xdgConfigHome, const char* home)
{
    namespace fs = std::filesystem;
    fs::path folder;
    if (xdgConfigHome && xdgConfigHome[0] == '/')
        folder = xdgConfigHome;
    else if (home && home[0] == '/')
        folder = fs::path(home) / ".config";
    else
        return {};
    return (folder / "leakscope" / "ignore-rules").string();
}

} // namespace leakscope
