#pragma once

// What the HTML and Markdown reports share: their options, the facts of the summary, the types table
// and the referents walk. Both documents say the same things; only the markup differs.

#include "analysis.h"
#include "dominators.h"
#include "snapshot.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace leakscope {

struct DocumentReportOptions
{
    std::string title = "LeakScope report";
    double captureSeconds = 0; // from the start of the heap walk to the finished analysis
    std::size_t depth = 2; // levels of referents shown under each detailed suspect (0: none)
    std::size_t maxGroups = 10; // groups of the suspects story
    std::size_t detailedMembers = 5; // members per group whose referents are shown
    std::size_t maxMemberRows = 20; // members listed per group
    std::size_t maxReferents = 20; // referents shown per object in the referents tree
    std::size_t maxTypes = 50; // rows of the types table
    std::size_t maxSuspectRows = 500; // rows of the list of every suspect
    std::string generator; // "LeakScope 0.1": said at the end; empty: just "LeakScope"
};

// The longest --depth the reports accept: each level multiplies the tree by up to maxReferents.
inline constexpr std::size_t kMaxReportDepth = 8;

// Valid UTF-8 with no control character: invalid bytes and C0/C1 controls other than tab and line
// feed become U+FFFD, so reprs holding any byte cannot break a document or a terminal.
std::string cleanText(std::string_view text);

// The summary as label/value pairs, in order (values plain text).
std::vector<std::pair<std::string, std::string>> summaryFacts(
    const HeapAnalysis& analysis, const DominatorTree& tree, std::uint64_t suspectsRetained, double captureSeconds);

// "2026-12-06 18:05:36 UTC" from Unix milliseconds; empty for 0.
std::string formatCaptureTime(std::int64_t unixMs);

// The types present, most retained bytes first (then most objects, then name), at most max rows.
std::vector<TypeSummaryRow> typesByRetained(const HeapAnalysis& analysis, const DominatorTree& tree, std::size_t max);

// One step of the referents walk.
struct ReferentStep
{
    ObjectIndex object = kNoObject;
    std::string edge; // how the parent holds it ("['key']", ".attr", "[3]"), empty when unknown
    std::size_t level = 0; // 1 for the start object's referents
    bool repeated = false; // the object is already an ancestor on this branch: not expanded
    bool isClass = false; // the object is a class (its type is a Metatype): not expanded
    bool hasMore = false; // it has referents below, to be shown (the walk goes on into them)
    std::size_t omitted = 0; // set on a synthetic step (object kNoObject): referents not shown at this level
};

// Walks the referents of start depth levels down, depth first in edge order, at most maxPerObject per
// object (a synthetic step says how many more there were). visit is called on entering each step;
// leave after the last step below a step with hasMore. Recursion is bounded by depth.
void walkReferents(const Snapshot& snapshot, ObjectIndex start, std::size_t depth, std::size_t maxPerObject,
    const std::function<void(const ReferentStep&)>& visit, const std::function<void(const ReferentStep&)>& leave);

// The object for a line of text: "builtins.dict 0x7f… (232 B, retains 1.2 KB)". repr not included.
std::string objectHeadline(const Snapshot& snapshot, const DominatorTree& tree, ObjectIndex object);

} // namespace leakscope
