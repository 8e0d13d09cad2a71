#pragma once

// The binary form of a Snapshot: how the host sends a snapshot to the GUI, and the basis of snapshot
// files. Layout in docs/snapshot-format.md. Qt-free.

#include "snapshot.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace leakscope {

inline constexpr std::uint32_t kSnapshotFormatVersion = 3;

class SnapshotFormatError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Appends the encoded snapshot to out.
void encodeSnapshot(const Snapshot& snapshot, std::string& out);
std::string encodeSnapshot(const Snapshot& snapshot);

// Streams the same bytes without building them in memory, for writers that compress or write as
// they go: begin(total length) is called once, then sink with each piece in order (the big columns
// straight from the snapshot's memory). label, when given, is written instead of the snapshot's own.
using EncodeSink = std::function<void(std::string_view piece)>;
void encodeSnapshot(const Snapshot& snapshot, const std::function<void(std::uint64_t)>& begin, const EncodeSink& sink,
                    std::optional<std::string_view> label = std::nullopt);

// Decodes bytes that come from outside (a socket, a file): every count and offset is checked, memory
// allocated is bounded by the input's size, and a bad input throws SnapshotFormatError saying what is
// wrong and where. Never crashes.
SnapshotPtr decodeSnapshot(std::string_view bytes);

} // namespace leakscope
