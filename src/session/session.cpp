#include "session.h"

#include "support/background_work.h"

#include <QtCore/QFileInfo>

namespace leakscope {

namespace {

// Output kept per run; past it, the oldest output goes first.
constexpr qsizetype kMaxRunOutputChars = 8 * 1024 * 1024;

} // namespace

Session::Session(QObject* parent)
    : QObject(parent)
    , m_targetFactory([](const RunRequest& request) -> std::unique_ptr<Target> {
        return std::make_unique<HostProcessTarget>(hostLaunchFor(request));
    })
{
    // Targets may hand these over between threads.
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<LiveObject>();
    m_interruptTimer.setSingleShot(true);
    connect(&m_interruptTimer, &QTimer::timeout, this, &Session::onInterruptGraceOver);
}

Session::~Session()
{
    // Whatever the target says while it goes down is for no one.
    if (m_target)
        m_target->disconnect(this);
}

Target::State Session::state() const
{
    return m_target ? m_target->state() : Target::State::Idle;
}

bool Session::isConnected() const
{
    const Target::State s = state();
    return s == Target::State::Ready || s == Target::State::Running || s == Target::State::Paused
        || s == Target::State::Finished;
}

void Session::setTargetFactory(TargetFactory factory)
{
    m_targetFactory = std::move(factory);
}

void Session::run(const RunRequest& request)
{
    start(m_targetFactory(request), describeRun(request), QFileInfo(request.script).absoluteFilePath());
}

void Session::start(std::unique_ptr<Target> target, const QString& description, const QString& script)
{
    if (m_target) {
        m_target->disconnect(this);
        m_target->terminate();
        m_target.release()->deleteLater(); // let it finish terminating on its own
    }
    m_pendingDescribe = 0;
    m_interruptTimer.stop();
    m_scriptCapturing = false; // the old target's capture is for no one now
    setPendingSnapshot(0);
    RunRecord record;
    record.description = description;
    record.script = script;
    m_runs.push_back(std::move(record));
    keepOutput(OutputPiece::Kind::Notice, description);
    Q_EMIT runStarted(description);
    m_target = std::move(target);
    connectTarget();
    m_target->start();
    Q_EMIT stateChanged(state());
}

void Session::connectTarget()
{
    Target* target = m_target.get();
    connect(target, &Target::ready, this, [this, target] {
        m_runs.back().pid = target->pid();
        target->runScript();
    });
    connect(target, &Target::stateChanged, this, [this](Target::State state) {
        if (state != Target::State::Running)
            m_interruptTimer.stop(); // the interrupt worked (or the script waits or is gone)
        Q_EMIT stateChanged(state);
    });
    connect(target, &Target::outputReceived, this, [this](Target::Channel channel, const QByteArray& bytes) {
        const QString text = QString::fromUtf8(bytes);
        keepOutput(channel == Target::Channel::Stderr ? OutputPiece::Kind::Stderr : OutputPiece::Kind::Stdout, text);
        Q_EMIT outputReceived(channel, text);
    });
    connect(target, &Target::progress, this, [this](quint32 id, int permille, const QString& message) {
        if (id == 0 && !m_scriptCapturing) {
            m_scriptCapturing = true;
            updateCaptureUnderway();
        }
        if (id == 0 || id == m_pendingSnapshot)
            Q_EMIT captureProgress(permille, message);
    });
    connect(target, &Target::snapshotReady, this, &Session::onSnapshotReady);
    connect(target, &Target::scriptFinished, this, [this](int exitCode, const QString& outcome, const QString& why) {
        if (outcome == QLatin1String("not-run")) {
            // Nothing of the script is in the heap: a snapshot would show the interpreter alone. Why it
            // did not run came with its output (a SyntaxError with its line), and comes here too.
            say(tr("The script did not run (exit status %1): %2. No end-of-script snapshot is taken.")
                    .arg(exitCode)
                    .arg(why.trimmed()));
            return;
        }
        say(tr("Script %1 (exit status %2)").arg(outcome).arg(exitCode));
        // The heap as the script left it: what `leakscope SCRIPT` promises.
        setPendingSnapshot(m_target->requestSnapshot(tr("end of script")));
    });
    connect(target, &Target::requestFailed, this, [this](quint32 id, const QString& message) {
        say(tr("Request failed: %1").arg(message));
        if (id == 0)
            m_scriptCapturing = false;
        if (id == m_pendingSnapshot)
            setPendingSnapshot(0);
        updateCaptureUnderway();
    });
    connect(target, &Target::objectDescribed, this, [this](quint32 id, const LiveObject& object) {
        if (id != m_pendingDescribe)
            return;
        m_pendingDescribe = 0;
        Q_EMIT objectDescribed(object);
    });
    connect(target, &Target::lost, this, [this](const QString& reason, const QByteArray&) {
        say(m_target && m_target->isAttached()
                ? tr("The session with the process ended: %1. Snapshots taken so far are kept.").arg(reason)
                : tr("The interpreter is gone: %1. Snapshots taken so far are kept.").arg(reason));
        Q_EMIT targetLost(reason);
        m_scriptCapturing = false;
        setPendingSnapshot(0);
        updateCaptureUnderway();
    });
}

void Session::setPendingSnapshot(quint32 requestId)
{
    const bool was = isSnapshotPending();
    m_pendingSnapshot = requestId;
    if (was != isSnapshotPending())
        Q_EMIT snapshotPendingChanged(isSnapshotPending());
    updateCaptureUnderway();
}

void Session::updateCaptureUnderway()
{
    const bool underway = isSnapshotPending() || m_scriptCapturing || m_arrivingSnapshots > 0;
    if (underway == m_captureUnderway)
        return;
    m_captureUnderway = underway;
    Q_EMIT captureUnderwayChanged(underway);
}

bool Session::requestSnapshot()
{
    if (!m_target || m_pendingSnapshot)
        return false;
    setPendingSnapshot(m_target->requestSnapshot(tr("snapshot %1").arg(m_runs.back().snapshotsReceived + 1)));
    return true;
}

void Session::cancelPendingSnapshot()
{
    setPendingSnapshot(0);
}

void Session::continueScript()
{
    if (m_target)
        m_target->continueScript();
}

void Session::interrupt()
{
    if (!m_target)
        return;
    const Target::State before = m_target->state();
    m_target->interrupt();
    if (before == Target::State::Running || before == Target::State::Paused)
        m_interruptTimer.start(m_interruptGraceMs);
}

void Session::onInterruptGraceOver()
{
    if (state() != Target::State::Running)
        return;
    say(tr("The script did not stop on the interrupt: it may be busy in C code, or catch KeyboardInterrupt. "
           "Session ▸ Terminate Interpreter ends it."));
    Q_EMIT interruptIgnored();
}

void Session::terminate()
{
    if (m_target)
        m_target->terminate();
}

bool Session::describeObject(int snapshotIndex, ObjectIndex object)
{
    const AnalyzedSnapshotPtr analyzed = analyzedSnapshot(snapshotIndex);
    if (!analyzed || !isFromCurrentTarget(snapshotIndex) || object >= analyzed->snapshot().objectCount())
        return false;
    const Snapshot& s = analyzed->snapshot();
    const TypeRecord& type = s.type(s.typeOf(object));
    describeObject(s.address(object), type.address, QString::fromUtf8(s.typeNameOf(object)));
    return true;
}

void Session::describeObject(quint64 address, quint64 typeAddress, const QString& typeName)
{
    if (m_target)
        m_pendingDescribe = m_target->describeObject(address, typeAddress, typeName);
}

void Session::onSnapshotReady(quint32 requestId, const QString& label, bool paused, const SnapshotPtr& snapshot,
                              const SeriesPosition& series)
{
    if (requestId != 0 && requestId != m_pendingSnapshot)
        return; // cancelled
    const QString shownLabel = (label.isEmpty() ? tr("snapshot") : label) + (paused ? tr(" (paused)") : QString());
    Q_EMIT snapshotReceived(shownLabel);
    ++m_arrivingSnapshots; // before the request ends, so that the session never looks settled meanwhile
    if (requestId == 0)
        m_scriptCapturing = false;
    ++m_runs.back().snapshotsReceived;
    if (requestId == m_pendingSnapshot)
        setPendingSnapshot(0);
    updateCaptureUnderway();
    // The snapshot's run is the current one now; another may have started when its analysis is done.
    const int run = runCount();
    const qint64 pid = m_target->pid() ? m_target->pid() : snapshot->info().pid;
    // The analysis and the dominator tree are O(N + E) each: off the GUI thread.
    runInBackground(
        this, [snapshot, rules = m_rules] { return analyzeWithDominators(snapshot, rules); },
        [this, shownLabel, run, pid, series](AnalyzedSnapshotPtr analyzed) {
            --m_arrivingSnapshots;
            if (analyzed)
                addSnapshot(shownLabel, run, pid, std::move(analyzed), {}, series);
            updateCaptureUnderway();
        });
}

void Session::addSnapshot(const QString& label, int run, qint64 pid, AnalyzedSnapshotPtr analyzed,
                          const QString& openedFrom, const SeriesPosition& series)
{
    StoredSnapshot stored;
    stored.id = m_nextId++;
    stored.label = label;
    stored.run = run;
    stored.pid = pid;
    stored.openedFrom = openedFrom;
    stored.file = openedFrom;
    stored.saved = !openedFrom.isEmpty();
    stored.analyzed = std::move(analyzed);
    // A malformed position (checked by the protocol's decoder, but targets vary) is no series.
    if (series.isInSeries() && series.index < series.length)
        stored.series = series;
    m_snapshots.push_back(std::move(stored));
    const int index = snapshotCount() - 1;
    Q_EMIT snapshotAdded(index);
    showSnapshot(index);
    checkSeriesCompleted(index);
}

SeriesPosition Session::snapshotSeries(int index) const
{
    return index >= 0 && index < snapshotCount() ? m_snapshots[static_cast<std::size_t>(index)].series
                                                 : SeriesPosition();
}

void Session::checkSeriesCompleted(int index)
{
    const StoredSnapshot& added = m_snapshots[static_cast<std::size_t>(index)];
    const SeriesPosition series = added.series;
    if (!series.isInSeries())
        return;
    // The snapshots are analysed side by side, so the last of a series may be stored before others:
    // the series is complete when every index of it is stored, whichever came last.
    QList<int> members(static_cast<qsizetype>(series.length), -1);
    for (int k = 0; k < snapshotCount(); ++k) {
        const StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(k)];
        if (stored.run == added.run && stored.series.id == series.id && stored.series.length == series.length
            && members[stored.series.index] < 0)
            members[stored.series.index] = k;
    }
    if (members.contains(-1))
        return;
    // "LABEL: round 3/3": the series' label is what comes before the last ": ".
    const QString& first = m_snapshots[static_cast<std::size_t>(members.first())].label;
    const qsizetype cut = first.lastIndexOf(QStringLiteral(": "));
    Q_EMIT seriesCompleted(members, cut > 0 ? first.left(cut) : first);
}

QString Session::snapshotLabel(int index) const
{
    return index >= 0 && index < snapshotCount() ? m_snapshots[static_cast<std::size_t>(index)].label : QString();
}

SnapshotOrigin Session::snapshotOrigin(int index) const
{
    if (index < 0 || index >= snapshotCount())
        return {};
    const StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    if (stored.run == 0)
        return {0, {}, tr("opened from %1").arg(stored.openedFrom), stored.pid, stored.openedFrom};
    const RunRecord& run = m_runs[static_cast<std::size_t>(stored.run - 1)];
    return {stored.run, run.script, run.description, stored.pid, {}};
}

bool Session::isFromCurrentTarget(int index) const
{
    if (index < 0 || index >= snapshotCount() || !m_target)
        return false;
    const Target::State now = m_target->state();
    const int run = m_snapshots[static_cast<std::size_t>(index)].run;
    return run > 0 && run == runCount() && now != Target::State::Lost
        && now != Target::State::Idle;
}

QString Session::snapshotTitle(int index) const
{
    const SnapshotOrigin origin = snapshotOrigin(index);
    if (origin.isFromFile())
        return tr("%1 · %2").arg(QFileInfo(origin.file).fileName(), snapshotLabel(index));
    if (origin.run == 0)
        return {};
    const QString what = origin.script.isEmpty() ? origin.description : QFileInfo(origin.script).fileName();
    return tr("%1 · run %2 · %3").arg(what).arg(origin.run).arg(snapshotLabel(index));
}

QList<Session::OutputPiece> Session::runOutputPieces(int run) const
{
    if (run < 1 || run > runCount())
        return {};
    const RunRecord& record = m_runs[static_cast<std::size_t>(run - 1)];
    if (!record.outputCut)
        return record.output;
    QList<OutputPiece> pieces{{OutputPiece::Kind::Notice, tr("The start of this run's output is not kept.")}};
    return pieces + record.output;
}

QString Session::runOutput(int run) const
{
    QString text;
    for (const OutputPiece& piece : runOutputPieces(run)) {
        if (piece.kind == OutputPiece::Kind::Notice) {
            if (!text.isEmpty() && !text.endsWith(u'\n'))
                text += u'\n';
            text += QStringLiteral("— ") + piece.text + u'\n';
        } else {
            text += piece.text;
        }
    }
    return text;
}

void Session::say(const QString& text)
{
    keepOutput(OutputPiece::Kind::Notice, text);
    Q_EMIT notice(text);
}

void Session::keepOutput(OutputPiece::Kind kind, const QString& text)
{
    if (m_runs.empty() || text.isEmpty())
        return;
    RunRecord& run = m_runs.back();
    // Output of one kind in a row is one piece: a script printing line by line makes few pieces.
    if (kind != OutputPiece::Kind::Notice && !run.output.isEmpty() && run.output.last().kind == kind)
        run.output.last().text += text;
    else
        run.output.append({kind, text});
    run.outputChars += text.size();
    // A script that prints without end must not fill the memory: its oldest output goes.
    while (run.outputChars > kMaxRunOutputChars && run.output.size() > 1) {
        const qsizetype excess = run.outputChars - kMaxRunOutputChars;
        OutputPiece& first = run.output.first();
        if (first.text.size() <= excess) {
            run.outputChars -= first.text.size();
            run.output.removeFirst();
        } else {
            first.text.remove(0, excess);
            run.outputChars -= excess;
        }
        run.outputCut = true;
    }
}

AnalyzedSnapshotPtr Session::analyzedSnapshot(int index) const
{
    return index >= 0 && index < snapshotCount() ? m_snapshots[static_cast<std::size_t>(index)].analyzed : nullptr;
}

void Session::showSnapshot(int index)
{
    if (index < 0 || index >= snapshotCount() || index == m_shownIndex)
        return;
    const AnalyzedSnapshotPtr before = shownSnapshot();
    m_shownIndex = index;
    const AnalyzedSnapshotPtr& analyzed = m_snapshots[static_cast<std::size_t>(index)].analyzed;
    Q_EMIT shownSnapshotChanged(index, before && before->snapshotPtr() == analyzed->snapshotPtr());
    refreshAnalysis(index); // shown at once, with the rules of its time until the new analysis is done
}

void Session::setRules(IgnoreRulesPtr rules)
{
    if (rules == m_rules)
        return;
    m_rules = std::move(rules);
    refreshAnalysis(m_shownIndex);
}

bool Session::isSettled() const
{
    const Target::State now = state();
    return (now == Target::State::Finished || now == Target::State::Lost) && !isSnapshotPending()
        && m_arrivingSnapshots == 0 && !isApplyingRules();
}

bool Session::isApplyingRules() const
{
    const AnalyzedSnapshotPtr shown = shownSnapshot();
    return shown && shown->ignoreRules() != m_rules;
}

void Session::refreshAnalysis(int index)
{
    if (index < 0 || index >= snapshotCount())
        return;
    StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    if (stored.analyzed->ignoreRules() == m_rules || (stored.analysing && stored.analysingRules == m_rules))
        return;
    stored.analysing = true;
    stored.analysingRules = m_rules;
    Q_EMIT reanalysisStarted(index);
    // The same snapshot: its dominator tree holds whatever the rules (see AnalyzedSnapshot).
    runInBackground(
        this,
        [previous = stored.analyzed, rules = m_rules] { return analyzeWithDominators(rules, previous); },
        [this, id = stored.id](AnalyzedSnapshotPtr analyzed) { onReanalysed(id, std::move(analyzed)); });
}

void Session::onReanalysed(quint64 id, AnalyzedSnapshotPtr analyzed)
{
    // Found by its id: snapshots closed meanwhile have moved it, or it is closed itself.
    const int index = indexOfId(id);
    if (index < 0)
        return;
    StoredSnapshot& stored = m_snapshots[static_cast<std::size_t>(index)];
    if (stored.analysing && stored.analysingRules == analyzed->ignoreRules())
        stored.analysing = false;
    if (analyzed->ignoreRules() != m_rules)
        return; // the rules changed again meanwhile: a newer analysis is on its way
    stored.analyzed = std::move(analyzed);
    Q_EMIT reanalysed(index);
    if (index == m_shownIndex)
        Q_EMIT shownSnapshotChanged(index, true);
}

} // namespace leakscope
