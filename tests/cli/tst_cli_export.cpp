// `leakscope-cli export` on snapshots a real script saved (tests/scripts/export_graph.py, through
// `leakscope-cli run`): the .heapsnapshot read back with QJsonDocument and checked against the
// objects the script made (its dict's keys as property edges, its list's items as element edges, the
// planted orphan as the one suspect, the same ids in both snapshots for objects alive in both); then
// loaded by Chrome DevTools' own heap snapshot code (the npm package heap-snapshot-toolkit) when node
// and the package are here; the DOT graph drawn by Graphviz's dot when it is installed; the errors.
#include "cli_process.h"
#include "heapsnapshot_checks.h"

#include "snapshot/export_heapsnapshot.h"

#include <QDir>
#include <QJsonArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;
using namespace leakscope;
using namespace leakscope::test;

namespace {

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

qint64 idOfAddress(const QString& hex)
{
    bool ok = false;
    const quint64 address = hex.toULongLong(&ok, 16);
    return ok ? qint64(heapSnapshotId(address)) : -1;
}

// Edges of a node as "type name -> node name" lines.
QStringList describeEdges(const ParsedHeapSnapshot& p, std::size_t ordinal)
{
    QStringList out;
    for (const HeapEdge& e : edgesOf(p, ordinal))
        out.append(e.type + u' ' + e.name + u" -> "_s + nodeType(p, e.toOrdinal) + u' ' + p.name(e.toOrdinal));
    return out;
}

// The folder of heap-snapshot-toolkit: $LEAKSCOPE_HEAPSNAPSHOT_TOOLKIT, else what
// `npm install --prefix BUILD/npm heap-snapshot-toolkit` put in the build folder; empty when absent.
QString devtoolsToolkit()
{
    QStringList candidates;
    const QString fromEnvironment = qEnvironmentVariable("LEAKSCOPE_HEAPSNAPSHOT_TOOLKIT");
    if (!fromEnvironment.isEmpty())
        candidates.append(fromEnvironment);
    candidates.append(QStringLiteral(LEAKSCOPE_NPM_DIR "/node_modules/heap-snapshot-toolkit"));
    for (const QString& folder : candidates) {
        if (QFile::exists(folder + u"/index.js"_s))
            return folder;
    }
    return {};
}

} // namespace

class TestCliExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        const QString addresses = m_folder.filePath(u"addresses.json"_s);
        const Run run = runCli({u"run"_s, u"--output-dir"_s, m_folder.filePath(u"run"_s), u"--"_s,
                                scriptPath(u"export_graph.py"_s), addresses});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList paths = nonEmptyLines(run.out);
        QVERIFY2(paths.size() >= 2, run.describe().constData());
        m_first = paths[0];
        m_second = paths[1];
        QVERIFY(m_first.endsWith(u"-first.lssnap"_s));
        QVERIFY(m_second.endsWith(u"-second.lssnap"_s));
        m_addresses = QJsonDocument::fromJson(readAll(addresses)).object();
        QVERIFY2(m_addresses[u"registry"_s].toString().startsWith(u"0x"_s), readAll(addresses).constData());

        m_firstExport = m_folder.filePath(u"first.heapsnapshot"_s);
        m_secondExport = m_folder.filePath(u"second.heapsnapshot"_s);
        for (const auto& [input, output] : {std::pair(m_first, m_firstExport), std::pair(m_second, m_secondExport)}) {
            const Run exported = runCli({u"export"_s, u"--format"_s, u"heapsnapshot"_s, u"--output"_s, output, input});
            QVERIFY2(exported.finished && exported.exitCode == 0, exported.describe().constData());
            QVERIFY2(exported.err.contains(" nodes, "), exported.describe().constData());
            // The self-holding list and the str it holds.
            QVERIFY2(exported.err.contains("; 2 objects no candidate reaches, under \"(not reached from a candidate)\""),
                     exported.describe().constData());
        }
    }

    void heapSnapshotOfRealHeap()
    {
        const ParsedHeapSnapshot p = parseHeapSnapshot(readAll(m_firstExport));
        const QString problems = structuralProblems(p);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        QCOMPARE(nodeType(p, 0), u"synthetic"_s);

        // The root holds the candidates; the planted orphan is the one suspect.
        QStringList suspects;
        qsizetype candidates = 0;
        for (const HeapEdge& e : edgesOf(p, 0)) {
            if (e.type == u"property"_s)
                ++candidates;
            if (e.name == u"suspect"_s)
                suspects.append(p.name(e.toOrdinal) + u" id "_s + QString::number(p.id(e.toOrdinal)));
        }
        QVERIFY2(candidates > 100, qPrintable(QString::number(candidates))); // the interpreter's own roots too
        QCOMPARE(suspects, QStringList{u"builtins.dict id "_s
                                       + QString::number(idOfAddress(m_addresses[u"orphan"_s].toString()))});

        // The script's dict: str keys and the int key as properties, each to the value it holds.
        const qint64 registry = nodeWithId(p, idOfAddress(m_addresses[u"registry"_s].toString()));
        QVERIFY(registry >= 0);
        QCOMPARE(p.name(registry), u"builtins.dict"_s);
        const QStringList registryEdges = describeEdges(p, registry);
        for (const QString& expected : {u"property export_marker_key -> object builtins.list"_s,
                                        u"property widget -> object __main__.ExportWidget"_s,
                                        u"property 7 -> object builtins.tuple"_s,
                                        u"property quote\"and\\slash -> object builtins.list"_s}) {
            QVERIFY2(registryEdges.contains(expected), qPrintable(registryEdges.join(u'\n')));
        }
        // Its list's items as elements, by index, with their values as names.
        qint64 list = -1;
        for (const HeapEdge& e : edgesOf(p, registry)) {
            if (e.name == u"export_marker_key"_s)
                list = e.toOrdinal;
        }
        QStringList items = describeEdges(p, list);
        items.sort();
        QCOMPARE(items, (QStringList{u"element 0 -> number 10"_s, u"element 1 -> number 20"_s,
                                     u"element 2 -> string export item"_s}));
        // The instance's attributes as properties.
        const qint64 widget = nodeWithId(p, idOfAddress(m_addresses[u"widget"_s].toString()));
        QVERIFY(widget >= 0);
        QCOMPARE(p.name(widget), u"__main__.ExportWidget"_s);
        const QStringList widgetEdges = describeEdges(p, widget);
        QVERIFY2(widgetEdges.contains(u"property name -> string export widget"_s), qPrintable(widgetEdges.join(u'\n')));
        QVERIFY2(widgetEdges.contains(u"property parts -> object builtins.list"_s), qPrintable(widgetEdges.join(u'\n')));

        // The list that holds itself is no candidate, and no candidate reaches it: the synthetic node
        // after the root holds it.
        QCOMPARE(nodeType(p, 1), u"synthetic"_s);
        QCOMPARE(p.name(1), u"(not reached from a candidate)"_s);
        const qint64 cycle = nodeWithId(p, idOfAddress(m_addresses[u"cycle"_s].toString()));
        QVERIFY(cycle >= 0);
        bool held = false;
        for (const HeapEdge& e : edgesOf(p, 1))
            held |= e.toOrdinal == cycle;
        QVERIFY(held);
        for (const HeapEdge& e : edgesOf(p, 0))
            QVERIFY(e.toOrdinal != cycle);
        QCOMPARE(describeEdges(p, cycle), (QStringList{u"element 1 -> object builtins.list"_s,
                                                       u"element 0 -> string export cycle"_s}));
    }

    // An object alive in both snapshots of the run has one id in both files; DevTools' Comparison
    // matches objects by id.
    void idsStableAcrossSnapshots()
    {
        const ParsedHeapSnapshot a = parseHeapSnapshot(readAll(m_firstExport));
        const ParsedHeapSnapshot b = parseHeapSnapshot(readAll(m_secondExport));
        QVERIFY2(structuralProblems(b).isEmpty(), qPrintable(structuralProblems(b)));
        for (const char* key : {"registry", "widget", "orphan", "cycle"}) {
            const qint64 id = idOfAddress(m_addresses[QLatin1StringView(key)].toString());
            const qint64 inA = nodeWithId(a, id), inB = nodeWithId(b, id);
            QVERIFY2(inA >= 0 && inB >= 0, key);
            QCOMPARE(a.name(inA), b.name(inB));
        }
        // What was added between them is in the second only: the registry gained a key.
        const qint64 registry = nodeWithId(b, idOfAddress(m_addresses[u"registry"_s].toString()));
        QVERIFY(describeEdges(b, registry).contains(u"property added_later -> object builtins.list"_s));
        QVERIFY(!describeEdges(a, nodeWithId(a, idOfAddress(m_addresses[u"registry"_s].toString())))
                     .join(u'\n')
                     .contains(u"added_later"_s));
        // Ids are unique in each file, and most objects keep theirs from one snapshot to the next.
        std::size_t shared = 0;
        QSet<qint64> idsOfA;
        for (std::size_t k = 0; k < a.count(); ++k)
            idsOfA.insert(a.id(k));
        for (std::size_t k = 0; k < b.count(); ++k)
            shared += idsOfA.contains(b.id(k));
        QVERIFY2(shared * 10 > b.count() * 9, qPrintable(u"%1 of %2"_s.arg(shared).arg(b.count())));
    }

    // Chrome DevTools' own loader and views (the heap-snapshot-toolkit package), when node and the
    // package are here.
    void devtoolsLoadsBoth()
    {
        const QString node = QStandardPaths::findExecutable(u"node"_s);
        if (node.isEmpty())
            QSKIP("node is not installed");
        const QString toolkit = devtoolsToolkit();
        if (toolkit.isEmpty())
            QSKIP("heap-snapshot-toolkit is not installed: cmake --build BUILD_DIR --target heapsnapshot-toolkit, "
                  "or set LEAKSCOPE_HEAPSNAPSHOT_TOOLKIT to its folder");
        const Run run = runProgram(node, {QStringLiteral(LEAKSCOPE_DEVTOOLS_SCRIPT), toolkit, m_firstExport, m_secondExport});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject result = QJsonDocument::fromJson(run.out).object();
        QVERIFY2(!result.isEmpty(), run.describe().constData());
        // Every node has a distance from the root, the self-holding list included: DevTools reports
        // nodes without one as a broken snapshot.
        QCOMPARE(result[u"a"_s][u"unreachable"_s].toInteger(-1), qint64(0));
        QCOMPARE(result[u"b"_s][u"unreachable"_s].toInteger(-1), qint64(0));
        const ParsedHeapSnapshot a = parseHeapSnapshot(readAll(m_firstExport));
        QCOMPARE(result[u"a"_s][u"nodeCount"_s].toInteger(), qint64(a.count()));

        // Summary: one instance of the script's class, not a candidate, so beyond distance 1; the
        // candidates at distance 1 (the orphan dict among them).
        for (const char* side : {"a", "b"}) {
            const QJsonObject classes = result[QLatin1StringView(side)][u"classes"_s].toObject();
            const QJsonObject widget = classes[u"__main__.ExportWidget"_s].toObject();
            QCOMPARE(widget[u"count"_s].toInteger(), qint64(1));
            QVERIFY(widget[u"distance"_s].toInteger() >= 2);
            QCOMPARE(classes[u"builtins.dict"_s][u"distance"_s].toInteger(), qint64(1));
            QVERIFY(classes[u"(string)"_s][u"count"_s].toInteger() > 100);
        }
        // Comparison: the instance alive in both is neither new nor deleted; the added lists are new.
        const QJsonObject diff = result[u"diff"_s].toObject();
        QVERIFY2(!diff.contains(u"__main__.ExportWidget"_s), run.out.constData());
        QVERIFY2(diff[u"builtins.list"_s][u"added"_s].toInteger() >= 1, run.out.constData());
    }

    void dotAroundObject()
    {
        const QString registry = m_addresses[u"registry"_s].toString();
        const QString output = m_folder.filePath(u"registry.dot"_s);
        const Run run = runCli({u"export"_s, u"--format"_s, u"dot"_s, u"--around"_s, registry, u"--depth"_s, u"1"_s,
                                u"--output"_s, output, m_first});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QByteArray dot = readAll(output);
        QVERIFY(dot.startsWith("digraph leakscope {"));
        QVERIFY2(dot.contains("[label=\"['export_marker_key']\"]"), dot.constData());
        QVERIFY2(dot.contains("[label=\"['quote\\\"and\\\\\\\\slash']\"]"), dot.constData());
        QVERIFY2(dot.contains("[label=\"[7]\"]"), dot.constData());
        QVERIFY2(dot.contains("\\n" + registry.toLatin1() + "\\n"), dot.constData());
        QVERIFY(dot.contains("penwidth=3"));

        // The suspect with its default depth, written to standard output.
        const Run suspect = runCli({u"export"_s, u"--format=dot"_s, u"--around="_s + m_addresses[u"orphan"_s].toString(),
                                    u"--output"_s, u"-"_s, m_first});
        QVERIFY2(suspect.finished && suspect.exitCode == 0, suspect.describe().constData());
        QVERIFY(suspect.out.contains("SUSPECT"));
        QVERIFY(suspect.out.contains("[label=\"['export_orphan_marker']\"]"));

        const QString graphviz = QStandardPaths::findExecutable(u"dot"_s);
        if (graphviz.isEmpty())
            QSKIP("Graphviz's dot is not installed (scripts/install-deps.sh installs it)");
        for (const QString& input : {output, m_folder.filePath(u"suspect.dot"_s)}) {
            if (input.endsWith(u"suspect.dot"_s)) {
                QFile file(input);
                QVERIFY(file.open(QIODevice::WriteOnly));
                file.write(suspect.out);
            }
            const Run drawn = runProgram(graphviz, {u"-Tsvg"_s, input});
            QVERIFY2(drawn.finished && drawn.exitCode == 0, drawn.describe().constData());
            QVERIFY2(drawn.err.isEmpty(), drawn.err.constData()); // no syntax warning either
            QVERIFY(drawn.out.contains("<svg"));
            QVERIFY(drawn.out.contains(input == output ? "export_marker_key" : "export_orphan_marker"));
        }
    }

    // With a rule that matches the orphan, it is no suspect: the root names it "ignored", the graph
    // draws it without red.
    void ignoreRules()
    {
        const QString rules = m_folder.filePath(u"orphan.rules"_s);
        {
            QFile file(rules);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("type builtins.dict repr \"{'export_orphan_marker'*\"\n");
        }
        const QString output = m_folder.filePath(u"ignored.heapsnapshot"_s);
        const Run run = runCli({u"export"_s, u"--format"_s, u"heapsnapshot"_s, u"--ignore"_s, rules, u"--output"_s,
                                output, m_first});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const ParsedHeapSnapshot p = parseHeapSnapshot(readAll(output));
        QVERIFY2(structuralProblems(p).isEmpty(), qPrintable(structuralProblems(p)));
        QStringList named;
        for (const HeapEdge& e : edgesOf(p, 0)) {
            if (p.id(e.toOrdinal) == idOfAddress(m_addresses[u"orphan"_s].toString()))
                named.append(e.name);
            QVERIFY(e.name != u"suspect"_s);
        }
        QCOMPARE(named, QStringList{u"ignored"_s});

        const Run dot = runCli({u"export"_s, u"--format"_s, u"dot"_s, u"--ignore"_s, rules, u"--around"_s,
                                m_addresses[u"orphan"_s].toString(), u"--output"_s, u"-"_s, m_first});
        QVERIFY2(dot.finished && dot.exitCode == 0, dot.describe().constData());
        QVERIFY(dot.out.contains("candidate, ignored by a rule"));
        QVERIFY(!dot.out.contains("SUSPECT"));
        QVERIFY(!dot.out.contains("#cc0000"));
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString out = u"%OUT%"_s;
        const QString first = u"%FIRST%"_s;
        QTest::newRow("unknown format") << QStringList{u"--format"_s, u"xml"_s, u"--output"_s, out, first}
                                        << u"unknown format 'xml' (use heapsnapshot or dot)"_s;
        QTest::newRow("no format") << QStringList{u"--output"_s, out, first} << u"--format is required"_s;
        QTest::newRow("no output") << QStringList{u"--format"_s, u"heapsnapshot"_s, first} << u"--output is required"_s;
        QTest::newRow("no snapshot") << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--output"_s, out}
                                     << u"a snapshot file (.lssnap) is needed"_s;
        QTest::newRow("missing snapshot") << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--output"_s, out,
                                                         u"%DIR%/missing.lssnap"_s}
                                          << u"missing.lssnap"_s;
        QTest::newRow("corrupt snapshot") << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--output"_s, out,
                                                         u"%DIR%/corrupt.lssnap"_s}
                                          << u"corrupt.lssnap"_s;
        QTest::newRow("dot without around") << QStringList{u"--format"_s, u"dot"_s, u"--output"_s, out, first}
                                            << u"--format dot needs --around ADDRESS"_s;
        QTest::newRow("heapsnapshot with around")
            << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--around"_s, u"0x10"_s, u"--output"_s, out, first}
            << u"a heapsnapshot is always the whole heap"_s;
        QTest::newRow("not an address") << QStringList{u"--format"_s, u"dot"_s, u"--around"_s, u"0xzz"_s, u"--output"_s,
                                                       out, first}
                                        << u"'0xzz' is not an address"_s;
        QTest::newRow("address of nothing") << QStringList{u"--format"_s, u"dot"_s, u"--around"_s, u"0x10"_s,
                                                           u"--output"_s, out, first}
                                            << u"is at 0x10"_s;
        QTest::newRow("bad depth") << QStringList{u"--format"_s, u"dot"_s, u"--around"_s, u"0x10"_s, u"--depth"_s,
                                                  u"-1"_s, u"--output"_s, out, first}
                                   << u"--depth needs a number of levels"_s;
        QTest::newRow("missing rules") << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--ignore"_s,
                                                      u"%DIR%/missing.rules"_s, u"--output"_s, out, first}
                                       << u"missing.rules"_s;
        QTest::newRow("output is the snapshot") << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--output"_s,
                                                               u"%DIR%/corrupt.lssnap"_s, u"%DIR%/corrupt.lssnap"_s}
                                                << u"is the snapshot file itself"_s;
        QTest::newRow("unwritable output") << QStringList{u"--format"_s, u"heapsnapshot"_s, u"--output"_s,
                                                          u"%DIR%/no/such/folder/x.heapsnapshot"_s, first}
                                           << u"cannot write '"_s;
    }

    void errors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const QString out = m_folder.filePath(u"kept.out"_s);
        {
            QFile corrupt(m_folder.filePath(u"corrupt.lssnap"_s));
            QVERIFY(corrupt.open(QIODevice::WriteOnly));
            QByteArray bytes = readAll(m_first);
            bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x5A); // caught by the checksum
            corrupt.write(bytes);
            QFile kept(out);
            QVERIFY(kept.open(QIODevice::WriteOnly));
            kept.write("earlier contents\n");
        }
        for (QString& a : arguments) {
            a.replace(u"%OUT%"_s, out);
            a.replace(u"%FIRST%"_s, m_first);
            a.replace(u"%DIR%"_s, m_folder.path());
        }
        const Run run = runCli(QStringList{u"export"_s} + arguments);
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.describe().constData());
        QVERIFY(run.out.isEmpty());
        QCOMPARE(readAll(out), QByteArray("earlier contents\n")); // a failed export leaves the file as it was
    }

    void help()
    {
        const Run run = runCli({u"export"_s, u"--help"_s});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("--format FORMAT   heapsnapshot or dot"));
        const Run top = runCli({u"--help"_s});
        QVERIFY(top.out.contains("  export   "));
    }

private:
    QTemporaryDir m_folder;
    QString m_first;
    QString m_second;
    QString m_firstExport;
    QString m_secondExport;
    QJsonObject m_addresses;
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "tst_cli_export.moc"
