#include "test_graph.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace leakscope::test {

namespace {

class TypeTable
{
public:
    TypeTable(SnapshotColumns& columns, StringPoolBuilder& strings)
        : m_columns(columns)
        , m_strings(strings)
    {
    }

    TypeIndex indexOf(const std::string& name)
    {
        auto [it, inserted] = m_index.try_emplace(name, static_cast<TypeIndex>(m_columns.types.size()));
        if (inserted) {
            const auto dot = name.rfind('.');
            TypeRecord record;
            record.name = m_strings.intern(dot == std::string::npos ? "builtins." + name : name);
            record.module = m_strings.intern(dot == std::string::npos ? std::string("builtins") : name.substr(0, dot));
            record.qualname = m_strings.intern(dot == std::string::npos ? name : name.substr(dot + 1));
            record.address = 0x5500000000ULL + 0x400ULL * it->second;
            const bool builtin = dot == std::string::npos || name.compare(0, dot, "builtins") == 0;
            record.flags = builtin ? 0 : HeapType;
            m_columns.types.push_back(record);
        }
        return it->second;
    }

private:
    SnapshotColumns& m_columns;
    StringPoolBuilder& m_strings;
    std::unordered_map<std::string, TypeIndex> m_index;
};

} // namespace

SnapshotColumns buildColumns(const GraphSpec& spec)
{
    SnapshotColumns c;
    StringPoolBuilder strings;
    TypeTable types(c, strings);
    for (const std::string& name : spec.types)
        types.indexOf(name);

    for (std::size_t k = 0; k < spec.objects.size(); ++k) {
        const Obj& o = spec.objects[k];
        const auto index = static_cast<ObjectIndex>(k);
        c.appendObject(o.address ? o.address : defaultAddress(index), types.indexOf(o.type), o.size, o.refcount,
                       o.gc ? GcTracked : (o.untrackedOrphan ? UntrackedOrphan : 0));
        c.edges.insert(c.edges.end(), o.edges.begin(), o.edges.end());
        c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
        if (!o.labels.empty()) {
            c.labelOwners.push_back(index);
            c.labelStarts.push_back(static_cast<std::uint32_t>(c.labels.size()));
            for (const std::string& label : o.labels)
                c.labels.push_back(strings.intern(label));
        }
        c.reprBlob += o.repr;
        c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
    }

    std::vector<Expl> explanations = spec.explanations;
    std::stable_sort(explanations.begin(), explanations.end(),
                     [](const Expl& a, const Expl& b) { return a.object < b.object; });
    for (const Expl& e : explanations)
        c.explanations.push_back({e.object, strings.intern(e.kind), strings.intern(e.detail), e.holder, e.holderOffset});

    for (const Alloc& a : spec.allocations) {
        c.allocOwners.push_back(a.object);
        for (const auto& [file, line] : a.frames)
            c.allocFrames.push_back({strings.intern(file), line});
        c.allocOffsets.push_back(static_cast<std::uint32_t>(c.allocFrames.size()));
    }
    std::map<std::vector<std::uint32_t>, std::uint32_t> stackIndex;
    std::map<std::tuple<std::uint64_t, StringId, StringId, StringId, std::uint32_t, std::uint32_t>, std::uint32_t>
        frameIndex;
    std::uint32_t deepest = 0;
    for (const NativeAlloc& a : spec.nativeStacks) {
        std::vector<std::uint32_t> frames;
        for (std::size_t k = 0; k < a.frames.size(); ++k) {
            const NativeFrameSpec& f = a.frames[k];
            const NativeFrame frame{f.address ? f.address : 0x7f5500001000ULL + 0x10ULL * f.line + k,
                                    strings.intern(f.function), strings.intern(f.library), strings.intern(f.file),
                                    f.line, f.inlined ? std::uint32_t(NativeFrameInlined) : 0u};
            const auto key = std::make_tuple(frame.address, frame.function, frame.library, frame.file, frame.line,
                                             frame.flags);
            auto [it, added] = frameIndex.try_emplace(key, static_cast<std::uint32_t>(c.nativeFrames.size()));
            if (added)
                c.nativeFrames.push_back(frame);
            frames.push_back(it->second);
        }
        frames.push_back(a.folded); // the folded count is part of what makes two stacks one
        auto [it, added] = stackIndex.try_emplace(frames, static_cast<std::uint32_t>(c.nativeStackFolded.size()));
        if (added) {
            c.nativeStackFrames.insert(c.nativeStackFrames.end(), frames.begin(), frames.end() - 1);
            c.nativeStackOffsets.push_back(static_cast<std::uint32_t>(c.nativeStackFrames.size()));
            c.nativeStackFolded.push_back(a.folded);
        }
        c.nativeOwners.push_back(a.object);
        c.nativeStackOf.push_back(it->second);
        deepest = std::max(deepest, static_cast<std::uint32_t>(a.frames.size()));
    }
    c.info.nativeTraceDepth = spec.nativeTraceDepth ? spec.nativeTraceDepth : deepest;
    for (const Origin& o : spec.origins) {
        TypeRecord& record = c.types[types.indexOf(o.type)];
        record.library = strings.intern(o.library);
        record.symbol = strings.intern(o.symbol);
        record.source = strings.intern(o.source);
    }

    c.strings = strings.take();
    c.info.pythonVersion = spec.pythonVersion;
    c.info.label = "synthetic";
    return c;
}

} // namespace leakscope::test
