#pragma once

// Two snapshots of one process for the comparison's tests, their deltas worked out by hand:
//   A: a root dict (explained) holding a cache and a list; an old suspect; two floats held by nothing
//      (not gc-tracked, so no candidates).
//   B: the same root, list and old suspect; the cache with five references more and no more
//      referrers (growth +5), the list with two (growth +2); the floats freed; three new jobs held by
//      nothing: new suspects.
// Types: app.Job +3 (3 new), builtins.float -2 (2 freed); the others unchanged.

#include "snapshot/test_graph.h"

#include <memory>

namespace leakscope::test {

enum : std::uint64_t {
    kCompareRoot = 0x20000,
    kCompareCache = 0x20100,
    kCompareList = 0x20200,
    kCompareOld = 0x20300,
    kCompareFloat = 0x20400, // and + 0x40
    kCompareJob = 0x20500, // and + 0x40, + 0x80
};

inline GraphSpec compareSpecA()
{
    GraphSpec spec;
    spec.types = {"builtins.dict", "app.Cache", "builtins.list", "app.Old", "builtins.float", "app.Job"};
    spec.objects = {
        {.type = "builtins.dict", .refcount = 1, .size = 640, .edges = {1, 2}, .address = kCompareRoot},
        {.type = "app.Cache", .refcount = 2, .size = 64, .repr = "Cache()", .address = kCompareCache},
        {.type = "builtins.list", .refcount = 1, .size = 88, .repr = "[]", .address = kCompareList},
        {.type = "app.Old", .refcount = 1, .size = 32, .repr = "Old()", .address = kCompareOld},
        {.type = "builtins.float", .gc = false, .refcount = 1, .size = 24, .repr = "1.5", .address = kCompareFloat},
        {.type = "builtins.float",
            .gc = false,
            .refcount = 1,
            .size = 24,
            .repr = "2.5",
            .address = kCompareFloat + 0x40},
    };
    spec.explanations = {{0, "interpreter-root", "a module's dict"}};
    return spec;
}

inline GraphSpec compareSpecB()
{
    GraphSpec spec;
    spec.types = {"builtins.dict", "app.Cache", "builtins.list", "app.Old", "builtins.float", "app.Job"};
    spec.objects = {
        {.type = "app.Job", .refcount = 1, .size = 48, .repr = "Job(1)", .address = kCompareJob},
        {.type = "builtins.dict", .refcount = 1, .size = 640, .edges = {2, 3}, .address = kCompareRoot},
        {.type = "app.Cache", .refcount = 2 + 5, .size = 64, .repr = "Cache()", .address = kCompareCache},
        {.type = "builtins.list", .refcount = 1 + 2, .size = 88, .repr = "[]", .address = kCompareList},
        {.type = "app.Old", .refcount = 1, .size = 32, .repr = "Old()", .address = kCompareOld},
        {.type = "app.Job", .refcount = 1, .size = 48, .repr = "Job(2)", .address = kCompareJob + 0x40},
        {.type = "app.Job", .refcount = 1, .size = 48, .repr = "Job(3)", .address = kCompareJob + 0x80},
    };
    spec.explanations = {{1, "interpreter-root", "a module's dict"}};
    return spec;
}

inline SnapshotPtr compareSnapshotA()
{
    return std::make_shared<const Snapshot>(buildColumns(compareSpecA()));
}

inline SnapshotPtr compareSnapshotB()
{
    return std::make_shared<const Snapshot>(buildColumns(compareSpecB()));
}

} // namespace leakscope::test
