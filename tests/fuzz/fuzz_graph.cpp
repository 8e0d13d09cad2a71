#include "fuzz_graph.h"

#include <map>

namespace leakscope::fuzz {

namespace {

constexpr std::uint64_t kTwo32 = std::uint64_t(1) << 32;

// Registers types by name in order of first use.
class TypeTable
{
public:
    explicit TypeTable(SnapshotColumns& columns, StringPoolBuilder& strings)
        : m_columns(columns)
        , m_strings(strings)
    {
    }

    TypeIndex operator()(const std::string& name)
    {
        const auto [it, added] = m_index.try_emplace(name, static_cast<TypeIndex>(m_columns.types.size()));
        if (added) {
            const auto dot = name.rfind('.');
            const std::string module = dot == std::string::npos ? "builtins" : name.substr(0, dot);
            const std::string qualname = dot == std::string::npos ? name : name.substr(dot + 1);
            TypeRecord record;
            record.name = m_strings.intern(name);
            record.module = m_strings.intern(module);
            record.qualname = m_strings.intern(qualname);
            record.address = 0x7f5500100000ULL + 0x400ULL * it->second;
            record.flags = module == "builtins" ? GcType : (HeapType | GcType);
            m_columns.types.push_back(record);
        }
        return it->second;
    }

private:
    SnapshotColumns& m_columns;
    StringPoolBuilder& m_strings;
    std::map<std::string, TypeIndex> m_index;
};

} // namespace

SnapshotColumns graphColumns(const std::vector<GraphObject>& objects)
{
    SnapshotColumns c;
    StringPoolBuilder strings;
    TypeTable types(c, strings);
    for (ObjectIndex i = 0; i < objects.size(); ++i) {
        const GraphObject& object = objects[i];
        c.appendObject(0x7f0000001000ULL + 0x40ULL * i, types(object.type), 56, 1, object.gc ? GcTracked : 0);
        c.edges.insert(c.edges.end(), object.edges.begin(), object.edges.end());
        c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
        c.reprBlob += object.repr;
        c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
        if (!object.explanation.empty()) {
            const StringId kind = strings.intern(object.explanation);
            c.explanations.push_back({i, kind, kind});
        }
    }
    c.strings = strings.take();
    c.info.pythonVersion = "3.11.2";
    return c;
}

SnapshotColumns featureColumns()
{
    SnapshotColumns c;
    StringPoolBuilder strings;
    TypeTable types(c, strings);
    types("builtins.type");
    types("unused.Type"); // a type no object has

    struct Row
    {
        const char* type;
        std::uint64_t size;
        std::uint64_t refcount;
        std::uint8_t flags;
        std::vector<ObjectIndex> edges;
        std::vector<const char*> labels; // empty, or one per edge
        const char* repr;
    };
    const Row rows[] = {
        {"builtins.list", 88, kTwo32 + 5, GcTracked, {1, 1, 3, 0}, {}, "['caf\xc3\xa9', '\xe6\x97\xa5\xe6\x9c\xac']"},
        {"mod.Big", kTwo32 * 5, 3, GcTracked, {2}, {".__dict__"}, ""},
        {"builtins.dict", kTwo32 * 4, kTwo32 * 8, GcTracked, {0, 2}, {"['caf\xc3\xa9']", ""}, "{}"},
        {"builtins.int", 28, 1000, 0, {}, {}, "42"},
        {"pkg.sub.Klass", 48, 1, GcTracked, {}, {}, ""},
        {"builtins.str", UINT32_MAX, UINT32_MAX - 1, 0, {}, {}, "'\xf0\x9f\x90\x8d'"},
        {"builtins.tuple", 40, 1, UntrackedOrphan, {}, {}, "(1, 2)"},
        {"builtins.function", 136, 2, GcTracked, {4}, {"['__wrapped__']"}, ""},
    };
    for (ObjectIndex i = 0; i < std::size(rows); ++i) {
        const Row& row = rows[i];
        const std::uint64_t address = i == 4 ? 0xfffffffffffffff0ULL : 0x7f0000001000ULL + 0x40ULL * i;
        c.appendObject(address, types(row.type), row.size, row.refcount, row.flags);
        if (!row.labels.empty()) {
            c.labelOwners.push_back(i);
            c.labelStarts.push_back(static_cast<std::uint32_t>(c.labels.size()));
            for (const char* label : row.labels)
                c.labels.push_back(strings.intern(label));
        }
        c.edges.insert(c.edges.end(), row.edges.begin(), row.edges.end());
        c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
        c.reprBlob += row.repr;
        c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
    }

    // tracemalloc tracebacks of objects 0 and 4 (4's is empty) and 5.
    const auto frame = [&](const char* file, std::uint32_t line, const char* function) {
        c.allocFrames.push_back({strings.intern(file), line, strings.intern(function)});
    };
    c.allocOwners = {0, 4, 5};
    frame("/srv/app/jobs.py", 42, "Jobs.add");
    frame("caf\xc3\xa9.py", 7, "<module>");
    c.allocOffsets.push_back(static_cast<std::uint32_t>(c.allocFrames.size()));
    c.allocOffsets.push_back(static_cast<std::uint32_t>(c.allocFrames.size()));
    frame("<string>", 1, "");
    c.allocOffsets.push_back(static_cast<std::uint32_t>(c.allocFrames.size()));
    c.info.tracemallocDepth = 4;

    // Native stacks: objects 0 and 4 share stack 0 (two folded allocator frames, an inlined frame and
    // its caller), object 2 has stack 1 (an unnamed frame), object 6 (the orphan) stack 2.
    const std::string libpython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
    const std::string lib = "/usr/lib/python3/dist-packages/mod/_big.cpython-311-x86_64-linux-gnu.so";
    const auto nativeFrame = [&](std::uint64_t address, const char* function, const std::string& library,
                                 const char* file, std::uint32_t line, std::uint32_t flags) {
        c.nativeFrames.push_back({address, strings.intern(function), strings.intern(library), strings.intern(file),
                                  line, flags});
        c.nativeStackFrames.push_back(static_cast<std::uint32_t>(c.nativeFrames.size() - 1));
    };
    nativeFrame(0x7f5500000100ULL, "PyObject_Malloc", libpython, "", 0, 0);
    nativeFrame(0x7f5500000200ULL, "_PyObject_GC_New", libpython, "Modules/gcmodule.c", 2290, 0);
    nativeFrame(0x7f5500003000ULL, "big_cache_entry", lib, "src/caf\xc3\xa9.c", 47, NativeFrameInlined);
    nativeFrame(0x7f5500003000ULL, "big_cache_fill", lib, "src/big.c", 130, 0);
    c.nativeStackOffsets.push_back(static_cast<std::uint32_t>(c.nativeStackFrames.size()));
    c.nativeStackFolded.push_back(2);
    nativeFrame(0x7f5500004321ULL, "", lib, "", 0, 0);
    nativeFrame(0x7f5500004400ULL, "big_init", lib, "src/big.c", 12, 0);
    c.nativeStackOffsets.push_back(static_cast<std::uint32_t>(c.nativeStackFrames.size()));
    c.nativeStackFolded.push_back(0);
    c.nativeStackFrames.push_back(0); // frames may be shared between stacks
    c.nativeStackOffsets.push_back(static_cast<std::uint32_t>(c.nativeStackFrames.size()));
    c.nativeStackFolded.push_back(1);
    c.nativeOwners = {0, 2, 4, 6};
    c.nativeStackOf = {0, 1, 0, 2};
    c.info.nativeTraceDepth = 16;

    TypeRecord& big = c.types[types("mod.Big")];
    big.library = strings.intern(lib);
    big.symbol = strings.intern("Big_Type");
    big.source = strings.intern("src/big.c:88");
    strings.intern("an unused string");

    const StringId startup = strings.intern("startup");
    const StringId held = strings.intern("code-constant");
    c.explanations = {{4, startup, strings.intern("created while the interpreter started")},
                      {7, held, strings.intern("a constant of <code f>"), 0, 24}};

    c.strings = strings.take();
    c.info.pythonVersion = "3.11.2";
    c.info.label = "feature snapshot \xe2\x80\x94 every column";
    c.info.captureSeconds = 0.25;
    c.info.capturedAtMs = 1765000000000;
    c.info.pid = 4242;
    return c;
}

} // namespace leakscope::fuzz
