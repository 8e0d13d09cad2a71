#include "synthetic_snapshot.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace leakscope::bench {

namespace {

struct Lcg
{
    std::uint64_t state = 0x9e3779b97f4a7c15ULL;
    std::uint32_t next()
    {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::uint32_t>(state >> 33);
    }
};

} // namespace

SnapshotPtr syntheticSnapshot(std::size_t candidates)
{
    static const char* const typeNames[] = {
        "builtins.dict", "builtins.list",   "builtins.tuple",  "builtins.set",    "builtins.function",
        "ext.Leaky",     "ext.Buffer",      "ext.Node",        "pkg.model.Item",  "pkg.model.Widget",
        "pkg.io.Stream", "pkg.io.Reader",   "pkg.cache.Entry", "pkg.cache.Store", "app.Session",
        "app.Request",   "app.Response",    "app.Handler",     "app.Config",      "app.Plugin"};
    static const char* const explanationKinds[] = {"static-type-dict", "module-state", "interpreter-root",
                                                   "code-constant", "frame-local"};
    SnapshotColumns c;
    StringPoolBuilder strings;
    // Builtins from libpython, ext.* from an extension, the rest classes defined in Python.
    const StringId libpython = strings.intern("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0");
    const StringId extension = strings.intern("/opt/pkg/ext.cpython-311-x86_64-linux-gnu.so");
    for (const char* name : typeNames) {
        const std::string full = name;
        const auto dot = full.rfind('.');
        TypeRecord type{strings.intern(full), strings.intern(full.substr(0, dot)), strings.intern(full.substr(dot + 1)),
                        0x5500000000ULL + 0x400ULL * c.types.size(), 0};
        if (full.starts_with("builtins."))
            type.library = libpython;
        else if (full.starts_with("ext."))
            type.library = extension;
        c.types.push_back(type);
    }
    Lcg random;
    std::string repr;
    c.reprBlob.reserve(candidates * 42);
    for (std::size_t i = 0; i < candidates; ++i) {
        const auto type = static_cast<TypeIndex>(random.next() % std::size(typeNames));
        c.appendObject(0x7f0000000000ULL + 0x40ULL * i, type, 16 + random.next() % 10000, random.next() % 50, GcTracked);
        c.edgeOffsets.push_back(0);
        if (random.next() % 10 != 0) { // a tenth keep the default "<module.Type at 0x…>" repr
            const char* name = std::strrchr(typeNames[type], '.') + 1;
            char buffer[96];
            const int n = std::snprintf(buffer, sizeof buffer, "%s(id=%zu, name='item-%u', state=%s)", name, i,
                                        random.next() % 100000, random.next() % 2 ? "open" : "closed");
            c.reprBlob.append(buffer, static_cast<std::size_t>(n));
        }
        c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
        if (random.next() % 3 == 0) {
            const char* kind = explanationKinds[random.next() % std::size(explanationKinds)];
            c.explanations.push_back({static_cast<ObjectIndex>(i), strings.intern(kind),
                                      strings.intern(std::string("held by ") + typeNames[type])});
        }
    }
    c.strings = strings.take();
    return std::make_shared<const Snapshot>(std::move(c));
}

} // namespace leakscope::bench
