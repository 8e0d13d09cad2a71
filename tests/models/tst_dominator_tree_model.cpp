// DominatorTreeModel on small hand-made heaps: the whole tree printed and compared with the one worked
// out by hand, rows made only when fetched, every cell against the DominatorTree it reads, both sort
// orders, and a new analysis of the same snapshot keeping the rows. Under QAbstractItemModelTester
// throughout.

#include "models_fixture.h"

#include "models/dominator_tree_model.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <functional>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using D = DominatorTreeModel;
constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

// The tester checks the model on every signal before its own bookkeeping of the change in flight: a
// fetch of its own would insert rows inside another change. So the tests fetch, as a view does, and
// the tester checks every step.
struct Tester : QAbstractItemModelTester
{
    explicit Tester(QAbstractItemModel* model)
        : QAbstractItemModelTester(model, kQtTest)
    {
        setUseFetchMore(false);
    }
};

// Objects (candidates *; the two Nodes are a cycle nothing reaches):
//   0 * pkg.Cache   100 B -> 1, 2
//   1   dict        200 B -> 3, 4
//   2   list         50 B -> 4
//   3   str          30 B  (untracked)
//   4   bytes      1000 B  (untracked; held by the dict and the list: the Cache dominates it)
//   5 * pkg.Other    10 B -> 6
//   6   list         20 B
//   7   pkg.Node     40 B -> 8   (unreached: the lower index of its cycle, so a top-level entry)
//   8   pkg.Node     40 B -> 7
// 1,490 bytes in all.
SnapshotPtr treeSnapshot()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "pkg.Cache", .size = 100, .edges = {1, 2}, .repr = "Cache()"},
        {.type = "builtins.dict", .size = 200, .edges = {3, 4}, .repr = "{'a': b'x'}"},
        {.type = "builtins.list", .size = 50, .edges = {4}, .repr = "[b'x']"},
        {.type = "builtins.str", .gc = false, .size = 30, .repr = "'a'"},
        {.type = "builtins.bytes", .gc = false, .size = 1000, .repr = "b'x'"},
        {.type = "pkg.Other", .size = 10, .edges = {6}, .repr = "Other()"},
        {.type = "builtins.list", .size = 20, .repr = "[]"},
        {.type = "pkg.Node", .size = 40, .edges = {8}, .repr = "Node(1)"},
        {.type = "pkg.Node", .size = 40, .edges = {7}, .repr = "Node(2)"},
    };
    return std::make_shared<const Snapshot>(buildColumns(spec));
}

void fetchAll(QAbstractItemModel& model, const QModelIndex& parent = {})
{
    while (model.canFetchMore(parent))
        model.fetchMore(parent);
    for (int row = 0; row < model.rowCount(parent); ++row)
        fetchAll(model, model.index(row, 0, parent));
}

// The rows fetched, one a line, indented two spaces a level: "object | retained | share | size | dominated".
void printRows(const QAbstractItemModel& model, const QModelIndex& parent, int depth, QString& out)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        QStringList cells;
        for (int column = 0; column < D::ColumnCount; ++column)
            cells << model.index(row, column, parent).data().toString();
        out += QString(2 * depth, QLatin1Char(' ')) + cells.join(QStringLiteral(" | ")) + QLatin1Char('\n');
        printRows(model, model.index(row, 0, parent), depth + 1, out);
    }
}

QString printed(const QAbstractItemModel& model)
{
    QString out;
    printRows(model, {}, 0, out);
    return out;
}

// Objects object dominates, counted by walking up from every object: the reference for dominatedCount().
std::uint32_t dominatedByWalkingUp(const DominatorTree& tree, ObjectIndex object)
{
    std::uint32_t count = 0;
    for (ObjectIndex other = 0; other < tree.objectCount(); ++other) {
        for (ObjectIndex up = tree.immediateDominator(other); up != kNoObject; up = tree.immediateDominator(up)) {
            if (up == object) {
                ++count;
                break;
            }
        }
    }
    return count;
}

} // namespace

class TestDominatorTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void printedTree()
    {
        DominatorTreeModel model;
        Tester tester(&model);
        model.setSnapshot(analyzeWithDominators(treeSnapshot()));
        fetchAll(model);
        QCOMPARE(printed(model),
            QStringLiteral("pkg.Cache Cache() | 1,380 | 92.6 % | 100 | 4\n"
                           "  builtins.bytes b'x' | 1,000 | 67.1 % | 1,000 | 0\n"
                           "  builtins.dict {'a': b'x'} | 230 | 15.4 % | 200 | 1\n"
                           "    builtins.str 'a' | 30 | 2.0 % | 30 | 0\n"
                           "  builtins.list [b'x'] | 50 | 3.4 % | 50 | 0\n"
                           "pkg.Node Node(1) | 80 | 5.4 % | 40 | 1\n"
                           "  pkg.Node Node(2) | 40 | 2.7 % | 40 | 0\n"
                           "pkg.Other Other() | 30 | 2.0 % | 10 | 1\n"
                           "  builtins.list [] | 20 | 1.3 % | 20 | 0\n"));
        QCOMPARE(model.fetchedRowCount(), std::size_t(9));
        QCOMPARE(model.headerData(D::RetainedColumn, Qt::Horizontal).toString(), QStringLiteral("Retained"));
        QCOMPARE(model.headerData(D::ShareColumn, Qt::Horizontal).toString(), QStringLiteral("Share"));
        // The unreached cycle says why it is at the top.
        QVERIFY(
            model.index(1, D::ObjectColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("no candidate")));
        QVERIFY(
            !model.index(0, D::ObjectColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("no candidate")));
        QCOMPARE(model.index(0, D::ShareColumn).data(SortRole).toULongLong(), 1380ULL);
    }

    void ascendingReadsTheListsBackwards()
    {
        DominatorTreeModel model;
        Tester tester(&model);
        model.setSnapshot(analyzeWithDominators(treeSnapshot()));
        fetchAll(model);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.sort(D::SizeColumn, Qt::AscendingOrder); // not sortable: nothing happens
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.sortOrder(), Qt::DescendingOrder);
        model.sort(D::RetainedColumn, Qt::AscendingOrder);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 3); // fetched again from the top: its first batch
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);
        fetchAll(model);
        QCOMPARE(printed(model),
            QStringLiteral("pkg.Other Other() | 30 | 2.0 % | 10 | 1\n"
                           "  builtins.list [] | 20 | 1.3 % | 20 | 0\n"
                           "pkg.Node Node(1) | 80 | 5.4 % | 40 | 1\n"
                           "  pkg.Node Node(2) | 40 | 2.7 % | 40 | 0\n"
                           "pkg.Cache Cache() | 1,380 | 92.6 % | 100 | 4\n"
                           "  builtins.list [b'x'] | 50 | 3.4 % | 50 | 0\n"
                           "  builtins.dict {'a': b'x'} | 230 | 15.4 % | 200 | 1\n"
                           "    builtins.str 'a' | 30 | 2.0 % | 30 | 0\n"
                           "  builtins.bytes b'x' | 1,000 | 67.1 % | 1,000 | 0\n"));
        model.sort(D::ShareColumn, Qt::AscendingOrder); // the same order: nothing to do
        QCOMPARE(resets.count(), 1);
        model.sort(D::ShareColumn, Qt::DescendingOrder);
        QCOMPARE(resets.count(), 2);
        fetchAll(model);
        QCOMPARE(model.index(0, D::ObjectColumn).data().toString(), QStringLiteral("pkg.Cache Cache()"));
    }

    // Rows exist only once fetched: the top level's first batch with the snapshot, the rest of it when
    // a view scrolls there, a node's children when it is expanded, batchSize() at a time.
    void fetchesLazily()
    {
        DominatorTreeModel model;
        Tester tester(&model);
        DominatorTreeModel quiet; // no tester fetching behind the test's back either
        Tester quietTester(&quiet);
        quiet.setBatchSize(2);
        quiet.setSnapshot(analyzeWithDominators(treeSnapshot()));
        QCOMPARE(quiet.rowCount(), 2);
        QVERIFY(quiet.hasChildren());
        QCOMPARE(quiet.fetchedRowCount(), std::size_t(2));
        QVERIFY(quiet.canFetchMore({}));
        quiet.fetchMore({});
        QCOMPARE(quiet.rowCount(), 3);
        QVERIFY(!quiet.canFetchMore({}));
        const QModelIndex cache = quiet.index(0, 0);
        QCOMPARE(quiet.objectAt(cache), std::optional<ObjectIndex>(0));
        QVERIFY(quiet.hasChildren(cache));
        QCOMPARE(quiet.rowCount(cache), 0); // not expanded yet
        QCOMPARE(quiet.fetchedRowCount(), std::size_t(3));
        QVERIFY(!quiet.indexOfObject(1).isValid()); // not fetched: no row to select
        QSignalSpy inserted(&quiet, &QAbstractItemModel::rowsInserted);
        quiet.fetchMore(cache);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(quiet.rowCount(cache), 2);
        QCOMPARE(quiet.fetchedRowCount(), std::size_t(5));
        const QModelIndex dict = quiet.index(1, 0, cache);
        QCOMPARE(quiet.objectAt(dict), std::optional<ObjectIndex>(1));
        QCOMPARE(quiet.indexOfObject(1), dict);
        QCOMPARE(quiet.parent(dict), cache);
        QVERIFY(!quiet.indexOfObject(2).isValid()); // the third child, in the next batch
        QVERIFY(quiet.flags(quiet.index(0, 0, cache)) & Qt::ItemNeverHasChildren); // the bytes
        QVERIFY(!(quiet.flags(dict) & Qt::ItemNeverHasChildren));

        // The same under the tester, which fetches as a view would.
        model.setSnapshot(analyzeWithDominators(treeSnapshot()));
        fetchAll(model);
        QCOMPARE(model.fetchedRowCount(), std::size_t(9));
    }

    // A node with many children: a batch a fetch, the first rows the biggest.
    void wideNodeInBatches()
    {
        GraphSpec spec;
        spec.objects.push_back({.type = "builtins.list", .size = 56});
        for (ObjectIndex k = 1; k <= 1200; ++k) {
            spec.objects[0].edges.push_back(k);
            spec.objects.push_back({.type = "builtins.int", .gc = false, .size = 28 + k});
        }
        DominatorTreeModel model;
        Tester tester(&model);
        model.setSnapshot(analyzeWithDominators(std::make_shared<const Snapshot>(buildColumns(spec))));
        QCOMPARE(model.batchSize(), D::kDefaultBatchSize);
        const QModelIndex list = model.index(0, 0);
        QCOMPARE(model.rowCount(list), 0);
        model.fetchMore(list);
        QCOMPARE(model.rowCount(list), 500);
        QCOMPARE(model.objectAt(model.index(0, 0, list)), std::optional<ObjectIndex>(1200));
        QCOMPARE(model.objectAt(model.index(499, 0, list)), std::optional<ObjectIndex>(701));
        model.fetchMore(list);
        model.fetchMore(list);
        QCOMPARE(model.rowCount(list), 1200);
        QVERIFY(!model.canFetchMore(list));
        QCOMPARE(model.index(0, D::DominatedColumn).data().toString(), QStringLiteral("1,200"));
        // Shares under 1 % keep two decimals: 1,228 of 754,256 bytes.
        QCOMPARE(model.index(0, D::ShareColumn, list).data().toString(), QStringLiteral("0.16 %"));
    }

    // Every cell against the tree it shows.
    void cellsAreTheTrees()
    {
        DominatorTreeModel model;
        Tester tester(&model);
        const AnalyzedSnapshotPtr analyzed = analyzeWithDominators(fixtureSnapshot());
        model.setSnapshot(analyzed);
        fetchAll(model);
        const DominatorTree& tree = *analyzed->dominators();
        const Snapshot& s = analyzed->snapshot();
        std::vector<bool> seen(s.objectCount(), false);
        std::function<void(const QModelIndex&)> check = [&](const QModelIndex& parent) {
            std::uint64_t previous = UINT64_MAX;
            for (int row = 0; row < model.rowCount(parent); ++row) {
                const QModelIndex index = model.index(row, 0, parent);
                const ObjectIndex object = *model.objectAt(index);
                QVERIFY(!seen[object]);
                seen[object] = true;
                QCOMPARE(index.data(ObjectIndexRole).value<quint32>(), object);
                QCOMPARE(index.data(IsSuspectRole).toBool(), analyzed->analysis().isSuspect(object));
                const std::uint64_t retained = index.siblingAtColumn(D::RetainedColumn).data(SortRole).toULongLong();
                QCOMPARE(retained, tree.retainedSize(object));
                QVERIFY(retained <= previous); // largest first
                previous = retained;
                QCOMPARE(index.siblingAtColumn(D::ShareColumn).data(SortRole).toULongLong(), retained);
                QCOMPARE(index.siblingAtColumn(D::SizeColumn).data(SortRole).toULongLong(), s.size(object));
                QCOMPARE(index.siblingAtColumn(D::DominatedColumn).data(SortRole).toULongLong(),
                    qulonglong(dominatedByWalkingUp(tree, object)));
                const ObjectIndex dominator = tree.immediateDominator(object);
                QCOMPARE(model.objectAt(parent), dominator == kNoObject ? std::nullopt : std::optional(dominator));
                QCOMPARE(model.indexOfObject(object), index);
                check(index);
            }
        };
        check({});
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; })); // every object once
        QCOMPARE(model.rowCount(), int(tree.rootChildren().size()));
    }

    // Other rules, the same snapshot: the same tree, so the rows fetched stay.
    void otherRulesKeepTheRows()
    {
        DominatorTreeModel model;
        Tester tester(&model);
        const AnalyzedSnapshotPtr first = analyzeWithDominators(fixtureSnapshot());
        model.setSnapshot(first);
        fetchAll(model);
        const QString before = printed(model);
        const ObjectIndex top = *model.objectAt(model.index(0, 0));
        QVERIFY(model.index(0, 0).data(IsSuspectRole).toBool());
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const AnalyzedSnapshotPtr second = analyzeWithDominators(fixtureRules("type builtins.list"), first);
        QCOMPARE(second->dominatorsPtr(), first->dominatorsPtr());
        QCOMPARE(second->dominatedCounts(), first->dominatedCounts());
        model.setSnapshot(second);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(printed(model), before);
        QCOMPARE(*model.objectAt(model.index(0, 0)), top);
        QVERIFY(!model.index(0, 0).data(IsSuspectRole).toBool()); // the list, ignored now
        // Another snapshot: a reset.
        model.setSnapshot(analyzeWithDominators(treeSnapshot()));
        QCOMPARE(resets.count(), 1);
        // Without a tree: nothing to show.
        model.setSnapshot(analyzeSnapshot(treeSnapshot()));
        QCOMPARE(resets.count(), 2);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.hasChildren());
        QVERIFY(!model.tree());
    }

    void aReusedTreeMustBeTheSnapshots()
    {
        const AnalyzedSnapshotPtr fixture = analyzeWithDominators(fixtureSnapshot());
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument, analyzeWithDominators(treeSnapshot(), nullptr, fixture->dominatorsPtr()));
        QVERIFY(!analyzeWithDominators(nullptr));
        QVERIFY(!analyzeWithDominators(nullptr, AnalyzedSnapshotPtr()));
        // A tree given without its counts: the model counts them itself, the same.
        const auto given
            = std::make_shared<const AnalyzedSnapshot>(fixture->snapshotPtr(), nullptr, fixture->dominatorsPtr());
        QVERIFY(!given->dominatedCounts());
        DominatorTreeModel model;
        model.setSnapshot(given);
        for (ObjectIndex object = 0; object < given->snapshot().objectCount(); ++object)
            QCOMPARE(model.dominatedCount(object), (*fixture->dominatedCounts())[object]);
        QVERIFY(!analyzeSnapshot(fixtureSnapshot())->dominators());
    }
};

QTEST_GUILESS_MAIN(TestDominatorTreeModel)
#include "tst_dominator_tree_model.moc"
