#pragma once

#include "protocol/protocol.h"

#include <mutex>
#include <string>
#include <string_view>

namespace leakscope::host {

// The host's (or the attach agent's) end of its connection to the GUI side: a Unix-domain socket client. send() may be called
// from any thread; receive() from one reader thread only. A process forked from this one (the script's
// os.fork()) does not share the connection: the child's copy is closed as it starts, so nothing the
// child does can put bytes on the GUI side's channel, and its send() returns false.
class HostConnection
{
public:
    // Connects to the socket at path; throws std::runtime_error saying why it could not.
    explicit HostConnection(const std::string& path);
    ~HostConnection();
    HostConnection(const HostConnection&) = delete;
    HostConnection& operator=(const HostConnection&) = delete;

    // False when the connection is gone.
    bool send(const protocol::Message& message);
    // Bytes that are (part of) framed messages already; the caller keeps frames whole.
    bool sendBytes(std::string_view bytes);
    // Blocks for the next message; false at end of stream or on a malformed one (error() says which).
    bool receive(protocol::Message& message);
    std::string error() const;
    // receive() gives up with an error after this long without data; 0: waits for ever (the default).
    void setReceiveTimeout(int milliseconds);
    // The peer closed or reset the connection (checked without reading or blocking).
    bool peerGone() const;
    // True in a process forked from the one that connected: it has no connection.
    bool isForkedCopy() const { return m_forkedCopy; }

private:
    static void closeInForkedChild();

    int m_fd = -1;
    bool m_forkedCopy = false;
    std::mutex m_sendMutex;
    protocol::FrameDecoder m_decoder;
    mutable std::mutex m_errorMutex;
    std::string m_error;
};

} // namespace leakscope::host
