// The path a user takes through a snapshot: run the demo, wait for its snapshot, filter by type, pick
// a suspect, read its details; group the candidates by explanation and by library; ignore objects like
// a suspect and edit the rules; the details of explained, traced and C-defined objects; All objects
// sorted by surplus. Runs, output and settings are tst_window_runs'. Set LEAKSCOPE_SCREENSHOT=FILE.png
// to save the window as the README shows it.
#include "gui_test_support.h"

#include "gui/candidates_view.h"
#include "gui/filter_bar.h"
#include "gui/ignore_like_dialog.h"
#include "gui/ignore_rules_dialog.h"
#include "gui/ignore_rules_file.h"
#include "gui/main_window.h"
#include "gui/rules_text_edit.h"
#include "gui/source_view.h"
#include "gui/source_viewer_dialog.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/explanation_summary_model.h"
#include "models/item_roles.h"
#include "models/library_summary_model.h"
#include "models/object_tree_model.h"
#include "models/type_summary_model.h"
#include "session/session.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"
#include "target/host_process_target.h"

#include <QtCore/QTemporaryDir>
#include <QtGui/QTextBlock>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QTreeView>

#include <limits>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

// The status bar's account of the rules: how many, and the bad lines (tooltip).
QLabel* rulesStatusLabel(const MainWindow& window) { return part<QLabel>(window, "rulesStatus"); }
// The source viewer once a source link was followed, else null.
SourceViewerDialog* sourceViewer(const MainWindow& window)
{
    return window.findChild<SourceViewerDialog*>(QStringLiteral("sourceViewer"));
}

// 1-based number of the first line of file that contains text; 0 when none does.
int lineContaining(const QString& path, const QString& text)
{
    const QStringList lines = readFile(path).split(u'\n');
    for (qsizetype k = 0; k < lines.size(); ++k) {
        if (lines[k].contains(text))
            return static_cast<int>(k + 1);
    }
    return 0;
}

// The tooltip of the text at the first occurrence of text in the details.
QString toolTipAt(const QTextBrowser& browser, const QString& text)
{
    QTextCursor cursor = browser.document()->find(text);
    if (cursor.isNull())
        return QStringLiteral("<not found>");
    cursor.setPosition(cursor.selectionStart() + 1);
    return cursor.charFormat().toolTip();
}

// The row of a table whose Library column reads text, or -1.
int libraryRowNamed(const QAbstractItemModel& model, const QString& prefix)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, LibrarySummaryModel::LibraryColumn).data().toString().startsWith(prefix))
            return row;
    }
    return -1;
}

// The window as a picture will show it: the capture's progress gone from the status bar, and the
// layouts that its going asked for done. False when the progress stays.
bool settleLayout(MainWindow& window)
{
    auto* progress = part<QProgressBar>(window, "snapshotProgress");
    if (!QTest::qWaitFor([progress] { return !progress->isVisible(); }))
        return false;
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    return true;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;
    QString m_rulesPath;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeTest"));
        m_rulesPath = m_config.path() + QStringLiteral("/leakscope/ignore-rules");
        QCOMPARE(QString::fromStdString(defaultIgnoreRulesPath()), m_rulesPath);
    }

    void init() { QFile::remove(m_rulesPath); }

    // Before any snapshot, the details say how to get one, with the menus' own shortcuts.
    void detailsSayHowToStart()
    {
        MainWindow window;
        window.show();
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Run a script with File ▸ Run Script… (Ctrl+R)")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Session ▸ Snapshot (F5)")), qPrintable(details));
        auto* run = window.findChild<QAction*>(QStringLiteral("actionRun"));
        auto* snapshot = window.findChild<QAction*>(QStringLiteral("actionSnapshot"));
        QVERIFY(run && snapshot);
        QCOMPARE(run->shortcut(), QKeySequence(QStringLiteral("Ctrl+R")));
        QCOMPARE(snapshot->shortcut(), QKeySequence(QStringLiteral("F5")));
        auto* fetch = window.findChild<QPushButton*>(QStringLiteral("fetchLiveRepr"));
        QVERIFY(fetch && !fetch->isEnabled());
        // Once a snapshot is shown with nothing listed, they say how to choose an object instead.
        test::GraphSpec spec;
        spec.objects = {{.type = "pkg.Held", .edges = {1}}, {.type = "pkg.Leaf"}};
        spec.explanations = {{0, "startup", "before the script"}};
        QVERIFY(runFake(window, spec));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Choose a candidate")));
    }

    void demoFromRunToDetails()
    {
        MainWindow window;
        useHost(window);
        window.resize(1400, 860);
        window.show();
        RunRequest request;
        request.script = demoScript();
        window.runScript(request);

        // The snapshot taken when the script ends arrives and is shown.
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->shownSnapshot() != nullptr, 30000);
        QCOMPARE(window.session()->snapshotCount(), 1);
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_VERIFY(candidates->rowCount() > 0);
        const int suspects = candidates->rowCount();
        QCOMPARE(static_cast<std::size_t>(suspects), window.session()->shownSnapshot()->analysis().suspectCount());
        // The first suspect is chosen at once: its details are there without a click.
        QCOMPARE(candidatesView(window)->currentIndex().row(), 0);
        QVERIFY2(detailsView(window)->toPlainText().contains(QStringLiteral("Suspect:")),
                 qPrintable(detailsView(window)->toPlainText()));

        // Choose the demo's leaked type in the type summary: the candidates follow.
        QAbstractItemModel* types = typesView(window)->model();
        int requestRow = -1;
        for (int row = 0; row < types->rowCount(); ++row) {
            if (types->index(row, TypeSummaryModel::TypeColumn).data().toString() == QStringLiteral("__main__.Request"))
                requestRow = row;
        }
        QVERIFY(requestRow >= 0);
        typesView(window)->selectRow(requestRow);
        QTRY_COMPARE(candidates->rowCount(), 3);
        for (int row = 0; row < 3; ++row) {
            QCOMPARE(candidates->index(row, CandidatesModel::TypeColumn).data().toString(), QStringLiteral("__main__.Request"));
            QVERIFY(candidates->index(row, 0).data(IsSuspectRole).toBool());
        }

        // Pick one: the details say why it matters.
        candidatesView(window)->selectRow(0);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Suspect")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("__main__.Request")));
        // A class of the script: no C code behind it, said as such; allocations were not traced, and
        // the details say how to trace them.
        {
            const QString details = detailsView(window)->toPlainText();
            QVERIFY2(details.contains(QStringLiteral("C origin\ndefined in Python: no C library behind its type")),
                     qPrintable(details));
            QVERIFY2(details.contains(QStringLiteral("Allocated at\nnot traced. Tick Track allocations in File")),
                     qPrintable(details));
            QVERIFY(!detailsView(window)->toHtml().contains(QStringLiteral("source:")));
            QCOMPARE(candidates->index(0, CandidatesModel::LibraryColumn).data().toString(), QString());
        }

        // Its referents, fetched as the tree expands: the headers dict it holds is there.
        QAbstractItemModel* referents = referentsView(window)->model();
        const QModelIndex suspect = referents->index(0, 0);
        QVERIFY2(suspect.data().toString().contains(QStringLiteral("__main__.Request")), qPrintable(suspect.data().toString()));
        QTRY_VERIFY(referents->rowCount(suspect) >= 3);
        QModelIndex headers;
        for (int row = 0; row < referents->rowCount(suspect); ++row) {
            if (referents->index(row, 0, suspect).data().toString().contains(QStringLiteral("'host': 'example.org'")))
                headers = referents->index(row, 0, suspect);
        }
        QVERIFY(headers.isValid());
        // The edge column says how the Request holds it: its attribute name.
        QCOMPARE(headers.siblingAtColumn(ObjectTreeModel::EdgeColumn).data().toString(), QStringLiteral(".headers"));
        // Who holds the headers dict? Open its node in the referents tree: the details follow it.
        referentsView(window)->setCurrentIndex(headers);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("builtins.dict")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Referred to by 1 object")));

        // The suspect has no referrers; the path view says it is itself a root.
        QAbstractItemModel* referrers = referrersView(window)->model();
        QCOMPARE(referrers->rowCount(), 1);
        QCOMPARE(referrers->rowCount(referrers->index(0, 0)), 0);
        QVERIFY(!pathView(window)->toPlainText().isEmpty());

        // Clearing the type choice and showing explained candidates widens the list, never resets it.
        typesView(window)->clearSelection();
        QTRY_COMPARE(candidates->rowCount(), suspects);
        QSignalSpy resets(candidates, &QAbstractItemModel::modelReset);
        filterBar(window)->setShowExplained(true);
        QTRY_VERIFY(candidates->rowCount() > suspects);
        QCOMPARE(resets.size(), 0);
        filterBar(window)->setShowExplained(false);
        QTRY_COMPARE(candidates->rowCount(), suspects);

        candidatesView(window)->selectRow(0);
        const QByteArray screenshot = qgetenv("LEAKSCOPE_SCREENSHOT");
        if (!screenshot.isEmpty())
            QVERIFY(window.grab().save(QString::fromLocal8Bit(screenshot)));

        // The Explanations tab: suspects, ignored ones (none yet), then each kind, covering every candidate.
        const AnalyzedSnapshotPtr demo = window.session()->shownSnapshot();
        QAbstractItemModel* groups = explanationsView(window)->model();
        QVERIFY(groups->rowCount() >= 3);
        QCOMPARE(groups->index(0, 0).data().toString(), QStringLiteral("Suspects"));
        QCOMPARE(groups->index(0, ExplanationSummaryModel::CandidatesColumn).data(SortRole).toULongLong(),
                 qulonglong(suspects));
        QCOMPARE(groups->index(1, 0).data().toString(), QStringLiteral("Ignored by rules"));
        QCOMPARE(groups->index(1, ExplanationSummaryModel::CandidatesColumn).data(SortRole).toULongLong(), 0ull);
        qulonglong grouped = 0;
        for (int row = 0; row < groups->rowCount(); ++row)
            grouped += groups->index(row, ExplanationSummaryModel::CandidatesColumn).data(SortRole).toULongLong();
        QCOMPARE(grouped, qulonglong(demo->analysis().candidates().size()));
        QVERIFY(!groups->index(2, 0).data(Qt::ToolTipRole).toString().isEmpty());

        // Choosing a kind lists its candidates, although "show explained" is off.
        const qulonglong kindCount = groups->index(2, ExplanationSummaryModel::CandidatesColumn).data(SortRole).toULongLong();
        QVERIFY(kindCount > 0);
        QSignalSpy resetsByGroups(candidates, &QAbstractItemModel::modelReset);
        window.findChild<QAction*>(QStringLiteral("actionShowExplanations"))->trigger();
        QVERIFY(explanationsView(window)->isVisible());
        explanationsView(window)->selectRow(2);
        QTRY_COMPARE(qulonglong(candidates->rowCount()), kindCount);
        for (int row = 0; row < candidates->rowCount(); ++row)
            QVERIFY(!candidates->index(row, 0).data(IsSuspectRole).toBool());
        QVERIFY(!filterBar(window)->showExplained());
        explanationsView(window)->clearSelection();
        QTRY_COMPARE(candidates->rowCount(), suspects);
        QCOMPARE(resetsByGroups.size(), 0);

        // The Libraries tab: libpython defines the types of suspects (the exported list, _ctypes'
        // tuples); choosing it lists exactly the candidates of its types.
        window.findChild<QAction*>(QStringLiteral("actionShowLibraries"))->trigger();
        QVERIFY(librariesView(window)->isVisible());
        QAbstractItemModel* libraries = librariesView(window)->model();
        const int libpython = libraryRowNamed(*libraries, QStringLiteral("libpython3.11"));
        QVERIFY2(libpython >= 0, "libpython is listed");
        const qulonglong libpythonSuspects =
            libraries->index(libpython, LibrarySummaryModel::SuspectsColumn).data(SortRole).toULongLong();
        QVERIFY(libpythonSuspects > 0);
        QVERIFY(libraries->index(libpython, 0).data(Qt::ToolTipRole).toString().startsWith(u'/'));
        // The Requests are the script's own: in the row of types without a library.
        const int noLibrary = libraryRowNamed(*libraries, QStringLiteral("(no library)"));
        QVERIFY(noLibrary >= 0);
        QVERIFY(libraries->index(noLibrary, LibrarySummaryModel::SuspectsColumn).data(SortRole).toULongLong() >= 3);
        QSignalSpy resetsByLibraries(candidates, &QAbstractItemModel::modelReset);
        librariesView(window)->selectRow(libpython);
        QTRY_COMPARE(qulonglong(candidates->rowCount()), libpythonSuspects);
        const QString libpythonName = libraries->index(libpython, 0).data().toString();
        for (int row = 0; row < candidates->rowCount(); ++row)
            QCOMPARE(candidates->index(row, CandidatesModel::LibraryColumn).data().toString(), libpythonName);
        QVERIFY(filterBar(window)->findChild<QToolButton*>(QStringLiteral("libraries"))->isVisible());
        if (!screenshot.isEmpty()) {
            QVERIFY(settleLayout(window));
            QVERIFY(window.grab().save(QString::fromLocal8Bit(screenshot).replace(QStringLiteral(".png"),
                                                                                QStringLiteral("-libraries.png"))));
        }
        // The filter bar's button clears the choice.
        filterBar(window)->findChild<QToolButton*>(QStringLiteral("libraries"))->click();
        QTRY_COMPARE(candidates->rowCount(), suspects);
        QVERIFY(librariesView(window)->selectionModel()->selectedRows().isEmpty());
        QCOMPARE(resetsByLibraries.size(), 0);

        // "Ignore Objects Like This" on a Request suspect proposes a rule for its type.
        typesView(window)->selectRow(requestRow);
        QTRY_COMPARE(candidates->rowCount(), 3);
        candidatesView(window)->selectRow(0);
        auto* ignoreLike = window.findChild<QAction*>(QStringLiteral("actionIgnoreLike"));
        QVERIFY(ignoreLike && ignoreLike->isEnabled());
        ignoreLike->trigger();
        IgnoreLikeDialog* dialog = window.findChild<IgnoreLikeDialog*>();
        QVERIFY(dialog);
        QCOMPARE(dialog->rule(), QStringLiteral("type __main__.Request"));
        QTRY_VERIFY(!dialog->isCounting());
        QCOMPARE(dialog->matchesText(), QStringLiteral("Matches 3 of the snapshot's candidates, 3 of them suspects now."));
        dialog->accept();

        // Added to the rules file, analysed again: the Requests are no longer suspects.
        QCOMPARE(readFile(m_rulesPath), QStringLiteral("type __main__.Request\n"));
        QTRY_VERIFY(!window.session()->isApplyingRules());
        QCOMPARE(window.session()->shownSnapshot()->analysis().suspectCount(), std::size_t(suspects - 3));
        QTRY_COMPARE(candidates->rowCount(), 0); // Request chosen, suspects only
        QCOMPARE(groups->index(1, ExplanationSummaryModel::CandidatesColumn).data(SortRole).toULongLong(), 3ull);
        // The details stay on the Request and name the rule that now covers it.
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("__main__.Request")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Ignore rule")), qPrintable(details));
        QVERIFY2(details.contains(m_rulesPath + QStringLiteral(":1: type __main__.Request")), qPrintable(details));
        QVERIFY(!details.contains(QStringLiteral("Suspect:")));
        // Choosing "Ignored by rules" lists them.
        explanationsView(window)->selectRow(1);
        QTRY_COMPARE(candidates->rowCount(), 3);
        QCOMPARE(candidates->index(0, CandidatesModel::ExplanationColumn).data().toString(),
                 QStringLiteral("ignored: type __main__.Request"));
        QVERIFY(!candidates->index(0, 0).data(IsSuspectRole).toBool());

        // The rules editor counts each rule's matches and marks a bad line; saved, the bad line is
        // reported by number and the other rules still apply.
        auto* editRules = window.findChild<QAction*>(QStringLiteral("actionEditRules"));
        QVERIFY(editRules);
        editRules->trigger();
        IgnoreRulesDialog* editor = window.findChild<IgnoreRulesDialog*>();
        QVERIFY(editor);
        QCOMPARE(editor->editor()->toPlainText(), QStringLiteral("type __main__.Request\n"));
        QTRY_VERIFY(!editor->isChecking());
        QVERIFY2(editor->editor()->lineNotes().value(1).text.startsWith(QStringLiteral("3 matched")),
                 qPrintable(editor->editor()->lineNotes().value(1).text));
        editor->editor()->setPlainText(QStringLiteral("type __main__.Request\ntypo builtins.list\n"));
        QTRY_VERIFY(!editor->isChecking());
        QCOMPARE(editor->problems().size(), 1);
        QVERIFY2(editor->problems().first().startsWith(QStringLiteral("line 2: unknown field 'typo'")),
                 qPrintable(editor->problems().first()));
        QVERIFY(editor->editor()->lineNotes().value(2).error);
        QVERIFY(editor->apply());
        QTRY_VERIFY(rulesStatusLabel(window)->text().contains(QStringLiteral("1 bad line")));
        QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Ignore rules, line 2: unknown field")),
                 qPrintable(window.statusBar()->currentMessage()));
        QTRY_VERIFY(!window.session()->isApplyingRules());
        QCOMPARE(window.session()->shownSnapshot()->analysis().suspectCount(), std::size_t(suspects - 3));
        editor->accept();
        QTRY_VERIFY(!window.findChild<IgnoreRulesDialog*>());
    }

    // Lists and tuples with empty (NULL) slots, made by C code in the real host (tests/scripts/
    // null_slots.py): chosen, their trees expanded, their details shown, in both of the run's snapshots.
    void emptySlotsInTheTrees()
    {
        MainWindow window;
        useHost(window);
        window.resize(1200, 800);
        window.show();
        RunRequest request;
        request.script = testScript(QStringLiteral("null_slots.py"));
        window.runScript(request);
        // The script's snapshot, taken while tuple() filled a tuple, and the one taken when it ends.
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->snapshotCount(), 2, 30000);
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QAbstractItemModel* referents = referentsView(window)->model();
        auto candidateRow = [&](const QString& repr) {
            for (int row = 0; row < candidates->rowCount(); ++row) {
                if (candidates->index(row, CandidatesModel::ReprColumn).data().toString() == repr)
                    return row;
            }
            return -1;
        };
        const QString listRepr = QStringLiteral("[<NULL>, <NULL>, ['null-slots-item'], <NULL>]");
        QTRY_VERIFY(candidateRow(listRepr) >= 0);

        // The list: its one item, at index 2, is its one referent.
        candidatesView(window)->selectRow(candidateRow(listRepr));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(listRepr));
        const QModelIndex list = referents->index(0, 0);
        QVERIFY2(list.data().toString().contains(listRepr), qPrintable(list.data().toString()));
        QTRY_COMPARE(referents->rowCount(list), 1);
        const QModelIndex item = referents->index(0, 0, list);
        QCOMPARE(item.siblingAtColumn(ObjectTreeModel::EdgeColumn).data().toString(), QStringLiteral("[2]"));
        QVERIFY2(item.data().toString().contains(QStringLiteral("['null-slots-item']")), qPrintable(item.data().toString()));
        referentsView(window)->setCurrentIndex(item);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Referred to by 1 object")));
        referentsView(window)->expand(item);
        QTRY_COMPARE(referents->rowCount(item), 1); // the item's own str

        // The tuple holds nothing.
        const QString tupleRepr = QStringLiteral("(<NULL>, <NULL>)");
        QVERIFY(candidateRow(tupleRepr) >= 0);
        candidatesView(window)->selectRow(candidateRow(tupleRepr));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(tupleRepr));
        QCOMPARE(referents->rowCount(referents->index(0, 0)), 0);
        // The bound method leaked beside them names its thread.
        QVERIFY(candidateRow(QStringLiteral("<bound method Worker.run of <Worker(null-slots-worker, initial daemon)>>")) >= 0);

        // The first snapshot: the tuple being filled, ten empty slots and no referent.
        auto* chooser = window.findChild<QComboBox*>(QStringLiteral("snapshotChooser"));
        QVERIFY(chooser);
        QCOMPARE(chooser->count(), 2);
        chooser->setCurrentIndex(0);
        const QString filling = QStringLiteral("(") + QStringList(10, QStringLiteral("<NULL>")).join(QStringLiteral(", "))
                              + QStringLiteral(")");
        QTRY_VERIFY(candidateRow(filling) >= 0);
        candidatesView(window)->selectRow(candidateRow(filling));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(filling));
        QCOMPARE(referents->rowCount(referents->index(0, 0)), 0);
        QTRY_COMPARE(window.session()->target()->state(), Target::State::Finished);
    }

    // An explained candidate's details say why, and name the object holding it as a link to it.
    void detailsNameTheHolder()
    {
        test::GraphSpec spec;
        spec.objects = {{.type = "pkg.Owner", .size = 80, .address = 0x5000},
                        {.type = "pkg.Held", .size = 32, .address = 0x6000},
                        {.type = "pkg.Loose", .size = 32}};
        spec.explanations = {{1, "c-field", "in a word of pkg.Owner's memory", 0, 0x18}};
        MainWindow window;
        window.resize(1200, 700);
        window.show();
        QVERIFY(runFake(window, spec));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 2); // the owner and the loose one; the held one is explained
        filterBar(window)->setShowExplained(true);
        QTRY_COMPARE(candidates->rowCount(), 3);
        int heldRow = -1;
        for (int row = 0; row < candidates->rowCount(); ++row) {
            if (candidates->index(row, CandidatesModel::TypeColumn).data().toString() == QStringLiteral("pkg.Held"))
                heldRow = row;
        }
        QVERIFY(heldRow >= 0);
        candidatesView(window)->selectRow(heldRow);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Explanation")));
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("c-field: in a word of pkg.Owner's memory")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("held by pkg.Owner at 0x5000 +24 (0x18) — itself a suspect")), qPrintable(details));
        QVERIFY(detailsView(window)->toHtml().contains(QStringLiteral("href=\"object:0\"")));
        // The field itself is a finding: a traverse function that misses it is a bug of its own.
        QVERIFY2(details.contains(QStringLiteral("Field +24 (0x18) of this pkg.Owner holds 1 object that its traverse "
                                                 "function does not report")),
                 qPrintable(details));
        // Following the link shows the owner.
        Q_EMIT detailsView(window)->anchorClicked(QUrl(QStringLiteral("object:0")));
        QVERIFY2(detailsView(window)->toPlainText().contains(QStringLiteral("pkg.Owner")), qPrintable(detailsView(window)->toPlainText()));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("0x5000")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Suspect:")));
        // The explanations tab has the kind, with its meaning.
        QAbstractItemModel* groups = explanationsView(window)->model();
        const int kind = rowNamed(*groups, QStringLiteral("c-field"));
        QVERIFY(kind >= 2);
        QVERIFY(groups->index(kind, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("another object's memory")));
    }

    // With Track allocations, the host traces from its start: the details of a Request list where it
    // was allocated, innermost frame first, and clicking a frame shows that line in the source viewer.
    void trackedRunShowsAllocationSites()
    {
        MainWindow window;
        QList<HostLaunch> launches;
        window.session()->setTargetFactory([&launches](const RunRequest& request) -> std::unique_ptr<Target> {
            launches << hostLaunchFor(request, hostProgram());
            return std::make_unique<HostProcessTarget>(launches.last());
        });
        window.resize(1400, 860);
        window.show();
        RunRequest request;
        request.script = demoScript();
        request.trackAllocations = true;
        request.tracemallocDepth = 5;
        window.runScript(request);
        QCOMPARE(launches.size(), 1);
        QCOMPARE(launches.first().tracemallocDepth, 5u);
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->shownSnapshot() != nullptr, 30000);
        QCOMPARE(window.session()->shownSnapshot()->snapshot().info().tracemallocDepth, 5u);

        QAbstractItemModel* types = typesView(window)->model();
        int requestRow = -1;
        for (int row = 0; row < types->rowCount(); ++row) {
            if (types->index(row, TypeSummaryModel::TypeColumn).data().toString() == QStringLiteral("__main__.Request"))
                requestRow = row;
        }
        QVERIFY(requestRow >= 0);
        typesView(window)->selectRow(requestRow);
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 3);
        candidatesView(window)->selectRow(0);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("Allocated at")));

        // The innermost frame is the line of handle() that made the Request.
        const QString demo = demoScript();
        const int line = lineContaining(demo, QStringLiteral("request = Request("));
        QVERIFY(line > 0);
        const QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Allocated at\nleaky_service.py:%1 in handle (%2)\nleaky_service.py:")
                                      .arg(line)
                                      .arg(QFileInfo(demo).path())),
                 qPrintable(details));
        QCOMPARE(toolTipAt(*detailsView(window), QStringLiteral("leaky_service.py:%1").arg(line)), demo);
        QVERIFY2(details.contains(QStringLiteral("innermost first")), qPrintable(details));
        const QStringList links = linksOf(*detailsView(window));
        QVERIFY2(links.size() >= 2, qPrintable(links.join(u' '))); // the call from main() too
        const std::optional<SourceLocation> innermost = sourceOfLink(QUrl(links.first()));
        QVERIFY(innermost);
        QCOMPARE(innermost->file, demo);
        QCOMPARE(innermost->line, line);

        const QString screenshot = QString::fromLocal8Bit(qgetenv("LEAKSCOPE_SCREENSHOT"));
        if (!screenshot.isEmpty()) {
            QVERIFY(settleLayout(window));
            QVERIFY(window.grab().save(QString(screenshot).replace(QStringLiteral(".png"), QStringLiteral("-traced.png"))));
        }

        // A click on the frame opens the viewer there.
        QVERIFY(!sourceViewer(window));
        QVERIFY(clickLink(*detailsView(window), links.first()));
        QTRY_VERIFY(sourceViewer(window) && sourceViewer(window)->isVisible());
        SourceViewerDialog* viewer = sourceViewer(window);
        QTRY_VERIFY(!viewer->isLoading());
        QCOMPARE(viewer->location().file, demo);
        QCOMPARE(viewer->view()->highlightedLine(), line);
        QCOMPARE(viewer->view()->textCursor().blockNumber() + viewer->view()->firstLine(), line);
        QVERIFY(viewer->view()->lineText(line).contains(QStringLiteral("request = Request(")));
        QVERIFY(viewer->view()->isReadOnly());
        QVERIFY2(viewer->message().isEmpty(), qPrintable(viewer->message()));
        if (!screenshot.isEmpty())
            QVERIFY(viewer->grab().save(QString(screenshot).replace(QStringLiteral(".png"), QStringLiteral("-source.png"))));

        // The next frame, in the same viewer.
        const std::optional<SourceLocation> caller = sourceOfLink(QUrl(links.at(1)));
        QVERIFY(caller);
        QVERIFY(clickLink(*detailsView(window), links.at(1)));
        QTRY_COMPARE(viewer->view()->highlightedLine(), caller->line);
        QCOMPARE(sourceViewer(window), viewer);
        // The details still show the Request: following a source link does not leave them.
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("__main__.Request")));
    }

    // What the snapshot knows of a type's C origin, and only that: library (full path as tooltip),
    // symbol and source line, a link when the file is here; "no debug information" without a line;
    // allocation frames of files that cannot be read open the viewer with a clear message.
    void originsInTheDetails()
    {
        QTemporaryDir sources;
        QVERIFY(sources.isValid());
        const QString cFile = sources.filePath(QStringLiteral("ext.c"));
        QVERIFY(writeFile(cFile, "#include <Python.h>\n\nstatic void\nLeaky_dealloc(PyObject* self)\n{\n}\n"));
        test::GraphSpec spec;
        spec.objects = {{.type = "ext.Leaky", .size = 48},
                        {.type = "builtins.bytearray", .size = 56},
                        {.type = "pkg.Plain", .size = 32}};
        const std::string library = "/opt/ext/_ext.cpython-311-x86_64-linux-gnu.so";
        spec.origins = {{"ext.Leaky", library, "Leaky_dealloc", cFile.toStdString() + ":4"},
                        {"builtins.bytearray", "/usr/lib/libpython3.11.so.1.0", "PyByteArray_Type", ""}};
        spec.allocations = {{0, {{"/nonexistent/app.py", 12}, {"<frozen importlib._bootstrap>", 241}}}};
        MainWindow window;
        window.resize(1200, 700);
        window.show();
        QVERIFY(runFake(window, spec, 10));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 3);
        const auto rowOfType = [&](const QString& type) {
            for (int row = 0; row < candidates->rowCount(); ++row) {
                if (candidates->index(row, CandidatesModel::TypeColumn).data().toString() == type)
                    return row;
            }
            return -1;
        };

        candidatesView(window)->selectRow(rowOfType(QStringLiteral("ext.Leaky")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("ext.Leaky")));
        QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("C origin\n_ext.cpython-311-x86_64-linux-gnu.so\nLeaky_dealloc (a slot "
                                                 "function of the type)\n%1:4").arg(cFile)),
                 qPrintable(details));
        QCOMPARE(toolTipAt(*detailsView(window), QStringLiteral("_ext.cpython")), QString::fromStdString(library));
        QVERIFY2(details.contains(QStringLiteral("Allocated at\napp.py:12 (/nonexistent)\n<frozen importlib._bootstrap>:241\ninnermost first")),
                 qPrintable(details));
        QVERIFY(!details.contains(QStringLiteral("cut at"))); // 2 frames of 10
        const QStringList links = linksOf(*detailsView(window));
        // The origin's line and the first frame; the frozen module has no file to open.
        QCOMPARE(links.size(), 2);
        QCOMPARE(sourceOfLink(QUrl(links.at(0)))->file, cFile);
        QCOMPARE(sourceOfLink(QUrl(links.at(1)))->file, QStringLiteral("/nonexistent/app.py"));

        QVERIFY(clickLink(*detailsView(window), links.at(0)));
        QTRY_VERIFY(sourceViewer(window) && !sourceViewer(window)->isLoading());
        QCOMPARE(sourceViewer(window)->view()->highlightedLine(), 4);
        QCOMPARE(sourceViewer(window)->view()->lineText(4), QStringLiteral("Leaky_dealloc(PyObject* self)"));
        QVERIFY(sourceViewer(window)->windowTitle().startsWith(QStringLiteral("ext.c:4")));

        QVERIFY(clickLink(*detailsView(window), links.at(1)));
        QTRY_VERIFY(!sourceViewer(window)->isLoading());
        QCOMPARE(sourceViewer(window)->view()->highlightedLine(), 0);
        QCOMPARE(sourceViewer(window)->view()->toPlainText(), QString());
        QVERIFY2(sourceViewer(window)->message().contains(QStringLiteral("/nonexistent/app.py does not exist")),
                 qPrintable(sourceViewer(window)->message()));

        // A static type whose library has no debug information: said, not made up.
        candidatesView(window)->selectRow(rowOfType(QStringLiteral("builtins.bytearray")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("builtins.bytearray")));
        details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("libpython3.11.so.1.0\nPyByteArray_Type (the type object)\nno debug "
                                                 "information")),
                 qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Allocated at\nno record: tracemalloc did not see it allocated")),
                 qPrintable(details));
        QVERIFY(linksOf(*detailsView(window)).isEmpty());

        // A class defined in Python.
        candidatesView(window)->selectRow(rowOfType(QStringLiteral("pkg.Plain")));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("pkg.Plain")));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("C origin\ndefined in Python")));

        // The Library column and the Libraries tab name the same libraries.
        QCOMPARE(candidates->index(rowOfType(QStringLiteral("ext.Leaky")), CandidatesModel::LibraryColumn).data().toString(),
                 QStringLiteral("_ext.cpython-311-x86_64-linux-gnu.so"));
        QCOMPARE(librariesView(window)->model()->rowCount(), 3);
    }


    // A static or immortal object's refcount counts no references: its details say "immortal" for
    // the surplus instead of a billion references leaked, and keep the number with the refcount.
    void detailsSayImmortal()
    {
        test::GraphSpec spec;
        spec.objects = {{.type = "builtins.tuple", .refcount = 1000000000, .size = 4000, .repr = "(1, 2)"},
                        {.type = "pkg.Leak", .refcount = 3, .size = 48}};
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(runFake(window, spec));
        QVERIFY(window.session()->shownSnapshot()->analysis().hasImmortalRefcount(0));
        QAbstractItemModel* candidates = candidatesView(window)->model();
        QTRY_COMPARE(candidates->rowCount(), 2);
        // Listed by size, most first: the tuple is the first suspect, chosen at once.
        QCOMPARE(candidates->index(0, CandidatesModel::TypeColumn).data().toString(), QStringLiteral("builtins.tuple"));
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("builtins.tuple")));
        QString details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Surplus\nimmortal (none to measure")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Refcount\nimmortal (")), qPrintable(details));
        QVERIFY2(details.contains(QLocale().toString(1000000000)), qPrintable(details)); // the number is kept
        QVERIFY2(!details.contains(QStringLiteral("1000000000")), qPrintable(details)); // no raw surplus

        // An ordinary object's surplus is its number.
        candidatesView(window)->selectRow(1);
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("pkg.Leak")));
        details = detailsView(window)->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("Surplus\n3 (references that no object")), qPrintable(details));
        QVERIFY(!details.contains(QStringLiteral("immortal")));
    }

    // All objects (Ctrl+Shift+A) sorted by Surplus, most first, on the demo: the headers dicts that
    // fastparse leaked a reference to are found although their Request refers to them. Immortal
    // objects (None, small ints, one-character strings...) sort below every surplus, not above.
    void allObjectsBySurplusFindsLeakedHeaders()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(runHostScript(window, demoScript()));
        auto* view = part<CandidatesView>(window, "candidatesView");
        QCOMPARE(view->listMode(), CandidatesModel::ListMode::Candidates);
        QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, Qt::Key_A,
                        Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(view->listMode(), CandidatesModel::ListMode::AllObjects);
        const AnalyzedSnapshotPtr demo = window.session()->shownSnapshot();
        const Snapshot& s = demo->snapshot();
        const HeapAnalysis& a = demo->analysis();
        QAbstractItemModel* rows = view->model();
        QTRY_COMPARE(qulonglong(rows->rowCount()), qulonglong(s.objectCount()));
        view->sortByColumn(CandidatesModel::SurplusColumn, Qt::DescendingOrder);

        // The demo's headers dicts: {'host': 'example.org', ...}, one per Request, held by it.
        auto isHeaders = [&](ObjectIndex object) {
            return s.typeNameOf(object) == std::string_view("builtins.dict")
                && s.repr(object).find("'host': 'example.org'") != std::string_view::npos;
        };
        QList<int> headerRows;
        qulonglong previous = std::numeric_limits<qulonglong>::max();
        bool immortalSeen = false;
        for (int row = 0; row < rows->rowCount(); ++row) {
            const QModelIndex index = rows->index(row, CandidatesModel::SurplusColumn);
            const auto object = index.data(ObjectIndexRole).value<quint32>();
            const qulonglong key = index.data(SortRole).toULongLong();
            QVERIFY2(key <= previous, qPrintable(QStringLiteral("row %1 out of order").arg(row)));
            previous = key;
            // Immortal objects come last, every one of them: no real surplus after the first.
            if (a.hasImmortalRefcount(object)) {
                immortalSeen = true;
                QCOMPARE(index.data().toString(), QStringLiteral("immortal"));
            } else {
                QVERIFY2(!immortalSeen, qPrintable(QStringLiteral("row %1: a surplus below an immortal object").arg(row)));
            }
            if (isHeaders(object))
                headerRows << row;
        }
        QVERIFY(immortalSeen); // 3.11's static objects are in every snapshot
        QCOMPARE(headerRows.size(), 3);
        for (int row : headerRows) {
            const QModelIndex index = rows->index(row, CandidatesModel::SurplusColumn);
            const auto object = index.data(ObjectIndexRole).value<quint32>();
            QCOMPARE(a.referrerCount(object), 1u); // its Request
            QCOMPARE(a.surplus(object), std::int64_t(1)); // the reference parse_headers leaked
            QVERIFY(!a.isCandidate(object));
            QCOMPARE(a.surplusCause(object), SurplusCause::Unexplained);
        }
        // Where they rank: among the surpluses nothing explains, after the larger ones; before every
        // surplus with an expected cause (strings and static types that code objects and C statics
        // hold, which no traverse function reports), an object without a surplus, an immortal one.
        int largerUnexplained = 0;
        int unexplained = 0;
        int expected = 0;
        for (ObjectIndex object = 0; object < s.objectCount(); ++object) {
            if (a.hasImmortalRefcount(object) || a.surplus(object) <= 0)
                continue;
            if (a.surplusCause(object) == SurplusCause::Unexplained) {
                ++unexplained;
                largerUnexplained += a.surplus(object) > 1 ? 1 : 0;
            } else {
                ++expected;
            }
        }
        qInfo("headers dicts at rows %d, %d and %d of %d; %d unexplained surpluses (%d larger), %d with an "
              "expected cause",
              headerRows[0], headerRows[1], headerRows[2], rows->rowCount(), unexplained, largerUnexplained,
              expected);
        QVERIFY2(expected > unexplained, "most surpluses have an expected cause");
        QVERIFY2(headerRows.first() >= largerUnexplained, "a surplus of 1 sorted above a larger one");
        QVERIFY2(headerRows.last() < unexplained, "an unexplained surplus sorted below an expected one");
        // Chosen, the details say what the row says.
        view->selectRow(headerRows.first());
        QTRY_VERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("'host': 'example.org'")));
        QVERIFY2(detailsView(window)->toPlainText().contains(QStringLiteral("Surplus\n1 (references that no object")),
                 qPrintable(detailsView(window)->toPlainText()));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
