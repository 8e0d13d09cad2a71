// Native (C) allocation stacks in the window, on synthetic snapshots run through a FakeTarget: the
// details' Created by (C) section (allocator frames folded into one line, a frame's C file opened in
// the source viewer at its line), the Creators tab and the candidates it filters to, the Suspects
// page's creator, and what the window says when the snapshot has no native stacks.

#include "gui_test_support.h"

#include "gui/candidates_view.h"
#include "gui/filter_bar.h"
#include "gui/object_details.h"
#include "gui/source_view.h"
#include "gui/source_viewer_dialog.h"
#include "gui/suspects_page.h"
#include "gui/summaries_panel.h"
#include "models/candidates_model.h"
#include "models/creator_summary_model.h"

#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>
#include <QtWidgets/QLabel>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QToolButton>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

const std::string kLibPython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
const std::string kLibExt = "/opt/ext/_ext.cpython-311-x86_64-linux-gnu.so";

QTableView* creatorsView(const MainWindow& window)
{
    return part<QTableView>(window, "creatorsView");
}

int rowOfType(const QAbstractItemModel& candidates, const QString& type)
{
    for (int row = 0; row < candidates.rowCount(); ++row) {
        if (candidates.index(row, CandidatesModel::TypeColumn).data().toString() == type)
            return row;
    }
    return -1;
}

QStringList listedTypes(const QAbstractItemModel& candidates)
{
    QStringList types;
    for (int row = 0; row < candidates.rowCount(); ++row)
        types << candidates.index(row, CandidatesModel::TypeColumn).data().toString();
    types.sort();
    return types;
}

// Three suspects: two ext.Leaky made by leaky_new (through _PyObject_GC_New), one bytearray made by
// fill_buffer, whose frame is inlined into its caller; a pkg.Plain with no stack. cFile holds the
// source of leaky_new.
test::GraphSpec nativeHeap(const QString& cFile)
{
    test::GraphSpec spec;
    spec.objects = {{.type = "ext.Leaky", .size = 48},
                    {.type = "ext.Leaky", .size = 48},
                    {.type = "builtins.bytearray", .size = 4000},
                    {.type = "pkg.Plain", .size = 32}};
    const test::NativeFrameSpec malloc{"PyObject_Malloc", kLibPython, "Objects/obmalloc.c", 801};
    const test::NativeFrameSpec gcNew{"_PyObject_GC_New", kLibPython, "Modules/gcmodule.c", 2290};
    const test::NativeFrameSpec leakyNew{"leaky_new", kLibExt, cFile.toStdString(), 4};
    const test::NativeFrameSpec caller{"ext_call", kLibExt, "/nonexistent/ext/call.c", 77};
    spec.nativeStacks = {
        {0, {malloc, gcNew, leakyNew, caller}, 2},
        {1, {malloc, gcNew, leakyNew, caller}, 2},
        {2, {malloc, {"fill_buffer", kLibExt, "ext/buffer.h", 9, 0, true}, caller}, 1},
    };
    spec.nativeTraceDepth = 16;
    return spec;
}

} // namespace

class TestNativeStacksWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeNativeStacksTest"));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void detailsShowTheCreator()
    {
        QTemporaryDir sources;
        QVERIFY(sources.isValid());
        const QString cFile = sources.filePath(QStringLiteral("leaky.c"));
        QVERIFY(writeFile(cFile, "#include <Python.h>\n\nstatic PyObject*\nleaky_new(void)\n{\n}\n"));
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(runFake(window, nativeHeap(cFile)));
        part<QTabWidget>(window, "centralTabs")->setCurrentWidget(candidatesView(window));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 4);

        candidatesView(window)->selectRow(rowOfType(*candidates, QStringLiteral("ext.Leaky")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Created by (C)")));
        QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Created by (C)\nunder _PyObject_GC_New (2 allocator frames folded)\n"
                                                 "leaky_new at leaky.c:4 in _ext.cpython-311-x86_64-linux-gnu.so\n"
                                                 "ext_call at call.c:77 in _ext.cpython-311-x86_64-linux-gnu.so\n"
                                                 "innermost first")),
                 qPrintable(details));
        QVERIFY(!details.contains(QStringLiteral("PyObject_Malloc"))); // folded, in the tooltip only
        // The C file that is here is a link; the one that is not is plain text.
        QStringList links;
        for (const QString& link : linksOf(*detailsView(window))) {
            if (const auto location = sourceOfLink(QUrl(link)); location && location->file == cFile)
                links << link;
        }
        QCOMPARE(links.size(), 1);
        QVERIFY(!linksOf(*detailsView(window)).join(u' ').contains(QStringLiteral("call.c")));
        QVERIFY(clickLink(*detailsView(window), links.first()));
        auto* viewer = window.findChild<SourceViewerDialog*>(QStringLiteral("sourceViewer"));
        QTRY_VERIFY(viewer && !viewer->isLoading());
        QCOMPARE(viewer->view()->highlightedLine(), 4);
        QCOMPARE(viewer->view()->lineText(4), QStringLiteral("leaky_new(void)"));

        // An inlined frame says so; an object without a stack says why.
        candidatesView(window)->selectRow(rowOfType(*candidates, QStringLiteral("builtins.bytearray")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("fill_buffer")));
        details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("under PyObject_Malloc (1 allocator frame folded)\nfill_buffer at "
                                                 "buffer.h:9 in _ext.cpython-311-x86_64-linux-gnu.so (inlined)")),
                 qPrintable(details));
        candidatesView(window)->selectRow(rowOfType(*candidates, QStringLiteral("pkg.Plain")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("pkg.Plain")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Created by (C)\nno record: no native stack")));

        // The Suspects page names the creator of each group.
        auto* page = part<SuspectsPage>(window, "suspectsPage");
        QTRY_VERIFY(page->browser()->toPlainText().contains(QStringLiteral("Created by (C)")));
        QVERIFY2(page->browser()->toPlainText().contains(QStringLiteral("leaky_new at leaky.c:4")),
                 qPrintable(page->browser()->toPlainText()));
    }

    // A leaked str the collector never tracked is a candidate of its own, and its details say why.
    void untrackedOrphanIsACandidateWithItsKind()
    {
        test::GraphSpec spec;
        spec.objects = {{.type = "builtins.str", .gc = false, .size = 61, .repr = "'orphan-str-1'", .untrackedOrphan = true},
                        {.type = "builtins.int", .gc = false, .size = 32}, // untracked, not an orphan: never a candidate
                        {.type = "pkg.Plain", .size = 32}};
        spec.nativeStacks = {{0, {{"PyUnicode_New", kLibPython, "Objects/unicodeobject.c", 1425},
                                  {"leak_str", kLibExt, "/nonexistent/ext/leak.c", 12}}, 1}};
        spec.nativeTraceDepth = 16;
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(runFake(window, spec));
        part<QTabWidget>(window, "centralTabs")->setCurrentWidget(candidatesView(window));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 2);
        QCOMPARE(listedTypes(*candidates), (QStringList{QStringLiteral("builtins.str"), QStringLiteral("pkg.Plain")}));
        candidatesView(window)->selectRow(rowOfType(*candidates, QStringLiteral("builtins.str")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("untracked orphan")));
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(!details.contains(QStringLiteral("never a candidate")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("leak_str at leak.c:12")), qPrintable(details));
    }

    void creatorsTabFiltersTheCandidates()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(runFake(window, nativeHeap(QStringLiteral("/nonexistent/leaky.c"))));
        part<QTabWidget>(window, "centralTabs")->setCurrentWidget(candidatesView(window));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 4);
        auto* summaries = part<SummariesPanel>(window, "summaries");
        action(window, "actionShowCreators")->trigger(); // View ▸ Creators, Ctrl+4
        QCOMPARE(summaries->currentTab(), SummariesPanel::CreatorsTab);
        QTableView* creators = creatorsView(window);
        QAbstractItemModel* rows = creators->model();
        QTRY_COMPARE(rows->rowCount(), 3);
        QVERIFY(!part<QLabel>(window, "creatorsHint")->isVisible());
        // leaky_new made two suspects, fill_buffer one (but more bytes); pkg.Plain's creator is unknown.
        QCOMPARE(rows->index(0, CreatorSummaryModel::FunctionColumn).data().toString(), QStringLiteral("leaky_new"));
        QCOMPARE(rows->index(0, CreatorSummaryModel::SuspectsColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(rows->index(1, CreatorSummaryModel::FunctionColumn).data().toString(), QStringLiteral("fill_buffer"));
        QCOMPARE(rows->index(2, CreatorSummaryModel::FunctionColumn).data().toString(), QStringLiteral("(creator unknown)"));

        creators->selectRow(0);
        QTRY_COMPARE(listedTypes(*candidates), (QStringList{QStringLiteral("ext.Leaky"), QStringLiteral("ext.Leaky")}));
        auto* button = part<QToolButton>(window, "creators");
        QVERIFY(button->isVisible());
        QCOMPARE(button->text(), QStringLiteral("1 creator ✕"));
        creators->selectionModel()->select(rows->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QTRY_COMPARE(candidates->rowCount(), 3);
        QCOMPARE(button->text(), QStringLiteral("2 creators ✕"));
        // The filter bar's button clears the choice.
        button->click();
        QTRY_COMPARE(candidates->rowCount(), 4);
        QVERIFY(!button->isVisible());
        QVERIFY(!creators->selectionModel()->hasSelection());
    }

    void withoutNativeStacksTheWindowSaysHow()
    {
        test::GraphSpec spec;
        spec.objects = {{.type = "pkg.Plain", .size = 32}};
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(runFake(window, spec));
        part<QTabWidget>(window, "centralTabs")->setCurrentWidget(candidatesView(window));
        QTRY_COMPARE(candidatesView(window)->model()->rowCount(), 1);
        candidatesView(window)->selectRow(0);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Created by (C)")));
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Created by (C)\nnot recorded. Tick Record C allocation stacks in "
                                                 "File ▸ Run Script… (or start leakscope --native-traces SCRIPT)")),
                 qPrintable(details));
        auto* summaries = part<SummariesPanel>(window, "summaries");
        summaries->setCurrentTab(SummariesPanel::CreatorsTab);
        QCOMPARE(creatorsView(window)->model()->rowCount(), 0);
        QTRY_VERIFY(part<QLabel>(window, "creatorsHint")->isVisible());
        QVERIFY(part<QLabel>(window, "creatorsHint")->text().contains(QStringLiteral("--native-traces")));
    }
};

QTEST_MAIN(TestNativeStacksWindow)
#include "tst_native_stacks_window.moc"
