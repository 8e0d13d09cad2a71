#pragma once

#include "analysis.h"
#include "dominators.h"
#include "report_document.h"

#include <string>

namespace leakscope {

using HtmlReportOptions = DocumentReportOptions;

// One self-contained HTML page (docs/report-format.md, "HTML"): the summary, the leak suspects story
// (suspects_story.h), each suspect group's members, path from a root, allocation site, C origin and
// referents to options.depth levels in <details> elements, the types by retained size, the suspects
// by library, the findings and the list of suspects. Inline CSS only: no script, no external URL,
// font or image, so it opens in any browser, offline, and reads without JavaScript; printable.
// Every text from the snapshot is escaped and cleaned (cleanText), and the markup is also well-formed
// XML. The tree must be of the analysis's snapshot.
std::string htmlReport(const HeapAnalysis& analysis, const DominatorTree& tree, const HtmlReportOptions& options = {});

// text with &, <, >, " and ' escaped, after cleanText.
std::string htmlEscape(std::string_view text);

} // namespace leakscope
