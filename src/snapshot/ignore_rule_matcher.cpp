// IgnoreRules: which rule, if any, ignores each object of a snapshot.

#include "ignore_rules.h"

#include <optional>

namespace leakscope {

namespace {

using Result = Pattern::Result;

// Folds one condition's answer into the rule's answer so far, which starts at Match. A condition that
// does not hold decides the rule whatever the others say, so a limit hit only leaves the rule
// undecided when no other condition rules it out. Returns true once the answer is final.
bool fold(Result& rule, Result condition)
{
    if (condition == Result::NoMatch) {
        rule = Result::NoMatch;
        return true;
    }
    if (condition == Result::LimitHit)
        rule = Result::LimitHit;
    return false;
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

// The type and module conditions: Match, NoMatch, or LimitHit when a regular expression gave up.
Result matchesType(const IgnoreRule& rule, const Snapshot& snapshot, TypeIndex type)
{
    Result result = Result::Match;
    for (const RuleCondition& condition : rule.conditions) {
        if (condition.field == RuleField::Type && fold(result, condition.pattern.match(snapshot.typeName(type))))
            return result;
        if (condition.field == RuleField::Module
            && fold(result, condition.pattern.match(snapshot.string(snapshot.type(type).module))))
            return result;
    }
    return result;
}

// The conditions on the object itself, given what the type conditions said (Match or LimitHit);
// explanations first, as they are cheaper than reprs.
Result matchesObject(const IgnoreRule& rule, const Snapshot& snapshot, ObjectFacts& facts, Result typeResult)
{
    Result result = typeResult;
    for (const RuleCondition& condition : rule.conditions) {
        if (condition.field != RuleField::Explanation)
            continue;
        const ExplanationRecord* explanation = facts.explanation();
        if (!explanation)
            return Result::NoMatch;
        if (fold(result, condition.pattern.match(snapshot.string(explanation->kind))))
            return result;
    }
    for (const RuleCondition& condition : rule.conditions) {
        if (condition.field == RuleField::Repr && fold(result, condition.pattern.match(facts.repr())))
            return result;
    }
    return result;
}

// The rules left undecided, per rule, when the caller asked for them.
class LimitHitLog
{
public:
    LimitHitLog(std::vector<RuleLimitHit>* out, std::size_t rules)
        : m_out(out)
        , m_rules(rules)
    {
    }

    void add(std::uint32_t rule, ObjectIndex object)
    {
        if (!m_out)
            return;
        if (m_byRule.empty())
            m_byRule.resize(m_rules);
        RuleLimitHit& hit = m_byRule[rule];
        if (hit.objects++ == 0) {
            hit.rule = rule;
            hit.firstObject = object;
        }
    }

    void finish()
    {
        if (!m_out)
            return;
        m_out->clear();
        for (const RuleLimitHit& hit : m_byRule) {
            if (hit.objects)
                m_out->push_back(hit);
        }
    }

private:
    std::vector<RuleLimitHit>* m_out;
    std::size_t m_rules;
    std::vector<RuleLimitHit> m_byRule; // by rule index, sized on the first hit
};

} // namespace

std::string formatRuleLimitHit(const IgnoreRule& rule, const RuleLimitHit& hit)
{
    const bool one = hit.objects == 1;
    return formatRuleLocation(rule.source, rule.line) + ": a regular expression of this rule hit its match limit on "
        + std::to_string(hit.objects) + (one ? " object" : " objects") + "; the rule did not ignore "
        + (one ? "it" : "them");
}

IgnoreRules::IgnoreRules(std::vector<IgnoreRule> rules)
    : m_rules(std::move(rules))
{
}

void IgnoreRules::append(std::vector<IgnoreRule> rules)
{
    m_rules.insert(m_rules.end(), std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
}

std::vector<IgnoreMatch> IgnoreRules::firstMatches(const Snapshot& snapshot, std::span<const ObjectIndex> objects,
                                                   std::vector<RuleLimitHit>* limitHits) const
{
    std::vector<IgnoreMatch> matches;
    LimitHitLog log(limitHits, m_rules.size());
    if (m_rules.empty()) {
        log.finish();
        return matches;
    }
    // Per type, the rules whose type and module conditions hold or are undecided (kTypeUndecided set),
    // as a range of typeRules; decided when the first object of the type comes by, so types without
    // objects here cost nothing.
    constexpr std::uint32_t kUnseen = UINT32_MAX;
    constexpr std::uint32_t kTypeUndecided = std::uint32_t(1) << 31;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> typeRange(snapshot.typeCount(), {kUnseen, 0});
    std::vector<std::uint32_t> typeRules;
    std::string reprBuffer;
    for (ObjectIndex object : objects) {
        const TypeIndex type = snapshot.typeOf(object);
        auto& [begin, end] = typeRange[type];
        if (begin == kUnseen) {
            begin = static_cast<std::uint32_t>(typeRules.size());
            for (std::uint32_t r = 0; r < m_rules.size(); ++r) {
                const Result result = matchesType(m_rules[r], snapshot, type);
                if (result != Result::NoMatch)
                    typeRules.push_back(r | (result == Result::LimitHit ? kTypeUndecided : 0));
            }
            end = static_cast<std::uint32_t>(typeRules.size());
        }
        ObjectFacts facts(snapshot, object, reprBuffer);
        for (std::uint32_t k = begin; k < end; ++k) {
            const std::uint32_t rule = typeRules[k] & ~kTypeUndecided;
            const Result typeResult = (typeRules[k] & kTypeUndecided) ? Result::LimitHit : Result::Match;
            const Result result = matchesObject(m_rules[rule], snapshot, facts, typeResult);
            if (result == Result::Match) {
                matches.push_back({object, rule});
                break;
            }
            if (result == Result::LimitHit)
                log.add(rule, object);
        }
    }
    log.finish();
    return matches;
}

const IgnoreRule* IgnoreRules::firstMatch(const Snapshot& snapshot, ObjectIndex object,
                                          std::vector<RuleLimitHit>* limitHits) const
{
    LimitHitLog log(limitHits, m_rules.size());
    std::string reprBuffer;
    ObjectFacts facts(snapshot, object, reprBuffer);
    const IgnoreRule* found = nullptr;
    for (std::uint32_t r = 0; r < m_rules.size() && !found; ++r) {
        Result result = matchesType(m_rules[r], snapshot, snapshot.typeOf(object));
        if (result != Result::NoMatch)
            result = matchesObject(m_rules[r], snapshot, facts, result);
        if (result == Result::Match)
            found = &m_rules[r];
        else if (result == Result::LimitHit)
            log.add(r, object);
    }
    log.finish();
    return found;
}

} // namespace leakscope
