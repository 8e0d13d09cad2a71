#include "session.h"

#include "support/background_work.h"

namespace leakscope {

Session::Session(QObject* parent)
    : QObject(parent)
    , m_targetFactory([](const RunRequest& request) -> std::unique_ptr<Target> {
        return std::make_unique<HostProcessTarget>(hostLaunchFor(request));
    })
{
    // Targets may hand these over between threads.
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<LiveObject>();
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
    start(m_targetFactory(request), describeRun(request));
}

void Session::start(std::unique_ptr<Target> target, const QString& description)
{
    if (m_target) {
        m_target->disconnect(this);
        m_target->terminate();
        m_target.release()->deleteLater(); // let it finish terminating on its own
    }
    m_pendingDescribe = 0;
    setPendingSnapshot(0);
    Q_EMIT runStarted(description);
    m_target = std::move(target);
    connectTarget();
    m_target->start();
    Q_EMIT stateChanged(state());
}

void Session::connectTarget()
{
    Target* target = m_target.get();
    connect(target, &Target::ready, this, [target] { target->runScript(); });
    connect(target, &Target::stateChanged, this, &Session::stateChanged);
    connect(target, &Target::outputReceived, this, [this](Target::Channel channel, const QByteArray& text) {
        Q_EMIT outputReceived(channel, QString::fromUtf8(text));
    });
    connect(target, &Target::progress, this, [this](quint32 id, int permille, const QString& message) {
        if (id == 0 || id == m_pendingSnapshot)
            Q_EMIT captureProgress(permille, message);
    });
    connect(target, &Target::snapshotReady, this, &Session::onSnapshotReady);
    connect(target, &Target::scriptFinished, this, [this](int exitCode, const QString& outcome, const QString&) {
        Q_EMIT notice(tr("Script %1 (exit status %2)").arg(outcome).arg(exitCode));
        // The heap as the script left it: what `leakscope SCRIPT` promises.
        setPendingSnapshot(m_target->requestSnapshot(tr("end of script")));
    });
    connect(target, &Target::requestFailed, this, [this](quint32 id, const QString& message) {
        Q_EMIT notice(tr("Request failed: %1").arg(message));
        if (id == m_pendingSnapshot)
            setPendingSnapshot(0);
    });
    connect(target, &Target::objectDescribed, this, [this](quint32 id, const LiveObject& object) {
        if (id != m_pendingDescribe)
            return;
        m_pendingDescribe = 0;
        Q_EMIT objectDescribed(object);
    });
    connect(target, &Target::lost, this, [this](const QString& reason, const QByteArray&) {
        Q_EMIT notice(tr("The interpreter is gone: %1. Snapshots taken so far are kept.").arg(reason));
        Q_EMIT targetLost(reason);
        setPendingSnapshot(0);
    });
}

void Session::setPendingSnapshot(quint32 requestId)
{
    const bool was = isSnapshotPending();
    m_pendingSnapshot = requestId;
    if (was != isSnapshotPending())
        Q_EMIT snapshotPendingChanged(isSnapshotPending());
}

bool Session::requestSnapshot()
{
    if (!m_target || m_pendingSnapshot)
        return false;
    setPendingSnapshot(m_target->requestSnapshot(tr("snapshot %1").arg(m_snapshots.size() + 1)));
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
    if (m_target)
        m_target->interrupt();
}

void Session::terminate()
{
    if (m_target)
        m_target->terminate();
}

void Session::describeObject(quint64 address)
{
    if (m_target)
        m_pendingDescribe = m_target->describeObject(address);
}

void Session::onSnapshotReady(quint32 requestId, const QString& label, bool paused, const SnapshotPtr& snapshot)
{
    if (requestId != 0 && requestId != m_pendingSnapshot)
        return; // cancelled
    const QString shownLabel = (label.isEmpty() ? tr("snapshot") : label) + (paused ? tr(" (paused)") : QString());
    Q_EMIT snapshotReceived(shownLabel);
    ++m_arrivingSnapshots; // before the request ends, so that the session never looks settled meanwhile
    if (requestId == m_pendingSnapshot)
        setPendingSnapshot(0);
    // The analysis is O(N + E): off the GUI thread.
    runInBackground(
        this, [snapshot, rules = m_rules] { return analyzeSnapshot(snapshot, rules); },
        [this, shownLabel](AnalyzedSnapshotPtr analyzed) {
            --m_arrivingSnapshots;
            if (analyzed)
                addSnapshot(shownLabel, std::move(analyzed));
        });
}

void Session::addSnapshot(const QString& label, AnalyzedSnapshotPtr analyzed)
{
    m_snapshots.push_back({label, std::move(analyzed)});
    const int index = snapshotCount() - 1;
    Q_EMIT snapshotAdded(index);
    showSnapshot(index);
}

QString Session::snapshotLabel(int index) const
{
    return index >= 0 && index < snapshotCount() ? m_snapshots[static_cast<std::size_t>(index)].label : QString();
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
    runInBackground(
        this, [snapshot = stored.analyzed->snapshotPtr(), rules = m_rules] { return analyzeSnapshot(snapshot, rules); },
        [this, index](AnalyzedSnapshotPtr analyzed) { onReanalysed(index, std::move(analyzed)); });
}

void Session::onReanalysed(int index, AnalyzedSnapshotPtr analyzed)
{
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
