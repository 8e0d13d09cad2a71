#pragma once

#include "models/analyzed_snapshot.h"
#include "target/target.h"

#include <QtCore/QString>
#include <QtCore/QUrl>

#include <optional>

namespace leakscope {

// The details pane's text for one object of a snapshot, as HTML with every value escaped: what it is,
// and why it is or is not a suspect (its explanation and the object holding it, or the ignore rule
// that matched it). Other objects it names are links that objectOfLink() reads back.
QString objectDetailsHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object);

// The object a link of objectDetailsHtml() names, or nothing for any other link. The index is not
// checked against a snapshot.
std::optional<ObjectIndex> objectOfLink(const QUrl& link);

// The answer of a "fetch live repr", as HTML to append to the details.
QString liveObjectHtml(const LiveObject& object);

} // namespace leakscope
