#include "host_process_target.h"

#include "snapshot/snapshot_codec.h"
#include "support/background_work.h"
#include "support/process_start.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRandomGenerator>
#include <QtCore/QTimer>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QLocalSocket>

#include <csignal>
#include <cstring>

namespace leakscope {

namespace {

constexpr qsizetype kLastOutputBytes = 16 * 1024;
constexpr int kExitGrace = 2000; // ms a host that closed its connection has to exit before it is called lost

QString signalName(int signal)
{
    switch (signal) {
    case SIGSEGV: return QStringLiteral("SIGSEGV");
    case SIGABRT: return QStringLiteral("SIGABRT");
    case SIGBUS: return QStringLiteral("SIGBUS");
    case SIGFPE: return QStringLiteral("SIGFPE");
    case SIGILL: return QStringLiteral("SIGILL");
    case SIGKILL: return QStringLiteral("SIGKILL");
    case SIGTERM: return QStringLiteral("SIGTERM");
    case SIGINT: return QStringLiteral("SIGINT");
    case SIGPIPE: return QStringLiteral("SIGPIPE");
    default: return QStringLiteral("signal %1").arg(signal);
    }
}

QString fromStd(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// What the worker decoding a snapshot hands back: the snapshot, or why there is none.
struct DecodedSnapshot
{
    SnapshotPtr snapshot;
    QString error;
};

} // namespace

HostProcessTarget::HostProcessTarget(HostLaunch launch, QObject* parent)
    : Target(parent)
    , m_launch(std::move(launch))
{
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        fail(tr("leakscope-host did not connect within %1 s").arg(m_launch.connectTimeoutMs / 1000.0));
    });
    connect(&m_process, &QProcess::finished, this, &HostProcessTarget::onProcessFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &HostProcessTarget::onProcessError);
    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { appendOutput(Channel::Stdout, m_process.readAllStandardOutput()); });
    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { appendOutput(Channel::Stderr, m_process.readAllStandardError()); });
}

HostProcessTarget::~HostProcessTarget()
{
    // Nothing may outlive us: the host would have nobody to talk to.
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

QString HostProcessTarget::defaultHostProgram()
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("leakscope-host"));
}

void HostProcessTarget::start()
{
    if (state() != State::Idle)
        return;
    setState(State::Starting);
    m_clock.start();
    m_directory = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/leakscope-XXXXXX"));
    if (!m_directory->isValid()) {
        fail(tr("cannot create a private directory for the host socket: %1").arg(m_directory->errorString()));
        return;
    }
    // QTemporaryDir creates the directory 0700; the socket itself is made user-only too.
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString socketPath = m_directory->filePath(QStringLiteral("host.sock"));
    if (!m_server->listen(socketPath)) {
        fail(tr("cannot listen on %1: %2").arg(socketPath, m_server->errorString()));
        return;
    }
    connect(m_server, &QLocalServer::newConnection, this, &HostProcessTarget::onNewConnection);
    // Read and write for this user only (the folder already keeps everyone else out).
    QFile::setPermissions(socketPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32*>(secret.data()),
                                         reinterpret_cast<quint32*>(secret.data() + secret.size()));
    m_token = secret.toHex();
    QProcessEnvironment environment = m_launch.environment;
    environment.insert(QStringLiteral("LEAKSCOPE_HOST_TOKEN"), QString::fromLatin1(m_token));

    const QString program = m_launch.program.isEmpty() ? defaultHostProgram() : m_launch.program;
    m_process.setProgram(program);
    QStringList arguments{QStringLiteral("--connect"), socketPath};
    if (m_launch.tracemallocDepth > 0) // the host starts tracing with its interpreter, before the script
        arguments << QStringLiteral("--tracemalloc=%1").arg(m_launch.tracemallocDepth);
    if (m_launch.nativeTraceDepth > 0) // likewise: the recorder must see the interpreter's first allocation
        arguments << QStringLiteral("--native-traces=%1").arg(m_launch.nativeTraceDepth);
    if (m_launch.isolated)
        arguments << QStringLiteral("-I");
    if (m_launch.ignoreEnvironment)
        arguments << QStringLiteral("-E");
    if (m_launch.module.isEmpty())
        arguments << QStringLiteral("--") << m_launch.script;
    else
        arguments << QStringLiteral("-m") << m_launch.module;
    m_process.setArguments(arguments + m_launch.arguments);
    m_process.setProcessEnvironment(environment);
    m_process.setStandardInputFile(QProcess::nullDevice());
    if (!m_launch.workingDirectory.isEmpty())
        m_process.setWorkingDirectory(m_launch.workingDirectory);
    m_connectTimer.start(m_launch.connectTimeoutMs);
    startProcess(m_process);
}

void HostProcessTarget::onNewConnection()
{
    QLocalSocket* socket = m_server->nextPendingConnection();
    if (!socket)
        return;
    if (m_socket) {
        socket->abort(); // one host, one connection
        socket->deleteLater();
        return;
    }
    m_socket = socket;
    m_server->close(); // nobody else may connect
    connect(socket, &QLocalSocket::readyRead, this, &HostProcessTarget::onReadyRead);
    connect(socket, &QLocalSocket::disconnected, this, [this] {
        // A host that crashes closes its end as it dies; the socket may say so before the process's
        // exit is seen. Give the exit a moment to be reported as what it is (a signal, an exit code).
        QTimer::singleShot(kExitGrace, this, [this] {
            if (m_process.state() != QProcess::NotRunning && state() != State::Lost)
                fail(tr("leakscope-host closed the connection"));
        });
    });
    onReadyRead();
}

void HostProcessTarget::onReadyRead()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    m_decoder.append(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    // Until the peer has proved itself, it may not make us buffer a large message.
    if (!m_handshakeDone && m_decoder.pendingPayload() > protocol::maxPayload(protocol::MessageType::Hello)) {
        fail(tr("leakscope-host sent a malformed handshake: a %1-byte message").arg(m_decoder.pendingPayload()));
        return;
    }
    for (;;) {
        protocol::Message message;
        switch (m_decoder.next(message)) {
        case protocol::FrameDecoder::Status::NeedMore:
            return;
        case protocol::FrameDecoder::Status::Failed:
            fail(tr("leakscope-host sent a malformed message: %1").arg(fromStd(m_decoder.error())));
            return;
        case protocol::FrameDecoder::Status::Message:
            handle(std::move(message));
            if (state() == State::Lost)
                return;
            break;
        }
    }
}

void HostProcessTarget::handle(protocol::Message&& message)
{
    if (!m_handshakeDone) {
        const auto* hello = std::get_if<protocol::Hello>(&message);
        if (!hello) {
            fail(tr("leakscope-host did not start with a handshake"));
            return;
        }
        if (QByteArray::fromStdString(hello->token) != m_token) {
            fail(tr("a process connected with the wrong token"));
            return;
        }
        if (hello->protocolVersion != protocol::kProtocolVersion) {
            fail(tr("leakscope-host speaks protocol %1, this application %2")
                     .arg(hello->protocolVersion)
                     .arg(protocol::kProtocolVersion));
            return;
        }
        m_handshakeDone = true;
        m_decoder.trustPeer(); // it showed the token: its large messages are reserved whole at once
        m_connectTimer.stop();
        m_startToReadyMs = m_clock.elapsed();
        setInterpreterInfo(fromStd(hello->pythonVersion), hello->pid);
        send(protocol::Welcome{});
        setState(State::Ready);
        Q_EMIT ready();
        return;
    }
    std::visit(
        [this](auto&& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, protocol::Progress>) {
                Q_EMIT progress(m.requestId, static_cast<int>(m.permille), fromStd(m.message));
            } else if constexpr (std::is_same_v<T, protocol::SnapshotReady>) {
                if (m.paused)
                    setState(State::Paused);
                // Decoding a large snapshot takes a while: off this thread, then back as a signal. The
                // worker owns the encoded bytes and touches nothing of this object.
                runInBackground(
                    this,
                    [blob = std::make_shared<const std::string>(std::move(m.snapshot))] {
                        DecodedSnapshot decoded;
                        try {
                            decoded.snapshot = decodeSnapshot(*blob);
                        } catch (const std::exception& e) {
                            decoded.error = QString::fromUtf8(e.what());
                        }
                        return decoded;
                    },
                    [this, id = m.requestId, label = fromStd(m.label), paused = m.paused,
                     series = SeriesPosition{m.seriesId, m.seriesIndex, m.seriesLength}](
                        const DecodedSnapshot& decoded) {
                        if (decoded.snapshot)
                            Q_EMIT snapshotReady(id, label, paused, decoded.snapshot, series);
                        else
                            Q_EMIT requestFailed(id, tr("the snapshot could not be read: %1").arg(decoded.error));
                    });
            } else if constexpr (std::is_same_v<T, protocol::ScriptFinished>) {
                setState(State::Finished);
                Q_EMIT scriptFinished(m.exitCode, fromStd(m.outcome), fromStd(m.message));
            } else if constexpr (std::is_same_v<T, protocol::ObjectDescription>) {
                LiveObject object;
                object.address = m.address;
                object.found = m.found;
                object.repr = fromStd(m.repr);
                for (const std::string& name : m.attributes)
                    object.attributes.append(fromStd(name));
                object.error = fromStd(m.error);
                object.typeName = fromStd(m.typeName);
                Q_EMIT objectDescribed(m.requestId, object);
            } else if constexpr (std::is_same_v<T, protocol::Error>) {
                Q_EMIT requestFailed(m.requestId, fromStd(m.message));
            } else {
                fail(tr("leakscope-host sent a message of an unexpected type (%1)")
                         .arg(static_cast<int>(protocol::typeOf(protocol::Message(m)))));
            }
        },
        message);
}

void HostProcessTarget::send(const protocol::Message& message)
{
    if (!m_socket || state() == State::Lost)
        return;
    const std::string bytes = protocol::encode(message);
    m_socket->write(bytes.data(), static_cast<qint64>(bytes.size()));
}

quint32 HostProcessTarget::nextRequestId()
{
    if (++m_lastRequestId == 0) // 0 means "asked by the script"
        ++m_lastRequestId;
    return m_lastRequestId;
}

void HostProcessTarget::runScript()
{
    if (state() != State::Ready)
        return;
    send(protocol::Run{});
    setState(State::Running);
}

quint32 HostProcessTarget::requestSnapshot(const QString& label)
{
    const quint32 id = nextRequestId();
    if (!m_handshakeDone || state() == State::Lost) {
        QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT requestFailed(id, tr("the interpreter is not connected")); }, Qt::QueuedConnection);
        return id;
    }
    send(protocol::SnapshotRequest{id, label.toStdString()});
    return id;
}

quint32 HostProcessTarget::describeObject(quint64 address, quint64 typeAddress, const QString& typeName)
{
    const quint32 id = nextRequestId();
    if (!m_handshakeDone || state() == State::Lost) {
        QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT requestFailed(id, tr("the interpreter is not connected")); }, Qt::QueuedConnection);
        return id;
    }
    send(protocol::DescribeRequest{id, address, typeAddress, typeName.left(1024).toStdString()});
    return id;
}

void HostProcessTarget::continueScript()
{
    if (state() != State::Paused)
        return;
    send(protocol::Continue{});
    setState(State::Running);
}

void HostProcessTarget::interrupt()
{
    if (state() == State::Running || state() == State::Paused) {
        send(protocol::Interrupt{});
        if (state() == State::Paused)
            setState(State::Running);
    }
}

void HostProcessTarget::terminate()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_failure = tr("terminated");
    send(protocol::Terminate{});
    // A host stuck in C code cannot read the request: make sure it ends anyway.
    QTimer::singleShot(2000, this, [this] {
        if (m_process.state() != QProcess::NotRunning)
            m_process.kill();
    });
}

void HostProcessTarget::fail(const QString& reason)
{
    if (state() == State::Lost)
        return;
    if (m_failure.isEmpty())
        m_failure = reason;
    m_connectTimer.stop();
    if (m_socket)
        m_socket->abort();
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill(); // onProcessFinished reports it
        return;
    }
    setState(State::Lost);
    Q_EMIT lost(m_failure, m_lastOutput);
}

void HostProcessTarget::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    // Whatever is still in the pipes belongs to the last output.
    appendOutput(Channel::Stdout, m_process.readAllStandardOutput());
    appendOutput(Channel::Stderr, m_process.readAllStandardError());
    m_connectTimer.stop();
    if (state() == State::Lost)
        return;
    QString reason;
    if (!m_failure.isEmpty())
        reason = m_failure;
    else if (status == QProcess::CrashExit)
        reason = tr("host crashed: %1").arg(signalName(exitCode));
    else
        reason = tr("host exited with code %1").arg(exitCode);
    setState(State::Lost);
    Q_EMIT lost(reason, m_lastOutput);
}

void HostProcessTarget::onProcessError(QProcess::ProcessError error)
{
    if (error == QProcess::FailedToStart) {
        m_failure = tr("cannot start %1: %2").arg(m_process.program(), m_process.errorString());
        m_connectTimer.stop();
        setState(State::Lost);
        Q_EMIT lost(m_failure, m_lastOutput);
    }
}

void HostProcessTarget::appendOutput(Channel channel, const QByteArray& text)
{
    if (text.isEmpty())
        return;
    m_lastOutput += text;
    if (m_lastOutput.size() > kLastOutputBytes)
        m_lastOutput.remove(0, m_lastOutput.size() - kLastOutputBytes);
    Q_EMIT outputReceived(channel, text);
}

} // namespace leakscope
