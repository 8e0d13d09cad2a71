#pragma once

// A deterministic heap of any size, built straight into columns (no per-object strings, so a
// million objects take a fraction of a second): for tests that need volume rather than features,
// and for the writer program the snapshot file tests kill mid-save. Qt-free.

#include "snapshot/snapshot.h"

#include <cstdio>
#include <string>

namespace leakscope::test {

inline SnapshotColumns syntheticHeap(ObjectIndex objects, const std::string& label)
{
    constexpr TypeIndex kTypeCount = 40;
    SnapshotColumns c;
    StringPoolBuilder strings;
    for (TypeIndex t = 0; t < kTypeCount; ++t) {
        const std::string qualname = "T" + std::to_string(t);
        c.types.push_back({strings.intern("mod." + qualname), strings.intern("mod"), strings.intern(qualname),
                           0x5500000000ULL + 0x400ULL * t, std::uint8_t(t % 2 ? HeapType : 0)});
    }
    const StringId kind = strings.intern("synthetic");
    c.strings = strings.take();
    char repr[32];
    for (ObjectIndex i = 0; i < objects; ++i) {
        c.appendObject(0x7f0000001000ULL + 0x40ULL * i, i % kTypeCount, 16 + i % 200, 1 + i % 5,
                       i % 3 ? GcTracked : 0);
        c.edges.push_back(static_cast<ObjectIndex>((std::uint64_t(i) * 7919 + 1) % objects));
        if (i % 20 < 13)
            c.edges.push_back((i + 1) % objects);
        c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
        if (i % 4 == 0) {
            const int length = std::snprintf(repr, sizeof repr, "'s%08u'", unsigned(i));
            c.reprBlob.append(repr, std::size_t(length));
        }
        c.reprOffsets.push_back(static_cast<std::uint32_t>(c.reprBlob.size()));
        if (i % 1000 == 0)
            c.explanations.push_back({i, kind, kind});
    }
    c.info.pythonVersion = "3.11.2";
    c.info.label = label;
    return c;
}

} // namespace leakscope::test
