// The host protocol's stream decoder (protocol.h, docs/protocol.md) on a byte stream from anywhere:
// what the GUI side reads from the host or the agent, and what they read from the GUI side. The first
// input byte sets how the stream is cut into reads; the rest is the stream. Cut or whole, the decoder
// must give the same messages and the same verdict, and every message it gives must encode back to
// exactly the frame it came from (the format has one encoding per message).

#include "fuzz_support.h"

#include "protocol/protocol.h"

#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace leakscope::protocol;

struct Outcome
{
    std::vector<std::string> frames; // each message, encoded again
    bool failed = false;
    std::string error;
};

// Takes every whole message out of the decoder.
void drain(FrameDecoder& decoder, Outcome& outcome, std::string_view stream, std::size_t& consumed)
{
    for (;;) {
        const std::size_t before = decoder.buffered();
        (void)decoder.pendingPayload();
        Message message;
        const FrameDecoder::Status status = decoder.next(message);
        if (status != FrameDecoder::Status::Message)
            return;
        const std::size_t frameBytes = before - decoder.buffered();
        std::string encoded = encode(message);
        leakscope::fuzz::check(encoded == stream.substr(consumed, frameBytes),
                               "a decoded message does not encode back to its frame");
        consumed += frameBytes;
        outcome.frames.push_back(std::move(encoded));
    }
}

Outcome decodeInReads(std::string_view stream, std::size_t readSize)
{
    Outcome outcome;
    FrameDecoder decoder;
    std::size_t consumed = 0;
    for (std::size_t at = 0; at < stream.size(); at += readSize) {
        decoder.append(stream.substr(at, readSize));
        drain(decoder, outcome, stream, consumed);
    }
    drain(decoder, outcome, stream, consumed);
    outcome.failed = decoder.failed();
    outcome.error = decoder.error();
    if (!outcome.failed)
        leakscope::fuzz::check(decoder.buffered() == stream.size() - consumed, "the decoder lost bytes");
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::size_t readSize = 1 + data[0] % 64;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    const Outcome cut = decodeInReads(stream, readSize);
    const Outcome whole = decodeInReads(stream, stream.size() + 1);
    leakscope::fuzz::check(cut.frames == whole.frames, "cutting the stream into reads changed the messages");
    leakscope::fuzz::check(cut.failed == whole.failed && cut.error == whole.error,
                           "cutting the stream into reads changed the verdict");
    return 0;
}
