// The Session and snapshot files: files opened in the order given (a bad one said, the others open),
// a snapshot saved and opened again, the saved state, renaming, closing (the indexes that move, the
// snapshot shown) and what a snapshot from a file cannot do live.
#include "session/session.h"
#include "snapshot/snapshot_file.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThreadPool>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace leakscope;

namespace {

constexpr int kTimeoutMs = 10000;

// A snapshot of `leaks` suspects of type pkg.Leak, labelled label, taken at capturedAtMs.
SnapshotPtr leaks(int count, const std::string& label, std::int64_t capturedAtMs = 1'700'000'000'000)
{
    test::GraphSpec spec;
    for (int k = 0; k < count; ++k)
        spec.objects.push_back({.type = "pkg.Leak", .size = 32});
    SnapshotColumns columns = test::buildColumns(spec);
    columns.info.label = label;
    columns.info.capturedAtMs = capturedAtMs;
    columns.info.pid = 4242;
    return std::make_shared<const Snapshot>(std::move(columns));
}

QString writeSnapshot(const QTemporaryDir& dir, const QString& name, const SnapshotPtr& snapshot)
{
    const QString path = dir.filePath(name);
    saveSnapshotFile(*snapshot, QFile::encodeName(path).toStdString());
    return path;
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Opens paths and waits until every one is opened or failed; the filesOpened() arguments.
QList<QVariant> openAndWait(Session& session, const QStringList& paths)
{
    QSignalSpy done(&session, &Session::filesOpened);
    session.openSnapshotFiles(paths);
    // A file open already is shown at once: the answer may come before the call returns.
    if ((done.isEmpty() && !done.wait(kTimeoutMs)) || done.size() != 1)
        return {};
    return done.takeFirst();
}

QStringList labelsOf(const Session& session)
{
    QStringList labels;
    for (int k = 0; k < session.snapshotCount(); ++k)
        labels << session.snapshotLabel(k);
    return labels;
}

} // namespace

class TestSessionFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void filesOpenInTheOrderGivenAndBehaveAsSnapshots()
    {
        QTemporaryDir dir;
        const QString big = writeSnapshot(dir, QStringLiteral("big.lssnap"), leaks(5, "after warm-up"));
        const QString unlabelled = writeSnapshot(dir, QStringLiteral("plain.lssnap"), leaks(2, ""));
        Session session;
        QSignalSpy opening(&session, &Session::fileOpening);
        QSignalSpy added(&session, &Session::snapshotAdded);
        const QList<QVariant> done = openAndWait(session, {unlabelled, big});
        QCOMPARE(done.value(0).toInt(), 2);
        QCOMPARE(done.value(1).toStringList(), QStringList());
        QVERIFY(!session.isOpeningFiles());
        QCOMPARE(opening.size(), 2);
        QCOMPARE(opening.at(0).at(1).toInt(), 1); // one more waits
        // The stored label, else the file's name; in the order chosen, the last one shown.
        QCOMPARE(labelsOf(session), (QStringList{QStringLiteral("plain.lssnap"), QStringLiteral("after warm-up")}));
        QCOMPARE(added.size(), 2);
        QCOMPARE(session.shownIndex(), 1);
        QCOMPARE(session.shownSnapshot()->analysis().suspectCount(), std::size_t(5));
        // Opened files get their dominator tree with the analysis, as captured snapshots do.
        for (int k = 0; k < 2; ++k) {
            const DominatorTree* tree = session.analyzedSnapshot(k)->dominators();
            QVERIFY(tree);
            QCOMPARE(tree->objectCount(), session.analyzedSnapshot(k)->snapshot().objectCount());
        }
        const SnapshotOrigin origin = session.snapshotOrigin(1);
        QVERIFY(origin.isFromFile());
        QCOMPARE(origin.file, big);
        QCOMPARE(origin.run, 0);
        QCOMPARE(origin.pid, qint64(4242));
        QCOMPARE(session.snapshotTitle(1), QStringLiteral("big.lssnap · after warm-up"));
        QVERIFY(session.isSnapshotSaved(0));
        QCOMPARE(session.snapshotFile(1), big);
        QVERIFY(session.unsavedSnapshots().isEmpty());
        // Nothing live to ask about, and the reason says why.
        QVERIFY(!session.isFromCurrentTarget(1));
        QVERIFY(!session.describeObject(1, 0));
        QVERIFY2(session.whyNotLive(1).contains(QStringLiteral("opened from a file has no live process")),
            qPrintable(session.whyNotLive(1)));
        // Opened again: shown, not stored twice.
        session.showSnapshot(0);
        QCOMPARE(openAndWait(session, {big}).value(0).toInt(), 1);
        QCOMPARE(session.snapshotCount(), 2);
        QCOMPARE(session.shownIndex(), 1);
    }

    void aBadFileIsNamedAndTheOthersStillOpen()
    {
        QTemporaryDir dir;
        const QString first = writeSnapshot(dir, QStringLiteral("first.lssnap"), leaks(1, "first"));
        const QString corrupt = dir.filePath(QStringLiteral("corrupt.lssnap"));
        QVERIFY(writeBytes(corrupt, QByteArray("this is not a snapshot at all, only some text")));
        const QString missing = dir.filePath(QStringLiteral("missing.lssnap"));
        const QString last = writeSnapshot(dir, QStringLiteral("last.lssnap"), leaks(3, "last"));
        Session session;
        QSignalSpy failed(&session, &Session::fileOpenFailed);
        const QList<QVariant> done = openAndWait(session, {first, corrupt, missing, last});
        QCOMPARE(done.value(0).toInt(), 2);
        const QStringList errors = done.value(1).toStringList();
        QCOMPARE(errors.size(), 2);
        QVERIFY2(errors[0].contains(QStringLiteral("corrupt.lssnap")), qPrintable(errors[0]));
        QVERIFY2(errors[1].contains(QStringLiteral("missing.lssnap")), qPrintable(errors[1]));
        QCOMPARE(failed.size(), 2);
        QCOMPARE(failed.at(0).at(0).toString(), corrupt);
        QCOMPARE(labelsOf(session), (QStringList{QStringLiteral("first"), QStringLiteral("last")}));
    }

    void savedThenOpenedAgainIsTheSame()
    {
        QTemporaryDir dir;
        Session session;
        // A captured snapshot: unsaved until saved.
        auto target = std::make_unique<FakeTarget>();
        FakeTarget* fake = target.get();
        fake->setSnapshotSource([](const QString&) { return leaks(4, "end of script", 1'700'000'123'000); });
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        session.start(std::move(target), QStringLiteral("Running fake.py"), QStringLiteral("/tmp/fake.py"));
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), Target::State::Running, kTimeoutMs);
        fake->finishScript(0);
        QVERIFY(shown.wait(kTimeoutMs));
        QVERIFY(!session.isSnapshotSaved(0));
        QCOMPARE(session.unsavedSnapshots(), QList<int>{0});
        QVERIFY(session.snapshotFile(0).isEmpty());
        QVERIFY(session.whyNotLive(0).isEmpty()); // its interpreter is there

        const QString path = dir.filePath(QStringLiteral("saved.lssnap"));
        QSignalSpy saved(&session, &Session::snapshotSaved);
        QSignalSpy changed(&session, &Session::snapshotChanged);
        session.saveSnapshot(0, path);
        QVERIFY(session.isSaving());
        QVERIFY(saved.wait(kTimeoutMs));
        QVERIFY(!session.isSaving());
        QCOMPARE(saved.at(0).at(0).toInt(), 0);
        QCOMPARE(saved.at(0).at(1).toString(), path);
        QCOMPARE(changed.size(), 1);
        QVERIFY(session.isSnapshotSaved(0));
        QCOMPARE(session.snapshotFile(0), path);
        QVERIFY(session.unsavedSnapshots().isEmpty());
        // Still the run's snapshot: its origin is not the file.
        QCOMPARE(session.snapshotOrigin(0).run, 1);
        QVERIFY(!session.snapshotOrigin(0).isFromFile());

        // A second session opens what the first saved: the same heap.
        Session other;
        QCOMPARE(openAndWait(other, {path}).value(0).toInt(), 1);
        const Snapshot& before = session.analyzedSnapshot(0)->snapshot();
        const Snapshot& after = other.analyzedSnapshot(0)->snapshot();
        QCOMPARE(after.objectCount(), before.objectCount());
        QCOMPARE(after.info().capturedAtMs, before.info().capturedAtMs);
        QCOMPARE(other.snapshotLabel(0), QStringLiteral("end of script"));
        QCOMPARE(other.analyzedSnapshot(0)->analysis().suspectCount(),
            session.analyzedSnapshot(0)->analysis().suspectCount());
    }

    void aFailedSaveSaysWhyAndLosesNothing()
    {
        QTemporaryDir dir;
        const QString good = writeSnapshot(dir, QStringLiteral("good.lssnap"), leaks(2, "good"));
        Session session;
        openAndWait(session, {good});
        const QString nowhere = dir.filePath(QStringLiteral("no/such/folder/x.lssnap"));
        QSignalSpy failed(&session, &Session::snapshotSaveFailed);
        session.saveSnapshot(0, nowhere);
        QVERIFY(failed.wait(kTimeoutMs));
        QCOMPARE(failed.at(0).at(0).toInt(), 0);
        QVERIFY2(failed.at(0).at(2).toString().contains(QStringLiteral("x.lssnap")),
            qPrintable(failed.at(0).at(2).toString()));
        QCOMPARE(session.snapshotFile(0), good); // still in its own file
        QVERIFY(session.isSnapshotSaved(0));
        QCOMPARE(session.snapshotCount(), 1);
    }

    void savingOverAnotherSnapshotsFileUnsavesIt()
    {
        QTemporaryDir dir;
        const QString a = writeSnapshot(dir, QStringLiteral("a.lssnap"), leaks(1, "a"));
        const QString b = writeSnapshot(dir, QStringLiteral("b.lssnap"), leaks(2, "b"));
        Session session;
        openAndWait(session, {a, b});
        QSignalSpy saved(&session, &Session::snapshotSaved);
        session.saveSnapshot(1, a);
        QVERIFY(saved.wait(kTimeoutMs));
        QCOMPARE(session.snapshotFile(1), a);
        QVERIFY(!session.isSnapshotSaved(0)); // its file holds b now
        QCOMPARE(session.unsavedSnapshots(), QList<int>{0});
    }

    void renameChangesTheLabelOnly()
    {
        QTemporaryDir dir;
        const QString path = writeSnapshot(dir, QStringLiteral("r.lssnap"), leaks(1, "before"));
        Session session;
        openAndWait(session, {path});
        QSignalSpy changed(&session, &Session::snapshotChanged);
        session.renameSnapshot(0, QStringLiteral("  after   the fix "));
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("after the fix"));
        QCOMPARE(changed.size(), 1);
        session.renameSnapshot(0, QStringLiteral("   ")); // blank: unchanged
        session.renameSnapshot(0, QStringLiteral("after the fix"));
        session.renameSnapshot(5, QStringLiteral("nothing there"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("after the fix"));
        QVERIFY(session.isSnapshotSaved(0));
        QCOMPARE(session.snapshotTitle(0), QStringLiteral("r.lssnap · after the fix"));
    }

    void closingMovesTheLaterIndexesAndShowsANeighbour()
    {
        QTemporaryDir dir;
        QStringList paths;
        for (const char* name : {"s0", "s1", "s2", "s3"})
            paths << writeSnapshot(dir, QLatin1String(name) + QStringLiteral(".lssnap"), leaks(1, name));
        Session session;
        openAndWait(session, paths);
        QCOMPARE(session.shownIndex(), 3);
        QSignalSpy removed(&session, &Session::snapshotRemoved);
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);

        // Before the one shown: it moves up, and stays shown.
        session.closeSnapshot(0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.at(0).at(0).toInt(), 0);
        QCOMPARE(shown.size(), 0);
        QCOMPARE(session.shownIndex(), 2);
        QCOMPARE(session.snapshotLabel(session.shownIndex()), QStringLiteral("s3"));
        QCOMPARE(labelsOf(session), (QStringList{QStringLiteral("s1"), QStringLiteral("s2"), QStringLiteral("s3")}));

        // The one shown, the last: the one before it is shown.
        session.closeSnapshot(2);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.at(0).at(0).toInt(), 1);
        QCOMPARE(shown.at(0).at(1).toBool(), false);
        QCOMPARE(session.snapshotLabel(session.shownIndex()), QStringLiteral("s2"));

        // The one shown, not the last: the next one takes its place.
        session.showSnapshot(0);
        shown.clear();
        session.closeSnapshot(0);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(session.shownIndex(), 0);
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("s2"));

        // After the one shown: nothing else changes. Bad indexes: nothing at all.
        session.closeSnapshot(7);
        session.closeSnapshot(-1);
        QCOMPARE(removed.size(), 3);

        // The only one: none is shown.
        shown.clear();
        session.closeSnapshot(0);
        QCOMPARE(session.snapshotCount(), 0);
        QCOMPARE(session.shownIndex(), -1);
        QVERIFY(!session.shownSnapshot());
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.at(0).at(0).toInt(), -1);

        // Closed files open again.
        QCOMPARE(openAndWait(session, {paths[1]}).value(0).toInt(), 1);
        QCOMPARE(session.snapshotCount(), 1);
        QCOMPARE(session.shownIndex(), 0);
    }

    // A new analysis (other rules) that ends after snapshots before it were closed lands on its own
    // snapshot, found by identity rather than by its old index.
    void reanalysisFollowsItsSnapshotAcrossCloses()
    {
        QTemporaryDir dir;
        const QString a = writeSnapshot(dir, QStringLiteral("a.lssnap"), leaks(1, "a"));
        const QString b = writeSnapshot(dir, QStringLiteral("b.lssnap"), leaks(3, "b"));
        Session session;
        openAndWait(session, {a, b});
        QCOMPARE(session.shownIndex(), 1);
        const ParsedIgnoreRules parsed = parseIgnoreRules("type pkg.Leak\n", "test-rules");
        QSignalSpy reanalysed(&session, &Session::reanalysed);
        session.setRules(std::make_shared<const IgnoreRules>(parsed.rules)); // b analysed again, off the GUI thread
        session.closeSnapshot(0); // meanwhile a goes: b is snapshot 0 now
        QVERIFY(reanalysed.wait(kTimeoutMs));
        QCOMPARE(reanalysed.at(0).at(0).toInt(), 0);
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("b"));
        QCOMPARE(session.shownSnapshot()->analysis().suspectCount(), std::size_t(0));
        QCOMPARE(session.shownSnapshot()->analysis().candidates().size(), std::size_t(3));
    }
};

QTEST_GUILESS_MAIN(TestSessionFiles)
#include "tst_session_files.moc"
