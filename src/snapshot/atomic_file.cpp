// The temporary-file-and-rename dance, with the flushes that make it survive a power cut: the data
// is fsync'ed before the rename (else the rename can reach the disk before the data does, leaving an
// empty file under the final name), and the folder after it (else the rename itself can be lost).

#include "atomic_file.h"

#include <cerrno>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace leakscope {

namespace {

std::string randomSuffix()
{
    thread_local std::mt19937_64 generator{std::random_device{}() ^ (std::uint64_t(::getpid()) << 32)};
    static const char hex[] = "0123456789abcdef";
    std::uint64_t bits = generator();
    std::string text(10, '0');
    for (char& c : text) {
        c = hex[bits & 15];
        bits >>= 4;
    }
    return text;
}

int openTemporary(const std::string& path)
{
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
}

} // namespace

std::string describeFileError(int error)
{
    switch (error) {
    case ENOSPC:
        return "the disk is full (no space left on the device)";
    case EDQUOT:
        return "the disk quota is used up";
    case EFBIG:
        return "the file is too large for the file system or for this process's file size limit";
    case EACCES:
    case EPERM:
        return "permission denied";
    case EROFS:
        return "the file system is read-only";
    case ENOENT:
        return "no such file or folder";
    case ENOTDIR:
        return "a part of the path is not a folder";
    case EIO:
        return "input/output error (the disk may be failing)";
    case ENAMETOOLONG:
        return "the name is too long";
    default:
        return std::error_code(error, std::generic_category()).message();
    }
}

AtomicFile::AtomicFile(std::string path, Temporary temporary)
    : m_path(std::move(path))
{
    if (m_path.empty())
        throw AtomicFileError("no file name given");
    const std::size_t slash = m_path.rfind('/');
    m_base = slash == std::string::npos ? m_path : m_path.substr(slash + 1);
    const std::string& base = m_base;
    m_folder = slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : m_path.substr(0, slash);
    if (base.empty() || base == "." || base == "..")
        throw AtomicFileError("the path names a folder, not a file");

    struct stat info;
    if (::stat(m_path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        throw AtomicFileError("it is a folder");
    if (::stat(m_folder.c_str(), &info) != 0) {
        const int error = errno;
        if (error == ENOENT)
            throw AtomicFileError("the folder " + m_folder + " does not exist");
        fail("cannot reach the folder " + m_folder, error);
    }
    if (!S_ISDIR(info.st_mode))
        throw AtomicFileError(m_folder + " is not a folder");

    // An unnamed file needs /proc to be given a name at the end (linkat of /proc/self/fd/N works
    // without privileges); without it, or on file systems without O_TMPFILE, fall back to a name.
    if (temporary == Temporary::Best && ::access("/proc/self/fd", X_OK) == 0) {
        m_fd = ::open(m_folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        if (m_fd >= 0) {
            m_unnamed = true;
            return;
        }
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
            fail("cannot create a file in " + m_folder, errno);
    }
    // Short enough for NAME_MAX whatever the target's name.
    const std::string hidden = m_folder + "/." + base.substr(0, 200) + ".";
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string candidate = hidden + randomSuffix() + ".tmp";
        m_fd = openTemporary(candidate);
        if (m_fd >= 0) {
            m_tempPath = candidate;
            return;
        }
        if (errno != EEXIST)
            fail("cannot create a file in " + m_folder, errno);
    }
    throw AtomicFileError("cannot find a free temporary name in " + m_folder);
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed && !m_tempPath.empty())
        ::unlink(m_tempPath.c_str());
}

void AtomicFile::fail(const std::string& doing, int error) const
{
    throw AtomicFileError(doing + ": " + describeFileError(error));
}

void AtomicFile::write(const void* data, std::size_t length)
{
    auto p = static_cast<const char*>(data);
    while (length > 0) {
        const ssize_t written = ::write(m_fd, p, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            fail("cannot write", written < 0 ? errno : ENOSPC);
        p += written;
        length -= static_cast<std::size_t>(written);
    }
}

void AtomicFile::writeAt(std::uint64_t offset, const void* data, std::size_t length)
{
    auto p = static_cast<const char*>(data);
    while (length > 0) {
        const ssize_t written = ::pwrite(m_fd, p, length, static_cast<off_t>(offset));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            fail("cannot write", written < 0 ? errno : ENOSPC);
        p += written;
        offset += static_cast<std::uint64_t>(written);
        length -= static_cast<std::size_t>(written);
    }
}

void AtomicFile::commit()
{
    if (::fsync(m_fd) != 0)
        fail("cannot flush the file to the disk", errno);
    if (m_unnamed) {
        const std::string self = "/proc/self/fd/" + std::to_string(m_fd);
        const std::string hidden = m_folder + "/." + m_base.substr(0, 200) + ".";
        for (int attempt = 0; m_tempPath.empty(); ++attempt) {
            const std::string candidate = hidden + randomSuffix() + ".tmp";
            if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, candidate.c_str(), AT_SYMLINK_FOLLOW) == 0)
                m_tempPath = candidate;
            else if (errno != EEXIST || attempt == 100)
                fail("cannot name the new file in " + m_folder, errno);
        }
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0)
        fail("cannot write", errno);
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
        fail("cannot replace the file", errno);
    m_committed = true;
    // Best effort: the new file is in place; a folder that cannot be flushed (some network file
    // systems refuse) only weakens what survives a power cut.
    const int folder = ::open(m_folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
}

} // namespace leakscope
