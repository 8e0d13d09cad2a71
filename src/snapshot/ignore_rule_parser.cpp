// The rules file: its text to IgnoreRules with line numbers and errors, and rules back to canonical
// text (docs/ignore-rules.md).

#include "ignore_rules.h"

#include "ignore_rule_internal.h"
#include "text.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace leakscope {

namespace {

// A rules file is a few hundred lines written by hand; anything this large is something else.
constexpr std::size_t kMaxFileBytes = std::size_t(4) << 20;

constexpr std::string_view kRegexPrefix = "re:";

constexpr RuleField kFields[] = {RuleField::Type, RuleField::Module, RuleField::Repr, RuleField::Explanation};

// A stray carriage return separates words too, so that a pattern can never end in one that the
// CRLF handling would later strip; inside quotes it is text like any other character.
bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

std::optional<RuleField> fieldNamed(std::string_view word)
{
    for (RuleField field : kFields) {
        if (ruleFieldName(field) == word)
            return field;
    }
    return std::nullopt;
}

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
            return "unknown field '" + rules::shown(name) + "' (use type, module, repr or explanation)";
        if (!field) {
            return "unknown field '" + rules::shown(name) + "' after the pattern of '"
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

} // namespace

std::string rules::shown(std::string_view text)
{
    std::string out = elideUtf8(text, 40);
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            c = '?';
    }
    return out;
}

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
