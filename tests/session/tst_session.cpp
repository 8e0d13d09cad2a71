// The Session as the windows see it: what a FakeTarget sends becomes stored, analysed snapshots; the
// snapshot shown follows the ignore rules; the target's states, output and answers come through.
#include "session/session.h"
#include "snapshot/test_graph.h"
#include "support/fake_target.h"

#include <QtCore/QThreadPool>
#include <QtTest/QSignalSpy>
#include <QtTest/QtTest>

using namespace leakscope;

namespace {

constexpr int kTimeoutMs = 10000;

IgnoreRulesPtr rulesOf(const char* text)
{
    const ParsedIgnoreRules parsed = parseIgnoreRules(text, "test-rules");
    return std::make_shared<const IgnoreRules>(parsed.rules);
}

// Three candidates: a cache and two leaks, all suspects without rules.
SnapshotPtr threeCandidates()
{
    test::GraphSpec spec;
    spec.objects = {{.type = "pkg.Cache", .size = 100}, {.type = "pkg.Leak", .size = 64}, {.type = "pkg.Leak"}};
    return std::make_shared<const Snapshot>(test::buildColumns(spec));
}

// Lets every analysis started so far finish and hand its result over: what was not delivered by then
// never will be.
void finishBackgroundWork()
{
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::sendPostedEvents();
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private:
    // Starts a FakeTarget whose snapshots come from source, and waits until its script runs.
    static FakeTarget* startFake(Session& session, std::function<SnapshotPtr(const QString&)> source = {})
    {
        auto target = std::make_unique<FakeTarget>();
        FakeTarget* fake = target.get();
        fake->setSnapshotSource(source ? std::move(source) : [](const QString&) { return threeCandidates(); });
        QSignalSpy states(&session, &Session::stateChanged);
        session.start(std::move(target), QStringLiteral("Running fake.py"));
        while (session.state() != Target::State::Running && states.wait(kTimeoutMs)) { }
        return session.state() == Target::State::Running ? fake : nullptr;
    }

    // Ends the script and waits for the snapshot taken then to be stored and shown.
    static bool finishAndWaitForSnapshot(Session& session, FakeTarget& fake)
    {
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        fake.finishScript(0);
        return shown.wait(kTimeoutMs);
    }

private Q_SLOTS:
    void snapshotIsAnalysedWithTheRulesThenShown()
    {
        Session session;
        const IgnoreRulesPtr rules = rulesOf("type pkg.Cache\n");
        session.setRules(rules);
        QCOMPARE(session.shownIndex(), -1);
        QVERIFY(!session.shownSnapshot());
        QSignalSpy started(&session, &Session::runStarted);
        QSignalSpy notices(&session, &Session::notice);
        QSignalSpy pending(&session, &Session::snapshotPendingChanged);
        QSignalSpy received(&session, &Session::snapshotReceived);
        QSignalSpy added(&session, &Session::snapshotAdded);
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QCOMPARE(session.target(), fake);
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.at(0).at(0).toString(), QStringLiteral("Running fake.py"));
        QVERIFY(session.isConnected());

        QVERIFY(!session.isSettled()); // the script runs
        // Whenever the request ends, the snapshot it brought is still on its way to the list.
        QList<bool> settledWhenRequestEnded;
        connect(&session, &Session::snapshotPendingChanged, this, [&](bool isPending) {
            if (!isPending)
                settledWhenRequestEnded << session.isSettled();
        });

        // The end of the script: a snapshot of the heap as it was left is asked for.
        fake->finishScript(0);
        QCOMPARE(session.state(), Target::State::Finished);
        QVERIFY(session.isSnapshotPending());
        QVERIFY(!session.isSettled());
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.at(0).at(0).toBool(), true);
        QCOMPARE(notices.at(0).at(0).toString(), QStringLiteral("Script completed (exit status 0)"));

        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(0).toString(), QStringLiteral("end of script"));
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.at(0).at(0).toInt(), 0);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.at(0).at(0).toInt(), 0);
        QCOMPARE(shown.at(0).at(1).toBool(), false); // a new snapshot: nothing of the view to keep
        QVERIFY(!session.isSnapshotPending());
        QCOMPARE(pending.size(), 2);
        QCOMPARE(session.snapshotCount(), 1);
        QCOMPARE(session.shownIndex(), 0);
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("end of script"));
        const AnalyzedSnapshotPtr analyzed = session.shownSnapshot();
        QVERIFY(analyzed);
        QCOMPARE(session.analyzedSnapshot(0), analyzed);
        QCOMPARE(analyzed->ignoreRules(), rules);
        QCOMPARE(analyzed->analysis().candidates().size(), std::size_t(3));
        QCOMPARE(analyzed->analysis().suspectCount(), std::size_t(2)); // the cache is ignored
        QVERIFY(!session.isApplyingRules());
        QVERIFY(!session.analyzedSnapshot(1));
        QVERIFY(!session.analyzedSnapshot(-1));
        QCOMPARE(settledWhenRequestEnded, QList<bool>{false});
        QVERIFY(session.isSettled()); // nothing more comes
        // New rules: not settled until the snapshot shown has its analysis with them.
        session.setRules(rulesOf("type pkg.Leak\n"));
        QVERIFY(!session.isSettled());
        QVERIFY(shown.wait(kTimeoutMs));
        QVERIFY(session.isSettled());
    }

    void newRulesAnalyseTheShownSnapshotAgain()
    {
        Session session;
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QVERIFY(finishAndWaitForSnapshot(session, *fake));
        const AnalyzedSnapshotPtr before = session.shownSnapshot();
        QCOMPARE(before->ignoreRules(), IgnoreRulesPtr());
        QCOMPARE(before->analysis().suspectCount(), std::size_t(3));

        QSignalSpy started(&session, &Session::reanalysisStarted);
        QSignalSpy reanalysed(&session, &Session::reanalysed);
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        const IgnoreRulesPtr rules = rulesOf("type pkg.Leak\n");
        session.setRules(rules);
        QCOMPARE(session.rules(), rules);
        // Started at once; meanwhile the snapshot stays shown with the rules of its time.
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.at(0).at(0).toInt(), 0);
        QVERIFY(session.isApplyingRules());
        QCOMPARE(session.shownSnapshot(), before);

        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(shown.at(0).at(0).toInt(), 0);
        QCOMPARE(shown.at(0).at(1).toBool(), true); // the same snapshot: the view is kept
        QCOMPARE(reanalysed.size(), 1);
        QCOMPARE(reanalysed.at(0).at(0).toInt(), 0);
        QVERIFY(!session.isApplyingRules());
        const AnalyzedSnapshotPtr after = session.shownSnapshot();
        QCOMPARE(after->ignoreRules(), rules);
        QCOMPARE(after->snapshotPtr(), before->snapshotPtr());
        QCOMPARE(after->analysis().suspectCount(), std::size_t(1));
        // The dominator tree depends on the snapshot alone: built once, when it arrived, and shared.
        QVERIFY(before->dominators());
        QCOMPARE(after->dominatorsPtr(), before->dominatorsPtr());
        QCOMPARE(after->dominators()->objectCount(), after->snapshot().objectCount());

        // The same rules again: nothing to do.
        session.setRules(rules);
        QCOMPARE(started.size(), 1);
    }

    // Rules changed twice before the first new analysis is done: only the last rules are shown.
    void onlyTheLatestRulesAreShown()
    {
        Session session;
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QVERIFY(finishAndWaitForSnapshot(session, *fake));
        QList<IgnoreRulesPtr> shownRules;
        connect(&session, &Session::shownSnapshotChanged, this,
            [&] { shownRules << session.shownSnapshot()->ignoreRules(); });
        const IgnoreRulesPtr first = rulesOf("type pkg.Leak\n");
        const IgnoreRulesPtr second = rulesOf("type pkg.Cache\n");
        session.setRules(first);
        session.setRules(second);
        finishBackgroundWork();
        QCOMPARE(shownRules.size(), 1);
        QCOMPARE(shownRules.first(), second);
        QCOMPARE(session.shownSnapshot()->analysis().suspectCount(), std::size_t(2));
        QVERIFY(!session.isApplyingRules());
    }

    // A snapshot asked for later is stored beside the first and shown; rules that change meanwhile
    // are applied to the other snapshot only when it is shown again.
    void secondSnapshotAndRulesAppliedWhenShown()
    {
        Session session;
        QStringList labels;
        FakeTarget* fake = startFake(session, [&labels](const QString& label) {
            labels << label;
            return threeCandidates();
        });
        QVERIFY(fake);
        QVERIFY(finishAndWaitForSnapshot(session, *fake));
        const AnalyzedSnapshotPtr first = session.shownSnapshot();

        QSignalSpy added(&session, &Session::snapshotAdded);
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        QVERIFY(session.requestSnapshot());
        QVERIFY(session.isSnapshotPending());
        QVERIFY(!session.requestSnapshot()); // one at a time
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(labels, QStringList({QStringLiteral("end of script"), QStringLiteral("snapshot 2")}));
        QCOMPARE(added.size(), 1);
        QCOMPARE(added.at(0).at(0).toInt(), 1);
        QCOMPARE(session.snapshotCount(), 2);
        QCOMPARE(session.shownIndex(), 1);
        QCOMPARE(session.snapshotLabel(1), QStringLiteral("snapshot 2"));
        QVERIFY(session.shownSnapshot()->snapshotPtr() != first->snapshotPtr());
        QCOMPARE(session.analyzedSnapshot(0), first); // kept as it was

        // New rules: the shown snapshot is analysed again, not the other.
        QSignalSpy started(&session, &Session::reanalysisStarted);
        const IgnoreRulesPtr rules = rulesOf("type pkg.Cache\n");
        session.setRules(rules);
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.at(0).at(0).toInt(), 1);
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(session.shownSnapshot()->ignoreRules(), rules);
        QCOMPARE(session.analyzedSnapshot(0), first);

        // Shown again, it comes at once with its old analysis, then with the rules.
        shown.clear();
        session.showSnapshot(0);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(shown.at(0).at(0).toInt(), 0);
        QCOMPARE(shown.at(0).at(1).toBool(), false);
        QCOMPARE(session.shownSnapshot(), first);
        QCOMPARE(started.size(), 2);
        QCOMPARE(started.at(1).at(0).toInt(), 0);
        QVERIFY(session.isApplyingRules());
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(shown.at(1).at(1).toBool(), true);
        QCOMPARE(session.shownSnapshot()->ignoreRules(), rules);
        QCOMPARE(session.shownSnapshot()->snapshotPtr(), first->snapshotPtr());

        // Back to the second: already up to date, nothing to analyse.
        session.showSnapshot(1);
        QCOMPARE(session.shownIndex(), 1);
        QCOMPARE(started.size(), 2);
        QVERIFY(!session.isApplyingRules());
        session.showSnapshot(5); // no such snapshot
        QCOMPARE(session.shownIndex(), 1);
    }

    void pausedSnapshotAndContinue()
    {
        Session session;
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        fake->pauseScript(QStringLiteral("checkpoint"));
        QCOMPARE(session.state(), Target::State::Paused);
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(session.snapshotLabel(0), QStringLiteral("checkpoint (paused)"));
        session.continueScript();
        QCOMPARE(session.state(), Target::State::Running);
    }

    // A cancelled request's answer is ignored when it comes.
    void cancelledSnapshotIsIgnored()
    {
        Session session;
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QSignalSpy answered(fake, &Target::snapshotReady);
        QSignalSpy received(&session, &Session::snapshotReceived);
        QSignalSpy progress(&session, &Session::captureProgress);
        QVERIFY(session.requestSnapshot());
        session.cancelPendingSnapshot();
        QVERIFY(!session.isSnapshotPending());
        QVERIFY(answered.wait(kTimeoutMs));
        QCOMPARE(received.size(), 0);
        QCOMPARE(progress.size(), 0);
        QCOMPARE(session.snapshotCount(), 0);
        finishBackgroundWork();
        QCOMPARE(session.snapshotCount(), 0);
    }

    void outputAndLiveObjects()
    {
        Session session;
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QSignalSpy output(&session, &Session::outputReceived);
        fake->emitOutput(Target::Channel::Stderr, "warn\xc3\xa9\n");
        QCOMPARE(output.size(), 1);
        QCOMPARE(output.at(0).at(0).value<Target::Channel>(), Target::Channel::Stderr);
        QCOMPARE(output.at(0).at(1).toString(), QStringLiteral("warn\u00e9\n"));

        LiveObject description;
        description.found = true;
        description.repr = QStringLiteral("<Leak>");
        fake->setDescription(description);
        QSignalSpy described(&session, &Session::objectDescribed);
        session.describeObject(0x1234, 0x5678, QStringLiteral("pkg.Leak"));
        QVERIFY(described.wait(kTimeoutMs));
        const auto object = described.at(0).at(0).value<LiveObject>();
        QCOMPARE(object.address, quint64(0x1234));
        QCOMPARE(object.repr, QStringLiteral("<Leak>"));
        QCOMPARE(fake->describedTypeAddress(), quint64(0x5678));
        QCOMPARE(fake->describedTypeName(), QStringLiteral("pkg.Leak"));
    }

    // An interrupt the script does not stop on is said after the grace, once; one it stops on is not.
    void interruptThatDoesNotStopTheScript()
    {
        Session session;
        QCOMPARE(session.interruptGrace(), Session::kInterruptGraceMs);
        session.setInterruptGrace(20);
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        fake->setIgnoresInterrupts(true);
        QSignalSpy ignored(&session, &Session::interruptIgnored);
        QSignalSpy notices(&session, &Session::notice);
        session.interrupt();
        QVERIFY(session.isInterruptPending());
        QVERIFY(ignored.wait(kTimeoutMs));
        QCOMPARE(ignored.size(), 1);
        QCOMPARE(fake->interruptCount(), 1);
        QCOMPARE(session.state(), Target::State::Running);
        QVERIFY(!session.isInterruptPending());
        QVERIFY(notices.last().at(0).toString().contains(QStringLiteral("did not stop")));
        QVERIFY(notices.last().at(0).toString().contains(QStringLiteral("Session ▸ Terminate Interpreter")));
        QVERIFY(session.runOutput(1).contains(QStringLiteral("Session ▸ Terminate Interpreter")));

        // Interrupted from a pause, it runs on: the same.
        fake->pauseScript(QStringLiteral("checkpoint"));
        QCOMPARE(session.state(), Target::State::Paused);
        session.interrupt();
        QVERIFY(ignored.wait(kTimeoutMs));
        QCOMPARE(ignored.size(), 2);

        // A script that stops: the session waits no more once it has ended.
        fake->setIgnoresInterrupts(false);
        QSignalSpy states(&session, &Session::stateChanged);
        session.interrupt();
        QVERIFY(session.isInterruptPending());
        while (session.state() != Target::State::Finished && states.wait(kTimeoutMs)) { }
        QCOMPARE(session.state(), Target::State::Finished);
        QVERIFY(!session.isInterruptPending());
        QCOMPARE(ignored.size(), 2);
    }

    // A script that never ran (a SyntaxError) says why, and leaves no end-of-script snapshot.
    void scriptThatDidNotRunHasNoSnapshot()
    {
        Session session;
        int asked = 0;
        FakeTarget* fake = startFake(session, [&asked](const QString&) {
            ++asked;
            return threeCandidates();
        });
        QVERIFY(fake);
        QSignalSpy notices(&session, &Session::notice);
        fake->emitOutput(Target::Channel::Stderr,
                         "  File \"/x/syntax_error.py\", line 2\n    def broken(:\n               ^\n"
                         "SyntaxError: invalid syntax\n");
        fake->finishScript(2, QStringLiteral("not-run"), QStringLiteral("/x/syntax_error.py:2: SyntaxError: invalid syntax"));
        QCOMPARE(session.state(), Target::State::Finished);
        QVERIFY(!session.isSnapshotPending());
        QVERIFY(session.isSettled());
        QCOMPARE(notices.size(), 1);
        const QString notice = notices.at(0).at(0).toString();
        QVERIFY2(notice.contains(QStringLiteral("/x/syntax_error.py:2: SyntaxError: invalid syntax")), qPrintable(notice));
        QVERIFY2(notice.contains(QStringLiteral("exit status 2")), qPrintable(notice));
        finishBackgroundWork();
        QCOMPARE(asked, 0);
        QCOMPARE(session.snapshotCount(), 0);
        QVERIFY(session.runOutput(1).contains(QStringLiteral("def broken(:\n               ^\nSyntaxError")));
    }

    // Every snapshot knows its run: number, script, process; the requested ones are counted per run;
    // only the current target's, while it lives, can be asked about live objects.
    void snapshotsKnowTheirRun()
    {
        Session session;
        QCOMPARE(session.runCount(), 0);
        auto first = std::make_unique<FakeTarget>();
        FakeTarget* one = first.get();
        one->setSnapshotSource([](const QString&) { return threeCandidates(); });
        QSignalSpy states(&session, &Session::stateChanged);
        session.start(std::move(first), QStringLiteral("Running leaky_service.py"), QStringLiteral("/srv/demo/leaky_service.py"));
        while (session.state() != Target::State::Running && states.wait(kTimeoutMs)) { }
        QCOMPARE(session.runCount(), 1);
        one->emitOutput(Target::Channel::Stdout, "served 3 requests\n");
        QVERIFY(finishAndWaitForSnapshot(session, *one));
        QSignalSpy shown(&session, &Session::shownSnapshotChanged);
        QVERIFY(session.requestSnapshot());
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(session.snapshotLabel(1), QStringLiteral("snapshot 2"));

        const SnapshotOrigin origin = session.snapshotOrigin(0);
        QCOMPARE(origin.run, 1);
        QCOMPARE(origin.script, QStringLiteral("/srv/demo/leaky_service.py"));
        QCOMPARE(origin.description, QStringLiteral("Running leaky_service.py"));
        QCOMPARE(origin.pid, qint64(4242));
        QCOMPARE(session.snapshotTitle(0), QStringLiteral("leaky_service.py · run 1 · end of script"));
        QCOMPARE(session.snapshotTitle(1), QStringLiteral("leaky_service.py · run 1 · snapshot 2"));
        QVERIFY(session.isFromCurrentTarget(0) && session.isFromCurrentTarget(1));
        QCOMPARE(session.runOutput(1),
                 QStringLiteral("— Running leaky_service.py\nserved 3 requests\n— Script completed (exit status 0)\n"));
        const QList<Session::OutputPiece> pieces = session.runOutputPieces(1);
        QCOMPARE(pieces.size(), 3);
        QCOMPARE(pieces.at(1).kind, Session::OutputPiece::Kind::Stdout);

        // A second run, of a target started without a script path: its description names it.
        FakeTarget* two = startFake(session);
        QVERIFY(two);
        QCOMPARE(session.runCount(), 2);
        QVERIFY(!session.isFromCurrentTarget(0));
        QVERIFY(!session.isFromCurrentTarget(1));
        QVERIFY(!session.describeObject(0, 1)); // its process is gone: nothing is asked
        QVERIFY(session.requestSnapshot());
        QVERIFY(shown.wait(kTimeoutMs));
        QCOMPARE(session.snapshotCount(), 3);
        QCOMPARE(session.snapshotLabel(2), QStringLiteral("snapshot 1")); // counted in its own run
        QCOMPARE(session.snapshotOrigin(2).run, 2);
        QCOMPARE(session.snapshotOrigin(2).script, QString());
        QCOMPARE(session.snapshotTitle(2), QStringLiteral("Running fake.py · run 2 · snapshot 1"));
        QVERIFY(session.isFromCurrentTarget(2));
        QCOMPARE(session.runOutput(1),
                 QStringLiteral("— Running leaky_service.py\nserved 3 requests\n— Script completed (exit status 0)\n"));
        QCOMPARE(session.runOutput(2), QStringLiteral("— Running fake.py\n"));

        // The object's type in its snapshot goes with the request.
        QSignalSpy described(&session, &Session::objectDescribed);
        QVERIFY(session.describeObject(2, 1));
        QCOMPARE(two->describedTypeName(), QStringLiteral("pkg.Leak"));
        const Snapshot& s = session.analyzedSnapshot(2)->snapshot();
        QCOMPARE(two->describedTypeAddress(), s.type(s.typeOf(1)).address);
        QVERIFY(two->describedTypeAddress() != 0);
        QVERIFY(described.wait(kTimeoutMs));
        QCOMPARE(described.at(0).at(0).value<LiveObject>().address, s.address(1));
        QVERIFY(!session.describeObject(2, 99)); // no such object

        // Lost, the target's snapshots are no longer live.
        QSignalSpy lost(&session, &Session::targetLost);
        two->crash(QStringLiteral("host crashed: SIGSEGV"));
        QCOMPARE(lost.size(), 1);
        QVERIFY(!session.isFromCurrentTarget(2));
        QVERIFY(!session.describeObject(2, 1));
        QVERIFY(session.runOutput(2).endsWith(
            QStringLiteral("— The interpreter is gone: host crashed: SIGSEGV. Snapshots taken so far are kept.\n")));

        QCOMPARE(session.snapshotOrigin(3).run, 0);
        QCOMPARE(session.snapshotTitle(-1), QString());
        QCOMPARE(session.runOutput(0), QString());
        QCOMPARE(session.runOutput(3), QString());
    }

    // Terminated, the target is lost; the snapshots stay, and a later request fails with a notice.
    void terminatedTargetKeepsTheSnapshots()
    {
        Session session;
        FakeTarget* fake = startFake(session);
        QVERIFY(fake);
        QVERIFY(finishAndWaitForSnapshot(session, *fake));
        QCOMPARE(session.state(), Target::State::Finished);
        QVERIFY(session.isConnected());

        QSignalSpy lost(&session, &Session::targetLost);
        QSignalSpy notices(&session, &Session::notice);
        QSignalSpy states(&session, &Session::stateChanged);
        session.terminate();
        QVERIFY(lost.wait(kTimeoutMs));
        QCOMPARE(lost.at(0).at(0).toString(), QStringLiteral("terminated"));
        QCOMPARE(session.state(), Target::State::Lost);
        QCOMPARE(states.last().at(0).value<Target::State>(), Target::State::Lost);
        QVERIFY(!session.isConnected());
        QCOMPARE(notices.last().at(0).toString(),
            QStringLiteral("The interpreter is gone: terminated. Snapshots taken so far are kept."));
        QCOMPARE(session.snapshotCount(), 1);
        QVERIFY(session.shownSnapshot());

        QVERIFY(session.requestSnapshot());
        QVERIFY(notices.wait(kTimeoutMs));
        QCOMPARE(notices.last().at(0).toString(), QStringLiteral("Request failed: the interpreter is not connected"));
        QVERIFY(!session.isSnapshotPending());
    }

    // Another run replaces the target: the old one is terminated, the snapshots are kept, and the new
    // one's snapshots are added after them.
    void anotherRunKeepsTheSnapshots()
    {
        Session session;
        QPointer<FakeTarget> first = startFake(session);
        QVERIFY(first);
        QVERIFY(finishAndWaitForSnapshot(session, *first));
        FakeTarget* second = startFake(session);
        QVERIFY(second);
        QCOMPARE(session.target(), second);
        QTRY_VERIFY(first.isNull() || first->state() == Target::State::Lost); // terminated, then deleted
        QCOMPARE(session.snapshotCount(), 1);
        QVERIFY(finishAndWaitForSnapshot(session, *second));
        QCOMPARE(session.snapshotCount(), 2);
        QCOMPARE(session.shownIndex(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
