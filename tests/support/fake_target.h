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
    quint64 m_describedTypeAddress = 0;
    QString m_describedTypeName;
};

} // namespace leakscope
