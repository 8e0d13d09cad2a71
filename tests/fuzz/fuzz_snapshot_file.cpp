// Snapshot files (.lssnap, snapshot_file.h): the 56-byte header, its checksums, the sizes it claims
// and the zstd frame behind it, read by loadSnapshotFile() from a file in memory. Both checksums are
// made right before the input is written, or the fuzzer would rarely get past them; a file whose
// checksum is wrong is refused by a comparison the unit tests cover.

#include "fuzz_support.h"

#include "snapshot/checksum.h"
#include "snapshot/snapshot_file.h"

#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

constexpr std::size_t kDataSumAt = 40;
constexpr std::size_t kHeaderSumAt = 48;

template<typename T>
void poke(std::string& bytes, std::size_t at, T value)
{
    std::memcpy(bytes.data() + at, &value, sizeof value);
}

// A file only this process sees, rewritten for each input; loadSnapshotFile opens it by its /proc path.
class MemoryFile
{
public:
    MemoryFile()
        : m_fd(::memfd_create("fuzz.lssnap", MFD_CLOEXEC))
    {
        leakscope::fuzz::check(m_fd >= 0, "memfd_create failed");
        m_path = "/proc/self/fd/" + std::to_string(m_fd);
    }

    const std::string& write(const std::string& bytes)
    {
        leakscope::fuzz::check(::ftruncate(m_fd, 0) == 0, "cannot empty the file");
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t wrote = ::pwrite(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
            leakscope::fuzz::check(wrote > 0, "cannot write the file");
            done += static_cast<std::size_t>(wrote);
        }
        return m_path;
    }

private:
    int m_fd;
    std::string m_path;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace leakscope;
    std::string bytes(reinterpret_cast<const char*>(data), size);
    if (bytes.size() >= kSnapshotFileHeaderBytes) {
        poke<std::uint64_t>(bytes, kDataSumAt,
                            xxh64(bytes.data() + kSnapshotFileHeaderBytes, bytes.size() - kSnapshotFileHeaderBytes));
        poke<std::uint64_t>(bytes, kHeaderSumAt, xxh64(bytes.data(), kHeaderSumAt));
    }
    static MemoryFile file;
    const std::string& path = file.write(bytes);
    try {
        const SnapshotPtr snapshot = loadSnapshotFile(path);
        fuzz::check(snapshot != nullptr, "a file loaded as no snapshot");
    } catch (const SnapshotFileError& error) {
        fuzz::check(std::string_view(error.what()).starts_with(path + ": "), "a load error does not name the file");
    }
    return 0;
}
