#pragma once

// Snapshot files (.lssnap): the codec's encoding (snapshot_codec.h) behind a file header that says
// what the file is, how its data is stored (as is, or zstd-compressed) and a checksum of it. Saving
// is atomic; loading checks everything before it trusts or allocates anything. Layout and errors in
// docs/snapshot-format.md, "File layer". Qt-free.

#include "snapshot.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace leakscope {

inline constexpr std::string_view kSnapshotFileSuffix = ".lssnap";
// The file layer's own version, independent of the encoding's (kSnapshotFormatVersion).
inline constexpr std::uint16_t kSnapshotFileVersion = 1;
inline constexpr std::size_t kSnapshotFileHeaderBytes = 56;
// A compressed file may claim at most this many times its stored size (plus 1 MiB) uncompressed:
// the ceiling on what a small hostile file can make the loader allocate.
inline constexpr std::uint64_t kSnapshotFileMaxExpansion = 256;

enum class SnapshotCompression { None, Zstd };

struct SnapshotSaveOptions
{
    SnapshotCompression compression = SnapshotCompression::Zstd;
    // Level 1: on a heap of 2 million objects it compresses 5.4 times in 0.12 s; the fast (negative)
    // levels save a few hundredths of a second for files 40% to 2.5 times as big, and level 3 takes
    // 2.7 times as long for 1% less (figures in docs/snapshot-format.md).
    int zstdLevel = 1;
    // zstd worker threads; 0 compresses on the calling thread (measured: workers do not pay at level
    // 1 on two cores).
    int zstdWorkers = 0;
    // Written as the snapshot's label instead of its own (a snapshot renamed after its capture).
    std::optional<std::string> label;
};

// what() names the file and what is wrong, one line, e.g.
// "snapshot.lssnap: truncated: the header announces 4,000 bytes of data, 120 are present"
class SnapshotFileError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// Atomic: temp file in the same folder, write, fsync, rename, fsync the folder. Throws SnapshotFileError
// (disk full, permission, missing folder...), leaving any existing file at path untouched and no temp file behind.
void saveSnapshotFile(const Snapshot& snapshot, const std::string& path, const SnapshotSaveOptions& options = {});

// Throws SnapshotFileError. Never allocates more than a bounded multiple of the file's real size.
SnapshotPtr loadSnapshotFile(const std::string& path);

// True when path ends in .lssnap, or the file starts with the file magic (reads at most the header).
bool isSnapshotFile(const std::string& path);

} // namespace leakscope
