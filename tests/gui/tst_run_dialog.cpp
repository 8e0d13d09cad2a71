// Allocation tracking and the interpreter's isolation (-I, -E) as run options: the Run Script
// dialog's check boxes and depth, the request they make and the host launch it becomes, the window's
// settings, the recent scripts menu, and the application's --tracemalloc[=DEPTH], -I and -E options. Set LEAKSCOPE_SCREENSHOT=FILE.png to save the dialog as
// FILE-run.png.
#include "gui/main_window.h"
#include "gui/run_dialog.h"
#include "session/session.h"
#include "support/fake_target.h"
#include "support/process_start.h"

#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QSpinBox>

using namespace leakscope;

namespace {

// The mnemonic of a widget's text ("&Run" -> 'R', "Brows&e…" -> 'E'), upper case; null when it has
// none. "&&" is an ampersand, not a mnemonic.
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

// Every mnemonic under root, with the texts that carry it: labels with a buddy and buttons of every
// kind (check boxes, push buttons, the button box's).
QMultiMap<QChar, QString> mnemonicsIn(const QWidget& root)
{
    QMultiMap<QChar, QString> mnemonics;
    for (const QLabel* label : root.findChildren<QLabel*>()) {
        if (const QChar key = mnemonicOf(label->text()); !key.isNull() && label->buddy())
            mnemonics.insert(key, label->text());
    }
    for (const QAbstractButton* button : root.findChildren<QAbstractButton*>()) {
        if (const QChar key = mnemonicOf(button->text()); !key.isNull())
            mnemonics.insert(key, button->text());
    }
    return mnemonics;
}

} // namespace

class TestRunDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_folder;
    QString m_script;

    // A window whose runs go to FakeTargets; the requests they were made for are appended to runs.
    static void useFakeTargets(MainWindow& window, QList<RunRequest>& runs)
    {
        window.session()->setTargetFactory([&runs](const RunRequest& request) -> std::unique_ptr<Target> {
            runs << request;
            return std::make_unique<FakeTarget>();
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        QStandardPaths::setTestModeEnabled(true); // settings of the test, not the user's
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_folder.filePath(QStringLiteral("config"))));
        QCoreApplication::setOrganizationName(QStringLiteral("LeakScopeRunDialogTest"));
        m_script = m_folder.filePath(QStringLiteral("script.py"));
        QFile script(m_script);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("print('hi')\n");
    }

    void offByDefault()
    {
        RunDialog dialog({}, RunRequest());
        auto* track = dialog.findChild<QCheckBox*>(QStringLiteral("trackAllocations"));
        auto* depth = dialog.findChild<QSpinBox*>(QStringLiteral("tracemallocDepth"));
        QVERIFY(track && depth);
        QVERIFY(!track->isChecked());
        QVERIFY(!depth->isEnabled());
        QCOMPARE(depth->value(), 10);
        QCOMPARE(depth->minimum(), 1);
        QCOMPARE(depth->maximum(), 65535);
        QCOMPARE(dialog.request().effectiveTracemallocDepth(), 0u);
        auto* isolated = dialog.findChild<QCheckBox*>(QStringLiteral("isolated"));
        auto* ignoreEnvironment = dialog.findChild<QCheckBox*>(QStringLiteral("ignoreEnvironment"));
        QVERIFY(isolated && ignoreEnvironment);
        QVERIFY(!isolated->isChecked());
        QVERIFY(!ignoreEnvironment->isChecked());
        QVERIFY(ignoreEnvironment->isEnabled());
        QVERIFY(!dialog.request().isolated);
        QVERIFY(!dialog.request().ignoreEnvironment);
    }

    // Each Alt+letter of the dialog reaches one control: the script, its arguments, its folder, both
    // Browse buttons, the run options and Run.
    void mnemonicsAreUnique()
    {
        QVERIFY(mnemonicOf(QStringLiteral("Save && &quit")) == u'Q');
        QVERIFY(mnemonicOf(QStringLiteral("A && B")).isNull());
        RunDialog dialog({}, RunRequest());
        const QMultiMap<QChar, QString> mnemonics = mnemonicsIn(dialog);
        QVERIFY(mnemonics.size() >= 9);
        for (const QChar key : mnemonics.uniqueKeys()) {
            const QStringList texts = mnemonics.values(key);
            QVERIFY2(texts.size() == 1,
                     qPrintable(QStringLiteral("Alt+%1 is used by %2").arg(key, texts.join(QStringLiteral(", ")))));
        }
        // Alt+A was both Arguments and Track allocations; it now goes to the arguments alone.
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        auto* track = dialog.findChild<QCheckBox*>(QStringLiteral("trackAllocations"));
        QVERIFY(track);
        QTest::keyClick(&dialog, Qt::Key_A, Qt::AltModifier);
        QTRY_COMPARE(QApplication::focusWidget(), dialog.findChild<QWidget*>(QStringLiteral("arguments")));
        QVERIFY(!track->isChecked());
        QTest::keyClick(&dialog, mnemonicOf(track->text()).toLatin1(), Qt::AltModifier);
        QTRY_VERIFY(track->isChecked());
    }

    // -I and -E: shown as last chosen, given back, passed on to the host; -I implies -E.
    void isolationRoundTrip()
    {
        RunRequest last;
        last.script = m_script;
        last.isolated = true;
        RunDialog dialog({m_script}, last);
        auto* isolated = dialog.findChild<QCheckBox*>(QStringLiteral("isolated"));
        auto* ignoreEnvironment = dialog.findChild<QCheckBox*>(QStringLiteral("ignoreEnvironment"));
        QVERIFY(isolated && ignoreEnvironment);
        QVERIFY(isolated->isChecked());
        QVERIFY(!ignoreEnvironment->isEnabled());
        RunRequest request = dialog.request();
        QVERIFY(request.isolated);
        QVERIFY(!request.ignoreEnvironment);
        HostLaunch launch = hostLaunchFor(request);
        QVERIFY(launch.isolated);
        QVERIFY(!launch.ignoreEnvironment);

        isolated->setChecked(false);
        QVERIFY(ignoreEnvironment->isEnabled());
        ignoreEnvironment->setChecked(true);
        request = dialog.request();
        QVERIFY(!request.isolated);
        QVERIFY(request.ignoreEnvironment);
        launch = hostLaunchFor(request);
        QVERIFY(!launch.isolated);
        QVERIFY(launch.ignoreEnvironment);
    }

    // The dialog shows the last choice and gives it back; the depth is kept while tracking is off.
    void dialogRoundTrip()
    {
        RunRequest last;
        last.script = m_script;
        last.arguments = {QStringLiteral("a b"), QStringLiteral("c")};
        last.trackAllocations = true;
        last.tracemallocDepth = 25;
        RunDialog dialog({m_script}, last);
        const QString screenshot = QString::fromLocal8Bit(qgetenv("LEAKSCOPE_SCREENSHOT"));
        if (!screenshot.isEmpty()) {
            dialog.show();
            QVERIFY(dialog.grab().save(QString(screenshot).replace(QStringLiteral(".png"), QStringLiteral("-run.png"))));
        }
        auto* track = dialog.findChild<QCheckBox*>(QStringLiteral("trackAllocations"));
        auto* depth = dialog.findChild<QSpinBox*>(QStringLiteral("tracemallocDepth"));
        QVERIFY(track->isChecked());
        QVERIFY(depth->isEnabled());
        QCOMPARE(depth->value(), 25);
        RunRequest request = dialog.request();
        QCOMPARE(request.script, m_script);
        QCOMPARE(request.arguments, last.arguments);
        QVERIFY(request.trackAllocations);
        QCOMPARE(request.tracemallocDepth, 25);
        QCOMPARE(hostLaunchFor(request).tracemallocDepth, 25u);
        QCOMPARE(hostLaunchFor(request).workingDirectory, m_folder.path());

        track->setChecked(false);
        QVERIFY(!depth->isEnabled());
        request = dialog.request();
        QVERIFY(!request.trackAllocations);
        QCOMPARE(request.tracemallocDepth, 25);
        QCOMPARE(hostLaunchFor(request).tracemallocDepth, 0u);

        track->setChecked(true);
        depth->setValue(70000); // clamped by the spin box
        QCOMPARE(dialog.request().tracemallocDepth, 65535);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.accept();
        QCOMPARE(accepted.size(), 1);
    }

    void effectiveDepthIsClamped()
    {
        RunRequest request;
        request.trackAllocations = true;
        request.tracemallocDepth = 0;
        QCOMPARE(request.effectiveTracemallocDepth(), 1u);
        request.tracemallocDepth = 1000000;
        QCOMPARE(request.effectiveTracemallocDepth(), 65535u);
        request.trackAllocations = false;
        QCOMPARE(request.effectiveTracemallocDepth(), 0u);
    }

    // The window remembers the choice with the other run settings, and a recent script run again
    // keeps it.
    void settingsRoundTrip()
    {
        QList<RunRequest> runs;
        {
            MainWindow window;
            useFakeTargets(window, runs);
            RunRequest request;
            request.script = m_script;
            request.trackAllocations = true;
            request.tracemallocDepth = 7;
            request.isolated = true;
            window.runScript(request);
            QCOMPARE(runs.size(), 1);
            QCOMPARE(runs.last().effectiveTracemallocDepth(), 7u);
            QVERIFY(window.close()); // writes the settings
        }
        {
            MainWindow window;
            QVERIFY(window.lastRun().trackAllocations);
            QCOMPARE(window.lastRun().tracemallocDepth, 7);
            QVERIFY(window.lastRun().isolated);
            QVERIFY(!window.lastRun().ignoreEnvironment);
            useFakeTargets(window, runs);
            // Another recent script: its own arguments (none), the same tracking.
            auto* recent = window.findChild<QMenu*>(QStringLiteral("menuRecent"));
            QVERIFY(recent && !recent->actions().isEmpty());
            QCOMPARE(recent->actions().first()->text(), m_script);
            recent->actions().first()->trigger();
            QCOMPARE(runs.size(), 2);
            QCOMPARE(runs.last().script, m_script);
            QCOMPARE(runs.last().effectiveTracemallocDepth(), 7u);
            QVERIFY(runs.last().isolated);

            RunRequest untracked;
            untracked.script = m_script;
            untracked.tracemallocDepth = 12;
            untracked.ignoreEnvironment = true;
            window.runScript(untracked);
            QVERIFY(window.close());
        }
        MainWindow window;
        QVERIFY(!window.lastRun().trackAllocations);
        QCOMPARE(window.lastRun().tracemallocDepth, 12);
        QVERIFY(!window.lastRun().isolated);
        QVERIFY(window.lastRun().ignoreEnvironment);
    }

    void commandLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("depth"); // 0: not tracking
        QTest::addColumn<QStringList>("left");
        const QString app = QStringLiteral("leakscope");
        const QString s = QStringLiteral("s.py");
        const QString option = QStringLiteral("--tracemalloc");
        QTest::newRow("none") << QStringList{app, s} << true << 0 << QStringList{app, s};
        QTest::newRow("default depth") << QStringList{app, option, s} << true << 10 << QStringList{app, s};
        QTest::newRow("depth") << QStringList{app, QStringLiteral("--tracemalloc=3"), s} << true << 3 << QStringList{app, s};
        QTest::newRow("last wins") << QStringList{app, QStringLiteral("--tracemalloc=3"), option, s} << true << 10
                                   << QStringList{app, s};
        QTest::newRow("with other options") << QStringList{app, QStringLiteral("--help"), QStringLiteral("--tracemalloc=65535")}
                                            << true << 65535 << QStringList{app, QStringLiteral("--help")};
        // What follows the script, or "--", is the script's.
        QTest::newRow("script's own") << QStringList{app, s, option} << true << 0 << QStringList{app, s, option};
        QTest::newRow("after --") << QStringList{app, QStringLiteral("--"), option} << true << 0
                                  << QStringList{app, QStringLiteral("--"), option};
        QTest::newRow("zero") << QStringList{app, QStringLiteral("--tracemalloc=0"), s} << false << 0 << QStringList();
        QTest::newRow("too deep") << QStringList{app, QStringLiteral("--tracemalloc=65536"), s} << false << 0 << QStringList();
        QTest::newRow("word") << QStringList{app, QStringLiteral("--tracemalloc=deep"), s} << false << 0 << QStringList();
        QTest::newRow("empty") << QStringList{app, QStringLiteral("--tracemalloc="), s} << false << 0 << QStringList();
        QTest::newRow("plus") << QStringList{app, QStringLiteral("--tracemalloc=+5"), s} << false << 0 << QStringList();
        QTest::newRow("space") << QStringList{app, QStringLiteral("--tracemalloc= 5"), s} << false << 0 << QStringList();
    }

    void commandLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, ok);
        QFETCH(int, depth);
        QFETCH(QStringList, left);
        RunRequest request;
        QString error;
        QCOMPARE(takeTracemallocOption(arguments, request, &error), ok);
        if (!ok) {
            QVERIFY2(error.startsWith(QStringLiteral("--tracemalloc takes a depth from 1 to 65535, not '")), qPrintable(error));
            return;
        }
        QVERIFY(error.isEmpty());
        QCOMPARE(arguments, left);
        QCOMPARE(request.effectiveTracemallocDepth(), unsigned(depth));
    }

    // The application's own command line: documented in --help, a bad depth refused before any window.
    void applicationOption()
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess help;
        help.setProcessEnvironment(environment);
        startProcess(help, QStringLiteral(LEAKSCOPE_APP), {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(15000));
        QCOMPARE(help.exitCode(), 0);
        const QByteArray usage = help.readAllStandardOutput();
        QVERIFY2(usage.contains("--tracemalloc"), usage.constData());
        QVERIFY2(usage.contains("--tracemalloc=DEPTH keeps DEPTH"), usage.constData());
        QVERIFY2(usage.contains("-I ") && usage.contains("as python3 -I"), usage.constData());
        QVERIFY2(usage.contains("-E ") && usage.contains("as python3 -E"), usage.constData());

        QProcess bad;
        bad.setProcessEnvironment(environment);
        startProcess(bad, QStringLiteral(LEAKSCOPE_APP), {QStringLiteral("--tracemalloc=0"), m_script});
        QVERIFY(bad.waitForFinished(15000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY2(bad.readAllStandardError().contains("leakscope: --tracemalloc takes a depth from 1 to 65535, not '0'"),
                 "the application says what is wrong");
    }
};

QTEST_MAIN(TestRunDialog)
#include "tst_run_dialog.moc"
