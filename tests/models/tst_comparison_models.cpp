// The comparison's models (per-type deltas, new suspects, surplus growth) and their filter proxy, and
// the type series behind the snapshot chart, on the hand-worked pair of compare_fixture.h; every model
// and proxy under QAbstractItemModelTester.

#include "compare_fixture.h"
#include "models_fixture.h"

#include "models/comparison_filter_proxy.h"
#include "models/new_suspects_model.h"
#include "models/surplus_growth_model.h"
#include "models/type_delta_model.h"
#include "models/type_series_model.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

SnapshotComparisonPtr comparePair(IgnoreRulesPtr rules = nullptr)
{
    return compareSnapshots(analyzeSnapshot(compareSnapshotA()), analyzeSnapshot(compareSnapshotB()), rules, 0, 1);
}

QString cellText(const QAbstractItemModel& model, int row, int column)
{
    return model.index(row, column).data().toString();
}

QStringList columnTexts(const QAbstractItemModel& model, int column)
{
    QStringList texts;
    for (int row = 0; row < model.rowCount(); ++row)
        texts.append(cellText(model, row, column));
    return texts;
}

std::uint64_t addressOfRow(const QAbstractItemModel& model, const Snapshot& snapshot, int row)
{
    return snapshot.address(model.index(row, 0).data(ObjectIndexRole).value<quint32>());
}

} // namespace

class TestComparisonModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typeDeltasShowCountsBytesAndChangesPerType()
    {
        TypeDeltaModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setComparison(comparePair());
        QCOMPARE(model.columnCount(), int(TypeDeltaModel::ColumnCount));
        QCOMPARE(model.rowCount(), 6); // every type name of either snapshot
        // The diff's order: the largest count change first, growth before shrinking.
        QCOMPARE(cellText(model, 0, TypeDeltaModel::TypeColumn), QStringLiteral("app.Job"));
        QCOMPARE(cellText(model, 0, TypeDeltaModel::CountAColumn), QStringLiteral("0"));
        QCOMPARE(cellText(model, 0, TypeDeltaModel::CountBColumn), QStringLiteral("3"));
        QCOMPARE(cellText(model, 0, TypeDeltaModel::CountDeltaColumn), QStringLiteral("+3"));
        QCOMPARE(cellText(model, 0, TypeDeltaModel::AddedColumn), QStringLiteral("3"));
        QCOMPARE(cellText(model, 0, TypeDeltaModel::BytesDeltaColumn), QStringLiteral("+144"));
        QCOMPARE(cellText(model, 0, TypeDeltaModel::SuspectsBColumn), QStringLiteral("3"));
        QCOMPARE(cellText(model, 1, TypeDeltaModel::TypeColumn), QStringLiteral("builtins.float"));
        QCOMPARE(cellText(model, 1, TypeDeltaModel::CountDeltaColumn), QStringLiteral("-2"));
        QCOMPARE(model.index(1, TypeDeltaModel::CountDeltaColumn).data(SortRole).toLongLong(), -2);
        QCOMPARE(cellText(model, 1, TypeDeltaModel::RemovedColumn), QStringLiteral("2"));
        QCOMPARE(cellText(model, 1, TypeDeltaModel::BytesDeltaColumn), QStringLiteral("-48"));
        // The type of B behind a row; none for a type that only A has.
        const Snapshot& b = model.comparison()->b().snapshot();
        QCOMPARE(b.typeName(model.index(0, 0).data(TypeIndexRole).value<quint32>()), "app.Job");
        QCOMPARE(model.deltaAt(1).countB, 0u);
        QVERIFY(model.isUnchangedRow(2));
        QVERIFY(!model.isUnchangedRow(0));

        model.setComparison(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void proxyHidesUnchangedTypesFiltersAndSorts()
    {
        TypeDeltaModel model;
        ComparisonFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, kQtTest);
        model.setComparison(comparePair());
        QCOMPARE(proxy.rowCount(), 6);
        proxy.setHideUnchanged(true);
        QCOMPARE(columnTexts(proxy, TypeDeltaModel::TypeColumn),
            QStringList({QStringLiteral("app.Job"), QStringLiteral("builtins.float")}));
        proxy.setFilterText(QStringLiteral("FLOAT"));
        QCOMPARE(columnTexts(proxy, TypeDeltaModel::TypeColumn), QStringList{QStringLiteral("builtins.float")});
        proxy.setHideUnchanged(false);
        proxy.setFilterText(QStringLiteral("^app\\.(Cache|Old)$"), true);
        QCOMPARE(columnTexts(proxy, TypeDeltaModel::TypeColumn),
            QStringList({QStringLiteral("app.Cache"), QStringLiteral("app.Old")}));
        QSignalSpy validity(&proxy, &ComparisonFilterProxy::filterValidChanged);
        proxy.setFilterText(QStringLiteral("(app"), true);
        QVERIFY(!proxy.isFilterValid());
        QVERIFY(!proxy.filterErrorString().isEmpty());
        QCOMPARE(proxy.rowCount(), 0);
        QCOMPARE(validity.count(), 1);
        proxy.setFilterText({});
        QVERIFY(proxy.isFilterValid());
        QCOMPARE(proxy.rowCount(), 6);
        // Sorting any column by its raw value: the count change ascending puts the freed floats first.
        proxy.sort(TypeDeltaModel::CountDeltaColumn, Qt::AscendingOrder);
        QCOMPARE(cellText(proxy, 0, TypeDeltaModel::TypeColumn), QStringLiteral("builtins.float"));
        QCOMPARE(cellText(proxy, 5, TypeDeltaModel::TypeColumn), QStringLiteral("app.Job"));
        proxy.sort(-1);
        QCOMPARE(cellText(proxy, 0, TypeDeltaModel::TypeColumn), QStringLiteral("app.Job"));
        // A new comparison under the proxy keeps its filters.
        proxy.setFilterText(QStringLiteral("job"));
        model.setComparison(comparePair());
        QCOMPARE(columnTexts(proxy, TypeDeltaModel::TypeColumn), QStringList{QStringLiteral("app.Job")});
    }

    void newSuspectsAreTheJobsOfB()
    {
        NewSuspectsModel model;
        ComparisonFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, kQtTest);
        QAbstractItemModelTester proxyTester(&proxy, kQtTest);
        model.setComparison(comparePair());
        const Snapshot& b = model.comparison()->b().snapshot();
        QCOMPARE(model.rowCount(), 3);
        for (int row = 0; row < 3; ++row) {
            QCOMPARE(addressOfRow(model, b, row), kCompareJob + 0x40 * std::uint64_t(row));
            QCOMPARE(cellText(model, row, NewSuspectsModel::TypeColumn), QStringLiteral("app.Job"));
            QCOMPARE(cellText(model, row, NewSuspectsModel::BeforeColumn), QStringLiteral("new"));
            QVERIFY(model.index(row, NewSuspectsModel::ReprColumn).data(IsSuspectRole).toBool());
        }
        QCOMPARE(cellText(model, 1, NewSuspectsModel::ReprColumn), QStringLiteral("Job(2)"));
        QCOMPARE(model.rowOfObject(model.objectAt(2)), 2);
        // The old suspect was a suspect in A too: not new.
        proxy.setFilterText(QStringLiteral("Old"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterText(QStringLiteral("job(3"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(addressOfRow(proxy, b, 0), kCompareJob + 0x80);
    }

    void rulesOfTheSessionApplyToBothSides()
    {
        // Analysed without rules, compared with a rule that ignores the jobs: no new suspect is left.
        NewSuspectsModel model;
        model.setComparison(comparePair(fixtureRules("type app.Job\n")));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.comparison()->a().ignoreRules() == model.comparison()->b().ignoreRules());
        QCOMPARE(model.comparison()->totalsB().suspects, 1u); // the old one
        QCOMPARE(model.comparison()->totalsB().objects, 7u);
        QCOMPARE(model.comparison()->totalsA().bytes, 640u + 64 + 88 + 32 + 24 + 24);
    }

    void surplusGrowthRanksTheOverIncrefedObjectFirst()
    {
        SurplusGrowthModel model;
        ComparisonFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, kQtTest);
        QAbstractItemModelTester proxyTester(&proxy, kQtTest);
        model.setComparison(comparePair());
        const Snapshot& b = model.comparison()->b().snapshot();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(addressOfRow(model, b, 0), std::uint64_t(kCompareCache));
        QCOMPARE(cellText(model, 0, SurplusGrowthModel::GrowthColumn), QStringLiteral("+5"));
        QCOMPARE(cellText(model, 0, SurplusGrowthModel::RefcountColumn), QStringLiteral("2 → 7"));
        QCOMPARE(cellText(model, 0, SurplusGrowthModel::ReferrersColumn), QStringLiteral("1 → 1"));
        QCOMPARE(model.index(0, SurplusGrowthModel::RefcountColumn).data(SortRole).toLongLong(), 5);
        QCOMPARE(addressOfRow(model, b, 1), std::uint64_t(kCompareList));
        QCOMPARE(cellText(model, 1, SurplusGrowthModel::GrowthColumn), QStringLiteral("+2"));
        proxy.sort(SurplusGrowthModel::GrowthColumn, Qt::AscendingOrder);
        QCOMPARE(addressOfRow(proxy, b, 0), std::uint64_t(kCompareList));
        proxy.setFilterText(QStringLiteral("cache"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(addressOfRow(proxy, b, 0), std::uint64_t(kCompareCache));
    }

    void typeTotalsAddUpTypesThatShareAName()
    {
        GraphSpec spec;
        spec.objects
            = {{.type = "app.Node", .size = 10}, {.type = "app.Node", .size = 20}, {.type = "app.Edge", .size = 5}};
        SnapshotColumns columns = buildColumns(spec);
        // A second type named app.Node, for the second node: a class defined anew.
        TypeRecord twin = columns.types[columns.type[0]];
        twin.address += 0x10000;
        columns.types.push_back(twin);
        columns.type[1] = static_cast<TypeIndex>(columns.types.size() - 1);
        AnalyzedSnapshotPtr analyzed = analyzeSnapshot(std::make_shared<const Snapshot>(std::move(columns)));
        const TypeTotalsPtr totals = typeTotalsOf(*analyzed);
        QCOMPARE(totals->size(), std::size_t(2));
        QCOMPARE((*totals)[0].name, std::string("app.Edge"));
        QCOMPARE((*totals)[1].name, std::string("app.Node"));
        QCOMPARE((*totals)[1].count, 2u);
        QCOMPARE((*totals)[1].bytes, 30u);
    }

    void typeSeriesHaveOneValuePerSnapshot()
    {
        const TypeTotalsPtr a = typeTotalsOf(*analyzeSnapshot(compareSnapshotA()));
        const TypeTotalsPtr b = typeTotalsOf(*analyzeSnapshot(compareSnapshotB()));
        const std::vector<TypeSeries> series = buildTypeSeries({a, b, b});
        QCOMPARE(series.size(), std::size_t(6));
        const auto job
            = std::find_if(series.begin(), series.end(), [](const TypeSeries& s) { return s.name == "app.Job"; });
        QVERIFY(job != series.end());
        QCOMPARE(job->counts, (std::vector<std::uint64_t>{0, 3, 3}));
        QCOMPARE(job->bytes, (std::vector<std::uint64_t>{0, 144, 144}));
        QCOMPARE(job->countGrowth(), 3);
        const auto floats = std::find_if(
            series.begin(), series.end(), [](const TypeSeries& s) { return s.name == "builtins.float"; });
        QCOMPARE(floats->counts, (std::vector<std::uint64_t>{2, 0, 0}));
        QCOMPARE(floats->countGrowth(), -2);
    }

    void typeSeriesModelChoosesTheMostGrowthUntilTheUserChooses()
    {
        TypeSeriesModel model;
        QAbstractItemModelTester tester(&model, kQtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(SortRole);
        QAbstractItemModelTester proxyTester(&proxy, kQtTest);
        const TypeTotalsPtr a = typeTotalsOf(*analyzeSnapshot(compareSnapshotA()));
        const TypeTotalsPtr b = typeTotalsOf(*analyzeSnapshot(compareSnapshotB()));
        QSignalSpy chosen(&model, &TypeSeriesModel::chosenTypesChanged);
        model.setSeries(buildTypeSeries({a, b}), 2);
        QVERIFY(chosen.count() >= 1);
        QCOMPARE(model.snapshotCount(), 2);
        QCOMPARE(model.rowCount(), 6);
        // The five that grew most: the jobs; then, at equal growth, the larger last count, then by name.
        QCOMPARE(model.chosenTypes(),
            QStringList({QStringLiteral("app.Job"), QStringLiteral("app.Cache"), QStringLiteral("app.Old"),
                QStringLiteral("builtins.dict"), QStringLiteral("builtins.list")}));
        const int floatRow = model.rowOfType(QStringLiteral("builtins.float"));
        QVERIFY(floatRow >= 0);
        QCOMPARE(model.index(floatRow, 0).data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Unchecked);
        QCOMPARE(model.index(floatRow, TypeSeriesModel::GrowthColumn).data().toString(), QStringLiteral("-2"));

        // Bytes: the list's bytes did not change either, the dict is the biggest of the unchanged.
        model.setMeasure(TypeSeriesModel::Measure::Bytes);
        QCOMPARE(model.chosenTypes().first(), QStringLiteral("app.Job"));
        QCOMPARE(model.index(model.rowOfType(QStringLiteral("app.Job")), TypeSeriesModel::LastColumn).data().toString(),
            QStringLiteral("144"));
        QCOMPARE(model.chosenTypes().at(1), QStringLiteral("builtins.dict"));

        // Checking a type makes the choice the user's, kept by name across new series.
        QVERIFY(model.setData(model.index(floatRow, 0), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(model.hasExplicitChoice());
        QCOMPARE(model.chosenTypes().size(), 6);
        QVERIFY(model.setData(
            model.index(model.rowOfType(QStringLiteral("app.Old")), 0), Qt::Unchecked, Qt::CheckStateRole));
        model.setSeries(buildTypeSeries({a, b, b}), 3);
        QCOMPARE(model.chosenTypes().size(), 5);
        QVERIFY(model.chosenTypes().contains(QStringLiteral("builtins.float")));
        QVERIFY(!model.chosenTypes().contains(QStringLiteral("app.Old")));
        QCOMPARE(model.valuesAt(model.rowOfType(QStringLiteral("app.Job"))).size(), std::size_t(3));
        model.setChosenTypes({});
        QVERIFY(!model.hasExplicitChoice());
        QCOMPARE(model.chosenTypes().size(), TypeSeriesModel::kDefaultChosen);
        proxy.sort(TypeSeriesModel::GrowthColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("app.Job"));
    }
};

QTEST_GUILESS_MAIN(TestComparisonModels)
#include "tst_comparison_models.moc"
