#pragma once

// Ignore rules: candidates the user has judged legitimate, described by their type, module, repr or
// explanation kind and kept in a text file (docs/ignore-rules.md). A candidate a rule matches stays a
// candidate and stays in reports, with the rule that matched, but is no longer a suspect.

#include "pattern.h"
#include "snapshot.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

// What a condition looks at.
enum class RuleField : std::uint8_t {
    Type,        // the type's qualified name, "numpy.ufunc"
    Module,      // the type's module, "numpy"
    Repr,        // Snapshot::repr(), "<numpy.ufunc at 0x…>" or a structural repr
    Explanation, // the explanation's kind, "startup"; a candidate without one never matches
};

// "type", "module", "repr", "explanation": the word that names the field in a rules file.
std::string_view ruleFieldName(RuleField field);

// A glob matched against the whole text ("*" any run of characters, "?" one character, "\" makes the
// next character literal), or a regular expression (pattern.h: PCRE2, case-sensitive, with its match
// limit) searched for anywhere in the text.
class RulePattern
{
public:
    static RulePattern glob(std::string text);
    // Throws std::invalid_argument "bad regular expression \"text\": reason at offset N" when the
    // expression does not compile.
    static RulePattern regex(std::string text);

    // Pattern::Result::LimitHit only for a regular expression that ran out of its match limit.
    Pattern::Result match(std::string_view text) const;
    // match() == Match: a text on which the limit was hit does not match.
    bool matches(std::string_view text) const { return match(text) == Pattern::Result::Match; }
    const std::string& text() const { return m_text; } // as written, without "re:" and quotes
    bool isRegex() const { return m_regex.has_value(); }

private:
    struct GlobItem
    {
        enum Kind : std::uint8_t { Byte, One, Any } kind = Byte;
        char byte = 0; // for Byte
    };

    RulePattern() = default;
    bool globMatches(std::string_view text) const;

    std::string m_text;
    std::vector<GlobItem> m_glob;
    std::optional<Pattern> m_regex; // copies share the compiled code
};

struct RuleCondition
{
    RuleField field = RuleField::Type;
    RulePattern pattern;
};

struct IgnoreRule
{
    std::vector<RuleCondition> conditions; // all must hold; never empty
    std::string source;                    // the file, as it was named to the parser; may be empty
    std::size_t line = 0;                  // 1-based
};

// The rule's canonical text, one line that parses back to the same rule: its conditions in order,
// single-spaced, patterns quoted only where they must be, e.g. `type builtins.tuple repr "(<built-in*"`.
// Comments and extra spaces of the original line are not kept.
std::string formatRule(const IgnoreRule& rule);

struct RuleError
{
    std::string source;
    std::size_t line = 0; // 1-based
    std::string message;
};

// "source:line", or "line N" without a source: where a rule or an error is, for messages and reports.
std::string formatRuleLocation(std::string_view source, std::size_t line);

// "source:line: message", or "line N: message" without a source.
std::string formatRuleError(const RuleError& error);

struct ParsedIgnoreRules
{
    std::vector<IgnoreRule> rules; // the lines that parsed, in file order
    std::vector<RuleError> errors; // one per line that did not; those lines make no rule
};

// Parses the text of a rules file. source names it in errors and in the rules. Never throws on bad
// input: a bad line is reported and skipped, the others still count.
ParsedIgnoreRules parseIgnoreRules(std::string_view text, std::string_view source = {});

// Reads and parses the file at path (named by path in the rules and errors). Throws
// std::runtime_error "cannot read ignore rules 'path': reason" when it cannot be read.
ParsedIgnoreRules readIgnoreRulesFile(const std::string& path);

// The first rule (by index into IgnoreRules::rules()) that matches an object.
struct IgnoreMatch
{
    ObjectIndex object = 0;
    std::uint32_t rule = 0;
};

// A rule that could not be decided on some objects because one of its regular expressions hit its
// match limit (Pattern::kMatchLimit) while every other condition held or was undecided too. For those
// objects the rule counts as not matching, so they stay suspects unless a later rule matches them.
struct RuleLimitHit
{
    std::uint32_t rule = 0;       // index into IgnoreRules::rules()
    std::size_t objects = 0;      // how many objects it was undecided on
    ObjectIndex firstObject = 0;  // the first of them, in the order asked about
};

// "source:line: a regular expression of this rule hit its match limit on N objects; the rule did not
// ignore them", for warnings next to formatRuleError()'s.
std::string formatRuleLimitHit(const IgnoreRule& rule, const RuleLimitHit& hit);

// An ordered list of rules, usually from one or more files; the first rule that matches wins.
class IgnoreRules
{
public:
    IgnoreRules() = default;
    explicit IgnoreRules(std::vector<IgnoreRule> rules);

    void append(std::vector<IgnoreRule> rules);
    const std::vector<IgnoreRule>& rules() const { return m_rules; }
    bool empty() const { return m_rules.empty(); }

    // For each of objects, in the same order, that some rule matches: the first rule that does. Type
    // and module conditions are decided once per type present; reprs are read only for objects whose
    // type passed a rule with a repr condition. O(types × rules + objects × rules), each regular
    // expression bounded by its match limit. When limitHits is given, it is set to the rules that hit
    // the limit on objects no earlier rule matched, in rule order (empty when none did).
    std::vector<IgnoreMatch> firstMatches(const Snapshot& snapshot, std::span<const ObjectIndex> objects,
                                          std::vector<RuleLimitHit>* limitHits = nullptr) const;
    // The same for one object, in O(rules); null when no rule matches.
    const IgnoreRule* firstMatch(const Snapshot& snapshot, ObjectIndex object,
                                 std::vector<RuleLimitHit>* limitHits = nullptr) const;

private:
    std::vector<IgnoreRule> m_rules;
};

// Where the user's rules are kept: "$XDG_CONFIG_HOME/leakscope/ignore-rules", or
// "$HOME/.config/leakscope/ignore-rules" when XDG_CONFIG_HOME is unset, empty or relative (as the XDG
// base directory specification asks); empty when neither variable gives an absolute folder.
std::string defaultIgnoreRulesPath();
std::string defaultIgnoreRulesPath(const char* xdgConfigHome, const char* home);

} // namespace leakscope
