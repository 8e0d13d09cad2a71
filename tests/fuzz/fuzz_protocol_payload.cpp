// Each message's payload parser (protocol.h), reached directly: the first input byte picks the
// message type, the rest is its payload, framed here with a correct header so that no input is spent
// on the length and type fields (fuzz_protocol_stream covers those). A payload that parses must
// encode back to exactly itself.

#include "fuzz_support.h"

#include "protocol/protocol.h"

#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace leakscope::protocol;
    static constexpr MessageType kTypes[] = {
        MessageType::Hello,         MessageType::Welcome,        MessageType::Run,
        MessageType::Snapshot,      MessageType::Continue,       MessageType::Interrupt,
        MessageType::Terminate,     MessageType::Describe,       MessageType::Progress,
        MessageType::SnapshotReady, MessageType::ScriptFinished, MessageType::ObjectDescription,
        MessageType::Error,
    };
    if (size == 0)
        return 0;
    const MessageType type = kTypes[data[0] % std::size(kTypes)];
    const std::string payload(reinterpret_cast<const char*>(data + 1), size - 1);
    if (payload.size() > maxPayload(type))
        return 0;

    std::string frame;
    const auto put = [&frame](std::uint64_t value, int bytes) {
        for (int k = 0; k < bytes; ++k)
            frame.push_back(static_cast<char>(value >> (8 * k)));
    };
    put(payload.size(), 4);
    put(static_cast<std::uint16_t>(type), 2);
    put(0, 2);
    frame += payload;

    FrameDecoder decoder;
    decoder.append(frame);
    Message message;
    switch (decoder.next(message)) {
    case FrameDecoder::Status::Message:
        leakscope::fuzz::check(typeOf(message) == type, "a payload decoded as another type");
        leakscope::fuzz::check(encode(message) == frame, "a decoded payload does not encode back to itself");
        leakscope::fuzz::check(decoder.buffered() == 0, "a whole frame left bytes behind");
        break;
    case FrameDecoder::Status::Failed:
        leakscope::fuzz::check(!decoder.error().empty(), "a failed decoder says nothing");
        break;
    case FrameDecoder::Status::NeedMore:
        leakscope::fuzz::failCheck("a whole frame needs more bytes");
    }
    return 0;
}
