// The fake target GUI tests drive: requests answered from the event loop, script events played.
#include "../snapshot/test_graph.h"
#include "support/fake_target.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace leakscope;

class TestFakeTarget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<SnapshotPtr>();
        qRegisterMetaType<LiveObject>();
    }

    void answersRequestsAsynchronously()
    {
        FakeTarget target;
        test::GraphSpec spec;
        spec.objects = {{.type = "builtins.dict", .repr = "{'a': 1}"}};
        target.setSnapshotSource([spec](const QString&) { return std::make_shared<const Snapshot>(test::buildColumns(spec)); });
        QSignalSpy ready(&target, &Target::ready);
        QSignalSpy snapshots(&target, &Target::snapshotReady);
        QSignalSpy failed(&target, &Target::requestFailed);

        // Not started: requests fail, from the event loop.
        const quint32 early = target.requestSnapshot(QStringLiteral("early"));
        QVERIFY(failed.isEmpty());
        QVERIFY(failed.wait(1000));
        QCOMPARE(failed.at(0).at(0).toUInt(), early);

        target.start();
        QCOMPARE(target.state(), Target::State::Starting);
        QVERIFY(ready.wait(1000));
        QCOMPARE(target.state(), Target::State::Ready);
        const quint32 id = target.requestSnapshot(QStringLiteral("label"));
        QVERIFY(snapshots.isEmpty());
        QVERIFY(snapshots.wait(1000));
        QCOMPARE(snapshots.at(0).at(0).toUInt(), id);
        QCOMPARE(snapshots.at(0).at(1).toString(), QStringLiteral("label"));
        QCOMPARE(snapshots.at(0).at(3).value<SnapshotPtr>()->repr(0), std::string("{'a': 1}"));
    }

    void playsTheScript()
    {
        FakeTarget target;
        QSignalSpy states(&target, &Target::stateChanged);
        QSignalSpy finished(&target, &Target::scriptFinished);
        QSignalSpy lost(&target, &Target::lost);
        QSignalSpy output(&target, &Target::outputReceived);
        target.start();
        QTRY_COMPARE(target.state(), Target::State::Ready);
        target.runScript();
        QCOMPARE(target.state(), Target::State::Running);
        target.emitOutput(Target::Channel::Stderr, "warning\n");
        QCOMPARE(output.size(), 1);
        target.pauseScript(QStringLiteral("p"));
        QCOMPARE(target.state(), Target::State::Paused);
        target.continueScript();
        QCOMPARE(target.state(), Target::State::Running);
        target.interrupt();
        QVERIFY(finished.wait(1000));
        QCOMPARE(finished.at(0).at(0).toInt(), 130);
        QCOMPARE(target.interruptCount(), 1);
        target.crash(QStringLiteral("host crashed: SIGSEGV"), "last words");
        QCOMPARE(lost.size(), 1);
        QCOMPARE(lost.at(0).at(1).toByteArray(), QByteArray("last words"));
        QCOMPARE(target.state(), Target::State::Lost);
        QVERIFY(states.size() >= 6);
    }

    void describes()
    {
        FakeTarget target;
        LiveObject object;
        object.found = true;
        object.repr = QStringLiteral("<thing>");
        target.setDescription(object);
        QSignalSpy described(&target, &Target::objectDescribed);
        target.start();
        QTRY_COMPARE(target.state(), Target::State::Ready);
        const quint32 id = target.describeObject(0x1234, 0x5678, QStringLiteral("pkg.Leak"));
        QVERIFY(described.wait(1000));
        QCOMPARE(described.at(0).at(0).toUInt(), id);
        const LiveObject got = described.at(0).at(1).value<LiveObject>();
        QCOMPARE(got.address, 0x1234u);
        QCOMPARE(got.repr, QStringLiteral("<thing>"));
    }
};

QTEST_GUILESS_MAIN(TestFakeTarget)
#include "tst_fake_target.moc"
