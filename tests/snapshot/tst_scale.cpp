// A 200k-object synthetic heap built in a loop, so the analyses are checked at a size where an
// accidental O(N^2) or an off-by-one in the CSR arithmetic would show. No timing assertions: the
// expected answers follow from the construction alone.

#include "snapshot/report.h"
#include "test_graph.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr ObjectIndex kChainObjects = 100'000;
constexpr ObjectIndex kChainLength = 200;
constexpr ObjectIndex kChains = kChainObjects / kChainLength;
constexpr ObjectIndex kTreeObjects = 100'000;
constexpr ObjectIndex kObjects = kChainObjects + kTreeObjects;

// Chain heads vary by chain number g, so each rule of the candidate definition is hit 100 times:
//   g % 5 == 0  head untracked              -> not a candidate
//   g % 5 == 1  head refers to itself       -> not a candidate
//   g % 5 == 2  plain head, explained       -> candidate, not a suspect
//   g % 5 >= 3  plain head                  -> candidate, suspect
enum class Head { Untracked, SelfLoop, Explained, Suspect };

Head headKind(ObjectIndex chain)
{
    switch (chain % 5) {
    case 0: return Head::Untracked;
    case 1: return Head::SelfLoop;
    case 2: return Head::Explained;
    default: return Head::Suspect;
    }
}

constexpr std::uint64_t kChainSize = 32;
constexpr std::uint64_t kTreeSize = 64;

// Objects [0, kChainObjects) form chains in which each link refers to the next; the rest form one
// binary heap-shaped tree whose node k refers to nodes 2k+1 and 2k+2, so only its root is unreferenced.
struct ScaleHeap
{
    ScaleHeap()
        : snapshot(build())
        , analysis(snapshot)
    {
    }

    static SnapshotColumns build()
    {
        GraphSpec spec;
        spec.types = {"chain.Link", "tree.Node"};
        spec.explanations = {{0, "chain-head", "explained by construction"}};
        SnapshotColumns c = buildColumns(spec);
        const ExplanationRecord explained = c.explanations.front();
        c.explanations.clear();

        c.address.reserve(kObjects);
        c.edges.reserve(kObjects + kChains);
        for (ObjectIndex i = 0; i < kChainObjects; ++i) {
            const ObjectIndex chain = i / kChainLength;
            const bool head = i % kChainLength == 0;
            const Head kind = headKind(chain);
            c.appendObject(defaultAddress(i), 0, kChainSize, 1, head && kind == Head::Untracked ? 0 : GcTracked);
            if (head && kind == Head::SelfLoop)
                c.edges.push_back(i);
            if (head && kind == Head::Explained)
                c.explanations.push_back({i, explained.kind, explained.detail});
            if ((i + 1) % kChainLength != 0)
                c.edges.push_back(i + 1);
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        for (ObjectIndex k = 0; k < kTreeObjects; ++k) {
            // Some untracked inner nodes: tracking must not matter for objects that have referrers.
            c.appendObject(defaultAddress(kChainObjects + k), 1, kTreeSize, 1, k % 3 == 1 ? 0 : GcTracked);
            for (ObjectIndex child : {2 * k + 1, 2 * k + 2}) {
                if (child < kTreeObjects)
                    c.edges.push_back(kChainObjects + child);
            }
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        return c;
    }

    Snapshot snapshot;
    HeapAnalysis analysis;
};

} // namespace

class TestScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { m_heap = std::make_unique<ScaleHeap>(); }
    void cleanupTestCase() { m_heap.reset(); }

    void shape()
    {
        const Snapshot& s = m_heap->snapshot;
        QCOMPARE(s.objectCount(), std::size_t(kObjects));
        // Chains: one edge per link but the last, plus the 100 self-loops; tree: every node but the root.
        QCOMPARE(s.edgeCount(), std::size_t(kChains * (kChainLength - 1) + kChains / 5 + kTreeObjects - 1));
        const std::size_t untrackedTree = (kTreeObjects + 1) / 3;
        QCOMPARE(s.gcObjectCount(), std::size_t(kObjects - kChains / 5 - untrackedTree));
    }

    void candidatesFollowFromConstruction()
    {
        const HeapAnalysis& a = m_heap->analysis;
        std::vector<ObjectIndex> expected;
        std::size_t suspects = 0;
        for (ObjectIndex chain = 0; chain < kChains; ++chain) {
            const Head kind = headKind(chain);
            if (kind == Head::Explained || kind == Head::Suspect)
                expected.push_back(chain * kChainLength);
            suspects += kind == Head::Suspect;
        }
        expected.push_back(kChainObjects); // the tree's root
        ++suspects;

        QCOMPARE(expected.size(), std::size_t(kChains * 3 / 5 + 1));
        QCOMPARE(a.candidates(), expected);
        QCOMPARE(a.suspectCount(), suspects);
        QCOMPARE(a.suspectCount(), std::size_t(kChains * 2 / 5 + 1));
    }

    void referrersFollowFromConstruction()
    {
        const HeapAnalysis& a = m_heap->analysis;
        const ReferrerIndex index(m_heap->snapshot);
        std::size_t wrong = 0;
        ObjectIndex firstWrong = 0;
        for (ObjectIndex i = 0; i < kObjects; ++i) {
            std::vector<ObjectIndex> expected;
            if (i >= kChainObjects) {
                if (i > kChainObjects)
                    expected.push_back(kChainObjects + (i - kChainObjects - 1) / 2);
            } else if (i % kChainLength != 0) {
                expected.push_back(i - 1);
            } else if (headKind(i / kChainLength) == Head::SelfLoop) {
                expected.push_back(i);
            }
            const auto actual = index.referrers(i);
            const bool same = std::equal(actual.begin(), actual.end(), expected.begin(), expected.end())
                && a.referrerCount(i) == expected.size();
            if (!same && wrong++ == 0)
                firstWrong = i;
        }
        QVERIFY2(wrong == 0, qPrintable(QStringLiteral("%1 objects with wrong referrers, first %2").arg(wrong).arg(firstWrong)));
    }

    void typeSummary()
    {
        const auto rows = m_heap->analysis.typeSummary();
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].count, quint64(kChainObjects));
        QCOMPARE(rows[0].bytes, quint64(kChainObjects * kChainSize));
        QCOMPARE(rows[0].candidates, quint64(kChains * 3 / 5));
        QCOMPARE(rows[0].suspects, quint64(kChains * 2 / 5));
        QCOMPARE(rows[1].count, quint64(kTreeObjects));
        QCOMPARE(rows[1].bytes, quint64(kTreeObjects * kTreeSize));
        QCOMPARE(rows[1].candidates, quint64(1));
        QCOMPARE(rows[1].suspects, quint64(1));
    }

    void jsonReportParses()
    {
        const std::string json = jsonReport(m_heap->analysis, 0);
        const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(json));
        QVERIFY(document.isObject());
        const QJsonArray candidates = document.object().value(QStringLiteral("candidates")).toArray();
        QCOMPARE(candidates.size(), qsizetype(m_heap->analysis.candidates().size()));
        // The tree root is the only suspect of its type and "chain.Link" sorts before "tree.Node".
        QCOMPARE(candidates.at(kChains * 2 / 5).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("tree.Node"));
    }

private:
    std::unique_ptr<ScaleHeap> m_heap;
};

QTEST_GUILESS_MAIN(TestScale)
#include "tst_scale.moc"
