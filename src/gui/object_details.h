#pragma once

#include "models/analyzed_snapshot.h"
#include "target/target.h"

#include <QtCore/QString>

namespace leakscope {

// The details pane's text for one object of a snapshot, as HTML with every value escaped.
QString objectDetailsHtml(const AnalyzedSnapshot& analyzed, ObjectIndex object);

// The answer of a "fetch live repr", as HTML to append to the details.
QString liveObjectHtml(const LiveObject& object);

} // namespace leakscope
