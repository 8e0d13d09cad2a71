// leakscope.iterate() in a script run by the real leakscope-host: each snapshot of a series reaches
// the GUI side with its series id, index and length (protocol version 3), and a series that fn's
// exception cut short arrives with only the snapshots it took.
#include "target/host_process_target.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

#include <vector>

using namespace leakscope;

namespace {

struct Received
{
    QString label;
    SeriesPosition series;
    bool hasSnapshot = false;
};

} // namespace

class TestHostSeries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<SnapshotPtr>(); }

    void iterateSendsItsSeries()
    {
        HostLaunch launch;
        launch.program = QStringLiteral(LEAKSCOPE_HOST);
        launch.script = QStringLiteral(LEAKSCOPE_TEST_SCRIPTS "/iterate_growth.py");
        launch.arguments = {QStringLiteral(LEAKSCOPE_PLANTLEAK_DIR)};
        HostProcessTarget target(launch);
        std::vector<Received> received;
        connect(&target, &Target::snapshotReady, this,
                [&received](quint32, const QString& label, bool, const SnapshotPtr& snapshot,
                            const SeriesPosition& series) {
                    received.push_back({label, series, snapshot != nullptr});
                });
        QSignalSpy ready(&target, &Target::ready);
        QSignalSpy finished(&target, &Target::scriptFinished);
        target.start();
        QVERIFY(ready.wait(15000));
        target.runScript();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QVERIFY2(finished.at(0).at(0).toInt() == 0, qPrintable(finished.at(0).at(2).toString()));

        // Three whole series of 4 (1 warm-up + 3 rounds), then the raising one's warm-up alone.
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), std::size_t(13), 15000);
        const char* names[] = {"leaks_a_dict", "adds_a_reference", "fills_a_cache"};
        for (std::size_t k = 0; k < received.size(); ++k) {
            const Received& r = received[k];
            QVERIFY(r.hasSnapshot);
            const quint32 series = quint32(k / 4);
            const quint32 index = quint32(k % 4);
            QCOMPARE(r.series.id, series + 1); // the host's first, second... series
            QCOMPARE(r.series.index, index);
            QCOMPARE(r.series.length, series < 3 ? 4u : 3u);
            const QString name = series < 3 ? QString::fromUtf8(names[series]) : QStringLiteral("raising");
            const QString step = index == 0 ? QStringLiteral("warm-up")
                                            : QStringLiteral("round %1/%2").arg(index).arg(r.series.length - 1);
            QCOMPARE(r.label, name + QStringLiteral(": ") + step);
        }
        target.terminate();
    }
};

QTEST_GUILESS_MAIN(TestHostSeries)
#include "tst_host_series.moc"
