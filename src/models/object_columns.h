#pragma once

// The facts of one object that the object models show as columns (the candidates table, the referents
// and referrers trees): each column's header, and each cell's text, SortRole value, tooltip and
// alignment, computed here once so that a column reads, sorts and explains itself the same in every
// view that shows it.

#include "item_roles.h"
#include "snapshot/analysis.h"
#include "snapshot/dominators.h"

#include <QtCore/QLocale>
#include <QtCore/QVariant>

#include <algorithm>
#include <cstdint>
#include <string>

namespace leakscope {

enum class ObjectField {
    Address,
    Type,
    Library,   // the file name of the library behind the type; empty when it has none
    Size,
    Refcount,
    Referrers,
    Surplus,
    Referents,
    Retained,  // DominatorTree::retainedSize(): bytes freed with the object; blank without a tree
};

QString fieldTitle(ObjectField field);
// What the column means, for its header's tooltip; empty when the title says it all.
QString fieldToolTip(ObjectField field);
// The address and the counts: right-aligned, with a number as SortRole.
bool isNumericField(ObjectField field);

// A field's column header for role: its title, tooltip and alignment; null for other roles.
QVariant fieldHeaderData(ObjectField field, int role);

// What a field's cell shows for object: counts in locale, the address in hex, the texts as they are;
// "immortal" as the Refcount and the Surplus of an object whose refcount counts nothing
// (HeapAnalysis::hasImmortalRefcount(): 3.11's static objects, 3.12's immortal ones). Retained reads
// dominators (the tree of analysis' snapshot), and is empty when it is null.
QString fieldText(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field, const QLocale& locale,
                  const DominatorTree* dominators = nullptr);

// A field's cell for object and role: DisplayRole (fieldText()), SortRole (qulonglong: fieldKey(),
// surplusKey() for Surplus; QString for the texts), ToolTipRole (the library's full path; for an
// immortal object's Refcount and Surplus, its refcount and why it counts nothing; for a surplus with a known cause, the
// cause) and TextAlignmentRole; null for other roles. Surplus sorts by surplusKey(): an immortal
// object's lowest of all (unknown, not a billion references leaked), a surplus with a known cause
// below any without one. O(1).
// Retained as Size, from dominators; without a tree, an empty cell whose SortRole is 0.
QVariant fieldData(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field, int role,
                   const QLocale& locale, const DominatorTree* dominators = nullptr);

// Orders surpluses by what they say: immortal objects' (which count nothing) lowest, then surpluses of
// 0 or less, then positive ones with a known cause (HeapAnalysis::surplusCause()), then positive ones
// without, the highest: sorted most first, the references nobody accounts for come first. Within
// each band by the surplus.
inline std::uint64_t surplusKey(const HeapAnalysis& analysis, ObjectIndex object)
{
    if (analysis.hasImmortalRefcount(object))
        return 0;
    constexpr std::int64_t kLimit = std::int64_t(1) << 40;
    const std::int64_t surplus = std::clamp(analysis.surplus(object), -kLimit + 1, kLimit - 1);
    const std::uint64_t band = surplus <= 0 ? 0 : analysis.surplusCause(object) == SurplusCause::Unexplained ? 2 : 1;
    return (band << 42) + static_cast<std::uint64_t>(surplus + kLimit);
}

// A numeric field's value as a key (the SortRole value; surplusKey() for Surplus), for sorting many
// rows without a QVariant each; 0 for the text fields, and for Retained without dominators.
inline std::uint64_t fieldKey(const HeapAnalysis& analysis, ObjectIndex object, ObjectField field,
                              const DominatorTree* dominators = nullptr)
{
    const Snapshot& snapshot = analysis.snapshot();
    switch (field) {
    case ObjectField::Address: return snapshot.address(object);
    case ObjectField::Size: return snapshot.size(object);
    case ObjectField::Refcount: return snapshot.refcount(object);
    case ObjectField::Referrers: return analysis.referrerCount(object);
    case ObjectField::Surplus: return surplusKey(analysis, object);
    case ObjectField::Referents: return snapshot.referents(object).size();
    case ObjectField::Retained: return dominators ? dominators->retainedSize(object) : 0;
    case ObjectField::Type:
    case ObjectField::Library: break;
    }
    return 0;
}

// The roles every cell of an object's row answers, whatever its column: ObjectIndexRole,
// TypeIndexRole, LibraryRole and IsSuspectRole; null for other roles.
QVariant objectRoleData(const HeapAnalysis& analysis, ObjectIndex object, int role);

// What a library cell says: the library's file name, or empty for none.
QString libraryTitle(std::string_view path);

// The repr a user sees for object (displayRepr()), cut after maxCodePoints code points; negative: whole.
QString reprText(const Snapshot& snapshot, ObjectIndex object, qsizetype maxCodePoints, std::string& scratch);

} // namespace leakscope
