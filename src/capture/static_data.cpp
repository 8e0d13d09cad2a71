#include "static_data.h"

#include "snapshot/text.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <new>

namespace leakscope::capture {

namespace {

struct Mapping
{
    std::uintptr_t begin;
    std::uintptr_t end;
};

// Mappings that are readable and writable now, in address order (as the kernel lists them). A
// segment's RELRO part is read-only once relocated: constant since load, it cannot hold an object
// made later.
std::vector<Mapping> writableMappings()
{
    std::vector<Mapping> mappings;
    std::FILE* maps = std::fopen("/proc/self/maps", "re");
    if (!maps)
        return mappings;
    char line[512];
    bool lineStart = true;
    while (std::fgets(line, sizeof line, maps)) {
        const bool atStart = lineStart;
        lineStart = std::strchr(line, '\n') != nullptr; // a long path spans several reads
        if (!atStart)
            continue;
        unsigned long long begin = 0, end = 0;
        char perms[5] = {};
        if (std::sscanf(line, "%llx-%llx %4s", &begin, &end, perms) == 3 && perms[0] == 'r' && perms[1] == 'w')
            mappings.push_back({static_cast<std::uintptr_t>(begin), static_cast<std::uintptr_t>(end)});
    }
    std::fclose(maps);
    return mappings;
}

std::string fileName(const char* path)
{
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

std::string executableName()
{
    char path[4096];
    const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0)
        return "the executable";
    path[length] = '\0';
    return fileName(path);
}

struct Segment
{
    std::uintptr_t begin;
    std::uintptr_t end;
    std::uint32_t library;
};

struct Collector
{
    std::uintptr_t ownCode;
    std::vector<Segment> segments;
    std::vector<StaticLibrary> libraries;
    bool failed = false;
};

// Called by the loader for each loaded object, under its lock; must not throw.
int collectSegments(dl_phdr_info* info, std::size_t, void* data)
{
    auto* collector = static_cast<Collector*>(data);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& header = info->dlpi_phdr[i];
        if (header.p_type == PT_LOAD && collector->ownCode - (info->dlpi_addr + header.p_vaddr) < header.p_memsz)
            return 0;
    }
    try {
        const auto library = static_cast<std::uint32_t>(collector->libraries.size());
        bool writable = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
            const ElfW(Phdr)& header = info->dlpi_phdr[i];
            if (header.p_type != PT_LOAD || !(header.p_flags & PF_W) || header.p_memsz == 0)
                continue;
            // p_memsz covers .bss too: past the file's last page the loader maps it anonymous, and the
            // kernel may merge that mapping with unrelated anonymous memory after it.
            const std::uintptr_t begin = info->dlpi_addr + header.p_vaddr;
            collector->segments.push_back({begin, begin + header.p_memsz, library});
            writable = true;
        }
        if (writable) {
            const bool main = !info->dlpi_name || !*info->dlpi_name;
            collector->libraries.push_back({main ? executableName() : fileName(info->dlpi_name), info->dlpi_addr});
        }
    } catch (const std::bad_alloc&) {
        collector->failed = true;
        return 1;
    }
    return 0;
}

} // namespace

StaticData writableStaticData(const void* ownCode, std::uintptr_t excludeBegin, std::uintptr_t excludeEnd)
{
    Collector collector{reinterpret_cast<std::uintptr_t>(ownCode), {}, {}};
    dl_iterate_phdr(&collectSegments, &collector);
    if (collector.failed)
        throw std::bad_alloc();
    std::sort(collector.segments.begin(), collector.segments.end(),
              [](const Segment& a, const Segment& b) { return a.begin < b.begin; });

    StaticData data;
    data.libraries = std::move(collector.libraries);
    const std::vector<Mapping> mappings = writableMappings();
    auto add = [&](std::uintptr_t begin, std::uintptr_t end, std::uint32_t library) {
        if (begin < end)
            data.ranges.push_back({begin, end, library});
    };
    std::size_t m = 0;
    for (const Segment& segment : collector.segments) {
        while (m < mappings.size() && mappings[m].end <= segment.begin)
            ++m;
        for (std::size_t k = m; k < mappings.size() && mappings[k].begin < segment.end; ++k) {
            const std::uintptr_t begin = std::max(segment.begin, mappings[k].begin);
            const std::uintptr_t end = std::min(segment.end, mappings[k].end);
            if (begin >= end)
                continue;
            if (excludeEnd <= begin || excludeBegin >= end) {
                add(begin, end, segment.library);
            } else {
                add(begin, std::min(end, excludeBegin), segment.library);
                add(std::max(begin, excludeEnd), end, segment.library);
            }
        }
    }
    return data;
}

std::string describeStaticAddress(std::uintptr_t address, const StaticLibrary& library)
{
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(address), &info) && info.dli_sname && info.dli_saddr)
        return info.dli_sname + formatOffset(address - reinterpret_cast<std::uintptr_t>(info.dli_saddr));
    return formatOffset(address - library.loadBias);
}

} // namespace leakscope::capture
