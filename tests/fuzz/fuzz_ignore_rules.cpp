// Ignore rules (ignore_rules.h, docs/ignore-rules.md): the text of a rules file, as the CLI's
// --ignore, the GUI's rules file and its editor read it. Every rule that parses must format to one
// line that parses back to a rule formatting the same; then the rules are matched against a small
// snapshot whose reprs are the input's own lines, so the patterns meet texts made for them, and the
// per-object path (firstMatch) must agree with the batch path (firstMatches) and with the analysis.

#include "fuzz_graph.h"
#include "fuzz_support.h"

#include "snapshot/analysis.h"
#include "snapshot/ignore_rules.h"

#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace leakscope;

void checkFormatting(const IgnoreRule& rule)
{
    const std::string line = formatRule(rule);
    fuzz::check(line.find('\n') == std::string::npos, "a formatted rule spans lines");
    const ParsedIgnoreRules again = parseIgnoreRules(line);
    if (!again.errors.empty())
        std::fprintf(stderr, "%s\n", formatRuleError(again.errors.front()).c_str());
    fuzz::check(again.errors.empty() && again.rules.size() == 1, "a formatted rule does not parse back");
    const IgnoreRule& back = again.rules.front();
    fuzz::check(back.conditions.size() == rule.conditions.size(), "a formatted rule lost conditions");
    for (std::size_t k = 0; k < rule.conditions.size(); ++k) {
        const RuleCondition& a = rule.conditions[k];
        const RuleCondition& b = back.conditions[k];
        fuzz::check(a.field == b.field && a.pattern.isRegex() == b.pattern.isRegex() && a.pattern.text() == b.pattern.text(),
                    "a formatted rule parses back to another rule");
    }
    fuzz::check(formatRule(back) == line, "formatting is not stable");
}

// Objects of a few types, each line of the input (at most 16 lines of 200 bytes) the repr of one.
Snapshot subjectSnapshot(std::string_view text)
{
    static const char* const kTypes[] = {"builtins.dict", "builtins.tuple", "numpy.ufunc", "__main__.Request"};
    static const char* const kExplanations[] = {"", "startup", "type-internals", ""};
    std::vector<fuzz::GraphObject> objects;
    for (std::size_t k = 0; k < 16 && !text.empty(); ++k) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, std::min<std::size_t>(end, 200));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        objects.push_back({kTypes[k % 4], std::string(line), kExplanations[k % 4], {}});
    }
    // A type named by the first line itself, for type and module conditions to meet.
    objects.push_back({objects.empty() ? std::string("m.T") : objects.front().repr, "", "", {}});
    return Snapshot(fuzz::graphColumns(objects));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ParsedIgnoreRules parsed = parseIgnoreRules(text, "fuzz.rules");
    for (const RuleError& error : parsed.errors) {
        fuzz::check(error.line >= 1 && !error.message.empty(), "an error without a line or a message");
        fuzz::check(formatRuleError(error).find('\n') == std::string::npos, "an error message spans lines");
    }
    for (const IgnoreRule& rule : parsed.rules) {
        fuzz::check(!rule.conditions.empty(), "a rule without conditions");
        checkFormatting(rule);
    }

    const Snapshot snapshot = subjectSnapshot(text);
    const IgnoreRules rules(std::move(parsed.rules));
    std::vector<ObjectIndex> objects(snapshot.objectCount());
    for (ObjectIndex i = 0; i < objects.size(); ++i)
        objects[i] = i;
    std::vector<RuleLimitHit> limitHits;
    const std::vector<IgnoreMatch> matches = rules.firstMatches(snapshot, objects, &limitHits);
    std::size_t next = 0;
    for (ObjectIndex i = 0; i < objects.size(); ++i) {
        const IgnoreRule* one = rules.firstMatch(snapshot, i);
        const bool batched = next < matches.size() && matches[next].object == i;
        fuzz::check((one != nullptr) == batched, "firstMatch and firstMatches disagree on whether a rule matches");
        if (batched) {
            fuzz::check(one == &rules.rules()[matches[next].rule], "firstMatch and firstMatches pick different rules");
            ++next;
        }
    }
    fuzz::check(next == matches.size(), "firstMatches answered for objects it was not asked about");
    // The analysis every report and view is built on applies the rules to its candidates alike.
    const HeapAnalysis analysis(snapshot, &rules);
    for (ObjectIndex i : analysis.candidates())
        fuzz::check(analysis.ignoredBy(i) == rules.firstMatch(snapshot, i), "the analysis ignores by another rule");
    for (const RuleLimitHit& hit : limitHits) {
        fuzz::check(hit.rule < rules.rules().size() && hit.objects > 0, "a limit hit names no rule or no object");
        fuzz::check(!formatRuleLimitHit(rules.rules()[hit.rule], hit).empty(), "a limit hit without a message");
    }
    return 0;
}
