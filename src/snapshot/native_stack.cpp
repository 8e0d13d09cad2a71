#include "native_stack.h"

#include "analysis.h"
#include "findings.h" // libraryBaseName

#include <algorithm>
#include <unordered_map>

namespace leakscope {

NativeCreator nativeCreator(const Snapshot& snapshot, ObjectIndex object)
{
    NativeCreator creator;
    const std::span<const std::uint32_t> stack = snapshot.nativeStack(object);
    if (stack.empty())
        return creator;
    creator.hasStack = true;
    const std::size_t folded = std::min<std::size_t>(snapshot.nativeStackFolded(object), stack.size());
    if (folded > 0)
        creator.under = snapshot.string(snapshot.nativeFrame(stack[folded - 1]).function);
    if (folded < stack.size())
        creator.frame = stack[folded];
    return creator;
}

std::span<const std::uint32_t> nativeShownFrames(const Snapshot& snapshot, ObjectIndex object, bool includeFolded)
{
    const std::span<const std::uint32_t> stack = snapshot.nativeStack(object);
    if (includeFolded)
        return stack;
    return stack.subspan(std::min<std::size_t>(snapshot.nativeStackFolded(object), stack.size()));
}

ObjectIndex firstWithNativeStack(const Snapshot& snapshot, std::span<const ObjectIndex> objects)
{
    if (snapshot.nativeStackCount() == 0)
        return kNoObject;
    for (ObjectIndex o : objects) {
        if (!snapshot.nativeStack(o).empty())
            return o;
    }
    return kNoObject;
}

std::string nativeFrameSource(const Snapshot& snapshot, const NativeFrame& frame, bool fullPath)
{
    const std::string_view file = snapshot.string(frame.file);
    if (file.empty())
        return {};
    std::string text(fullPath ? file : libraryBaseName(file));
    if (frame.line != 0)
        text += ':' + std::to_string(frame.line);
    return text;
}

std::string formatNativeFrame(const Snapshot& snapshot, const NativeFrame& frame)
{
    const std::string_view function = snapshot.string(frame.function);
    std::string text = function.empty() ? std::string("??") : std::string(function);
    if (const std::string source = nativeFrameSource(snapshot, frame); !source.empty())
        text += " at " + source;
    else if (function.empty())
        text += " at " + formatAddress(frame.address);
    if (const std::string_view library = snapshot.string(frame.library); !library.empty()) {
        text += " (";
        text += libraryBaseName(library);
        text += ')';
    }
    if (frame.flags & NativeFrameInlined)
        text += " [inlined]";
    return text;
}

std::vector<CreatorRow> creatorSummary(const HeapAnalysis& analysis, std::span<const ObjectIndex> objects)
{
    const Snapshot& s = analysis.snapshot();
    std::vector<CreatorRow> rows;
    const SnapshotColumns& c = s.columns();
    const std::size_t stacks = s.nativeStackCount();
    if (stacks == 0)
        return rows;
    // Keyed by (function, library), or by address for a frame without a symbol: the same function
    // reached through different call sites is one creator. Decided once per stack, not per object.
    struct Key
    {
        std::uint64_t a;
        std::uint64_t b;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash
    {
        std::size_t operator()(const Key& k) const
        {
            return std::hash<std::uint64_t>()(k.a * 0x9e3779b97f4a7c15ULL ^ k.b);
        }
    };
    constexpr std::uint32_t kUndecided = UINT32_MAX - 1;
    constexpr std::uint32_t kUnknown = UINT32_MAX;
    std::vector<std::uint32_t> rowOfStack(stacks, kUndecided);
    std::unordered_map<Key, std::uint32_t, KeyHash> rowOf;
    CreatorRow unknown;
    const auto rowForStack = [&](std::uint32_t stack) {
        std::uint32_t& row = rowOfStack[stack];
        if (row != kUndecided)
            return row;
        const std::uint32_t begin = c.nativeStackOffsets[stack], end = c.nativeStackOffsets[stack + 1];
        const std::uint32_t first = begin + std::min<std::uint32_t>(c.nativeStackFolded[stack], end - begin);
        if (first == end)
            return row = kUnknown; // every frame is the allocator's
        const std::uint32_t frameIndex = c.nativeStackFrames[first];
        const NativeFrame& frame = c.nativeFrames[frameIndex];
        const Key key = frame.function != 0 ? Key{frame.function, std::uint64_t(frame.library) | 1ULL << 32}
                                            : Key{frame.address, 0};
        auto [it, added] = rowOf.try_emplace(key, static_cast<std::uint32_t>(rows.size()));
        if (added) {
            CreatorRow& fresh = rows.emplace_back();
            fresh.frame = frameIndex;
            fresh.function = frame.function;
            fresh.library = frame.library;
            fresh.file = frame.file;
            fresh.line = frame.line;
            fresh.address = frame.address;
        }
        return row = it->second;
    };
    // Objects in increasing order (the candidates are) walk along the owners; others are looked up.
    const std::vector<ObjectIndex>& owners = c.nativeOwners;
    std::size_t at = 0;
    ObjectIndex previous = 0;
    for (ObjectIndex object : objects) {
        if (object < previous)
            at = 0;
        previous = object;
        if (at < owners.size() && owners[at] < object)
            at = static_cast<std::size_t>(std::lower_bound(owners.begin() + at, owners.end(), object) - owners.begin());
        const bool hasStack = at < owners.size() && owners[at] == object;
        const std::uint32_t row = hasStack ? rowForStack(c.nativeStackOf[at]) : kUnknown;
        CreatorRow& target = row == kUnknown ? unknown : rows[row];
        ++target.objects;
        target.suspects += analysis.isSuspect(object) ? 1 : 0;
        target.bytes += s.size(object);
        target.members.push_back(object);
    }
    std::sort(rows.begin(), rows.end(), [&s](const CreatorRow& x, const CreatorRow& y) {
        if (x.suspects != y.suspects)
            return x.suspects > y.suspects;
        if (x.bytes != y.bytes)
            return x.bytes > y.bytes;
        if (x.objects != y.objects)
            return x.objects > y.objects;
        const std::string_view fx = s.string(x.function), fy = s.string(y.function);
        if (fx != fy)
            return fx < fy;
        return x.address < y.address;
    });
    if (unknown.objects > 0)
        rows.push_back(std::move(unknown));
    return rows;
}

} // namespace leakscope
