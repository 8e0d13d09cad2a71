#include "fake_target.h"

namespace leakscope {

void FakeTarget::start()
{
    if (state() != State::Idle)
        return;
    setState(State::Starting);
    later([this] {
        setInterpreterInfo(QStringLiteral("3.11.2"), 4242);
        setState(State::Ready);
        Q_EMIT ready();
    });
}

void FakeTarget::runScript()
{
    if (state() == State::Ready)
        setState(State::Running);
}

quint32 FakeTarget::requestSnapshot(const QString& label)
{
    const quint32 id = ++m_lastRequestId;
    if (m_holdsSnapshots && alive()) {
        later([this, id] { Q_EMIT progress(id, 100, QStringLiteral("walking the heap")); });
        return id;
    }
    later([this, id, label] { answerSnapshot(id, label); });
    return id;
}

void FakeTarget::answerSnapshot(quint32 id, const QString& label)
{
    SnapshotPtr snapshot = alive() && m_source ? m_source(label) : nullptr;
    if (!snapshot) {
        Q_EMIT requestFailed(id, alive() ? tr("no snapshot to give") : tr("the interpreter is not connected"));
        return;
    }
    Q_EMIT progress(id, 1000, QStringLiteral("done"));
    Q_EMIT snapshotReady(id, label, false, snapshot);
}

void FakeTarget::emitProgress(quint32 id, int permille, const QString& message)
{
    Q_EMIT progress(id, permille, message);
}

void FakeTarget::failRequest(quint32 id, const QString& message)
{
    Q_EMIT requestFailed(id, message);
}

quint32 FakeTarget::describeObject(quint64 address, quint64 typeAddress, const QString& typeName)
{
    const quint32 id = ++m_lastRequestId;
    m_describedTypeAddress = typeAddress;
    m_describedTypeName = typeName;
    later([this, id, address] {
        if (!alive()) {
            Q_EMIT requestFailed(id, tr("the interpreter is not connected"));
            return;
        }
        LiveObject object = m_description;
        object.address = address;
        Q_EMIT objectDescribed(id, object);
    });
    return id;
}

void FakeTarget::continueScript()
{
    if (state() == State::Paused)
        setState(State::Running);
}

void FakeTarget::interrupt()
{
    if (state() != State::Running && state() != State::Paused)
        return;
    ++m_interrupts;
    if (m_ignoresInterrupts) {
        setState(State::Running); // out of a pause, if it was in one, as the host does
        return;
    }
    later([this] { finishScript(130, QStringLiteral("interrupted"), QStringLiteral("KeyboardInterrupt\n")); });
}

void FakeTarget::terminate()
{
    if (alive())
        later([this] { crash(tr("terminated")); });
}

void FakeTarget::emitOutput(Channel channel, const QByteArray& text)
{
    Q_EMIT outputReceived(channel, text);
}

void FakeTarget::pauseScript(const QString& label)
{
    setState(State::Paused);
    SnapshotPtr snapshot = m_source ? m_source(label) : nullptr;
    if (snapshot)
        Q_EMIT snapshotReady(0, label, true, snapshot);
}

void FakeTarget::finishScript(int exitCode, const QString& outcome, const QString& message)
{
    if (!alive())
        return;
    setState(State::Finished);
    Q_EMIT scriptFinished(exitCode, outcome, message);
}

void FakeTarget::crash(const QString& reason, const QByteArray& lastOutput)
{
    if (state() == State::Lost)
        return;
    setState(State::Lost);
    Q_EMIT lost(reason, lastOutput);
}

} // namespace leakscope
