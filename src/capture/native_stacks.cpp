#include <Python.h>

#include "native_stacks.h"

#include "type_origin.h"
#include "pyobject_access.h"

#include <dlfcn.h>

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace leakscope::capture {

namespace {

// The evaluation loop: an allocation made under it was asked for by Python code, which the loop's
// frame stands for.
constexpr std::string_view kEvalLoop = "_PyEval_EvalFrameDefault";

const void* libraryBase(std::uintptr_t address)
{
    Dl_info info{};
    return dladdr(reinterpret_cast<void*>(address), &info) ? info.dli_fbase : nullptr;
}

class StackWriter
{
public:
    StackWriter(SnapshotColumns& columns, StringPoolBuilder& strings, const NativeTraceSource& traces)
        : m_columns(columns)
        , m_strings(strings)
        , m_traces(traces)
        , m_libpython(libraryBase(reinterpret_cast<std::uintptr_t>(&PyObject_Malloc)))
    {
    }

    // The snapshot's stack index for the recorder's stack id.
    std::uint32_t stackFor(NativeStackId id)
    {
        auto [it, inserted] = m_stacks.try_emplace(id, 0);
        if (!inserted)
            return it->second;
        const auto index = static_cast<std::uint32_t>(m_columns.nativeStackOffsets.size() - 1);
        it->second = index;
        bool folding = true;
        std::uint32_t folded = 0;
        for (const std::uintptr_t address : m_traces.frames(id)) {
            const Described& described = describe(address);
            if (folding && !described.foldable)
                folding = false;
            for (std::uint32_t f = described.first; f < described.first + described.count; ++f)
                m_columns.nativeStackFrames.push_back(f);
            if (folding)
                folded += described.count;
        }
        // Every frame folded means the stack never left the allocator (cut by the depth): show it all.
        if (folding)
            folded = 0;
        m_columns.nativeStackFolded.push_back(
            static_cast<std::uint16_t>(std::min<std::uint32_t>(folded, std::numeric_limits<std::uint16_t>::max())));
        m_columns.nativeStackOffsets.push_back(static_cast<std::uint32_t>(m_columns.nativeStackFrames.size()));
        return index;
    }

private:
    struct Described
    {
        std::uint32_t first = 0; // its frames in nativeFrames
        std::uint32_t count = 0;
        bool foldable = false; // libpython's, and not its evaluation loop
    };

    const Described& describe(std::uintptr_t address)
    {
        auto [it, inserted] = m_described.try_emplace(address);
        if (!inserted)
            return it->second;
        Described& d = it->second;
        const std::vector<CodeLocation>& locations = OriginResolver::instance().describeReturnAddress(address);
        d.first = static_cast<std::uint32_t>(m_columns.nativeFrames.size());
        for (const CodeLocation& location : locations) {
            NativeFrame frame;
            frame.address = address;
            frame.function = m_strings.intern(location.function);
            frame.library = m_strings.intern(location.library);
            frame.file = m_strings.intern(location.file);
            frame.line = location.line;
            frame.flags = location.inlined ? std::uint32_t(NativeFrameInlined) : 0u;
            m_columns.nativeFrames.push_back(frame);
        }
        d.count = static_cast<std::uint32_t>(locations.size());
        const bool inLibpython = m_libpython && libraryBase(address) == m_libpython;
        d.foldable = inLibpython && (locations.empty() || locations.back().function != kEvalLoop);
        return d;
    }

    SnapshotColumns& m_columns;
    StringPoolBuilder& m_strings;
    const NativeTraceSource& m_traces;
    const void* m_libpython;
    std::unordered_map<NativeStackId, std::uint32_t> m_stacks;
    std::unordered_map<std::uintptr_t, Described> m_described;
};

} // namespace

void recordNativeStacks(SnapshotColumns& columns, StringPoolBuilder& strings,
                        const std::vector<ObjectIndex>& candidates, const NativeTraceSource& traces)
{
    columns.info.nativeTraceDepth = traces.depth();
    StackWriter writer(columns, strings, traces);
    for (const ObjectIndex i : candidates) { // sorted: owners come out sorted
        auto* object = reinterpret_cast<PyObject*>(static_cast<std::uintptr_t>(columns.address[i]));
        const NativeStackId id = traces.stackOf(reinterpret_cast<const void*>(allocationStart(object)));
        if (id == kNoNativeStack)
            continue;
        columns.nativeOwners.push_back(i);
        columns.nativeStackOf.push_back(writer.stackFor(id));
    }
}

} // namespace leakscope::capture
