// DominatorTree: hand-made graphs with their dominators written out, then seeded random graphs
// (cycles, self-loops, untracked objects, unreached cycles) against a brute-force reference that
// removes each object in turn and sees what the virtual root can no longer reach.

#include "test_graph.h"

#include "snapshot/dominators.h"

#include <QtTest/QTest>

#include <algorithm>
#include <random>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr ObjectIndex kRoot = kNoObject; // immediateDominator() of the virtual root's children

// What the tree must say, worked out the slow way from reachability alone.
struct Reference
{
    std::vector<ObjectIndex> idom;
    std::vector<std::uint64_t> retained;
    std::vector<std::vector<bool>> dominates; // [d][o]: d dominates o (d dominates itself)
    std::vector<ObjectIndex> roots; // the virtual root's out-edges: candidates, then the rule's
    std::vector<bool> unreached;
};

std::vector<bool> reachable(
    const Snapshot& s, const std::vector<ObjectIndex>& from, ObjectIndex removed, std::vector<bool> seen = {})
{
    if (seen.empty())
        seen.assign(s.objectCount(), false);
    std::vector<ObjectIndex> stack;
    for (ObjectIndex r : from) {
        if (r != removed && !seen[r]) {
            seen[r] = true;
            stack.push_back(r);
        }
    }
    while (!stack.empty()) {
        const ObjectIndex v = stack.back();
        stack.pop_back();
        for (ObjectIndex t : s.referents(v)) {
            if (t != removed && !seen[t]) {
                seen[t] = true;
                stack.push_back(t);
            }
        }
    }
    return seen;
}

Reference bruteForce(const Heap& heap)
{
    const Snapshot& s = heap.snapshot;
    const auto n = static_cast<ObjectIndex>(s.objectCount());
    Reference ref;
    // The documented rule: the candidates, then each object still unreached, in index order.
    ref.roots = heap.analysis.candidates();
    std::vector<bool> seen = reachable(s, ref.roots, kNoObject);
    ref.unreached.assign(n, false);
    for (ObjectIndex i = 0; i < n; ++i) {
        if (!seen[i]) {
            ref.roots.push_back(i);
            const std::vector<bool> before = seen;
            seen = reachable(s, {i}, kNoObject, seen);
            for (ObjectIndex k = 0; k < n; ++k)
                ref.unreached[k] = ref.unreached[k] || (seen[k] && !before[k]);
        }
    }
    ref.dominates.assign(n, std::vector<bool>(n, false));
    for (ObjectIndex d = 0; d < n; ++d) {
        const std::vector<bool> without = reachable(s, ref.roots, d);
        for (ObjectIndex o = 0; o < n; ++o)
            ref.dominates[d][o] = o == d || !without[o];
    }
    ref.idom.assign(n, kRoot);
    ref.retained.assign(n, 0);
    for (ObjectIndex o = 0; o < n; ++o) {
        // The immediate dominator is the strict dominator that all the others dominate: the one
        // dominating the fewest objects.
        std::size_t fewest = SIZE_MAX;
        for (ObjectIndex d = 0; d < n; ++d) {
            if (d == o || !ref.dominates[d][o])
                continue;
            const auto count
                = static_cast<std::size_t>(std::count(ref.dominates[d].begin(), ref.dominates[d].end(), true));
            if (count < fewest) {
                fewest = count;
                ref.idom[o] = d;
            }
        }
        for (ObjectIndex k = 0; k < n; ++k) {
            if (ref.dominates[o][k])
                ref.retained[o] += s.size(k);
        }
    }
    return ref;
}

// Checks everything the tree promises against the reference; returns an empty string when it all
// holds, else the first difference.
QString compare(const Heap& heap, const DominatorTree& tree)
{
    const Snapshot& s = heap.snapshot;
    const auto n = static_cast<ObjectIndex>(s.objectCount());
    const Reference ref = bruteForce(heap);
    if (tree.objectCount() != n)
        return QStringLiteral("objectCount %1, expected %2").arg(tree.objectCount()).arg(n);
    std::uint64_t total = 0;
    for (ObjectIndex o = 0; o < n; ++o)
        total += s.size(o);
    if (tree.totalBytes() != total)
        return QStringLiteral("totalBytes %1, expected %2").arg(tree.totalBytes()).arg(total);
    std::size_t unreached = 0;
    for (ObjectIndex o = 0; o < n; ++o) {
        if (tree.immediateDominator(o) != ref.idom[o])
            return QStringLiteral("idom(%1) = %2, expected %3")
                .arg(o)
                .arg(qint64(tree.immediateDominator(o)))
                .arg(qint64(ref.idom[o]));
        if (tree.retainedSize(o) != ref.retained[o])
            return QStringLiteral("retained(%1) = %2, expected %3")
                .arg(o)
                .arg(tree.retainedSize(o))
                .arg(ref.retained[o]);
        if (tree.isUnreached(o) != ref.unreached[o])
            return QStringLiteral("isUnreached(%1) = %2").arg(o).arg(tree.isUnreached(o));
        unreached += ref.unreached[o] ? 1 : 0;
        // A dominator comes before what it dominates in the search's preorder.
        if (ref.idom[o] != kRoot && tree.preorder(ref.idom[o]) >= tree.preorder(o))
            return QStringLiteral("preorder(%1) not after its dominator's").arg(o);
    }
    if (tree.unreachedCount() != unreached)
        return QStringLiteral("unreachedCount %1, expected %2").arg(tree.unreachedCount()).arg(unreached);

    // Children: exactly the objects whose immediate dominator the node is, largest retained first.
    auto checkChildren = [&](ObjectIndex parent, std::span<const ObjectIndex> children) -> QString {
        std::vector<ObjectIndex> expected;
        for (ObjectIndex o = 0; o < n; ++o) {
            if (ref.idom[o] == parent)
                expected.push_back(o);
        }
        std::sort(expected.begin(), expected.end(), [&](ObjectIndex a, ObjectIndex b) {
            return ref.retained[a] != ref.retained[b] ? ref.retained[a] > ref.retained[b]
                                                      : tree.preorder(a) < tree.preorder(b);
        });
        if (toVector(children) != expected)
            return QStringLiteral("children of %1 differ").arg(qint64(parent));
        std::uint64_t sum = 0;
        for (ObjectIndex c : children)
            sum += tree.retainedSize(c);
        const std::uint64_t expectedSum = parent == kRoot ? total : tree.retainedSize(parent) - s.size(parent);
        if (sum != expectedSum)
            return QStringLiteral("children of %1 retain %2 bytes, expected %3")
                .arg(qint64(parent))
                .arg(sum)
                .arg(expectedSum);
        return {};
    };
    for (ObjectIndex o = 0; o < n; ++o) {
        const QString problem = checkChildren(o, tree.children(o));
        if (!problem.isEmpty())
            return problem;
    }
    if (QString problem = checkChildren(kRoot, tree.rootChildren()); !problem.isEmpty())
        return problem;

    // Per type: objects that no other object of their type dominates.
    std::vector<std::uint64_t> byType(s.typeCount(), 0);
    for (ObjectIndex o = 0; o < n; ++o) {
        bool covered = false;
        for (ObjectIndex d = 0; d < n && !covered; ++d)
            covered = d != o && ref.dominates[d][o] && s.typeOf(d) == s.typeOf(o);
        if (!covered)
            byType[s.typeOf(o)] += ref.retained[o];
    }
    if (tree.retainedByType() != byType)
        return QStringLiteral("retainedByType differs");
    return {};
}

GraphSpec graph(std::vector<std::vector<ObjectIndex>> edges, std::vector<std::uint64_t> sizes = {})
{
    GraphSpec spec;
    for (std::size_t i = 0; i < edges.size(); ++i)
        spec.objects.push_back({.size = i < sizes.size() ? sizes[i] : 10 * (i + 1), .edges = edges[i]});
    return spec;
}

} // namespace

class TestDominators : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chain()
    {
        const Heap heap(graph({{1}, {2}, {3}, {}}, {1, 10, 100, 1000}));
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.immediateDominator(0), kRoot);
        QCOMPARE(tree.immediateDominator(1), ObjectIndex(0));
        QCOMPARE(tree.immediateDominator(2), ObjectIndex(1));
        QCOMPARE(tree.immediateDominator(3), ObjectIndex(2));
        QCOMPARE(tree.retainedSize(0), std::uint64_t(1111));
        QCOMPARE(tree.retainedSize(1), std::uint64_t(1110));
        QCOMPARE(tree.retainedSize(3), std::uint64_t(1000));
        QCOMPARE(toVector(tree.rootChildren()), (std::vector<ObjectIndex>{0}));
        QCOMPARE(toVector(tree.children(2)), (std::vector<ObjectIndex>{3}));
        QVERIFY(tree.children(3).empty());
        QCOMPARE(tree.totalBytes(), std::uint64_t(1111));
        QCOMPARE(tree.unreachedCount(), std::size_t(0));
        QCOMPARE(compare(heap, tree), QString());
    }

    void diamond()
    {
        // 0 -> 1 -> 3, 0 -> 2 -> 3: neither branch alone holds 3.
        const Heap heap(graph({{1, 2}, {3}, {3}, {}}, {1, 10, 100, 1000}));
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.immediateDominator(1), ObjectIndex(0));
        QCOMPARE(tree.immediateDominator(2), ObjectIndex(0));
        QCOMPARE(tree.immediateDominator(3), ObjectIndex(0));
        QCOMPARE(tree.retainedSize(1), std::uint64_t(10));
        QCOMPARE(tree.retainedSize(2), std::uint64_t(100));
        QCOMPARE(tree.retainedSize(0), std::uint64_t(1111));
        QCOMPARE(toVector(tree.children(0)), (std::vector<ObjectIndex>{3, 2, 1})); // largest first
        QCOMPARE(compare(heap, tree), QString());
    }

    void cycleHeldByOneCandidate()
    {
        // 0 -> 1 <-> 2 -> 3; the cycle's entry dominates the rest of it.
        const Heap heap(graph({{1}, {2}, {1, 3}, {}}, {5, 10, 20, 40}));
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(heap.analysis.candidates(), (std::vector<ObjectIndex>{0}));
        QCOMPARE(tree.immediateDominator(1), ObjectIndex(0));
        QCOMPARE(tree.immediateDominator(2), ObjectIndex(1));
        QCOMPARE(tree.immediateDominator(3), ObjectIndex(2));
        QCOMPARE(tree.retainedSize(1), std::uint64_t(70));
        QCOMPARE(tree.unreachedCount(), std::size_t(0));
        QCOMPARE(compare(heap, tree), QString());
    }

    void selfLoops()
    {
        // 1 and 2 hold themselves; 3 is held by nothing else, so the search never reaches it.
        const Heap heap(graph({{1}, {1, 2}, {2, 2}, {3}}, {1, 2, 4, 8}));
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(heap.analysis.candidates(), (std::vector<ObjectIndex>{0}));
        QCOMPARE(tree.immediateDominator(1), ObjectIndex(0));
        QCOMPARE(tree.immediateDominator(2), ObjectIndex(1));
        QCOMPARE(tree.immediateDominator(3), kRoot);
        QCOMPARE(tree.retainedSize(0), std::uint64_t(7));
        QCOMPARE(tree.retainedSize(3), std::uint64_t(8));
        QVERIFY(tree.isUnreached(3));
        QVERIFY(!tree.isUnreached(2));
        QCOMPARE(toVector(tree.rootChildren()), (std::vector<ObjectIndex>{3, 0}));
        QCOMPARE(compare(heap, tree), QString());
    }

    void unreachedCycle()
    {
        // 0 -> 1 is all the candidates reach. 2 <-> 3 -> 5 is held from outside the snapshot and by
        // 4, an untracked object nothing refers to (so not a candidate): 2, the lowest index not
        // reached, becomes a root child, then 4; 2 stays a root child because 4 reaches it too.
        GraphSpec spec = graph({{1}, {}, {3}, {2, 5}, {2}, {}}, {1, 2, 4, 8, 16, 32});
        spec.objects[4].gc = false;
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(heap.analysis.candidates(), (std::vector<ObjectIndex>{0}));
        QCOMPARE(tree.immediateDominator(2), kRoot);
        QCOMPARE(tree.immediateDominator(3), ObjectIndex(2));
        QCOMPARE(tree.immediateDominator(5), ObjectIndex(3));
        QCOMPARE(tree.immediateDominator(4), kRoot);
        QCOMPARE(tree.retainedSize(2), std::uint64_t(44));
        QCOMPARE(tree.retainedSize(4), std::uint64_t(16));
        for (ObjectIndex i : {2, 3, 4, 5})
            QVERIFY(tree.isUnreached(i));
        QVERIFY(!tree.isUnreached(0));
        QVERIFY(!tree.isUnreached(1));
        QCOMPARE(tree.unreachedCount(), std::size_t(4));
        QCOMPARE(toVector(tree.rootChildren()), (std::vector<ObjectIndex>{2, 4, 0}));
        QCOMPARE(compare(heap, tree), QString());

        // With 4 tracked it is a candidate, the only way in: it dominates the whole cycle.
        const Heap held(graph({{1}, {}, {3}, {2, 5}, {2}, {}}, {1, 2, 4, 8, 16, 32}));
        const DominatorTree heldTree(held.snapshot, held.analysis);
        QCOMPARE(held.analysis.candidates(), (std::vector<ObjectIndex>{0, 4}));
        QCOMPARE(heldTree.immediateDominator(2), ObjectIndex(4));
        QCOMPARE(heldTree.retainedSize(4), std::uint64_t(60));
        QCOMPARE(heldTree.unreachedCount(), std::size_t(0));
        QCOMPARE(toVector(heldTree.rootChildren()), (std::vector<ObjectIndex>{4, 0}));
        QCOMPARE(compare(held, heldTree), QString());
    }

    void unreachedOrderFollowsIndex()
    {
        // 1 <-> 2 held from outside: 1, the lower index, becomes the root and dominates 2; an
        // untracked object nothing refers to (3) is a root of its own.
        GraphSpec spec = graph({{}, {2}, {1}, {}}, {1, 2, 4, 8});
        spec.objects[3].gc = false;
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(heap.analysis.candidates(), (std::vector<ObjectIndex>{0}));
        QCOMPARE(tree.immediateDominator(1), kRoot);
        QCOMPARE(tree.immediateDominator(2), ObjectIndex(1));
        QCOMPARE(tree.immediateDominator(3), kRoot);
        QCOMPARE(tree.unreachedCount(), std::size_t(3));
        QCOMPARE(compare(heap, tree), QString());
    }

    void twoCandidatesShareAChild()
    {
        // 0 -> 2 <- 1, 2 -> 3: no single object holds 2, so the virtual root dominates it.
        const Heap heap(graph({{2}, {2}, {3}, {}}, {1, 2, 4, 8}));
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.immediateDominator(0), kRoot);
        QCOMPARE(tree.immediateDominator(1), kRoot);
        QCOMPARE(tree.immediateDominator(2), kRoot);
        QCOMPARE(tree.immediateDominator(3), ObjectIndex(2));
        QCOMPARE(tree.retainedSize(0), std::uint64_t(1));
        QCOMPARE(tree.retainedSize(1), std::uint64_t(2));
        QCOMPARE(tree.retainedSize(2), std::uint64_t(12));
        QCOMPARE(toVector(tree.rootChildren()), (std::vector<ObjectIndex>{2, 1, 0}));
        QCOMPARE(compare(heap, tree), QString());
    }

    void typesCountNestedObjectsOnce()
    {
        // A list (0) holding a linked chain of Node objects 1 -> 2 -> 3, each holding a dict.
        GraphSpec spec;
        spec.objects = {
            {.type = "builtins.list", .size = 100, .edges = {1}},
            {.type = "app.Node", .size = 10, .edges = {2, 4}},
            {.type = "app.Node", .size = 10, .edges = {3, 5}},
            {.type = "app.Node", .size = 10, .edges = {6}},
            {.type = "builtins.dict", .size = 1},
            {.type = "builtins.dict", .size = 2},
            {.type = "builtins.dict", .size = 4},
        };
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const Snapshot& s = heap.snapshot;
        QCOMPARE(tree.retainedSize(1), std::uint64_t(37));
        const auto& byType = tree.retainedByType();
        QCOMPARE(byType.size(), s.typeCount());
        QCOMPARE(byType[s.typeOf(1)], std::uint64_t(37)); // the head's, not 37 + 26 + 14
        QCOMPARE(byType[s.typeOf(0)], std::uint64_t(137));
        QCOMPARE(byType[s.typeOf(4)], std::uint64_t(7)); // dicts dominate no dict: each its own
        QCOMPARE(compare(heap, tree), QString());
    }

    void largeSizes()
    {
        // Sizes past 32 bits come from the side table; sums must not wrap.
        const Heap heap(graph({{1, 2}, {}, {}}, {1ULL << 40, 1ULL << 33, 5}));
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.retainedSize(0), (1ULL << 40) + (1ULL << 33) + 5);
        QCOMPARE(tree.totalBytes(), (1ULL << 40) + (1ULL << 33) + 5);
        QCOMPARE(compare(heap, tree), QString());
    }

    void emptySnapshot()
    {
        const Heap heap(GraphSpec{});
        const DominatorTree tree(heap.snapshot, heap.analysis);
        QCOMPARE(tree.objectCount(), std::size_t(0));
        QVERIFY(tree.rootChildren().empty());
        QCOMPARE(tree.totalBytes(), std::uint64_t(0));
        QCOMPARE(tree.unreachedCount(), std::size_t(0));
    }

    void deepChainNeedsNoRecursion()
    {
        // 200,000 objects in one chain and a cycle back to its start: a recursive search would
        // overflow the stack. Each object dominates everything after it.
        constexpr ObjectIndex kLength = 200000;
        SnapshotColumns c;
        c.types.push_back({});
        for (ObjectIndex i = 0; i < kLength; ++i) {
            c.appendObject(0x1000 + 16ULL * i, 0, 1, 1, GcTracked);
            c.edges.push_back(i + 1 < kLength ? i + 1 : 1);
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        const Snapshot s(std::move(c));
        const HeapAnalysis analysis(s);
        const DominatorTree tree(s, analysis);
        QCOMPARE(tree.retainedSize(0), std::uint64_t(kLength));
        QCOMPARE(tree.retainedSize(kLength / 2), std::uint64_t(kLength / 2));
        QCOMPARE(tree.immediateDominator(kLength - 1), kLength - 2);
        QCOMPARE(tree.retainedByType()[0], std::uint64_t(kLength));
        // The construction's arrays: nine of 32 bits per object and one per edge while the dominators
        // are computed (40 bytes an object here, one edge each); the search stacks, at most twice
        // their depth in capacity, peak lower.
        QVERIFY2(tree.constructionPeakBytes() >= 40 * std::size_t(kLength),
            qPrintable(QString::number(tree.constructionPeakBytes())));
        QVERIFY2(tree.constructionPeakBytes() <= 52 * std::size_t(kLength),
            qPrintable(QString::number(tree.constructionPeakBytes())));
        QVERIFY(tree.memoryBytes() >= 28 * std::size_t(kLength));
    }

    void randomGraphsMatchBruteForce_data()
    {
        QTest::addColumn<unsigned>("seed");
        for (unsigned seed = 1; seed <= 400; ++seed)
            QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }

    void randomGraphsMatchBruteForce()
    {
        QFETCH(unsigned, seed);
        std::mt19937 random(seed);
        const auto n = static_cast<ObjectIndex>(1 + random() % 60);
        // From sparse (many candidates and unreached objects) to dense (cycles everywhere).
        const double degree = std::uniform_real_distribution<double>(0.3, 3.0)(random);
        const char* types[] = {"builtins.dict", "builtins.list", "app.Node"};
        GraphSpec spec;
        std::size_t selfLoops = 0;
        for (ObjectIndex i = 0; i < n; ++i) {
            Obj o;
            o.type = types[random() % 3];
            o.gc = random() % 5 != 0;
            o.size = 1 + random() % 1000;
            const auto edges = static_cast<int>(std::poisson_distribution<int>(degree)(random));
            for (int k = 0; k < edges; ++k) {
                // A quarter of the edges are self-loops; the rest go anywhere, cycles included.
                const ObjectIndex target = random() % 4 == 0 ? i : static_cast<ObjectIndex>(random() % n);
                selfLoops += target == i ? 1 : 0;
                o.edges.push_back(target);
            }
            spec.objects.push_back(std::move(o));
        }
        const Heap heap(spec);
        const DominatorTree tree(heap.snapshot, heap.analysis);
        const QString problem = compare(heap, tree);
        QVERIFY2(problem.isEmpty(),
            qPrintable(
                QStringLiteral("seed %1, %2 objects, %3 self-loops: %4").arg(seed).arg(n).arg(selfLoops).arg(problem)));
    }
};

QTEST_GUILESS_MAIN(TestDominators)
#include "tst_dominators.moc"
