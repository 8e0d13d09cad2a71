// The Suspects page beside the candidates table: the demo's story in front after its snapshot (its two
// groups biggest first, their sentences, the path from a root), a link making its object the current
// one, "Show in table" listing a group in the table; the message when rules leave no suspect; the
// user's choice of the table kept over the next snapshot and Ctrl+Shift+L bringing the page back;
// reprs holding markup and any byte shown as text; the C origin and allocation site linked to their
// source lines.

#include "gui_test_support.h"

#include "gui/candidates_view.h"
#include "gui/object_details.h"
#include "gui/source_view.h"
#include "gui/source_viewer_dialog.h"
#include "gui/suspects_page.h"
#include "session/session.h"
#include "snapshot/suspects_story.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtWidgets/QTabBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>

using namespace leakscope;
using namespace leakscope::guitest;
using namespace leakscope::test;

namespace {

// Candidates *, none explained:
//   0 * pkg.Cache  64 B -> 1   retains 10,064
//   1   builtins.list 10000 B
//   2 * pkg.Small  32 B, a repr with markup, a control character and a byte that is not UTF-8
GraphSpec heapSpec()
{
    GraphSpec spec;
    spec.objects = {
        {.type = "pkg.Cache", .size = 64, .edges = {1}, .repr = "Cache()"},
        {.type = "builtins.list", .size = 10000, .repr = "[1, 2]"},
        {.type = "pkg.Small", .size = 32, .repr = "<b>bold</b> & <script>x</script>\x01\xff"},
    };
    return spec;
}

QString addressOf(const Snapshot& snapshot, ObjectIndex object)
{
    return QString::fromStdString(formatAddress(snapshot.address(object)));
}

QStringList groupLinks(const QTextBrowser& browser)
{
    return linksOf(browser).filter(QRegularExpression(QStringLiteral("^group:")));
}

} // namespace

class TestSuspectsPage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeSuspectsPageTest"));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void demoStoryInFrontAndLinked()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* tabs = part<QTabWidget>(window, "centralTabs");
        auto* page = part<SuspectsPage>(window, "suspectsPage");
        // Before any snapshot the table (and its hint) is in front; the page says why it is empty.
        QCOMPARE(tabs->currentWidget(), candidatesView(window));
        QVERIFY(page->browser()->toPlainText().contains(QStringLiteral("No snapshot shown")));

        QVERIFY(runHostScript(window, demoScript()));
        QTRY_COMPARE(tabs->currentWidget(), page);
        QTextBrowser* browser = page->browser();
        const QString text = browser->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("4 suspects in 2 groups, retaining 1.1 KB")), qPrintable(text));
        // Biggest first: the three Requests (720 B), then the exported list (456 B).
        const qsizetype requests = text.indexOf(QStringLiteral("1. __main__.Request"));
        const qsizetype list = text.indexOf(QStringLiteral("2. builtins.list"));
        QVERIFY2(requests >= 0 && list > requests, qPrintable(text));
        QCOMPARE(groupLinks(*browser), (QStringList{QStringLiteral("group:0"), QStringLiteral("group:1")}));
        QCOMPARE(page->groupCount(), 2);
        QVERIFY(text.contains(QStringLiteral("3 instances of __main__.Request retain 720 B")));
        QVERIFY(text.contains(QStringLiteral("In the biggest (240 B), most (184 B) accumulates in builtins.dict at")));
        QVERIFY(text.indexOf(QStringLiteral("1 instance of builtins.list")) > list);
        QVERIFY(text.contains(QStringLiteral("retains 456 B")));
        QVERIFY(text.contains(QStringLiteral("720 (720 bytes)")) || text.contains(QStringLiteral("720 B (720 bytes)")));
        QVERIFY(text.contains(QStringLiteral("PyList_Type"))); // the list's C origin
        QVERIFY(text.contains(QStringLiteral("(nothing refers to it)")));
        QVERIFY(text.contains(QStringLiteral("Show in table")));

        // The first group's accumulation point: the biggest Request's headers dict, a step of its path.
        const AnalyzedSnapshotPtr shown = window.session()->shownSnapshot();
        const SuspectsStory* story = shown->suspectsStory();
        QVERIFY(story);
        QCOMPARE(story->groups.size(), std::size_t(2));
        const SuspectGroup& first = story->groups[0];
        QCOMPARE(QString::fromStdString(std::string(shown->snapshot().typeNameOf(first.accumulationPoint))),
            QStringLiteral("builtins.dict"));
        QCOMPARE(first.pathFromRoot.size(), std::size_t(2));
        QVERIFY(text.contains(
            QStringLiteral(".headers builtins.dict at ") + addressOf(shown->snapshot(), first.accumulationPoint)));
        QVERIFY(clickLink(*browser, objectLink(first.accumulationPoint)));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(addressOf(shown->snapshot(), first.accumulationPoint)));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("x-request-id")));
        QCOMPARE(tabs->currentWidget(), page); // following a link keeps the reader on the page

        // Show in table of the list: the table in front, the list the current row.
        auto* table = qobject_cast<CandidatesView*>(candidatesView(window));
        QVERIFY(table);
        QVERIFY(clickLink(*browser, QStringLiteral("group:1")));
        QTRY_COMPARE(tabs->currentWidget(), table);
        QCOMPARE(table->currentObject(), std::optional<ObjectIndex>(story->groups[1].representative));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("'alpha'")));
    }

    void noSuspectsSaysSo()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, heapSpec()));
        auto* tabs = part<QTabWidget>(window, "centralTabs");
        auto* page = part<SuspectsPage>(window, "suspectsPage");
        QTRY_COMPARE(tabs->currentWidget(), page);
        QTRY_VERIFY(page->browser()->toPlainText().contains(QStringLiteral("2 suspects in 2 groups")));

        // Rules that ignore every candidate: a new analysis, a new story, none to tell.
        ParsedIgnoreRules parsed = parseIgnoreRules("type *");
        QVERIFY(parsed.errors.empty());
        QSignalSpy displayed(&window, &MainWindow::analysisDisplayed);
        window.session()->setRules(std::make_shared<const IgnoreRules>(std::move(parsed.rules)));
        QTRY_COMPARE(displayed.count(), 1);
        QCOMPARE(page->groupCount(), 0);
        QCOMPARE(page->browser()->toPlainText().trimmed(),
            QStringLiteral("No suspects: every candidate is explained or ignored"));
        QVERIFY(groupLinks(*page->browser()).isEmpty());
    }

    void originAndAllocationSiteOpenTheirSource()
    {
        QTemporaryDir sources;
        QVERIFY(sources.isValid());
        const QString cFile = sources.filePath(QStringLiteral("ext.c"));
        const QString pyFile = sources.filePath(QStringLiteral("app.py"));
        QVERIFY(writeFile(cFile, "#include <Python.h>\n\nstatic PyTypeObject Leaky_Type;\n"));
        QVERIFY(writeFile(pyFile, "import ext\nleaked = ext.Leaky()\n"));
        GraphSpec spec;
        spec.objects = {{.type = "ext.Leaky", .size = 48, .repr = "<ext.Leaky>"}};
        spec.origins = {{"ext.Leaky", "/usr/lib/_ext.so", "Leaky_Type", cFile.toStdString() + ":3"}};
        spec.allocations = {{0, {{pyFile.toStdString(), 2}, {"<frozen importlib._bootstrap>", 241}}}};

        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, spec, 10));
        auto* page = part<SuspectsPage>(window, "suspectsPage");
        QTRY_COMPARE(part<QTabWidget>(window, "centralTabs")->currentWidget(), page);
        const QString text = page->browser()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("1 instance of ext.Leaky, defined in _ext.so")), qPrintable(text));
        QVERIFY(text.contains(
            QStringLiteral("/usr/lib/_ext.so\nsymbol Leaky_Type\nsource ") + cFile + QStringLiteral(":3")));
        QVERIFY(text.contains(pyFile + QStringLiteral(":2\n<frozen importlib._bootstrap>:241\ninnermost first")));
        // The origin's line and the first frame; the frozen module has no file to open.
        const QStringList links = linksOf(*page->browser()).filter(QRegularExpression(QStringLiteral("^source:")));
        QCOMPARE(links.size(), 2);
        QCOMPARE(sourceOfLink(QUrl(links.at(0)))->file, cFile);
        QCOMPARE(sourceOfLink(QUrl(links.at(1)))->file, pyFile);

        QVERIFY(clickLink(*page->browser(), links.at(1)));
        auto viewer = [page] { return page->findChild<SourceViewerDialog*>(QStringLiteral("suspectsSourceViewer")); };
        QTRY_VERIFY(viewer() && viewer()->isVisible() && !viewer()->isLoading());
        QCOMPARE(viewer()->view()->highlightedLine(), 2);
        QCOMPARE(viewer()->view()->lineText(2), QStringLiteral("leaked = ext.Leaky()"));
    }

    void tableChoiceKeptAndShortcutBringsThePage()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* tabs = part<QTabWidget>(window, "centralTabs");
        auto* page = part<SuspectsPage>(window, "suspectsPage");
        QVERIFY(runFake(window, heapSpec()));
        QTRY_COMPARE(tabs->currentWidget(), page);

        // Markup and bytes of a repr are text on the page.
        const QString text = page->browser()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("<b>bold</b> & <script>x</script>")), qPrintable(text));
        QVERIFY(text.contains(QChar(0xFFFD)));
        QVERIFY(!page->browser()->toHtml().contains(QStringLiteral("<script>")));

        // The user clicks the Candidates tab: the next snapshot leaves the table in front.
        QTabBar* bar = tabs->tabBar();
        QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(tabs->indexOf(candidatesView(window))).center());
        QTRY_COMPARE(tabs->currentWidget(), candidatesView(window));
        const int before = window.session()->snapshotCount();
        QVERIFY(runFake(window, heapSpec()));
        QTRY_COMPARE(window.session()->snapshotCount(), before + 1);
        QCOMPARE(tabs->currentWidget(), candidatesView(window));
        QVERIFY(page->browser()->toPlainText().contains(QStringLiteral("2 suspects in 2 groups")));

        // View ▸ Suspects (Ctrl+Shift+L) brings the page back, with the focus.
        QAction* show = action(window, "actionSuspects");
        QCOMPARE(show->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
        candidatesView(window)->setFocus();
        QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(tabs->currentWidget(), page);
        QTRY_VERIFY(page->browser()->hasFocus());

        // Alt+3 (Go to Pane ▸ Candidates) means the table.
        QTest::keyClick(&window, Qt::Key_3, Qt::AltModifier);
        QTRY_COMPARE(tabs->currentWidget(), candidatesView(window));
        QTRY_VERIFY(candidatesView(window)->hasFocus());
    }
};

QTEST_MAIN(TestSuspectsPage)
#include "tst_suspects_page.moc"
