#include "host_connection.h"

#include <atomic>
#include <cerrno>
#include <poll.h>
#include <pthread.h>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace leakscope::host {

namespace {

// The process's connection, for the fork handler (a process has one).
std::atomic<HostConnection*> g_connection{nullptr};

} // namespace

// In the child of a fork, before anything of the script runs there. The parent's threads, and so the
// reader and any sender, do not exist in the child; a send mutex one of them held stays locked, which
// is why send() checks m_forkedCopy before it locks.
void HostConnection::closeInForkedChild()
{
    HostConnection* connection = g_connection.load();
    if (!connection || connection->m_fd < 0)
        return;
    ::close(connection->m_fd);
    connection->m_fd = -1;
    connection->m_forkedCopy = true;
}

HostConnection::HostConnection(const std::string& path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        throw std::runtime_error("socket path too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        throw std::runtime_error(std::string("cannot create a socket: ") + std::strerror(errno));
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(m_fd);
        throw std::runtime_error("cannot connect to " + path + ": " + reason);
    }
    static const bool forkHandler [[maybe_unused]] = pthread_atfork(nullptr, nullptr, &closeInForkedChild) == 0;
    g_connection.store(this);
}

HostConnection::~HostConnection()
{
    HostConnection* self = this;
    g_connection.compare_exchange_strong(self, nullptr);
    if (m_fd >= 0)
        ::close(m_fd);
}

bool HostConnection::send(const protocol::Message& message)
{
    return sendBytes(protocol::encode(message));
}

bool HostConnection::sendBytes(std::string_view bytes)
{
    if (m_forkedCopy)
        return false;
    std::lock_guard lock(m_sendMutex);
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            std::lock_guard errorLock(m_errorMutex);
            m_error = std::string("cannot send: ") + std::strerror(errno);
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

bool HostConnection::receive(protocol::Message& message)
{
    char buffer[1 << 16];
    for (;;) {
        switch (m_decoder.next(message)) {
        case protocol::FrameDecoder::Status::Message:
            return true;
        case protocol::FrameDecoder::Status::Failed: {
            std::lock_guard lock(m_errorMutex);
            m_error = "malformed message: " + m_decoder.error();
            return false;
        }
        case protocol::FrameDecoder::Status::NeedMore:
            break;
        }
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            std::lock_guard lock(m_errorMutex);
            m_error = n == 0                                 ? std::string("the GUI side closed the connection")
                : errno == EAGAIN || errno == EWOULDBLOCK ? std::string("timed out waiting for the GUI side")
                                                          : std::string("cannot receive: ") + std::strerror(errno);
            return false;
        }
        m_decoder.append(buffer, static_cast<std::size_t>(n));
    }
}

void HostConnection::setReceiveTimeout(int milliseconds)
{
    timeval timeout{};
    timeout.tv_sec = milliseconds / 1000;
    timeout.tv_usec = (milliseconds % 1000) * 1000;
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

bool HostConnection::peerGone() const
{
    pollfd entry{m_fd, POLLRDHUP, 0};
    return ::poll(&entry, 1, 0) > 0 && (entry.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

std::string HostConnection::error() const
{
    std::lock_guard lock(m_errorMutex);
    return m_error;
}

} // namespace leakscope::host
