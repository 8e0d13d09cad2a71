// The Growth view against a Session fed by a FakeTarget that sends the series of growth_fixture.h (one
// object leaked per round, one object's references growing, a type growing with its objects referenced):
// the title, rounds and verdict, the findings with their numbers and the leaked object under its type,
// choosing an object row; a series in which nothing grows said in place of the table; the snapshots
// taken in order of capture; closing a snapshot of the series. In the window: Growth over Selected
// Snapshots from the snapshot list and the View menu, and a leaked object chosen in the Growth dock
// shown by the details and the referents tree as a candidate would be.

#include "gui_test_support.h"

#include "gui/growth_view.h"
#include "gui/snapshot_list_view.h"
#include "models/growth_filter_proxy.h"
#include "models/growth_fixture.h"
#include "models/growth_model.h"
#include "models/model_text.h"
#include "models/object_tree_model.h"
#include "session/session.h"
#include "snapshot/ignore_rules.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeView>

using namespace leakscope;
using namespace leakscope::guitest;
using namespace leakscope::test;

namespace {

constexpr int kTimeoutMs = 10000;
constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

// spec's snapshot, taken at second.
SnapshotPtr takenAt(const GraphSpec& spec, int second)
{
    SnapshotColumns columns = buildColumns(spec);
    columns.info.capturedAtMs = 1'760'000'000'000 + 1000 * second;
    return std::make_shared<const Snapshot>(std::move(columns));
}

// Sends the snapshots of order in turn (growth_fixture's round numbers, each taken at the second of
// its round); once order is done, or for an empty order, the same snapshot every time.
std::function<SnapshotPtr(const QString&)> seriesSource(QList<int> order)
{
    auto sent = std::make_shared<int>(0);
    return [sent, order](const QString&) {
        const int k = order.value((*sent)++, -1);
        return k >= 0 ? takenAt(growthSpec(k), k) : takenAt(growthSpec(1), 100 + *sent);
    };
}

FakeTarget* startFake(Session& session, QList<int> order)
{
    auto target = std::make_unique<FakeTarget>();
    FakeTarget* fake = target.get();
    fake->setSnapshotSource(seriesSource(order));
    QSignalSpy states(&session, &Session::stateChanged);
    session.start(std::move(target), QStringLiteral("Running fake.py"));
    while (session.state() != Target::State::Running && states.wait(kTimeoutMs)) { }
    return session.state() == Target::State::Running ? fake : nullptr;
}

bool takeSnapshots(Session& session, int count)
{
    for (int k = 0; k < count; ++k) {
        QSignalSpy added(&session, &Session::snapshotAdded);
        if (!session.requestSnapshot() || !added.wait(kTimeoutMs))
            return false;
    }
    return true;
}

bool analyzed(GrowthView& view, const QList<int>& snapshots, const QString& title = {})
{
    QSignalSpy ready(&view, &GrowthView::seriesReady);
    view.analyze(snapshots, title);
    return ready.count() > 0 || ready.wait(kTimeoutMs);
}

QString cell(const QAbstractItemModel& model, int row, int column, const QModelIndex& parent = {})
{
    return model.index(row, column, parent).data().toString();
}

// The growth view as a picture, for a look by eye: written when LEAKSCOPE_SCREENSHOT_DIR names a folder.
void saveScreenshot(QWidget& widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("LEAKSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget.grab().save(dir + QLatin1Char('/') + name));
}

} // namespace

class TestGrowthView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeGrowthViewTest"));
    }

    void showsWhatGrewInEveryRound()
    {
        Session session;
        QVERIFY(startFake(session, {0, 1, 2, 3}));
        GrowthView view;
        view.setSession(&session);
        view.resize(900, 300);
        QAbstractItemModelTester modelTester(view.model(), kQtTest);
        QAbstractItemModelTester proxyTester(view.proxy(), kQtTest);
        QVERIFY(!view.series());
        QVERIFY(!view.showsTable()); // how to get a growth, in place of an empty table
        QVERIFY(takeSnapshots(session, 4));

        QVERIFY(analyzed(view, {0, 1, 2, 3}));
        QVERIFY(!view.isBusy());
        QVERIFY(view.series());
        QCOMPARE(view.titleText(), QStringLiteral("Growth over snapshots 1–4"));
        QCOMPARE(view.summaryText(),
            QStringLiteral("Leaks: 2 findings over 3 rounds: objects of 1 type leaked in every round; the "
                           "references to 1 object grew in every round."));
        QVERIFY(view.showsTable());

        const QAbstractItemModel* rows = view.tree()->model();
        QCOMPARE(cell(*rows, 0, GrowthModel::KindColumn), QStringLiteral("Leaked objects"));
        QCOMPARE(cell(*rows, 0, GrowthModel::TypeColumn), QStringLiteral("app.Leak"));
        QCOMPARE(cell(*rows, 0, GrowthModel::RoundsColumn), QStringLiteral("+1 +1 +1"));
        QCOMPARE(cell(*rows, 0, GrowthModel::TotalColumn), QStringLiteral("+3"));
        QCOMPARE(cell(*rows, 1, GrowthModel::KindColumn), QStringLiteral("Growing references"));
        QCOMPARE(cell(*rows, 1, GrowthModel::TypeColumn), QStringLiteral("app.Cache"));
        QCOMPARE(cell(*rows, 1, GrowthModel::RoundsColumn), QStringLiteral("+1 +1 +1"));
        const QModelIndex leaked = rows->index(0, 0);
        QVERIFY(view.tree()->isExpanded(leaked));
        QCOMPARE(rows->rowCount(leaked), 1);
        QCOMPARE(cell(*rows, 0, GrowthModel::ReprColumn, leaked), QStringLiteral("Leak(3)"));
        QCOMPARE(cell(*rows, 0, GrowthModel::AddressColumn, leaked), addressText(kGrowthLeak + 0x40u * kGrowthRounds));
        saveScreenshot(view, QStringLiteral("growth-view.png"));

        // Copy as Text: the command line's text of the same growth, titled as the view is.
        auto* copy = view.findChild<QToolButton*>(QStringLiteral("growthCopy"));
        QVERIFY(copy && copy->isEnabled());
        QGuiApplication::clipboard()->clear();
        copy->click();
        const QString report = QGuiApplication::clipboard()->text();
        QCOMPARE(report, view.reportText());
        QVERIFY2(
            report.startsWith(QStringLiteral("snapshots 1–4: leaks: 2 findings over 3 rounds\n")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("  app.Leak: +1 +1 +1 per round\n")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("Leak(3)")), qPrintable(report));

        // Choosing an object row names the object in the last snapshot; a type's row names the type.
        QSignalSpy objects(&view, &GrowthView::objectActivated);
        QSignalSpy types(&view, &GrowthView::typeActivated);
        view.tree()->setCurrentIndex(rows->index(0, GrowthModel::ReprColumn, leaked));
        QCOMPARE(objects.count(), 1);
        QCOMPARE(objects.at(0).at(0).toInt(), 3);
        const Snapshot& last = session.analyzedSnapshot(3)->snapshot();
        QCOMPARE(last.address(objects.at(0).at(1).value<ObjectIndex>()), kGrowthLeak + 0x40u * kGrowthRounds);
        view.tree()->setCurrentIndex(rows->index(1, 0));
        QCOMPARE(objects.count(), 2);
        QCOMPARE(last.address(objects.at(1).at(1).value<ObjectIndex>()), std::uint64_t(kGrowthCache));
        view.tree()->setCurrentIndex(leaked);
        QCOMPARE(types.count(), 1);
        QCOMPARE(types.at(0).at(0).toInt(), 3);
        QCOMPARE(types.at(0).at(1).toString(), QStringLiteral("app.Leak"));

        // The filter box, once typing pauses: the rows moving under the current one choose nothing.
        const qsizetype chosen = objects.count() + types.count();
        view.filterEdit()->setText(QStringLiteral("cache"));
        QTRY_COMPARE(rows->rowCount(), 1);
        QCOMPARE(cell(*rows, 0, GrowthModel::TypeColumn), QStringLiteral("app.Cache"));
        view.filterEdit()->clear();
        QTRY_VERIFY(rows->rowCount() > 2);
        QCOMPARE(objects.count() + types.count(), chosen);

        // Two snapshots are one round; a snapshot alone is no series.
        QVERIFY(analyzed(view, {2, 3}, QStringLiteral("last round")));
        QCOMPARE(view.titleText(), QStringLiteral("Growth over last round"));
        QVERIFY(view.summaryText().startsWith(QStringLiteral("Leaks: 2 findings over 1 round:")));
        QVERIFY(analyzed(view, {3}));
        QVERIFY(!view.series());
        QVERIFY(!view.showsTable());
        QVERIFY(!copy->isEnabled());
        QVERIFY(view.reportText().isEmpty());
    }

    void followsTheRules()
    {
        Session session;
        QVERIFY(startFake(session, {0, 1, 2, 3}));
        GrowthView view;
        view.setSession(&session);
        QVERIFY(takeSnapshots(session, 4));
        QVERIFY(analyzed(view, {0, 1, 2, 3}));
        QCOMPARE(view.series()->growth().leakedObjects().size(), std::size_t(1));

        // Rules that ignore the leaked type: the growth again, with no leaked objects.
        ParsedIgnoreRules parsed = parseIgnoreRules("type app.Leak\n", "rules");
        QVERIFY(parsed.errors.empty());
        const auto rules = std::make_shared<const IgnoreRules>(std::move(parsed.rules));
        QSignalSpy ready(&view, &GrowthView::seriesReady);
        session.setRules(rules);
        QVERIFY(ready.wait(kTimeoutMs));
        QCOMPARE(view.series()->rules(), IgnoreRulesPtr(rules));
        QVERIFY(view.series()->growth().leakedObjects().empty());
        QCOMPARE(
            view.model()->index(0, GrowthModel::KindColumn).data().toString(), QStringLiteral("Growing references"));
        QVERIFY2(
            view.summaryText().startsWith(QStringLiteral("Leaks: 1 finding over 3 rounds: the references to 1 object")),
            qPrintable(view.summaryText()));
    }

    void saysWhenNothingGrew()
    {
        Session session;
        QVERIFY(startFake(session, {}));
        GrowthView view;
        view.setSession(&session);
        QVERIFY(takeSnapshots(session, 3));
        QVERIFY(analyzed(view, {0, 1, 2}));
        QVERIFY(view.series());
        QVERIFY(view.series()->isEmpty());
        QCOMPARE(view.summaryText(), QStringLiteral("No growth in every round over 2 rounds."));
        QVERIFY(!view.showsTable());
        const auto* message = view.findChild<QLabel*>(QStringLiteral("growthMessage"));
        QVERIFY(message && message->isVisibleTo(&view));
        QCOMPARE(message->text(), QStringLiteral("Nothing grew in every round."));
        QCOMPARE(view.model()->rowCount(), 0);
        view.resize(700, 220);
        saveScreenshot(view, QStringLiteral("growth-nothing.png"));
    }

    void takesTheSnapshotsInOrderOfCapture()
    {
        // The session received rounds 0, 2, 1, 3: the growth takes them as captured.
        Session session;
        QVERIFY(startFake(session, {0, 2, 1, 3}));
        QVERIFY(takeSnapshots(session, 4));
        QCOMPARE(GrowthView::inCaptureOrder(session, {3, 2, 1, 0, 2}), (QList<int>{0, 2, 1, 3}));
        GrowthView view;
        view.setSession(&session);
        QVERIFY(analyzed(view, {0, 1, 2, 3}));
        QCOMPARE(view.snapshots(), (QList<int>{0, 2, 1, 3}));
        QCOMPARE(view.model()->index(0, GrowthModel::RoundsColumn).data().toString(), QStringLiteral("+1 +1 +1"));

        // Closing a snapshot of the series: the growth over those left (rounds 1..3, session 1..3 now).
        QSignalSpy ready(&view, &GrowthView::seriesReady);
        session.closeSnapshot(0);
        QVERIFY(ready.count() > 0 || ready.wait(kTimeoutMs));
        QCOMPARE(view.snapshots(), (QList<int>{1, 0, 2}));
        QCOMPARE(view.series()->rounds(), std::size_t(2));
        QCOMPARE(view.model()->index(0, GrowthModel::RoundsColumn).data().toString(), QStringLiteral("+1 +1"));
    }

    void windowShowsTheGrowthOfTheSelectedSnapshots()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, seriesSource({0, 1, 2, 3}), false));
        Session* session = window.session();
        QVERIFY(takeSnapshots(*session, 4));
        QTRY_COMPARE(session->shownIndex(), 3);

        auto* list = part<SnapshotListView>(window, "snapshotList");
        auto* dock = part<QDockWidget>(window, "growthDock");
        auto* view = part<GrowthView>(window, "growthView");
        QAction* viewAction = action(window, "actionGrowth");
        QCOMPARE(viewAction->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
        QVERIFY(viewAction->isEnabled());
        QVERIFY(!dock->isVisible());

        // One selected: the list's action is off, the menu's shows where to choose.
        list->selectionModel()->select(
            list->model()->index(1, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QVERIFY(!list->growthAction()->isEnabled());
        QSignalSpy requested(&window, &MainWindow::growthRequested);
        viewAction->trigger();
        QCOMPARE(requested.count(), 0);

        // Two or more selected: the list's action and the menu's take them.
        for (int row : {0, 2, 3})
            list->selectionModel()->select(
                list->model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(list->growthAction()->isEnabled());
        QSignalSpy ready(view, &GrowthView::seriesReady);
        list->growthAction()->trigger();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).value<QList<int>>(), (QList<int>{0, 1, 2, 3}));
        QVERIFY(ready.count() > 0 || ready.wait(kTimeoutMs));
        QVERIFY(dock->isVisible());
        QCOMPARE(view->titleText(), QStringLiteral("Growth over snapshots 1–4"));
        viewAction->trigger();
        QCOMPARE(requested.count(), 2);
        QVERIFY(ready.count() > 1 || ready.wait(kTimeoutMs));

        // A leaked object chosen: shown as a candidate would be, in the last snapshot of the series.
        session->showSnapshot(0);
        QTRY_COMPARE(session->shownIndex(), 0);
        const QModelIndex leaked = view->tree()->model()->index(0, 0);
        view->tree()->setCurrentIndex(view->tree()->model()->index(0, GrowthModel::ReprColumn, leaked));
        QTRY_COMPARE(session->shownIndex(), 3);
        const QString address = addressText(kGrowthLeak + 0x40u * kGrowthRounds);
        QTRY_VERIFY2(
            detailsView(window)->toPlainText().contains(address), qPrintable(detailsView(window)->toPlainText()));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Leak(3)")));
        // The referents tree is rooted at it.
        const ObjectIndex chosen = view->model()->objectOf(view->proxy()->mapToSource(view->tree()->currentIndex()));
        const auto* referents = static_cast<const ObjectTreeModel*>(referentsView(window)->model());
        QCOMPARE(referents->root(), std::optional<ObjectIndex>(chosen));
        saveScreenshot(window, QStringLiteral("growth-window.png"));
    }

    void windowShowsTheGrowthOfASeriesOnceComplete()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        FakeTarget* fake = runFake(window, seriesSource({}), false);
        QVERIFY(fake);
        Session* session = window.session();
        QVERIFY(takeSnapshots(*session, 1)); // of no series
        QVERIFY(!session->snapshotSeries(0).isInSeries());
        auto* view = part<GrowthView>(window, "growthView");
        QSignalSpy completed(session, &Session::seriesCompleted);
        QSignalSpy requested(&window, &MainWindow::growthRequested);
        QSignalSpy ready(view, &GrowthView::seriesReady);

        // The script's series, as leakscope.iterate() sends it: complete with its last snapshot.
        auto send = [&](quint32 id, quint32 k, quint32 length, int round) {
            const QString label
                = k == 0 ? QStringLiteral("work: warm-up") : QStringLiteral("work: round %1/%2").arg(k).arg(length - 1);
            QSignalSpy added(session, &Session::snapshotAdded);
            Q_EMIT fake->snapshotReady(
                0, label, false, takenAt(growthSpec(round), round), SeriesPosition{id, k, length});
            return added.wait(kTimeoutMs);
        };
        const quint32 length = kGrowthRounds + 1;
        for (quint32 k = 0; k < length; ++k) {
            QVERIFY(send(1, k, length, static_cast<int>(k)));
            const SeriesPosition stored = session->snapshotSeries(session->snapshotCount() - 1);
            QCOMPARE(stored.id, 1u);
            QCOMPARE(stored.index, k);
            QCOMPARE(stored.length, length);
            QCOMPARE(completed.count(), qsizetype(k + 1 < length ? 0 : 1));
        }
        QCOMPARE(completed.at(0).at(0).value<QList<int>>(), (QList<int>{1, 2, 3, 4}));
        QCOMPARE(completed.at(0).at(1).toString(), QStringLiteral("work"));
        QCOMPARE(requested.count(), 1);
        QVERIFY(ready.count() > 0 || ready.wait(kTimeoutMs));
        QVERIFY(part<QDockWidget>(window, "growthDock")->isVisible());
        QCOMPARE(view->titleText(), QStringLiteral("Growth over work"));
        QVERIFY2(view->summaryText().startsWith(QStringLiteral("Leaks: 2 findings over 3 rounds:")),
            qPrintable(view->summaryText()));
        QCOMPARE(view->snapshots(), (QList<int>{1, 2, 3, 4}));
        saveScreenshot(window, QStringLiteral("growth-series-window.png"));

        // A series whose last snapshot is stored before its first: complete once both are, in its order.
        QVERIFY(send(2, 1, 2, 1));
        QCOMPARE(completed.count(), 1);
        QVERIFY(send(2, 0, 2, 0));
        QCOMPARE(completed.count(), 2);
        QCOMPARE(completed.at(1).at(0).value<QList<int>>(), (QList<int>{6, 5}));
        QVERIFY(ready.count() > 1 || ready.wait(kTimeoutMs));
        QCOMPARE(view->snapshots(), (QList<int>{6, 5}));
        QCOMPARE(view->series()->rounds(), std::size_t(1));

        // A series that stopped early (its function raised) never completes.
        QVERIFY(send(3, 0, 3, 0));
        QVERIFY(send(3, 1, 3, 1));
        QCOMPARE(completed.count(), 2);
    }
};

QTEST_MAIN(TestGrowthView)
#include "tst_growth_view.moc"
