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

const char* const typeNames[] = {
    "builtins.dict", "builtins.list",   "builtins.tuple",  "builtins.set",    "builtins.function",
    "ext.Leaky",     "ext.Buffer",      "ext.Node",        "pkg.model.Item",  "pkg.model.Widget",
    "pkg.io.Stream", "pkg.io.Reader",   "pkg.cache.Entry", "pkg.cache.Store", "app.Session",
    "app.Request",   "app.Response",    "app.Handler",     "app.Config",      "app.Plugin"};
const char* const explanationKinds[] = {"static-type-dict", "module-state", "interpreter-root", "code-constant",
                                        "frame-local"};

// The types above, then extra ones: builtins from libpython, ext.* from an extension, the rest classes
// defined in Python.
void addTypes(SnapshotColumns& c, StringPoolBuilder& strings, std::vector<const char*> extra = {})
{
    const StringId libpython = strings.intern("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0");
    const StringId extension = strings.intern("/opt/pkg/ext.cpython-311-x86_64-linux-gnu.so");
    std::vector<const char*> names(std::begin(typeNames), std::end(typeNames));
    names.insert(names.end(), extra.begin(), extra.end());
    for (const char* name : names) {
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
}

// A repr of about 40 characters for object i of a type named name, or none (the default form) one
// time in ten.
void appendRepr(SnapshotColumns& c, Lcg& random, std::size_t i, const char* name)
{
    if (random.next() % 10 != 0) {
        char buffer[96];
        const int n = std::snprintf(buffer, sizeof buffer, "%s(id=%zu, name='item-%u', state=%s)",
                                    std::strrchr(name, '.') + 1, i, random.next() % 100000,
                                    random.next() % 2 ? "open" : "closed");
        c.reprBlob.append(buffer, static_cast<std::size_t>(n));
    }
    c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
}

} // namespace

SnapshotPtr syntheticSnapshot(std::size_t candidates)
{
    SnapshotColumns c;
    StringPoolBuilder strings;
    addTypes(c, strings);
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

SnapshotPtr syntheticObjectGraph(std::size_t objects)
{
    SnapshotColumns c;
    StringPoolBuilder strings;
    addTypes(c, strings, {"builtins.int"});
    const auto untrackedType = static_cast<TypeIndex>(std::size(typeNames));
    Lcg random;
    c.reprBlob.reserve(objects * 42);
    for (std::size_t i = 0; i < objects; ++i) {
        const std::size_t position = i % 3;
        // The candidate refers to the next two objects, when there are two.
        const bool holder = position == 0 && i + 2 < objects;
        const bool tracked = position != 2;
        const auto type = tracked ? static_cast<TypeIndex>(random.next() % std::size(typeNames)) : untrackedType;
        std::uint64_t refcount = position == 0 ? 1 + random.next() % 3 : 1;
        if (position != 0 && random.next() % 50 == 0)
            refcount += 1 + random.next() % 3; // leaked, or held by C code
        if (position == 2 && random.next() % 1000 == 0)
            refcount = 999999999 - random.next() % 1000; // a small int, static in 3.11
        c.appendObject(0x7f0000000000ULL + 0x40ULL * i, type, 16 + random.next() % 10000, refcount,
                       tracked ? GcTracked : 0);
        if (holder) {
            c.edges.push_back(static_cast<ObjectIndex>(i + 1));
            c.edges.push_back(static_cast<ObjectIndex>(i + 2));
        }
        c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
        appendRepr(c, random, i, tracked ? typeNames[type] : "builtins.int");
        if (position == 0 && random.next() % 3 == 0) {
            const char* kind = explanationKinds[random.next() % std::size(explanationKinds)];
            c.explanations.push_back({static_cast<ObjectIndex>(i), strings.intern(kind),
                                      strings.intern(std::string("held by ") + typeNames[type])});
        }
    }
    c.strings = strings.take();
    return std::make_shared<const Snapshot>(std::move(c));
}

} // namespace leakscope::bench
