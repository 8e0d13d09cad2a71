#include "protocol.h"

// Wire format: docs/protocol.md. Every message struct's fields are listed once, in visitFields(), and
// the same list drives sizing, encoding and decoding, so the three cannot disagree on order or width.

#include <algorithm>
#include <array>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace leakscope::protocol {

namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;

// A string that ends the payload and is at least this long is moved out of the decoder's buffer instead of
// being copied (SnapshotReady::snapshot in practice).
constexpr std::size_t kMoveOutThreshold = 1 * kMiB;
// Consumed bytes at the front of the buffer are dropped once there are this many and they are at least half
// of the buffer: every byte is moved at most once more, so streaming stays O(total).
constexpr std::size_t kCompactThreshold = 64 * kKiB;
// A message at least this large has its whole frame reserved once an eighth of it has arrived (from a trusted
// peer, at once: FrameDecoder::trustPeer()): fewer reallocations and page faults than growing by doubling, while a
// header alone (untrusted) never makes the decoder allocate much.
constexpr std::size_t kReserveThreshold = 1 * kMiB;
// Room reserved past such a frame for the start of the messages after it, which often arrive in the same read.
constexpr std::size_t kReserveSlack = 1 * kMiB;
// An idle buffer whose capacity is larger than this (left by a big message) is released.
constexpr std::size_t kKeepCapacity = 4 * kMiB;

// Index i of Message holds the message of type kTypes[i].
constexpr std::array<MessageType, std::variant_size_v<Message>> kTypes = {
    MessageType::Hello,    MessageType::Welcome,   MessageType::Run,           MessageType::Snapshot,
    MessageType::Continue, MessageType::Interrupt, MessageType::Terminate,     MessageType::Describe,
    MessageType::Progress, MessageType::SnapshotReady, MessageType::ScriptFinished, MessageType::ObjectDescription,
    MessageType::Error,
};

const char* typeName(MessageType type)
{
    switch (type) {
    case MessageType::Hello: return "Hello";
    case MessageType::Welcome: return "Welcome";
    case MessageType::Run: return "Run";
    case MessageType::Snapshot: return "Snapshot";
    case MessageType::Continue: return "Continue";
    case MessageType::Interrupt: return "Interrupt";
    case MessageType::Terminate: return "Terminate";
    case MessageType::Describe: return "Describe";
    case MessageType::Progress: return "Progress";
    case MessageType::SnapshotReady: return "SnapshotReady";
    case MessageType::ScriptFinished: return "ScriptFinished";
    case MessageType::ObjectDescription: return "ObjectDescription";
    case MessageType::Error: return "Error";
    }
    return nullptr;
}

bool isKnown(std::uint16_t type)
{
    return typeName(static_cast<MessageType>(type)) != nullptr;
}

// Calls visitor(field, "name") for every field of a message, in wire order. M may be const.
template <typename M, typename V>
void visitFields(M& m, V&& visit)
{
    using T = std::remove_const_t<M>;
    if constexpr (std::is_same_v<T, Hello>) {
        visit(m.protocolVersion, "protocolVersion");
        visit(m.token, "token");
        visit(m.pythonVersion, "pythonVersion");
        visit(m.pid, "pid");
    } else if constexpr (std::is_same_v<T, Welcome>) {
        visit(m.protocolVersion, "protocolVersion");
    } else if constexpr (std::is_same_v<T, SnapshotRequest>) {
        visit(m.requestId, "requestId");
        visit(m.label, "label");
        visit(m.flags, "flags");
    } else if constexpr (std::is_same_v<T, DescribeRequest>) {
        visit(m.requestId, "requestId");
        visit(m.address, "address");
        visit(m.typeAddress, "typeAddress");
        visit(m.typeName, "typeName");
    } else if constexpr (std::is_same_v<T, Progress>) {
        visit(m.requestId, "requestId");
        visit(m.permille, "permille");
        visit(m.message, "message");
    } else if constexpr (std::is_same_v<T, SnapshotReady>) {
        visit(m.requestId, "requestId");
        visit(m.label, "label");
        visit(m.paused, "paused");
        visit(m.seriesId, "seriesId");
        visit(m.seriesIndex, "seriesIndex");
        visit(m.seriesLength, "seriesLength");
        visit(m.snapshot, "snapshot");
    } else if constexpr (std::is_same_v<T, ScriptFinished>) {
        visit(m.exitCode, "exitCode");
        visit(m.outcome, "outcome");
        visit(m.message, "message");
    } else if constexpr (std::is_same_v<T, ObjectDescription>) {
        visit(m.requestId, "requestId");
        visit(m.address, "address");
        visit(m.found, "found");
        visit(m.repr, "repr");
        visit(m.attributes, "attributes");
        visit(m.error, "error");
        visit(m.typeName, "typeName");
    } else if constexpr (std::is_same_v<T, Error>) {
        visit(m.requestId, "requestId");
        visit(m.message, "message");
    } else {
        static_assert(std::is_empty_v<T>, "a message type with fields needs a visitFields() entry");
    }
}

// Payload size of a message.
struct Sizer
{
    std::uint64_t size = 0;

    template <typename I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
    void operator()(const I&, const char*) { size += sizeof(I); }
    void operator()(const bool&, const char*) { size += 1; }
    void operator()(const std::string& s, const char*) { size += 4 + s.size(); }
    void operator()(const std::vector<std::string>& list, const char*)
    {
        size += 4;
        for (const std::string& s : list)
            size += 4 + s.size();
    }
};

struct Writer
{
    std::string& out;
    MessageType type;

    template <typename I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
    void operator()(const I& value, const char*)
    {
        using U = std::make_unsigned_t<I>;
        const U bits = static_cast<U>(value);
        char bytes[sizeof(I)];
        for (std::size_t i = 0; i < sizeof(I); ++i)
            bytes[i] = static_cast<char>(static_cast<unsigned char>(bits >> (8 * i)));
        out.append(bytes, sizeof(I));
    }
    void operator()(const bool& value, const char*) { out.push_back(value ? '\1' : '\0'); }
    void length(std::size_t n, const char* field)
    {
        if (n > UINT32_MAX)
            throw std::length_error(std::string(typeName(type)) + " message: field '" + field + "' has "
                                    + std::to_string(n) + " entries, more than a u32 length can say");
        (*this)(static_cast<std::uint32_t>(n), field);
    }
    void operator()(const std::string& s, const char* field)
    {
        length(s.size(), field);
        out.append(s);
    }
    void operator()(const std::vector<std::string>& list, const char* field)
    {
        length(list.size(), field);
        for (const std::string& s : list)
            (*this)(s, field);
    }
};

// Reads the fields of one payload. The first problem is kept in error and stops every later read.
struct Reader
{
    std::string_view payload;
    std::size_t pos = 0;
    std::string error;
    // A string ending the payload that is long enough to be moved out rather than copied: left empty,
    // and its place recorded here. Nothing can be read after it, so if it is not the message's last field
    // the next read fails the whole message and the pointer is never used.
    std::string* deferred = nullptr;
    std::size_t deferredOffset = 0;

    std::size_t left() const { return payload.size() - pos; }
    bool ok() const { return error.empty(); }
    void fail(std::string what)
    {
        if (ok())
            error = std::move(what);
    }

    template <typename I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
    void operator()(I& value, const char* field)
    {
        if (!ok())
            return;
        if (left() < sizeof(I))
            return fail("payload ends inside the " + std::to_string(sizeof(I)) + "-byte field '" + field + "'");
        using U = std::make_unsigned_t<I>;
        U bits = 0;
        for (std::size_t i = 0; i < sizeof(I); ++i)
            bits |= static_cast<U>(static_cast<unsigned char>(payload[pos + i])) << (8 * i);
        value = static_cast<I>(bits);
        pos += sizeof(I);
    }
    void operator()(bool& value, const char* field)
    {
        if (!ok())
            return;
        if (left() < 1)
            return fail(std::string("payload ends before the bool field '") + field + "'");
        const auto byte = static_cast<unsigned char>(payload[pos]);
        if (byte > 1)
            return fail(std::string("bool field '") + field + "' is " + std::to_string(byte) + ", not 0 or 1");
        value = byte == 1;
        ++pos;
    }
    // A u32 length or count; returns false (with error set) when it could not be read.
    bool length(std::uint32_t& n, const char* field)
    {
        (*this)(n, field);
        return ok();
    }
    void operator()(std::string& s, const char* field)
    {
        std::uint32_t n = 0;
        if (!length(n, field))
            return;
        if (n > left())
            return fail("string '" + std::string(field) + "' of " + std::to_string(n) + " bytes runs past the end of"
                        " the payload (" + std::to_string(left()) + " bytes left)");
        if (n >= kMoveOutThreshold && n == left() && deferred == nullptr) {
            deferred = &s;
            deferredOffset = pos;
        } else {
            s.assign(payload.substr(pos, n));
        }
        pos += n;
    }
    void operator()(std::vector<std::string>& list, const char* field)
    {
        std::uint32_t count = 0;
        if (!length(count, field))
            return;
        // Every string takes at least its 4-byte length, which bounds the count before anything is allocated.
        if (count > left() / 4)
            return fail("list '" + std::string(field) + "' claims " + std::to_string(count) + " strings, more than the "
                        + std::to_string(left()) + " bytes left could hold");
        list.clear();
        list.reserve(count);
        for (std::uint32_t i = 0; i < count && ok(); ++i)
            (*this)(list.emplace_back(), field);
    }
};

void writeHeader(std::string& out, std::uint32_t payloadSize, MessageType type)
{
    Writer writer{out, type};
    writer(payloadSize, "length");
    writer(static_cast<std::uint16_t>(type), "type");
    writer(std::uint16_t(0), "flags");
}

struct Header
{
    std::uint32_t length = 0;
    std::uint16_t type = 0;
    std::uint16_t flags = 0;
};

Header readHeader(const char* data)
{
    Reader reader{std::string_view(data, kHeaderSize)};
    Header header;
    reader(header.length, "length");
    reader(header.type, "type");
    reader(header.flags, "flags");
    return header;
}

// Empty when the header may start a valid message, else what is wrong with it.
std::string checkHeader(const Header& header)
{
    if (!isKnown(header.type))
        return "unknown message type " + std::to_string(header.type);
    const auto type = static_cast<MessageType>(header.type);
    if (header.flags != 0)
        return std::string(typeName(type)) + " message: flags are " + std::to_string(header.flags) + ", must be 0";
    if (header.length > maxPayload(type))
        return std::string(typeName(type)) + " message: payload of " + std::to_string(header.length)
               + " bytes exceeds the limit of " + std::to_string(maxPayload(type)) + " bytes";
    return {};
}

// Empty when the series fields agree with each other: all 0 outside a series, an index below the
// length within one.
std::string checkSeries(const SnapshotReady& m)
{
    if (m.seriesId == 0 && (m.seriesIndex != 0 || m.seriesLength != 0))
        return "series index " + std::to_string(m.seriesIndex) + " and length " + std::to_string(m.seriesLength)
            + " given without a series (seriesId 0)";
    if (m.seriesId != 0 && m.seriesIndex >= m.seriesLength)
        return "series index " + std::to_string(m.seriesIndex) + " is not below the series length "
            + std::to_string(m.seriesLength);
    return {};
}

// Called before `incoming` more bytes are appended to buffer; see kReserveThreshold.
void reserveLargeMessage(std::string& buffer, std::size_t& consumed, std::size_t incoming, bool trusted)
{
    const std::size_t buffered = buffer.size() - consumed;
    if (buffered < kHeaderSize)
        return;
    const Header header = readHeader(buffer.data() + consumed);
    if (header.length < kReserveThreshold || !checkHeader(header).empty())
        return;
    const std::size_t frame = kHeaderSize + header.length;
    const std::size_t arrived = buffered + incoming - kHeaderSize;
    if ((!trusted && arrived < header.length / 8) || buffer.capacity() >= consumed + frame)
        return;
    buffer.erase(0, consumed);
    consumed = 0;
    buffer.reserve(std::max(frame + kReserveSlack, buffered + incoming));
}

template <std::size_t I = 0>
Message emptyMessage(MessageType type)
{
    if constexpr (I == kTypes.size())
        return Message();
    else
        return kTypes[I] == type ? Message(std::in_place_index<I>) : emptyMessage<I + 1>(type);
}

} // namespace

MessageType typeOf(const Message& message)
{
    return kTypes[message.index()];
}

std::size_t maxPayload(MessageType type)
{
    switch (type) {
    case MessageType::SnapshotReady:
        // As much as the u32 length field can say; see docs/protocol.md.
        return UINT32_MAX;
    case MessageType::ObjectDescription:
        return 16 * kMiB;
    case MessageType::Hello:
    case MessageType::Error:
    case MessageType::ScriptFinished:
    case MessageType::Progress:
        return 1 * kMiB;
    case MessageType::Welcome:
    case MessageType::Run:
    case MessageType::Snapshot:
    case MessageType::Continue:
    case MessageType::Interrupt:
    case MessageType::Terminate:
    case MessageType::Describe:
        return 64 * kKiB;
    }
    return 0;
}

// Throws std::length_error, leaving out as it was, when the payload is over its type's limit or does not fit
// the u32 length field: the receiver would reject such a frame, so it is never sent.
void encode(const Message& message, std::string& out)
{
    const MessageType type = typeOf(message);
    std::visit(
        [&](const auto& m) {
            Sizer sizer;
            visitFields(m, sizer);
            const std::uint64_t limit = std::min<std::uint64_t>(maxPayload(type), UINT32_MAX);
            if (sizer.size > limit)
                throw std::length_error(std::string(typeName(type)) + " message: payload of "
                                        + std::to_string(sizer.size) + " bytes exceeds the limit of "
                                        + std::to_string(limit) + " bytes");
            out.reserve(out.size() + kHeaderSize + sizer.size);
            writeHeader(out, static_cast<std::uint32_t>(sizer.size), type);
            visitFields(m, Writer{out, type});
        },
        message);
}

std::string encode(const Message& message)
{
    std::string out;
    encode(message, out);
    return out;
}

void FrameDecoder::append(const char* data, std::size_t size)
{
    if (failed() || size == 0)
        return;
    if (m_consumed == m_buffer.size()) {
        if (m_buffer.capacity() > kKeepCapacity)
            std::string().swap(m_buffer);
        m_buffer.clear();
        m_consumed = 0;
    } else if (m_consumed >= kCompactThreshold && m_consumed >= m_buffer.size() / 2) {
        m_buffer.erase(0, m_consumed);
        m_consumed = 0;
    }
    reserveLargeMessage(m_buffer, m_consumed, size, m_trusted);
    m_buffer.append(data, size);
}

FrameDecoder::Status FrameDecoder::next(Message& out)
{
    if (failed())
        return Status::Failed;
    if (buffered() < kHeaderSize)
        return Status::NeedMore;
    const Header header = readHeader(m_buffer.data() + m_consumed);
    const auto fail = [this](std::string error) {
        m_error = std::move(error);
        std::string().swap(m_buffer);
        m_consumed = 0;
        return Status::Failed;
    };
    if (std::string problem = checkHeader(header); !problem.empty())
        return fail(std::move(problem));
    if (buffered() - kHeaderSize < header.length)
        return Status::NeedMore;

    const auto type = static_cast<MessageType>(header.type);
    const std::size_t payloadStart = m_consumed + kHeaderSize;
    const std::size_t messageEnd = payloadStart + header.length;
    Message message = emptyMessage(type);
    Reader reader{std::string_view(m_buffer).substr(payloadStart, header.length)};
    std::visit([&](auto& m) { visitFields(m, reader); }, message);
    if (reader.ok() && reader.left() != 0)
        reader.fail(std::to_string(reader.left()) + " bytes left over after the last field");
    if (reader.ok())
        if (const auto* ready = std::get_if<SnapshotReady>(&message))
            reader.fail(checkSeries(*ready));
    if (reader.ok())
        if (const auto* request = std::get_if<SnapshotRequest>(&message); request && (request->flags & ~kSnapshotNoCollect))
            reader.fail("unknown flags " + std::to_string(request->flags));
    if (!reader.ok())
        return fail(std::string(typeName(type)) + " message: " + reader.error);

    if (reader.deferred == nullptr) {
        m_consumed = messageEnd;
    } else {
        const std::size_t blobStart = payloadStart + reader.deferredOffset;
        const std::size_t blobSize = messageEnd - blobStart;
        const std::size_t tail = m_buffer.size() - messageEnd;
        if (tail <= blobSize) {
            // The blob takes over the buffer's memory; the bytes after it (at most as many) move to a new buffer.
            std::string rest(m_buffer, messageEnd);
            std::string blob = std::move(m_buffer);
            blob.resize(messageEnd);
            blob.erase(0, blobStart);
            *reader.deferred = std::move(blob);
            m_buffer = std::move(rest);
            m_consumed = 0;
        } else {
            reader.deferred->assign(m_buffer, blobStart, blobSize);
            m_consumed = messageEnd;
        }
    }
    out = std::move(message);
    return Status::Message;
}

std::size_t FrameDecoder::pendingPayload() const
{
    if (failed() || buffered() < kHeaderSize)
        return 0;
    const Header header = readHeader(m_buffer.data() + m_consumed);
    return checkHeader(header).empty() ? header.length : 0;
}

} // namespace leakscope::protocol
