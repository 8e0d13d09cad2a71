// leakscope.save(path) and leakscope.snapshot(label, path) in a script run by the real leakscope-host:
// the files are written, the GUI side receives the same snapshots, and a save that fails raises
// leakscope.SnapshotFileError in the script instead of ending it.
#include "snapshot/snapshot_file.h"
#include "target/host_process_target.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace leakscope;

namespace {

QByteArray allOutput(const QList<QList<QVariant>>& spy)
{
    QByteArray text;
    for (const auto& args : spy)
        text += args.at(1).toByteArray();
    return text;
}

bool holdsRepr(const Snapshot& snapshot, const std::string& repr)
{
    for (ObjectIndex i = 0; i < snapshot.objectCount(); ++i) {
        if (snapshot.repr(i) == repr)
            return true;
    }
    return false;
}

} // namespace

class TestHostFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<SnapshotPtr>(); }

    void scriptSavesSnapshots()
    {
        QTemporaryDir folder;
        QVERIFY2(folder.isValid(), qPrintable(folder.errorString()));
        QFile inTheWay(folder.filePath(QStringLiteral("in-the-way")));
        QVERIFY(inTheWay.open(QIODevice::WriteOnly) && inTheWay.write("a file\n") == 7);
        inTheWay.close();

        HostLaunch launch;
        launch.program = QStringLiteral(LEAKSCOPE_HOST);
        launch.script = QStringLiteral(LEAKSCOPE_TEST_SCRIPTS "/host_saves.py");
        launch.arguments = {folder.path()};
        HostProcessTarget target(launch);
        QSignalSpy ready(&target, &Target::ready);
        QSignalSpy output(&target, &Target::outputReceived);
        QSignalSpy snapshots(&target, &Target::snapshotReady);
        QSignalSpy finished(&target, &Target::scriptFinished);
        target.start();
        QVERIFY(ready.wait(15000));
        target.runScript();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.at(0).at(0).toInt() == 0, qPrintable(finished.at(0).at(2).toString()));

        // The GUI side gets both, save()'s named after its file.
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 15000);
        const struct
        {
            const char* file;
            const char* label;
        } expected[] = {{"whole.lssnap", "whole.lssnap"}, {"labelled.lssnap", "labelled"}};
        for (int k = 0; k < 2; ++k) {
            QCOMPARE(snapshots.at(k).at(0).toUInt(), 0u); // the script's, not a request's
            QCOMPARE(snapshots.at(k).at(1).toString(), QString::fromUtf8(expected[k].label));
            QCOMPARE(snapshots.at(k).at(2).toBool(), false);
            const SnapshotPtr received = snapshots.at(k).at(3).value<SnapshotPtr>();
            QVERIFY(received);
            SnapshotPtr saved;
            try {
                saved = loadSnapshotFile(folder.filePath(QString::fromUtf8(expected[k].file)).toStdString());
            } catch (const std::exception& e) {
                QFAIL(e.what());
            }
            // One capture, two destinations.
            QCOMPARE(saved->info().label, std::string(expected[k].label));
            QCOMPARE(saved->objectCount(), received->objectCount());
            QCOMPARE(saved->edgeCount(), received->edgeCount());
            QCOMPARE(saved->info().capturedAtMs, received->info().capturedAtMs);
            QVERIFY(holdsRepr(*saved, "{'host': 'saved', 'items': []}"));
        }

        QTRY_VERIFY_WITH_TIMEOUT(allOutput(output).contains("raised"), 15000);
        const QByteArray text = allOutput(output);
        QVERIFY2(text.contains("saved to " + folder.filePath(QStringLiteral("whole.lssnap")).toUtf8() + "\n"),
            text.constData());
        QVERIFY2(text.contains("raised SnapshotFileError True ") && text.contains("in-the-way/below.lssnap"),
            text.constData());
        QVERIFY(!QFile::exists(folder.filePath(QStringLiteral("in-the-way/below.lssnap"))));
        target.terminate();
    }
};

QTEST_GUILESS_MAIN(TestHostFiles)
#include "tst_host_files.moc"
