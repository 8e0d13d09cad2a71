// The object trees over a heap far deeper than a view can show: a chain of 150,000 objects, each
// holding the next. QTreeView lays out expanded rows with one call per level and overflows an 8 MiB
// stack near 6,000 levels, so both trees stop at kMaxDepth levels, on a row that says so; going to
// that row's object (a new top row) goes on from there, down to the end of the chain. indexOfObject()
// walks up the dominators in a loop. Under QAbstractItemModelTester throughout.
#include "models/dominator_tree_model.h"
#include "models/object_tree_model.h"
#include "snapshot/test_graph.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

// As a view does: the test fetches, the tester checks each step.
struct Tester : QAbstractItemModelTester
{
    explicit Tester(QAbstractItemModel* model)
        : QAbstractItemModelTester(model, kQtTest)
    {
        setUseFetchMore(false);
    }
};

// Object i refers to i + 1; object 0, the head, is the only candidate and dominates all the others,
// each of which dominates the rest of the chain below it.
SnapshotPtr chainSnapshot(ObjectIndex links)
{
    GraphSpec spec;
    spec.types = {"chain.Link"};
    SnapshotColumns c = buildColumns(spec);
    for (ObjectIndex i = 0; i < links; ++i) {
        c.appendObject(defaultAddress(i), 0, 48, 1, GcTracked);
        if (i + 1 < links)
            c.edges.push_back(i + 1);
        c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
        c.reprOffsets.push_back(0);
    }
    return std::make_shared<const Snapshot>(std::move(c));
}

// Opens the first row under parent, level after level, until levels rows are open or a row has no
// children; returns the last row reached.
QModelIndex openFirstRows(QAbstractItemModel& model, QModelIndex parent, int levels)
{
    for (int level = 0; level < levels; ++level) {
        while (model.canFetchMore(parent))
            model.fetchMore(parent);
        if (model.rowCount(parent) == 0)
            break;
        parent = model.index(0, 0, parent);
    }
    return parent;
}

} // namespace

class TestDeepObjectTrees : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dominatorTreeStopsAtItsDepthLimit()
    {
        constexpr ObjectIndex kLinks = 150000;
        constexpr int kLimit = DominatorTreeModel::kMaxDepth;
        DominatorTreeModel model;
        Tester tester(&model);
        model.setSnapshot(analyzeWithDominators(chainSnapshot(kLinks)));
        QVERIFY(model.tree());
        // The head retains the whole chain: the tree is kLinks levels deep.
        QCOMPARE(model.tree()->retainedSize(0), std::uint64_t(kLinks) * 48);

        // One row a level, the head at the top: the rows stop kLimit levels down.
        const QModelIndex last = openFirstRows(model, {}, int(kLinks));
        QCOMPARE(model.objectAt(last), std::optional<ObjectIndex>(kLimit - 1));
        QVERIFY(!model.hasChildren(last));
        QVERIFY(!model.canFetchMore(last));
        QVERIFY(model.flags(last) & Qt::ItemNeverHasChildren);
        const QString tip = model.data(last, Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(u"The tree stops 1,000 levels down"_s), qPrintable(tip));
        QVERIFY(!model.data(model.index(0, 0), Qt::ToolTipRole).toString().contains(u"stops"_s));

        // Found again through every dominator above it; nothing below the limit has a row.
        QCOMPARE(model.indexOfObject(kLimit - 1), last);
        QCOMPARE(model.indexOfObject(kLimit / 2).parent(), model.indexOfObject(kLimit / 2 - 1));
        QCOMPARE(model.indexOfObject(0), model.index(0, 0));
        QVERIFY(!model.indexOfObject(kLimit).isValid());
        QVERIFY(!model.indexOfObject(kLinks - 1).isValid());
    }

    void indexOfAnObjectBelowAnUnfetchedLevel()
    {
        // An object whose dominators are not all fetched has no row.
        DominatorTreeModel model;
        Tester tester(&model);
        model.setSnapshot(analyzeWithDominators(chainSnapshot(150000)));
        openFirstRows(model, {}, 500);
        QVERIFY(model.indexOfObject(498).isValid());
        QVERIFY(model.indexOfObject(499).isValid());
        QVERIFY(!model.indexOfObject(500).isValid());
    }

    void referentsGoOnFromTheLastRow()
    {
        constexpr ObjectIndex kLinks = 150000;
        constexpr int kLevels = 10000;
        constexpr int kLimit = ObjectTreeModel::kMaxDepth;
        const AnalyzedSnapshotPtr analyzed = analyzeSnapshot(chainSnapshot(kLinks));
        ObjectTreeModel model(ObjectTreeModel::Referents);
        Tester tester(&model);
        model.setRoot(analyzed, 0);
        const QModelIndex last = openFirstRows(model, model.index(0, 0), kLevels);
        QCOMPARE(model.objectAt(last), std::optional<ObjectIndex>(kLimit));
        QVERIFY(!model.isCycle(last));
        QVERIFY(!model.hasChildren(last));
        QVERIFY(!model.canFetchMore(last));
        QVERIFY2(model.data(last).toString().contains(u"(go to it to see more)"_s), qPrintable(model.data(last).toString()));
        QVERIFY(model.data(last, Qt::ToolTipRole).toString().contains(u"The tree stops 1,000 levels down"_s));
        QCOMPARE(model.nodeCount(), std::size_t(kLimit) + 1);
        int steps = 0;
        for (QModelIndex up = last; up.parent().isValid(); up = up.parent())
            ++steps;
        QCOMPARE(steps, kLimit);

        // Going to the last row's object, again and again, reaches kLevels down.
        ObjectIndex reached = 0;
        while (reached < ObjectIndex(kLevels)) {
            model.setRoot(analyzed, reached);
            reached = *model.objectAt(openFirstRows(model, model.index(0, 0), kLevels));
        }
        QCOMPARE(reached, ObjectIndex(kLevels));
        // The end of the chain holds nothing: no "see more" on it.
        model.setRoot(analyzed, kLinks - 2);
        const QModelIndex end = openFirstRows(model, model.index(0, 0), 2);
        QCOMPARE(model.objectAt(end), std::optional<ObjectIndex>(kLinks - 1));
        QVERIFY(!model.data(end).toString().contains(u"see more"_s));
    }

    void referrersUpToTheHead()
    {
        constexpr ObjectIndex kLinks = 20000;
        const AnalyzedSnapshotPtr analyzed = analyzeSnapshot(chainSnapshot(kLinks));
        ObjectTreeModel model(ObjectTreeModel::Referrers);
        Tester tester(&model);
        ObjectIndex reached = kLinks - 1;
        int roots = 0;
        while (reached != 0) {
            model.setRoot(analyzed, reached);
            ++roots;
            reached = *model.objectAt(openFirstRows(model, model.index(0, 0), int(kLinks)));
        }
        QCOMPARE(roots, int(kLinks) / ObjectTreeModel::kMaxDepth);
        QCOMPARE(model.rowCount(model.index(0, 0)) > 0, true);
    }
};

QTEST_GUILESS_MAIN(TestDeepObjectTrees)
#include "tst_deep_object_trees.moc"
