#include "snapshot_checks.h"

#include "fuzz_graph.h"
#include "fuzz_support.h"

#include "snapshot/analysis.h"
#include "snapshot/diff_report.h"
#include "snapshot/dominators.h"
#include "snapshot/export_dot.h"
#include "snapshot/export_heapsnapshot.h"
#include "snapshot/findings.h"
#include "snapshot/growth.h"
#include "snapshot/native_stack.h"
#include "snapshot/report.h"
#include "snapshot/report_html.h"
#include "snapshot/report_markdown.h"
#include "snapshot/snapshot_codec.h"
#include "snapshot/snapshot_diff.h"
#include "snapshot/suspects_story.h"

#include <memory>
#include <string>

namespace leakscope::fuzz {

namespace {

// Adds up what it is given, so no call is optimised away.
struct Tally
{
    std::size_t bytes = 0;
    void operator()(std::string_view text) { bytes += text.size(); }
};

void readObjects(const Snapshot& snapshot, Tally& tally)
{
    for (ObjectIndex i = 0; i < snapshot.objectCount(); ++i) {
        tally(snapshot.repr(i));
        tally(snapshot.typeNameOf(i));
        const TypeRecord& type = snapshot.type(snapshot.typeOf(i));
        tally(snapshot.string(type.module));
        tally(snapshot.string(type.library));
        tally(snapshot.string(type.source));
        tally.bytes += snapshot.size(i) + snapshot.refcount(i);
        const auto referents = snapshot.referents(i);
        for (std::uint32_t edge = 0; edge < referents.size(); ++edge) {
            check(referents[edge] < snapshot.objectCount(), "a referent past the last object");
            tally(edgeName(snapshot, i, edge));
        }
        for (StringId label : snapshot.edgeLabels(i))
            tally(snapshot.string(label));
        for (const AllocationFrame& frame : snapshot.allocationSite(i)) {
            tally(snapshot.string(frame.file));
            tally(snapshot.string(frame.function));
        }
        for (std::uint32_t frame : snapshot.nativeStack(i))
            tally(formatNativeFrame(snapshot, snapshot.nativeFrame(frame)));
        tally(nativeCreator(snapshot, i).under);
        if (const ExplanationRecord* explanation = snapshot.explanation(i)) {
            tally(snapshot.string(explanation->kind));
            tally(snapshot.string(explanation->detail));
        }
    }
}

// The fixed other side of a diff: a snapshot whose addresses overlap the seeds'.
const HeapAnalysis& featureAnalysis()
{
    static const Snapshot snapshot(featureColumns());
    static const HeapAnalysis analysis(snapshot);
    return analysis;
}

} // namespace

void exerciseSnapshot(const SnapshotPtr& snapshot)
{
    Tally tally;
    readObjects(*snapshot, tally);

    const auto analysis = std::make_shared<const HeapAnalysis>(*snapshot);
    tally.bytes += analysis->typeSummary().size();
    const ReferrerIndex referrers(*snapshot);
    const DominatorTree dominators(*snapshot, *analysis);
    for (ObjectIndex i = 0; i < snapshot->objectCount(); ++i)
        tally.bytes += dominators.retainedSize(i) + dominators.immediateDominator(i);

    tally(jsonReport(*analysis, 0.5, &dominators));
    tally(csvReport(*analysis, &dominators));
    tally(tableReport(*analysis, 0.5, 50, &dominators));
    tally(htmlReport(*analysis, dominators));
    tally(markdownReport(*analysis, dominators));
    writeHeapSnapshot(*analysis, [&](std::string_view piece) { tally(piece); });
    const SuspectsStory story = buildSuspectsStory(*analysis, dominators);
    tally.bytes += story.groups.size();
    tally.bytes += creatorSummary(*analysis, analysis->candidates()).size();
    tally.bytes += untraversedFields(*snapshot).size();
    tally.bytes += candidatesByLibrary(*analysis).size();
    if (!analysis->candidates().empty()) {
        std::string dot;
        writeDotGraph(*analysis, referrers, analysis->candidates().front(), {}, dot);
        tally(dot);
    }

    const SnapshotDiff withItself(*analysis, *analysis);
    const SnapshotDiff withFeatures(featureAnalysis(), *analysis);
    for (const ReportFormat format : {ReportFormat::Json, ReportFormat::Csv, ReportFormat::Table})
        tally(formatDiffReport(withFeatures, format, {.unchangedTypes = true}));
    tally.bytes += withItself.types().size();

    // A series of the same file three times, as `leakscope-cli growth` reads one.
    GrowthAnalysis growth;
    for (int round = 0; round < 3; ++round)
        growth.add(analysis);
    tally(growthText(growth, {}));
    tally(growthJson(growth, {}));

    check(tally.bytes != 0 || snapshot->objectCount() == 0, "a snapshot with objects produced nothing");
}

void checkRoundTrip(const Snapshot& snapshot)
{
    const std::string encoded = encodeSnapshot(snapshot);
    SnapshotPtr again;
    try {
        again = decodeSnapshot(encoded);
    } catch (const SnapshotFormatError& error) {
        std::fprintf(stderr, "%s\n", error.what());
        failCheck("the encoding of a decoded snapshot does not decode");
    }
    check(encodeSnapshot(*again) == encoded, "a decoded snapshot encodes differently the second time");
}

} // namespace leakscope::fuzz
