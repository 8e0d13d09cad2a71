// export_heapsnapshot.h and export_dot.h on synthetic heaps: the V8 heap snapshot checked field by
// field through an independent JSON parser (QJsonDocument), the DOT graph checked for its nodes,
// labelled edges, cap and escaping. Graphviz itself reads the graphs in tests/cli/tst_cli_export.cpp.

#include "counting_allocator.h"
#include "heapsnapshot_checks.h"
#include "snapshot/export_dot.h"
#include "snapshot/export_heapsnapshot.h"
#include "test_graph.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QTest>

#include <algorithm>
#include <map>
#include <set>

using namespace leakscope;
using namespace leakscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr std::uint32_t kSynthetic = 2; // the root and "(not reached from a candidate)" come first here

// Objects 0 and 4 are suspects, 8 an explained candidate; 6 and 7 a cycle no candidate reaches and
// 13 an untracked object nothing refers to, so both hang from the unreached node.
GraphSpec exportSpec()
{
    GraphSpec spec;
    spec.objects = {
        /* 0 */ {.type = "builtins.dict", .refcount = 2, .size = 232, .edges = {1, 2, 9, 11},
                 .labels = {"['alpha']", "['it\\'s \"x\"']", "[7]", "(key)"}, .repr = "{'alpha': [42, 'hello'], …}"},
        /* 1 */ {.type = "builtins.list", .size = 72, .edges = {3, 2}, .repr = "[42, 'hello']"},
        /* 2 */ {.type = "builtins.str", .gc = false, .refcount = 4, .size = 60, .repr = "'hello\\nw\xc3\xa9rld \\\\ end'"},
        /* 3 */ {.type = "builtins.int", .gc = false, .refcount = 3, .size = 28, .repr = "42"},
        /* 4 */ {.type = "__main__.Widget", .size = 48, .edges = {2, 5, 12}, .labels = {".name", ".method", ""}},
        /* 5 */ {.type = "builtins.function", .size = 136, .edges = {10}, .labels = {".__code__"},
                 .repr = "<function outer.<locals>.f at 0x10>"},
        /* 6 */ {.type = "builtins.list", .size = 64, .edges = {7}},
        /* 7 */ {.type = "builtins.list", .size = 64, .edges = {6}},
        /* 8 */ {.type = "builtins.dict", .size = 64},
        /* 9 */ {.type = "builtins.tuple", .size = 64, .edges = {3, 2}, .labels = {"[0]", "[2]"}},
        /* 10 */ {.type = "builtins.code", .gc = false, .size = 160, .repr = "<code object f at 0x20, file 'x.py', line 3>"},
        /* 11 */ {.type = "builtins.int", .gc = false, .size = 28, .repr = "7"},
        /* 12 */ {.type = "builtins.str", .gc = false, .size = 120, .repr = "'abc\\x41d\xe2\x80\xa6"},
        /* 13 */ {.type = "builtins.float", .gc = false, .size = 24},
    };
    spec.explanations = {{8, "interpreter-root", "sys.modules"}};
    return spec;
}

std::string exportText(const HeapAnalysis& analysis, HeapSnapshotExportStats* stats = nullptr)
{
    std::string out;
    const HeapSnapshotExportStats s = writeHeapSnapshot(analysis, [&](std::string_view piece) { out.append(piece); });
    if (stats)
        *stats = s;
    return out;
}

QString unquoted(std::string_view literal)
{
    std::string out;
    if (!unquotePythonString(literal, out))
        return u"<not a literal>"_s;
    return QString::fromStdString(out);
}

// Every line of a DOT text has its quoted strings closed: a raw newline or an unescaped quote in a
// label would leave one open.
bool quotesBalanced(const std::string& dot)
{
    bool open = false;
    for (std::size_t i = 0; i < dot.size(); ++i) {
        if (dot[i] == '\\' && open) {
            ++i;
        } else if (dot[i] == '"') {
            open = !open;
        } else if (dot[i] == '\n' && open) {
            return false;
        }
    }
    return !open;
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void heapSnapshotStructure()
    {
        const Heap heap(exportSpec());
        HeapSnapshotExportStats stats;
        const ParsedHeapSnapshot p = parseHeapSnapshot(QByteArray::fromStdString(exportText(heap.analysis, &stats)));
        const QString problems = structuralProblems(p);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(p.nodeCount, 14 + qint64(kSynthetic));
        QCOMPARE(qint64(stats.nodes), p.nodeCount);
        QCOMPARE(qint64(stats.edges), p.edgeCount);
        QCOMPARE(qint64(stats.strings), qint64(p.strings.size()));
        QCOMPARE(stats.unreached, std::size_t(3)); // the cycle 6-7 and 13
        QCOMPARE(stats.unreachedEntries, std::size_t(2));
        QCOMPARE(stats.idCollisions, std::size_t(0));
        // Strings are deduplicated.
        QCOMPARE(QSet<QString>(p.strings.begin(), p.strings.end()).size(), p.strings.size());

        // The root first, holding the three candidates and the unreached node.
        QCOMPARE(nodeType(p, 0), u"synthetic"_s);
        QCOMPARE(p.field(0, 2), qint64(kHeapSnapshotRootId));
        std::map<qint64, QString> rootEdges;
        for (const HeapEdge& e : edgesOf(p, 0))
            rootEdges[e.toOrdinal] = e.type + u' ' + e.name;
        const std::map<qint64, QString> expectedRoot = {{1, u"element 0"_s},
                                                        {0 + kSynthetic, u"property suspect"_s},
                                                        {4 + kSynthetic, u"property suspect"_s},
                                                        {8 + kSynthetic, u"property explained: interpreter-root"_s}};
        QCOMPARE(rootEdges, expectedRoot);
        QCOMPARE(nodeType(p, 1), u"synthetic"_s);
        QCOMPARE(p.name(1), u"(not reached from a candidate)"_s);
        std::vector<qint64> unreached;
        for (const HeapEdge& e : edgesOf(p, 1))
            unreached.push_back(e.toOrdinal - kSynthetic);
        QCOMPARE(unreached, (std::vector<qint64>{6, 13})); // 7 is reached from 6

        // Object i is node i + 2, with its size, its edge count and an odd id from its address.
        for (ObjectIndex i = 0; i < heap.snapshot.objectCount(); ++i) {
            const std::size_t node = i + kSynthetic;
            QCOMPARE(p.field(node, 2), qint64(heapSnapshotId(heap.snapshot.address(i))));
            QVERIFY(p.field(node, 2) % 2 == 1);
            QCOMPARE(p.field(node, 3), qint64(heap.snapshot.size(i)));
            QCOMPARE(p.field(node, 4), qint64(heap.snapshot.referents(i).size()));
        }
        const std::vector<std::pair<ObjectIndex, QString>> kinds = {
            {0, u"object builtins.dict"_s},       {1, u"object builtins.list"_s},
            {2, u"string hello\nwérld \\ end"_s}, {3, u"number 42"_s},
            {4, u"object __main__.Widget"_s},     {5, u"closure outer.<locals>.f"_s},
            {9, u"object builtins.tuple"_s},      {10, u"code <code object f at 0x20, file 'x.py', line 3>"_s},
            {12, u"string abcAd…"_s},             {13, u"number builtins.float"_s},
        };
        for (const auto& [i, expected] : kinds)
            QCOMPARE(nodeType(p, i + kSynthetic) + u' ' + p.name(i + kSynthetic), expected);
    }

    void heapSnapshotEdges()
    {
        const Heap heap(exportSpec());
        const ParsedHeapSnapshot p = parseHeapSnapshot(QByteArray::fromStdString(exportText(heap.analysis)));
        QVERIFY2(structuralProblems(p).isEmpty(), qPrintable(structuralProblems(p)));
        auto edges = [&](ObjectIndex i) {
            QStringList out;
            for (const HeapEdge& e : edgesOf(p, i + kSynthetic))
                out.append(e.type + u' ' + e.name + u" -> "_s + QString::number(e.toOrdinal - kSynthetic));
            return out;
        };
        // Dict values are properties named by the key, str or not; a key itself is internal.
        QCOMPARE(edges(0), (QStringList{u"property alpha -> 1"_s, u"property it's \"x\" -> 2"_s,
                                        u"property 7 -> 9"_s, u"internal (key) -> 11"_s}));
        // A list's edges come last item first: they carry the items' indexes.
        QCOMPARE(edges(1), (QStringList{u"element 1 -> 3"_s, u"element 0 -> 2"_s}));
        // Attributes are properties without their dot; an unlabelled edge is internal, named by its number.
        QCOMPARE(edges(4), (QStringList{u"property name -> 2"_s, u"property method -> 5"_s, u"internal 2 -> 12"_s}));
        QCOMPARE(edges(5), (QStringList{u"property __code__ -> 10"_s}));
        // A tuple with empty slots has its items' indexes recorded.
        QCOMPARE(edges(9), (QStringList{u"element 0 -> 3"_s, u"element 2 -> 2"_s}));
        QCOMPARE(edges(6), (QStringList{u"element 0 -> 7"_s}));
        QVERIFY(edges(2).isEmpty());
    }

    void idsFromAddresses()
    {
        // Bits 4 to 34: 16 bytes apart differ, 32 GiB apart coincide.
        QCOMPARE(heapSnapshotId(0x7f0000001000), heapSnapshotId(0x7f0000001000 + (1ULL << 35)));
        QVERIFY(heapSnapshotId(0x7f0000001000) != heapSnapshotId(0x7f0000001010));
        QCOMPARE(heapSnapshotId(0x10) % 2, 1U);

        GraphSpec spec;
        spec.objects = {{.address = 0x7f0000001000},
                        {.address = 0x7f0000001000 + (1ULL << 35)},
                        {.address = 0x7f0000001010},
                        {.address = 0x7f0000001000 + (2ULL << 35)}};
        const Heap heap(spec);
        HeapSnapshotExportStats stats;
        const ParsedHeapSnapshot p = parseHeapSnapshot(QByteArray::fromStdString(exportText(heap.analysis, &stats)));
        QVERIFY2(structuralProblems(p).isEmpty(), qPrintable(structuralProblems(p))); // ids unique
        QCOMPARE(stats.idCollisions, std::size_t(2));
        // The first object keeps the address's id, the ones after it get even ids of their own.
        QCOMPARE(p.field(0 + 1, 2), qint64(heapSnapshotId(0x7f0000001000)));
        QCOMPARE(p.field(1 + 1, 2) % 2, 0);
        QCOMPARE(p.field(2 + 1, 2), qint64(heapSnapshotId(0x7f0000001010)));
        QCOMPARE(p.field(3 + 1, 2) % 2, 0);
    }

    void emptySnapshot()
    {
        const Heap heap(GraphSpec{});
        const ParsedHeapSnapshot p = parseHeapSnapshot(QByteArray::fromStdString(exportText(heap.analysis)));
        QVERIFY2(structuralProblems(p).isEmpty(), qPrintable(structuralProblems(p)));
        QCOMPARE(p.nodeCount, qint64(1));
        QCOMPARE(p.edgeCount, qint64(0));
    }

    void pythonLiterals()
    {
        QCOMPARE(unquoted("'plain'"), u"plain"_s);
        QCOMPARE(unquoted("\"it's\""), u"it's"_s);
        QCOMPARE(unquoted("'a\\'b\\\\c'"), u"a'b\\c"_s);
        QCOMPARE(unquoted("'\\n\\r\\t\\x07\\u00e9\\U0001F600'"), u"\n\r\t\x07\u00e9\U0001F600"_s);
        QCOMPARE(unquoted("'cut short\xe2\x80\xa6"), u"cut short…"_s);
        QCOMPARE(unquoted("'cut in an escape \\x4\xe2\x80\xa6"), u"cut in an escape …"_s);
        QCOMPARE(unquoted("'ends in an ellipsis\xe2\x80\xa6'"), u"ends in an ellipsis…"_s);
        QCOMPARE(unquoted("b'\\x00\\xff'"), u"\0\uFFFD"_s);
        QCOMPARE(unquoted("''"), QString());
        QCOMPARE(unquoted("42"), u"<not a literal>"_s);
        QCOMPARE(unquoted("'unterminated"), u"<not a literal>"_s);
        QCOMPARE(unquoted("'bad \\q escape'"), u"<not a literal>"_s);
        QCOMPARE(unquoted("'"), u"<not a literal>"_s);
    }

    // A large heap goes out in pieces, and the writer allocates its per-object arrays, not the output.
    void streamsLargeHeap()
    {
        constexpr std::size_t kObjects = 1'000'000;
        SnapshotColumns c;
        StringPoolBuilder strings;
        TypeRecord list;
        list.name = strings.intern("builtins.list");
        list.flags = GcType;
        c.types.push_back(list);
        for (std::size_t i = 0; i < kObjects; ++i) {
            c.appendObject(0x7f0000000000ULL + 64 * i, 0, 56, 1, GcTracked);
            if (i + 1 < kObjects)
                c.edges.push_back(static_cast<ObjectIndex>(i + 1)); // a chain: one candidate reaches all
            c.edgeOffsets.push_back(static_cast<std::uint32_t>(c.edges.size()));
            c.reprOffsets.push_back(0);
        }
        c.strings = strings.take();
        const Snapshot snapshot(std::move(c));
        const HeapAnalysis analysis(snapshot);

        std::size_t bytes = 0, pieces = 0, largest = 0;
        std::string head, tail;
        QElapsedTimer timer;
        timer.start();
        const std::size_t allocated = allocatedDuring([&] {
            writeHeapSnapshot(analysis, [&](std::string_view piece) {
                if (head.empty())
                    head = std::string(piece.substr(0, 4096));
                tail = std::string(piece.substr(piece.size() > 64 ? piece.size() - 64 : 0));
                bytes += piece.size();
                largest = std::max(largest, piece.size());
                ++pieces;
            });
        });
        const qint64 ms = timer.elapsed();
        qInfo("1,000,000 objects: %zu bytes in %zu pieces (largest %zu) in %lld ms, %zu bytes allocated "
              "(head and tail copies included)", bytes, pieces, largest, ms, allocated);
        QVERIFY(pieces > 10);
        QVERIFY(largest <= (1U << 20) + 4096);
        // Ids, their sorted copy, the reach pass's marks and queue: about 13 bytes an object in all,
        // against some 35 bytes an object written.
        QVERIFY2(allocated < 16 * kObjects, "the writer allocates more than its per-object arrays");
        QVERIFY(head.find("\"node_count\":1000001,\"edge_count\":1000000,") != std::string::npos);
        QVERIFY(tail.ends_with(",\n\"ignored\"]}\n")); // the strings close the file
    }

    void dotAroundObject()
    {
        const Heap heap(exportSpec());
        const ReferrerIndex referrers(heap.snapshot);
        std::string dot;
        const DotExportStats stats = writeDotGraph(heap.analysis, referrers, 0, {.depth = 1, .maxNodes = 200}, dot);
        QVERIFY(dot.starts_with("digraph leakscope {\n"));
        QVERIFY(dot.ends_with("}\n"));
        QVERIFY(quotesBalanced(dot));
        QCOMPARE(stats.nodes, std::size_t(5)); // 0 and its referents 1, 2, 9, 11
        QCOMPARE(stats.edges, std::size_t(6)); // 0's four, 1 -> 2 and 9 -> 2 between drawn objects
        QCOMPARE(stats.omitted, std::size_t(0));
        QVERIFY(dot.find("n0 -> n1 [label=\"['alpha']\"];") != std::string::npos);
        QVERIFY(dot.find("n0 -> n2 [label=\"['it\\\\'s \\\"x\\\"']\"];") != std::string::npos);
        QVERIFY(dot.find("n1 -> n2 [label=\"[0]\"];") != std::string::npos);
        QVERIFY(dot.find("n9 -> n2 [label=\"[2]\"];") != std::string::npos);
        // The object itself highlighted and marked a suspect; the others plain.
        const std::size_t center = dot.find("  n0 [label=\"builtins.dict\\n0x7f0000001000\\n");
        QVERIFY(center != std::string::npos);
        const std::string centerLine = dot.substr(center, dot.find('\n', center) - center);
        QVERIFY(centerLine.find("SUSPECT") != std::string::npos);
        QVERIFY(centerLine.find("penwidth=3") != std::string::npos);
        QVERIFY(centerLine.find("color=\"#cc0000\"") != std::string::npos);
        QVERIFY(dot.find("n8") == std::string::npos);
        QVERIFY(dot.find("omitted") == std::string::npos);

        // Referrers: who holds the str, one level up.
        dot.clear();
        const DotExportStats up = writeDotGraph(heap.analysis, referrers, 2, {.depth = 1, .maxNodes = 200}, dot);
        QCOMPARE(up.nodes, std::size_t(5)); // 2 and its referrers 0, 1, 4, 9
        QVERIFY(dot.find("n4 -> n2 [label=\".name\"];") != std::string::npos);
        QVERIFY(dot.find("  n4 [label=\"__main__.Widget\\n0x7f0000001100\\nSUSPECT") != std::string::npos);
    }

    void dotCap()
    {
        const Heap heap(exportSpec());
        const ReferrerIndex referrers(heap.snapshot);
        std::string dot;
        // Within 3 levels of referents: 1, 2, 9, 11, then 3 from the list.
        const DotExportStats stats = writeDotGraph(heap.analysis, referrers, 0, {.depth = 3, .maxNodes = 3}, dot);
        QCOMPARE(stats.nodes, std::size_t(3));
        QCOMPARE(stats.omitted, std::size_t(3));
        QVERIFY(dot.find("omitted [shape=note") != std::string::npos);
        QVERIFY(dot.find("3 more objects within depth 3 not drawn (at most 3 objects)") != std::string::npos);
        // The nearest first: the first two referents in edge order.
        QVERIFY(dot.find("  n1 [") != std::string::npos);
        QVERIFY(dot.find("  n2 [") != std::string::npos);
        QVERIFY(dot.find("  n3 [") == std::string::npos);
        QVERIFY(quotesBalanced(dot));

        dot.clear();
        const DotExportStats alone = writeDotGraph(heap.analysis, referrers, 0, {.depth = 0, .maxNodes = 200}, dot);
        QCOMPARE(alone.nodes, std::size_t(1));
        QCOMPARE(alone.edges, std::size_t(0));
    }

    void dotEscaping()
    {
        GraphSpec spec;
        spec.objects = {
            {.type = "ext.Nasty\"Type\\", .edges = {1}, .labels = {"['a\"b\\\\c\\n']"},
             .repr = "\"q\" \\ \n\x01 \xff end\\"},
            {.type = "builtins.list", .repr = "[\\N, \\G, \\l]"},
        };
        const Heap heap(spec);
        const ReferrerIndex referrers(heap.snapshot);
        std::string dot;
        writeDotGraph(heap.analysis, referrers, 0, {}, dot);
        QVERIFY2(quotesBalanced(dot), dot.c_str());
        QVERIFY(dot.find("ext.Nasty\\\"Type\\\\\\n") != std::string::npos);
        QVERIFY(dot.find("\\\"q\\\" \\\\ ?? \xef\xbf\xbd end\\\\\\n") != std::string::npos);
        // Graphviz's own escapes (\N, \G, \l) stay text.
        QVERIFY(dot.find("[\\\\N, \\\\G, \\\\l]") != std::string::npos);
        QCOMPARE(dotQuoted("a\"b"), std::string("\"a\\\"b\""));
    }

    void addresses()
    {
        QCOMPARE(parseAddress("0x7f3a5c1d2e40"), std::optional<std::uint64_t>(0x7f3a5c1d2e40));
        QCOMPARE(parseAddress("7F3A5C1D2E40"), std::optional<std::uint64_t>(0x7f3a5c1d2e40));
        QCOMPARE(parseAddress("0xffffffffffffffff"), std::optional<std::uint64_t>(UINT64_MAX));
        QVERIFY(!parseAddress("0x"));
        QVERIFY(!parseAddress(""));
        QVERIFY(!parseAddress("0x12g4"));
        QVERIFY(!parseAddress("-12"));
        QVERIFY(!parseAddress("0x10000000000000000"));
        const Heap heap(exportSpec());
        QCOMPARE(findObjectAt(heap.snapshot, defaultAddress(9)), std::optional<ObjectIndex>(9));
        QVERIFY(!findObjectAt(heap.snapshot, defaultAddress(9) + 8));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
