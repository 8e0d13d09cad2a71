#pragma once

// Writes a file so that its final name only ever names a complete file: the bytes go to a temporary
// file in the same folder, which is flushed to the disk and then renamed over the final name. A
// failure (disk full, permission, a missing folder) leaves whatever the final name held untouched and
// removes the temporary file. Where the system allows (Linux, O_TMPFILE) the temporary file has no
// name until the end, so a process killed mid-write leaves nothing behind; elsewhere it is a hidden
// ".<name>.<random>.tmp" next to the target, which a kill can leave. POSIX, Qt-free.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace leakscope {

// what() says what failed and why, without the target's path (callers prefix it).
class AtomicFileError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class AtomicFile
{
public:
    enum class Temporary {
        Best,  // unnamed when the system supports it, else named
        Named, // always a hidden named file (what other systems get)
    };

    // Creates the temporary file. Throws AtomicFileError.
    explicit AtomicFile(std::string path, Temporary temporary = Temporary::Best);
    ~AtomicFile(); // removes the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Appends bytes. Throws AtomicFileError.
    void write(const void* data, std::size_t length);
    // Overwrites bytes already written (a header completed at the end). Throws AtomicFileError.
    void writeAt(std::uint64_t offset, const void* data, std::size_t length);
    // Flushes the file to the disk, gives it the final name and flushes the folder. Throws
    // AtomicFileError, in which case the final name is untouched.
    void commit();

    bool isUnnamed() const { return m_unnamed; }

private:
    [[noreturn]] void fail(const std::string& doing, int error) const;

    std::string m_path;
    std::string m_folder;
    std::string m_base; // the final name without its folder
    std::string m_tempPath; // empty while the temporary file has no name
    int m_fd = -1;
    bool m_unnamed = false;
    bool m_committed = false;
};

// A sentence for errno values met while saving: "the disk is full", "permission denied"...
std::string describeFileError(int error);

} // namespace leakscope
