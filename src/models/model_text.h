#pragma once

// Text helpers shared by the models: snapshot strings are UTF-8 views into the snapshot; these turn
// them into what a view shows with at most one allocation (the returned QString), and compose derived
// texts (default reprs, explanations) into a caller's reusable buffer.

#include "snapshot/ignore_rules.h"
#include "snapshot/snapshot.h"

#include <QtCore/QString>

#include <string>
#include <string_view>

namespace leakscope {

QString toQString(std::string_view utf8);

// At most maxCodePoints code points of utf8, ending in "…" when something was cut.
QString toQStringElided(std::string_view utf8, qsizetype maxCodePoints);

// "0x7f…", as formatAddress() writes it.
QString addressText(quint64 address);

// The repr a user sees for object i (Snapshot::repr()): a view of the stored repr, or of scratch when
// the default "<module.Type at 0x…>" had to be composed. Allocates only while scratch grows.
std::string_view displayRepr(const Snapshot& snapshot, ObjectIndex i, std::string& scratch);

// "kind: detail" (or just "kind" without a detail), composed in scratch.
std::string_view explanationText(const Snapshot& snapshot, const ExplanationRecord& explanation,
                                 std::string& scratch);

// "ignored: " and the rule's canonical text, composed in scratch.
std::string_view ignoredText(const IgnoreRule& rule, std::string& scratch);

} // namespace leakscope
