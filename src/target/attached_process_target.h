#pragma once

#include "target.h"
#include "protocol/protocol.h"

#include <QtCore/QPointer>

class QLocalSocket;

namespace leakscope {

struct AttachLaunch
{
    qint64 pid = 0;
    // The whole attach: self-test, injection and the agent's handshake.
    int timeoutMs = 30000;
    // The agent library to load; empty: attach::agentLibraryPath() (LEAKSCOPE_AGENT, or the one
    // installed beside this program).
    QString agentPath;
};

// A python3 that already runs, reached through the agent LeakScope loads into it (docs/attach.md). The
// attach (self-test, gdb, handshake) blocks for up to its timeout, so it runs off this object's thread;
// the connection is then served here asynchronously like a leakscope-host's. The process is never
// signalled: terminate() detaches and leaves it running, interrupt() and continueScript() do not apply,
// and its own output stays where it goes (it is not LeakScope's child).
class AttachedProcessTarget : public Target
{
    Q_OBJECT

public:
    explicit AttachedProcessTarget(AttachLaunch launch, QObject* parent = nullptr);
    ~AttachedProcessTarget() override; // detaches when still attached

    void start() override;
    void runScript() override;
    quint32 requestSnapshot(const QString& label) override;
    quint32 describeObject(quint64 address, quint64 typeAddress, const QString& typeName) override;
    void continueScript() override;
    void interrupt() override;
    void terminate() override;
    bool isAttached() const override { return true; }

    // Milliseconds from start() to the agent's handshake; -1 before.
    qint64 attachMs() const { return m_attachMs; }

private:
    struct Attached;
    void onAttached(Attached result);
    void onReadyRead();
    void onDisconnected();
    void handle(protocol::Message&& message);
    void send(const protocol::Message& message);
    void fail(const QString& reason);
    quint32 failLater(const QString& reason);
    quint32 nextRequestId();

    AttachLaunch m_launch;
    QPointer<QLocalSocket> m_socket;
    protocol::FrameDecoder m_decoder;
    quint32 m_lastRequestId = 0;
    qint64 m_attachMs = -1;
};

} // namespace leakscope
