// ObjectTreeModel on hand-built heaps, both directions: the unfolded trees printed and compared whole,
// edge labels, cycle marks, lazy fetching, the "… N more" cap, and a million-element list.

#include "models_fixture.h"

#include "models/object_columns.h"
#include "models/object_tree_model.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using M = ObjectTreeModel;

// The tester re-checks the model on every signal, before its own bookkeeping of the change in flight;
// if it fetched children itself (synchronous here) it would insert rows inside another change and
// report it. So the tests fetch, level by level, as a view does, and the tester checks each step.
struct Tester : QAbstractItemModelTester
{
    explicit Tester(QAbstractItemModel* model)
        : QAbstractItemModelTester(model, FailureReportingMode::QtTest)
    {
        setUseFetchMore(false);
    }
};

// Edges as CPython's tp_traverse reports them: a list or tuple visits its items last to first.
// 0 list [1, 2, 1] (a root); 1 dict -> 3; 2 tuple (7, 4); 3 Node -> itself; 4 A -> 5 -> 6 -> 4 (a
// 3-cycle), 4 -> 9 too; 7 untracked str; 8 a list subclass -> 3 (a root, explained); 9 default repr.
// The dict names its edge "['k']", A its edge to B ".b" (not its edge to 9), the subclass ".item".
AnalyzedSnapshotPtr graph()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "builtins.list", .refcount = 3, .size = 88, .edges = {1, 2, 1}, .repr = "[d, t, d]"},
        {.type = "builtins.dict", .refcount = 2, .size = 232, .edges = {3}, .labels = {"['k']"}, .repr = "{'k': n}"},
        {.type = "builtins.tuple", .refcount = 1, .size = 56, .edges = {4, 7}, .repr = "('s', a)"},
        {.type = "ext.Node", .refcount = 4, .size = 48, .edges = {3}, .repr = "Node()"},
        {.type = "ext.A", .refcount = 2, .edges = {5, 9}, .labels = {".b", ""}, .repr = "A()"},
        {.type = "ext.B", .refcount = 0, .edges = {6}, .repr = "B()"},
        {.type = "ext.C", .edges = {4}, .repr = "C()"},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 50, .repr = "'s'"},
        {.type = "pkg.MyList", .edges = {3}, .labels = {".item"}, .repr = "[n]"},
        {.type = "ext.Blob", .size = 1000},
    };
    spec.explanations = {{8, "module-state", "held by pkg"}};
    return analyzeSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
}

// A list holding one int 25 times: 25 referents one way, 25 referrers the other.
AnalyzedSnapshotPtr repeated()
{
    GraphSpec spec;
    spec.objects = {{.type = "builtins.list", .edges = std::vector<ObjectIndex>(25, 1), .repr = "[7, 7, …]"},
                    {.type = "builtins.int", .gc = false, .refcount = 25, .repr = "7"}};
    return analyzeSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
}

// The tree under parent as text, fetching children the way a view expanding every row would: one
// line per row, indented by depth, "edge object" in each.
void dump(M& model, const QModelIndex& parent, int depth, QString& out)
{
    if (model.canFetchMore(parent))
        model.fetchMore(parent);
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, M::ObjectColumn, parent);
        const QString edge = model.index(row, M::EdgeColumn, parent).data().toString();
        out += QString(2 * depth, QLatin1Char(' ')) + (edge.isEmpty() ? QString() : edge + QLatin1Char(' '))
            + index.data().toString() + QLatin1Char('\n');
        dump(model, index, depth + 1, out);
    }
}

QString dump(M& model)
{
    QString out;
    dump(model, {}, 0, out);
    return out;
}

QString lines(std::initializer_list<const char*> rows)
{
    QString out;
    for (const char* row : rows)
        out += QString::fromUtf8(row) + QLatin1Char('\n');
    return out;
}

QModelIndex fetched(M& model, const QModelIndex& index)
{
    if (model.canFetchMore(index))
        model.fetchMore(index);
    return index;
}

QModelIndex top(M& model)
{
    return fetched(model, model.index(0, 0));
}

} // namespace

class TestObjectTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void emptyModel()
    {
        M model(M::Referents);
        Tester tester(&model);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.hasChildren());
        QCOMPARE(model.columnCount(), int(M::ColumnCount));
        QVERIFY(!model.root());
        QVERIFY(!model.referrerIndex());
        QCOMPARE(model.headerData(M::EdgeColumn, Qt::Horizontal).toString(), QStringLiteral("Edge"));
        model.setRoot(graph(), 10); // out of range: stays empty
        QCOMPARE(model.rowCount(), 0);
    }

    void referentsTree()
    {
        M model(M::Referents);
        Tester tester(&model);
        model.setRoot(graph(), 0);
        QCOMPARE(dump(model), lines({"builtins.list [d, t, d]",
                                     "  [0] builtins.dict {'k': n}",
                                     "    ['k'] ext.Node Node()",
                                     "      ext.Node Node() ↻ (cycle)",
                                     "  [1] builtins.tuple ('s', a)",
                                     "    [0] builtins.str 's'",
                                     "    [1] ext.A A()",
                                     "      .b ext.B B()",
                                     "        ext.C C()",
                                     "          ext.A A() ↻ (cycle)",
                                     "      <ext.Blob at 0x7f0000001240>",
                                     "  [2] builtins.dict {'k': n}",
                                     "    ['k'] ext.Node Node()",
                                     "      ext.Node Node() ↻ (cycle)"}));

        // A list subclass may hold more than its items: no index labels, only what the capture recorded.
        model.setRoot(model.analyzedSnapshot(), 8);
        QCOMPARE(dump(model), lines({"pkg.MyList [n]", "  .item ext.Node Node()", "    ext.Node Node() ↻ (cycle)"}));
    }

    void sequencesWithEmptySlots()
    {
        // [<NULL>, x, <NULL>, y, <NULL>] and (<NULL>, x): a traverse skips the empty slots, so the
        // capture records each item's index as its edge's label.
        GraphSpec spec;
        spec.objects = {
            {.type = "builtins.list", .edges = {3, 2}, .labels = {"[3]", "[1]"}, .repr = "[<NULL>, x, <NULL>, y, <NULL>]"},
            {.type = "builtins.tuple", .edges = {2}, .labels = {"[1]"}, .repr = "(<NULL>, x)"},
            {.type = "ext.X", .repr = "x"},
            {.type = "ext.Y", .repr = "y"},
        };
        const AnalyzedSnapshotPtr analyzed = analyzeSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
        M referents(M::Referents);
        Tester tester(&referents);
        referents.setRoot(analyzed, 0);
        QCOMPARE(dump(referents), lines({"builtins.list [<NULL>, x, <NULL>, y, <NULL>]", "  [1] ext.X x", "  [3] ext.Y y"}));
        const QModelIndex list = top(referents);
        QCOMPARE(referents.index(1, M::EdgeColumn, list).data(SortRole).toULongLong(), 3u);
        M referrers(M::Referrers);
        Tester referrersTester(&referrers);
        referrers.setRoot(analyzed, 2);
        QCOMPARE(dump(referrers), lines({"ext.X x", "  [1] builtins.list [<NULL>, x, <NULL>, y, <NULL>]",
                                         "  [1] builtins.tuple (<NULL>, x)"}));
    }

    void referrersTreeWithDuplicateEdges()
    {
        M model(M::Referrers);
        Tester tester(&model);
        model.setRoot(graph(), 3);
        // The list holds the dict twice: it is listed once per edge, each row naming its own edge (the
        // first edge of the list's traverse is its last item). The edge says how the row's object holds
        // the one above.
        QCOMPARE(dump(model), lines({"ext.Node Node()",
                                     "  ['k'] builtins.dict {'k': n}",
                                     "    [2] builtins.list [d, t, d]",
                                     "    [0] builtins.list [d, t, d]",
                                     "  ext.Node Node() ↻ (cycle)",
                                     "  .item pkg.MyList [n]"}));
        model.setRoot(model.analyzedSnapshot(), 4);
        QCOMPARE(dump(model), lines({"ext.A A()",
                                     "  [1] builtins.tuple ('s', a)",
                                     "    [1] builtins.list [d, t, d]",
                                     "  ext.C C()",
                                     "    ext.B B()",
                                     "      .b ext.A A() ↻ (cycle)"}));
    }

    void columnsAndRoles()
    {
        M model(M::Referents);
        model.setRoot(graph(), 0);
        const QModelIndex list = top(model);
        const QModelIndex dict = model.index(0, M::ObjectColumn, list);
        const QStringList texts{QStringLiteral("builtins.dict {'k': n}"), QStringLiteral("[0]"), QStringLiteral("232"),
                                QStringLiteral("2"), QStringLiteral("2"), QStringLiteral("0")};
        for (int column = 0; column < M::ColumnCount; ++column)
            QCOMPARE(dict.siblingAtColumn(column).data().toString(), texts[column]);
        QCOMPARE(list.siblingAtColumn(M::EdgeColumn).data().toString(), QString());
        QCOMPARE(list.siblingAtColumn(M::SurplusColumn).data().toString(), QStringLiteral("3"));
        // Sorted as the candidates table sorts it: by what the surplus says, then by its size.
        QCOMPARE(list.siblingAtColumn(M::SurplusColumn).data(SortRole).toULongLong(),
                 surplusKey(model.analyzedSnapshot()->analysis(), 0));
        QVERIFY(surplusKey(model.analyzedSnapshot()->analysis(), 0) > surplusKey(model.analyzedSnapshot()->analysis(), 1));
        QCOMPARE(dict.siblingAtColumn(M::SizeColumn).data(SortRole).toULongLong(), 232u);
        QCOMPARE(model.index(2, M::EdgeColumn, list).data(SortRole).toULongLong(), 2u);
        QCOMPARE(dict.data(ObjectIndexRole).value<quint32>(), 1u);
        QCOMPARE(dict.data(TypeIndexRole).value<quint32>(), model.analyzedSnapshot()->snapshot().typeOf(1));
        QCOMPARE(list.data(IsSuspectRole).toBool(), true);
        QCOMPARE(dict.data(IsSuspectRole).toBool(), false);
        QCOMPARE(dict.data(IsCycleRole).toBool(), false);
        QCOMPARE(model.objectAt(dict), std::optional<ObjectIndex>(1));
        QCOMPARE(model.parent(dict), list);
        QCOMPARE(dict.siblingAtColumn(M::SizeColumn).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QVERIFY(!model.hasChildren(dict.siblingAtColumn(M::EdgeColumn))); // children hang off column 0

        // Surplus may be negative: the refcount is below the references the snapshot shows.
        model.setRoot(model.analyzedSnapshot(), 5);
        QCOMPARE(model.index(0, M::SurplusColumn).data().toString(), QStringLiteral("-1"));
        // It sorts below a surplus of 0 (object 1's).
        QVERIFY(model.index(0, M::SurplusColumn).data(SortRole).toULongLong()
                < surplusKey(model.analyzedSnapshot()->analysis(), 1));
        model.setRoot(model.analyzedSnapshot(), 3);
        QCOMPARE(model.index(0, M::SurplusColumn).data().toString(), QStringLiteral("1"));
    }

    void childrenAreFetchedLazily()
    {
        M model(M::Referents);
        model.setRoot(graph(), 0);
        QCOMPARE(model.nodeCount(), 1u);
        const QModelIndex list = model.index(0, 0);
        QVERIFY(model.hasChildren(list));
        QCOMPARE(model.rowCount(list), 0);
        QVERIFY(model.canFetchMore(list));
        model.fetchMore(list);
        QCOMPARE(model.rowCount(list), 3);
        QCOMPARE(model.nodeCount(), 4u);
        QVERIFY(!model.canFetchMore(list));
        model.fetchMore(list); // a second fetch adds nothing
        QCOMPARE(model.nodeCount(), 4u);

        const QModelIndex tuple = model.index(1, 0, list);
        QVERIFY(model.hasChildren(tuple));
        QCOMPARE(model.rowCount(tuple), 0);
        const QModelIndex str = model.index(0, 0, fetched(model, tuple));
        QVERIFY(!model.hasChildren(str));
        QVERIFY(!model.canFetchMore(str));
        QVERIFY(model.flags(str) & Qt::ItemNeverHasChildren);
        QCOMPARE(model.nodeCount(), 6u);
    }

    void cyclesAreMarkedAndNotExpanded()
    {
        M model(M::Referents);
        model.setRoot(graph(), 3); // self-loop
        const QModelIndex self = model.index(0, 0, top(model));
        QCOMPARE(model.objectAt(self), std::optional<ObjectIndex>(3));
        QVERIFY(model.isCycle(self));
        QCOMPARE(self.data(IsCycleRole).toBool(), true);
        QCOMPARE(self.data().toString(), QStringLiteral("ext.Node Node() \u21bb (cycle)"));
        QCOMPARE(self.data(SortRole).toString(), QStringLiteral("ext.Node Node()"));
        QVERIFY(!model.hasChildren(self));
        QVERIFY(!model.canFetchMore(self));
        QVERIFY(model.flags(self) & Qt::ItemIsSelectable);
        QVERIFY(model.flags(self) & Qt::ItemNeverHasChildren);
        QVERIFY(!model.isCycle(model.index(0, 0)));

        model.setRoot(model.analyzedSnapshot(), 5); // B -> C -> A -> B
        const QModelIndex c = model.index(0, 0, top(model));
        const QModelIndex a = model.index(0, 0, fetched(model, c));
        const QModelIndex b = model.index(0, 0, fetched(model, a));
        QCOMPARE(model.objectAt(b), std::optional<ObjectIndex>(5));
        QVERIFY(model.isCycle(b) && !model.isCycle(a) && !model.isCycle(c));
        QCOMPARE(model.rowCount(a), 2); // A's other referent, the Blob, is no cycle
        QVERIFY(!model.isCycle(model.index(1, 0, a)));
    }

    void childLimit()
    {
        for (M::Direction direction : {M::Referents, M::Referrers}) {
            M model(direction);
            Tester tester(&model);
            QCOMPARE(model.childLimit(), M::kDefaultChildLimit);
            model.setChildLimit(10);
            model.setRoot(repeated(), direction == M::Referents ? 0 : 1);
            const QModelIndex parent = top(model);
            QCOMPARE(model.rowCount(parent), 11);
            const ObjectIndex child = direction == M::Referents ? 1 : 0; // the int, or the list
            QCOMPARE(model.objectAt(model.index(9, 0, parent)), std::optional<ObjectIndex>(child));
            const QModelIndex more = model.index(10, 0, parent);
            QCOMPARE(more.data().toString(), QStringLiteral("\u2026 15 more"));
            QCOMPARE(more.data(Qt::ToolTipRole).toString(), QStringLiteral("Only the first 10 are shown; 15 more are not."));
            QVERIFY(!more.data(ObjectIndexRole).isValid());
            QVERIFY(!more.data(TypeIndexRole).isValid());
            QVERIFY(!model.objectAt(more));
            QVERIFY(!model.isCycle(more));
            QVERIFY(!model.hasChildren(more));
            QVERIFY(!model.canFetchMore(more));
            QVERIFY(!(model.flags(more) & Qt::ItemIsSelectable));
            QCOMPARE(model.index(10, M::EdgeColumn, parent).data().toString(), QString());
            QCOMPARE(model.index(9, M::EdgeColumn, parent).data().toString(),
                     direction == M::Referents ? QStringLiteral("[9]") : QStringLiteral("[15]")); // 10th edge of 25
        }
    }

    void testerAcrossSetRoot()
    {
        for (M::Direction direction : {M::Referents, M::Referrers}) {
            M model(direction);
            Tester tester(&model);
            const AnalyzedSnapshotPtr heap = graph();
            for (ObjectIndex root : {0u, 4u, 3u, 9u}) {
                model.setRoot(heap, root);
                QCOMPARE(model.root(), std::optional<ObjectIndex>(root));
                // Fetch four levels down the first row, then everything.
                QModelIndex index = model.index(0, 0);
                for (int level = 0; level < 4 && model.hasChildren(index); ++level)
                    index = model.index(0, 0, fetched(model, index));
                QVERIFY(!dump(model).isEmpty());
            }
            model.setRoot(analyzeSnapshot(fixtureSnapshot()), 3); // another snapshot
            QVERIFY(!dump(model).isEmpty());
            model.setRoot(nullptr, 0);
            QCOMPARE(model.rowCount(), 0);
        }
    }

    void referrerIndexIsSharedPerSnapshot()
    {
        M model(M::Referrers);
        const AnalyzedSnapshotPtr heap = graph();
        model.setRoot(heap, 3);
        const auto index = model.referrerIndex();
        QVERIFY(index);
        QCOMPARE(toVector(index->referrers(3)), (std::vector<ObjectIndex>{1, 3, 8}));
        model.setRoot(heap, 4);
        QCOMPARE(model.referrerIndex(), index);
        model.setRoot(graph(), 4);
        QVERIFY(model.referrerIndex() != index);
    }

    void millionElementList()
    {
        constexpr ObjectIndex kItems = 1000000;
        GraphSpec spec;
        spec.objects = {{.type = "builtins.list", .refcount = 1, .size = 8 * kItems + 56, .repr = "[0, 1, 2, …]"}};
        spec.types = {"builtins.list", "builtins.int"};
        SnapshotColumns c = buildColumns(spec);
        c.edges.resize(kItems);
        for (ObjectIndex i = 0; i < kItems; ++i)
            c.edges[i] = i + 1;
        c.edgeOffsets.back() = kItems;
        for (ObjectIndex i = 1; i <= kItems; ++i) {
            c.appendObject(defaultAddress(i), 1, 28, 1, 0);
            c.edgeOffsets.push_back(kItems);
            c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
        }
        const AnalyzedSnapshotPtr heap = analyzeSnapshot(std::make_shared<const Snapshot>(std::move(c)));

        M model(M::Referents);
        QElapsedTimer timer;
        timer.start();
        model.setRoot(heap, 0);
        const QModelIndex list = top(model);
        const qint64 fetchMs = timer.elapsed();
        QCOMPARE(model.rowCount(list), M::kDefaultChildLimit + 1);
        for (int row = 0; row < model.rowCount(list); ++row) { // every cell a view could show
            for (int column = 0; column < M::ColumnCount; ++column)
                model.index(row, column, list).data();
        }
        const qint64 readMs = timer.elapsed() - fetchMs;
        QCOMPARE(model.index(9999, M::EdgeColumn, list).data().toString(), QStringLiteral("[9999]"));
        QCOMPARE(model.index(10000, 0, list).data().toString(), QStringLiteral("\u2026 990,000 more"));
        QCOMPARE(model.nodeCount(), std::size_t(M::kDefaultChildLimit) + 2);
        qInfo("1,000,000-element list: expanded in %lld ms, every cell of its 10,001 rows read in %lld ms", fetchMs,
              readMs);

        M referrers(M::Referrers);
        timer.restart();
        referrers.setRoot(heap, kItems);
        QCOMPARE(referrers.rowCount(top(referrers)), 1);
        qInfo("first Referrers expansion (builds the ReferrerIndex of 1,000,001 objects): %lld ms",
              timer.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestObjectTreeModel)
#include "tst_object_tree_model.moc"
