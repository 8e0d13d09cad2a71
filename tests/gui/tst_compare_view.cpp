// The Compare view and the snapshot chart against a Session fed by a FakeTarget: two snapshots
// compared off the GUI thread, the per-type deltas, the surplus growth ranking the over-increfed object
// first, a chosen row naming the object of B; the chart's lines with one point per snapshot, more as
// snapshots come, and a click on a point choosing its snapshot.

#include "gui/compare_view.h"
#include "gui/snapshot_chart.h"
#include "models/comparison_filter_proxy.h"
#include "models/new_suspects_model.h"
#include "models/surplus_growth_model.h"
#include "models/type_delta_model.h"
#include "models/compare_fixture.h"
#include "session/session.h"
#include "support/fake_target.h"

#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>

using namespace leakscope;
using namespace leakscope::test;

namespace {

constexpr int kTimeoutMs = 10000;
constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

// Starts a FakeTarget that sends A first, then B, then B again; waits until its script runs.
FakeTarget* startFake(Session& session)
{
    auto target = std::make_unique<FakeTarget>();
    FakeTarget* fake = target.get();
    auto sent = std::make_shared<int>(0);
    fake->setSnapshotSource(
        [sent](const QString&) { return (*sent)++ == 0 ? compareSnapshotA() : compareSnapshotB(); });
    QSignalSpy states(&session, &Session::stateChanged);
    session.start(std::move(target), QStringLiteral("Running fake.py"));
    while (session.state() != Target::State::Running && states.wait(kTimeoutMs)) { }
    return session.state() == Target::State::Running ? fake : nullptr;
}

bool takeSnapshot(Session& session)
{
    QSignalSpy added(&session, &Session::snapshotAdded);
    return session.requestSnapshot() && added.wait(kTimeoutMs);
}

std::uint64_t addressOfRow(const QAbstractItemModel& model, const Snapshot& snapshot, int row)
{
    return snapshot.address(model.index(row, 0).data(ObjectIndexRole).value<quint32>());
}

} // namespace

class TestCompareView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void comparesTheLastTwoSnapshots()
    {
        Session session;
        QVERIFY(startFake(session));
        CompareView view;
        view.setSession(&session);
        QVERIFY(!view.comparison());
        QCOMPARE(view.summaryText(), CompareView::tr("Take or open two snapshots to compare them."));
        QAbstractItemModelTester typesTester(view.proxy(CompareView::TypesTab), kQtTest);
        QAbstractItemModelTester suspectsTester(view.proxy(CompareView::NewSuspectsTab), kQtTest);
        QAbstractItemModelTester growthTester(view.proxy(CompareView::SurplusGrowthTab), kQtTest);

        QSignalSpy ready(&view, &CompareView::comparisonReady);
        QVERIFY(takeSnapshot(session));
        QVERIFY(takeSnapshot(session)); // the second one: compared with the first at once
        QVERIFY(view.isBusy() || ready.count() > 0);
        QVERIFY(ready.count() > 0 || ready.wait(kTimeoutMs));
        QVERIFY(!view.isBusy());
        QVERIFY(view.comparison());
        QCOMPARE(view.snapshotA(), 0);
        QCOMPARE(view.snapshotB(), 1);
        QCOMPARE(view.comparison()->indexB(), 1);
        QVERIFY(view.summaryText().contains(QStringLiteral("Objects 6 → 7 (+1)")));
        QVERIFY(view.summaryText().contains(QStringLiteral("Suspects 1 → 4 (+3)")));

        // Types: the unchanged ones hidden, the jobs first.
        const QAbstractItemModel* types = view.table(CompareView::TypesTab)->model();
        QCOMPARE(types->rowCount(), 2);
        QCOMPARE(types->index(0, TypeDeltaModel::TypeColumn).data().toString(), QStringLiteral("app.Job"));
        QCOMPARE(types->index(0, TypeDeltaModel::CountDeltaColumn).data().toString(), QStringLiteral("+3"));
        QCOMPARE(types->index(1, TypeDeltaModel::TypeColumn).data().toString(), QStringLiteral("builtins.float"));
        QCOMPARE(types->index(1, TypeDeltaModel::RemovedColumn).data().toString(), QStringLiteral("2"));
        QVERIFY(view.tabs()->tabText(CompareView::TypesTab).contains(QStringLiteral("2 changed")));
        view.setShowUnchangedTypes(true);
        QCOMPARE(types->rowCount(), 6);
        view.setShowUnchangedTypes(false);

        // Surplus growth: the cache, increfed five times with no new referrer, comes first.
        const Snapshot& b = view.comparison()->b().snapshot();
        const QAbstractItemModel* growth = view.table(CompareView::SurplusGrowthTab)->model();
        QCOMPARE(growth->rowCount(), 2);
        QCOMPARE(addressOfRow(*growth, b, 0), std::uint64_t(kCompareCache));
        QCOMPARE(growth->index(0, SurplusGrowthModel::GrowthColumn).data().toString(), QStringLiteral("+5"));
        QCOMPARE(view.table(CompareView::NewSuspectsTab)->model()->rowCount(), 3);

        // Choosing a row names its object in B.
        QSignalSpy objects(&view, &CompareView::objectActivated);
        view.tabs()->setCurrentIndex(CompareView::SurplusGrowthTab);
        view.table(CompareView::SurplusGrowthTab)->setCurrentIndex(growth->index(0, 0));
        QCOMPARE(objects.count(), 1);
        QCOMPARE(objects.at(0).at(0).toInt(), 1);
        QCOMPARE(b.address(objects.at(0).at(1).value<ObjectIndex>()), std::uint64_t(kCompareCache));
        QTableView* suspects = view.table(CompareView::NewSuspectsTab);
        view.tabs()->setCurrentIndex(CompareView::NewSuspectsTab);
        Q_EMIT suspects->activated(suspects->model()->index(2, NewSuspectsModel::ReprColumn));
        QCOMPARE(objects.count(), 2);
        QCOMPARE(b.address(objects.at(1).at(1).value<ObjectIndex>()), std::uint64_t(kCompareJob + 0x80));

        // Choosing a type row names the type in B.
        QSignalSpy chosenTypes(&view, &CompareView::typeActivated);
        view.table(CompareView::TypesTab)->setCurrentIndex(types->index(0, 0));
        QCOMPARE(chosenTypes.count(), 1);
        QCOMPARE(chosenTypes.at(0).at(0).toInt(), 1);
        QCOMPARE(b.typeName(chosenTypes.at(0).at(1).toUInt()), "app.Job");
        QCOMPARE(chosenTypes.at(0).at(2).toString(), QStringLiteral("app.Job"));
        // A type only A has is named in A.
        view.table(CompareView::TypesTab)->setCurrentIndex(types->index(1, 0));
        QCOMPARE(chosenTypes.count(), 2);
        QCOMPARE(chosenTypes.at(1).at(0).toInt(), 0);
        QCOMPARE(chosenTypes.at(1).at(2).toString(), QStringLiteral("builtins.float"));

        // The filter box filters every table, once typing pauses; the rows moving under the current one
        // choose nothing.
        const qsizetype chosenBefore = objects.count() + chosenTypes.count();
        view.filterEdit()->setText(QStringLiteral("job"));
        QTRY_COMPARE_WITH_TIMEOUT(types->rowCount(), 1, kTimeoutMs);
        QCOMPARE(objects.count() + chosenTypes.count(), chosenBefore);
        QCOMPARE(growth->rowCount(), 0);
        QCOMPARE(view.table(CompareView::NewSuspectsTab)->model()->rowCount(), 3);
        view.filterEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(growth->rowCount(), 2, kTimeoutMs);
    }

    void swappingComparesTheOtherWay()
    {
        Session session;
        QVERIFY(startFake(session));
        QVERIFY(takeSnapshot(session));
        QVERIFY(takeSnapshot(session));
        CompareView view;
        QSignalSpy ready(&view, &CompareView::comparisonReady);
        view.setSession(&session);
        QVERIFY(ready.wait(kTimeoutMs));
        view.swap();
        QCOMPARE(view.snapshotA(), 1);
        QCOMPARE(view.snapshotB(), 0);
        QVERIFY(ready.wait(kTimeoutMs));
        QCOMPARE(view.comparison()->indexB(), 0);
        // From B back to A the jobs went away and the floats came.
        const QAbstractItemModel* types = view.table(CompareView::TypesTab)->model();
        QCOMPARE(types->index(0, TypeDeltaModel::TypeColumn).data().toString(), QStringLiteral("app.Job"));
        QCOMPARE(types->index(0, TypeDeltaModel::CountDeltaColumn).data().toString(), QStringLiteral("-3"));
        QCOMPARE(view.newSuspects()->rowCount(), 0);
        QCOMPARE(view.surplusGrowth()->rowCount(), 0);
        // The same snapshot twice compares nothing.
        view.compare(1, 1);
        QVERIFY(!view.comparison());
        QCOMPARE(view.summaryText(), CompareView::tr("Choose two different snapshots."));
        QCOMPARE(view.typeDeltas()->rowCount(), 0);

        // Closing a snapshot compared leaves nothing to compare; the choosers follow the session.
        view.compare(0, 1);
        QVERIFY(ready.wait(kTimeoutMs));
        session.closeSnapshot(0);
        QCOMPARE(view.snapshotA(), -1);
        QCOMPARE(view.snapshotB(), 0);
        QVERIFY(!view.comparison());
        QVERIFY(!view.isBusy());
    }

    void chartHasOnePointPerSnapshot()
    {
        Session session;
        QVERIFY(startFake(session));
        QVERIFY(takeSnapshot(session));
        QVERIFY(takeSnapshot(session));
        SnapshotChart chart;
        QAbstractItemModelTester tester(chart.typesModel(), kQtTest);
        QSignalSpy updated(&chart, &SnapshotChart::updated);
        chart.setSession(&session);
        QVERIFY(updated.wait(kTimeoutMs));
        QVERIFY(!chart.isBusy());
        // The default choice: the five that grew most, the jobs first.
        QCOMPARE(chart.chosenTypes().size(), 5);
        QCOMPARE(chart.chosenTypes().first(), QStringLiteral("app.Job"));
        QCOMPARE(chart.chart()->series().size(), 5);
        QLineSeries* jobs = chart.seriesOf(QStringLiteral("app.Job"));
        QVERIFY(jobs);
        QCOMPARE(jobs->points(), (QList<QPointF>{{1, 0}, {2, 3}}));
        QVERIFY(!chart.seriesOf(QStringLiteral("builtins.float")));

        // A third snapshot: a third point on every line.
        updated.clear();
        QVERIFY(takeSnapshot(session));
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() > 0 && !chart.isBusy(), kTimeoutMs);
        for (QAbstractSeries* series : chart.chart()->series())
            QCOMPARE(static_cast<QLineSeries*>(series)->count(), session.snapshotCount());
        QCOMPARE(chart.seriesOf(QStringLiteral("app.Job"))->points(), (QList<QPointF>{{1, 0}, {2, 3}, {3, 3}}));

        // Bytes, and a type of the user's choice.
        chart.setMeasure(SnapshotChart::Measure::Bytes);
        QCOMPARE(chart.seriesOf(QStringLiteral("app.Job"))->points(), (QList<QPointF>{{1, 0}, {2, 144}, {3, 144}}));
        chart.setChosenTypes({QStringLiteral("builtins.float")});
        QCOMPARE(chart.chart()->series().size(), 1);
        QCOMPARE(chart.seriesOf(QStringLiteral("builtins.float"))->points(), (QList<QPointF>{{1, 48}, {2, 0}, {3, 0}}));
        chart.setChosenTypes({});
        chart.setMeasure(SnapshotChart::Measure::Count);
        QCOMPARE(chart.chart()->series().size(), 5);

        // Closing the first snapshot: one point fewer, the jobs there from the start.
        updated.clear();
        session.closeSnapshot(0);
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() > 0 && !chart.isBusy(), kTimeoutMs);
        QCOMPARE(chart.typesModel()->snapshotCount(), 2);
        QCOMPARE(chart.seriesOf(QStringLiteral("app.Job"))->points(), (QList<QPointF>{{1, 3}, {2, 3}}));
    }

    void clickingAPointChoosesItsSnapshot()
    {
        Session session;
        QVERIFY(startFake(session));
        QVERIFY(takeSnapshot(session));
        QVERIFY(takeSnapshot(session));
        SnapshotChart chart;
        chart.resize(900, 600);
        QSignalSpy updated(&chart, &SnapshotChart::updated);
        chart.setSession(&session);
        QVERIFY(updated.wait(kTimeoutMs));
        chart.setChosenTypes({QStringLiteral("app.Job")});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QSignalSpy chosen(&chart, &SnapshotChart::snapshotChosen);
        QLineSeries* jobs = chart.seriesOf(QStringLiteral("app.Job"));
        QVERIFY(jobs);
        QChartView* view = chart.chartView();
        // The second snapshot's point, where the view draws it.
        const QPointF inChart = chart.chart()->mapToPosition(QPointF(2, 3), jobs);
        const QPoint inView = view->mapFromScene(chart.chart()->mapToScene(inChart));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, inView);
        QTRY_COMPARE_WITH_TIMEOUT(chosen.count(), 1, kTimeoutMs);
        QCOMPARE(chosen.at(0).at(0).toInt(), 1);
        QCOMPARE(chart.snapshotAt(0.8), 0);
        QCOMPARE(chart.snapshotAt(7), -1);
    }
};

QTEST_MAIN(TestCompareView)
#include "tst_compare_view.moc"
