// The path a user takes: run the demo, wait for its snapshot, filter by type, pick a suspect, read
// its details. Set LEAKSCOPE_SCREENSHOT=FILE.png to save the window as the README shows it.
#include "gui/filter_bar.h"
#include "gui/main_window.h"
#include "models/candidates_filter_proxy.h"
#include "models/candidates_model.h"
#include "models/item_roles.h"
#include "models/type_summary_model.h"
#include "target/host_process_target.h"

#include <QtCore/QStandardPaths>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QTableView>
#include <QtWidgets/QTextBrowser>

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
