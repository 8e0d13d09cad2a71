// rootPaths() on hand-built heaps: chains, diamonds, cycles with and without an entry, roots that are
// untracked objects, a target that is a root itself, and a chain of a million links.

#include "models_fixture.h"

#include "models/root_path.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

Q_DECLARE_METATYPE(std::vector<std::vector<leakscope::ObjectIndex>>)

using namespace leakscope;
using namespace leakscope::test;

namespace {

using Path = std::vector<ObjectIndex>;

// One object per entry of edges, object k referring to edges[k].
AnalyzedSnapshotPtr heapOf(const std::vector<std::vector<ObjectIndex>>& edges, std::vector<bool> untracked = {})
{
    GraphSpec spec;
    for (std::size_t k = 0; k < edges.size(); ++k)
        spec.objects.push_back({.type = "ext.Node", .gc = k >= untracked.size() || !untracked[k], .edges = edges[k]});
    return analyzeSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
}

std::vector<Path> pathsOf(const AnalyzedSnapshotPtr& heap, ObjectIndex target, std::size_t maxPaths = 1)
{
    const RootPaths result = rootPaths(*heap, target, maxPaths);
    if (result.status == RootPaths::Found && (result.paths.empty() || !result.reason.isEmpty()))
        qWarning("Found with no path or with a reason");
    return result.paths;
}

} // namespace

class TestRootPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chain()
    {
        const auto heap = heapOf({{1}, {2}, {3}, {}});
        QCOMPARE(pathsOf(heap, 3), (std::vector<Path>{{0, 1, 2, 3}}));
        QCOMPARE(pathsOf(heap, 1), (std::vector<Path>{{0, 1}}));
        QCOMPARE(pathsOf(heap, 3, 5), (std::vector<Path>{{0, 1, 2, 3}})); // one root, one path
        QCOMPARE(pathsOf(heap, 3, 0), (std::vector<Path>{{0, 1, 2, 3}})); // 0 taken as 1
    }

    void targetIsRoot()
    {
        const auto heap = heapOf({{1}, {}, {}});
        for (ObjectIndex target : {0u, 2u}) {
            const RootPaths result = rootPaths(*heap, target);
            QCOMPARE(result.status, RootPaths::TargetIsRoot);
            QVERIFY(result.paths.empty());
            QVERIFY(result.reason.contains(QStringLiteral("root")));
        }
    }

    void noSuchObject()
    {
        const RootPaths result = rootPaths(*heapOf({{}}), 1);
        QCOMPARE(result.status, RootPaths::NoSuchObject);
        QVERIFY(result.paths.empty());
        QVERIFY(!result.reason.isEmpty());
    }

    void shortestWins()
    {
        // 0 -> 1 -> 2 -> 3 -> 4 and 5 -> 4: the lower-numbered root is further away.
        const auto heap = heapOf({{1}, {2}, {3}, {4}, {}, {4}});
        QCOMPARE(pathsOf(heap, 4), (std::vector<Path>{{5, 4}}));
        QCOMPARE(pathsOf(heap, 4, 2), (std::vector<Path>{{5, 4}, {0, 1, 2, 3, 4}}));
    }

    void diamond()
    {
        // 0 -> 1, 2; 1 -> 3; 2 -> 3; and a second root 4 -> 2.
        const auto heap = heapOf({{1, 2}, {3}, {3}, {}, {2}});
        QCOMPARE(pathsOf(heap, 3), (std::vector<Path>{{0, 1, 3}})); // ties go to the lower referrer
        QCOMPARE(pathsOf(heap, 3, 2), (std::vector<Path>{{0, 1, 3}, {4, 2, 3}}));
        QCOMPARE(pathsOf(heap, 3, 10), (std::vector<Path>{{0, 1, 3}, {4, 2, 3}}));
        QCOMPARE(pathsOf(heap, 2, 10), (std::vector<Path>{{0, 2}, {4, 2}}));
    }

    void duplicateEdges()
    {
        const auto heap = heapOf({{1, 1, 1}, {2, 2}, {}});
        QCOMPARE(pathsOf(heap, 2, 3), (std::vector<Path>{{0, 1, 2}}));
    }

    void cycleWithEntry()
    {
        // 0 -> 1 -> 2 -> 3 -> 1, and 3 -> 3 as well.
        const auto heap = heapOf({{1}, {2}, {3}, {1, 3}});
        QCOMPARE(pathsOf(heap, 3), (std::vector<Path>{{0, 1, 2, 3}}));
        QCOMPARE(pathsOf(heap, 1), (std::vector<Path>{{0, 1}}));
        QCOMPARE(pathsOf(heap, 2), (std::vector<Path>{{0, 1, 2}}));
    }

    void cycleWithoutEntry_data()
    {
        QTest::addColumn<std::vector<std::vector<ObjectIndex>>>("edges");
        QTest::addColumn<ObjectIndex>("target");
        QTest::newRow("self-loop") << std::vector<std::vector<ObjectIndex>>{{0}} << ObjectIndex(0);
        QTest::newRow("3-cycle") << std::vector<std::vector<ObjectIndex>>{{1}, {2}, {0}} << ObjectIndex(2);
        QTest::newRow("tail of a 3-cycle") << std::vector<std::vector<ObjectIndex>>{{1}, {2}, {0, 3}, {}}
                                           << ObjectIndex(3);
        QTest::newRow("two cycles") << std::vector<std::vector<ObjectIndex>>{{1}, {0, 4}, {3}, {2, 4}, {}}
                                    << ObjectIndex(4);
    }

    void cycleWithoutEntry()
    {
        QFETCH(std::vector<std::vector<ObjectIndex>>, edges);
        QFETCH(ObjectIndex, target);
        const auto heap = heapOf(edges);
        const RootPaths result = rootPaths(*heap, target, 3);
        QCOMPARE(result.status, RootPaths::HeldOnlyByCycle);
        QVERIFY(result.paths.empty());
        QVERIFY2(result.reason.contains(QStringLiteral("held only by a cycle"), Qt::CaseInsensitive),
                 qPrintable(result.reason));
    }

    void untrackedRoot()
    {
        // An untracked object no one lists is a root too (not a candidate): 0 (untracked) -> 1 -> 2.
        const auto heap = heapOf({{1}, {2}, {}}, {true});
        QVERIFY(!heap->analysis().isCandidate(0));
        QCOMPARE(pathsOf(heap, 2), (std::vector<Path>{{0, 1, 2}}));
    }

    void sharedReferrerIndex()
    {
        const auto heap = heapOf({{1, 2}, {3}, {3}, {}, {2}});
        const ReferrerIndex referrers(heap->snapshot());
        const RootPaths result = rootPaths(*heap, referrers, 3, 2);
        QCOMPARE(result.status, RootPaths::Found);
        QVERIFY(result.reason.isEmpty());
        QCOMPARE(result.paths, (std::vector<Path>{{0, 1, 3}, {4, 2, 3}}));
    }

    void millionLinkChain()
    {
        constexpr ObjectIndex kLinks = 1000000;
        GraphSpec spec;
        spec.types = {"chain.Link"};
        SnapshotColumns c = buildColumns(spec);
        for (ObjectIndex i = 0; i < kLinks; ++i) {
            c.appendObject(defaultAddress(i), 0, 48, 1, GcTracked);
            if (i + 1 < kLinks)
                c.edges.push_back(i + 1);
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        const auto heap = analyzeSnapshot(std::make_shared<const Snapshot>(std::move(c)));
        QElapsedTimer timer;
        timer.start();
        const RootPaths result = rootPaths(*heap, kLinks - 1);
        qInfo("path to root through a chain of 1,000,000 links: %lld ms (ReferrerIndex included)", timer.elapsed());
        QCOMPARE(result.status, RootPaths::Found);
        QCOMPARE(result.paths.size(), 1u);
        QCOMPARE(result.paths[0].size(), std::size_t(kLinks));
        QCOMPARE(result.paths[0].front(), 0u);
        QCOMPARE(result.paths[0].back(), kLinks - 1);
    }
};

QTEST_GUILESS_MAIN(TestRootPath)
#include "tst_root_path.moc"
