// CandidatesModel on a hand-built heap: one row per candidate, every column's text and raw value,
// the roles a view and a proxy use, and resets only through setSnapshot().

#include "models_fixture.h"

#include "models/candidates_model.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <algorithm>
#include <limits>
#include <string>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using C = CandidatesModel;

QString text(const CandidatesModel& model, ObjectIndex object, int column, int role = Qt::DisplayRole)
{
    const int row = rowOf(model, object);
    return row < 0 ? QStringLiteral("<no row>") : model.index(row, column).data(role).toString();
}

QVariant value(const CandidatesModel& model, ObjectIndex object, int column, int role = SortRole)
{
    return model.index(rowOf(model, object), column).data(role);
}

// Objects whose refcounts count nothing, among ordinary ones, as a Python of version captured them:
//   0 *  Holder  rc 1               -> 1, 2, 3
//   1    int     rc 999,999,990     a 3.11 static object, e.g. a small int, held by 0 (and by C code)
//   2    bytes   rc 2^29            the threshold itself, held by 0
//   3    str     rc 2^29 - 1        just below it: a (huge) real count, held by 0
//   4 *  int     rc 4,294,967,295   3.13's immortal refcount: spills to the large refcounts, no referrer
//   5 *  Leaky   rc 3               a candidate with a surplus of 3
SnapshotPtr immortalSnapshot(const char* version)
{
    GraphSpec spec;
    spec.pythonVersion = version;
    spec.objects = {
        {.type = "app.Holder", .refcount = 1, .edges = {1, 2, 3}},
        {.type = "builtins.int", .gc = false, .refcount = 999999990},
        {.type = "builtins.bytes", .gc = false, .refcount = kImmortalRefcount},
        {.type = "builtins.str", .gc = false, .refcount = kImmortalRefcount - 1},
        {.type = "builtins.int", .refcount = 4294967295ULL},
        {.type = "ext.Leaky", .refcount = 3},
    };
    return std::make_shared<const Snapshot>(buildColumns(spec));
}

} // namespace

class TestCandidatesModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void emptyModel()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(C::ColumnCount));
        QVERIFY(!model.analyzedSnapshot());
        QCOMPARE(model.headerData(C::ReprColumn, Qt::Horizontal).toString(), QStringLiteral("Repr"));
    }

    void oneRowPerCandidate()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 2, 3, 5, 6, 7, 9}));
        for (ObjectIndex object : {0u, 2u, 3u, 6u, 9u})
            QCOMPARE(value(model, object, 0, IsSuspectRole).toBool(), true);
        for (ObjectIndex object : {5u, 7u}) {
            QCOMPARE(value(model, object, 0, IsSuspectRole).toBool(), false);
            QVERIFY(!model.isSuspectRow(rowOf(model, object)));
        }
    }

    // A candidate only a rule covers is no suspect; its Explanation cell names the rule.
    void ignoredCandidates()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(analyzedFixture("# ours\ntype ext.Leaky\ntype builtins.dict"));
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 2, 3, 5, 6, 7, 9}));
        for (ObjectIndex object : {0u, 2u, 5u, 7u}) {
            QCOMPARE(value(model, object, 0, IsSuspectRole).toBool(), false);
            QVERIFY(!model.isSuspectRow(rowOf(model, object)));
        }
        for (ObjectIndex object : {3u, 6u, 9u})
            QVERIFY(model.isSuspectRow(rowOf(model, object)));
        QCOMPARE(model.groupAt(rowOf(model, 2)), CandidateGroups::kIgnored);
        QCOMPARE(text(model, 2, C::ExplanationColumn), QStringLiteral("ignored: type ext.Leaky"));
        QCOMPARE(text(model, 0, C::ExplanationColumn, Qt::ToolTipRole),
                 QStringLiteral("Ignored by the rule at rules:3: type builtins.dict"));
        QVERIFY(model.ignoringRuleAt(rowOf(model, 2)) != nullptr);
        // An explained candidate a rule matches too is shown with its explanation.
        QCOMPARE(text(model, 5, C::ExplanationColumn), QStringLiteral("static-type-dict: ext.Leaky.__dict__"));
        QVERIFY(model.ignoringRuleAt(rowOf(model, 5)) == nullptr);
        QCOMPARE(model.rowOfObject(9), rowOf(model, 9));
        QCOMPARE(model.rowOfObject(1), -1); // not a candidate

        // Sorted by that column: suspects, then the texts in order.
        model.sort(C::ExplanationColumn);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{3, 6, 9, 0, 2, 7, 5}));
    }

    void displayText()
    {
        CandidatesModel model;
        model.setSnapshot(fixtureSnapshot());
        const QStringList list{QStringLiteral("0x7f0000000100"), QStringLiteral("builtins.list"),
                               QStringLiteral("libpython3.11.so.1.0"),
                               QStringLiteral("1,000,000"),      QString(), // Retained: no tree
                               QStringLiteral("1"),
                               QStringLiteral("0"),              QStringLiteral("1"),
                               QStringLiteral("2"),              QString(),
                               QStringLiteral("[1, 2, 3]")};
        for (int column = 0; column < C::ColumnCount; ++column)
            QCOMPARE(text(model, 3, column), list[column]);

        QCOMPARE(text(model, 2, C::AddressColumn), QStringLiteral("0x10"));
        QCOMPARE(text(model, 2, C::ReprColumn), QStringLiteral("<ext.Leaky at 0x10>"));
        QCOMPARE(text(model, 5, C::AddressColumn), QStringLiteral("0xffff0000ffff0000"));
        QCOMPARE(text(model, 5, C::ExplanationColumn), QStringLiteral("static-type-dict: ext.Leaky.__dict__"));
        QCOMPARE(text(model, 5, C::ReprColumn), QStringLiteral("{'\u212a': 1}"));
        QCOMPARE(text(model, 6, C::ReprColumn), QStringLiteral("Other('na\u00efve')"));
        QCOMPARE(text(model, 6, C::SurplusColumn), QStringLiteral("0"));
        QCOMPARE(text(model, 7, C::ReferentsColumn), QStringLiteral("3"));
        QCOMPARE(text(model, 7, C::ExplanationColumn), QStringLiteral("module-state: held by ext"));
        QCOMPARE(text(model, 0, C::RefcountColumn), QStringLiteral("12"));
        QCOMPARE(text(model, 9, C::SizeColumn), QStringLiteral("5,000"));
    }

    // With the snapshot's dominator tree, Retained is the tree's retained size, shown as Size is and
    // sorted by the number.
    void retainedColumn()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const AnalyzedSnapshotPtr analyzed = analyzeWithDominators(fixtureSnapshot());
        model.setSnapshot(analyzed);
        const DominatorTree& tree = *analyzed->dominators();
        QCOMPARE(model.headerData(C::RetainedColumn, Qt::Horizontal).toString(), QStringLiteral("Retained"));
        QCOMPARE(model.headerData(C::RetainedColumn, Qt::Horizontal, Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        model.setListMode(CandidatesModel::ListMode::AllObjects);
        for (ObjectIndex object = 0; object < 10; ++object) {
            QCOMPARE(value(model, object, C::RetainedColumn).metaType(), QMetaType::fromType<qulonglong>());
            QCOMPARE(value(model, object, C::RetainedColumn).toULongLong(), tree.retainedSize(object));
            QCOMPARE(text(model, object, C::RetainedColumn), QLocale().toString(qulonglong(tree.retainedSize(object))));
        }
        // By hand: the tuple keeps its int alive alone; the Leaky and the str have two holders each.
        QCOMPARE(text(model, 7, C::RetainedColumn), QStringLiteral("38"));
        QCOMPARE(text(model, 3, C::RetainedColumn), QStringLiteral("1,000,000"));
        QCOMPARE(text(model, 1, C::RetainedColumn), QStringLiteral("48"));
        model.setListMode(CandidatesModel::ListMode::Candidates);
        model.sort(C::RetainedColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{3, 9, 0, 6, 2, 7, 5}));
        model.sort(C::RetainedColumn, Qt::AscendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{5, 7, 2, 6, 0, 9, 3}));
        // Among all objects the order is not Size's: the tuple (10 B) retains its int (28 B) and comes
        // before it; equal sizes (the two Leaky objects) by object index.
        model.setListMode(CandidatesModel::ListMode::AllObjects);
        model.sort(C::RetainedColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{3, 9, 0, 6, 4, 1, 2, 7, 8, 5}));
        model.sort(C::SizeColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{3, 9, 0, 6, 4, 1, 2, 8, 7, 5}));
    }

    void rawValues()
    {
        CandidatesModel model;
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(value(model, 3, C::SizeColumn).metaType(), QMetaType::fromType<qulonglong>());
        QCOMPARE(value(model, 3, C::SizeColumn).toULongLong(), 1000000ULL);
        QCOMPARE(value(model, 5, C::AddressColumn).toULongLong(), 0xffff0000ffff0000ULL);
        QCOMPARE(value(model, 5, C::RefcountColumn).toULongLong(), 100ULL);
        QCOMPARE(value(model, 5, C::SurplusColumn).metaType(), QMetaType::fromType<qulonglong>());
        QCOMPARE(value(model, 5, C::SurplusColumn).toULongLong(), surplusKey(model.analyzedSnapshot()->analysis(), 5));
        QCOMPARE(text(model, 5, C::SurplusColumn), QStringLiteral("100"));
        QCOMPARE(value(model, 0, C::ReferrersColumn).toULongLong(), 0ULL);
        QCOMPARE(value(model, 3, C::ReferentsColumn).toULongLong(), 2ULL);
        QCOMPARE(value(model, 2, C::TypeColumn).metaType(), QMetaType::fromType<QString>());
        QCOMPARE(value(model, 2, C::TypeColumn).toString(), QStringLiteral("ext.Leaky"));
        QCOMPARE(value(model, 9, C::ReprColumn).toString(), QString(300, QLatin1Char('x')));
        QCOMPARE(value(model, 0, C::ExplanationColumn).toString(), QString());

        QCOMPARE(value(model, 2, C::ReprColumn, ObjectIndexRole).value<quint32>(), 2u);
        QCOMPARE(value(model, 2, C::SizeColumn, TypeIndexRole).value<quint32>(), quint32(Leaky));
        QCOMPARE(value(model, 9, C::TypeColumn, TypeIndexRole).value<quint32>(), quint32(Bytes));
    }

    // The library behind each candidate's type: its file name, the full path as tooltip, its string id,
    // and sorted by file name with the types without a library first.
    void libraryColumn()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(fixtureSnapshot());
        const Snapshot& s = model.analyzedSnapshot()->snapshot();
        QCOMPARE(model.headerData(C::LibraryColumn, Qt::Horizontal).toString(), QStringLiteral("Library"));
        QCOMPARE(text(model, 2, C::LibraryColumn), QStringLiteral("_ext.cpython-311-x86_64-linux-gnu.so"));
        QCOMPARE(text(model, 2, C::LibraryColumn, Qt::ToolTipRole), QString::fromUtf8(kExtLibrary));
        QCOMPARE(text(model, 9, C::LibraryColumn), QStringLiteral("libpython3.11.so.1.0"));
        QCOMPARE(text(model, 6, C::LibraryColumn), QString()); // ext.Other: defined in Python
        QVERIFY(text(model, 6, C::LibraryColumn, Qt::ToolTipRole).startsWith(QStringLiteral("No library")));
        QCOMPARE(value(model, 6, C::LibraryColumn).toString(), QString());
        QCOMPARE(value(model, 9, C::LibraryColumn).toString(), QStringLiteral("libpython3.11.so.1.0"));
        QVERIFY(value(model, 2, C::LibraryColumn, Qt::TextAlignmentRole).isNull()); // text, left-aligned
        const auto libraryOf = [&](ObjectIndex object) {
            return s.string(value(model, object, C::AddressColumn, LibraryRole).value<quint32>());
        };
        QCOMPARE(std::string(libraryOf(2)), std::string(kExtLibrary));
        QCOMPARE(std::string(libraryOf(0)), std::string(kLibpython));
        QCOMPARE(value(model, 6, C::AddressColumn, LibraryRole).value<quint32>(), 0u);

        model.sort(C::LibraryColumn);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{6, 2, 0, 3, 5, 7, 9}));
        model.sort(C::LibraryColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 3, 5, 7, 9, 2, 6}));
    }

    void longReprsAreCutInTheCellOnly()
    {
        CandidatesModel model;
        model.setSnapshot(fixtureSnapshot());
        const QString cell = text(model, 9, C::ReprColumn);
        QCOMPARE(cell.size(), 201);
        QVERIFY(cell.endsWith(QChar(0x2026)));
        QCOMPARE(text(model, 9, C::ReprColumn, Qt::ToolTipRole), QString(300, QLatin1Char('x')));
        QCOMPARE(text(model, 5, C::ExplanationColumn, Qt::ToolTipRole),
                 QStringLiteral("static-type-dict: ext.Leaky.__dict__"));
        QVERIFY(!value(model, 5, C::SizeColumn, Qt::ToolTipRole).isValid());
    }

    void sortsItselfOnSortValues_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<Qt::SortOrder>("order");
        QTest::addColumn<C::ListMode>("mode");
        const QMetaEnum columns = QMetaEnum::fromType<C::Column>();
        for (C::ListMode mode : {C::ListMode::Candidates, C::ListMode::AllObjects}) {
            const QByteArray prefix = mode == C::ListMode::AllObjects ? "all objects, " : "";
            for (int column = 0; column < C::ColumnCount; ++column) {
                const QByteArray name = prefix + columns.valueToKey(column);
                QTest::newRow(name + " ascending") << column << Qt::AscendingOrder << mode;
                QTest::newRow(name + " descending") << column << Qt::DescendingOrder << mode;
            }
        }
    }
    void sortsItselfOnSortValues()
    {
        QFETCH(int, column);
        QFETCH(Qt::SortOrder, order);
        QFETCH(C::ListMode, mode);
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setListMode(mode);
        model.setSnapshot(fixtureSnapshot());
        const QPersistentModelIndex list(model.index(rowOf(model, 3), C::ReprColumn));
        QSignalSpy layouts(&model, &QAbstractItemModel::layoutChanged);
        model.sort(column, order);
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(model.sortColumn(), column);
        QCOMPARE(model.sortOrder(), order);
        QCOMPARE(list.row(), rowOf(model, 3));
        QCOMPARE(list.column(), int(C::ReprColumn));
        // Each row's SortRole value is in order with the next one's; ties go by object index.
        for (int row = 0; row + 1 < model.rowCount(); ++row) {
            const QVariant value = model.index(row, column).data(SortRole);
            const QVariant next = model.index(row + 1, column).data(SortRole);
            const QPartialOrdering expected =
                order == Qt::AscendingOrder ? QPartialOrdering::Less : QPartialOrdering::Greater;
            const QPartialOrdering found = QVariant::compare(value, next);
            const bool tieInObjectOrder =
                found == QPartialOrdering::Equivalent && model.objectAt(row) < model.objectAt(row + 1);
            QVERIFY2(found == expected || tieInObjectOrder,
                     qPrintable(QStringLiteral("rows %1 and %2").arg(row).arg(row + 1)));
        }

        // The order survives a new snapshot; -1 restores the analysis' order.
        const std::vector<ObjectIndex> sorted = objectsOf(model);
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(objectsOf(model), sorted);
        model.sort(-1);
        QCOMPARE(objectsOf(model), mode == C::ListMode::AllObjects
                                       ? (std::vector<ObjectIndex>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
                                       : (std::vector<ObjectIndex>{0, 2, 3, 5, 6, 7, 9}));
        QCOMPARE(model.sortColumn(), -1);
    }

    // Sizes and addresses far apart (sorting takes several passes over their bits) and many equal ones,
    // reprs sharing long prefixes, some equal, some longer than sixteen bytes, some the default form:
    // the order is the one a stable sort of the objects by value gives, ties in object order, in both
    // directions and in both list modes.
    void sortsWideKeysWithTies_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<C::ListMode>("mode");
        QTest::newRow("Size") << int(C::SizeColumn) << C::ListMode::Candidates;
        QTest::newRow("Address") << int(C::AddressColumn) << C::ListMode::Candidates;
        QTest::newRow("all objects, Size") << int(C::SizeColumn) << C::ListMode::AllObjects;
        QTest::newRow("all objects, Refcount") << int(C::RefcountColumn) << C::ListMode::AllObjects;
        QTest::newRow("Repr") << int(C::ReprColumn) << C::ListMode::Candidates;
        QTest::newRow("all objects, Repr") << int(C::ReprColumn) << C::ListMode::AllObjects;
    }
    void sortsWideKeysWithTies()
    {
        QFETCH(int, column);
        QFETCH(C::ListMode, mode);
        GraphSpec spec;
        std::uint64_t state = 12345;
        auto next = [&] {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            return state >> 20;
        };
        constexpr ObjectIndex kObjects = 3000;
        for (ObjectIndex i = 0; i < kObjects; ++i) {
            Obj object;
            // Half the objects share eight values; the others spread over 40 bits.
            object.size = i % 2 ? 16 + 8 * (next() % 8) : next() % (std::uint64_t(1) << 40);
            object.refcount = i % 3 ? 1 + next() % 4 : 1 + next() % (std::uint64_t(1) << 35);
            object.address = 0x10000 + (next() % (std::uint64_t(1) << 44)) * 16;
            const char* const heads[] = {"Session(id=", "Session(id=1", "Sess", "Session(id=12345678", "x"};
            if (i % 7 != 0) // every seventh keeps the default "<builtins.object at 0x…>"
                object.repr = heads[next() % 5] + std::to_string(next() % (i % 4 == 0 ? 3 : 100000));
            // Every third object is held by the next one: not a candidate.
            if (i % 3 == 1)
                object.edges = {i - 1};
            spec.objects.push_back(object);
        }
        const SnapshotPtr snapshot = std::make_shared<const Snapshot>(buildColumns(spec));
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setListMode(mode);
        model.setSnapshot(snapshot);
        const std::vector<ObjectIndex> listed = objectsOf(model); // in object order, unsorted
        QVERIFY(std::is_sorted(listed.begin(), listed.end()));
        auto value = [&](ObjectIndex object) {
            return column == C::SizeColumn      ? snapshot->size(object)
                 : column == C::RefcountColumn ? snapshot->refcount(object)
                                                : snapshot->address(object);
        };
        auto less = [&](ObjectIndex a, ObjectIndex b) {
            return column == C::ReprColumn ? snapshot->repr(a) < snapshot->repr(b) : value(a) < value(b);
        };
        for (Qt::SortOrder order : {Qt::DescendingOrder, Qt::AscendingOrder}) {
            std::vector<ObjectIndex> expected = listed;
            std::stable_sort(expected.begin(), expected.end(), [&](ObjectIndex a, ObjectIndex b) {
                return order == Qt::AscendingOrder ? less(a, b) : less(b, a);
            });
            model.sort(column, order);
            QCOMPARE(objectsOf(model), expected);
        }
    }

    // Every object of the snapshot, one row each; the ones that are not candidates are in no group,
    // no suspects, and explain nothing.
    void allObjects()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.listMode(), C::ListMode::Candidates);
        model.setSnapshot(analyzedFixture("type ext.Leaky"));
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        const quint64 before = model.generation();
        model.setListMode(C::ListMode::AllObjects);
        QCOMPARE(resets.count(), 1);
        QVERIFY(model.generation() != before);
        QCOMPARE(model.listMode(), C::ListMode::AllObjects);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        for (ObjectIndex object : {1u, 4u, 8u}) {
            const int row = rowOf(model, object);
            QCOMPARE(model.groupAt(row), C::kNoGroup);
            QVERIFY(!model.isSuspectRow(row));
            QVERIFY(!model.explanationAt(row));
            QVERIFY(!model.ignoringRuleAt(row));
            QCOMPARE(model.itemAt(row), object);
            QCOMPARE(model.objectOfItem(object), object);
            QCOMPARE(text(model, object, C::ExplanationColumn), QString());
            QCOMPARE(value(model, object, 0, IsSuspectRole).toBool(), false);
        }
        // Candidates keep their groups, explanations and rules.
        QCOMPARE(model.groupAt(rowOf(model, 0)), CandidateGroups::kSuspects);
        QCOMPARE(model.groupAt(rowOf(model, 2)), CandidateGroups::kIgnored);
        QCOMPARE(text(model, 2, C::ExplanationColumn), QStringLiteral("ignored: type ext.Leaky"));
        QCOMPARE(text(model, 7, C::ExplanationColumn), QStringLiteral("module-state: held by ext"));
        QCOMPARE(text(model, 8, C::ReferrersColumn), QStringLiteral("3"));
        QCOMPARE(text(model, 8, C::SurplusColumn), QStringLiteral("7"));
        QCOMPARE(model.rowOfObject(4), rowOf(model, 4));

        // Sorted by Surplus, the int that three references of the tuple do not account for comes up
        // among the candidates, although something refers to it; the explained candidates' surpluses
        // (5's 100, 7's 5: their explanations name the holders) come after every unexplained one.
        model.sort(C::SurplusColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 8, 9, 2, 3, 5, 7, 1, 6, 4}));
        QCOMPARE(model.groupAt(rowOf(model, 2)), CandidateGroups::kIgnored); // permuted with the rows
        QCOMPARE(model.groupAt(rowOf(model, 8)), C::kNoGroup);

        // Back to the candidates, in the same order; the same mode again changes nothing.
        model.setListMode(C::ListMode::Candidates);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 9, 2, 3, 5, 7, 6}));
        QCOMPARE(model.itemAt(rowOf(model, 9)), 6u); // the 7th candidate
        QCOMPARE(model.objectOfItem(6), 9u);
        QCOMPARE(model.rowOfObject(8), -1);
        model.setListMode(C::ListMode::Candidates);
        QCOMPARE(resets.count(), 2);

        // The mode survives a new snapshot, and can be chosen before any.
        model.setListMode(C::ListMode::AllObjects);
        model.setSnapshot(otherSnapshot());
        QCOMPARE(model.rowCount(), 2);
        CandidatesModel empty;
        empty.setListMode(C::ListMode::AllObjects);
        QCOMPARE(empty.rowCount(), 0);
        empty.setSnapshot(fixtureSnapshot());
        QCOMPARE(empty.rowCount(), 10);
    }

    // A refcount of 2^29 or more counts no references: "immortal" in the Refcount and Surplus cells,
    // the number in their tooltips, and a surplus below every other one rather than a billion leaked.
    void immortalRefcounts()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setListMode(C::ListMode::AllObjects);
        model.setSnapshot(immortalSnapshot("3.11.2"));
        const HeapAnalysis& analysis = model.analyzedSnapshot()->analysis();
        QCOMPARE(kImmortalRefcount, 536870912ULL);
        QVERIFY(analysis.hasImmortalRefcount(1));
        QVERIFY(analysis.hasImmortalRefcount(2));
        QVERIFY(!analysis.hasImmortalRefcount(3));
        QVERIFY(analysis.hasImmortalRefcount(4));
        QVERIFY(!analysis.hasImmortalRefcount(0));

        for (ObjectIndex object : {1u, 2u, 4u}) {
            QCOMPARE(text(model, object, C::RefcountColumn), QStringLiteral("immortal"));
            QCOMPARE(text(model, object, C::SurplusColumn), QStringLiteral("immortal"));
            QCOMPARE(value(model, object, C::SurplusColumn).toULongLong(), 0ULL); // surplusKey(): the lowest
        }
        QVERIFY(text(model, 1, C::RefcountColumn, Qt::ToolTipRole).startsWith(QStringLiteral("Refcount 999,999,990:")));
        QVERIFY(text(model, 4, C::SurplusColumn, Qt::ToolTipRole).startsWith(QStringLiteral("Refcount 4,294,967,295:")));
        QVERIFY(value(model, 5, C::SurplusColumn, Qt::ToolTipRole).isNull());
        // The raw refcount still sorts the Refcount column.
        QCOMPARE(value(model, 1, C::RefcountColumn).toULongLong(), 999999990ULL);
        QCOMPARE(text(model, 3, C::RefcountColumn), QStringLiteral("536,870,911"));
        QCOMPARE(text(model, 3, C::SurplusColumn), QStringLiteral("536,870,910"));
        QCOMPARE(text(model, 5, C::SurplusColumn), QStringLiteral("3"));

        model.sort(C::SurplusColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{3, 5, 0, 1, 2, 4}));
        model.sort(C::SurplusColumn, Qt::AscendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{1, 2, 4, 0, 5, 3}));
        model.sort(C::RefcountColumn, Qt::DescendingOrder);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{4, 1, 2, 3, 5, 0}));

        // Before 3.11 no object was static: every refcount counts.
        model.setSnapshot(immortalSnapshot("3.10.12"));
        QVERIFY(!model.analyzedSnapshot()->analysis().hasImmortalRefcount(1));
        QCOMPARE(text(model, 1, C::RefcountColumn), QStringLiteral("999,999,990"));
        QCOMPARE(text(model, 1, C::SurplusColumn), QStringLiteral("999,999,989"));
        // A version that cannot be read is taken as a recent one.
        model.setSnapshot(immortalSnapshot(""));
        QVERIFY(model.analyzedSnapshot()->analysis().hasImmortalRefcount(1));
        model.setSnapshot(immortalSnapshot("3.12.0rc1"));
        QVERIFY(model.analyzedSnapshot()->analysis().hasImmortalRefcount(2));
    }

    void setSnapshotIsTheOnlyReset()
    {
        CandidatesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setSnapshot(fixtureSnapshot());
        const quint64 first = model.generation();
        model.setSnapshot(otherSnapshot());
        QCOMPARE(resets.count(), 2);
        QVERIFY(model.generation() != first);
        QCOMPARE(objectsOf(model), (std::vector<ObjectIndex>{0, 1}));
        QCOMPARE(text(model, 1, C::ReprColumn), QStringLiteral("<pkg.Thing at 0x7f0000001040>"));

        // One analysis shared with another model.
        const AnalyzedSnapshotPtr shared = analyzeSnapshot(fixtureSnapshot());
        model.setSnapshot(shared);
        QCOMPARE(model.analyzedSnapshot(), shared);
        QCOMPARE(model.rowCount(), 7);

        model.setSnapshot(SnapshotPtr());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(resets.count(), 4);
    }
};

QTEST_GUILESS_MAIN(TestCandidatesModel)
#include "tst_candidates_model.moc"
