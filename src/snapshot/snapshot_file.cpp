// The file layer of .lssnap files: a 56-byte header, then the codec's encoding, stored as is or as
// one zstd frame. The header is checked field by field, with its own checksum, before the data's
// length and checksum are; nothing is allocated on the strength of a claim that has not been
// checked against the file's real size. Layout: docs/snapshot-format.md, "File layer".

#include "snapshot_file.h"

#include "atomic_file.h"
#include "checksum.h"
#include "snapshot_codec.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <new>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

namespace leakscope {

namespace {

// PNG's recipe: a high byte (caught by 7-bit channels), the name, CR LF (caught by line-ending
// conversion one way), Ctrl-Z (stops `type` on DOS) and LF (caught by conversion the other way).
constexpr char kFileMagic[14] = {'\x89', 'L', 'e', 'a', 'k', 'S', 'c', 'o', 'p', 'e', '\r', '\n', '\x1a', '\n'};
constexpr std::size_t kLineEndingsAt = 10;
constexpr char kBareEncodingMagic[8] = {'\x89', 'L', 'S', 'N', 'A', 'P', '\r', '\n'};

// Header fields (offsets); the header checksum covers everything before it.
constexpr std::size_t kVersionAt = 14;     // u16
constexpr std::size_t kCompressionAt = 16; // u8, then 7 reserved zero bytes
constexpr std::size_t kStoredAt = 24;      // u64 bytes after the header
constexpr std::size_t kDecodedAt = 32;     // u64 bytes of the encoding
constexpr std::size_t kDataSumAt = 40;     // u64 XXH64 of the stored bytes
constexpr std::size_t kHeaderSumAt = 48;   // u64 XXH64 of bytes [0, 48)
static_assert(kHeaderSumAt + 8 == kSnapshotFileHeaderBytes);

constexpr std::uint8_t kStoredAsIs = 0;
constexpr std::uint8_t kStoredZstd = 1;
constexpr std::uint64_t kExpansionSlack = 1 << 20;
constexpr std::size_t kCompressChunk = 1 << 20;

using Header = unsigned char[kSnapshotFileHeaderBytes];

template<typename T>
T peek(const unsigned char* p, std::size_t at)
{
    T value;
    std::memcpy(&value, p + at, sizeof(T));
    return value;
}

template<typename T>
void poke(unsigned char* p, std::size_t at, T value)
{
    std::memcpy(p + at, &value, sizeof(T));
}

// 1234567 -> "1,234,567"
std::string grouped(std::uint64_t n)
{
    std::string digits = std::to_string(n);
    for (std::size_t k = digits.size(); k > 3; k -= 3)
        digits.insert(k - 3, 1, ',');
    return digits;
}

std::string bytesText(std::uint64_t n)
{
    return grouped(n) + (n == 1 ? " byte" : " bytes");
}

[[noreturn]] void fail(const std::string& path, const std::string& what)
{
    throw SnapshotFileError(path + ": " + what);
}

// A buffer for a whole file or a whole encoding. Big ones come straight from mmap with transparent
// huge pages asked for: filling a fresh buffer of a hundred megabytes page by 4 KiB page costs more
// than decompressing into it (measured: 0.4 s against 0.08 s for 106 MB on the development machine).
class LargeBuffer
{
public:
    explicit LargeBuffer(std::size_t size)
        : m_size(size)
    {
        if (size < kMapThreshold) {
            m_data = new char[size ? size : 1];
            return;
        }
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            throw std::bad_alloc();
        ::madvise(p, size, MADV_HUGEPAGE); // a hint; without huge pages the buffer works all the same
        m_data = static_cast<char*>(p);
    }
    ~LargeBuffer()
    {
        if (m_size < kMapThreshold)
            delete[] m_data;
        else
            ::munmap(m_data, m_size);
    }
    LargeBuffer(const LargeBuffer&) = delete;
    LargeBuffer& operator=(const LargeBuffer&) = delete;

    char* data() const { return m_data; }

private:
    static constexpr std::size_t kMapThreshold = 4 << 20;
    char* m_data = nullptr;
    std::size_t m_size = 0;
};

class FileDescriptor
{
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {
    }
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

// O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused right after, by fstat).
int openForReading(const std::string& path)
{
    return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
}

// Reads up to length bytes at offset; returns how many were read (fewer only at the end of the file).
std::size_t readAt(const std::string& path, int fd, void* buffer, std::size_t length, std::uint64_t offset)
{
    auto p = static_cast<char*>(buffer);
    std::size_t done = 0;
    while (done < length) {
        const ssize_t got = ::pread(fd, p + done, length - done, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            fail(path, "cannot read: " + describeFileError(errno));
        if (got == 0)
            break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

bool startsWith(const unsigned char* bytes, std::size_t length, std::string_view prefix)
{
    return length >= prefix.size() && std::memcmp(bytes, prefix.data(), prefix.size()) == 0;
}

// What the first bytes of a file that is not a snapshot look like, for the message.
std::string describeStart(const unsigned char* bytes, std::size_t length)
{
    if (startsWith(bytes, length, std::string_view(kBareEncodingMagic, sizeof kBareEncodingMagic)))
        return "it is a bare snapshot encoding without the file header";
    if (startsWith(bytes, length, "\x89PNG"))
        return "it is a PNG image";
    if (startsWith(bytes, length, "\x28\xb5\x2f\xfd"))
        return "it is a zstd-compressed file";
    if (startsWith(bytes, length, "\x1f\x8b"))
        return "it is a gzip-compressed file";
    if (startsWith(bytes, length, "PK\x03\x04"))
        return "it is a ZIP archive";
    if (startsWith(bytes, length, "\x7f" "ELF"))
        return "it is an ELF program or library";
    const std::size_t shown = std::min<std::size_t>(length, 8);
    bool text = true;
    for (std::size_t k = 0; k < shown; ++k)
        text = text && ((bytes[k] >= 0x20 && bytes[k] < 0x7f) || bytes[k] == '\n' || bytes[k] == '\r' || bytes[k] == '\t');
    std::string start;
    if (text) {
        for (std::size_t k = 0; k < shown; ++k)
            start += bytes[k] >= 0x20 ? static_cast<char>(bytes[k]) : ' ';
        return "it starts with the text \"" + start + "\"";
    }
    static const char hex[] = "0123456789ABCDEF";
    for (std::size_t k = 0; k < shown; ++k) {
        start += k ? " " : "";
        start += hex[bytes[k] >> 4];
        start += hex[bytes[k] & 15];
    }
    return "it starts with the bytes " + start;
}

void checkMagic(const std::string& path, const unsigned char* bytes, std::size_t length)
{
    const std::size_t compared = std::min(length, sizeof kFileMagic);
    for (std::size_t k = 0; k < compared; ++k) {
        if (bytes[k] == static_cast<unsigned char>(kFileMagic[k]))
            continue;
        if (k == 0 && bytes[0] == 0x09 && compared >= kLineEndingsAt
            && std::memcmp(bytes + 1, kFileMagic + 1, kLineEndingsAt - 1) == 0)
            fail(path, "the first byte has lost its high bit: the file went through a channel that keeps only 7 bits");
        if (k >= kLineEndingsAt)
            fail(path, "the header's line-ending bytes were altered: was the file transferred in text mode?");
        fail(path, "not a LeakScope snapshot file: " + describeStart(bytes, length));
    }
}

// Validates the header against the file's size; on return, the stored length is exactly what
// follows the header.
void checkHeader(const std::string& path, const Header header, std::uint64_t fileSize)
{
    const auto version = peek<std::uint16_t>(header, kVersionAt);
    if (version == 0)
        fail(path, "the header is corrupted: it says file layer version 0, which does not exist");
    if (version > kSnapshotFileVersion)
        fail(path, "file layer version " + std::to_string(version) + " is newer than this LeakScope reads ("
                       + std::to_string(kSnapshotFileVersion) + "): open it with a newer LeakScope");
    if (xxh64(header, kHeaderSumAt) != peek<std::uint64_t>(header, kHeaderSumAt))
        fail(path, "the header is corrupted: its checksum does not match");
    const auto compression = header[kCompressionAt];
    if (compression != kStoredAsIs && compression != kStoredZstd)
        fail(path, "unknown compression kind " + std::to_string(compression));
    for (std::size_t k = kCompressionAt + 1; k < kStoredAt; ++k) {
        if (header[k] != 0)
            fail(path, "the header's reserved bytes are not zero");
    }
    const auto stored = peek<std::uint64_t>(header, kStoredAt);
    const auto decoded = peek<std::uint64_t>(header, kDecodedAt);
    const std::uint64_t present = fileSize - kSnapshotFileHeaderBytes;
    if (stored > present)
        fail(path, "truncated: the header announces " + bytesText(stored) + " of data, " + grouped(present)
                       + (present == 1 ? " is" : " are") + " present");
    if (stored < present)
        fail(path, bytesText(present - stored) + " of unexpected data after the " + bytesText(stored)
                       + " the header announces");
    if (compression == kStoredAsIs && decoded != stored)
        fail(path, "the header is inconsistent: uncompressed data of " + bytesText(decoded) + " stored as "
                       + bytesText(stored));
    // stored < 2^63 (it is a file size), so the product cannot overflow for any sane factor.
    if (compression == kStoredZstd && decoded > stored * kSnapshotFileMaxExpansion + kExpansionSlack)
        fail(path, "the header claims " + bytesText(decoded) + " uncompressed from " + bytesText(stored)
                       + " compressed, more than " + std::to_string(kSnapshotFileMaxExpansion)
                       + " times as much: refused as damaged");
}

std::unique_ptr<LargeBuffer> decompress(const std::string& path, const char* data, std::uint64_t stored,
                                        std::uint64_t decoded)
{
    const unsigned long long frameContent = ZSTD_getFrameContentSize(data, stored);
    if (frameContent == ZSTD_CONTENTSIZE_ERROR)
        fail(path, "the compressed data is not a zstd frame");
    if (frameContent == ZSTD_CONTENTSIZE_UNKNOWN)
        fail(path, "the zstd frame does not state its uncompressed size");
    if (frameContent != decoded)
        fail(path, "the zstd frame holds " + bytesText(frameContent) + ", the header says " + bytesText(decoded));
    const std::size_t frameBytes = ZSTD_findFrameCompressedSize(data, stored);
    if (ZSTD_isError(frameBytes))
        fail(path, std::string("the compressed data is corrupted: ") + ZSTD_getErrorName(frameBytes));
    if (frameBytes != stored)
        fail(path, bytesText(stored - frameBytes) + " of unexpected data after the zstd frame");

    // decoded is bounded by checkHeader: at most kSnapshotFileMaxExpansion times the file, plus 1 MiB.
    auto out = std::make_unique<LargeBuffer>(decoded);
    std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    if (!context)
        throw std::bad_alloc();
    const std::size_t produced = ZSTD_decompressDCtx(context.get(), out->data(), decoded, data, stored);
    if (ZSTD_isError(produced))
        fail(path, std::string("the compressed data is corrupted: ") + ZSTD_getErrorName(produced));
    if (produced != decoded)
        fail(path, "the compressed data holds " + bytesText(produced) + ", the header says " + bytesText(decoded));
    return out;
}

// Compresses pieces as they come into one zstd frame, handing out 1 MiB of output at a time.
class ZstdWriter
{
public:
    using Output = std::function<void(const char* bytes, std::size_t length)>;

    ZstdWriter(const SnapshotSaveOptions& options, Output output)
        : m_context(ZSTD_createCCtx(), &ZSTD_freeCCtx)
        , m_chunk(std::make_unique_for_overwrite<char[]>(kCompressChunk))
        , m_output(std::move(output))
    {
        if (!m_context)
            throw std::bad_alloc();
        ZSTD_CCtx* cctx = m_context.get();
        const int level = std::clamp(options.zstdLevel, ZSTD_minCLevel(), ZSTD_maxCLevel());
        check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level));
        // The file's own checksum covers the stored bytes; zstd's would only hash the same data again.
        check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0));
        check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1));
        if (options.zstdWorkers > 0)
            ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, options.zstdWorkers); // a build without threads: stay at 0
    }

    // The frame header states the content size, so it must be known before the first piece.
    void begin(std::uint64_t total) { check(ZSTD_CCtx_setPledgedSrcSize(m_context.get(), total)); }

    void add(std::string_view piece)
    {
        ZSTD_inBuffer in{piece.data(), piece.size(), 0};
        while (in.pos < in.size)
            step(in, ZSTD_e_continue);
    }

    void finish()
    {
        ZSTD_inBuffer in{nullptr, 0, 0};
        while (step(in, ZSTD_e_end) != 0) {
        }
        flush();
    }

private:
    static void check(std::size_t code)
    {
        if (ZSTD_isError(code))
            throw AtomicFileError(std::string("zstd: ") + ZSTD_getErrorName(code));
    }

    std::size_t step(ZSTD_inBuffer& in, ZSTD_EndDirective directive)
    {
        ZSTD_outBuffer out{m_chunk.get() + m_pending, kCompressChunk - m_pending, 0};
        const std::size_t left = ZSTD_compressStream2(m_context.get(), &out, &in, directive);
        check(left);
        m_pending += out.pos;
        if (m_pending == kCompressChunk)
            flush();
        return left;
    }

    void flush()
    {
        if (m_pending > 0)
            m_output(m_chunk.get(), m_pending);
        m_pending = 0;
    }

    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> m_context;
    std::unique_ptr<char[]> m_chunk;
    std::size_t m_pending = 0;
    Output m_output;
};

} // namespace

void saveSnapshotFile(const Snapshot& snapshot, const std::string& path, const SnapshotSaveOptions& options)
{
    try {
        AtomicFile file(path);
        Header header{};
        file.write(header, sizeof header); // completed once the data's length and checksum are known
        Xxh64 dataSum;
        std::uint64_t stored = 0;
        std::uint64_t decoded = 0;
        const auto store = [&](const char* bytes, std::size_t length) {
            dataSum.update(bytes, length);
            file.write(bytes, length);
            stored += length;
        };
        // The encoding is streamed from the snapshot's columns to the compressor or the file, never
        // built in memory: on a big heap, the page faults of a fresh buffer cost as much as compressing.
        const bool zstd = options.compression == SnapshotCompression::Zstd;
        if (zstd) {
            ZstdWriter compressor(options, store);
            encodeSnapshot(
                snapshot,
                [&](std::uint64_t total) {
                    decoded = total;
                    compressor.begin(total);
                },
                [&](std::string_view piece) { compressor.add(piece); }, options.label);
            compressor.finish();
        } else {
            encodeSnapshot(
                snapshot, [&](std::uint64_t total) { decoded = total; },
                [&](std::string_view piece) { store(piece.data(), piece.size()); }, options.label);
        }

        std::memcpy(header, kFileMagic, sizeof kFileMagic);
        poke<std::uint16_t>(header, kVersionAt, kSnapshotFileVersion);
        header[kCompressionAt] = zstd ? kStoredZstd : kStoredAsIs;
        poke<std::uint64_t>(header, kStoredAt, stored);
        poke<std::uint64_t>(header, kDecodedAt, decoded);
        poke<std::uint64_t>(header, kDataSumAt, dataSum.digest());
        poke<std::uint64_t>(header, kHeaderSumAt, xxh64(header, kHeaderSumAt));
        file.writeAt(0, header, sizeof header);
        file.commit();
    } catch (const AtomicFileError& e) {
        fail(path, std::string("cannot save: ") + e.what());
    } catch (const std::bad_alloc&) {
        fail(path, "cannot save: not enough memory");
    }
}

SnapshotPtr loadSnapshotFile(const std::string& path)
{
    const FileDescriptor fd(openForReading(path));
    if (fd.get() < 0) {
        const int error = errno;
        fail(path, error == ENOENT ? std::string("no such file") : "cannot open: " + describeFileError(error));
    }
    struct stat info;
    if (::fstat(fd.get(), &info) != 0)
        fail(path, "cannot read: " + describeFileError(errno));
    if (S_ISDIR(info.st_mode))
        fail(path, "it is a folder, not a snapshot file");
    if (!S_ISREG(info.st_mode))
        fail(path, "not a regular file (a device, pipe or socket), so not a snapshot file");
    const auto fileSize = static_cast<std::uint64_t>(info.st_size);
    if (fileSize == 0)
        fail(path, "the file is empty (0 bytes), not a snapshot");

    Header header;
    const std::size_t headerBytes = readAt(path, fd.get(), header, std::min<std::uint64_t>(fileSize, sizeof header), 0);
    checkMagic(path, header, headerBytes);
    if (headerBytes < sizeof header)
        fail(path, "truncated: the file is " + bytesText(headerBytes) + ", shorter than its "
                       + std::to_string(sizeof header) + "-byte header");
    checkHeader(path, header, fileSize);
    const auto stored = peek<std::uint64_t>(header, kStoredAt);
    const auto decoded = peek<std::uint64_t>(header, kDecodedAt);

    try {
        // stored is exactly the rest of the file: this allocation is the file's real size.
        auto data = std::make_unique<LargeBuffer>(stored);
        if (readAt(path, fd.get(), data->data(), stored, sizeof header) != stored)
            fail(path, "truncated while it was being read (did another program shorten it?)");
        if (xxh64(data->data(), stored) != peek<std::uint64_t>(header, kDataSumAt))
            fail(path, "the data is corrupted: its checksum does not match (the file was damaged after it was saved)");
        if (header[kCompressionAt] == kStoredZstd)
            data = decompress(path, data->data(), stored, decoded);
        return decodeSnapshot(std::string_view(data->data(), decoded));
    } catch (const SnapshotFormatError& e) {
        fail(path, std::string("invalid snapshot data, ") + e.what());
    } catch (const std::bad_alloc&) {
        fail(path, "not enough memory to load " + bytesText(decoded) + " of snapshot data");
    }
}

bool isSnapshotFile(const std::string& path)
{
    const std::string_view name(path);
    if (name.size() >= kSnapshotFileSuffix.size() && name.ends_with(kSnapshotFileSuffix))
        return true;
    const FileDescriptor fd(openForReading(path));
    struct stat info;
    if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        return false;
    unsigned char start[sizeof kFileMagic];
    try {
        return readAt(path, fd.get(), start, sizeof start, 0) == sizeof start
            && std::memcmp(start, kFileMagic, sizeof kFileMagic) == 0;
    } catch (const SnapshotFileError&) {
        return false;
    }
}

} // namespace leakscope
