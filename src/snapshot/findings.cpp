#include "findings.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace leakscope {

std::vector<UntraversedField> untraversedFields(const Snapshot& snapshot)
{
    // (kind, holder type, module, offset) -> entry; holders are counted from the sorted holder lists.
    using Key = std::tuple<ExplanationKind, TypeIndex, ObjectIndex, std::uint32_t>;
    std::map<Key, std::pair<UntraversedField, std::vector<ObjectIndex>>> groups;
    for (const ExplanationRecord& e : snapshot.columns().explanations) {
        const std::optional<ExplanationKind> kind = explanationKindFromName(snapshot.string(e.kind));
        if (!kind || !isUntraversedField(*kind) || e.holder == kNoObject)
            continue;
        const TypeIndex type = snapshot.typeOf(e.holder);
        const ObjectIndex module = *kind == ExplanationKind::ModuleState ? e.holder : kNoObject;
        auto& [field, holders] = groups[Key{*kind, type, module, e.holderOffset}];
        if (field.objects++ == 0) {
            field.kind = *kind;
            field.holderType = type;
            field.offset = e.holderOffset;
            field.module = module;
            field.exampleHolder = e.holder;
            field.exampleObject = e.object;
        }
        holders.push_back(e.holder);
    }
    std::vector<UntraversedField> fields;
    fields.reserve(groups.size());
    for (auto& [key, group] : groups) {
        auto& [field, holders] = group;
        std::sort(holders.begin(), holders.end());
        field.holders = static_cast<std::size_t>(std::unique(holders.begin(), holders.end()) - holders.begin());
        fields.push_back(field);
    }
    std::stable_sort(fields.begin(), fields.end(),
                     [](const UntraversedField& a, const UntraversedField& b) { return a.objects > b.objects; });
    return fields;
}

std::vector<LibraryRow> candidatesByLibrary(const HeapAnalysis& analysis)
{
    const Snapshot& s = analysis.snapshot();
    std::map<StringId, LibraryRow> rows;
    for (ObjectIndex i : analysis.candidates()) {
        const StringId library = s.type(s.typeOf(i)).library;
        LibraryRow& row = rows[library];
        row.library = library;
        ++row.candidates;
        if (analysis.isSuspect(i))
            ++row.suspects;
    }
    std::vector<LibraryRow> out;
    out.reserve(rows.size());
    for (const auto& [library, row] : rows)
        out.push_back(row);
    std::sort(out.begin(), out.end(), [&s](const LibraryRow& a, const LibraryRow& b) {
        if (a.suspects != b.suspects)
            return a.suspects > b.suspects;
        if (a.candidates != b.candidates)
            return a.candidates > b.candidates;
        return s.string(a.library) < s.string(b.library);
    });
    return out;
}

std::string_view libraryBaseName(std::string_view path)
{
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

} // namespace leakscope
