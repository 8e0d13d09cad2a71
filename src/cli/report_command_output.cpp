#include "report_command.h"

#include "snapshot/dominators.h"
#include "snapshot/report_html.h"
#include "snapshot/report_markdown.h"

#include <charconv>

#ifndef LEAKSCOPE_VERSION
#define LEAKSCOPE_VERSION "0"
#endif

namespace leakscope::cli {

std::optional<std::size_t> parseReportDepth(std::string_view text)
{
    std::size_t depth = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), depth);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || depth > kMaxReportDepth)
        return std::nullopt;
    return depth;
}

std::string reportText(const HeapAnalysis& analysis, ReportFormat format, double captureSeconds, std::size_t depth,
    const std::string& title)
{
    if (format != ReportFormat::Html && format != ReportFormat::Markdown)
        return formatReport(analysis, format, captureSeconds);
    const DominatorTree tree(analysis.snapshot(), analysis);
    DocumentReportOptions options;
    options.title = title;
    options.captureSeconds = captureSeconds;
    options.depth = depth;
    options.generator = std::string("LeakScope ") + LEAKSCOPE_VERSION;
    return format == ReportFormat::Html ? htmlReport(analysis, tree, options) : markdownReport(analysis, tree, options);
}

} // namespace leakscope::cli
