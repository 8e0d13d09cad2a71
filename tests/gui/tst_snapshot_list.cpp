// The snapshot list dock and its model: rows in step with the session (under QAbstractItemModelTester),
// rename with F2, close with Delete (asking for an unsaved one), Enter shows, Compare for two selected,
// Alt+7, and the toolbar's chooser following all of it.
#include "gui_test_support.h"

#include "gui/snapshot_chooser.h"
#include "gui/snapshot_list_view.h"
#include "models/snapshot_list_model.h"
#include "session/session.h"
#include "snapshot/snapshot_file.h"

#include <QtTest/QAbstractItemModelTester>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTableView>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

constexpr int kTimeoutMs = 10000;

QString writeSnapshot(const QTemporaryDir& dir, const QString& name, int suspects)
{
    test::GraphSpec spec;
    for (int k = 0; k < suspects; ++k)
        spec.objects.push_back({.type = "pkg.Leak"});
    SnapshotColumns columns = test::buildColumns(spec);
    columns.info.label = name.toStdString();
    columns.info.capturedAtMs = 1'760'000'000'000;
    const QString path = dir.filePath(name + QStringLiteral(".lssnap"));
    saveSnapshotFile(Snapshot(std::move(columns)), QFile::encodeName(path).toStdString());
    return path;
}

QStringList chooserTexts(const SnapshotChooser& chooser)
{
    QStringList texts;
    for (int k = 0; k < chooser.count(); ++k)
        texts << chooser.itemText(k);
    return texts;
}

QStringList listLabels(const QAbstractItemModel& model)
{
    QStringList labels;
    for (int row = 0; row < model.rowCount(); ++row)
        labels << model.index(row, SnapshotListModel::LabelColumn).data().toString();
    return labels;
}

} // namespace

class TestSnapshotList : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_files;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid() && m_files.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeSnapshotListTest"));
    }

    void modelAloneKeepsItsRows()
    {
        SnapshotListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.insertSnapshot(0, {QStringLiteral("b"), 0, 10, 2, {}, false, QStringLiteral("run 1")});
        model.insertSnapshot(0, {QStringLiteral("a"), 0, 5, 1, QStringLiteral("/x/a.lssnap"), true, {}});
        model.insertSnapshot(7, {QStringLiteral("bad"), 0, 0, 0, {}, false, {}}); // out of range: nothing
        QCOMPARE(listLabels(model), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(model.index(0, SnapshotListModel::FileColumn).data().toString(), QStringLiteral("a.lssnap"));
        QCOMPARE(model.index(1, SnapshotListModel::FileColumn).data().toString(), QStringLiteral("not saved"));
        QCOMPARE(model.index(1, SnapshotListModel::ObjectsColumn).data(SortRole).toULongLong(), 10ull);
        model.setShownRow(1);
        QVERIFY(model.index(1, 0).data(SnapshotListModel::IsShownRole).toBool());
        model.removeSnapshot(0);
        QCOMPARE(model.shownRow(), 0); // the same row, moved up
        QSignalSpy renamed(&model, &SnapshotListModel::renameRequested);
        QVERIFY(!model.setData(model.index(0, SnapshotListModel::ObjectsColumn), 3));
        QVERIFY(!model.setData(model.index(0, 0), QStringLiteral("   ")));
        QVERIFY(model.setData(model.index(0, 0), QStringLiteral("renamed")));
        QCOMPARE(renamed.size(), 1);
        QCOMPARE(renamed.at(0).at(1).toString(), QStringLiteral("renamed"));
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("b")); // until its owner says so
        QVERIFY(model.flags(model.index(0, 0)) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(0, 2)) & Qt::ItemIsEditable));
        // The time: the clock's alone today, with the date another day.
        const qint64 noon = QDateTime(QDate(2026, 12, 5), QTime(12, 0)).toMSecsSinceEpoch();
        QCOMPARE(SnapshotListModel::takenText(noon - 3600 * 1000, noon), QStringLiteral("11:00:00"));
        QCOMPARE(SnapshotListModel::takenText(noon - 24 * 3600 * 1000, noon), QStringLiteral("2026-12-04 12:00"));
        QVERIFY(SnapshotListModel::takenText(0, noon).isEmpty());
    }

    void listFollowsTheSessionAndTheChooserFollowsTheList()
    {
        const QStringList paths{writeSnapshot(m_files, QStringLiteral("first"), 1),
            writeSnapshot(m_files, QStringLiteral("second"), 2), writeSnapshot(m_files, QStringLiteral("third"), 3)};
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* list = part<SnapshotListView>(window, "snapshotList");
        auto* chooser = part<SnapshotChooser>(window, "snapshotChooser");
        QAbstractItemModelTester tester(list->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        Session* session = window.session();
        QSignalSpy done(session, &Session::filesOpened);
        window.openSnapshotFiles(paths);
        QVERIFY(done.wait(kTimeoutMs));
        QCOMPARE(listLabels(*list->model()),
            (QStringList{QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third")}));
        QCOMPARE(list->model()->index(2, SnapshotListModel::SuspectsColumn).data(SortRole).toULongLong(), 3ull);
        QCOMPARE(
            list->model()->index(2, SnapshotListModel::FileColumn).data().toString(), QStringLiteral("third.lssnap"));
        QVERIFY(list->model()->index(2, 0).data(SnapshotListModel::IsShownRole).toBool());
        QCOMPARE(chooser->count(), 3);

        // Alt+7 goes to the list; Enter shows the current row's snapshot.
        action(window, "actionGoToSnapshots")->trigger();
        QVERIFY(part<QDockWidget>(window, "snapshotListDock")->isVisible());
        QTRY_VERIFY(list->hasFocus());
        list->setCurrentIndex(list->model()->index(0, 0));
        QTest::keyClick(list, Qt::Key_Return);
        QCOMPARE(session->shownIndex(), 0);
        QCOMPARE(chooser->currentIndex(), 0);
        QVERIFY(list->model()->index(0, 0).data(SnapshotListModel::IsShownRole).toBool());

        // F2 renames: the session, the list and the chooser.
        list->setCurrentIndex(list->model()->index(1, SnapshotListModel::ObjectsColumn));
        QTest::keyClick(list, Qt::Key_F2);
        auto* editor = qobject_cast<QLineEdit*>(QApplication::focusWidget());
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("before the fix"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(session->snapshotLabel(1), QStringLiteral("before the fix"));
        QCOMPARE(list->model()->index(1, 0).data().toString(), QStringLiteral("before the fix"));
        QVERIFY2(chooser->itemText(1).contains(QStringLiteral("before the fix")), qPrintable(chooser->itemText(1)));

        // Two selected: Compare says which, the earlier first.
        QSignalSpy compare(&window, &MainWindow::compareRequested);
        list->selectionModel()->clearSelection();
        list->selectionModel()->select(
            list->model()->index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(!list->compareAction()->isEnabled());
        list->selectionModel()->select(
            list->model()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(list->compareAction()->isEnabled());
        list->compareAction()->trigger();
        QCOMPARE(compare.size(), 1);
        QCOMPARE(compare.at(0).at(0).toInt(), 0);
        QCOMPARE(compare.at(0).at(1).toInt(), 2);
        // View ▸ Compare Snapshots… takes the same two.
        QVERIFY(action(window, "actionCompare")->isEnabled());
        action(window, "actionCompare")->trigger();
        QCOMPARE(compare.size(), 2);
        QCOMPARE(compare.at(1).at(1).toInt(), 2);

        // Delete closes saved snapshots without asking; the chooser follows, the shown one stays.
        list->selectionModel()->clearSelection();
        list->setCurrentIndex(list->model()->index(1, 0));
        QVERIFY(!triggerAnswering(list->closeAction(), QMessageBox::Cancel));
        QCOMPARE(session->snapshotCount(), 2);
        QCOMPARE(listLabels(*list->model()), (QStringList{QStringLiteral("first"), QStringLiteral("third")}));
        QCOMPARE(chooserTexts(*chooser).size(), 2);
        QVERIFY(chooser->itemText(1).contains(QStringLiteral("third")));
        QCOMPARE(session->shownIndex(), 0);
        QCOMPARE(chooser->currentIndex(), 0);
        QVERIFY(action(window, "actionCompare")->isEnabled()); // two left
    }

    void closingAnUnsavedSnapshotAsks()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, [](const QString&) {
            test::GraphSpec spec;
            spec.objects = {{.type = "pkg.Leak"}, {.type = "pkg.Leak"}};
            return snapshotOf(spec);
        }));
        auto* list = part<SnapshotListView>(window, "snapshotList");
        auto* chooser = part<SnapshotChooser>(window, "snapshotChooser");
        QAbstractItemModelTester tester(list->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(list->model()->index(0, SnapshotListModel::FileColumn).data().toString(), QStringLiteral("not saved"));
        QVERIFY(list->model()
                    ->index(0, SnapshotListModel::OriginColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("fake.py · run 1")));
        list->setCurrentIndex(list->model()->index(0, 0));
        list->setFocus();
        // Cancel keeps it; Close Without Saving closes it, and nothing is shown then.
        QVERIFY(triggerAnswering(list->closeAction(), QMessageBox::Cancel));
        QCOMPARE(window.session()->snapshotCount(), 1);
        QVERIFY(triggerAnswering(list->closeAction(), QMessageBox::Discard));
        QCOMPARE(window.session()->snapshotCount(), 0);
        QCOMPARE(list->model()->rowCount(), 0);
        QCOMPARE(chooser->count(), 0);
        QCOMPARE(window.session()->shownIndex(), -1);
        QCOMPARE(candidatesView(window)->model()->rowCount(), 0);
        QVERIFY(!action(window, "actionSave")->isEnabled());
        QCOMPARE(window.windowTitle(), QStringLiteral("LeakScope"));
        // Back and Forward forget it.
        QVERIFY(!action(window, "actionBack")->isEnabled());
        QVERIFY(!action(window, "actionForward")->isEnabled());
    }
};

QTEST_MAIN(TestSnapshotList)
#include "tst_snapshot_list.moc"
