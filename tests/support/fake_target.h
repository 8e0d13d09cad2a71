#pragma once

#include "target/target.h"

#include <functional>

namespace leakscope {

// A Target without an interpreter, for GUI tests: answers requests from what the test gives it, and
// lets the test play the script's events (output, pauses, the end, a crash). Answers arrive from the
// event loop, as a real target's would.
class FakeTarget : public Target
{
    Q_OBJECT

public:
    using Target::Target;

    // Makes the snapshot each request returns; without one, requests fail.
    void setSnapshotSource(std::function<SnapshotPtr(const QString& label)> source) { m_source = std::move(source); }
    void setDescription(const LiveObject& object) { m_description = object; }
    // A script that catches KeyboardInterrupt (or is stuck in C code): interrupt() leaves it running.
    void setIgnoresInterrupts(bool ignores) { m_ignoresInterrupts = ignores; }
    // A capture that takes its time: snapshot requests get no answer until answerSnapshot() or
    // failRequest() (or the target is lost).
    void setHoldsSnapshots(bool holds) { m_holdsSnapshots = holds; }
    // The id of the last request made (snapshot or describe); 0 before any.
    quint32 lastRequestId() const { return m_lastRequestId; }

    void start() override;
    void runScript() override;
    quint32 requestSnapshot(const QString& label) override;
    quint32 describeObject(quint64 address, quint64 typeAddress, const QString& typeName) override;
    void continueScript() override;
    void interrupt() override;
    void terminate() override;

    // Events of the script, played by the test.
    void emitOutput(Channel channel, const QByteArray& text);
    void pauseScript(const QString& label);
    void finishScript(int exitCode, const QString& outcome = QStringLiteral("completed"), const QString& message = {});
    void crash(const QString& reason, const QByteArray& lastOutput = {});
    // How far a capture has come: request id's, or the script's own (id 0).
    void emitProgress(quint32 id, int permille, const QString& message);
    // Answers a held snapshot request with the source's snapshot (or fails it, without one).
    void answerSnapshot(quint32 id, const QString& label);
    void failRequest(quint32 id, const QString& message);

    int interruptCount() const { return m_interrupts; }
    // The type the last describeObject() expected at its address.
    quint64 describedTypeAddress() const { return m_describedTypeAddress; }
    QString describedTypeName() const { return m_describedTypeName; }

private:
    template<typename F>
    void later(F&& f)
    {
        QMetaObject::invokeMethod(this, std::forward<F>(f), Qt::QueuedConnection);
    }
    bool alive() const { return state() != State::Idle && state() != State::Lost; }

    std::function<SnapshotPtr(const QString&)> m_source;
    LiveObject m_description;
    quint32 m_lastRequestId = 0;
    int m_interrupts = 0;
    bool m_ignoresInterrupts = false;
    bool m_holdsSnapshots = false;
    quint64 m_describedTypeAddress = 0;
    QString m_describedTypeName;
};

} // namespace leakscope
