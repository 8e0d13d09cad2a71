#pragma once

// The binary form of a Snapshot: how the host sends a snapshot to the GUI, and the basis of snapshot
// files. Layout in docs/snapshot-format.md. Qt-free.

#include "snapshot.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace leakscope {

inline constexpr std::uint32_t kSnapshotFormatVersion = 2;

class SnapshotFormatError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Appends the encoded snapshot to out.
void encodeSnapshot(const Snapshot& snapshot, std::string& out);
std::string encodeSnapshot(const Snapshot& snapshot);

// Decodes bytes that come from outside (a socket, a file): every count and offset is checked, memory
// allocated is bounded by the input's size, and a bad input throws SnapshotFormatError saying what is
// wrong and where. Never crashes.
SnapshotPtr decodeSnapshot(std::string_view bytes);

} // namespace leakscope
