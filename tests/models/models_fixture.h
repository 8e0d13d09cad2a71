#pragma once

// A small heap whose candidate rows, sort orders and filter results are worked out by hand in the
// model tests, plus helpers that read a model back as plain values.

#include "models/analyzed_snapshot.h"
#include "models/item_roles.h"
#include "snapshot/test_graph.h"

#include <QtCore/QAbstractItemModel>

#include <memory>
#include <vector>

namespace leakscope::test {

// Type indices pinned by the spec.
enum FixtureType : TypeIndex { Dict, List, Str, Tuple, Int, Leaky, Other, Bytes };

// Objects (candidates marked *, suspects !):
//   0 *! dict   232 B  rc 12  -> 1           "{'key': <ext.Leaky>}"
//   1    Leaky   48 B  rc 2   (held by 0 and 3)
//   2 *! Leaky   48 B  rc 3   at 0x10        default repr "<ext.Leaky at 0x10>"
//   3 *! list   1,000,000 B  rc 1  -> 1, 4   "[1, 2, 3]"
//   4    str     60 B  not gc-tracked        "'hello'"
//   5 *  dict     9 B  rc 100 explained      "{'\u212a': 1}" (KELVIN SIGN)
//   6 *! Other  100 B  rc 0   -> 4           "Other('naïve')"
//   7 *  tuple   10 B  rc 5   -> 8, 8, 8 explained "(1,)"
//   8    int     28 B  not gc-tracked
//   9 *! bytes 5000 B  rc 7                  300 x "x"
// Types' libraries: the builtins libpython, ext.Leaky the extension _ext, ext.Other none (a class
// defined in Python).
inline constexpr const char* kLibpython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
inline constexpr const char* kExtLibrary = "/opt/ext/_ext.cpython-311-x86_64-linux-gnu.so";

inline GraphSpec fixtureSpec()
{
    GraphSpec spec;
    spec.types = {"builtins.dict", "builtins.list", "builtins.str", "builtins.tuple",
                  "builtins.int",  "ext.Leaky",     "ext.Other",    "builtins.bytes"};
    spec.objects = {
        {.type = "builtins.dict", .refcount = 12, .size = 232, .edges = {1}, .repr = "{'key': <ext.Leaky>}",
         .address = 0x7f00000a0000},
        {.type = "ext.Leaky", .refcount = 2, .size = 48},
        {.type = "ext.Leaky", .refcount = 3, .size = 48, .address = 0x10},
        {.type = "builtins.list", .refcount = 1, .size = 1000000, .edges = {1, 4}, .repr = "[1, 2, 3]",
         .address = 0x7f0000000100},
        {.type = "builtins.str", .gc = false, .refcount = 1, .size = 60, .repr = "'hello'"},
        {.type = "builtins.dict", .refcount = 100, .size = 9, .repr = "{'\u212a': 1}", .address = 0xffff0000ffff0000},
        {.type = "ext.Other", .refcount = 0, .size = 100, .edges = {4}, .repr = "Other('na\u00efve')", .address = 0x900},
        {.type = "builtins.tuple", .refcount = 5, .size = 10, .edges = {8, 8, 8}, .repr = "(1,)",
         .address = 0x7f00000a0040},
        {.type = "builtins.int", .gc = false, .refcount = 10, .size = 28},
        {.type = "builtins.bytes", .refcount = 7, .size = 5000, .repr = std::string(300, 'x')},
    };
    spec.explanations = {{7, "module-state", "held by ext"}, {5, "static-type-dict", "ext.Leaky.__dict__"}};
    for (const char* type : {"builtins.dict", "builtins.list", "builtins.str", "builtins.tuple", "builtins.int",
                             "builtins.bytes"})
        spec.origins.push_back({type, kLibpython, "", ""});
    spec.origins.push_back({"ext.Leaky", kExtLibrary, "Leaky_dealloc", "/src/ext/leaky.c:40"});
    return spec;
}

inline SnapshotPtr fixtureSnapshot()
{
    return std::make_shared<const Snapshot>(buildColumns(fixtureSpec()));
}

// Rules parsed from text, named "rules" in their locations; the text must parse without errors.
inline IgnoreRulesPtr fixtureRules(const char* text)
{
    ParsedIgnoreRules parsed = parseIgnoreRules(text, "rules");
    if (!parsed.errors.empty())
        qFatal("bad fixture rule: %s", formatRuleError(parsed.errors.front()).c_str());
    return std::make_shared<const IgnoreRules>(std::move(parsed.rules));
}

// The fixture analysed with rules.
inline AnalyzedSnapshotPtr analyzedFixture(const char* rules)
{
    return analyzeSnapshot(fixtureSnapshot(), fixtureRules(rules));
}

// A different, smaller heap for switching snapshots under a model: two suspects, one type.
inline SnapshotPtr otherSnapshot()
{
    GraphSpec spec;
    spec.objects = {{.type = "pkg.Thing", .size = 64, .repr = "Thing(1)"}, {.type = "pkg.Thing", .size = 64}};
    return std::make_shared<const Snapshot>(buildColumns(spec));
}

// The ObjectIndexRole of every row, top to bottom.
inline std::vector<ObjectIndex> objectsOf(const QAbstractItemModel& model)
{
    std::vector<ObjectIndex> objects;
    for (int row = 0; row < model.rowCount(); ++row)
        objects.push_back(model.index(row, 0).data(ObjectIndexRole).value<quint32>());
    return objects;
}

// The row of the model that shows object, or -1.
inline int rowOf(const QAbstractItemModel& model, ObjectIndex object)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, 0).data(ObjectIndexRole).value<quint32>() == object)
            return row;
    }
    return -1;
}

} // namespace leakscope::test

namespace QTest {
template<>
inline char* toString(const std::vector<leakscope::ObjectIndex>& objects)
{
    QByteArray text = "{";
    for (std::size_t k = 0; k < objects.size(); ++k)
        text += (k ? ", " : "") + QByteArray::number(objects[k]);
    text += "}";
    return qstrdup(text.constData());
}
} // namespace QTest
