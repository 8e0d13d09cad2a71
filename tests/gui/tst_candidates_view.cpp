// The candidates table as a user drives it, offscreen, on the hand-built heap of the model tests: the
// All objects mode and its toggles, the current row following its object through sorts, filters,
// modes and new analyses, the line over an empty table, the filter bar's error and size boxes, the
// keyboard in the summaries, and where the keyboard focus shows.

#include "gui/candidates_view.h"
#include "gui/filter_bar.h"
#include "gui/summaries_panel.h"
#include "models/candidates_filter_proxy.h"
#include "models/type_summary_model.h"
#include "models/models_fixture.h"

#include <QtGui/QAction>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QApplication>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QTableView>
#include <QtWidgets/QVBoxLayout>

#include <memory>

using namespace leakscope;
using namespace leakscope::test;

namespace {

using Objects = std::vector<ObjectIndex>;
using C = CandidatesModel;
using Mode = CandidatesModel::ListMode;

// A window holding a filter bar over a candidates table, as the main window lays them out.
struct Page
{
    QWidget window;
    FilterBar* bar;
    CandidatesView* view;
    std::unique_ptr<QAbstractItemModelTester> modelTester;
    std::unique_ptr<QAbstractItemModelTester> proxyTester;

    Page()
        : bar(new FilterBar(&window))
        , view(new CandidatesView(&window))
    {
        auto* layout = new QVBoxLayout(&window);
        layout->addWidget(bar);
        layout->addWidget(view);
        view->setFilterBar(bar);
        constexpr auto kQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;
        modelTester = std::make_unique<QAbstractItemModelTester>(view->candidates(), kQtTest);
        proxyTester = std::make_unique<QAbstractItemModelTester>(view->proxy(), kQtTest);
        window.resize(900, 400);
    }

    template<typename T>
    T* child(const char* name) const
    {
        return window.findChild<T*>(QString::fromLatin1(name));
    }
    Objects rows() const { return objectsOf(*view->proxy()); }
    QLabel* hint() const { return child<QLabel>("emptyTableHint"); }
    bool show()
    {
        window.show();
        return QTest::qWaitForWindowActive(&window);
    }
};

QChar mnemonicOf(const QString& text)
{
    for (qsizetype k = 0; k + 1 < text.size(); ++k) {
        if (text[k] != u'&')
            continue;
        if (text[k + 1] != u'&')
            return text[k + 1].toUpper();
        ++k;
    }
    return {};
}

} // namespace

class TestCandidatesView : public QObject
{
    Q_OBJECT

private:
    static void addPaths()
    {
        QTest::addColumn<int>("incrementalLimit");
        QTest::newRow("incremental") << CandidatesFilterProxy::kDefaultIncrementalFilterLimit;
        QTest::newRow("layout change") << 0;
    }

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    // The All objects box, the action and setListMode() agree; "show explained" does not apply there.
    void allObjectsMode()
    {
        Page page;
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        auto* box = page.child<QCheckBox>("objectsMode");
        auto* showExplained = page.child<QCheckBox>("showExplained");
        QVERIFY(box && showExplained);
        QCOMPARE(page.view->listMode(), Mode::Candidates);
        QCOMPARE(page.view->proxy()->rowCount(), 5);
        QVERIFY(showExplained->isEnabled());

        QSignalSpy changes(page.view, &CandidatesView::listModeChanged);
        box->click();
        QCOMPARE(page.view->listMode(), Mode::AllObjects);
        QCOMPARE(changes.count(), 1);
        QCOMPARE(changes.last().at(0).value<Mode>(), Mode::AllObjects);
        QCOMPARE(page.view->proxy()->rowCount(), 10);
        QVERIFY(page.bar->allObjectsAction()->isChecked());
        QVERIFY(!showExplained->isEnabled());
        QVERIFY(showExplained->toolTip().contains(QStringLiteral("All objects")));

        page.bar->allObjectsAction()->trigger();
        QCOMPARE(page.view->listMode(), Mode::Candidates);
        QVERIFY(!box->isChecked());
        QCOMPARE(page.view->proxy()->rowCount(), 5);
        QCOMPARE(changes.count(), 2);

        page.view->setListMode(Mode::AllObjects);
        QVERIFY(box->isChecked());
        QCOMPARE(page.bar->listMode(), Mode::AllObjects);
        QCOMPARE(changes.count(), 3);
        page.view->setListMode(Mode::AllObjects);
        QCOMPARE(changes.count(), 3);

        // Ctrl+Shift+A wherever the focus is in the window.
        QVERIFY(page.show());
        page.view->setFocus();
        QTest::keyClick(page.view, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(page.view->listMode(), Mode::Candidates);
        QCOMPARE(page.bar->allObjectsAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+A")));
    }

    // The current row stays on its object through sorts and filter changes, is left empty while the
    // object is filtered out, and comes back with it.
    void currentRowFollowsItsObject_data() { addPaths(); }
    void currentRowFollowsItsObject()
    {
        QFETCH(int, incrementalLimit);
        Page page;
        page.view->proxy()->setIncrementalFilterLimit(incrementalLimit);
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        QVERIFY(page.view->selectObject(2));
        QSignalSpy changes(page.view, &CandidatesView::currentObjectChanged);
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(2));

        page.view->sortByColumn(C::TypeColumn, Qt::AscendingOrder);
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(2));
        page.view->sortByColumn(C::SizeColumn, Qt::DescendingOrder);
        page.view->chooseTypes({Leaky, Dict});
        QCOMPARE(page.rows(), (Objects{0, 2}));
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(2));
        QCOMPARE(page.view->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(changes.count(), 0);

        // Filtered out: no row is current (not a neighbour), and the change is announced once.
        page.view->chooseTypes({Dict});
        QCOMPARE(page.rows(), (Objects{0}));
        QCOMPARE(page.view->currentObject(), std::nullopt);
        QVERIFY(!page.view->selectionModel()->hasSelection());
        QCOMPARE(changes.count(), 1);
        // Listed again: current again.
        page.view->chooseTypes({});
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(2));
        QCOMPARE(changes.count(), 2);
        QVERIFY(page.view->selectionModel()->isRowSelected(page.view->currentIndex().row(), {}));

        // Through the list modes: the candidate stays current; an object that is no candidate is not
        // listed with the candidates, and is current again with all objects.
        page.view->setListMode(Mode::AllObjects);
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(2));
        QVERIFY(page.view->selectObject(8));
        page.view->setListMode(Mode::Candidates);
        QCOMPARE(page.view->currentObject(), std::nullopt);
        page.view->setListMode(Mode::AllObjects);
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(8));
        // A row the user makes current is the one followed from then on.
        page.view->setCurrentIndex(page.view->proxy()->index(rowOf(*page.view->proxy(), 4), 0));
        page.bar->setMinimumSize(100);
        QCOMPARE(page.view->currentObject(), std::nullopt);
        page.bar->setMinimumSize(0);
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(4));
    }

    // What the window does after a new analysis: the current object stays current when the same
    // snapshot is analysed again and still lists it, and selectObject() finds it.
    void currentObjectAfterANewAnalysis()
    {
        Page page;
        const SnapshotPtr snapshot = fixtureSnapshot();
        page.view->setAnalysis(analyzeSnapshot(snapshot));
        QVERIFY(page.view->selectObject(9));
        QSignalSpy changes(page.view, &CandidatesView::currentObjectChanged);

        // Other rules that keep it a suspect: still current, announced again (its facts may differ).
        page.view->setAnalysis(analyzeSnapshot(snapshot, fixtureRules("type ext.Leaky")));
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(9));
        QCOMPARE(changes.count(), 1);
        QVERIFY(page.view->selectObject(9));
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(9));
        QVERIFY(!page.view->selectObject(2)); // ignored now: not listed
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(9));

        // Rules that ignore it: not listed, so nothing is current; listed again with the explained
        // candidates, it is current again.
        page.view->setAnalysis(analyzeSnapshot(snapshot, fixtureRules("type builtins.bytes")));
        QCOMPARE(page.view->currentObject(), std::nullopt);
        QVERIFY(!page.view->selectObject(9));
        page.bar->setShowExplained(true);
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(9));

        // Another snapshot: its object 9 is another object, so nothing is current until chosen.
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        QCOMPARE(page.view->currentObject(), std::nullopt);
        QVERIFY(page.view->selectObject(9));
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(9));
        QVERIFY(page.view->selectFirst());
        QCOMPARE(page.view->currentObject(), std::optional<ObjectIndex>(3)); // the biggest
    }

    // The line over an empty table names the filter that empties it and how to undo it.
    void emptyTableSaysWhy()
    {
        Page page;
        QVERIFY(page.show());
        QVERIFY(page.hint());
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot(), fixtureRules("type *")));
        QCOMPARE(page.view->proxy()->rowCount(), 0);
        QTRY_VERIFY(page.hint()->isVisible());
        QCOMPARE(page.hint()->text(),
                 QStringLiteral("0 suspects — 7 explained or ignored candidates: tick Show explained"));
        QCOMPARE(page.view->emptyTableHint(), page.hint()->text());

        page.bar->setShowExplained(true);
        QTRY_VERIFY(!page.hint()->isVisible());
        QCOMPARE(page.view->emptyTableHint(), QString());

        // A text nothing matches; Esc in the table clears it.
        auto* text = page.child<QLineEdit>("text");
        text->setText(QStringLiteral("zzz"));
        QTest::keyClick(text, Qt::Key_Return);
        QTRY_VERIFY(page.hint()->isVisible());
        QCOMPARE(page.hint()->text(), QStringLiteral("No candidate matches the filter “zzz” — clear it (Esc)"));
        QTest::keyClick(page.view, Qt::Key_Escape);
        QCOMPARE(text->text(), QString());
        QCOMPARE(page.view->proxy()->rowCount(), 7);
        QTRY_VERIFY(!page.hint()->isVisible());

        page.bar->setMinimumSize(2 * 1024 * 1024);
        QTRY_COMPARE(page.hint()->text(), QStringLiteral("No candidate of at least 2 MiB — lower Min size"));
        page.bar->setMinimumSize(2000000);
        QTRY_COMPARE(page.hint()->text(), QStringLiteral("No candidate of at least 2000000 bytes — lower Min size"));
        page.bar->setMinimumSize(0);

        page.view->chooseTypes({Int}); // the int is no candidate
        QTRY_COMPARE(page.hint()->text(),
                     QStringLiteral("No candidate of the chosen types — the types button clears the choice"));
        page.view->setListMode(Mode::AllObjects);
        QTRY_VERIFY(!page.hint()->isVisible());
        text->setText(QStringLiteral("zzz"));
        QTest::keyClick(text, Qt::Key_Return);
        QTRY_COMPARE(page.hint()->text(), QStringLiteral("No object matches the filter “zzz” — clear it (Esc)"));
        // Esc in the filter box clears it too.
        QTest::keyClick(text, Qt::Key_Escape);
        QCOMPARE(text->text(), QString());
        QTRY_VERIFY(!page.hint()->isVisible());

        // Two filters that each leave rows but nothing together.
        page.view->chooseTypes({Str});
        page.bar->setMinimumSize(61);
        QTRY_COMPARE(page.hint()->text(), QStringLiteral("No object of at least 61 bytes — lower Min size"));
        page.view->chooseTypes({});
        page.bar->setMinimumSize(0);

        // No snapshot: nothing to say.
        page.view->setAnalysis(nullptr);
        QTRY_VERIFY(!page.hint()->isVisible());
        QCOMPARE(page.view->emptyTableHint(), QString());
    }

    // A regular expression that does not compile says why beside the box, and over the table.
    void badRegexSaysWhy()
    {
        Page page;
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        QVERIFY(page.show());
        auto* text = page.child<QLineEdit>("text");
        auto* error = page.child<QLabel>("textError");
        QVERIFY(text && error);
        QVERIFY(!error->isVisible());
        page.bar->setRegex(true);
        text->setText(QStringLiteral("le(aky"));
        QTest::keyClick(text, Qt::Key_Return);
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().startsWith(QStringLiteral("Invalid: ")), qPrintable(error->text()));
        QCOMPARE(error->toolTip(), page.view->proxy()->filterErrorString());
        QVERIFY(!error->toolTip().isEmpty());
        QTRY_VERIFY(page.hint()->isVisible());
        QVERIFY(page.hint()->text().startsWith(QStringLiteral("The regular expression cannot be used: ")));
        text->setText(QStringLiteral("le.ky"));
        QTest::keyClick(text, Qt::Key_Return);
        QVERIFY(!error->isVisible());
        QCOMPARE(page.rows(), (Objects{0, 2}));
    }

    // The size box reads units; what it cannot read shows as such and the last size still applies.
    void minimumSizeBox()
    {
        Page page;
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        auto* box = page.child<QLineEdit>("minimumSize");
        QVERIFY(box);
        box->setText(QStringLiteral("1k"));
        QVERIFY(box->styleSheet().isEmpty());
        Q_EMIT box->editingFinished();
        QCOMPARE(page.view->proxy()->minimumSize(), 1024u);
        QCOMPARE(page.bar->minimumSize(), 1024);
        QCOMPARE(page.rows(), (Objects{3, 9}));
        // Applied once typing pauses, without Enter.
        box->setText(QStringLiteral("1.5M"));
        QTRY_COMPARE(page.view->proxy()->minimumSize(), 1572864u);
        box->setText(QStringLiteral("2 MiB"));
        Q_EMIT box->editingFinished();
        QCOMPARE(page.view->proxy()->minimumSize(), 2097152u);

        box->setText(QStringLiteral("12 parsecs"));
        QVERIFY(!page.bar->isMinimumSizeValid());
        QVERIFY(!box->styleSheet().isEmpty());
        Q_EMIT box->editingFinished();
        QCOMPARE(page.view->proxy()->minimumSize(), 2097152u);
        QCOMPARE(page.bar->minimumSize(), 2097152);
        QVERIFY(box->toolTip().startsWith(QStringLiteral("Not a size")));
        box->setText(QStringLiteral("4096"));
        Q_EMIT box->editingFinished();
        QVERIFY(box->styleSheet().isEmpty());
        QCOMPARE(page.view->proxy()->minimumSize(), 4096u);

        page.bar->setMinimumSize(3 * 1024 * 1024);
        QCOMPARE(box->text(), QStringLiteral("3 MiB"));
        QCOMPARE(page.view->proxy()->minimumSize(), 3145728u);
        page.bar->setMinimumSize(0);
        QCOMPARE(box->text(), QString());
        QCOMPARE(page.view->proxy()->minimumSize(), 0u);
    }

    void filterBarMnemonicsAreUnique()
    {
        FilterBar bar;
        QMultiMap<QChar, QString> mnemonics;
        for (const QLabel* label : bar.findChildren<QLabel*>()) {
            if (const QChar key = mnemonicOf(label->text()); !key.isNull() && label->buddy())
                mnemonics.insert(key, label->text());
        }
        for (const QAbstractButton* button : bar.findChildren<QAbstractButton*>()) {
            if (const QChar key = mnemonicOf(button->text()); !key.isNull())
                mnemonics.insert(key, button->text());
        }
        QCOMPARE(mnemonics.size(), 4); // Regex, Min size, Show explained, All objects
        for (const QChar key : mnemonics.uniqueKeys())
            QVERIFY2(mnemonics.count(key) == 1, qPrintable(mnemonics.values(key).join(QStringLiteral(", "))));
        // None of the main window's menus (File, Session, View, Rules).
        for (const QChar menu : {u'F', u'S', u'V', u'U'})
            QVERIFY2(!mnemonics.contains(menu), qPrintable(QStringLiteral("Alt+%1").arg(menu)));
    }

    // Moving the current row in a summary does not choose anything: Space, Enter and clicks do; Tab
    // leaves the table.
    void summariesKeyboard()
    {
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* summaries = new SummariesPanel(&window);
        auto* after = new QLineEdit(&window);
        layout->addWidget(summaries);
        layout->addWidget(after);
        summaries->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        window.resize(600, 500);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto* types = window.findChild<QTableView*>(QStringLiteral("typesView"));
        QVERIFY(types);
        QVERIFY(!types->tabKeyNavigation());
        QSignalSpy chosen(summaries, &SummariesPanel::typesChosen);
        types->setFocus();
        QVERIFY(types->hasFocus());

        QTest::keyClick(types, Qt::Key_Down);
        QTest::keyClick(types, Qt::Key_Down);
        QTest::keyClick(types, Qt::Key_PageDown);
        QTest::keyClick(types, Qt::Key_End, Qt::ControlModifier);
        QTest::keyClick(types, Qt::Key_Up);
        const int current = types->currentIndex().row();
        QCOMPARE(current, types->model()->rowCount() - 2);
        QVERIFY(!types->selectionModel()->hasSelection());
        QCOMPARE(chosen.count(), 0);

        QTest::keyClick(types, Qt::Key_Space);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.last().at(0).value<QSet<TypeIndex>>().size(), 1);
        QTest::keyClick(types, Qt::Key_Up);
        QCOMPARE(chosen.count(), 1);
        QTest::keyClick(types, Qt::Key_Space);
        QCOMPARE(chosen.last().at(0).value<QSet<TypeIndex>>().size(), 2);
        QTest::keyClick(types, Qt::Key_Space); // chosen rows are unchosen the same way
        QCOMPARE(chosen.last().at(0).value<QSet<TypeIndex>>().size(), 1);
        QTest::keyClick(types, Qt::Key_Return); // this row alone
        QCOMPARE(types->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(types->selectionModel()->selectedRows().front().row(), current - 1);
        // Shift+arrow extends the choice, as in any list.
        QTest::keyClick(types, Qt::Key_Down, Qt::ShiftModifier);
        QCOMPARE(types->selectionModel()->selectedRows().size(), 2);

        // A click chooses the row clicked alone, as before.
        const QRect first = types->visualRect(types->model()->index(0, 1));
        QTest::mouseClick(types->viewport(), Qt::LeftButton, {}, first.center());
        QCOMPARE(types->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(types->selectionModel()->selectedRows().front().row(), 0);

        // Tab goes on to the next widget, Shift+Tab back.
        QTest::keyClick(types, Qt::Key_Tab);
        QVERIFY(!types->hasFocus());
        QTRY_VERIFY(QApplication::focusWidget() != types);
        after->setFocus();
        QTest::keyClick(after, Qt::Key_Backtab);
        QVERIFY(!after->hasFocus());
    }

    // While a table has the focus it shows so, current row included, whatever the style draws.
    void focusIsVisible()
    {
        Page page;
        auto* other = new QLineEdit(&page.window);
        page.window.layout()->addWidget(other);
        page.view->setAnalysis(analyzeSnapshot(fixtureSnapshot()));
        QVERIFY(page.show());
        QVERIFY(page.view->selectObject(2));
        other->setFocus();
        QTRY_VERIFY(other->hasFocus());
        const QImage unfocused = page.view->viewport()->grab().toImage();
        page.view->setFocus();
        QTRY_VERIFY(page.view->hasFocus());
        const QImage focused = page.view->viewport()->grab().toImage();
        QVERIFY(focused != unfocused);
        // The frame: the viewport's corner pixel takes the highlight colour.
        const QColor highlight = page.view->palette().color(QPalette::Active, QPalette::Highlight);
        QCOMPARE(focused.pixelColor(1, 1), highlight);
        QVERIFY(unfocused.pixelColor(1, 1) != highlight);

        // The summaries' tables too.
        SummaryTableView summary;
        TypeSummaryModel model;
        model.setSnapshot(analyzeSnapshot(fixtureSnapshot()));
        summary.setModel(&model);
        summary.show();
        QVERIFY(QTest::qWaitForWindowActive(&summary));
        summary.setFocus();
        QTRY_VERIFY(summary.hasFocus());
        QCOMPARE(summary.viewport()->grab().toImage().pixelColor(1, 1), highlight);
    }
};

QTEST_MAIN(TestCandidatesView)
#include "tst_candidates_view.moc"
