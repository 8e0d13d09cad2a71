// The Growth view's model and its filter proxy on the hand-worked series of growth_fixture.h (a type
// that leaks one object per round, an object whose references grow by one per round, a type whose
// count grows while every object of it is referenced, fixtures that fill once), and on a series in
// which nothing grows; every model and proxy under QAbstractItemModelTester.

#include "growth_fixture.h"
#include "models_fixture.h"

#include "models/growth_filter_proxy.h"
#include "models/growth_model.h"
#include "models/growth_series.h"
#include "models/model_text.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

// Snapshots 0..kGrowthRounds of the fixture, as a session would keep them at indexes first, first + 1...
GrowthSeriesPtr fixtureSeries(IgnoreRulesPtr rules = nullptr, int first = 0)
{
    std::vector<AnalyzedSnapshotPtr> analyses;
    QList<int> indexes;
    for (int k = 0; k <= kGrowthRounds; ++k) {
        analyses.push_back(analyzeSnapshot(growthSnapshot(k)));
        indexes << first + k;
    }
    return analyzeGrowth(analyses, rules, indexes, growthSeriesTitle(indexes));
}

QString cellText(const QAbstractItemModel& model, int row, int column, const QModelIndex& parent = {})
{
    return model.index(row, column, parent).data().toString();
}

// The top rows as "kind|type|per round|total".
QStringList findings(const QAbstractItemModel& model)
{
    QStringList rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        rows << QStringList{cellText(model, row, GrowthModel::KindColumn),
            cellText(model, row, GrowthModel::TypeColumn), cellText(model, row, GrowthModel::RoundsColumn),
            cellText(model, row, GrowthModel::TotalColumn)}
                    .join(QLatin1Char('|'));
    }
    return rows;
}

int rowOfKind(const QAbstractItemModel& model, GrowthModel::Kind kind, const QString& type)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(GrowthModel::KindRole).toInt() == static_cast<int>(kind)
            && cellText(model, row, GrowthModel::TypeColumn) == type)
            return row;
    }
    return -1;
}

} // namespace

class TestGrowthModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seriesNamesItsRoundsAndVerdict()
    {
        const GrowthSeriesPtr series = fixtureSeries(nullptr, 2);
        QVERIFY(series);
        QCOMPARE(series->rounds(), std::size_t(kGrowthRounds));
        QCOMPARE(series->lastSnapshot(), 2 + kGrowthRounds);
        QCOMPARE(series->title(), QStringLiteral("snapshots 3–6"));
        QVERIFY(!series->isEmpty());
        QVERIFY(series->growth().leaks());
        QCOMPARE(series->verdict(),
            QStringLiteral("Leaks: 2 findings over 3 rounds: objects of 1 type leaked in every round; the "
                           "references to 1 object grew in every round."));
        // The rows' objects are the last snapshot's.
        QCOMPARE(series->last().snapshot().objectCount(), growthSnapshot(kGrowthRounds)->objectCount());

        QCOMPARE(growthSeriesTitle({0, 2, 3}), QStringLiteral("snapshots 1, 3, 4"));
        QCOMPARE(growthSeriesTitle({4, 5}), QStringLiteral("snapshots 5–6"));
        // Fewer than two snapshots make no series.
        QVERIFY(!analyzeGrowth({analyzeSnapshot(growthSnapshot(0))}, nullptr, {0}, QString()));
        QVERIFY(!analyzeGrowth({analyzeSnapshot(growthSnapshot(0)), nullptr}, nullptr, {0, 1}, QString()));
    }

    void findingsShowTheirNumbersPerRound()
    {
        GrowthModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QCOMPARE(model.rowCount(), 0);
        const GrowthSeriesPtr series = fixtureSeries();
        model.setSeries(series);
        QCOMPARE(model.columnCount(), int(GrowthModel::ColumnCount));
        // Leaked objects first, then the growing references, then the growing types; the fixtures that
        // filled once in round 1 nowhere.
        const QStringList rows = findings(model);
        QCOMPARE(rows.value(0), QStringLiteral("Leaked objects|app.Leak|+1 +1 +1|+3"));
        QCOMPARE(rows.value(1), QStringLiteral("Growing references|app.Cache|+1 +1 +1|+3"));
        QVERIFY2(rows.contains(QStringLiteral("Growing type|app.Item|+1 +1 +1|+3")), qPrintable(rows.join(u'\n')));
        for (const QString& row : rows)
            QVERIFY2(!row.contains(QStringLiteral("app.Fixture")), qPrintable(row));
        QCOMPARE(model.rowCount(),
            static_cast<int>(series->growth().leakedObjects().size() + series->growth().surplusGrowth().size()
                + series->growth().growingTypes().size()));

        // The leaked objects' row: the object of the last round under it, its address and repr.
        const Snapshot& last = series->last().snapshot();
        const QModelIndex leaked = model.index(0, 0);
        QCOMPARE(model.kindOf(leaked), GrowthModel::Kind::LeakedObjects);
        QCOMPARE(model.objectOf(leaked), kNoObject);
        QCOMPARE(model.rowCount(leaked), 1);
        QCOMPARE(cellText(model, 0, GrowthModel::ReprColumn), QStringLiteral("1 object of the last round"));
        const QModelIndex child = model.index(0, 0, leaked);
        QCOMPARE(model.parent(child), leaked);
        QCOMPARE(model.kindOf(child), GrowthModel::Kind::LeakedObject);
        QCOMPARE(cellText(model, 0, GrowthModel::KindColumn, leaked), QStringLiteral("Leaked object"));
        QCOMPARE(cellText(model, 0, GrowthModel::TypeColumn, leaked), QStringLiteral("app.Leak"));
        QCOMPARE(cellText(model, 0, GrowthModel::ReprColumn, leaked), QStringLiteral("Leak(3)"));
        const std::uint64_t leakAddress = kGrowthLeak + 0x40u * kGrowthRounds;
        QCOMPARE(cellText(model, 0, GrowthModel::AddressColumn, leaked), addressText(leakAddress));
        QCOMPARE(cellText(model, 0, GrowthModel::RoundsColumn, leaked), QString());
        const ObjectIndex leakedObject = child.data(ObjectIndexRole).value<quint32>();
        QCOMPARE(leakedObject, model.objectOf(child));
        QCOMPARE(last.address(leakedObject), leakAddress);
        QVERIFY(child.data(IsSuspectRole).toBool());

        // The object whose references grow: an object row with no children; its surplus in the tooltip.
        const QModelIndex grown = model.index(1, 0);
        QCOMPARE(model.kindOf(grown), GrowthModel::Kind::GrowingReferences);
        QCOMPARE(model.rowCount(grown), 0);
        QVERIFY(model.flags(grown) & Qt::ItemNeverHasChildren);
        QCOMPARE(last.address(model.objectOf(grown)), std::uint64_t(kGrowthCache));
        QCOMPARE(last.address(grown.data(ObjectIndexRole).value<quint32>()), std::uint64_t(kGrowthCache));
        QCOMPARE(cellText(model, 1, GrowthModel::ReprColumn), QStringLiteral("Cache()"));
        QCOMPARE(cellText(model, 1, GrowthModel::AddressColumn), addressText(kGrowthCache));
        QVERIFY(model.index(1, GrowthModel::RoundsColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .endsWith(QStringLiteral("2, 3, 4, 5")));
        QCOMPARE(model.index(1, GrowthModel::TotalColumn).data(SortRole).toLongLong(), 3);

        // A growing type: no object, its counts per snapshot in the tooltip.
        const int item = rowOfKind(model, GrowthModel::Kind::GrowingType, QStringLiteral("app.Item"));
        QVERIFY(item >= 2);
        QCOMPARE(model.objectOf(model.index(item, 0)), kNoObject);
        QVERIFY(!model.index(item, 0).data(ObjectIndexRole).isValid());
        QCOMPARE(model.typeNameOf(model.index(item, 0)), QStringLiteral("app.Item"));
        QVERIFY(model.index(item, GrowthModel::RoundsColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .endsWith(QStringLiteral("2, 3, 4, 5")));

        model.setSeries(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void nothingGrowsInAFlatSeries()
    {
        std::vector<AnalyzedSnapshotPtr> analyses;
        for (int k = 0; k < 4; ++k)
            analyses.push_back(analyzeSnapshot(flatSnapshot()));
        const GrowthSeriesPtr series = analyzeGrowth(analyses, nullptr, {0, 1, 2, 3}, QStringLiteral("flat"));
        QVERIFY(series);
        QCOMPARE(series->rounds(), std::size_t(3));
        QVERIFY(series->isEmpty());
        QVERIFY(!series->growth().leaks());
        QCOMPARE(series->verdict(), QStringLiteral("No growth in every round over 3 rounds."));
        GrowthModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSeries(series);
        QCOMPARE(model.rowCount(), 0);
    }

    void rulesDecideWhatLeaks()
    {
        // Ignored, the leaked objects are no suspects: no type leaks, the cache's references still grow,
        // the leaks' type still grows.
        const GrowthSeriesPtr series = fixtureSeries(fixtureRules("type app.Leak\n"));
        QVERIFY(series->growth().leakedObjects().empty());
        QCOMPARE(series->growth().surplusGrowth().size(), std::size_t(1));
        GrowthModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        model.setSeries(series);
        QCOMPARE(cellText(model, 0, GrowthModel::KindColumn), QStringLiteral("Growing references"));
        QVERIFY(rowOfKind(model, GrowthModel::Kind::GrowingType, QStringLiteral("app.Leak")) >= 0);
        QCOMPARE(series->verdict(),
            QStringLiteral("Leaks: 1 finding over 3 rounds: the references to 1 object grew in "
                           "every round."));
    }

    void proxySortsAndFilters()
    {
        GrowthModel model;
        GrowthFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, kQtTest);
        model.setSeries(fixtureSeries());
        const int all = model.rowCount();
        QCOMPARE(proxy.rowCount(), all);
        QCOMPARE(cellText(proxy, 0, GrowthModel::KindColumn), QStringLiteral("Leaked objects"));

        // By kind, descending: the growing types first, the leaked objects last, still with their object.
        proxy.sort(GrowthModel::KindColumn, Qt::DescendingOrder);
        QCOMPARE(cellText(proxy, 0, GrowthModel::KindColumn), QStringLiteral("Growing type"));
        QCOMPARE(cellText(proxy, all - 1, GrowthModel::KindColumn), QStringLiteral("Leaked objects"));
        QCOMPARE(proxy.rowCount(proxy.index(all - 1, 0)), 1);
        proxy.sort(-1);
        QCOMPARE(cellText(proxy, 0, GrowthModel::KindColumn), QStringLiteral("Leaked objects"));

        // A type name keeps its findings; a repr keeps the object's finding with the object.
        proxy.setFilterText(QStringLiteral("item"));
        QCOMPARE(findings(proxy), QStringList{QStringLiteral("Growing type|app.Item|+1 +1 +1|+3")});
        proxy.setFilterText(QStringLiteral("Leak(3)"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(cellText(proxy, 0, GrowthModel::KindColumn), QStringLiteral("Leaked objects"));
        QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1);
        QCOMPARE(cellText(proxy, 0, GrowthModel::ReprColumn, proxy.index(0, 0)), QStringLiteral("Leak(3)"));
        proxy.setFilterText(QStringLiteral("cache()"));
        QCOMPARE(findings(proxy), QStringList{QStringLiteral("Growing references|app.Cache|+1 +1 +1|+3")});
        proxy.setFilterText(QStringLiteral("^app\\.(Cache|Item)$"), true);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setFilterText(QStringLiteral("("), true);
        QVERIFY(!proxy.isFilterValid());
        QVERIFY(!proxy.filterErrorString().isEmpty());
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterText(QString());
        QCOMPARE(proxy.rowCount(), all);
        model.setSeries(nullptr);
        QCOMPARE(proxy.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestGrowthModel)
#include "tst_growth_model.moc"
