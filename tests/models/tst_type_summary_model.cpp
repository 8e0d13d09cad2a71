// TypeSummaryModel on the hand-built heap: one row per type present with counts worked out by hand,
// raw SortRole values (numeric sorting through a proxy), and resets only through setSnapshot().

#include "models_fixture.h"

#include "models/type_summary_model.h"

#include <QtCore/QSortFilterProxyModel>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using T = TypeSummaryModel;
constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

QStringList rowText(const QAbstractItemModel& model, int row)
{
    QStringList cells;
    for (int column = 0; column < model.columnCount(); ++column)
        cells << model.index(row, column).data().toString();
    return cells;
}

QStringList typeColumn(const QAbstractItemModel& model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, T::TypeColumn).data().toString();
    return names;
}

QStringList split(const char* text)
{
    return QString::fromUtf8(text).split(QLatin1Char('|'));
}

} // namespace

class TestTypeSummaryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void rowsPerType()
    {
        TypeSummaryModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(model.rowCount(), 8);
        // An analysis without a dominator tree: Retained is empty (and sorts as 0).
        QCOMPARE(rowText(model, 0), split("builtins.dict|2|241||2|1"));
        QCOMPARE(rowText(model, 1), split("builtins.list|1|1,000,000||1|1"));
        QCOMPARE(rowText(model, 2), split("builtins.str|1|60||0|0"));
        QCOMPARE(rowText(model, 3), split("builtins.tuple|1|10||1|0"));
        QCOMPARE(rowText(model, 4), split("builtins.int|1|28||0|0"));
        QCOMPARE(rowText(model, 5), split("ext.Leaky|2|96||1|1"));
        QCOMPARE(rowText(model, 6), split("ext.Other|1|100||1|1"));
        QCOMPARE(rowText(model, 7), split("builtins.bytes|1|5,000||1|1"));
        QCOMPARE(model.index(1, T::RetainedColumn).data(SortRole).toULongLong(), 0ULL);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.index(row, T::SuspectsColumn).data(TypeIndexRole).value<quint32>(), quint32(row));
        QCOMPARE(model.index(1, T::BytesColumn).data(SortRole).metaType(), QMetaType::fromType<qulonglong>());
        QCOMPARE(model.index(1, T::BytesColumn).data(SortRole).toULongLong(), 1000000ULL);
        QCOMPARE(model.index(5, T::TypeColumn).data(SortRole).toString(), QStringLiteral("ext.Leaky"));
        // The full name as tooltip, for a table too narrow to show it; the counts need none.
        QCOMPARE(model.index(5, T::TypeColumn).data(Qt::ToolTipRole).toString(), QStringLiteral("ext.Leaky"));
        QVERIFY(!model.index(5, T::BytesColumn).data(Qt::ToolTipRole).isValid());
        QCOMPARE(model.headerData(T::SuspectsColumn, Qt::Horizontal).toString(), QStringLiteral("Suspects"));
    }

    void retainedByType()
    {
        // By hand: the tuple retains the int only it holds (10 + 28); the Leaky held by both the dict
        // and the list is the root's, so each type retains its own objects' bytes.
        TypeSummaryModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        const AnalyzedSnapshotPtr analyzed = analyzeWithDominators(fixtureSnapshot());
        model.setSnapshot(analyzed);
        QCOMPARE(rowText(model, 0), split("builtins.dict|2|241|241|2|1"));
        QCOMPARE(rowText(model, 1), split("builtins.list|1|1,000,000|1,000,000|1|1"));
        QCOMPARE(rowText(model, 2), split("builtins.str|1|60|60|0|0"));
        QCOMPARE(rowText(model, 3), split("builtins.tuple|1|10|38|1|0"));
        QCOMPARE(rowText(model, 4), split("builtins.int|1|28|28|0|0"));
        QCOMPARE(rowText(model, 5), split("ext.Leaky|2|96|96|1|1"));
        QCOMPARE(rowText(model, 6), split("ext.Other|1|100|100|1|1"));
        QCOMPARE(rowText(model, 7), split("builtins.bytes|1|5,000|5,000|1|1"));
        // Each cell is the tree's own figure, as a number to sort on.
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex cell = model.index(row, T::RetainedColumn);
            QCOMPARE(cell.data(SortRole).metaType(), QMetaType::fromType<qulonglong>());
            QCOMPARE(cell.data(SortRole).toULongLong(),
                     analyzed->dominators()->retainedByType()[cell.data(TypeIndexRole).value<quint32>()]);
        }
        QCOMPARE(model.headerData(T::RetainedColumn, Qt::Horizontal).toString(), QStringLiteral("Retained"));
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester proxyTester(&proxy, kQtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(SortRole);
        proxy.sort(T::RetainedColumn, Qt::DescendingOrder);
        QCOMPARE(typeColumn(proxy), split("builtins.list|builtins.bytes|builtins.dict|ext.Other|ext.Leaky|"
                                          "builtins.str|builtins.tuple|builtins.int"));
    }

    void typesWithoutObjectsAreLeftOut()
    {
        GraphSpec spec;
        spec.types = {"builtins.dict", "pkg.Unused", "pkg.Used"};
        spec.objects = {{.type = "pkg.Used"}};
        TypeSummaryModel model;
        model.setSnapshot(std::make_shared<const Snapshot>(buildColumns(spec)));
        QCOMPARE(typeColumn(model), QStringList{QStringLiteral("pkg.Used")});
        QCOMPARE(model.index(0, 0).data(TypeIndexRole).value<quint32>(), 2u);
    }

    void sortsNumerically()
    {
        TypeSummaryModel model;
        QSortFilterProxyModel proxy;
        QAbstractItemModelTester tester(&model, kQtTest);
        QAbstractItemModelTester proxyTester(&proxy, kQtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(SortRole);
        proxy.sort(T::BytesColumn);
        model.setSnapshot(fixtureSnapshot());
        QCOMPARE(typeColumn(proxy), split("builtins.tuple|builtins.int|builtins.str|ext.Leaky|ext.Other|"
                                          "builtins.dict|builtins.bytes|builtins.list"));
        proxy.sort(T::TypeColumn, Qt::DescendingOrder);
        QCOMPARE(typeColumn(proxy), split("ext.Other|ext.Leaky|builtins.tuple|builtins.str|builtins.list|"
                                          "builtins.int|builtins.dict|builtins.bytes"));
    }

    void setSnapshotIsTheOnlyReset()
    {
        TypeSummaryModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setSnapshot(fixtureSnapshot());
        model.setSnapshot(otherSnapshot());
        QCOMPARE(typeColumn(model), QStringList{QStringLiteral("pkg.Thing")});
        QCOMPARE(rowText(model, 0), split("pkg.Thing|2|128||2|2"));
        const AnalyzedSnapshotPtr shared = analyzeSnapshot(fixtureSnapshot());
        model.setSnapshot(shared);
        QCOMPARE(model.analyzedSnapshot(), shared);
        model.setSnapshot(AnalyzedSnapshotPtr());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(resets.count(), 4);
    }
};

QTEST_GUILESS_MAIN(TestTypeSummaryModel)
#include "tst_type_summary_model.moc"
