// Reading native allocation stacks: the creator past the folded frames, what it was created under,
// a frame as one line, and the candidates grouped by creating C function.

#include "snapshot/analysis.h"
#include "snapshot/native_stack.h"
#include "test_graph.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

const std::string kLibPython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
const std::string kLibFoo = "/opt/app/lib/libfoo.so";

const NativeFrameSpec kMalloc{"PyObject_Malloc", kLibPython, "Objects/obmalloc.c", 801};
const NativeFrameSpec kGcNew{"_PyObject_GC_New", kLibPython, "Modules/gcmodule.c", 2290};

// Five candidates: 0 and 1 made by leak_widget (two call sites), 2 by an unnamed frame, 3 with every
// frame folded, 4 without a stack; 5 is referenced by 0, so not a candidate; 1 is explained.
GraphSpec creatorsSpec()
{
    GraphSpec spec;
    spec.objects = {{.size = 100, .edges = {5}}, {.size = 40}, {.size = 16}, {.size = 24}, {.size = 8}, {.size = 1000}};
    spec.explanations = {{1, "root", "held by the interpreter"}};
    const NativeFrameSpec widgetA{"leak_widget", kLibFoo, "/src/foo/plantleak.c", 47, 0x7f0000001234};
    const NativeFrameSpec widgetB{"leak_widget", kLibFoo, "/src/foo/plantleak.c", 52, 0x7f0000001250};
    spec.nativeStacks = {
        {0, {kMalloc, kGcNew, widgetA, {"main", "/usr/bin/python3"}}, 2},
        {1, {kMalloc, widgetB}, 1},
        {2, {kMalloc, {"", kLibFoo, "", 0, 0x7f0000009abc}}, 1},
        {3, {kMalloc, kGcNew}, 2},
        {5, {kMalloc, widgetA}, 1},
    };
    return spec;
}

} // namespace

class TestNativeStack : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void creatorIsTheFirstFramePastTheFolded()
    {
        const Heap heap(creatorsSpec());
        const Snapshot& s = heap.snapshot;
        NativeCreator c = nativeCreator(s, 0);
        QVERIFY(c.hasStack);
        QVERIFY(c.frame != kNoNativeFrame);
        QCOMPARE(std::string(s.string(s.nativeFrame(c.frame).function)), std::string("leak_widget"));
        QCOMPARE(std::string(c.under), std::string("_PyObject_GC_New"));
        QCOMPARE(nativeShownFrames(s, 0).size(), std::size_t(2));
        QCOMPARE(nativeShownFrames(s, 0, true).size(), std::size_t(4));

        c = nativeCreator(s, 1);
        QCOMPARE(s.nativeFrame(c.frame).line, 52u);
        QCOMPARE(std::string(c.under), std::string("PyObject_Malloc"));

        c = nativeCreator(s, 3); // the depth ran out inside the allocator
        QVERIFY(c.hasStack);
        QCOMPARE(c.frame, kNoNativeFrame);
        QCOMPARE(std::string(c.under), std::string("_PyObject_GC_New"));
        QVERIFY(nativeShownFrames(s, 3).empty());

        c = nativeCreator(s, 4);
        QVERIFY(!c.hasStack);
        QCOMPARE(c.frame, kNoNativeFrame);
        QVERIFY(c.under.empty());
    }

    void nothingFoldedMeansNoUnder()
    {
        GraphSpec spec;
        spec.objects = {{}};
        spec.nativeStacks = {{0, {{"make_thing", kLibFoo}}, 0}};
        const Snapshot s(buildColumns(spec));
        const NativeCreator c = nativeCreator(s, 0);
        QCOMPARE(std::string(s.string(s.nativeFrame(c.frame).function)), std::string("make_thing"));
        QVERIFY(c.under.empty());
    }

    void framesAsOneLine()
    {
        GraphSpec spec;
        spec.objects = {{}};
        spec.nativeStacks = {{0,
                              {{"leak_widget", kLibFoo, "/src/foo/plantleak.c", 47},
                               {"", kLibFoo, "", 0, 0x7f0000001234},
                               {"helper", kLibFoo},
                               {"inlined_step", kLibFoo, "/src/foo/step.h", 0, 0, true},
                               {"", "", "", 0, 0xabc}},
                              0}};
        const Snapshot s(buildColumns(spec));
        const auto line = [&s](std::size_t k) { return formatNativeFrame(s, s.nativeFrame(s.nativeStack(0)[k])); };
        QCOMPARE(line(0), std::string("leak_widget at plantleak.c:47 (libfoo.so)"));
        QCOMPARE(line(1), std::string("?? at 0x7f0000001234 (libfoo.so)"));
        QCOMPARE(line(2), std::string("helper (libfoo.so)"));
        QCOMPARE(line(3), std::string("inlined_step at step.h (libfoo.so) [inlined]"));
        QCOMPARE(line(4), std::string("?? at 0xabc"));
        QCOMPARE(nativeFrameSource(s, s.nativeFrame(s.nativeStack(0)[0])), std::string("plantleak.c:47"));
        QCOMPARE(nativeFrameSource(s, s.nativeFrame(s.nativeStack(0)[0]), true), std::string("/src/foo/plantleak.c:47"));
        QCOMPARE(nativeFrameSource(s, s.nativeFrame(s.nativeStack(0)[2])), std::string());
    }

    void candidatesByCreator()
    {
        const Heap heap(creatorsSpec());
        const Snapshot& s = heap.snapshot;
        QCOMPARE(heap.analysis.candidates(), (std::vector<ObjectIndex>{0, 1, 2, 3, 4}));
        const std::vector<CreatorRow> rows = creatorSummary(heap.analysis, heap.analysis.candidates());
        QCOMPARE(rows.size(), std::size_t(3));
        // leak_widget: two call sites, one function; one suspect (1 is explained), 140 bytes.
        QCOMPARE(std::string(s.string(rows[0].function)), std::string("leak_widget"));
        QCOMPARE(std::string(s.string(rows[0].library)), kLibFoo);
        QCOMPARE(rows[0].line, 47u);
        QCOMPARE(rows[0].objects, std::size_t(2));
        QCOMPARE(rows[0].suspects, std::size_t(1));
        QCOMPARE(rows[0].bytes, std::uint64_t(140));
        QCOMPARE(rows[0].members, (std::vector<ObjectIndex>{0, 1}));
        // The unnamed frame: its own row, by address.
        QCOMPARE(rows[1].function, StringId(0));
        QCOMPARE(rows[1].address, std::uint64_t(0x7f0000009abc));
        QCOMPARE(rows[1].suspects, std::size_t(1));
        QCOMPARE(rows[1].bytes, std::uint64_t(16));
        // Last: no stack, or one that is all allocator.
        QCOMPARE(rows[2].frame, kNoNativeFrame);
        QCOMPARE(rows[2].members, (std::vector<ObjectIndex>{3, 4}));
        QCOMPARE(rows[2].suspects, std::size_t(2));
        QCOMPARE(rows[2].bytes, std::uint64_t(32));

        // Only the objects given count.
        const std::vector<ObjectIndex> some = {1, 5};
        const std::vector<CreatorRow> two = creatorSummary(heap.analysis, some);
        QCOMPARE(two.size(), std::size_t(1));
        QCOMPARE(two[0].objects, std::size_t(2));
        QCOMPARE(two[0].suspects, std::size_t(0));
        QCOMPARE(two[0].bytes, std::uint64_t(1040));

        // In any order: the same rows, members in the order given.
        const std::vector<ObjectIndex> shuffled = {4, 1, 3, 0, 2};
        const std::vector<CreatorRow> again = creatorSummary(heap.analysis, shuffled);
        QCOMPARE(again.size(), std::size_t(3));
        QCOMPARE(again[0].members, (std::vector<ObjectIndex>{1, 0}));
        QCOMPARE(again[1].members, (std::vector<ObjectIndex>{2}));
        QCOMPARE(again[2].members, (std::vector<ObjectIndex>{4, 3}));
    }

    void noNativeTracesNoRows()
    {
        GraphSpec spec;
        spec.objects = {{}, {}};
        const Heap heap(spec);
        QCOMPARE(heap.snapshot.info().nativeTraceDepth, 0u);
        QVERIFY(creatorSummary(heap.analysis, heap.analysis.candidates()).empty());
    }

    // A million candidates from a thousand creators: the summary is one lookup per object.
    void manyCandidates()
    {
        SnapshotColumns c;
        StringPoolBuilder strings;
        c.types.push_back({strings.intern("mod.T"), strings.intern("mod"), strings.intern("T"), 0x1000, 0});
        const StringId library = strings.intern(kLibFoo);
        constexpr std::uint32_t kCreators = 1000;
        for (std::uint32_t k = 0; k < kCreators; ++k) {
            c.nativeFrames.push_back({0x7f0000000000ULL + k, strings.intern("make_" + std::to_string(k)), library, 0, 0, 0});
            c.nativeStackFrames.push_back(k);
            c.nativeStackOffsets.push_back(k + 1);
            c.nativeStackFolded.push_back(0);
        }
        c.strings = strings.take();
        constexpr ObjectIndex kObjects = 1'000'000;
        for (ObjectIndex i = 0; i < kObjects; ++i) {
            c.appendObject(defaultAddress(i), 0, 16 + i % 7, 1, GcTracked);
            c.edgeOffsets.push_back(0);
            c.reprOffsets.push_back(0);
            c.nativeOwners.push_back(i);
            c.nativeStackOf.push_back(i % kCreators);
        }
        const Snapshot s(std::move(c));
        const HeapAnalysis analysis(s);
        QElapsedTimer timer;
        timer.start();
        const std::vector<CreatorRow> rows = creatorSummary(analysis, analysis.candidates());
        qInfo("creatorSummary of %zu candidates from %u creators: %.1f ms", analysis.candidates().size(), kCreators,
              timer.nsecsElapsed() / 1e6);
        QCOMPARE(rows.size(), std::size_t(kCreators));
        std::size_t total = 0;
        for (const CreatorRow& row : rows)
            total += row.objects;
        QCOMPARE(total, std::size_t(kObjects));
    }
};

QTEST_GUILESS_MAIN(TestNativeStack)
#include "tst_native_stack.moc"
