// The main window from the keyboard and on small screens: every shortcut names a key Qt knows and
// none is taken twice; Interrupt and Terminate stop a real script from their keys; Tab walks the
// panes in order, Alt+1…Alt+6 and F6 go to them, and the pane with the focus shows it; the View menu
// brings back every dock; a first run at 1024×700, 1280×800 and 1920×1080 fits and is proportioned;
// the end-of-script capture can be cancelled from the status bar like a requested one.
#include "gui_test_support.h"

#include "gui/eliding_header_view.h"
#include "gui/main_window.h"
#include "models/type_summary_model.h"
#include "session/session.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"
#include "target/host_process_target.h"

#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtGui/QStandardItemModel>
#include <QtWidgets/QStyleOptionHeader>
#include <QtGui/QAction>
#include <QtGui/QShortcut>
#include <QtTest/QtTest>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QApplication>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QStyle>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QToolBar>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeView>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

QPlainTextEdit* outputView(const MainWindow& window) { return part<QPlainTextEdit>(window, "output"); }
QDockWidget* outputDock(const MainWindow& window) { return part<QDockWidget>(window, "outputDock"); }
QLineEdit* filterText(const MainWindow& window)
{
    return part<QWidget>(window, "filterBar")->findChild<QLineEdit*>(QStringLiteral("text"));
}

// The name a widget is known by in failure messages: its object name, else its class.
QString nameOf(const QWidget* widget)
{
    if (!widget)
        return QStringLiteral("<none>");
    return widget->objectName().isEmpty() ? QString::fromLatin1(widget->metaObject()->className()) : widget->objectName();
}

// A key that may trigger something: its sequence, who takes it, and where: null for the whole
// window, else the widget that must have the focus (or hold it, withChildren).
struct Key
{
    QKeySequence sequence;
    QString owner;
    const QWidget* scope = nullptr;
    bool withChildren = false;
};

// Two keys clash when one press could trigger both.
bool clash(const Key& a, const Key& b)
{
    if (a.sequence != b.sequence)
        return false;
    if (!a.scope || !b.scope || a.scope == b.scope)
        return true;
    return (a.withChildren && a.scope->isAncestorOf(b.scope)) || (b.withChildren && b.scope->isAncestorOf(a.scope));
}

// Every action's declared sequences, every button's shortcut (mnemonics included), every QShortcut,
// the menu bar's mnemonics and those of labels with a buddy: what a key press may trigger.
QList<Key> keysOf(const MainWindow& window)
{
    QList<Key> keys;
    auto add = [&keys](const QKeySequence& sequence, const QString& owner, Qt::ShortcutContext context, const QWidget* widget) {
        const bool windowWide = context == Qt::WindowShortcut || context == Qt::ApplicationShortcut;
        keys.append({sequence, owner, windowWide ? nullptr : widget, context == Qt::WidgetWithChildrenShortcut});
    };
    for (QAction* each : window.findChildren<QAction*>()) {
        const QWidget* widget = qobject_cast<const QWidget*>(each->parent());
        for (const QObject* object : each->associatedObjects()) {
            if (qobject_cast<const QWidget*>(object) && !qobject_cast<const QMenu*>(object))
                widget = static_cast<const QWidget*>(object);
        }
        for (const QKeySequence& sequence : each->shortcuts())
            add(sequence, QStringLiteral("action %1 (%2)").arg(each->objectName(), each->text()), each->shortcutContext(), widget);
    }
    for (QAbstractButton* button : window.findChildren<QAbstractButton*>()) {
        if (!button->shortcut().isEmpty())
            add(button->shortcut(), QStringLiteral("button %1").arg(nameOf(button)), Qt::WindowShortcut, button);
    }
    for (QShortcut* shortcut : window.findChildren<QShortcut*>()) {
        for (const QKeySequence& sequence : shortcut->keys())
            add(sequence, QStringLiteral("shortcut %1").arg(shortcut->objectName()), shortcut->context(),
                qobject_cast<const QWidget*>(shortcut->parent()));
    }
    for (QAction* menu : window.menuBar()->actions()) {
        const QKeySequence mnemonic = QKeySequence::mnemonic(menu->text());
        if (!mnemonic.isEmpty())
            add(mnemonic, QStringLiteral("menu %1").arg(menu->text()), Qt::WindowShortcut, nullptr);
    }
    for (QLabel* label : window.findChildren<QLabel*>()) {
        const QKeySequence mnemonic = QKeySequence::mnemonic(label->text());
        if (label->buddy() && !mnemonic.isEmpty())
            add(mnemonic, QStringLiteral("label %1").arg(label->text()), Qt::WindowShortcut, nullptr);
    }
    return keys;
}

// Every action a menu holds, its submenus' included.
QList<QAction*> actionsIn(const QMenu& menu)
{
    QList<QAction*> all;
    for (QAction* each : menu.actions()) {
        all << each;
        if (each->menu())
            all << actionsIn(*each->menu());
    }
    return all;
}

// The colour of the frame's left edge, halfway down, as the widget paints itself now.
QColor frameColor(QWidget& widget)
{
    return widget.grab().toImage().pixelColor(0, widget.height() / 2);
}

// A leaked pkg.Leak holding two dicts, and an object that refers to nothing and nothing refers to.
test::GraphSpec leakSpec()
{
    test::GraphSpec spec;
    spec.objects = {{.type = "pkg.Leak", .size = 64, .edges = {1, 2}},
                    {.type = "builtins.dict", .size = 184, .repr = "{'a': 1}"},
                    {.type = "builtins.dict", .size = 184, .repr = "{'b': 2}"},
                    {.type = "pkg.Other", .size = 32}};
    return spec;
}

} // namespace

// The title a section of an ElidingHeaderView paints.
class HeaderProbe : public ElidingHeaderView
{
public:
    using ElidingHeaderView::ElidingHeaderView;
    QString paintedTitle(int logicalIndex) const
    {
        QStyleOptionHeader option;
        initStyleOptionForIndex(&option, logicalIndex);
        return option.text;
    }
};

class TestWindowKeyboard : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;

    // Taken by the FakeTarget's process, whose objects can be asked about while it lives.
    static SnapshotPtr leakSnapshot()
    {
        SnapshotColumns columns = test::buildColumns(leakSpec());
        columns.info.pid = 4242;
        return std::make_shared<const Snapshot>(std::move(columns));
    }

    // The window on the leak snapshot, shown at size and active, its first suspect chosen.
    static bool showLeak(MainWindow& window, QSize size = QSize(1280, 800))
    {
        window.resize(size);
        window.show();
        if (!QTest::qWaitForWindowActive(&window))
            return false;
        const SnapshotPtr snapshot = leakSnapshot();
        if (!runFake(window, [snapshot](const QString&) { return snapshot; }, true))
            return false;
        return QTest::qWaitFor([&window] { return window.session()->isSettled() && window.session()->snapshotCount() == 1; });
    }

    // A window running script from tests/scripts in a real leakscope-host.
    static void runHost(MainWindow& window, const QString& script)
    {
        useHost(window);
        RunRequest request;
        request.script = testScript(script);
        window.runScript(request);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeKeyboardTest")); // settings and ignore rules of the test
    }

    // Each test starts as a first run: no saved layout.
    void init() { QSettings().clear(); }

    void everyShortcutIsKnownAndTakenOnce()
    {
        MainWindow window;
        const QList<Key> keys = keysOf(window);
        QVERIFY(keys.size() > 20);
        QHash<QKeySequence, QString> owners;
        for (qsizetype k = 0; k < keys.size(); ++k) {
            const Key& key = keys[k];
            QVERIFY2(!key.sequence.toString().isEmpty(), qPrintable(key.owner));
            for (int part = 0; part < key.sequence.count(); ++part)
                QVERIFY2(key.sequence[part].key() != Qt::Key_unknown, qPrintable(key.owner + u' ' + key.sequence.toString()));
            for (qsizetype other = 0; other < k; ++other) {
                QVERIFY2(!clash(keys[other], key), qPrintable(QStringLiteral("%1 is taken by %2 and %3")
                                                                 .arg(key.sequence.toString(), keys[other].owner, key.owner)));
            }
            owners.insert(key.sequence, key.owner);
        }

        // The Session menu's stops have keys every keyboard has, shown in the menu.
        QAction* interrupt = action(window, "actionInterrupt");
        QCOMPARE(interrupt->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Period));
        QVERIFY(interrupt->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Pause)));
        QAction* terminate = action(window, "actionTerminate");
        QCOMPARE(terminate->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F5));
        QVERIFY(terminate->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Pause)));
        // Every pane has its key.
        for (int pane = 1; pane <= 6; ++pane)
            QVERIFY2(owners.value(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_0 + pane))).contains(QStringLiteral("actionGoTo")),
                     qPrintable(QString::number(pane)));
        QVERIFY(owners.value(QKeySequence(Qt::Key_F6)).contains(QStringLiteral("actionNextPane")));
        QVERIFY(owners.value(QKeySequence(Qt::SHIFT | Qt::Key_F6)).contains(QStringLiteral("actionPreviousPane")));
    }

    void snapshotButtonShowsACamera()
    {
        MainWindow window;
        const QIcon icon = action(window, "actionSnapshot")->icon();
        QVERIFY(!icon.isNull());
        const QImage shown = icon.pixmap(24, 24).toImage();
        QVERIFY(!shown.isNull());
        QVERIFY(shown != window.style()->standardIcon(QStyle::SP_DialogSaveButton).pixmap(24, 24).toImage());
        // Without a theme's camera-photo, the one drawn for LeakScope, in every size drawn.
        if (QIcon::fromTheme(QStringLiteral("camera-photo")).isNull()) {
            for (const int size : {16, 24, 32, 48})
                QVERIFY2(icon.availableSizes().contains(QSize(size, size)), qPrintable(QString::number(size)));
        }
    }

    void stopKeysStopTheScript_data()
    {
        QTest::addColumn<QString>("actionName");
        QTest::addColumn<int>("shortcut"); // which of the action's sequences is pressed
        QTest::addColumn<QString>("said"); // in the output once the script has stopped
        QTest::addColumn<int>("stoppedState");
        QTest::newRow("Interrupt, Ctrl+.") << "actionInterrupt" << 0 << "Script interrupted" << int(Target::State::Finished);
        QTest::newRow("Interrupt, Ctrl+Pause") << "actionInterrupt" << 1 << "Script interrupted" << int(Target::State::Finished);
        QTest::newRow("Terminate, Shift+F5") << "actionTerminate" << 0 << "The interpreter is gone" << int(Target::State::Lost);
    }

    void stopKeysStopTheScript()
    {
        QFETCH(QString, actionName);
        QFETCH(int, shortcut);
        QFETCH(QString, said);
        QFETCH(int, stoppedState);
#if defined(__SANITIZE_THREAD__)
        // ThreadSanitizer delivers an asynchronous signal only when the thread next calls into libc,
        // and the loop, in pure bytecode, never does.
        if (actionName == QStringLiteral("actionInterrupt"))
            QSKIP("the interrupt of a pure-bytecode loop cannot be delivered under ThreadSanitizer");
#endif
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        runHost(window, QStringLiteral("host_loop.py"));
        QTRY_VERIFY2_WITH_TIMEOUT(outputView(window)->toPlainText().contains(QStringLiteral("looping")),
                                  qPrintable(outputView(window)->toPlainText()), 20000);
        QCOMPARE(window.session()->state(), Target::State::Running);

        // The loop never ends by itself: stopping at all is the key's doing.
        QAction* stop = window.findChild<QAction*>(actionName);
        QVERIFY(stop && stop->isEnabled());
        const QKeySequence key = stop->shortcuts().value(shortcut);
        QVERIFY(!key.isEmpty());
        QWidget* focused = QApplication::focusWidget() ? QApplication::focusWidget() : &window;
        QTest::keySequence(focused, key);
        QTRY_COMPARE_WITH_TIMEOUT(int(window.session()->state()), stoppedState, 10000);
        QTRY_VERIFY2(outputView(window)->toPlainText().contains(said), qPrintable(outputView(window)->toPlainText()));
        if (stoppedState == int(Target::State::Finished))
            QVERIFY(outputView(window)->toPlainText().contains(QStringLiteral("KeyboardInterrupt")));
        window.session()->terminate();
    }

    void tabWalksThePanesInOrder()
    {
        MainWindow window;
        QVERIFY(showLeak(window));
        QWidget* fetch = part<QWidget>(window, "fetchLiveRepr");
        QTRY_VERIFY(fetch->isEnabled()); // the chosen candidate's live repr can be fetched
        // The leak's snapshot brought the Suspects page forward; Alt+3 puts the table back in its tab.
        action(window, "actionGoToCandidates")->trigger();

        part<QWidget>(window, "typesView")->setFocus(Qt::OtherFocusReason);
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("typesView"));
        QStringList visited{QStringLiteral("typesView")};
        for (int press = 0; press < 60 && visited.count(QStringLiteral("typesView")) < 2; ++press) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            visited << nameOf(QApplication::focusWidget());
        }
        // Each pane in turn, each once per round: summaries, filter, candidates, object graph,
        // details and their button, output.
        const QStringList panes{QStringLiteral("typesView"), QStringLiteral("text"), QStringLiteral("candidatesView"),
                                QStringLiteral("referentsView"), QStringLiteral("details"),
                                QStringLiteral("fetchLiveRepr"), QStringLiteral("output")};
        qsizetype from = 0;
        for (const QString& pane : panes) {
            const qsizetype at = visited.indexOf(pane, from);
            QVERIFY2(at >= 0, qPrintable(QStringLiteral("%1 not reached after %2 in: %3")
                                             .arg(pane, visited.value(from - 1), visited.join(QStringLiteral(", ")))));
            from = at + 1;
        }
        QVERIFY2(visited.count(QStringLiteral("candidatesView")) == 1, qPrintable(visited.join(u',')));

        // And back with Shift+Tab, from the candidates to the filter.
        part<QWidget>(window, "candidatesView")->setFocus(Qt::OtherFocusReason);
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("candidatesView"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab, Qt::ShiftModifier);
        QWidget* before = QApplication::focusWidget();
        QVERIFY2(before && part<QWidget>(window, "filterBar")->isAncestorOf(before), qPrintable(nameOf(before)));
    }

    void paneKeysGoToTheirPanes()
    {
        MainWindow window;
        QVERIFY(showLeak(window));
        QWidget* const targets[] = {part<QWidget>(window, "typesView"),     filterText(window),
                                    part<QWidget>(window, "candidatesView"), part<QWidget>(window, "referentsView"),
                                    part<QWidget>(window, "details"),        outputView(window)};
        for (int pane = 0; pane < 6; ++pane) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key(Qt::Key_1 + pane), Qt::AltModifier);
            QTRY_COMPARE(nameOf(QApplication::focusWidget()), nameOf(targets[pane]));
        }

        // The pane with the focus shows it: its frame takes the highlight colour, and gives it back.
        QWidget* framed[] = {targets[0], targets[2], targets[3], targets[4], targets[5]};
        for (QWidget* widget : framed) {
            const QColor highlight = widget->palette().color(QPalette::Active, QPalette::Highlight);
            widget->setFocus(Qt::ShortcutFocusReason);
            QTRY_VERIFY(widget->hasFocus());
            QCOMPARE(frameColor(*widget), highlight);
            filterText(window)->setFocus(Qt::ShortcutFocusReason);
            QTRY_VERIFY(!widget->hasFocus());
            QVERIFY2(frameColor(*widget) != highlight, qPrintable(nameOf(widget)));
        }

        // F6 and Shift+F6 step through the panes, round the end.
        part<QWidget>(window, "candidatesView")->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("referentsView"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6, Qt::ShiftModifier);
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("candidatesView"));
        outputView(window)->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("typesView"));

        // With the output closed, F6 passes it over and Alt+6 brings it back.
        outputDock(window)->close();
        part<QWidget>(window, "details")->setFocus(Qt::OtherFocusReason);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("text"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_6, Qt::AltModifier);
        QTRY_VERIFY(outputDock(window)->isVisible());
        QTRY_COMPARE(nameOf(QApplication::focusWidget()), QStringLiteral("output"));
    }

    void viewMenuBringsBackEveryDock()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QList<QAction*> viewActions = actionsIn(*part<QMenu>(window, "menuView"));
        QList<QWidget*> closable;
        for (QDockWidget* dock : window.findChildren<QDockWidget*>())
            closable << dock;
        for (QToolBar* toolBar : window.findChildren<QToolBar*>())
            closable << toolBar;
        QVERIFY(closable.size() >= 2);
        for (QWidget* widget : closable) {
            QAction* toggle = qobject_cast<QDockWidget*>(widget) ? static_cast<QDockWidget*>(widget)->toggleViewAction()
                                                                 : static_cast<QToolBar*>(widget)->toggleViewAction();
            QVERIFY2(viewActions.contains(toggle), qPrintable(nameOf(widget)));
            widget->close();
            QTRY_VERIFY(!widget->isVisible());
            toggle->trigger();
            QTRY_VERIFY2(widget->isVisible(), qPrintable(nameOf(widget)));
        }

        // Reset Layout gives the output back its few lines and the panes their proportions.
        QDockWidget* dock = outputDock(window);
        const int firstDockHeight = dock->height();
        auto* mainSplitter = part<QSplitter>(window, "mainSplitter");
        const QList<int> firstWidths = mainSplitter->sizes();
        window.resizeDocks({dock}, {window.height() / 2}, Qt::Vertical);
        mainSplitter->setSizes({600, 100, 500});
        dock->close();
        QTRY_VERIFY(!dock->isVisible());
        action(window, "actionResetLayout")->trigger();
        QTRY_VERIFY(dock->isVisible());
        QTRY_VERIFY2(qAbs(dock->height() - firstDockHeight) <= 2, qPrintable(QString::number(dock->height())));
        const QList<int> widths = mainSplitter->sizes();
        for (int k = 0; k < 3; ++k)
            QVERIFY2(qAbs(widths[k] - firstWidths[k]) <= 2, qPrintable(QStringLiteral("%1 %2").arg(widths[k]).arg(firstWidths[k])));
    }

    void firstRunFitsTheScreen_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1024x700") << QSize(1024, 700);
        QTest::newRow("1280x800") << QSize(1280, 800);
        QTest::newRow("1920x1080") << QSize(1920, 1080);
    }

    void firstRunFitsTheScreen()
    {
        QFETCH(QSize, size);
        MainWindow fresh;
        const QSize least = fresh.minimumSizeHint();
        QVERIFY2(least.width() <= size.width() && least.height() <= size.height(),
                 qPrintable(QStringLiteral("%1x%2").arg(least.width()).arg(least.height())));
        QVERIFY(showLeak(fresh, size));
        QCOMPARE(fresh.size(), size);
        const QRect inside = fresh.rect();
        // Everything the user works with is in the window, not cut by its edge. The candidates table
        // shares its tabs with the Suspects page, which the leak's snapshot brought to the front.
        for (const char* name : {"filterBar", "summaries", "centralTabs", "suspectsView", "objectGraph", "details",
                                 "fetchLiveRepr", "output"}) {
            QWidget* widget = part<QWidget>(fresh, name);
            const QRect where(widget->mapTo(&fresh, QPoint(0, 0)), widget->size());
            QVERIFY2(widget->isVisible() && inside.contains(where),
                     qPrintable(QStringLiteral("%1 at %2,%3 %4x%5").arg(QLatin1String(name)).arg(where.x()).arg(where.y())
                                    .arg(where.width()).arg(where.height())));
        }
        for (QWidget* child : part<QWidget>(fresh, "filterBar")->findChildren<QWidget*>()) {
            if (child->isVisible())
                QVERIFY2(inside.contains(QRect(child->mapTo(&fresh, QPoint(0, 0)), child->size())), qPrintable(nameOf(child)));
        }
        QVERIFY(fresh.statusBar()->isVisible());

        // The output: a few lines, not a quarter of the height.
        const int line = outputView(fresh)->fontMetrics().lineSpacing();
        QVERIFY2(outputDock(fresh)->height() < size.height() / 6, qPrintable(QString::number(outputDock(fresh)->height())));
        QVERIFY2(outputView(fresh)->height() >= 3 * line, qPrintable(QString::number(outputView(fresh)->height())));
        // The summaries and the details a quarter of the width each, about (the summaries a third on
        // a small screen, room for the Types table's five columns); the candidates table above the
        // graph, taller.
        const QList<int> widths = part<QSplitter>(fresh, "mainSplitter")->sizes();
        QCOMPARE(widths.size(), 3);
        const int total = widths[0] + widths[1] + widths[2];
        QVERIFY2(widths[0] >= 320 && widths[0] * 100 <= total * 35,
                 qPrintable(QStringLiteral("summaries %1 of %2").arg(widths[0]).arg(total)));
        QVERIFY2(widths[2] >= 230 && widths[2] * 100 <= total * 30,
                 qPrintable(QStringLiteral("details %1 of %2").arg(widths[2]).arg(total)));
        QVERIFY(widths[1] > widths[0] && widths[1] > widths[2]);
        const QList<int> heights = part<QSplitter>(fresh, "centerSplitter")->sizes();
        QVERIFY2(heights[0] > heights[1] && heights[1] * 100 >= (heights[0] + heights[1]) * 35,
                 qPrintable(QStringLiteral("%1 %2").arg(heights[0]).arg(heights[1])));
    }

    // The Types table fits its pane on a first run: every column in view (no horizontal scrolling),
    // every count in full however many digits it has; a type name too long for the rest is elided,
    // with the full name in its tooltip.
    // A title too long for its section is elided at its end, within the room the section leaves;
    // Qt's own header clips it at both ends instead.
    void headerTitlesAreElided()
    {
        QStandardItemModel model(1, 2);
        model.setHorizontalHeaderLabels({QStringLiteral("Type"), QStringLiteral("Candidates")});
        QTableView view;
        auto* header = new HeaderProbe(Qt::Horizontal, &view);
        view.setHorizontalHeader(header);
        view.setModel(&model);
        view.setSortingEnabled(true);
        view.sortByColumn(1, Qt::DescendingOrder);
        header->resizeSection(1, 300);
        QCOMPARE(header->paintedTitle(1), QStringLiteral("Candidates"));
        header->resizeSection(1, 70);
        const QString elided = header->paintedTitle(1);
        QVERIFY2(elided.startsWith(QStringLiteral("Can")) && elided.endsWith(QChar(0x2026)), qPrintable(elided));
        QVERIFY(header->fontMetrics().horizontalAdvance(elided) <= header->titleRoom(1));
        // The sorted section leaves room for its arrow: less than the same section unsorted.
        const int sortedRoom = header->titleRoom(1);
        view.sortByColumn(0, Qt::DescendingOrder);
        QVERIFY(header->titleRoom(1) > sortedRoom);
    }

    void typesTableFitsItsPane_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1024x700") << QSize(1024, 700);
        QTest::newRow("1280x800") << QSize(1280, 800);
    }

    void typesTableFitsItsPane()
    {
        QFETCH(QSize, size);
        const std::string longType = "very.long.module.path.that.goes.on.ALongClassNameIndeed";
        test::GraphSpec spec;
        spec.objects = {{.type = longType, .size = 987654321},
                        {.type = "builtins.dict", .size = 123456789, .edges = {2}},
                        {.type = "builtins.list", .size = 88}};
        for (int k = 0; k < 40; ++k) // enough rows for a vertical scroll bar at these sizes
            spec.objects.push_back({.type = "pkg.Type" + std::to_string(k), .size = 1000000u + static_cast<std::uint64_t>(k)});
        MainWindow window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, spec));
        QCOMPARE(window.size(), size);

        auto* types = part<QTableView>(window, "typesView");
        QVERIFY(types->isVisible());
        QHeaderView* header = types->horizontalHeader();
        QAbstractItemModel* model = types->model();
        QCOMPARE(model->rowCount(), 43); // one row per type
        QTRY_VERIFY2(header->length() <= types->viewport()->width(),
                     qPrintable(QStringLiteral("%1 > %2").arg(header->length()).arg(types->viewport()->width())));
        QVERIFY(!types->horizontalScrollBar()->isVisible());
        const QFontMetrics metrics(types->font());
        // Bytes is hidden by default (the header's menu shows it); every other column is shown.
        QVERIFY(header->isSectionHidden(TypeSummaryModel::BytesColumn));
        for (int column = 0; column < model->columnCount(); ++column) {
            const QString name = model->headerData(column, Qt::Horizontal).toString();
            if (column == TypeSummaryModel::BytesColumn)
                continue;
            QVERIFY2(!header->isSectionHidden(column) && header->sectionSize(column) > 0, qPrintable(name));
            const int right = header->sectionViewportPosition(column) + header->sectionSize(column);
            QVERIFY2(header->sectionViewportPosition(column) >= 0 && right <= types->viewport()->width(),
                     qPrintable(QStringLiteral("%1 ends at %2 of %3").arg(name).arg(right).arg(types->viewport()->width())));
            if (column == TypeSummaryModel::TypeColumn)
                continue;
            for (int row = 0; row < model->rowCount(); ++row) { // the numbers in full
                const QString text = model->index(row, column).data().toString();
                QVERIFY2(metrics.horizontalAdvance(text) + 4 <= header->sectionSize(column),
                         qPrintable(QStringLiteral("%1: %2 in %3 px").arg(name, text).arg(header->sectionSize(column))));
            }
        }
        // The long name is cut in the cell, whole in its tooltip.
        int longRow = -1;
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, TypeSummaryModel::TypeColumn).data().toString() == QString::fromStdString(longType))
                longRow = row;
        }
        QVERIFY(longRow >= 0);
        QVERIFY(metrics.horizontalAdvance(QString::fromStdString(longType)) > header->sectionSize(TypeSummaryModel::TypeColumn));
        QCOMPARE(model->index(longRow, TypeSummaryModel::TypeColumn).data(Qt::ToolTipRole).toString(),
                 QString::fromStdString(longType));
        QCOMPARE(types->textElideMode(), Qt::ElideMiddle);
    }

    void savedLayoutComesBack()
    {
        QList<int> heights;
        {
            MainWindow window;
            window.resize(1280, 800);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* center = part<QSplitter>(window, "centerSplitter");
            center->setSizes({150, 400});
            heights = center->sizes();
            window.close(); // saves the layout
        }
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.size(), QSize(1280, 800));
        QCOMPARE(part<QSplitter>(again, "centerSplitter")->sizes(), heights);
    }

    void endOfScriptCaptureCanBeCancelled()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* cancel = part<QToolButton>(window, "cancelSnapshot");
        auto* progress = part<QProgressBar>(window, "snapshotProgress");
        QVERIFY(!cancel->isVisible());

        // While the host captures the heap the script left, Cancel is offered; the user takes it.
        const SnapshotPtr snapshot = leakSnapshot();
        bool offered = false;
        FakeTarget* fake = runFake(
            window,
            [&](const QString& label) {
                if (label == QStringLiteral("end of script")) {
                    offered = cancel->isVisible() && progress->isVisible();
                    QTest::mouseClick(cancel, Qt::LeftButton);
                }
                return snapshot;
            },
            false);
        QVERIFY(fake);
        fake->finishScript(0);
        QTRY_VERIFY(window.session()->isSettled());
        QVERIFY(offered);
        // The answer that came after is not shown, and the progress is gone.
        QCOMPARE(window.session()->snapshotCount(), 0);
        QVERIFY(!cancel->isVisible());
        QVERIFY(!progress->isVisible());
        QVERIFY(action(window, "actionSnapshot")->isEnabled()); // and another can be taken
    }

    void requestedCaptureOffersCancelUntilItArrives()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto* cancel = part<QToolButton>(window, "cancelSnapshot");
        const SnapshotPtr snapshot = leakSnapshot();
        bool offered = false;
        QVERIFY(runFake(
            window,
            [&](const QString&) {
                offered = cancel->isVisible();
                return snapshot;
            },
            false));
        QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, Qt::Key_F5);
        QTRY_COMPARE(window.session()->snapshotCount(), 1);
        QVERIFY(offered);
        QTRY_VERIFY(!cancel->isVisible());
        QTRY_VERIFY(!part<QProgressBar>(window, "snapshotProgress")->isVisible());
    }
};

QTEST_MAIN(TestWindowKeyboard)
#include "tst_window_keyboard.moc"
