#include "analysis.h"

#include <algorithm>
#include <charconv>

namespace leakscope {

namespace {

// Whether version ("3.11.2", "3.12.0rc1") names a Python older than 3.11, the first with static
// objects; an empty or unreadable version is taken as a recent one.
bool olderThan311(std::string_view version)
{
    unsigned major = 0;
    unsigned minor = 0;
    const char* end = version.data() + version.size();
    auto [afterMajor, majorError] = std::from_chars(version.data(), end, major);
    if (majorError != std::errc() || afterMajor == end || *afterMajor != '.')
        return false;
    if (std::from_chars(afterMajor + 1, end, minor).ec != std::errc())
        return false;
    return major < 3 || (major == 3 && minor < 11);
}

} // namespace

HeapAnalysis::HeapAnalysis(const Snapshot& snapshot)
    : HeapAnalysis(snapshot, nullptr)
{
}

HeapAnalysis::HeapAnalysis(const Snapshot& snapshot, const IgnoreRules* rules)
    : m_snapshot(snapshot)
    , m_rules(rules)
    , m_immortalRefcount(olderThan311(snapshot.info().pythonVersion) ? UINT64_MAX : kImmortalRefcount)
    , m_inDegree(snapshot.objectCount(), 0)
{
    for (ObjectIndex target : snapshot.columns().edges)
        ++m_inDegree[target];
    for (const TypeRecord& type : snapshot.columns().types)
        m_typeKindsRecorded = m_typeKindsRecorded || (type.flags & GcType);
    const auto n = static_cast<ObjectIndex>(snapshot.objectCount());
    for (ObjectIndex i = 0; i < n; ++i) {
        if (isCandidate(i)) {
            m_candidates.push_back(i);
            if (!snapshot.explanation(i))
                ++m_suspects;
        }
    }
    if (!rules || rules->empty())
        return;
    m_ignored = rules->firstMatches(snapshot, m_candidates, &m_ruleLimitHits);
    for (const IgnoreMatch& match : m_ignored) {
        if (!snapshot.explanation(match.object))
            --m_suspects;
    }
}

const IgnoreRule* HeapAnalysis::findIgnored(ObjectIndex i) const
{
    const auto it = std::lower_bound(m_ignored.begin(), m_ignored.end(), i,
                                     [](const IgnoreMatch& match, ObjectIndex key) { return match.object < key; });
    return it != m_ignored.end() && it->object == i ? &m_rules->rules()[it->rule] : nullptr;
}

SurplusCause HeapAnalysis::surplusCause(ObjectIndex i) const
{
    if (surplus(i) <= 0 || hasImmortalRefcount(i))
        return SurplusCause::Unexplained;
    if (isCandidate(i) && m_snapshot.explanation(i))
        return SurplusCause::Explained;
    if (!m_typeKindsRecorded)
        return SurplusCause::Unexplained;
    const std::uint8_t typeFlags = m_snapshot.type(m_snapshot.typeOf(i)).flags;
    if (typeFlags & Metatype)
        return SurplusCause::TypeObject;
    if (!(typeFlags & GcType))
        return SurplusCause::HoldsNothing;
    if (!m_snapshot.isGcTracked(i) && m_snapshot.typeNameOf(i) == "builtins.tuple")
        return SurplusCause::ConstantTuple;
    return SurplusCause::Unexplained;
}

std::string_view surplusCauseName(SurplusCause cause)
{
    switch (cause) {
    case SurplusCause::Unexplained: return "unexplained";
    case SurplusCause::Explained: return "explained";
    case SurplusCause::HoldsNothing: return "holds-nothing";
    case SurplusCause::TypeObject: return "type";
    case SurplusCause::ConstantTuple: return "constant-tuple";
    }
    return "unexplained";
}

std::string_view surplusCauseDescription(SurplusCause cause)
{
    switch (cause) {
    case SurplusCause::Unexplained: return "no holder the snapshot can see accounts for these references";
    case SurplusCause::Explained: return "the candidate's explanation names what holds it";
    case SurplusCause::HoldsNothing:
        return "objects of this type hold no references and are held routinely by code objects and by containers "
               "the collector does not track, which the snapshot does not look into";
    case SurplusCause::TypeObject:
        return "a type: instances of static types and of many extension types hold their type without reporting "
               "it, and so do the interpreter's caches";
    case SurplusCause::ConstantTuple:
        return "a tuple the collector does not track, as the constants of code objects are: code objects hold "
               "such tuples, and the snapshot does not look into code objects";
    }
    return {};
}

std::vector<TypeSummaryRow> HeapAnalysis::typeSummary() const
{
    std::vector<TypeSummaryRow> rows(m_snapshot.typeCount());
    const auto n = static_cast<ObjectIndex>(m_snapshot.objectCount());
    for (ObjectIndex i = 0; i < n; ++i) {
        TypeSummaryRow& row = rows[m_snapshot.typeOf(i)];
        ++row.count;
        row.bytes += m_snapshot.size(i);
    }
    for (ObjectIndex i : m_candidates) {
        TypeSummaryRow& row = rows[m_snapshot.typeOf(i)];
        ++row.candidates;
        if (isSuspect(i))
            ++row.suspects;
    }
    std::vector<TypeSummaryRow> present;
    for (TypeIndex t = 0; t < rows.size(); ++t) {
        if (rows[t].count == 0)
            continue;
        rows[t].type = t;
        present.push_back(rows[t]);
    }
    return present;
}

ReferrerIndex::ReferrerIndex(const Snapshot& snapshot)
    : m_offsets(snapshot.objectCount() + 1, 0)
    , m_referrers(snapshot.edgeCount())
{
    const auto& edges = snapshot.columns().edges;
    for (ObjectIndex target : edges)
        ++m_offsets[target + 1];
    for (std::size_t i = 1; i < m_offsets.size(); ++i)
        m_offsets[i] += m_offsets[i - 1];
    std::vector<std::uint32_t> cursor(m_offsets.begin(), m_offsets.end() - 1);
    const auto n = static_cast<ObjectIndex>(snapshot.objectCount());
    for (ObjectIndex source = 0; source < n; ++source) {
        for (ObjectIndex target : snapshot.referents(source))
            m_referrers[cursor[target]++] = source;
    }
}

std::size_t ReferrerIndex::memoryBytes() const
{
    return m_offsets.capacity() * sizeof(std::uint32_t) + m_referrers.capacity() * sizeof(ObjectIndex);
}

} // namespace leakscope
