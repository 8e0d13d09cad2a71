#pragma once

#include "target.h"
#include "protocol/protocol.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QProcessEnvironment>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>

#include <memory>

class QLocalServer;
class QLocalSocket;

namespace leakscope {

struct HostLaunch
{
    QString program;              // leakscope-host; empty: the one next to this application
    QString script;
    QString module; // run this module as python3 -m does (leakscope-host -m MODULE) rather than script
    QStringList arguments;
    QString workingDirectory;     // empty: the current one
    // Trace allocations from the interpreter's start, keeping this many frames (leakscope-host
    // --tracemalloc=DEPTH, 1 to 65535), so snapshots say where candidates were allocated; 0: don't.
    unsigned tracemallocDepth = 0;
    // Record the native (C) call stack of every object allocation from the interpreter's start, keeping
    // this many frames (leakscope-host --native-traces=DEPTH, 1 to 256), so snapshots name the C code
    // that created each candidate; 0: don't.
    unsigned nativeTraceDepth = 0;
    bool isolated = false;          // leakscope-host -I: as python3 -I, ignore PYTHON* and the user site
    bool ignoreEnvironment = false; // leakscope-host -E: as python3 -E, ignore PYTHON*
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    int connectTimeoutMs = 15000; // from start to a valid handshake
};

// The script runs in a leakscope-host child process, so a crash in user code or an extension kills
// the host and never the GUI. The host connects back over a Unix socket in a private directory
// (0700, socket 0600) and proves itself with a random token passed in its environment. Script output
// comes through the process's pipes.
class HostProcessTarget : public Target
{
    Q_OBJECT

public:
    explicit HostProcessTarget(HostLaunch launch, QObject* parent = nullptr);
    ~HostProcessTarget() override;

    void start() override;
    void runScript() override;
    quint32 requestSnapshot(const QString& label) override;
    quint32 describeObject(quint64 address, quint64 typeAddress, const QString& typeName) override;
    void continueScript() override;
    void interrupt() override;
    void terminate() override;

    // Milliseconds from start() to a valid handshake, for the record; -1 before.
    qint64 startToReadyMs() const { return m_startToReadyMs; }

    static QString defaultHostProgram();

private:
    void onNewConnection();
    void onReadyRead();
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onProcessError(QProcess::ProcessError error);
    void handle(protocol::Message&& message);
    void send(const protocol::Message& message);
    void fail(const QString& reason);
    void appendOutput(Channel channel, const QByteArray& text);
    quint32 nextRequestId();

    HostLaunch m_launch;
    QProcess m_process;
    std::unique_ptr<QTemporaryDir> m_directory;
    QLocalServer* m_server = nullptr;
    QPointer<QLocalSocket> m_socket;
    protocol::FrameDecoder m_decoder;
    QByteArray m_token;
    bool m_handshakeDone = false;
    QString m_failure; // why we gave up on the host, reported when it is gone
    QTimer m_connectTimer;
    QElapsedTimer m_clock;
    qint64 m_startToReadyMs = -1;
    quint32 m_lastRequestId = 0;
    QByteArray m_lastOutput; // the end of what the host wrote, for the "lost" report
};

} // namespace leakscope
