// The path a user takes: run the demo, wait for its snapshot, filter by type, pick a suspect, read
// its details; group the candidates by explanation; ignore objects like a suspect and edit the
// rules. Set LEAKSCOPE_SCREENSHOT=FILE.png to save the window as the README shows it.
#include "gui/filter_bar.h"
#include "gui/ignore_like_dialog.h"
#include "gui/ignore_rules_dialog.h"
#include "gui/ignore_rules_file.h"
#include "gui/main_window.h"
#include "gui/rules_text_edit.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/explanation_summary_model.h"
#include "models/item_roles.h"
#include "models/object_tree_model.h"
#include "models/type_summary_model.h"
#include "snapshot/test_graph.h"
#include "target/fake_target.h"
#include "target/host_process_target.h"

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QTreeView>

using namespace leakscope;

namespace {

QString readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

void writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(text), text.size());
}

// The row of a table whose first column reads text, or -1.
int rowNamed(const QAbstractItemModel& model, const QString& text)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data().toString() == text)
            return row;
    }
    return -1;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_config;
    QString m_rulesPath;

    // A window on a FakeTarget whose snapshot is made from spec, shown once the script ends.
    static void runFake(MainWindow& window, const test::GraphSpec& spec)
    {
        const SnapshotPtr snapshot = std::make_shared<const Snapshot>(test::buildColumns(spec));
        FakeTarget* fake = nullptr;
        window.setTargetFactory([&](const RunRequest&) -> std::unique_ptr<Target> {
            auto target = std::make_unique<FakeTarget>();
            target->setSnapshotSource([snapshot](const QString&) { return snapshot; });
            fake = target.get();
            return target;
        });
        RunRequest request;
        request.script = QStringLiteral("fake.py");
        window.runScript(request);
        QTRY_VERIFY(fake && fake->state() == Target::State::Running);
        fake->finishScript(0);
        QTRY_VERIFY(window.shownSnapshot() != nullptr);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings of the test, not the user's
        QCoreApplication::setOrganizationName(QStringLiteral("LeakScopeTest"));
        // Rules of the test, not the user's: the window reads $XDG_CONFIG_HOME/leakscope/ignore-rules.
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
        m_rulesPath = m_config.path() + QStringLiteral("/leakscope/ignore-rules");
        QCOMPARE(QString::fromStdString(defaultIgnoreRulesPath()), m_rulesPath);
    }

    void init() { QFile::remove(m_rulesPath); }

    void demoFromRunToDetails()
    {
        MainWindow window;
        window.setTargetFactory([](const RunRequest& request) -> std::unique_ptr<Target> {
            HostLaunch launch;
            launch.program = QStringLiteral(LEAKSCOPE_HOST);
            launch.script = request.script;
            launch.arguments = request.arguments;
            return std::make_unique<HostProcessTarget>(launch);
        });
        window.resize(1400, 860);
        window.show();
        RunRequest request;
        request.script = QStringLiteral(LEAKSCOPE_DEMO);
        window.runScript(request);

        // The snapshot taken when the script ends arrives and is shown.
        QTRY_VERIFY_WITH_TIMEOUT(window.shownSnapshot() != nullptr, 30000);
        QCOMPARE(window.snapshotCount(), 1);
        QAbstractItemModel* candidates = window.candidatesView()->model();
        QTRY_VERIFY(candidates->rowCount() > 0);
        const int suspects = candidates->rowCount();
        QCOMPARE(static_cast<std::size_t>(suspects), window.shownSnapshot()->analysis().suspectCount());

        // Choose the demo's leaked type in the type summary: the candidates follow.
        QAbstractItemModel* types = window.typesView()->model();
        int requestRow = -1;
        for (int row = 0; row < types->rowCount(); ++row) {
            if (types->index(row, TypeSummaryModel::TypeColumn).data().toString() == QStringLiteral("__main__.Request"))
                requestRow = row;
        }
        QVERIFY(requestRow >= 0);
        window.typesView()->selectRow(requestRow);
        QTRY_COMPARE(candidates->rowCount(), 3);
        for (int row = 0; row < 3; ++row) {
            QCOMPARE(candidates->index(row, CandidatesModel::TypeColumn).data().toString(), QStringLiteral("__main__.Request"));
            QVERIFY(candidates->index(row, 0).data(IsSuspectRole).toBool());
        }

        // Pick one: the details say why it matters.
        window.candidatesView()->selectRow(0);
        QTRY_VERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("Suspect")));
        QVERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("__main__.Request")));

        // Its referents, fetched as the tree expands: the headers dict it holds is there.
        QAbstractItemModel* referents = window.referentsView()->model();
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
        window.referentsView()->setCurrentIndex(headers);
        QTRY_VERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("builtins.dict")));
        QVERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("Referred to by 1 object")));

        // The suspect has no referrers; the path view says it is itself a root.
        QAbstractItemModel* referrers = window.referrersView()->model();
        QCOMPARE(referrers->rowCount(), 1);
        QCOMPARE(referrers->rowCount(referrers->index(0, 0)), 0);
        QVERIFY(!window.pathView()->toPlainText().isEmpty());

        // Clearing the type choice and showing explained candidates widens the list, never resets it.
        window.typesView()->clearSelection();
        QTRY_COMPARE(candidates->rowCount(), suspects);
        QSignalSpy resets(candidates, &QAbstractItemModel::modelReset);
        window.filterBar()->setShowExplained(true);
        QTRY_VERIFY(candidates->rowCount() > suspects);
        QCOMPARE(resets.size(), 0);
        window.filterBar()->setShowExplained(false);
        QTRY_COMPARE(candidates->rowCount(), suspects);

        window.candidatesView()->selectRow(0);
        const QByteArray screenshot = qgetenv("LEAKSCOPE_SCREENSHOT");
        if (!screenshot.isEmpty())
            QVERIFY(window.grab().save(QString::fromLocal8Bit(screenshot)));

        // The Explanations tab: suspects, ignored ones (none yet), then each kind, covering every candidate.
        const AnalyzedSnapshotPtr demo = window.shownSnapshot();
        QAbstractItemModel* groups = window.explanationsView()->model();
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
        QVERIFY(window.explanationsView()->isVisible());
        window.explanationsView()->selectRow(2);
        QTRY_COMPARE(qulonglong(candidates->rowCount()), kindCount);
        for (int row = 0; row < candidates->rowCount(); ++row)
            QVERIFY(!candidates->index(row, 0).data(IsSuspectRole).toBool());
        QVERIFY(!window.filterBar()->showExplained());
        window.explanationsView()->clearSelection();
        QTRY_COMPARE(candidates->rowCount(), suspects);
        QCOMPARE(resetsByGroups.size(), 0);

        // "Ignore Objects Like This" on a Request suspect proposes a rule for its type.
        window.typesView()->selectRow(requestRow);
        QTRY_COMPARE(candidates->rowCount(), 3);
        window.candidatesView()->selectRow(0);
        auto* ignoreLike = window.findChild<QAction*>(QStringLiteral("actionIgnoreLike"));
        QVERIFY(ignoreLike && ignoreLike->isEnabled());
        ignoreLike->trigger();
        IgnoreLikeDialog* dialog = window.ignoreLikeDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->rule(), QStringLiteral("type __main__.Request"));
        QTRY_VERIFY(!dialog->isCounting());
        QCOMPARE(dialog->matchesText(), QStringLiteral("Matches 3 of the snapshot's candidates, 3 of them suspects now."));
        dialog->accept();

        // Added to the rules file, analysed again: the Requests are no longer suspects.
        QCOMPARE(readFile(m_rulesPath), QStringLiteral("type __main__.Request\n"));
        QTRY_VERIFY(!window.isApplyingRules());
        QCOMPARE(window.shownSnapshot()->analysis().suspectCount(), std::size_t(suspects - 3));
        QTRY_COMPARE(candidates->rowCount(), 0); // Request chosen, suspects only
        QCOMPARE(groups->index(1, ExplanationSummaryModel::CandidatesColumn).data(SortRole).toULongLong(), 3ull);
        // The details stay on the Request and name the rule that now covers it.
        const QString details = window.detailsView()->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("__main__.Request")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Ignore rule")), qPrintable(details));
        QVERIFY2(details.contains(m_rulesPath + QStringLiteral(":1: type __main__.Request")), qPrintable(details));
        QVERIFY(!details.contains(QStringLiteral("Suspect:")));
        // Choosing "Ignored by rules" lists them.
        window.explanationsView()->selectRow(1);
        QTRY_COMPARE(candidates->rowCount(), 3);
        QCOMPARE(candidates->index(0, CandidatesModel::ExplanationColumn).data().toString(),
                 QStringLiteral("ignored: type __main__.Request"));
        QVERIFY(!candidates->index(0, 0).data(IsSuspectRole).toBool());

        // The rules editor counts each rule's matches and marks a bad line; saved, the bad line is
        // reported by number and the other rules still apply.
        auto* editRules = window.findChild<QAction*>(QStringLiteral("actionEditRules"));
        QVERIFY(editRules);
        editRules->trigger();
        IgnoreRulesDialog* editor = window.ignoreRulesDialog();
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
        QTRY_VERIFY(window.rulesStatusLabel()->text().contains(QStringLiteral("1 bad line")));
        QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Ignore rules, line 2: unknown field")),
                 qPrintable(window.statusBar()->currentMessage()));
        QTRY_VERIFY(!window.isApplyingRules());
        QCOMPARE(window.shownSnapshot()->analysis().suspectCount(), std::size_t(suspects - 3));
        editor->accept();
        QTRY_VERIFY(!window.ignoreRulesDialog());
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
        runFake(window, spec);
        QAbstractItemModel* candidates = window.candidatesView()->model();
        QTRY_COMPARE(candidates->rowCount(), 2); // the owner and the loose one; the held one is explained
        window.filterBar()->setShowExplained(true);
        QTRY_COMPARE(candidates->rowCount(), 3);
        int heldRow = -1;
        for (int row = 0; row < candidates->rowCount(); ++row) {
            if (candidates->index(row, CandidatesModel::TypeColumn).data().toString() == QStringLiteral("pkg.Held"))
                heldRow = row;
        }
        QVERIFY(heldRow >= 0);
        window.candidatesView()->selectRow(heldRow);
        QTRY_VERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("Explanation")));
        const QString details = window.detailsView()->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("c-field: in a word of pkg.Owner's memory")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("held by pkg.Owner at 0x5000+0x18 — itself a suspect")), qPrintable(details));
        QVERIFY(window.detailsView()->toHtml().contains(QStringLiteral("href=\"object:0\"")));
        // Following the link shows the owner.
        Q_EMIT window.detailsView()->anchorClicked(QUrl(QStringLiteral("object:0")));
        QVERIFY2(window.detailsView()->toPlainText().contains(QStringLiteral("pkg.Owner")), qPrintable(window.detailsView()->toPlainText()));
        QVERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("0x5000")));
        QVERIFY(window.detailsView()->toPlainText().contains(QStringLiteral("Suspect:")));
        // The explanations tab has the kind, with its meaning.
        QAbstractItemModel* groups = window.explanationsView()->model();
        const int kind = rowNamed(*groups, QStringLiteral("c-field"));
        QVERIFY(kind >= 2);
        QVERIFY(groups->index(kind, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("another object's memory")));
    }

    // A bad line in the rules file the window starts with is reported by number; the other rules
    // apply, and an edit made outside the window is followed.
    void malformedRulesFileReportsTheLine()
    {
        writeFile(m_rulesPath, "type pkg.Cache\ntypo pkg.Leak\n# a comment\n");
        MainWindow window;
        QCOMPARE(window.ignoreRulesFile()->path(), m_rulesPath);
        QVERIFY2(window.rulesStatusLabel()->text().contains(QStringLiteral("1 ignore rule")),
                 qPrintable(window.rulesStatusLabel()->text()));
        QVERIFY(window.rulesStatusLabel()->text().contains(QStringLiteral("1 bad line")));
        QVERIFY2(window.rulesStatusLabel()->toolTip().contains(
                     m_rulesPath + QStringLiteral(":2: unknown field 'typo' (use type, module, repr or explanation)")),
                 qPrintable(window.rulesStatusLabel()->toolTip()));
        QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Ignore rules, line 2: unknown field 'typo'")),
                 qPrintable(window.statusBar()->currentMessage()));

        test::GraphSpec spec;
        spec.objects = {{.type = "pkg.Cache", .size = 100}, {.type = "pkg.Leak", .size = 64}, {.type = "pkg.Leak"}};
        runFake(window, spec);
        QAbstractItemModel* candidates = window.candidatesView()->model();
        // The Cache rule applies: two Leak suspects, the Cache in "Ignored by rules".
        QTRY_COMPARE(candidates->rowCount(), 2);
        QCOMPARE(window.shownSnapshot()->analysis().suspectCount(), std::size_t(2));
        QAbstractItemModel* groups = window.explanationsView()->model();
        QCOMPARE(groups->index(rowNamed(*groups, QStringLiteral("Ignored by rules")), 1).data().toString(),
                 QStringLiteral("1"));

        // The line fixed in another editor: read again, and the Leaks are ignored too.
        writeFile(m_rulesPath, "type pkg.Cache\ntype pkg.Leak\n");
        QTRY_VERIFY_WITH_TIMEOUT(window.rulesStatusLabel()->text().contains(QStringLiteral(">2 ignore rules<")), 10000);
        QVERIFY(!window.rulesStatusLabel()->text().contains(QStringLiteral("bad line")));
        QTRY_VERIFY(!window.isApplyingRules());
        QCOMPARE(window.shownSnapshot()->analysis().suspectCount(), std::size_t(0));
        QTRY_COMPARE(candidates->rowCount(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
