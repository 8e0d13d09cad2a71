#pragma once

#include "analysis.h"
#include "dominators.h"
#include "report_document.h"

#include <string>

namespace leakscope {

using MarkdownReportOptions = DocumentReportOptions;

// The report as GitHub-flavoured Markdown for a bug tracker (docs/report-format.md, "Markdown"): the
// summary and the types as tables, each suspect group's sentence, members, path from a root,
// allocation site, C origin and referents to options.depth levels as nested lists, the findings and
// the suspects. The tree must be of the analysis's snapshot.
std::string markdownReport(
    const HeapAnalysis& analysis, const DominatorTree& tree, const MarkdownReportOptions& options = {});

// text made inert for Markdown and table cells, after cleanText: the characters Markdown gives a
// meaning (\ ` * _ [ ] < > | # ~ and others) backslash-escaped, & as &amp;, line ends as spaces.
std::string markdownEscape(std::string_view text);

} // namespace leakscope
