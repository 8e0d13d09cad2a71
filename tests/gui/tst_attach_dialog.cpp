// File ▸ Attach to Process…: the process list model (rows changed in place, never reset, under
// QAbstractItemModelTester with its filter proxy; the time a refresh of /proc takes), the dialog
// (filtered to a python3 child by its pid: one row, Attach enabled; a process that is not Python is
// never listed) and the window driven through the dialog against a real python3 child that plants leaks:
// F5 brings a snapshot whose suspects show in the candidates table, and Detach leaves the child running.
// LEAKSCOPE_SCREENSHOT_DIR, when set, receives grabs of the dialog and of the window.
#include "support/attach_targets.h"
#include "gui_test_support.h"

#include "attach/attach_check.h"
#include "gui/attach_dialog.h"
#include "gui/main_window.h"
#include "models/process_list_model.h"
#include "session/session.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QAbstractItemModelTester>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtGui/QAction>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableView>

using namespace Qt::StringLiterals;
using namespace leakscope;

namespace {

// A python3 child planting leaks and sleeping until its stop file exists (tests/scripts/attach_target.py).
class Child
{
public:
    explicit Child(const QString& program = QStringLiteral(LEAKSCOPE_TEST_PYTHON), QStringList arguments = {})
    {
        m_stop = m_dir.filePath(u"stop"_s);
        if (arguments.isEmpty())
            arguments = {QStringLiteral(LEAKSCOPE_TEST_SCRIPTS) + u"/attach_target.py"_s,
                         QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR), u"sleep"_s, m_stop};
        m_process.setProcessEnvironment(leakscope::attachtest::targetEnvironment());
        m_process.start(program, arguments);
    }
    ~Child()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    bool waitReady()
    {
        QElapsedTimer clock;
        clock.start();
        while (!m_out.contains("ready\n") && clock.elapsed() < 30000) {
            if (m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(200);
            m_out += m_process.readAllStandardOutput();
        }
        return m_out.contains("ready\n");
    }
    qint64 pid() const { return m_process.processId(); }
    QProcess& process() { return m_process; }
    int finish()
    {
        QFile(m_stop).open(QIODevice::WriteOnly);
        const bool ended = m_process.waitForFinished(30000);
        return ended && m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QTemporaryDir m_dir;
    QString m_stop;
    QProcess m_process;
    QByteArray m_out;
};

ProcessRow row(qint64 pid, const QString& command, bool attachable = true)
{
    ProcessRow r;
    r.pid = pid;
    r.user = u"alice"_s;
    r.python = u"3.11"_s;
    r.command = command;
    r.attachable = attachable;
    if (!attachable)
        r.reason = u"not allowed"_s;
    return r;
}

QList<qint64> pidsOf(const ProcessListModel& model)
{
    QList<qint64> pids;
    for (int r = 0; r < model.rowCount(); ++r)
        pids << model.processRow(r).pid;
    return pids;
}

void saveScreenshot(QWidget& widget, const QString& name)
{
    const QString folder = qEnvironmentVariable("LEAKSCOPE_SCREENSHOT_DIR");
    if (folder.isEmpty())
        return;
    const QString path = folder + u'/' + name;
    QVERIFY2(widget.grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

bool ptraceAllowed(qint64 pid, QString* why)
{
    const auto check = attach::checkAttach(static_cast<pid_t>(pid), attach::currentSystem());
    *why = QString::fromStdString(check.message);
    return check.ok();
}

} // namespace

class AttachDialogTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        guitest::isolateSettings(m_config, u"LeakScopeAttachTest"_s);
        // The window's targets find the agent there (attach::agentLibraryPath()).
        qputenv("LEAKSCOPE_AGENT", LEAKSCOPE_AGENT_LIBRARY);
    }
    void rowsChangeInPlace();
    void refreshListsPythonChild();
    void dialogFiltersToChild();
    void refusedRowSaysWhy();
    void attachFromWindowAndSnapshot();
    void failedAttachSaysWhy();

private:
    QTemporaryDir m_config;
};

void AttachDialogTest::rowsChangeInPlace()
{
    ProcessListModel model;
    ProcessFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(ProcessListModel::PidColumn);
    QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setRows({row(10, u"a"_s), row(30, u"c"_s), row(50, u"e"_s), row(60, u"f"_s)});
    QCOMPARE(pidsOf(model), (QList<qint64>{10, 30, 50, 60}));
    const QPersistentModelIndex fifty = model.index(2, ProcessListModel::CommandColumn);
    const QPersistentModelIndex fiftyInProxy = proxy.mapFromSource(fifty);
    inserted.clear();

    // 30 and 60 are gone, 20, 40 and 70 came, 50 changed its command line: 10 stays as it was.
    model.setRows({row(10, u"a"_s), row(20, u"b"_s), row(40, u"d"_s), row(50, u"e2"_s), row(70, u"g"_s)});
    QCOMPARE(pidsOf(model), (QList<qint64>{10, 20, 40, 50, 70}));
    QCOMPARE(resets.size(), 0);
    QCOMPARE(removed.size(), 2);
    QCOMPARE(inserted.size(), 3); // 20 before 30's removal, 40 after it, 70 at the end
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 3);
    QVERIFY(fifty.isValid());
    QCOMPARE(fifty.row(), 3);
    QCOMPARE(fifty.data().toString(), u"e2"_s);
    QCOMPARE(fiftyInProxy.data(ProcessListModel::PidRole).toLongLong(), 50);
    QCOMPARE(model.rowOfPid(40), 2);
    QCOMPARE(model.rowOfPid(30), -1);

    // The same rows again change nothing.
    changed.clear();
    model.setRows({row(10, u"a"_s), row(20, u"b"_s), row(40, u"d"_s), row(50, u"e2"_s), row(70, u"g"_s)});
    QCOMPARE(changed.size(), 0);

    // A refused row: its reason as tooltip and ReasonRole; the filter finds pid, user and command text.
    model.setRows({row(10, u"python3 server.py"_s), row(20, u"python3 -m worker"_s, false)});
    QCOMPARE(model.index(1, 0).data(ProcessListModel::AttachableRole).toBool(), false);
    QCOMPARE(model.index(1, 0).data(Qt::ToolTipRole).toString(), u"not allowed"_s);
    proxy.setFilterText(u"WORKER"_s);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(ProcessListModel::PidRole).toLongLong(), 20);
    proxy.setFilterText(u"10"_s);
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setFilterText(u"alice"_s);
    QCOMPARE(proxy.rowCount(), 2);
    model.setRows({});
    QCOMPARE(proxy.rowCount(), 0);
    QCOMPARE(resets.size(), 0);
}

void AttachDialogTest::refreshListsPythonChild()
{
    Child python;
    Child sleeper(u"/bin/sleep"_s, {u"30"_s});
    QVERIFY(python.waitReady());
    QVERIFY(sleeper.process().waitForStarted());
    ProcessListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setShowAll(true);
    double slowest = 0;
    for (int round = 0; round < 5; ++round)
        slowest = std::max(slowest, model.refresh());
    qInfo("refresh of /proc: %.1f ms (slowest of 5) for %d listed processes", slowest, model.rowCount());
    const int r = model.rowOfPid(python.pid());
    QVERIFY(r >= 0);
    const ProcessRow& child = model.processRow(r);
    QCOMPARE(child.python, QStringLiteral(LEAKSCOPE_BUILT_FOR_PYTHON));
    QVERIFY2(child.command.contains(u"attach_target.py"_s), qPrintable(child.command));
    QString why;
    QCOMPARE(child.attachable, ptraceAllowed(python.pid(), &why));
    QCOMPARE(child.reason, child.attachable ? QString() : why);
    QCOMPARE(model.rowOfPid(sleeper.pid()), -1); // not Python: never listed
    // Once the child is gone, its row goes at the next refresh.
    const qint64 pid = python.pid();
    python.process().kill();
    python.process().waitForFinished();
    model.refresh();
    QCOMPARE(model.rowOfPid(pid), -1);
}

void AttachDialogTest::dialogFiltersToChild()
{
    Child python;
    QVERIFY(python.waitReady());
    QString why;
    const bool allowed = ptraceAllowed(python.pid(), &why);
    AttachDialog dialog;
    QAbstractItemModelTester tester(dialog.filterProxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    if (!allowed) // listed only with Show all
        QSKIP(qPrintable(u"attaching is not permitted here: "_s + why));
    QVERIFY(dialog.processModel()->rowOfPid(python.pid()) >= 0);
    QVERIFY(!dialog.attachButton()->isEnabled());
    QTest::keyClicks(dialog.filterEdit(), QString::number(python.pid()));
    // Other pids may contain the child's digits; the child's row is there, and is the only one whose pid is it.
    int exact = 0;
    for (int r = 0; r < dialog.filterProxy()->rowCount(); ++r)
        exact += dialog.filterProxy()->index(r, 0).data(ProcessListModel::PidRole).toLongLong() == python.pid();
    QCOMPARE(exact, 1);
    QVERIFY(dialog.selectPid(python.pid()));
    QCOMPARE(dialog.selectedPid(), python.pid());
    QVERIFY(dialog.attachButton()->isEnabled());
    QVERIFY(dialog.selectedCommand().contains(u"attach_target.py"_s));
    // The two-second refresh keeps the selection.
    QTest::qWait(AttachDialog::kRefreshMs + 300);
    QCOMPARE(dialog.selectedPid(), python.pid());
    // A filter that matches no process empties the list and the selection.
    dialog.filterEdit()->setText(u"no process is called this"_s);
    QCOMPARE(dialog.filterProxy()->rowCount(), 0);
    QVERIFY(!dialog.attachButton()->isEnabled());
    dialog.filterEdit()->setText(QString::number(python.pid()));
    if (dialog.filterProxy()->rowCount() == 1) // none of the other pids contains the child's
        QCOMPARE(dialog.selectedPid(), python.pid());
    dialog.selectPid(python.pid());
    saveScreenshot(dialog, u"attach_dialog.png"_s);
}

void AttachDialogTest::refusedRowSaysWhy()
{
    // Checked within the first two seconds, before the refresh replaces the rows given.
    AttachDialog dialog;
    dialog.processModel()->setRows({row(4100, u"/usr/bin/python3 server.py"_s),
                                    row(4200, u"/usr/bin/python3 -m worker"_s, false)});
    dialog.resize(640, 240);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(dialog.selectPid(4200));
    QVERIFY(!dialog.attachButton()->isEnabled());
    QCOMPARE(dialog.noteLabel()->text(), u"Cannot attach: not allowed"_s);
    // A double-click on it attaches to nothing.
    const QModelIndex refused = dialog.table()->model()->index(1, 0);
    QTest::mouseClick(dialog.table()->viewport(), Qt::LeftButton, {}, dialog.table()->visualRect(refused).center());
    QTest::mouseDClick(dialog.table()->viewport(), Qt::LeftButton, {}, dialog.table()->visualRect(refused).center());
    QCOMPARE(dialog.selectedPid(), 4200);
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(dialog.selectPid(4100));
    QVERIFY(dialog.attachButton()->isEnabled());
    QVERIFY(!dialog.noteLabel()->text().startsWith(u"Cannot attach"_s));
    dialog.selectPid(4200);
    saveScreenshot(dialog, u"attach_dialog_refused.png"_s);
    // The same double-click on the attachable row does attach (so the one above reached the table).
    const QModelIndex attachable = dialog.table()->model()->index(0, 0);
    const QPoint at = dialog.table()->visualRect(attachable).center();
    QTest::mouseClick(dialog.table()->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(dialog.table()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.selectedPid(), 4100);
}

void AttachDialogTest::attachFromWindowAndSnapshot()
{
    Child python;
    QVERIFY(python.waitReady());
    QString why;
    if (!ptraceAllowed(python.pid(), &why))
        QSKIP(qPrintable(u"attaching is not permitted here: "_s + why));
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QAction* attach = guitest::action(window, "actionAttach");
    QCOMPARE(attach->shortcut(), QKeySequence(u"Ctrl+Shift+P"_s));

    // The dialog as a user would work it: the child's row selected, then Attach.
    bool chosen = false;
    QTimer::singleShot(0, &window, [&] {
        auto* dialog = qobject_cast<AttachDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        dialog->filterEdit()->setText(QString::number(python.pid()));
        if (!dialog->selectPid(python.pid()))
            return dialog->reject();
        chosen = true;
        QTest::mouseClick(dialog->attachButton(), Qt::LeftButton);
    });
    attach->trigger();
    QVERIFY(chosen);
    Session* session = window.session();
    QVERIFY(session->target());
    QVERIFY(session->target()->isAttached());
    QTRY_COMPARE_WITH_TIMEOUT(session->state(), Target::State::Running, 30000);
    QCOMPARE(session->target()->pid(), python.pid());
    QAction* terminate = guitest::action(window, "actionTerminate");
    QCOMPARE(terminate->text(), u"&Detach"_s);
    QVERIFY(!guitest::action(window, "actionInterrupt")->isEnabled());
    QVERIFY(session->runOutput(session->runCount()).contains(u"its own output is not shown here"_s));

    // F5, as for a script.
    QAction* snapshot = guitest::action(window, "actionSnapshot");
    QTRY_VERIFY(snapshot->isEnabled());
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(QApplication::focusWidget() ? QApplication::focusWidget() : &window, Qt::Key_F5);
    QVERIFY(session->isSnapshotPending());
    QTRY_VERIFY_WITH_TIMEOUT(session->snapshotCount() == 1 || session->state() == Target::State::Lost, 30000);
    QVERIFY2(session->snapshotCount() == 1, qPrintable(session->runOutput(session->runCount())));
    QTRY_COMPARE_WITH_TIMEOUT(session->shownIndex(), 0, 10000);
    QCOMPARE(session->snapshotOrigin(0).pid, python.pid());
    QVERIFY(session->isFromCurrentTarget(0));
    QTableView* candidates = guitest::candidatesView(window);
    QStringList shown;
    for (int r = 0; r < candidates->model()->rowCount(); ++r)
        shown << candidates->model()->index(r, 0).data().toString() + u' '
                   + candidates->model()->index(r, 1).data().toString() + u' '
                   + candidates->model()->index(r, 2).data().toString();
    const QString listed = shown.join(u'\n');
    // The three planted orphans: the dict, the list and the plantleak.Leaky instance.
    for (const QString& type : {u"builtins.dict"_s, u"builtins.list"_s, u"plantleak.Leaky"_s})
        QVERIFY2(listed.contains(type), qPrintable(listed));
    QTest::qWait(200);
    saveScreenshot(window, u"attach_window.png"_s);

    // Detach: the snapshot stays, the process runs on and ends on its own.
    terminate->trigger();
    QCOMPARE(session->state(), Target::State::Finished);
    QCOMPARE(session->snapshotCount(), 1);
    QTest::qWait(300);
    QCOMPARE(python.process().state(), QProcess::Running);
    QCOMPARE(python.finish(), 0);
}

void AttachDialogTest::failedAttachSaysWhy()
{
    Child sleeper(u"/bin/sleep"_s, {u"30"_s});
    QVERIFY(sleeper.process().waitForStarted());
    const auto check = attach::checkAttach(static_cast<pid_t>(sleeper.pid()), attach::currentSystem());
    QCOMPARE(check.verdict, attach::Verdict::NotPython);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.attachToProcess(sleeper.pid(), u"/bin/sleep 30"_s);
    Session* session = window.session();
    QTRY_COMPARE_WITH_TIMEOUT(session->state(), Target::State::Lost, 10000);
    const QString reason = QString::fromStdString(check.message);
    const QString output = session->runOutput(session->runCount());
    QVERIFY2(output.contains(reason), qPrintable(output));
    // Said as the end of a session with a process, not as an interpreter LeakScope ran.
    QVERIFY2(output.contains(u"The session with the process ended: "_s), qPrintable(output));
    QVERIFY2(!output.contains(u"The interpreter is gone"_s), qPrintable(output));
    QCOMPARE(guitest::action(window, "actionSnapshot")->isEnabled(), false);
    QCOMPARE(sleeper.process().state(), QProcess::Running);
}

QTEST_MAIN(AttachDialogTest)
#include "tst_attach_dialog.moc"
