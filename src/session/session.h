#pragma once

#include "models/analyzed_snapshot.h"
#include "session/run_request.h"
#include "target/target.h"

#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>
#include <memory>
#include <vector>

namespace leakscope {

// One inspection session: the target running the user's script, the snapshots it sent (every one
// kept, also after the target is gone or replaced), and their analyses with the current ignore rules.
// Each snapshot is analysed off the GUI thread as it arrives, then stored and shown. When the rules
// change, the snapshot shown is analysed again at once (it stays shown with the rules of its time until
// then), and the others when they are next shown. Views observe it through its signals.
class Session : public QObject
{
    Q_OBJECT

public:
    using TargetFactory = std::function<std::unique_ptr<Target>(const RunRequest&)>;

    explicit Session(QObject* parent = nullptr);
    ~Session() override;

    // How run() makes a target. The default starts leakscope-host next to this program; tests give a
    // FakeTarget.
    void setTargetFactory(TargetFactory factory);
    // Runs request's script in a new target made by the factory, as start() does.
    void run(const RunRequest& request);
    // Replaces the target by target (the previous one is terminated, its snapshots kept) and starts
    // it; the script runs once it is ready. description says what runs, as the output shows it.
    void start(std::unique_ptr<Target> target, const QString& description);
    // The current target, or null before the first start().
    Target* target() const { return m_target.get(); }
    // The target's state; Idle without one.
    Target::State state() const;
    // True while the target can take snapshot and describe requests.
    bool isConnected() const;

    // Asks the target for a snapshot unless one is awaited already; false when none was asked for.
    bool requestSnapshot();
    // Stops waiting for the awaited snapshot: the host finishes it, and its answer is ignored.
    void cancelPendingSnapshot();
    bool isSnapshotPending() const { return m_pendingSnapshot != 0; }
    void continueScript();
    void interrupt();
    void terminate();
    // Runs the object's own repr() and dir() in the interpreter; the answer comes as objectDescribed()
    // unless another object is asked for meanwhile.
    void describeObject(quint64 address);

    // The rules to analyse with (null: none). Setting other rules analyses the shown snapshot again.
    void setRules(IgnoreRulesPtr rules);
    const IgnoreRulesPtr& rules() const { return m_rules; }
    // True while the snapshot shown waits for its analysis with the current rules.
    bool isApplyingRules() const;
    // True once the script has ended (or the interpreter is gone) and every snapshot it sent is
    // analysed and shown: nothing more comes unless the user asks.
    bool isSettled() const;

    int snapshotCount() const { return static_cast<int>(m_snapshots.size()); }
    // "snapshot 2", "end of script", "checkpoint (paused)": as the target named it.
    QString snapshotLabel(int index) const;
    // The latest analysis of snapshot index (with the rules of its time); null for a bad index.
    AnalyzedSnapshotPtr analyzedSnapshot(int index) const;
    // Shows snapshot index, and analyses it with the current rules if it was analysed with others.
    void showSnapshot(int index);
    // -1 before the first snapshot.
    int shownIndex() const { return m_shownIndex; }
    // The analysis of the snapshot shown; null before the first snapshot.
    AnalyzedSnapshotPtr shownSnapshot() const { return analyzedSnapshot(m_shownIndex); }

Q_SIGNALS:
    // A target replaced the previous one; description says what it runs.
    void runStarted(const QString& description);
    // The target's state changed, or another target came.
    void stateChanged(leakscope::Target::State state);
    // isSnapshotPending() changed.
    void snapshotPendingChanged(bool pending);
    void outputReceived(leakscope::Target::Channel channel, const QString& text);
    // What the session itself has to say in the output: the script ended, a request failed.
    void notice(const QString& text);
    // The interpreter is gone (why: reason); the snapshots taken are kept.
    void targetLost(const QString& reason);
    // How far the capture of the awaited snapshot, or of one the script takes, has come.
    void captureProgress(int permille, const QString& message);
    // A snapshot arrived and is being analysed; snapshotAdded() follows.
    void snapshotReceived(const QString& label);
    // A new snapshot, analysed, is stored at index (the last one); it is shown next.
    void snapshotAdded(int index);
    // shownSnapshot() changed: snapshot index is shown, or the snapshot shown has a new analysis.
    // keepView: the same snapshot as before, with other rules; what the user looked at still applies.
    void shownSnapshotChanged(int index, bool keepView);
    // Snapshot index is analysed again, with the current rules.
    void reanalysisStarted(int index);
    // Snapshot index has its analysis with the current rules; when it is shown,
    // shownSnapshotChanged() follows.
    void reanalysed(int index);
    // The answer of the last describeObject().
    void objectDescribed(const leakscope::LiveObject& object);

private:
    struct StoredSnapshot
    {
        QString label;
        AnalyzedSnapshotPtr analyzed; // with the rules of the time; never null
        bool analysing = false; // a new analysis with analysingRules runs
        IgnoreRulesPtr analysingRules;
    };

    void connectTarget();
    void setPendingSnapshot(quint32 requestId);
    void onSnapshotReady(quint32 requestId, const QString& label, bool paused, const SnapshotPtr& snapshot);
    void addSnapshot(const QString& label, AnalyzedSnapshotPtr analyzed);
    // Analyses snapshot index again when its analysis used other rules than the current ones.
    void refreshAnalysis(int index);
    void onReanalysed(int index, AnalyzedSnapshotPtr analyzed);

    TargetFactory m_targetFactory;
    std::unique_ptr<Target> m_target;
    std::vector<StoredSnapshot> m_snapshots;
    int m_shownIndex = -1;
    IgnoreRulesPtr m_rules;
    quint32 m_pendingSnapshot = 0; // request whose answer is awaited; 0: none
    quint32 m_pendingDescribe = 0;
    int m_arrivingSnapshots = 0; // received, being analysed, not stored yet
};

} // namespace leakscope
