// HeapAnalysis (candidates, suspects, surplus, type summary) and ReferrerIndex on small graphs whose
// answers can be worked out by hand.

#include "test_graph.h"

#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

// A heap with one of every case the candidate rule must tell apart:
//   0 gc root, no referrers            -> candidate, suspect
//   1 gc, referred to by 0 twice        -> not a candidate (duplicate edges count twice)
//   2 untracked, no referrers           -> not a candidate (only gc-tracked objects can be)
//   3 gc, refers only to itself         -> not a candidate (a self-loop is a referrer)
//   4 gc, no referrers, explained       -> candidate, not a suspect
//   5 untracked, referred to by 2 and 4 -> not a candidate
//   6 gc, referred to by 5, explained   -> not a candidate despite the explanation
//   7 gc, no referrers, refcount 0      -> candidate, suspect, surplus 0
GraphSpec mixedSpec()
{
    GraphSpec spec;
    spec.types = {"builtins.dict", "builtins.list", "ext.Leaky"};
    spec.objects = {
        {.type = "builtins.list", .refcount = 3, .size = 72, .edges = {1, 1}},
        {.type = "ext.Leaky", .refcount = 2, .size = 48},
        {.type = "builtins.str", .gc = false, .refcount = 5, .size = 60, .edges = {5}},
        {.type = "ext.Leaky", .refcount = 1, .size = 48, .edges = {3}},
        {.type = "builtins.dict", .refcount = 1, .size = 232, .edges = {5}},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 55, .edges = {6}},
        {.type = "ext.Leaky", .refcount = 1, .size = 48},
        {.type = "ext.Leaky", .refcount = 0, .size = 48},
    };
    spec.explanations = {{6, "module-state", "held by ext"}, {4, "static-type-dict", "ext.Leaky.__dict__"}};
    return spec;
}

} // namespace

class TestAnalysis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void candidatesAreUnreferencedGcObjects()
    {
        const Heap heap(mixedSpec());
        const HeapAnalysis& a = heap.analysis;
        QCOMPARE(a.candidates(), (std::vector<ObjectIndex>{0, 4, 7}));
        for (ObjectIndex i = 0; i < 8; ++i) {
            const bool expected = i == 0 || i == 4 || i == 7;
            QVERIFY2(a.isCandidate(i) == expected, qPrintable(QStringLiteral("object %1").arg(i)));
        }
        QCOMPARE(&a.snapshot(), &heap.snapshot);
    }

    void referrerCountCountsEveryEdge()
    {
        const Heap heap(mixedSpec());
        const HeapAnalysis& a = heap.analysis;
        const std::uint32_t expected[] = {0, 2, 0, 1, 0, 2, 1, 0};
        for (ObjectIndex i = 0; i < 8; ++i)
            QCOMPARE(a.referrerCount(i), expected[i]);
    }

    void surplusIsRefcountMinusReferrers()
    {
        const Heap heap(mixedSpec());
        const HeapAnalysis& a = heap.analysis;
        QCOMPARE(a.surplus(0), std::int64_t(3));
        QCOMPARE(a.surplus(1), std::int64_t(0));
        QCOMPARE(a.surplus(2), std::int64_t(5));
        QCOMPARE(a.surplus(3), std::int64_t(0));
        QCOMPARE(a.surplus(5), std::int64_t(-1)); // more referrers than references: capture raced or borrowed
        QCOMPARE(a.surplus(7), std::int64_t(0));
    }

    void surplusUsesLargeRefcounts()
    {
        GraphSpec spec;
        spec.objects = {{.refcount = (1ULL << 33) + 7}, {.edges = {0, 0, 0}}};
        const Heap heap(spec);
        QCOMPARE(heap.analysis.referrerCount(0), std::uint32_t(3));
        QCOMPARE(heap.analysis.surplus(0), std::int64_t((1LL << 33) + 4));
    }

    void suspectsExcludeExplainedCandidates()
    {
        const Heap heap(mixedSpec());
        const HeapAnalysis& a = heap.analysis;
        QCOMPARE(a.suspectCount(), std::size_t(2));
        QVERIFY(a.isSuspect(0));
        QVERIFY(!a.isSuspect(4)); // explained candidate
        QVERIFY(a.isSuspect(7));
        QVERIFY(!a.isSuspect(6)); // explained but referred to: not a candidate at all
        QVERIFY(!a.isSuspect(2)); // unexplained but untracked
        QVERIFY(!a.isSuspect(1));
    }

    void typeSummaryCountsPerType()
    {
        GraphSpec spec = mixedSpec();
        spec.types.push_back("ext.Unused"); // a type without objects gets no row
        spec.objects[6].size = (1ULL << 32) + 1;
        const Heap heap(spec);
        const std::vector<TypeSummaryRow> rows = heap.analysis.typeSummary();
        QCOMPARE(heap.snapshot.typeCount(), std::size_t(5));
        QCOMPARE(rows.size(), std::size_t(4));

        // Ordered by type index: dict, list, ext.Leaky, then str (first used by object 2).
        QCOMPARE(rows[0].type, TypeIndex(0));
        QCOMPARE(rows[0].count, quint64(1));
        QCOMPARE(rows[0].bytes, quint64(232));
        QCOMPARE(rows[0].candidates, quint64(1));
        QCOMPARE(rows[0].suspects, quint64(0));

        QCOMPARE(rows[1].type, TypeIndex(1));
        QCOMPARE(rows[1].count, quint64(1));
        QCOMPARE(rows[1].bytes, quint64(72));
        QCOMPARE(rows[1].candidates, quint64(1));
        QCOMPARE(rows[1].suspects, quint64(1));

        QCOMPARE(rows[2].type, TypeIndex(2));
        QCOMPARE(rows[2].count, quint64(4));
        QCOMPARE(rows[2].bytes, quint64(48 * 3 + (1ULL << 32) + 1));
        QCOMPARE(rows[2].candidates, quint64(1));
        QCOMPARE(rows[2].suspects, quint64(1));

        QCOMPARE(std::string(heap.snapshot.typeName(rows[3].type)), std::string("builtins.str"));
        QCOMPARE(rows[3].type, TypeIndex(4));
        QCOMPARE(rows[3].count, quint64(2));
        QCOMPARE(rows[3].bytes, quint64(115));
        QCOMPARE(rows[3].candidates, quint64(0));
        QCOMPARE(rows[3].suspects, quint64(0));
    }

    void emptyHeap()
    {
        const Heap heap(GraphSpec{});
        QVERIFY(heap.analysis.candidates().empty());
        QCOMPARE(heap.analysis.suspectCount(), std::size_t(0));
        QVERIFY(heap.analysis.typeSummary().empty());
        const ReferrerIndex index(heap.snapshot);
        QVERIFY(index.memoryBytes() > 0); // the one offsets entry of an empty index
    }

    void cycleWithoutRootHasNoCandidates()
    {
        // A leaked reference cycle is invisible to the in-degree rule; this pins that limitation.
        GraphSpec spec;
        spec.objects = {{.edges = {1}}, {.edges = {2}}, {.edges = {0}}};
        const Heap heap(spec);
        QVERIFY(heap.analysis.candidates().empty());
    }

    void referrerIndexReversesEdges()
    {
        const Heap heap(mixedSpec());
        const ReferrerIndex index(heap.snapshot);
        QVERIFY(index.referrers(0).empty());
        QCOMPARE(toVector(index.referrers(1)), (std::vector<ObjectIndex>{0, 0}));
        QVERIFY(index.referrers(2).empty());
        QCOMPARE(toVector(index.referrers(3)), (std::vector<ObjectIndex>{3}));
        QVERIFY(index.referrers(4).empty());
        QCOMPARE(toVector(index.referrers(5)), (std::vector<ObjectIndex>{2, 4}));
        QCOMPARE(toVector(index.referrers(6)), (std::vector<ObjectIndex>{5}));
        QVERIFY(index.referrers(7).empty());
    }

    void referrerIndexIsSortedAndMatchesInDegree()
    {
        // Referents listed out of order and with repeats; referrers must still come out sorted.
        GraphSpec spec;
        spec.objects = {
            {.edges = {4, 2, 4}},
            {.edges = {4}},
            {.edges = {}},
            {.edges = {2, 0, 4, 3}},
            {.edges = {1, 0}},
        };
        const Heap heap(spec);
        const ReferrerIndex index(heap.snapshot);
        QCOMPARE(toVector(index.referrers(0)), (std::vector<ObjectIndex>{3, 4}));
        QCOMPARE(toVector(index.referrers(1)), (std::vector<ObjectIndex>{4}));
        QCOMPARE(toVector(index.referrers(2)), (std::vector<ObjectIndex>{0, 3}));
        QCOMPARE(toVector(index.referrers(3)), (std::vector<ObjectIndex>{3}));
        QCOMPARE(toVector(index.referrers(4)), (std::vector<ObjectIndex>{0, 0, 1, 3}));
        std::size_t total = 0;
        for (ObjectIndex i = 0; i < 5; ++i) {
            QCOMPARE(index.referrers(i).size(), std::size_t(heap.analysis.referrerCount(i)));
            total += index.referrers(i).size();
        }
        QCOMPARE(total, heap.snapshot.edgeCount());
    }
    // A surplus has a known cause when the holders behind it are ones the snapshot cannot see into:
    // strings held by code objects, types held by their instances, constant tuples; an explained
    // candidate's surplus is its explanation's. Anything else with a surplus stays unexplained.
    void surplusCauses()
    {
        GraphSpec spec;
        spec.types = {"builtins.dict", "builtins.str", "builtins.type", "builtins.tuple", "ext.Meta"};
        spec.objects = {
            {.type = "builtins.dict", .refcount = 3, .edges = {1, 2}}, // 0: holds 1 and 2
            {.type = "builtins.str", .gc = false, .refcount = 5},     // 1: 3 more than 0 and 6 account for
            {.type = "builtins.dict", .gc = false, .refcount = 2},    // 2: an untracked dict, 1 leaked
            {.type = "builtins.type", .refcount = 40},                 // 3: a static type's count
            {.type = "ext.Meta", .refcount = 2},                       // 4: a type of a metaclass
            {.type = "builtins.tuple", .gc = false, .refcount = 3},   // 5: a constant tuple
            {.type = "builtins.tuple", .refcount = 3, .edges = {1, 9}}, // 6: a tracked tuple, 3 unexplained
            {.type = "builtins.dict", .refcount = 2},                  // 7: an explained candidate
            {.type = "builtins.str", .gc = false, .refcount = 1000000000}, // 8: static
            {.type = "builtins.str", .gc = false, .refcount = 1}, // 9: held by 6 alone
        };
        spec.explanations = {{7, "static-type-dict", "held by its type"}};
        SnapshotColumns columns = buildColumns(spec);
        const auto flagsOf = [](std::string_view name) -> std::uint8_t {
            if (name == "builtins.str")
                return 0;
            if (name == "builtins.type" || name == "ext.Meta")
                return GcType | Metatype;
            return GcType;
        };
        // Without the type kinds (a snapshot that predates them), only the explanation counts.
        {
            const Snapshot old(columns);
            const HeapAnalysis analysis(old);
            QCOMPARE(analysis.surplusCause(7), SurplusCause::Explained);
            for (ObjectIndex i : {1u, 2u, 3u, 4u, 5u, 6u})
                QCOMPARE(analysis.surplusCause(i), SurplusCause::Unexplained);
        }
        for (TypeRecord& type : columns.types)
            type.flags |= flagsOf(columns.strings.at(type.name));
        const Snapshot snapshot(std::move(columns));
        const HeapAnalysis analysis(snapshot);
        QCOMPARE(analysis.surplus(1), std::int64_t(3));
        QCOMPARE(analysis.surplusCause(1), SurplusCause::HoldsNothing);
        QCOMPARE(analysis.surplus(2), std::int64_t(1));
        QCOMPARE(analysis.surplusCause(2), SurplusCause::Unexplained); // a dict can hold; untracked or not
        QCOMPARE(analysis.surplusCause(3), SurplusCause::TypeObject);
        QCOMPARE(analysis.surplusCause(4), SurplusCause::TypeObject);
        QCOMPARE(analysis.surplusCause(5), SurplusCause::ConstantTuple);
        QCOMPARE(analysis.surplusCause(6), SurplusCause::Unexplained);
        QCOMPARE(analysis.surplusCause(7), SurplusCause::Explained);
        QVERIFY(analysis.hasImmortalRefcount(8));
        QCOMPARE(analysis.surplusCause(8), SurplusCause::Unexplained); // immortal: no cause to give
        QCOMPARE(analysis.surplus(9), std::int64_t(0));
        QCOMPARE(analysis.surplusCause(9), SurplusCause::Unexplained);
        QCOMPARE(analysis.surplus(0), std::int64_t(3));
        QCOMPARE(analysis.surplusCause(0), SurplusCause::Unexplained); // a candidate nothing explains
        for (SurplusCause cause : {SurplusCause::Unexplained, SurplusCause::Explained, SurplusCause::HoldsNothing,
                                   SurplusCause::TypeObject, SurplusCause::ConstantTuple}) {
            QVERIFY(!surplusCauseName(cause).empty());
            QVERIFY(!surplusCauseDescription(cause).empty());
        }
        QCOMPARE(surplusCauseName(SurplusCause::HoldsNothing), std::string_view("holds-nothing"));
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
