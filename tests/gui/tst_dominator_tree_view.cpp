// The Dominator Tree dock in the window, against a FakeTarget's synthetic heap: View ▸ Dominator Tree
// (Ctrl+Shift+D) shows it with the biggest retainer first, choosing a row (a candidate, or an object
// only reached by expanding) makes it the current object as a table row does, the details show the
// retained size, and the candidates table and the type summary have their Retained columns.

#include "gui_test_support.h"

#include "gui/dominator_tree_view.h"
#include "models/candidates_model.h"
#include "models/dominator_tree_model.h"
#include "models/type_summary_model.h"
#include "session/session.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QTreeView>

using namespace leakscope;
using namespace leakscope::guitest;
using namespace leakscope::test;

namespace {

// Candidates *; the Cache keeps the list and its two bytes alive alone:
//   0 * pkg.Cache       64 B -> 1          retains 18,064
//   1   builtins.list 10000 B -> 2, 3
//   2   builtins.bytes 5000 B (untracked)
//   3   builtins.bytes 3000 B (untracked)
//   4 * pkg.Small       32 B
//   5 * builtins.dict  100 B -> 6          retains 150
//   6   builtins.str    50 B (untracked)
GraphSpec heapSpec()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "pkg.Cache", .size = 64, .edges = {1}, .repr = "Cache()"},
        {.type = "builtins.list", .size = 10000, .edges = {2, 3}, .repr = "[b'a', b'b']"},
        {.type = "builtins.bytes", .gc = false, .size = 5000, .repr = "b'a'"},
        {.type = "builtins.bytes", .gc = false, .size = 3000, .repr = "b'b'"},
        {.type = "pkg.Small", .size = 32, .repr = "Small()"},
        {.type = "builtins.dict", .size = 100, .edges = {6}, .repr = "{'k': 's'}"},
        {.type = "builtins.str", .gc = false, .size = 50, .repr = "'s'"},
    };
    return spec;
}

} // namespace

class TestDominatorTreeView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeDominatorTreeTest"));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void biggestRetainerFirstAndChosenRowsAreGoneTo()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, heapSpec()));
        auto* dock = part<QDockWidget>(window, "dominatorTreeDock");
        auto* view = part<DominatorTreeView>(window, "dominatorTreeView");
        QTreeView* tree = view->tree();
        QAction* show = action(window, "actionDominatorTree");
        QCOMPARE(show->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
        QVERIFY(!dock->isVisible());
        QCOMPARE(view->model()->rowCount(), 0); // hidden: the tree is not read

        QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(dock->isVisible());
        QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        tester.setUseFetchMore(false); // the view fetches; a fetch of the tester's would nest in a reset
        QCOMPARE(view->model()->rowCount(), 3);
        QCOMPARE(tree->model()->index(0, DominatorTreeModel::ObjectColumn).data().toString(),
            QStringLiteral("pkg.Cache Cache()"));
        QCOMPARE(
            tree->model()->index(0, DominatorTreeModel::RetainedColumn).data().toString(), QStringLiteral("18,064"));
        QCOMPARE(tree->model()->index(1, DominatorTreeModel::ObjectColumn).data().toString(),
            QStringLiteral("builtins.dict {'k': 's'}"));
        QCOMPARE(tree->header()->sortIndicatorSection(), int(DominatorTreeModel::RetainedColumn));
        QCOMPARE(tree->header()->sortIndicatorOrder(), Qt::DescendingOrder);
        QVERIFY(view->summaryText().startsWith(QStringLiteral("7 objects")));

        // A click on a row goes to its object: the details, and the table's row where it lists it.
        const QModelIndex dict = tree->model()->index(1, 0);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(dict).center());
        QCOMPARE(view->currentObject(), std::optional<ObjectIndex>(5));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("{'k': 's'}")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Retained")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("150 bytes")));
        QTableView* table = candidatesView(window);
        QCOMPARE(table->currentIndex().data(ObjectIndexRole).value<quint32>(), 5u);

        // An object only expanding reaches: gone to, and the table (which does not list it) has no row.
        const QModelIndex cache = tree->model()->index(0, 0);
        tree->expand(cache);
        QTRY_COMPARE(tree->model()->rowCount(cache), 1);
        const QModelIndex list = tree->model()->index(0, 0, cache);
        QCOMPARE(list.data().toString(), QStringLiteral("builtins.list [b'a', b'b']"));
        QCOMPARE(list.siblingAtColumn(DominatorTreeModel::DominatedColumn).data().toString(), QStringLiteral("2"));
        tree->setFocus();
        tree->setCurrentIndex(list); // as the arrow keys move it
        QCOMPARE(view->currentObject(), std::optional<ObjectIndex>(1));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("[b'a', b'b']")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("18,000 bytes")));
        QVERIFY(!table->currentIndex().isValid());

        // Back: the dict again, and the tree selects its row.
        action(window, "actionBack")->trigger();
        QTRY_COMPARE(view->currentObject(), std::optional<ObjectIndex>(5));
        QCOMPARE(table->currentIndex().data(ObjectIndexRole).value<quint32>(), 5u);

        // Another column's header leaves the order by retained size.
        tree->header()->setSortIndicator(DominatorTreeModel::SizeColumn, Qt::AscendingOrder);
        QCOMPARE(tree->header()->sortIndicatorSection(), int(DominatorTreeModel::RetainedColumn));
        QCOMPARE(tree->model()->index(0, 0).data().toString(), QStringLiteral("pkg.Cache Cache()"));
        // Ascending on Retained: the smallest first.
        tree->sortByColumn(DominatorTreeModel::RetainedColumn, Qt::AscendingOrder);
        QCOMPARE(tree->model()->index(0, 0).data().toString(), QStringLiteral("pkg.Small Small()"));
    }

    void retainedColumnsInTheTableAndTheTypes()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, heapSpec()));
        QTableView* table = candidatesView(window);
        QCOMPARE(table->model()->headerData(CandidatesModel::RetainedColumn, Qt::Horizontal).toString(),
            QStringLiteral("Retained"));
        table->sortByColumn(CandidatesModel::RetainedColumn, Qt::DescendingOrder);
        QCOMPARE(table->model()->index(0, CandidatesModel::TypeColumn).data().toString(), QStringLiteral("pkg.Cache"));
        QCOMPARE(table->model()->index(0, CandidatesModel::RetainedColumn).data().toString(), QStringLiteral("18,064"));
        QCOMPARE(table->model()->index(0, CandidatesModel::SizeColumn).data().toString(), QStringLiteral("64"));
        QTableView* types = typesView(window);
        const int bytesRow = rowNamed(*types->model(), QStringLiteral("builtins.bytes"));
        QVERIFY(bytesRow >= 0);
        QCOMPARE(types->model()->index(bytesRow, TypeSummaryModel::RetainedColumn).data().toString(),
            QStringLiteral("8,000"));
        const int listRow = rowNamed(*types->model(), QStringLiteral("builtins.list"));
        QCOMPARE(types->model()->index(listRow, TypeSummaryModel::RetainedColumn).data().toString(),
            QStringLiteral("18,000"));
        // Retained is shown, Bytes only when the header's menu asks for it.
        QHeaderView* header = types->horizontalHeader();
        QVERIFY(!header->isSectionHidden(TypeSummaryModel::RetainedColumn));
        QVERIFY(header->isSectionHidden(TypeSummaryModel::BytesColumn));
        QAction* bytes = part<QAction>(window, "showTypesColumn2");
        QCOMPARE(bytes->text(), QStringLiteral("Bytes"));
        bytes->trigger();
        QVERIFY(!header->isSectionHidden(TypeSummaryModel::BytesColumn));
        QVERIFY(header->sectionSize(TypeSummaryModel::BytesColumn) > 0);
    }
};

QTEST_MAIN(TestDominatorTreeView)
#include "tst_dominator_tree_view.moc"
