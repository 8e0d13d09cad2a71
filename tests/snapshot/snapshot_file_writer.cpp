// A small program the snapshot file tests run and abuse: killed in the middle of saving, or saving
// under a file size limit (a full disk's stand-in), or saving as an unprivileged user. Prints what
// happened on stdout; exit status 0 when saved, 3 when saving failed with SnapshotFileError, 2 on a
// usage error.

#include "snapshot/snapshot_file.h"
#include "synthetic_heap.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

using namespace leakscope;

namespace {

const char kUsage[] = "usage: snapshot_file_writer loop PATH OBJECTS\n"
                      "       snapshot_file_writer limit PATH OBJECTS BYTES\n"
                      "       snapshot_file_writer as-nobody PATH\n";

int saveOnce(const Snapshot& snapshot, const std::string& path, const SnapshotSaveOptions& options)
{
    try {
        saveSnapshotFile(snapshot, path, options);
        std::printf("saved\n");
        return 0;
    } catch (const SnapshotFileError& e) {
        std::printf("%s\n", e.what());
        return 3;
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string mode = argv[1];
    const std::string path = argv[2];
    if (mode == "loop" && argc == 4) {
        // Saves over and over, so a kill at any moment lands inside a save.
        const Snapshot snapshot(test::syntheticHeap(static_cast<ObjectIndex>(std::atol(argv[3])), "new"));
        for (unsigned long k = 1;; ++k) {
            saveSnapshotFile(snapshot, path);
            std::printf("saved %lu\n", k);
            std::fflush(stdout);
        }
    }
    if (mode == "limit" && argc == 5) {
        const Snapshot snapshot(test::syntheticHeap(static_cast<ObjectIndex>(std::atol(argv[3])), "new"));
        // Past the limit, write() fails with EFBIG instead of the process being killed by SIGXFSZ.
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{static_cast<rlim_t>(std::atoll(argv[4])), static_cast<rlim_t>(std::atoll(argv[4]))};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
            std::perror("setrlimit");
            return 2;
        }
        SnapshotSaveOptions options;
        options.compression = SnapshotCompression::None;
        return saveOnce(snapshot, path, options);
    }
    if (mode == "as-nobody" && argc == 3) {
        const Snapshot snapshot(test::syntheticHeap(10, "new"));
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
            std::perror("setuid");
            return 2;
        }
        return saveOnce(snapshot, path, {});
    }
    std::fputs(kUsage, stderr);
    return 2;
}
