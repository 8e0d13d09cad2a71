#pragma once

#include "models/analyzed_snapshot.h"
#include "session/run_request.h"
#include "target/target.h"

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace leakscope {

// Where a stored snapshot comes from: which run of the session, of what, in which process.
struct SnapshotOrigin
{
    int run = 0;         // 1-based: the session's first run is run 1; 0 for a bad index
    QString script;      // the script's full path; empty when the run was started without one
    QString description; // what runs, as runStarted() said it
    qint64 pid = 0;      // the interpreter's process id; 0 when it was not known
    QString file;        // a snapshot opened from a file: that file's full path (run is 0 then); else empty

    bool isFromFile() const { return !file.isEmpty(); }
};

// One inspection session: the target running the user's script, the snapshots it sent (every one
// kept, also after the target is gone or replaced), and their analyses with the current ignore rules.
// Each snapshot is analysed off the GUI thread as it arrives (its dominator tree with it:
// AnalyzedSnapshot::dominators() is never null here), then stored and shown. When the rules
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
    // it, as a new run; the script runs once it is ready. description says what runs, as the output
    // shows it; script is the script's path, for the snapshots' titles (empty: description names it).
    void start(std::unique_ptr<Target> target, const QString& description, const QString& script = {});
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
    // True while a capture is under way: a snapshot is awaited (isSnapshotPending()), the script is
    // taking one of its own (its progress came, the snapshot not yet), or one arrived and is being
    // analysed. Every way a capture can end clears it: the snapshot stored, the request failed or
    // cancelled, the interpreter lost, a new run started.
    bool isCaptureUnderway() const { return m_captureUnderway; }
    void continueScript();
    // Raises KeyboardInterrupt in the script. When the script still runs interruptGrace() later (C code
    // that never returns to the interpreter, a script that catches KeyboardInterrupt), the session says
    // so in the output and emits interruptIgnored(): only terminate() ends it then.
    void interrupt();
    void terminate();
    // True from interrupt() until the script stops, pauses or is found to ignore it (interruptIgnored()).
    bool isInterruptPending() const { return m_interruptTimer.isActive(); }
    static constexpr int kInterruptGraceMs = 3000;
    void setInterruptGrace(int ms) { m_interruptGraceMs = ms; }
    int interruptGrace() const { return m_interruptGraceMs; }

    // Runs the object's own repr() and dir() in the interpreter, if the object living at its address
    // is still of the type it has in snapshot snapshotIndex (else the answer says found = false and
    // what lives there now, and nothing runs). The answer comes as objectDescribed() unless another
    // object is asked for meanwhile. False, and nothing asked, when the snapshot is not from the
    // current target (isFromCurrentTarget()) or object is not in it.
    bool describeObject(int snapshotIndex, ObjectIndex object);
    // The same for an object given by its address and its snapshot's type (address and name).
    void describeObject(quint64 address, quint64 typeAddress, const QString& typeName);
    // Why snapshot index has no live process to ask (describeObject()), in a sentence for the user:
    // opened from a file, of an earlier run, its interpreter gone. Empty when it has one.
    QString whyNotLive(int index) const;

    // The rules to analyse with (null: none). Setting other rules analyses the shown snapshot again.
    void setRules(IgnoreRulesPtr rules);
    const IgnoreRulesPtr& rules() const { return m_rules; }
    // True while the snapshot shown waits for its analysis with the current rules.
    bool isApplyingRules() const;
    // True once the script has ended (or the interpreter is gone) and every snapshot it sent is
    // analysed and shown: nothing more comes unless the user asks.
    bool isSettled() const;

    int snapshotCount() const { return static_cast<int>(m_snapshots.size()); }
    // "snapshot 2", "end of script", "checkpoint (paused)": as the target named it. The snapshots
    // asked for (requestSnapshot()) are numbered within their run, from 1, counting every snapshot
    // the run sent before them.
    QString snapshotLabel(int index) const;
    // The run snapshot index comes from; a default SnapshotOrigin (run 0) for a bad index.
    SnapshotOrigin snapshotOrigin(int index) const;
    // True when snapshot index comes from the current target and that target's interpreter is still
    // there: only then do its addresses mean anything live (describeObject()). False for a snapshot of
    // an earlier run (its process was terminated when the next run started) and, once the target is
    // lost (crashed, exited, terminated), for every snapshot.
    bool isFromCurrentTarget(int index) const;
    // Where snapshot index stands in a series of the script's (leakscope.iterate(), the pytest plugin);
    // a default SeriesPosition (no series) for a bad index and for any other snapshot.
    SeriesPosition snapshotSeries(int index) const;
    // "leaky_service.py · run 2 · snapshot 1": the script's file name (or the run's description), the
    // run and the label, for choosing among the snapshots of several runs. Empty for a bad index.
    QString snapshotTitle(int index) const;

    // Runs started in this session (run numbers go from 1 to runCount()); the current one is the last.
    int runCount() const { return static_cast<int>(m_runs.size()); }
    // What a run put in the output, in order: its description, what the script wrote on stdout and
    // stderr, and the session's notices. The output of every run is kept (the first part of a very long
    // one is dropped, as said in its place), so that the output of the run of the snapshot chosen can
    // be shown.
    struct OutputPiece
    {
        enum class Kind { Stdout, Stderr, Notice };
        Kind kind = Kind::Stdout;
        QString text; // a notice without its line end
    };
    QList<OutputPiece> runOutputPieces(int run) const;
    // The same as plain text, each notice on a line of its own after "— "; empty for a bad run.
    QString runOutput(int run) const;
    // The latest analysis of snapshot index (with the rules of its time); null for a bad index.
    AnalyzedSnapshotPtr analyzedSnapshot(int index) const;
    // Shows snapshot index, and analyses it with the current rules if it was analysed with others.
    void showSnapshot(int index);
    // -1 before the first snapshot, and once every snapshot is closed.
    int shownIndex() const { return m_shownIndex; }
    // The analysis of the snapshot shown; null before the first snapshot.
    AnalyzedSnapshotPtr shownSnapshot() const { return analyzedSnapshot(m_shownIndex); }

    // Snapshot files (session_files.cpp). A snapshot opened from a file behaves as a captured one,
    // except that it has no live process: its origin names the file and no run.
    //
    // Opens each file in turn, in the order given: loaded and analysed off the GUI thread, then stored
    // (snapshotAdded()) and shown. A file that cannot be opened is said (fileOpenFailed()) and the
    // others still open; filesOpened() sums up once none is left to open. A file already open is shown
    // again rather than opened twice. The label is the one stored in the file, else the file's name.
    void openSnapshotFiles(const QStringList& paths);
    // True from openSnapshotFiles() until filesOpened().
    bool isOpeningFiles() const { return m_openingFile || !m_openQueue.isEmpty(); }
    // Saves snapshot index to path off the GUI thread (atomically: a failure leaves what was at path);
    // snapshotSaved() or snapshotSaveFailed() follows. The snapshot then knows its file and is saved.
    void saveSnapshot(int index, const QString& path);
    // True while a save is under way.
    bool isSaving() const { return m_savesUnderway > 0; }
    // The file snapshot index was opened from or last saved to; empty when it has none.
    QString snapshotFile(int index) const;
    // True when snapshot index is in its file: opened from it or saved to it. A captured snapshot is
    // unsaved until it is saved.
    bool isSnapshotSaved(int index) const;
    // The snapshots that closing the session would lose, in order.
    QList<int> unsavedSnapshots() const;
    // Gives snapshot index another label (blank: unchanged). The label names it in the session and is
    // the label saveSnapshot() writes; the file it came from keeps its own until saved again.
    void renameSnapshot(int index, const QString& label);
    // Removes snapshot index from the session (whether saved or not: asking is the caller's business).
    // The snapshots after it move down by one (snapshotRemoved()); when it was shown, the next one is
    // shown (the previous one when it was the last; none when it was the only one).
    void closeSnapshot(int index);

Q_SIGNALS:
    // A target replaced the previous one; description says what it runs.
    void runStarted(const QString& description);
    // The target's state changed, or another target came.
    void stateChanged(leakscope::Target::State state);
    // isSnapshotPending() changed.
    void snapshotPendingChanged(bool pending);
    // isCaptureUnderway() changed.
    void captureUnderwayChanged(bool underway);
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
    // Every snapshot of a series of the script's is stored: snapshots are their indexes, in the series'
    // order; label names the series (its snapshots' label up to ": warm-up", ": round K/N"). Emitted
    // once per series, after the snapshotAdded() of the last one to arrive; never for a series that
    // stopped early or whose snapshots were closed before it completed.
    void seriesCompleted(const QList<int>& snapshots, const QString& label);
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
    // The script still runs interruptGrace() after interrupt(): terminate() is what ends it.
    void interruptIgnored();
    // Snapshot index's label, file or saved state changed.
    void snapshotChanged(int index);
    // Snapshot index was closed: those that came after it are one index lower now. When it was shown,
    // shownSnapshotChanged() follows (with -1 when none is left).
    void snapshotRemoved(int index);
    // The file at path is being loaded and analysed; queued more wait after it.
    void fileOpening(const QString& path, int queued);
    // The file at path could not be opened; error names it and says why.
    void fileOpenFailed(const QString& path, const QString& error);
    // Every file asked for is opened or failed: opened of them were opened (or shown again), errors says
    // why the others were not, one line each.
    void filesOpened(int opened, const QStringList& errors);
    // A save is under way (path) or, with an empty path, none is any more.
    void savingChanged(const QString& path);
    // Snapshot index is saved in path. (index is -1 when it was closed meanwhile.)
    void snapshotSaved(int index, const QString& path);
    // Snapshot index was not saved to path; error says why. What was at path is untouched.
    void snapshotSaveFailed(int index, const QString& path, const QString& error);

private:
    struct RunRecord
    {
        QString description;
        QString script;
        qint64 pid = 0;
        int snapshotsReceived = 0; // names the next one asked for
        QList<OutputPiece> output;
        qsizetype outputChars = 0;
        bool outputCut = false;
    };
    struct StoredSnapshot
    {
        quint64 id = 0; // unique in the session: finds it again after the indexes have moved
        QString label;
        bool renamed = false; // label was given by renameSnapshot(): saving writes it into the file
        int run = 0; // 1-based; 0 for a snapshot opened from a file
        QString openedFrom; // the file it was opened from; empty for a captured snapshot
        QString file;       // the file it was opened from or last saved to
        bool saved = false;
        qint64 pid = 0;
        AnalyzedSnapshotPtr analyzed; // with the rules of the time; never null
        SeriesPosition series; // of the run's process: series ids are numbered per process
        bool analysing = false; // a new analysis with analysingRules runs
        IgnoreRulesPtr analysingRules;
    };

    void connectTarget();
    void setPendingSnapshot(quint32 requestId);
    // Emits captureUnderwayChanged() when isCaptureUnderway() is no longer what it was.
    void updateCaptureUnderway();
    void onSnapshotReady(quint32 requestId, const QString& label, bool paused, const SnapshotPtr& snapshot,
                         const SeriesPosition& series);
    // Stores and shows a new snapshot; openedFrom: the file it comes from (then saved, run 0).
    void addSnapshot(const QString& label, int run, qint64 pid, AnalyzedSnapshotPtr analyzed,
                     const QString& openedFrom = {}, const SeriesPosition& series = {});
    // Emits seriesCompleted() when snapshot index completes its series.
    void checkSeriesCompleted(int index);
    // The index of the stored snapshot whose id is id; -1 when it was closed.
    int indexOfId(quint64 id) const;
    void openNextFile();
    struct OpenedFile;
    void onFileOpened(const QString& path, OpenedFile opened);
    // Says text in the output (notice()), and keeps it in the current run's output.
    void say(const QString& text);
    void keepOutput(OutputPiece::Kind kind, const QString& text);
    void onInterruptGraceOver();
    // Analyses snapshot index again when its analysis used other rules than the current ones.
    void refreshAnalysis(int index);
    void onReanalysed(quint64 id, AnalyzedSnapshotPtr analyzed);

    TargetFactory m_targetFactory;
    std::unique_ptr<Target> m_target;
    std::vector<StoredSnapshot> m_snapshots;
    int m_shownIndex = -1;
    IgnoreRulesPtr m_rules;
    quint32 m_pendingSnapshot = 0; // request whose answer is awaited; 0: none
    quint32 m_pendingDescribe = 0;
    int m_arrivingSnapshots = 0; // received, being analysed, not stored yet
    bool m_scriptCapturing = false; // the script's own capture sent progress, not its snapshot yet
    bool m_captureUnderway = false;
    std::vector<RunRecord> m_runs;
    int m_interruptGraceMs = kInterruptGraceMs;
    QTimer m_interruptTimer;
    quint64 m_nextId = 1;
    QStringList m_openQueue;  // files waiting to be opened, in order
    bool m_openingFile = false; // one is being loaded and analysed
    int m_filesOpened = 0;      // of the files asked for since the queue was last empty
    QStringList m_openErrors;   // the same, the errors
    int m_savesUnderway = 0;
};

} // namespace leakscope
