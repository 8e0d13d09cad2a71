// The path a user takes: run the demo, wait for its snapshot, filter by type, pick a suspect, read
// its details. Set LEAKSCOPE_SCREENSHOT=FILE.png to save the window as the README shows it.
#include "gui/filter_bar.h"
#include "gui/main_window.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/item_roles.h"
#include "models/object_tree_model.h"
#include "models/type_summary_model.h"
#include "target/host_process_target.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>
#include <QtWidgets/QTreeView>

using namespace leakscope;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings of the test, not the user's
        QCoreApplication::setOrganizationName(QStringLiteral("LeakScopeTest"));
    }

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
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
