#pragma once

// Messages between the GUI side and leakscope-host (or the agent in an attached process).
// Qt-free so the host and the GUI side share it. Wire format and semantics: docs/protocol.md.
//
// Framing: every message is [u32 payload length][u16 type][u16 flags, 0][payload], little-endian.
// Payload fields are little-endian integers, and strings/blobs as [u32 length][bytes].

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace leakscope::protocol {

inline constexpr std::uint32_t kProtocolVersion = 4;
inline constexpr std::size_t kHeaderSize = 8;

enum class MessageType : std::uint16_t {
    // Handshake
    Hello = 1,   // host -> GUI, first message
    Welcome = 2, // GUI -> host, answer to a valid Hello
    // Requests, GUI -> host
    Run = 10,
    Snapshot = 11,
    Continue = 12,
    Interrupt = 13,
    Terminate = 14,
    Describe = 15,
    // Events, host -> GUI
    Progress = 20,
    SnapshotReady = 21,
    ScriptFinished = 22,
    ObjectDescription = 23,
    Error = 24,
};

struct Hello
{
    std::uint32_t protocolVersion = kProtocolVersion;
    std::string token;         // the secret the GUI side gave the host; proves who connects
    std::string pythonVersion; // "3.11.2"
    std::int64_t pid = 0;
};
struct Welcome
{
    std::uint32_t protocolVersion = kProtocolVersion;
};
struct Run
{
};
struct SnapshotRequest
{
    std::uint32_t requestId = 0;
    std::string label;
    std::uint32_t flags = 0; // kSnapshotNoCollect; other bits must be 0
};
// SnapshotRequest::flags: capture without running gc.collect() first.
inline constexpr std::uint32_t kSnapshotNoCollect = 1;
struct Continue
{
};
struct Interrupt
{
};
struct Terminate
{
};
struct DescribeRequest
{
    std::uint32_t requestId = 0;
    std::uint64_t address = 0;
    // The type the object had in the snapshot it was chosen in: the host describes the object only if
    // the one living at address now has exactly this type (address of the type object), since the
    // address may have been freed and reused by another object since.
    std::uint64_t typeAddress = 0;
    std::string typeName; // "module.qualname", for the answer's error text
};
struct Progress
{
    std::uint32_t requestId = 0; // 0: a capture the script asked for
    std::uint32_t permille = 0;  // 0..1000
    std::string message;
};
struct SnapshotReady
{
    std::uint32_t requestId = 0; // 0: leakscope.snapshot()/pause() in the script
    std::string label;
    bool paused = false;  // taken by leakscope.pause(): the script waits for Continue
    std::string snapshot; // encodeSnapshot() bytes
    // The series the snapshot belongs to (leakscope.iterate(), a leaking test of the pytest plugin):
    // seriesId 1, 2, ... per host process, 0 when the snapshot is no part of a series; seriesIndex
    // 0 .. seriesLength - 1, snapshot 0 following the warm-up. On the wire these come before the
    // snapshot bytes (docs/protocol.md); declared last so that initialisers without them still read.
    std::uint32_t seriesId = 0;
    std::uint32_t seriesIndex = 0;
    std::uint32_t seriesLength = 0;
};
struct ScriptFinished
{
    std::int32_t exitCode = 0;
    std::string outcome;   // "completed", "raised", "exited", "interrupted", "not-run"
    std::string message;   // traceback text for "raised"/"interrupted", reason for "not-run"
};
struct ObjectDescription
{
    std::uint32_t requestId = 0;
    std::uint64_t address = 0;
    bool found = false;                  // false: no live object of the expected type at that address
    std::string repr;                    // repr(obj), cut to a bounded length
    std::vector<std::string> attributes; // dir(obj)
    std::string error;                   // why not found, or what went wrong running the object's code
    std::string typeName;                // type of the live object at address ("module.qualname"); empty: none
};
struct Error
{
    std::uint32_t requestId = 0; // the request that failed, 0 when none
    std::string message;
};

using Message = std::variant<Hello, Welcome, Run, SnapshotRequest, Continue, Interrupt, Terminate, DescribeRequest,
                             Progress, SnapshotReady, ScriptFinished, ObjectDescription, Error>;

MessageType typeOf(const Message& message);

// Largest payload accepted for a type: snapshots may be large, everything else is small.
std::size_t maxPayload(MessageType type);

// The framed bytes of one message, appended to out.
void encode(const Message& message, std::string& out);
std::string encode(const Message& message);

// Splits a byte stream into messages. Untrusted input: an unknown type, a payload over its type's
// limit, or a payload that does not parse exactly is an error, after which the decoder stays failed.
class FrameDecoder
{
public:
    enum class Status { NeedMore, Message, Failed };

    void append(const char* data, std::size_t size);
    void append(std::string_view bytes) { append(bytes.data(), bytes.size()); }

    // Takes the next whole message out of the buffer.
    Status next(Message& out);
    const std::string& error() const { return m_error; }
    bool failed() const { return !m_error.empty(); }
    std::size_t buffered() const { return m_buffer.size() - m_consumed; }
    // Payload bytes the message being received will have, once its header is in (0 otherwise):
    // lets a receiver report progress on a large snapshot.
    std::size_t pendingPayload() const;
    // Once the peer has proved itself (the session token), the whole frame of a large message is
    // reserved as soon as its header is in, instead of once an eighth of it has arrived: nothing that
    // arrived is copied again as the buffer grows (hundreds of megabytes at once, for a snapshot of ten
    // million objects, on a receiver's GUI thread). Before, a header alone never makes it allocate much.
    void trustPeer() { m_trusted = true; }

private:
    std::string m_buffer;
    bool m_trusted = false;
    std::size_t m_consumed = 0;
    std::string m_error;
};

} // namespace leakscope::protocol
