// The snapshot codec (snapshot_codec.h) on bytes from anywhere: how a snapshot arrives from the host
// socket or the agent, and what a snapshot file holds once its file layer is checked. Whatever
// decodes must survive everything the tools do with a snapshot, and encode back to bytes that decode
// to the same encoding.

#include "fuzz_support.h"
#include "snapshot_checks.h"

#include "snapshot/snapshot_codec.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace leakscope;
    SnapshotPtr snapshot;
    try {
        snapshot = decodeSnapshot(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const SnapshotFormatError&) {
        return 0; // refused with a message: what the decoder promises
    }
    fuzz::exerciseSnapshot(snapshot);
    fuzz::checkRoundTrip(*snapshot);
    return 0;
}
