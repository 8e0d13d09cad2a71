#pragma once

// A series of snapshots of one workload for the growth tests: snapshot 0 after the warm-up, then one
// per measured round (kGrowthRounds of them), the findings worked out by hand:
//   every snapshot: a root dict (explained) holding a list, a cache and some fixtures;
//   the cache gains one reference per round that no referrer accounts for (surplus 2, 3, 4, 5):
//     an object whose references grow;
//   the list holds one more app.Item per round (2 + k of them): a growing type, every object referenced;
//   one more app.Leak per round that nothing refers to (1 + k of them, Leak(0) from the warm-up): a
//     type whose objects leak in every round, Leak(kGrowthRounds) the leaked object of the last round;
//   app.Fixture objects fill once, in round 1 (3, then 5 for good): not reported.
// Objects keep their addresses across the series, as in one process.

#include "snapshot/test_graph.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace leakscope::test {

inline constexpr int kGrowthRounds = 3;

enum : std::uint64_t {
    kGrowthRoot = 0x30000,
    kGrowthList = 0x30100,
    kGrowthCache = 0x30200,
    kGrowthFixture = 0x31000, // + 0x40 each
    kGrowthItem = 0x32000, // + 0x40 each
    kGrowthLeak = 0x33000, // + 0x40 each
};

// Snapshot k of the series (0: the baseline).
inline GraphSpec growthSpec(int k)
{
    GraphSpec spec;
    spec.types = {"builtins.dict", "builtins.list", "app.Cache", "app.Fixture", "app.Item", "app.Leak"};
    const int fixtures = k == 0 ? 3 : 5;
    const int items = 2 + k;
    const int leaks = 1 + k;
    const ObjectIndex firstFixture = 3;
    const ObjectIndex firstItem = firstFixture + static_cast<ObjectIndex>(fixtures);

    Obj root{.type = "builtins.dict", .refcount = 1, .size = 640, .edges = {1, 2}, .address = kGrowthRoot};
    for (int f = 0; f < fixtures; ++f)
        root.edges.push_back(firstFixture + static_cast<ObjectIndex>(f));
    Obj list{.type = "builtins.list", .refcount = 1, .size = 88, .repr = "[...]", .address = kGrowthList};
    for (int i = 0; i < items; ++i)
        list.edges.push_back(firstItem + static_cast<ObjectIndex>(i));
    spec.objects.push_back(root);
    spec.objects.push_back(list);
    spec.objects.push_back({.type = "app.Cache",
        .refcount = static_cast<std::uint64_t>(3 + k), // 1 referrer, surplus 2 + k
        .size = 64,
        .repr = "Cache()",
        .address = kGrowthCache});
    for (int f = 0; f < fixtures; ++f) {
        spec.objects.push_back({.type = "app.Fixture",
            .size = 32,
            .repr = "Fixture(" + std::to_string(f) + ")",
            .address = kGrowthFixture + 0x40u * static_cast<std::uint64_t>(f)});
    }
    for (int i = 0; i < items; ++i) {
        spec.objects.push_back({.type = "app.Item",
            .size = 48,
            .repr = "Item(" + std::to_string(i) + ")",
            .address = kGrowthItem + 0x40u * static_cast<std::uint64_t>(i)});
    }
    for (int l = 0; l < leaks; ++l) {
        spec.objects.push_back({.type = "app.Leak",
            .size = 56,
            .repr = "Leak(" + std::to_string(l) + ")",
            .address = kGrowthLeak + 0x40u * static_cast<std::uint64_t>(l)});
    }
    spec.explanations = {{0, "interpreter-root", "a module's dict"}};
    return spec;
}

inline SnapshotPtr growthSnapshot(int k)
{
    return std::make_shared<const Snapshot>(buildColumns(growthSpec(k)));
}

// A series in which nothing grows in every round: snapshot 1 of the one above (the fixtures already
// filled) every time.
inline SnapshotPtr flatSnapshot()
{
    return growthSnapshot(1);
}

} // namespace leakscope::test
