// Navigation that follows the object: a tree node clicked shows its details, activated it becomes the
// current object (both trees rooted at it, its path from a root); details links and path steps go
// there too; Back and Forward (action, Alt+Left/Right, the mouse's buttons) move through the objects
// visited, across snapshots. Fetch live repr asks about the object shown, and not for another run's
// snapshot. The copy actions, and the trees' columns on small screens. Set LEAKSCOPE_SCREENSHOT=FILE.png
// to save the window with the path and the referrers.
#include "gui_test_support.h"

#include "gui/details_panel.h"
#include "gui/filter_bar.h"
#include "gui/main_window.h"
#include "models/candidates_model.h"
#include "models/item_roles.h"
#include "models/object_tree_model.h"
#include "session/session.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"
#include "target/host_process_target.h"

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QClipboard>
#include <QtGui/QTextBlock>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QTreeView>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

QAction* backAction(const MainWindow& window)
{
    return part<QAction>(window, "actionBack");
}
QAction* forwardAction(const MainWindow& window)
{
    return part<QAction>(window, "actionForward");
}
// Shows the Referrers tab: a tree fetches what it expanded only while it is visible.
QTreeView* showReferrers(const MainWindow& window)
{
    QTreeView* referrers = part<QTreeView>(window, "referrersView");
    part<QTabWidget>(window, "graphTabs")->setCurrentWidget(part<QWidget>(window, "referrersTab"));
    return referrers;
}
QPushButton* fetchButton(const MainWindow& window)
{
    return part<QPushButton>(window, "fetchLiveRepr");
}
QLabel* fetchNote(const MainWindow& window)
{
    return part<QLabel>(window, "fetchNote");
}

ObjectTreeModel* treeModel(const QTreeView* tree)
{
    return static_cast<ObjectTreeModel*>(tree->model());
}

// The object a tree is rooted at: the current object.
std::optional<ObjectIndex> rootOf(const QTreeView* tree)
{
    return treeModel(tree)->root();
}

// The child of the top row that shows object, or an invalid index.
QModelIndex childShowing(const QTreeView* tree, ObjectIndex object, const QModelIndex& parent = {})
{
    const QModelIndex under = parent.isValid() ? parent : tree->model()->index(0, 0);
    for (int row = 0; row < tree->model()->rowCount(under); ++row) {
        const QModelIndex child = tree->model()->index(row, 0, under);
        if (treeModel(tree)->objectAt(child) == object)
            return child;
    }
    return {};
}

// childShowing() once the view has fetched the children it expanded (it does so from the event loop).
QModelIndex fetchedChild(const QTreeView* tree, ObjectIndex object, const QModelIndex& parent = {})
{
    QModelIndex found;
    if (!QTest::qWaitFor([&] {
            found = childShowing(tree, object, parent);
            return found.isValid();
        }))
        qWarning("No child shows object %u", object);
    return found;
}

// The steps of the path view's list.
int pathSteps(const QTextBrowser& path)
{
    int steps = 0;
    for (QTextBlock block = path.document()->begin(); block.isValid(); block = block.next())
        steps += block.textList() ? 1 : 0;
    return steps;
}

// Once the next context menu pops up: its items' texts (mnemonics and shortcuts left out) into
// items, then triggers the one reading choose (or closes the menu when none does).
void chooseInNextMenu(QStringList* items, const QString& choose)
{
    auto* timer = new QTimer(qApp);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, items, choose] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (!menu)
            return;
        timer->deleteLater();
        QAction* chosen = nullptr;
        for (QAction* action : menu->actions()) {
            const QString text = action->text().remove(u'&').section(u'\t', 0, 0);
            if (!action->isSeparator())
                *items << text;
            if (text == choose)
                chosen = action;
        }
        menu->close();
        if (chosen)
            chosen->trigger();
    });
    timer->start();
}

// The tester re-checks a tree on every signal; it must not fetch by itself (see tst_object_tree_model).
struct Tester : QAbstractItemModelTester
{
    explicit Tester(QAbstractItemModel* model)
        : QAbstractItemModelTester(model, FailureReportingMode::QtTest)
    {
        setUseFetchMore(false);
    }
};

const std::string kLongType = "very.long.module.path.that.goes.on.and.on.AVeryLongClassNameIndeed";

// 0 app.Registry (a suspect) .items -> 1 dict ['a'] -> 2 Entry, ['b'] -> 3 Entry, both .payload -> 4 list;
// 5 a suspect of a long type holds 4 too; 6 explained: held by 0 in a C field at +136.
test::GraphSpec graph()
{
    test::GraphSpec spec;
    spec.objects = {
        {.type = "app.Registry", .size = 400, .edges = {1}, .labels = {".items"}, .repr = "<Registry 2 items>"},
        {.type = "builtins.dict",
            .refcount = 1,
            .size = 232,
            .edges = {2, 3},
            .labels = {"['a']", "['b']"},
            .repr = "{'a': <Entry a>, 'b': <Entry b>}"},
        {.type = "app.Entry", .size = 48, .edges = {4}, .labels = {".payload"}, .repr = "<Entry a>"},
        {.type = "app.Entry", .size = 48, .edges = {4}, .labels = {".payload"}, .repr = "<Entry b>"},
        {.type = "builtins.list", .refcount = 3, .size = 88, .repr = "[1, 2, 3]"},
        {.type = kLongType, .size = 300, .edges = {4}, .labels = {".shared"}},
        {.type = "app.Held", .size = 32, .repr = "<Held>"},
    };
    spec.explanations = {{6, "c-field", "in a word of app.Registry's memory", 0, 136}};
    return spec;
}

} // namespace

class TestNavigation : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;

    // Runs the demo in a real leakscope-host and waits for its snapshot to be shown.
    static void runDemo(MainWindow& window)
    {
        QVERIFY(runHostScript(window, demoScript()));
        QTRY_COMPARE(window.session()->state(), Target::State::Finished);
    }

    // Makes the candidates' row of the first object of type current, as a click would.
    static ObjectIndex chooseCandidateOfType(MainWindow& window, const QString& type)
    {
        QAbstractItemModel* candidates = candidatesView(window)->model();
        for (int row = 0; row < candidates->rowCount(); ++row) {
            if (candidates->index(row, CandidatesModel::TypeColumn).data().toString() == type) {
                candidatesView(window)->selectRow(row);
                return candidates->index(row, 0).data(ObjectIndexRole).value<quint32>();
            }
        }
        return kNoObject;
    }

    static void doubleClick(QTreeView* tree, const QModelIndex& index)
    {
        tree->scrollTo(index);
        const QPoint point = tree->visualRect(index).center();
        // A double-click comes after a click, as from a mouse.
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, point);
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, point);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeTest")); // no settings or ignore rules of the user's
    }

    void aClickPreviewsAndActivatingGoes()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        Tester referentsTester(referentsView(window)->model());
        Tester referrersTester(referrersView(window)->model());
        QVERIFY(!backAction(window)->isEnabled());
        QVERIFY(!forwardAction(window)->isEnabled());
        QVERIFY(runFake(window, graph()));

        // The first suspect, the registry, is the current object: nothing to go back to yet.
        QCOMPARE(rootOf(referentsView(window)), 0u);
        QCOMPARE(rootOf(referrersView(window)), 0u);
        QVERIFY(pathView(window)->toPlainText().contains(QStringLiteral("it is a root itself")));
        QVERIFY(!backAction(window)->isEnabled());

        // A click on its dict shows the dict's details; the trees and the path stay.
        QTreeView* referents = referentsView(window);
        const QModelIndex dict = fetchedChild(referents, 1);
        QVERIFY(dict.isValid());
        QCOMPARE(dict.siblingAtColumn(ObjectTreeModel::EdgeColumn).data().toString(), QStringLiteral(".items"));
        QTest::mouseClick(referents->viewport(), Qt::LeftButton, {}, referents->visualRect(dict).center());
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("{'a': <Entry a>")));
        QCOMPARE(rootOf(referents), 0u);
        QCOMPARE(rootOf(referrersView(window)), 0u);
        QVERIFY(!backAction(window)->isEnabled());

        // A double-click goes there: both trees rooted at the dict, who holds it, its path.
        doubleClick(referents, dict);
        QTRY_COMPARE(rootOf(referents), 1u);
        QCOMPARE(rootOf(referrersView(window)), 1u);
        QTreeView* referrers = showReferrers(window);
        QTRY_COMPARE(referrers->model()->rowCount(referrers->model()->index(0, 0)), 1);
        QVERIFY(fetchedChild(referrers, 0).isValid()); // held by the registry
        QCOMPARE(pathSteps(*pathView(window)), 2);
        QCOMPARE(linksOf(*pathView(window)), QStringList{QStringLiteral("object:0")});
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("{'a': <Entry a>")));
        // Not a candidate: no row of the table is current, so that a click on any row goes to it.
        QVERIFY(!candidatesView(window)->currentIndex().isValid());
        QVERIFY(backAction(window)->isEnabled());
        QVERIFY(!forwardAction(window)->isEnabled());

        // Enter goes to the node made current with the keyboard: an entry, three steps from its root.
        part<QTabWidget>(window, "graphTabs")->setCurrentIndex(0);
        referents->setFocus();
        referents->setCurrentIndex(fetchedChild(referents, 2));
        QTest::keyClick(referents, Qt::Key_Return);
        QTRY_COMPARE(rootOf(referents), 2u);
        QCOMPARE(pathSteps(*pathView(window)), 3);
        const QString path = pathView(window)->toPlainText();
        QVERIFY2(path.contains(QStringLiteral("app.Registry"))
                && path.contains(QStringLiteral(".items → builtins.dict"))
                && path.contains(QStringLiteral("['a'] → app.Entry")),
            qPrintable(path));
        const QString screenshot = QString::fromLocal8Bit(qgetenv("LEAKSCOPE_SCREENSHOT"));
        if (!screenshot.isEmpty()) {
            part<QTabWidget>(window, "graphTabs")->setCurrentWidget(part<QWidget>(window, "pathTab"));
            QVERIFY(window.grab().save(QString(screenshot).replace(QStringLiteral(".png"), QStringLiteral("-path.png"))));
            part<QTabWidget>(window, "graphTabs")->setCurrentIndex(0);
        }
        // Then its list, which three objects hold; the nearest root holds it directly.
        referents->setCurrentIndex(fetchedChild(referents, 4));
        QTest::keyClick(referents, Qt::Key_Return);
        QTRY_COMPARE(rootOf(referents), 4u);
        showReferrers(window);
        QTRY_COMPARE(referrers->model()->rowCount(referrers->model()->index(0, 0)), 3);
        QCOMPARE(pathSteps(*pathView(window)), 2);
        QVERIFY(pathView(window)->toPlainText().contains(QStringLiteral(".shared → builtins.list")));
        if (!screenshot.isEmpty())
            QVERIFY(window.grab().save(QString(screenshot).replace(QStringLiteral(".png"), QStringLiteral("-referrers.png"))));

        // A step of the path goes there: that root.
        part<QTabWidget>(window, "graphTabs")->setCurrentWidget(part<QWidget>(window, "pathTab"));
        const QStringList steps = linksOf(*pathView(window));
        QCOMPARE(steps, QStringList{QStringLiteral("object:5")});
        QVERIFY(clickLink(*pathView(window), steps.first()));
        QTRY_COMPARE(rootOf(referents), 5u);
        QCOMPARE(candidatesView(window)->currentIndex().data(ObjectIndexRole).value<quint32>(), 5u);

        // History: registry, dict, entry, list, its root. Back and Forward through it.
        backAction(window)->trigger();
        QCOMPARE(rootOf(referents), 4u);
        QVERIFY(!candidatesView(window)->currentIndex().isValid());
        QVERIFY(forwardAction(window)->isEnabled());
        forwardAction(window)->trigger();
        QCOMPARE(rootOf(referents), 5u);
        QVERIFY(!forwardAction(window)->isEnabled());
        // Alt+Left and Alt+Right, where the focus is.
        referents->setFocus();
        QTest::keyClick(referents, Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(rootOf(referents), 4u);
        detailsView(window)->setFocus();
        QTest::keyClick(detailsView(window), Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(rootOf(referents), 5u);
        QTest::keyClick(pathView(window), Qt::Key_Left, Qt::AltModifier);
        QCOMPARE(rootOf(referents), 4u);
        QTest::keyClick(pathView(window), Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(rootOf(referents), 5u);
        // The mouse's back and forward buttons, over any part of the window.
        QTest::mouseClick(candidatesView(window)->viewport(), Qt::BackButton, {}, QPoint(10, 10));
        QCOMPARE(rootOf(referents), 4u);
        QTest::mouseClick(referrers->viewport(), Qt::BackButton, {}, QPoint(10, 10));
        QCOMPARE(rootOf(referents), 2u);
        QTest::mouseClick(detailsView(window)->viewport(), Qt::ForwardButton, {}, QPoint(10, 10));
        QCOMPARE(rootOf(referents), 4u);
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("[1, 2, 3]")));

        // Back to the registry: a listed candidate, its row current again.
        for (int k = 0; k < 3; ++k)
            backAction(window)->trigger();
        QCOMPARE(rootOf(referents), 0u);
        QVERIFY(!backAction(window)->isEnabled());
        QCOMPARE(candidatesView(window)->currentIndex().data(ObjectIndexRole).value<quint32>(), 0u);

        // Choosing a row is a visit too: it drops the way forward.
        QVERIFY(forwardAction(window)->isEnabled());
        QCOMPARE(chooseCandidateOfType(window, QString::fromStdString(kLongType)), 5u);
        QCOMPARE(rootOf(referents), 5u);
        QVERIFY(!forwardAction(window)->isEnabled());
        backAction(window)->trigger();
        QCOMPARE(rootOf(referents), 0u);
        QCOMPARE(candidatesView(window)->currentIndex().data(ObjectIndexRole).value<quint32>(), 0u);
    }

    void detailsLinksGoToTheHolder()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(runFake(window, graph()));
        filterBar(window)->setShowExplained(true);
        QCOMPARE(chooseCandidateOfType(window, QStringLiteral("app.Held")), 6u);
        QTRY_COMPARE(rootOf(referentsView(window)), 6u);
        // The offset as everywhere: decimal, then hex.
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("held by app.Registry at 0x7f0000001000 +136 (0x88)")),
            qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Field +136 (0x88) of this app.Registry holds 1 object")),
            qPrintable(details));
        QVERIFY(clickLink(*detailsView(window), QStringLiteral("object:0")));
        QTRY_COMPARE(rootOf(referentsView(window)), 0u);
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("<Registry 2 items>")));
        QCOMPARE(candidatesView(window)->currentIndex().data(ObjectIndexRole).value<quint32>(), 0u);
        backAction(window)->trigger();
        QCOMPARE(rootOf(referentsView(window)), 6u);
        QCOMPARE(candidatesView(window)->currentIndex().data(ObjectIndexRole).value<quint32>(), 6u);
    }

    void copyTheObject()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(runFake(window, graph()));
        QClipboard* clipboard = QGuiApplication::clipboard();
        const QString registry = QStringLiteral("0x7f0000001000 app.Registry <Registry 2 items>");
        const QString dict = QStringLiteral("0x7f0000001040 builtins.dict {'a': <Entry a>, 'b': <Entry b>}");

        // Ctrl+C in the table copies its row's line; its context actions copy the rest. The table in
        // front of the Suspects page first, as Alt+3 brings it.
        action(window, "actionGoToCandidates")->trigger();
        candidatesView(window)->setFocus();
        QTest::keyClick(candidatesView(window), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(clipboard->text(), registry);
        part<QAction>(*candidatesView(window), "copyAddress")->trigger();
        QCOMPARE(clipboard->text(), QStringLiteral("0x7f0000001000"));

        // In a tree, the node made current.
        QTreeView* referents = referentsView(window);
        referents->setFocus();
        referents->setCurrentIndex(fetchedChild(referents, 1));
        QTest::keyClick(referents, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(clipboard->text(), dict);
        part<QAction>(*referents, "copyRepr")->trigger();
        QCOMPARE(clipboard->text(), QStringLiteral("{'a': <Entry a>, 'b': <Entry b>}"));
        part<QAction>(*referents, "copyPath")->trigger();
        QCOMPARE(clipboard->text(), registry + QStringLiteral("\n  .items \u2192 ") + dict);

        // The tree's context menu: go to the node, copy it, or export the graph around it.
        QStringList items;
        chooseInNextMenu(&items, QStringLiteral("Copy Address"));
        Q_EMIT referents->customContextMenuRequested(referents->visualRect(childShowing(referents, 1)).center());
        QCOMPARE(items, (QStringList{QStringLiteral("Go to Object"), QStringLiteral("Copy Object"),
                                     QStringLiteral("Copy Address"), QStringLiteral("Copy Repr"),
                                     QStringLiteral("Copy Path from a Root"),
                                     QStringLiteral("Export Graph Around Object…")}));
        QCOMPARE(clipboard->text(), QStringLiteral("0x7f0000001040"));
        items.clear();
        chooseInNextMenu(&items, QStringLiteral("Go to Object"));
        Q_EMIT referents->customContextMenuRequested(referents->visualRect(childShowing(referents, 1)).center());
        QTRY_COMPARE(rootOf(referents), 1u);

        // The path's: a step's, and the whole path.
        part<QTabWidget>(window, "graphTabs")->setCurrentWidget(part<QWidget>(window, "pathTab"));
        QTextBrowser* path = pathView(window);
        QTextCursor step = path->document()->find(QStringLiteral("app.Registry"));
        QVERIFY(!step.isNull());
        step.setPosition(step.selectionStart() + 1);
        const QPoint onStep = path->cursorRect(step).center();
        QCOMPARE(path->anchorAt(onStep), QStringLiteral("object:0"));
        items.clear();
        chooseInNextMenu(&items, QStringLiteral("Copy Object"));
        Q_EMIT path->customContextMenuRequested(onStep);
        QVERIFY2(items.mid(0, 5) == (QStringList{QStringLiteral("Go to Object"), QStringLiteral("Copy Object"),
                                                 QStringLiteral("Copy Address"), QStringLiteral("Copy Repr"),
                                                 QStringLiteral("Copy Path from a Root")}),
                 qPrintable(items.join(u',')));
        QCOMPARE(clipboard->text(), registry);
        items.clear();
        chooseInNextMenu(&items, QStringLiteral("Copy Path from a Root"));
        Q_EMIT path->customContextMenuRequested(onStep);
        QCOMPARE(clipboard->text(), registry + QStringLiteral("\n  .items \u2192 ") + dict);
        part<QTabWidget>(window, "graphTabs")->setCurrentIndex(0);
        backAction(window)->trigger();
        QCOMPARE(rootOf(referents), 0u);

        // The path from the root nearest to the shared list: one step a line.
        referents->expand(fetchedChild(referents, 1));
        const QModelIndex entry = fetchedChild(referents, 2, fetchedChild(referents, 1));
        referents->expand(entry);
        const QModelIndex list = fetchedChild(referents, 4, entry);
        QVERIFY(list.isValid());
        referents->setCurrentIndex(list);
        part<QAction>(*referents, "copyPath")->trigger();
        QCOMPARE(clipboard->text(),
            QStringLiteral("0x7f0000001140 %1 <%1 at 0x7f0000001140>\n  .shared \u2192 "
                           "0x7f0000001100 builtins.list [1, 2, 3]")
                .arg(QString::fromStdString(kLongType)));
    }

    void treeColumnsOnSmallScreens_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1280x800") << QSize(1280, 800);
        QTest::newRow("1024x700") << QSize(1024, 700);
    }

    void treeColumnsOnSmallScreens()
    {
        QFETCH(QSize, size);
        MainWindow window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Tester referrersTester(referrersView(window)->model());
        QVERIFY(runFake(window, graph()));
        QCOMPARE(chooseCandidateOfType(window, QString::fromStdString(kLongType)), 5u);
        QTreeView* referents = referentsView(window);
        const QModelIndex list = fetchedChild(referents, 4);
        QVERIFY(list.isValid());
        doubleClick(referents, list);
        QTRY_COMPARE(rootOf(referents), 4u);

        // The long class's name is cut in the middle in its cell, whole in its tooltip.
        QTreeView* referrers = showReferrers(window);
        QTRY_COMPARE(referrers->model()->rowCount(referrers->model()->index(0, 0)), 3);
        const QModelIndex holder = fetchedChild(referrers, 5);
        const QString shown = holder.data().toString();
        QVERIFY2(shown.contains(QChar(0x2026)) && shown.contains(QStringLiteral("AVeryLongClassNameIndeed"))
                && !shown.contains(QString::fromStdString(kLongType)),
            qPrintable(shown));
        QVERIFY(holder.data(Qt::ToolTipRole).toString().contains(QString::fromStdString(kLongType)));

        // The Object column can be sized, is never squeezed to a few letters, and the others stay
        // readable: the tree scrolls sideways when they do not fit.
        for (QTreeView* tree : {referents, referrers}) {
            QHeaderView* header = tree->header();
            QCOMPARE(header->sectionResizeMode(ObjectTreeModel::ObjectColumn), QHeaderView::Interactive);
            const int average = tree->fontMetrics().averageCharWidth();
            QVERIFY2(header->sectionSize(ObjectTreeModel::ObjectColumn) >= 20 * average,
                qPrintable(QString::number(header->sectionSize(ObjectTreeModel::ObjectColumn))));
            // More than half the view: in a narrow one the numbers scroll away, not the object.
            QVERIFY2(header->sectionSize(ObjectTreeModel::ObjectColumn) > tree->viewport()->width() / 2,
                     qPrintable(QStringLiteral("%1 of %2").arg(header->sectionSize(ObjectTreeModel::ObjectColumn))
                                    .arg(tree->viewport()->width())));
            for (int column = ObjectTreeModel::SizeColumn; column < ObjectTreeModel::ColumnCount; ++column) {
                const QString title = tree->model()->headerData(column, Qt::Horizontal).toString();
                QVERIFY2(
                    header->sectionSize(column) >= tree->fontMetrics().horizontalAdvance(title), qPrintable(title));
            }
            if (header->length() > tree->viewport()->width())
                QVERIFY(tree->horizontalScrollBar()->maximum() > 0);
            else
                QCOMPARE(header->length(), tree->viewport()->width()); // the Object column takes the room
        }

        // The user's width for the Object column stays through a resize of the window.
        referents->header()->resizeSection(ObjectTreeModel::ObjectColumn, 222);
        window.resize(size + QSize(100, 0));
        QTRY_COMPARE(window.size(), size + QSize(100, 0));
        QCOMPARE(referents->header()->sectionSize(ObjectTreeModel::ObjectColumn), 222);

        // The details scroll when they do not fit.
        QTextBrowser* details = detailsView(window);
        QVERIFY(details->verticalScrollBarPolicy() != Qt::ScrollBarAlwaysOff);
        if (details->document()->size().height() > details->viewport()->height())
            QVERIFY(details->verticalScrollBar()->maximum() > 0);
    }

    // Fetch live repr of a node previewed in a tree asks about that node, with its snapshot's type;
    // once the interpreter is gone it is disabled and says why.
    void fetchAsksAboutTheNodeShown()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        FakeTarget* fake = runFake(window, graph());
        QVERIFY(fake);
        LiveObject answer;
        answer.found = true;
        answer.repr = QStringLiteral("{'a': 1}");
        answer.typeName = QStringLiteral("builtins.dict");
        fake->setDescription(answer);
        QTreeView* referents = referentsView(window);
        referents->setCurrentIndex(fetchedChild(referents, 1)); // the registry's dict, previewed
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("{'a': <Entry a>")));
        QCOMPARE(rootOf(referents), 0u);
        QVERIFY(fetchButton(window)->isEnabled());

        // Asked first; cancelled, nothing is asked.
        QSignalSpy described(window.session(), &Session::objectDescribed);
        auto* timer = new QTimer(this);
        timer->setInterval(10);
        connect(timer, &QTimer::timeout, timer, [timer] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                box->button(QMessageBox::Cancel)->click();
                timer->deleteLater();
            }
        });
        timer->start();
        fetchButton(window)->click();
        QVERIFY(fake->describedTypeName().isEmpty());

        answerYesToNextMessageBox();
        fetchButton(window)->click();
        QVERIFY(described.wait());
        QCOMPARE(described.size(), 1);
        const Snapshot& s = window.session()->shownSnapshot()->snapshot();
        QCOMPARE(described.first().first().value<LiveObject>().address, s.address(1));
        QCOMPARE(fake->describedTypeName(), QStringLiteral("builtins.dict"));
        QCOMPARE(fake->describedTypeAddress(), s.type(s.typeOf(1)).address);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Live repr of the builtins.dict at 0x7f0000001040")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("{'a': 1}")));

        // The interpreter gone: nothing to ask any more.
        fake->crash(QStringLiteral("killed"));
        QTRY_VERIFY(!fetchButton(window)->isEnabled());
        QVERIFY(fetchNote(window)->isVisible());
        QVERIFY2(fetchNote(window)->text().contains(QStringLiteral("is gone")), qPrintable(fetchNote(window)->text()));
        QVERIFY(!fetchNote(window)->text().contains(QStringLiteral("earlier run")));
    }

    // With the real host: Fetch live repr asks about the node shown, not the table's row; Back goes
    // to another snapshot; an earlier run's snapshot cannot be asked about.
    void fetchAsksAboutTheObjectShown()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        runDemo(window);
        const ObjectIndex request = chooseCandidateOfType(window, QStringLiteral("__main__.Request"));
        QVERIFY(request != kNoObject);
        QTRY_COMPARE(rootOf(referentsView(window)), request);
        const AnalyzedSnapshotPtr first = window.session()->shownSnapshot();
        const Snapshot& s = first->snapshot();

        // Its headers dict, clicked: shown, and asked about.
        QTreeView* referents = referentsView(window);
        QTRY_VERIFY(referents->model()->rowCount(referents->model()->index(0, 0)) >= 3);
        QModelIndex headers;
        for (int row = 0; row < referents->model()->rowCount(referents->model()->index(0, 0)); ++row) {
            const QModelIndex child = referents->model()->index(row, 0, referents->model()->index(0, 0));
            if (child.siblingAtColumn(ObjectTreeModel::EdgeColumn).data().toString() == QStringLiteral(".headers"))
                headers = child;
        }
        QVERIFY(headers.isValid());
        const ObjectIndex dict = *treeModel(referents)->objectAt(headers);
        QTest::mouseClick(referents->viewport(), Qt::LeftButton, {}, referents->visualRect(headers).center());
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("'host': 'example.org'")));
        QTRY_VERIFY(fetchButton(window)->isEnabled());
        QVERIFY(!fetchNote(window)->isVisible());
        QSignalSpy described(window.session(), &Session::objectDescribed);
        answerYesToNextMessageBox();
        fetchButton(window)->click();
        QVERIFY(described.wait(20000));
        const auto live = described.first().first().value<LiveObject>();
        QCOMPARE(live.address, s.address(dict));
        QVERIFY(live.found);
        QCOMPARE(live.typeName, QStringLiteral("builtins.dict")); // the node's, not the Request's
        QVERIFY2(live.repr.contains(QStringLiteral("'host': 'example.org'")), qPrintable(live.repr));
        QVERIFY(live.attributes.contains(QStringLiteral("keys"))); // a dict's
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Live repr of the builtins.dict at ")));

        // A second run: its snapshot is shown, and Back goes to the first run's snapshot.
        runDemo(window);
        QCOMPARE(window.session()->snapshotCount(), 2);
        QTRY_VERIFY(fetchButton(window)->isEnabled());
        QVERIFY(backAction(window)->isEnabled());
        backAction(window)->trigger();
        QCOMPARE(window.session()->shownIndex(), 0);
        QCOMPARE(rootOf(referents), request);
        QCOMPARE(treeModel(referents)->analyzedSnapshot()->snapshotPtr(), first->snapshotPtr());
        // Its process is gone: nothing to ask, and the panel says why.
        QVERIFY(!fetchButton(window)->isEnabled());
        QVERIFY(fetchNote(window)->isVisible());
        QVERIFY2(fetchNote(window)->text().contains(
                     QStringLiteral("This snapshot comes from an earlier run: its process is gone")),
            qPrintable(fetchNote(window)->text()));
        QCOMPARE(fetchButton(window)->toolTip(), fetchNote(window)->text());
        forwardAction(window)->trigger();
        QCOMPARE(window.session()->shownIndex(), 1);
        QVERIFY(fetchButton(window)->isEnabled());
        QVERIFY(!fetchNote(window)->isVisible());
    }

};

QTEST_MAIN(TestNavigation)
#include "tst_navigation.moc"
