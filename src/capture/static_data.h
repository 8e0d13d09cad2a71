#pragma once

// The static data of the loaded program: the writable part of every loaded ELF object's writable
// segments (.data and .bss), as a conservative scan reads them. Uses the loader's program headers
// for the segments' exact extent and /proc/self/maps (read with plain C I/O) for what is mapped
// writable now. No Python code runs; the GIL is not needed.

#include <cstdint>
#include <string>
#include <vector>

namespace leakscope::capture {

struct StaticRange
{
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
    std::uint32_t library = 0; // index into StaticData::libraries
};

struct StaticLibrary
{
    std::string name;          // file name of the shared object or executable
    std::uintptr_t loadBias = 0; // added to the file's addresses at load time
};

struct StaticData
{
    std::vector<StaticRange> ranges; // sorted by address, non-overlapping, readable
    std::vector<StaticLibrary> libraries;
};

// Static data of every loaded object except the one that contains `ownCode` (the caller's own
// statics), minus the bytes [excludeBegin, excludeEnd).
StaticData writableStaticData(const void* ownCode, std::uintptr_t excludeBegin, std::uintptr_t excludeEnd);

// "SYMBOL+8 (0x8)" when the dynamic symbol table names the object that contains address, else
// "+1937472 (0x1d9040)" from the library's load address (as nm and addr2line count); see formatOffset().
std::string describeStaticAddress(std::uintptr_t address, const StaticLibrary& library);

} // namespace leakscope::capture
