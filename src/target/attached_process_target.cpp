#include "attached_process_target.h"

#include "attach/attach_session.h"
#include "attach/process_info.h"
#include "snapshot/snapshot_codec.h"
#include "support/background_work.h"

#include <QtCore/QTimer>
#include <QtNetwork/QLocalSocket>

#include <chrono>
#include <functional>
#include <memory>
#include <unistd.h>
#include <utility>

namespace leakscope {

namespace {

QString fromStd(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

struct DecodedSnapshot
{
    SnapshotPtr snapshot;
    QString error;
};

// A process being killed closes its sockets before it shows as exited: it gets this long to show.
constexpr int kExitChecks = 20;
constexpr int kExitCheckMs = 10;

} // namespace

// What the attaching worker hands back: the connected socket (closed with this object unless taken),
// or why there is none.
struct AttachedProcessTarget::Attached
{
    int fd = -1;
    QString pythonVersion;
    double attachMs = 0;
    QString error;

    Attached() = default;
    Attached(Attached&& other) noexcept
        : fd(std::exchange(other.fd, -1))
        , pythonVersion(std::move(other.pythonVersion))
        , attachMs(other.attachMs)
        , error(std::move(other.error))
    {
    }
    Attached& operator=(Attached&&) = delete;
    ~Attached()
    {
        if (fd >= 0)
            ::close(fd); // nobody took it: the agent sees its peer gone and ends
    }
};

AttachedProcessTarget::AttachedProcessTarget(AttachLaunch launch, QObject* parent)
    : Target(parent)
    , m_launch(std::move(launch))
{
}

AttachedProcessTarget::~AttachedProcessTarget()
{
    if (m_socket) {
        m_socket->disconnect(this);
        terminate();
    }
}

void AttachedProcessTarget::start()
{
    if (state() != State::Idle)
        return;
    setState(State::Starting);
    const pid_t pid = static_cast<pid_t>(m_launch.pid);
    const int timeoutMs = m_launch.timeoutMs;
    const std::string agentPath = m_launch.agentPath.toStdString();
    // gdb takes a tenth of a second, the whole attach up to the timeout: never on this thread.
    runInBackground(
        this,
        [pid, timeoutMs, agentPath] {
            Attached result;
            try {
                attach::AttachOptions options;
                options.timeout = std::chrono::milliseconds(timeoutMs);
                options.agentPath = agentPath;
                attach::AttachedProcess process(pid, std::move(options));
                result.pythonVersion = fromStd(process.pythonVersion());
                result.attachMs = process.attachMs();
                result.fd = process.takeConnection();
            } catch (const std::exception& e) {
                result.error = QString::fromUtf8(e.what());
            }
            return result;
        },
        [this](Attached&& result) { onAttached(std::move(result)); });
}

void AttachedProcessTarget::onAttached(Attached result)
{
    if (state() != State::Starting)
        return; // terminated while attaching: result closes the connection
    if (result.fd < 0) {
        fail(result.error.isEmpty() ? tr("the attach failed") : result.error);
        return;
    }
    auto* socket = new QLocalSocket(this);
    if (!socket->setSocketDescriptor(std::exchange(result.fd, -1), QLocalSocket::ConnectedState,
                                     QIODevice::ReadWrite)) {
        delete socket;
        fail(tr("cannot use the connection to the agent"));
        return;
    }
    m_socket = socket;
    connect(socket, &QLocalSocket::readyRead, this, &AttachedProcessTarget::onReadyRead);
    connect(socket, &QLocalSocket::disconnected, this, &AttachedProcessTarget::onDisconnected);
    m_attachMs = static_cast<qint64>(result.attachMs);
    setInterpreterInfo(result.pythonVersion, m_launch.pid);
    setState(State::Ready);
    Q_EMIT outputReceived(Channel::Stdout,
                          tr("Attached to process %1 (Python %2): its own output is not shown here\n")
                              .arg(m_launch.pid)
                              .arg(result.pythonVersion)
                              .toUtf8());
    Q_EMIT ready();
}

void AttachedProcessTarget::onReadyRead()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    m_decoder.append(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    for (;;) {
        protocol::Message message;
        switch (m_decoder.next(message)) {
        case protocol::FrameDecoder::Status::NeedMore:
            return;
        case protocol::FrameDecoder::Status::Failed:
            fail(tr("the agent sent a malformed message: %1").arg(fromStd(m_decoder.error())));
            return;
        case protocol::FrameDecoder::Status::Message:
            handle(std::move(message));
            if (state() == State::Lost || !m_socket)
                return;
            break;
        }
    }
}

void AttachedProcessTarget::handle(protocol::Message&& message)
{
    std::visit(
        [this](auto&& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, protocol::Progress>) {
                Q_EMIT progress(m.requestId, static_cast<int>(m.permille), fromStd(m.message));
            } else if constexpr (std::is_same_v<T, protocol::SnapshotReady>) {
                // A large snapshot takes a while to decode: off this thread, then back as a signal.
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
                    [this, id = m.requestId, label = fromStd(m.label)](const DecodedSnapshot& decoded) {
                        if (decoded.snapshot)
                            Q_EMIT snapshotReady(id, label, false, decoded.snapshot);
                        else
                            Q_EMIT requestFailed(id, tr("the snapshot could not be read: %1").arg(decoded.error));
                    });
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
                fail(tr("the agent sent a message of an unexpected type (%1)")
                         .arg(static_cast<int>(protocol::typeOf(protocol::Message(m)))));
            }
        },
        message);
}

void AttachedProcessTarget::onDisconnected()
{
    if (state() == State::Lost || state() == State::Finished)
        return;
    // The same words as attach::AttachedProcess: a process being killed closes its end before it shows
    // as exited, so it gets a moment to show before the agent is blamed.
    const pid_t pid = static_cast<pid_t>(m_launch.pid);
    auto check = std::make_shared<std::function<void(int)>>();
    *check = [this, pid, weak = std::weak_ptr<std::function<void(int)>>(check)](int left) {
        if (state() == State::Lost || state() == State::Finished)
            return;
        if (!attach::readProcess("/proc", pid).exists) {
            fail(tr("process %1 exited").arg(pid));
            return;
        }
        if (left == 0) {
            fail(tr("the agent in process %1 ended its connection").arg(pid));
            return;
        }
        QTimer::singleShot(kExitCheckMs, this, [next = weak.lock(), left] {
            if (next)
                (*next)(left - 1);
        });
    };
    // The chain holds itself through each pending timer, and ends with the last one.
    QTimer::singleShot(0, this, [check] { (*check)(kExitChecks); });
}

void AttachedProcessTarget::send(const protocol::Message& message)
{
    if (!m_socket || state() == State::Lost)
        return;
    const std::string bytes = protocol::encode(message);
    m_socket->write(bytes.data(), static_cast<qint64>(bytes.size()));
}

quint32 AttachedProcessTarget::nextRequestId()
{
    if (++m_lastRequestId == 0) // 0 means "asked by the script"
        ++m_lastRequestId;
    return m_lastRequestId;
}

quint32 AttachedProcessTarget::failLater(const QString& reason)
{
    const quint32 id = nextRequestId();
    QMetaObject::invokeMethod(this, [this, id, reason] { Q_EMIT requestFailed(id, reason); }, Qt::QueuedConnection);
    return id;
}

void AttachedProcessTarget::runScript()
{
    // The process runs already; there is no script to start.
    if (state() == State::Ready)
        setState(State::Running);
}

quint32 AttachedProcessTarget::requestSnapshot(const QString& label)
{
    if (!m_socket || state() == State::Lost || state() == State::Finished)
        return failLater(tr("the process is not attached"));
    const quint32 id = nextRequestId();
    send(protocol::SnapshotRequest{id, label.toStdString(), 0});
    return id;
}

quint32 AttachedProcessTarget::describeObject(quint64 address, quint64 typeAddress, const QString& typeName)
{
    if (!m_socket || state() == State::Lost || state() == State::Finished)
        return failLater(tr("the process is not attached"));
    const quint32 id = nextRequestId();
    send(protocol::DescribeRequest{id, address, typeAddress, typeName.left(1024).toStdString()});
    return id;
}

void AttachedProcessTarget::continueScript()
{
    // Nothing in an attached process waits in leakscope.pause().
}

void AttachedProcessTarget::interrupt()
{
    // Never a signal: the process is not ours to stop.
    if (state() == State::Running)
        Q_EMIT outputReceived(Channel::Stderr,
                              tr("Interrupt does not apply to an attached process: it was not signalled\n").toUtf8());
}

void AttachedProcessTarget::terminate()
{
    if (state() == State::Starting) {
        // The attach finishes on its worker; its connection is then closed unused.
        setState(State::Finished);
        return;
    }
    if (!m_socket || state() == State::Lost || state() == State::Finished)
        return;
    // Detach: the agent's thread ends on Terminate (or on the closed connection); the process runs on.
    QLocalSocket* socket = m_socket;
    socket->disconnect(this);
    send(protocol::Terminate{});
    socket->flush();
    socket->disconnectFromServer();
    socket->deleteLater();
    m_socket = nullptr;
    setState(State::Finished);
}

void AttachedProcessTarget::fail(const QString& reason)
{
    if (state() == State::Lost)
        return;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    setState(State::Lost);
    Q_EMIT lost(reason, {});
}

} // namespace leakscope
