// Allocation tracking, C allocation stacks, the interpreter's isolation (-I, -E) and a module instead
// of a script (-m) as run options: the Run Script dialog's controls, the request they make and the
// host launch it becomes, the window's settings, the recent scripts menu, and the application's
// --tracemalloc[=DEPTH], --native-traces[=DEPTH], -I, -E and -m options. Set
// LEAKSCOPE_SCREENSHOT=FILE.png to save the dialog as FILE-run.png (and its Module mode as
// FILE-run-module.png).
#include "gui/main_window.h"
#include "gui/run_dialog.h"
#include "gui/run_history.h"
#include "session/session.h"
#include "support/fake_target.h"
#include "support/process_start.h"

#include <QtCore/QProcess>
#include <QtCore/QSettings>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QAbstractButton>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QRadioButton>
#include <QtWidgets/QSpinBox>

#include <utility>

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
        auto* native = dialog.findChild<QCheckBox*>(QStringLiteral("nativeTraces"));
        auto* nativeDepth = dialog.findChild<QSpinBox*>(QStringLiteral("nativeTraceDepth"));
        QVERIFY(native && nativeDepth);
        QVERIFY(!native->isChecked());
        QVERIFY(native->isEnabled()); // usable without tracemalloc
        QVERIFY(!nativeDepth->isEnabled());
        QCOMPARE(nativeDepth->value(), 16);
        QCOMPARE(nativeDepth->minimum(), 1);
        QCOMPARE(nativeDepth->maximum(), 256);
        QCOMPARE(dialog.request().effectiveNativeTraceDepth(), 0u);
        QCOMPARE(hostLaunchFor(dialog.request()).nativeTraceDepth, 0u);
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

    // Record C allocation stacks: a row of its own, on with or without Track allocations; the depth is
    // kept while it is off and reaches the host's launch only while it is on.
    void nativeTracesRoundTrip()
    {
        RunRequest last;
        last.script = m_script;
        last.nativeTraces = true;
        last.nativeTraceDepth = 32;
        RunDialog dialog({m_script}, last);
        auto* track = dialog.findChild<QCheckBox*>(QStringLiteral("trackAllocations"));
        auto* tracemallocDepth = dialog.findChild<QSpinBox*>(QStringLiteral("tracemallocDepth"));
        auto* native = dialog.findChild<QCheckBox*>(QStringLiteral("nativeTraces"));
        auto* depth = dialog.findChild<QSpinBox*>(QStringLiteral("nativeTraceDepth"));
        QVERIFY(track && tracemallocDepth && native && depth);
        QVERIFY(!track->isChecked());
        QVERIFY(native->isChecked());
        QVERIFY(depth->isEnabled());
        QCOMPARE(depth->value(), 32);
        RunRequest request = dialog.request();
        QVERIFY(request.nativeTraces);
        QCOMPARE(request.nativeTraceDepth, 32);
        QVERIFY(!request.trackAllocations);
        HostLaunch launch = hostLaunchFor(request);
        QCOMPARE(launch.nativeTraceDepth, 32u);
        QCOMPARE(launch.tracemallocDepth, 0u);
        QCOMPARE(describeRun(request),
                 QStringLiteral("Running %1 (recording C allocation stacks, 32 frames)").arg(m_script));

        // Both at once, each with its own depth.
        track->setChecked(true);
        tracemallocDepth->setValue(4);
        request = dialog.request();
        launch = hostLaunchFor(request);
        QCOMPARE(launch.tracemallocDepth, 4u);
        QCOMPARE(launch.nativeTraceDepth, 32u);
        QCOMPARE(describeRun(request),
                 QStringLiteral("Running %1 (tracking allocations, 4 frames; recording C allocation stacks, 32 frames)")
                     .arg(m_script));

        // Off: the spin box goes grey, its value stays in the request, nothing reaches the host.
        native->setChecked(false);
        QVERIFY(!depth->isEnabled());
        QVERIFY(tracemallocDepth->isEnabled()); // the other row is not touched
        request = dialog.request();
        QVERIFY(!request.nativeTraces);
        QCOMPARE(request.nativeTraceDepth, 32);
        QCOMPARE(hostLaunchFor(request).nativeTraceDepth, 0u);
        QCOMPARE(hostLaunchFor(request).tracemallocDepth, 4u);

        native->setChecked(true);
        QVERIFY(depth->isEnabled());
        depth->setValue(1000); // clamped by the spin box
        QCOMPARE(dialog.request().nativeTraceDepth, 256);
        depth->setValue(1);
        QVERIFY2(describeRun(dialog.request()).contains(QStringLiteral("recording C allocation stacks, 1 frame)")),
                 qPrintable(describeRun(dialog.request())));
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.accept();
        QCOMPARE(accepted.size(), 1);

        // A depth out of range from elsewhere (old settings, a hand-made request) is clamped.
        last.nativeTraceDepth = 5000;
        RunDialog clamped({m_script}, last);
        QCOMPARE(clamped.findChild<QSpinBox*>(QStringLiteral("nativeTraceDepth"))->value(), 256);
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

        request.nativeTraces = true;
        request.nativeTraceDepth = 0;
        QCOMPARE(request.effectiveNativeTraceDepth(), 1u);
        request.nativeTraceDepth = 1000;
        QCOMPARE(request.effectiveNativeTraceDepth(), 256u);
        QCOMPARE(hostLaunchFor(request).nativeTraceDepth, 256u);
        request.nativeTraces = false;
        QCOMPARE(request.effectiveNativeTraceDepth(), 0u);
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
            request.nativeTraces = true;
            request.nativeTraceDepth = 48;
            request.isolated = true;
            window.runScript(request);
            QCOMPARE(runs.size(), 1);
            QCOMPARE(runs.last().effectiveTracemallocDepth(), 7u);
            QCOMPARE(runs.last().effectiveNativeTraceDepth(), 48u);
            QVERIFY(window.close()); // writes the settings
        }
        {
            MainWindow window;
            QVERIFY(window.lastRun().trackAllocations);
            QCOMPARE(window.lastRun().tracemallocDepth, 7);
            QVERIFY(window.lastRun().nativeTraces);
            QCOMPARE(window.lastRun().nativeTraceDepth, 48);
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
            QCOMPARE(runs.last().effectiveNativeTraceDepth(), 48u);
            QVERIFY(runs.last().isolated);

            RunRequest untracked;
            untracked.script = m_script;
            untracked.tracemallocDepth = 12;
            untracked.nativeTraceDepth = 3;
            untracked.ignoreEnvironment = true;
            window.runScript(untracked);
            QVERIFY(window.close());
        }
        MainWindow window;
        QVERIFY(!window.lastRun().trackAllocations);
        QCOMPARE(window.lastRun().tracemallocDepth, 12);
        QVERIFY(!window.lastRun().nativeTraces);
        QCOMPARE(window.lastRun().nativeTraceDepth, 3);
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

    // RunHistory keeps the C stacks choice in the settings apart from tracemalloc's; a depth out of
    // range there (a hand-edited file) is read back clamped.
    void nativeTracesInTheSettings()
    {
        const QString file = m_folder.filePath(QStringLiteral("native-traces.ini"));
        RunHistory written;
        RunRequest request;
        request.script = m_script;
        request.nativeTraces = true;
        request.nativeTraceDepth = 64;
        written.remember(request);
        {
            QSettings settings(file, QSettings::IniFormat);
            written.write(settings);
        }
        RunHistory read;
        {
            const QSettings settings(file, QSettings::IniFormat);
            QVERIFY(settings.value(QStringLiteral("run/nativeTraces")).toBool());
            read.read(settings);
        }
        QVERIFY(read.lastRun().nativeTraces);
        QCOMPARE(read.lastRun().nativeTraceDepth, 64);
        QVERIFY(!read.lastRun().trackAllocations);
        QCOMPARE(read.runOf(m_script).effectiveNativeTraceDepth(), 64u);
        // Another script run from the recent list gets the same choice, without the last one's arguments.
        QCOMPARE(read.runOf(QStringLiteral("/elsewhere/other.py")).effectiveNativeTraceDepth(), 64u);

        for (const auto& [stored, expected] : {std::pair{999, 256}, std::pair{0, 1}, std::pair{-5, 1}}) {
            {
                QSettings settings(file, QSettings::IniFormat);
                settings.setValue(QStringLiteral("run/nativeTraceDepth"), stored);
            }
            const QSettings settings(file, QSettings::IniFormat);
            RunHistory clamped;
            clamped.read(settings);
            QCOMPARE(clamped.lastRun().nativeTraceDepth, expected);
        }
    }

    void nativeTracesCommandLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("depth"); // 0: not recording
        QTest::addColumn<QStringList>("left");
        QTest::addColumn<QString>("error");
        const QString app = QStringLiteral("leakscope");
        const QString s = QStringLiteral("s.py");
        const QString option = QStringLiteral("--native-traces");
        QTest::newRow("none") << QStringList{app, s} << true << 0 << QStringList{app, s} << "";
        QTest::newRow("default depth") << QStringList{app, option, s} << true << 16 << QStringList{app, s} << "";
        QTest::newRow("depth") << QStringList{app, QStringLiteral("--native-traces=32"), s} << true << 32
                               << QStringList{app, s} << "";
        QTest::newRow("largest") << QStringList{app, QStringLiteral("--native-traces=256"), s} << true << 256
                                 << QStringList{app, s} << "";
        QTest::newRow("last wins") << QStringList{app, QStringLiteral("--native-traces=3"), option, s} << true << 16
                                   << QStringList{app, s} << "";
        // The other option is left for its own parser.
        QTest::newRow("beside --tracemalloc")
            << QStringList{app, QStringLiteral("--tracemalloc=5"), QStringLiteral("--native-traces=8"),
                           QStringLiteral("-I"), s}
            << true << 8 << QStringList{app, QStringLiteral("--tracemalloc=5"), QStringLiteral("-I"), s} << "";
        QTest::newRow("script's own") << QStringList{app, s, option} << true << 0 << QStringList{app, s, option} << "";
        QTest::newRow("after --") << QStringList{app, QStringLiteral("--"), option} << true << 0
                                  << QStringList{app, QStringLiteral("--"), option} << "";
        QTest::newRow("zero") << QStringList{app, QStringLiteral("--native-traces=0"), s} << false << 0 << QStringList()
                              << "--native-traces takes a depth from 1 to 256, not '0'";
        QTest::newRow("too deep") << QStringList{app, QStringLiteral("--native-traces=257"), s} << false << 0
                                  << QStringList() << "--native-traces takes a depth from 1 to 256, not '257'";
        QTest::newRow("word") << QStringList{app, QStringLiteral("--native-traces=deep"), s} << false << 0
                              << QStringList() << "--native-traces takes a depth from 1 to 256, not 'deep'";
        QTest::newRow("empty") << QStringList{app, QStringLiteral("--native-traces="), s} << false << 0 << QStringList()
                               << "--native-traces takes a depth from 1 to 256, not ''";
    }

    // `leakscope --native-traces=32 script.py`: the request records C stacks 32 frames deep.
    void nativeTracesCommandLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, ok);
        QFETCH(int, depth);
        QFETCH(QStringList, left);
        QFETCH(QString, error);
        RunRequest request;
        QString said;
        QCOMPARE(takeNativeTracesOption(arguments, request, &said), ok);
        QCOMPARE(said, error);
        if (!ok)
            return;
        QCOMPARE(arguments, left);
        QCOMPARE(request.nativeTraces, depth != 0);
        QCOMPARE(request.effectiveNativeTraceDepth(), unsigned(depth));
        QCOMPARE(hostLaunchFor(request).nativeTraceDepth, unsigned(depth));
        QVERIFY(!request.trackAllocations); // --native-traces does not turn tracemalloc on
        QString tracemallocError;
        QVERIFY(takeTracemallocOption(arguments, request, &tracemallocError));
        QCOMPARE(request.effectiveNativeTraceDepth(), unsigned(depth)); // nor the other way round
    }

    // Module mode: the combo offers recent modules, the request names the module, and the host runs
    // it with -m in the application's working directory (or the one chosen).
    void moduleModeBuildsTheRequest()
    {
        RunRequest last;
        last.script = m_script;
        last.arguments = {QStringLiteral("old")};
        RunDialog dialog({QStringLiteral("-m json.tool"), m_script, QStringLiteral("-m pytest")}, last);
        auto* scriptKind = dialog.findChild<QRadioButton*>(QStringLiteral("scriptKind"));
        auto* moduleKind = dialog.findChild<QRadioButton*>(QStringLiteral("moduleKind"));
        auto* name = dialog.findChild<QComboBox*>(QStringLiteral("script"));
        auto* label = dialog.findChild<QLabel*>(QStringLiteral("scriptLabel"));
        auto* browse = dialog.findChild<QWidget*>(QStringLiteral("browseScript"));
        auto* arguments = dialog.findChild<QLineEdit*>(QStringLiteral("arguments"));
        auto* directory = dialog.findChild<QLineEdit*>(QStringLiteral("directory"));
        QVERIFY(scriptKind && moduleKind && name && label && browse && arguments && directory);
        QVERIFY(scriptKind->isChecked());
        QVERIFY(!dialog.isModule());
        QCOMPARE(name->count(), 1); // the recent scripts only
        QCOMPARE(name->currentText(), m_script);

        moduleKind->click();
        QVERIFY(dialog.isModule());
        QCOMPARE(label->text(), QStringLiteral("&Module:"));
        QVERIFY(!browse->isEnabled());
        QCOMPARE(name->count(), 2);
        QCOMPARE(name->itemText(0), QStringLiteral("json.tool"));
        QCOMPARE(name->itemText(1), QStringLiteral("pytest"));
        QCOMPARE(name->currentText(), QStringLiteral("json.tool")); // the most recent module
        const QString screenshot = QString::fromLocal8Bit(qgetenv("LEAKSCOPE_SCREENSHOT"));
        if (!screenshot.isEmpty()) {
            dialog.show();
            QVERIFY(dialog.grab().save(QString(screenshot).replace(QStringLiteral(".png"), QStringLiteral("-run-module.png"))));
        }
        name->setCurrentText(QStringLiteral(" pytest "));
        arguments->setText(QStringLiteral("-p leakscope.pytest \"tests dir\""));
        RunRequest request = dialog.request();
        QVERIFY(request.module);
        QCOMPARE(request.script, QStringLiteral("pytest"));
        QCOMPARE(request.arguments,
                 (QStringList{QStringLiteral("-p"), QStringLiteral("leakscope.pytest"), QStringLiteral("tests dir")}));
        HostLaunch launch = hostLaunchFor(request);
        QCOMPARE(launch.module, QStringLiteral("pytest"));
        QVERIFY(launch.script.isEmpty());
        QCOMPARE(launch.arguments, request.arguments);
        QCOMPARE(launch.workingDirectory, QDir::currentPath());
        QVERIFY(describeRun(request).startsWith(QStringLiteral("Running -m pytest -p leakscope.pytest")));
        directory->setText(m_folder.path());
        QCOMPARE(hostLaunchFor(dialog.request()).workingDirectory, m_folder.path());
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.accept();
        QCOMPARE(accepted.size(), 1);

        // Back to Script: the script typed before, run as a file again.
        scriptKind->click();
        QVERIFY(browse->isEnabled());
        QCOMPARE(name->currentText(), m_script);
        request = dialog.request();
        QVERIFY(!request.module);
        QCOMPARE(request.script, m_script);
        launch = hostLaunchFor(request);
        QCOMPARE(launch.script, m_script);
        QVERIFY(launch.module.isEmpty());
        // And Module again: what was typed there is still there.
        moduleKind->click();
        QCOMPARE(name->currentText(), QStringLiteral(" pytest "));
    }

    // Module mode refuses what cannot be a module name; a module it cannot see is the run's to report.
    void moduleNamesAreChecked_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("problem"); // empty: accepted
        QTest::newRow("dotted") << "json.tool" << "";
        QTest::newRow("unknown") << "leakscope_no_such_module" << "";
        QTest::newRow("empty") << "" << "Choose a module to run.";
        QTest::newRow("a path") << "pkg/main.py" << "pkg/main.py is not a module name: give it dotted, as python3 -m takes it (e.g. pkg.main).";
        QTest::newRow("a space") << "my module" << "my module is not a module name";
        QTest::newRow("empty part") << "pkg..main" << "pkg..main is not a module name";
    }

    void moduleNamesAreChecked()
    {
        QFETCH(QString, name);
        QFETCH(QString, problem);
        RunRequest last;
        last.module = true;
        RunDialog dialog({}, last);
        QVERIFY(dialog.isModule());
        dialog.findChild<QComboBox*>(QStringLiteral("script"))->setCurrentText(name);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.accept();
        const QString said = dialog.findChild<QLabel*>(QStringLiteral("problem"))->text();
        QCOMPARE(accepted.size(), problem.isEmpty() ? 1 : 0);
        QVERIFY2(problem.isEmpty() ? said.isEmpty() : said.startsWith(problem), qPrintable(said));
    }

    // A module run is remembered as one: the Run dialog reopens in Module mode, the recent menu says
    // "-m MODULE" and runs it as a module again.
    void moduleRunIsRemembered()
    {
        QList<RunRequest> runs;
        {
            MainWindow window;
            useFakeTargets(window, runs);
            RunRequest script;
            script.script = m_script;
            window.runScript(script);
            RunRequest module;
            module.module = true;
            module.script = QStringLiteral("json.tool");
            module.arguments = {QStringLiteral("data.json")};
            window.runScript(module);
            QCOMPARE(runs.size(), 2);
            QVERIFY(runs.last().module);
            QVERIFY(window.close());
        }
        MainWindow window;
        QVERIFY(window.lastRun().module);
        useFakeTargets(window, runs);
        auto* recent = window.findChild<QMenu*>(QStringLiteral("menuRecent"));
        QVERIFY(recent && recent->actions().size() >= 2);
        QCOMPARE(recent->actions().at(0)->text(), QStringLiteral("-m json.tool"));
        QCOMPARE(recent->actions().at(1)->text(), m_script);
        recent->actions().at(0)->trigger();
        QVERIFY(runs.last().module);
        QCOMPARE(runs.last().script, QStringLiteral("json.tool"));
        QCOMPARE(hostLaunchFor(runs.last()).module, QStringLiteral("json.tool"));
        QCOMPARE(recent->actions().at(0)->text(), QStringLiteral("-m json.tool")); // still first
        QVERIFY(window.close());
    }

    // The Run dialog opens on the kind of the last run, with its most recent name.
    void dialogOpensOnTheLastKind()
    {
        RunHistory history;
        RunRequest module;
        module.module = true;
        module.script = QStringLiteral("json.tool");
        history.remember(module);
        RunRequest script;
        script.script = m_script;
        history.remember(script);
        QCOMPARE(history.recentScripts(), (QStringList{m_script, QStringLiteral("-m json.tool")}));
        QCOMPARE(RunHistory::requestOf(QStringLiteral("-m json.tool")).script, QStringLiteral("json.tool"));
        QVERIFY(!RunHistory::requestOf(m_script).module);
        {
            RunDialog dialog(history.recentScripts(), history.lastRun());
            QVERIFY(!dialog.isModule());
            QCOMPARE(dialog.request().script, m_script);
        }
        history.remember(module);
        QCOMPARE(history.recentScripts(), (QStringList{QStringLiteral("-m json.tool"), m_script}));
        RunRequest restored; // as read back from the settings: the kind, not the name
        restored.module = true;
        RunDialog dialog(history.recentScripts(), restored);
        QVERIFY(dialog.isModule());
        QVERIFY(dialog.findChild<QRadioButton*>(QStringLiteral("moduleKind"))->isChecked());
        QCOMPARE(dialog.request().script, QStringLiteral("json.tool"));
        QVERIFY(dialog.request().module);
    }

    // `leakscope -m MODULE ARGS`: everything after the module name is the module's, options included;
    // a script before it makes -m the script's.
    void moduleCommandLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("module"); // empty: not a module run
        QTest::addColumn<QStringList>("moduleArguments");
        QTest::addColumn<QStringList>("left");
        const QString app = QStringLiteral("leakscope");
        const QString m = QStringLiteral("-m");
        const QString flag = QStringLiteral("--flag");
        QTest::newRow("module") << QStringList{app, m, QStringLiteral("mypkg.main"), flag, QStringLiteral("-I")} << true
                                << "mypkg.main" << QStringList{flag, QStringLiteral("-I")} << QStringList{app};
        QTest::newRow("after options") << QStringList{app, QStringLiteral("-I"), QStringLiteral("--tracemalloc=3"), m, QStringLiteral("pytest"), QStringLiteral("tests/")}
                                       << true << "pytest" << QStringList{QStringLiteral("tests/")}
                                       << QStringList{app, QStringLiteral("-I"), QStringLiteral("--tracemalloc=3")};
        QTest::newRow("attached") << QStringList{app, QStringLiteral("-mjson.tool")} << true << "json.tool" << QStringList()
                                  << QStringList{app};
        QTest::newRow("after an option's value") << QStringList{app, QStringLiteral("--screenshot"), QStringLiteral("w.png"), m, QStringLiteral("x")}
                                                 << true << "x" << QStringList()
                                                 << QStringList{app, QStringLiteral("--screenshot"), QStringLiteral("w.png")};
        QTest::newRow("the script's") << QStringList{app, QStringLiteral("s.py"), m, QStringLiteral("x")} << true << ""
                                      << QStringList() << QStringList{app, QStringLiteral("s.py"), m, QStringLiteral("x")};
        QTest::newRow("after --") << QStringList{app, QStringLiteral("--"), m, QStringLiteral("x")} << true << ""
                                  << QStringList() << QStringList{app, QStringLiteral("--"), m, QStringLiteral("x")};
        QTest::newRow("no name") << QStringList{app, QStringLiteral("-I"), m} << false << "" << QStringList() << QStringList();
    }

    void moduleCommandLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, ok);
        QFETCH(QString, module);
        QFETCH(QStringList, moduleArguments);
        QFETCH(QStringList, left);
        RunRequest request;
        QString error;
        const QStringList withValue{QStringLiteral("--screenshot"), QStringLiteral("--geometry")};
        QCOMPARE(takeModuleOption(arguments, request, withValue, &error), ok);
        if (!ok) {
            QCOMPARE(error, QStringLiteral("-m needs a module name"));
            return;
        }
        QCOMPARE(request.module, !module.isEmpty());
        QCOMPARE(request.script, module);
        QCOMPARE(request.arguments, moduleArguments);
        QCOMPARE(arguments, left);
    }

    // The application runs a module through its host: `leakscope --screenshot FILE -m MODULE ARGS`
    // in a folder that holds the module ends with the heap it left shown; a module that is not there
    // leaves no snapshot; -m without a name is refused.
    void applicationRunsAModule_data()
    {
        QTest::addColumn<QStringList>("module");
        QTest::addColumn<int>("status");
        QTest::newRow("module") << QStringList{QStringLiteral("-m"), QStringLiteral("leakscope_gui_module"), QStringLiteral("--flag")} << 0;
        QTest::newRow("missing") << QStringList{QStringLiteral("-m"), QStringLiteral("leakscope_no_such_module")} << 1;
        QTest::newRow("no name") << QStringList{QStringLiteral("-m")} << 2;
    }

    void applicationRunsAModule()
    {
        QFETCH(QStringList, module);
        QFETCH(int, status);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QFile file(folder.filePath(QStringLiteral("leakscope_gui_module.py")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        // Fails unless run as python3 -m runs it, with its argument.
        file.write("import sys\nassert sys.argv[1:] == ['--flag'], sys.argv\nassert sys.argv[0] == __file__, sys.argv\n"
                   "kept = [object() for _ in range(10)]\n");
        file.close();
        const QString picture = folder.filePath(QStringLiteral("window.png"));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.remove(QStringLiteral("PYTHONSAFEPATH"));
        QProcess app;
        app.setProcessEnvironment(environment);
        app.setWorkingDirectory(folder.path());
        startProcess(app, QStringLiteral(LEAKSCOPE_APP), QStringList{QStringLiteral("--screenshot"), picture} + module);
        QVERIFY2(app.waitForFinished(60000), "leakscope --screenshot did not end");
        const QString errors = QString::fromLocal8Bit(app.readAllStandardError());
        QCOMPARE(app.exitStatus(), QProcess::NormalExit);
        QVERIFY2(app.exitCode() == status, qPrintable(errors));
        QCOMPARE(QFile::exists(picture), status == 0);
        if (status == 2)
            QVERIFY2(errors.contains(QStringLiteral("leakscope: -m needs a module name")), qPrintable(errors));
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
        QVERIFY2(usage.contains("-m <MODULE>") && usage.contains("as python3 -m MODULE does"), usage.constData());
        QVERIFY2(usage.contains("--native-traces"), usage.constData());
        // --help wraps its lines: compare with the wrapping undone.
        QVERIFY2(usage.simplified().contains("--native-traces=DEPTH keeps DEPTH frames (1 to 256; default 16). With or "
                                             "without --tracemalloc."),
                 usage.constData());

        QProcess bad;
        bad.setProcessEnvironment(environment);
        startProcess(bad, QStringLiteral(LEAKSCOPE_APP), {QStringLiteral("--tracemalloc=0"), m_script});
        QVERIFY(bad.waitForFinished(15000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY2(bad.readAllStandardError().contains("leakscope: --tracemalloc takes a depth from 1 to 65535, not '0'"),
                 "the application says what is wrong");

        for (const QString& depth : {QStringLiteral("0"), QStringLiteral("257"), QStringLiteral("many")}) {
            QProcess badNative;
            badNative.setProcessEnvironment(environment);
            startProcess(badNative, QStringLiteral(LEAKSCOPE_APP),
                         {QStringLiteral("--native-traces=") + depth, m_script});
            QVERIFY(badNative.waitForFinished(15000));
            QCOMPARE(badNative.exitStatus(), QProcess::NormalExit);
            QCOMPARE(badNative.exitCode(), 2);
            const QByteArray error = badNative.readAllStandardError();
            const QByteArray expected
                = "leakscope: --native-traces takes a depth from 1 to 256, not '" + depth.toUtf8() + "'";
            QVERIFY2(error.contains(expected), error.constData());
        }
    }
};

QTEST_MAIN(TestRunDialog)
#include "tst_run_dialog.moc"
