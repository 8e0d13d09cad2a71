// Snapshot files in the window: File ▸ Open Snapshot… and what a file shows (its candidates, no live
// repr, and why), several files with a corrupt one, Save Snapshot As… and opening it again, Open
// Recent, files dropped on the window, `leakscope FILE.lssnap`, and the question before quitting with
// unsaved snapshots.
#include "gui/compare_view.h"
#include "gui_test_support.h"

#include "models/candidates_model.h"
#include "models/type_summary_model.h"
#include "session/session.h"
#include "snapshot/snapshot_file.h"
#include "support/pipe_watcher.h"
#include "support/process_start.h"

#include <QtCore/QDir>
#include <QtCore/QMimeData>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtGui/QDragEnterEvent>
#include <QtGui/QDropEvent>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QTreeView>

using namespace leakscope;
using namespace leakscope::guitest;

namespace {

constexpr int kTimeoutMs = 10000;

// count suspects of type pkg.Leak.
test::GraphSpec leaks(int count)
{
    test::GraphSpec spec;
    for (int k = 0; k < count; ++k)
        spec.objects.push_back({.type = "pkg.Leak", .size = 48});
    return spec;
}

QString writeSnapshot(const QTemporaryDir& dir, const QString& name, int count, const std::string& label)
{
    SnapshotColumns columns = test::buildColumns(leaks(count));
    columns.info.label = label;
    columns.info.capturedAtMs = 1'760'000'000'000;
    const QString path = dir.filePath(name);
    saveSnapshotFile(Snapshot(std::move(columns)), QFile::encodeName(path).toStdString());
    return path;
}

// A snapshot with leaks suspects of type pkg.Leak and items objects of type pkg.Item that a list (an
// explained candidate) holds: the items are no candidates, only All objects lists them.
QString writeSnapshotWithItems(const QTemporaryDir& dir, const QString& name, int leaks, int items)
{
    test::GraphSpec spec;
    spec.objects.push_back({.type = "builtins.list", .size = 88});
    for (int k = 0; k < items; ++k) {
        spec.objects[0].edges.push_back(static_cast<ObjectIndex>(spec.objects.size()));
        spec.objects.push_back({.type = "pkg.Item", .size = 32});
    }
    for (int k = 0; k < leaks; ++k)
        spec.objects.push_back({.type = "pkg.Leak", .size = 48});
    spec.explanations = {{0, "interpreter-root", "a module's list"}};
    SnapshotColumns columns = test::buildColumns(spec);
    columns.info.label = name.toStdString();
    const QString path = dir.filePath(name + QStringLiteral(".lssnap"));
    saveSnapshotFile(Snapshot(std::move(columns)), QFile::encodeName(path).toStdString());
    return path;
}

// Opens paths in window and waits until each is opened or failed.
bool openAndWait(MainWindow& window, const QStringList& paths)
{
    QSignalSpy done(window.session(), &Session::filesOpened);
    window.openSnapshotFiles(paths);
    return !done.isEmpty() || done.wait(kTimeoutMs);
}

// The file message the window shows without stopping (fileMessage), or null.
QMessageBox* fileMessage(const MainWindow& window)
{
    for (QMessageBox* box : window.findChildren<QMessageBox*>(QStringLiteral("fileMessage"))) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

// Answers the next file dialog with path (after checking what it proposes, when proposed is given).
void answerFileDialog(const QString& path, QString* proposed = nullptr)
{
    QTimer::singleShot(0, qApp, [path, proposed] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        if (proposed && !dialog->selectedFiles().isEmpty())
            *proposed = dialog->selectedFiles().first();
        dialog->selectFile(path);
        static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept() checks the name, as Save does
    });
}

} // namespace

class TestSnapshotFiles : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_files;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid() && m_files.isValid());
        isolateSettings(m_config, QStringLiteral("LeakScopeSnapshotFilesTest"));
    }

    void init()
    {
        QSettings().remove(QStringLiteral("files")); // no recent files from the test before
    }

    void anOpenedFileIsBrowsedButNotAskedLive()
    {
        const QString path = writeSnapshot(m_files, QStringLiteral("opened.lssnap"), 4, "after the requests");
        MainWindow window;
        window.show();
        QSignalSpy displayed(&window, &MainWindow::analysisDisplayed);
        QVERIFY(openAndWait(window, {path}));
        QTRY_VERIFY(!displayed.isEmpty());
        QCOMPARE(window.session()->snapshotCount(), 1);
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("opened.lssnap")));
        // Its candidates listed, the first one's details shown.
        QCOMPARE(candidatesView(window)->model()->rowCount(), 4);
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("pkg.Leak")));
        // Nothing live to ask: the button is off and says why.
        auto* fetch = part<QPushButton>(window, "fetchLiveRepr");
        auto* note = part<QLabel>(window, "fetchNote");
        QVERIFY(!fetch->isEnabled());
        QVERIFY2(
            note->text().contains(QStringLiteral("opened from a file has no live process")), qPrintable(note->text()));
        QVERIFY(fetch->toolTip().contains(QStringLiteral("opened from a file")));
        QVERIFY(action(window, "actionSave")->isEnabled());
        QVERIFY(!action(window, "actionCompare")->isEnabled()); // one snapshot
        QVERIFY(window.recentFiles().contains(path));
    }

    // A file someone sent names files of their machine (scripts, C sources, libraries): opening it and
    // browsing every candidate's details and referents opens none of them (each is a named pipe a
    // PipeWatcher would see opened) and starts no process.
    void browsingAFileOpensNoFileItNames()
    {
        const QString elsewhere = m_files.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(elsewhere));
        QStringList pipes;
        for (const char* name : {"app.py", "ext.c", "libext.so", "types.c", "libtypes.so"}) {
            pipes.append(elsewhere + QLatin1Char('/') + QLatin1String(name));
            QVERIFY(test::makePipe(pipes.last()));
        }
        test::GraphSpec spec;
        spec.objects = {{.type = "builtins.dict", .edges = {2}}, {.type = "ext.Widget"}, {.type = "builtins.list"}};
        spec.allocations = {{0, {{pipes[0].toStdString(), 12}}}, {1, {{pipes[0].toStdString(), 40}}}};
        spec.nativeStacks = {{0, {{"make_dict", pipes[2].toStdString(), pipes[1].toStdString(), 77}}, 0},
                             {1, {{"widget_new", pipes[4].toStdString(), pipes[3].toStdString(), 9}}, 0}};
        spec.origins = {{"ext.Widget", pipes[4].toStdString(), "WidgetType", pipes[3].toStdString()}};
        SnapshotColumns columns = test::buildColumns(spec);
        columns.info.tracemallocDepth = 5;
        const QString path = m_files.filePath(QStringLiteral("sent.lssnap"));
        saveSnapshotFile(Snapshot(std::move(columns)), QFile::encodeName(path).toStdString());

        test::PipeWatcher watcher(pipes);
        MainWindow window;
        window.show();
        QSignalSpy displayed(&window, &MainWindow::analysisDisplayed);
        QVERIFY(openAndWait(window, {path}));
        QTRY_VERIFY(!displayed.isEmpty());
        QTableView* candidates = candidatesView(window);
        QCOMPARE(candidates->model()->rowCount(), 2);
        for (int row = 0; row < candidates->model()->rowCount(); ++row) {
            candidates->setCurrentIndex(candidates->model()->index(row, 0));
            QTRY_VERIFY2(detailsView(window)->toPlainText().contains(QStringLiteral("app.py")),
                         qPrintable(detailsView(window)->toPlainText()));
            referentsView(window)->expandAll();
            QTest::qWait(50);
        }
        QVERIFY2(watcher.opened().isEmpty(), qPrintable(watcher.opened().join(QStringLiteral(", "))));
        QVERIFY(!window.session()->isConnected());
        QVERIFY(!window.session()->target());
    }

    void aCorruptFileIsNamedAndTheOthersOpen()
    {
        const QString first = writeSnapshot(m_files, QStringLiteral("one.lssnap"), 1, "one");
        const QString corrupt = m_files.filePath(QStringLiteral("broken.lssnap"));
        QVERIFY(writeFile(corrupt, QByteArray(200, 'x')));
        const QString last = writeSnapshot(m_files, QStringLiteral("three.lssnap"), 3, "three");
        MainWindow window;
        window.show();
        QVERIFY(openAndWait(window, {first, corrupt, last}));
        QCOMPARE(window.session()->snapshotCount(), 2);
        QCOMPARE(window.session()->snapshotLabel(1), QStringLiteral("three"));
        QTRY_VERIFY(fileMessage(window));
        QMessageBox* box = fileMessage(window);
        QVERIFY2(box->text().contains(QStringLiteral("broken.lssnap")), qPrintable(box->text()));
        QVERIFY(!box->text().contains(QStringLiteral("one.lssnap")));
        box->accept();
        QVERIFY(action(window, "actionCompare")->isEnabled());
        QVERIFY(!window.recentFiles().contains(corrupt));
    }

    void savedAsThenOpenedAgainIsTheSame()
    {
        MainWindow window;
        window.show();
        QVERIFY(runFake(window, leaks(6)));
        Session* session = window.session();
        QCOMPARE(session->unsavedSnapshots(), QList<int>{0});
        const QString path = m_files.filePath(QStringLiteral("saved-by-window.lssnap"));
        QString proposed;
        QSignalSpy saved(session, &Session::snapshotSaved);
        answerFileDialog(path, &proposed);
        action(window, "actionSave")->trigger();
        // Named after its label.
        QVERIFY2(proposed.endsWith(QStringLiteral("/end-of-script.lssnap")), qPrintable(proposed));
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY(session->isSnapshotSaved(0));
        QCOMPARE(session->snapshotFile(0), path);
        QVERIFY(QFile::exists(path));
        QCOMPARE(window.recentFiles().value(0), path);

        MainWindow other;
        QVERIFY(openAndWait(other, {path}));
        QCOMPARE(other.session()->snapshotCount(), 1);
        const AnalyzedSnapshotPtr before = session->analyzedSnapshot(0);
        const AnalyzedSnapshotPtr after = other.session()->analyzedSnapshot(0);
        QCOMPARE(after->snapshot().objectCount(), before->snapshot().objectCount());
        QCOMPARE(after->analysis().suspectCount(), before->analysis().suspectCount());
        // The label the snapshot was captured with, as the file keeps it.
        QCOMPARE(other.session()->snapshotLabel(0), QString::fromStdString(before->snapshot().info().label));
        QTRY_COMPARE(candidatesView(other)->model()->rowCount(), candidatesView(window)->model()->rowCount());
    }

    void aRenamedSnapshotIsSavedWithItsNewLabel()
    {
        const QString path = writeSnapshot(m_files, QStringLiteral("to-rename.lssnap"), 2, "as captured");
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openAndWait(window, {path}));
        Session* session = window.session();
        QCOMPARE(session->snapshotLabel(0), QStringLiteral("as captured"));

        // F2 in the snapshot list, as a user renames it.
        action(window, "actionGoToSnapshots")->trigger();
        auto* list = part<QAbstractItemView>(window, "snapshotList");
        QTRY_VERIFY(list->hasFocus());
        list->setCurrentIndex(list->model()->index(0, 0));
        QTest::keyClick(list, Qt::Key_F2);
        auto* editor = qobject_cast<QLineEdit*>(QApplication::focusWidget());
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("after the fix"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(session->snapshotLabel(0), QStringLiteral("after the fix"));

        // Save As writes the new label; the file it came from keeps the old one.
        const QString copy = m_files.filePath(QStringLiteral("renamed-copy.lssnap"));
        QSignalSpy saved(session, &Session::snapshotSaved);
        answerFileDialog(copy);
        action(window, "actionSave")->trigger();
        QVERIFY(saved.wait(kTimeoutMs));
        QCOMPARE(session->snapshotFile(0), copy);
        QCOMPARE(loadSnapshotFile(QFile::encodeName(copy).toStdString())->info().label, std::string("after the fix"));
        QCOMPARE(loadSnapshotFile(QFile::encodeName(path).toStdString())->info().label, std::string("as captured"));

        MainWindow other;
        QVERIFY(openAndWait(other, {copy}));
        QCOMPARE(other.session()->snapshotLabel(0), QStringLiteral("after the fix"));
        // Saved again without a rename, the label stays what the file says.
        const QString again = m_files.filePath(QStringLiteral("saved-again.lssnap"));
        QSignalSpy savedAgain(other.session(), &Session::snapshotSaved);
        other.session()->saveSnapshot(0, again);
        QVERIFY(savedAgain.wait(kTimeoutMs));
        QCOMPARE(loadSnapshotFile(QFile::encodeName(again).toStdString())->info().label, std::string("after the fix"));
    }

    void aTypeChosenInTheComparisonListsItsInstances()
    {
        const QString first = writeSnapshotWithItems(m_files, QStringLiteral("items-before"), 1, 1);
        const QString second = writeSnapshotWithItems(m_files, QStringLiteral("items-after"), 1, 4);
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openAndWait(window, {first, second}));
        Session* session = window.session();
        auto* compare = part<CompareView>(window, "compareView");
        action(window, "actionCompare")->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!compare->isBusy() && compare->comparison(), kTimeoutMs);
        session->showSnapshot(0);
        QTRY_COMPARE(session->shownIndex(), 0);
        QCOMPARE(candidatesView(window)->model()->rowCount(), 1); // the leak: the items are no candidates

        // Enter on pkg.Item in the comparison's types.
        auto* types = part<QTableView>(window, "compareTypes");
        const int row = rowNamed(*types->model(), QStringLiteral("pkg.Item"));
        QVERIFY(row >= 0);
        types->setFocus();
        types->setCurrentIndex(types->model()->index(row, 0));
        QTest::keyClick(types, Qt::Key_Return);

        // The newer snapshot, every object listed, only the items: the four of B.
        QTRY_COMPARE(session->shownIndex(), 1);
        QVERIFY(part<QAction>(window, "actionAllObjects")->isChecked());
        QAbstractItemModel* listed = candidatesView(window)->model();
        QTRY_COMPARE(listed->rowCount(), 4);
        for (int k = 0; k < listed->rowCount(); ++k)
            QCOMPARE(listed->index(k, CandidatesModel::TypeColumn).data().toString(), QStringLiteral("pkg.Item"));
        // Chosen as the Types table chooses it: its row selected there, the filter bar counts it.
        const QModelIndexList chosen = typesView(window)->selectionModel()->selectedRows();
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen.first().siblingAtColumn(TypeSummaryModel::TypeColumn).data().toString(), QStringLiteral("pkg.Item"));
        QVERIFY(detailsView(window)->toPlainText().contains(QStringLiteral("pkg.Item")));

        // A type only A has (freed since): shown in A.
        const QString gone = writeSnapshotWithItems(m_files, QStringLiteral("no-items"), 2, 0);
        QVERIFY(openAndWait(window, {gone}));
        compare->compare(1, 2);
        QTRY_VERIFY_WITH_TIMEOUT(!compare->isBusy() && compare->comparison(), kTimeoutMs);
        const int freed = rowNamed(*types->model(), QStringLiteral("pkg.Item"));
        QVERIFY(freed >= 0);
        types->setCurrentIndex(types->model()->index(freed, 0));
        QTest::keyClick(types, Qt::Key_Return);
        QTRY_COMPARE(session->shownIndex(), 1);
        QTRY_COMPARE(listed->rowCount(), 4);
    }

    void recentFilesAreKeptAndAMissingOneSaysSo()
    {
        const QString kept = writeSnapshot(m_files, QStringLiteral("kept.lssnap"), 1, "kept");
        const QString gone = writeSnapshot(m_files, QStringLiteral("gone.lssnap"), 1, "gone");
        {
            MainWindow window;
            QVERIFY(openAndWait(window, {gone, kept}));
            QCOMPARE(window.recentFiles(), (QStringList{kept, gone}));
        }
        QVERIFY(QFile::remove(gone));
        MainWindow window;
        window.show();
        auto* menu = part<QMenu>(window, "menuRecentFiles");
        QVERIFY(menu->isEnabled());
        QAction* goneAction = nullptr;
        for (QAction* entry : menu->actions()) {
            if (entry->data().toString() == gone)
                goneAction = entry;
        }
        QVERIFY(goneAction);
        goneAction->trigger();
        QTRY_VERIFY(fileMessage(window));
        QVERIFY(fileMessage(window)->text().contains(QStringLiteral("gone.lssnap")));
        fileMessage(window)->accept();
        QCOMPARE(window.recentFiles(), QStringList{kept});
        QCOMPARE(window.session()->snapshotCount(), 0);
        // The one there opens.
        QSignalSpy done(window.session(), &Session::filesOpened);
        menu->actions().first()->trigger();
        QVERIFY(done.wait(kTimeoutMs));
        QCOMPARE(window.session()->snapshotLabel(0), QStringLiteral("kept"));
        // Clear empties the menu, for the next session too.
        action(window, "actionClearRecentFiles")->trigger();
        QVERIFY(window.recentFiles().isEmpty());
        QVERIFY(!menu->isEnabled());
        MainWindow next;
        QVERIFY(next.recentFiles().isEmpty());
    }

    void droppedFilesOpen()
    {
        const QString dropped = writeSnapshot(m_files, QStringLiteral("dropped.lssnap"), 2, "dropped");
        const QString script = m_files.filePath(QStringLiteral("not-a-snapshot.py"));
        QVERIFY(writeFile(script, "print('hello')\n"));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QPoint where = window.rect().center();

        QMimeData scriptOnly;
        scriptOnly.setUrls({QUrl::fromLocalFile(script)});
        QDragEnterEvent refused(where, Qt::CopyAction, &scriptOnly, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &refused);
        QVERIFY(!refused.isAccepted());

        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dropped), QUrl::fromLocalFile(script)});
        QDragEnterEvent enter(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("dropped.lssnap")));
        QSignalSpy done(window.session(), &Session::filesOpened);
        QDropEvent drop(QPointF(where), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(done.wait(kTimeoutMs));
        QCOMPARE(window.session()->snapshotCount(), 1);
        QCOMPARE(window.session()->snapshotLabel(0), QStringLiteral("dropped"));
    }

    void theCommandLineOpensFiles()
    {
        const QString path = writeSnapshot(m_files, QStringLiteral("from-the-command-line.lssnap"), 3, "cli");
        const QString picture = m_files.filePath(QStringLiteral("window.png"));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess app;
        app.setProcessEnvironment(environment);
        startProcess(app, QStringLiteral(LEAKSCOPE_APP), {QStringLiteral("--screenshot"), picture, path});
        QVERIFY2(app.waitForFinished(60000), "leakscope --screenshot FILE.lssnap did not end");
        const QString errors = QString::fromLocal8Bit(app.readAllStandardError());
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QVERIFY2(app.exitCode() == 0, qPrintable(errors));
        QVERIFY(QFile::exists(picture));
        // --help says so.
        QProcess help;
        help.setProcessEnvironment(environment);
        startProcess(help, QStringLiteral(LEAKSCOPE_APP), {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(30000));
        QVERIFY(QString::fromLocal8Bit(help.readAllStandardOutput()).contains(QStringLiteral("FILE.lssnap")));
    }

    void quittingWithUnsavedSnapshotsAsks()
    {
        const QString saved = writeSnapshot(m_files, QStringLiteral("saved.lssnap"), 1, "saved");
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(openAndWait(window, {saved}));
        // Only saved snapshots: no question.
        QVERIFY(!triggerAnswering(action(window, "actionQuit"), QMessageBox::Cancel));
        QVERIFY(!window.isVisible());
        window.show();
        QVERIFY(runFake(window, leaks(2)));
        QCOMPARE(window.session()->unsavedSnapshots(), QList<int>{1});
        QVERIFY(triggerAnswering(action(window, "actionQuit"), QMessageBox::Cancel));
        QVERIFY(window.isVisible());
        QCOMPARE(window.session()->snapshotCount(), 2);
        QVERIFY(triggerAnswering(action(window, "actionQuit"), QMessageBox::Discard));
        QVERIFY(!window.isVisible());
    }

    void compareFromTheWindow()
    {
        const QString first = writeSnapshot(m_files, QStringLiteral("before.lssnap"), 1, "before");
        const QString second = writeSnapshot(m_files, QStringLiteral("after.lssnap"), 3, "after");
        MainWindow window;
        window.show();
        QVERIFY(openAndWait(window, {first, second}));
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("compareDock"));
        auto* compare = window.findChild<CompareView*>(QStringLiteral("compareView"));
        QVERIFY(dock && compare);
        QVERIFY(!dock->isVisible());
        QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("chartDock")));
        action(window, "actionCompare")->trigger();
        QVERIFY(dock->isVisible());
        QCOMPARE(compare->snapshotA(), 0);
        QCOMPARE(compare->snapshotB(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!compare->isBusy() && compare->comparison(), kTimeoutMs);

        // Choosing an object of the comparison shows it in the newer snapshot, as a step Back undoes.
        window.session()->showSnapshot(0);
        QTRY_COMPARE(window.session()->shownIndex(), 0);
        Q_EMIT compare->objectActivated(1, ObjectIndex(2));
        QTRY_COMPARE(window.session()->shownIndex(), 1);
        QVERIFY(action(window, "actionBack")->isEnabled());
    }

    void saveAllOnQuitSavesThenCloses()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(runFake(window, leaks(3)));
        const QString path = m_files.filePath(QStringLiteral("saved-on-quit.lssnap"));
        // The file dialog comes from within the question's answer: answered whenever it shows.
        QTimer answer;
        answer.setInterval(20);
        connect(&answer, &QTimer::timeout, this, [path] {
            if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
                // Typed as a user would: selectFile() keeps the proposed name once the dialog shows its folder.
                dialog->setDirectory(QFileInfo(path).absolutePath());
                auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
                QVERIFY(name);
                name->setText(QFileInfo(path).fileName());
                static_cast<QDialog*>(dialog)->accept();
            }
        });
        answer.start();
        QVERIFY(triggerAnswering(action(window, "actionQuit"), QMessageBox::SaveAll));
        QVERIFY(window.isVisible()); // until it is saved
        QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), kTimeoutMs);
        QVERIFY(QFile::exists(path));
        QVERIFY(window.session()->unsavedSnapshots().isEmpty());
    }
};

QTEST_MAIN(TestSnapshotFiles)
#include "tst_snapshot_files.moc"
