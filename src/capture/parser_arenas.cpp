#include "parser_arenas.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <unordered_set>
#include <vector>

namespace leakscope::capture {

namespace {

struct Range
{
    std::uintptr_t begin;
    std::uintptr_t end;
};

// The readable mappings (sorted, as the kernel lists them) and the main thread's stack among them.
std::vector<Range> readableMappings(Range& stack)
{
    std::vector<Range> ranges;
    std::FILE* maps = std::fopen("/proc/self/maps", "re");
    if (!maps)
        return ranges;
    char line[512];
    bool lineStart = true;
    while (std::fgets(line, sizeof line, maps)) {
        const bool atStart = lineStart;
        lineStart = std::strchr(line, '\n') != nullptr;
        if (!atStart)
            continue;
        unsigned long long begin = 0, end = 0;
        char perms[5] = {};
        if (std::sscanf(line, "%llx-%llx %4s", &begin, &end, perms) != 3 || perms[0] != 'r')
            continue;
        ranges.push_back({static_cast<std::uintptr_t>(begin), static_cast<std::uintptr_t>(end)});
        if (std::strstr(line, "[stack]"))
            stack = ranges.back();
    }
    std::fclose(maps);
    return ranges;
}

// True when the bytes [address, address + size) lie inside one readable mapping.
bool readable(const std::vector<Range>& ranges, std::uintptr_t address, std::size_t size)
{
    auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                               [](std::uintptr_t a, const Range& r) { return a < r.begin; });
    if (it == ranges.begin())
        return false;
    --it;
    return address >= it->begin && address + size <= it->end && address + size > address;
}

// Python/pyarena.c of 3.11 (release build): the two structs, as laid out there.
struct ArenaBlock
{
    std::size_t size;
    std::size_t offset;
    ArenaBlock* next;
    void* memory; // just past this header
};
struct Arena
{
    ArenaBlock* head;
    ArenaBlock* current;
    PyObject* objects;
};

// The scan below reads words of the stack that are not pointers at all and follows those that point
// into readable memory, freed heap blocks included: by design, so neither AddressSanitizer nor
// ThreadSanitizer instruments these reads (they would report them as uses after free).
#define LEAKSCOPE_UNCHECKED_READS __attribute__((no_sanitize("address", "thread")))

LEAKSCOPE_UNCHECKED_READS bool looksLikeBlock(const std::vector<Range>& ranges, const ArenaBlock* block)
{
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    return address % alignof(ArenaBlock) == 0 && readable(ranges, address, sizeof(ArenaBlock))
        && block->memory == static_cast<const void*>(block + 1);
}

} // namespace

LEAKSCOPE_UNCHECKED_READS void explainParserArenas(ExplainContext& context)
{
    std::unordered_set<std::uintptr_t> lists;
    for (const ObjectIndex index : context.candidates()) {
        if (!context.isExplained(index) && context.typeOf(index) == &PyList_Type)
            lists.insert(reinterpret_cast<std::uintptr_t>(context.object(index)));
    }
    if (lists.empty())
        return;
    Range stack{0, 0};
    const std::vector<Range> ranges = readableMappings(stack);
    if (stack.end <= stack.begin)
        return;
    for (std::uintptr_t word = stack.begin; word + sizeof(void*) <= stack.end; word += sizeof(void*)) {
        const std::uintptr_t value = *reinterpret_cast<const std::uintptr_t*>(word);
        if (value % alignof(Arena) != 0 || !readable(ranges, value, sizeof(Arena)))
            continue;
        const auto* arena = reinterpret_cast<const Arena*>(value);
        const auto objects = reinterpret_cast<std::uintptr_t>(arena->objects);
        if (lists.count(objects) == 0 || !looksLikeBlock(ranges, arena->head) || !looksLikeBlock(ranges, arena->current))
            continue;
        char detail[200];
        std::snprintf(detail, sizeof detail,
                      "the objects list of the parser arena at 0x%" PRIxPTR
                      " of the running __main__ code: PyRun_File/PyRun_String keep it on the main thread's C stack"
                      " until that code returns",
                      value);
        context.explain(arena->objects, ExplanationKind::Frame, detail);
        lists.erase(objects);
        if (lists.empty())
            return;
    }
}

} // namespace leakscope::capture
