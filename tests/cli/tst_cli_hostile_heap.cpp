// Hostile heaps through the real leakscope-cli:
// - tests/scripts/hostile_heap_dunders.py: objects whose __repr__, __eq__, __hash__, __getattribute__,
//   __getattr__, __sizeof__ and __del__ raise, never return or change the heap, module globals and
//   held by leaked references only, keys whose hash collides with "__name__" and "__module__". The
//   script records every call of them made after it armed them: a report (JSON, HTML, Markdown) and a
//   snapshot taken with them armed must record none, and list the leaked ones as suspects with
//   structural reprs. The recording itself is proven by the script calling each dunder.
// - tests/scripts/hostile_heap_deep.py: nestings 10,000 and 100,000 levels deep (lists, dicts, an
//   object chain) and a linked list of 10,000,000 nodes: reports, exports and retained sizes, with no
//   recursion to overflow the stack.
// - tests/scripts/hostile_heap_threads.py: threads building and dropping objects while snapshots are
//   taken, three runs of five snapshots: every snapshot consistent, the planted leaks in each.
#include "cli_process.h"
#include "report_checks.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// The dunders the script records, as "Class.__dunder__", when it calls each one itself.
const QStringList kEveryDunder = {
    u"Repr.__repr__"_s,      u"Sleepy.__repr__"_s,  u"Eq.__eq__"_s,         u"Hash.__hash__"_s,
    u"GetAttribute.__getattribute__"_s, u"GetAttr.__getattr__"_s, u"SizeOf.__sizeof__"_s, u"Del.__del__"_s,
    u"NameCollider.__eq__"_s,
};

// "hostile WORD 0xADDRESS [...]" lines of the script's output: WORD -> the rest, split on spaces.
QMap<QString, QStringList> hostileLines(const QByteArray& out)
{
    QMap<QString, QStringList> lines;
    for (const QString& line : nonEmptyLines(out)) {
        QStringList words = line.split(u' ', Qt::SkipEmptyParts);
        if (words.size() >= 3 && words[0] == u"hostile"_s) {
            words.removeFirst();
            const QString key = words.takeFirst();
            if (key == u"leaked"_s && !words.isEmpty())
                lines.insert(words.takeFirst(), words); // "hostile leaked CLASS 0x..."
            else
                lines.insert(key, words);
        }
    }
    return lines;
}

QJsonObject candidateAt(const QJsonObject& report, const QString& address)
{
    for (const QJsonValue& value : report.value(u"candidates"_s).toArray()) {
        if (value[u"address"_s].toString() == address)
            return value.toObject();
    }
    return {};
}

QByteArray brief(const QJsonObject& candidate)
{
    return candidate.isEmpty() ? QByteArray("no such candidate")
                               : candidate[u"type"_s].toString().toUtf8() + ' ' + candidate[u"address"_s].toString().toUtf8()
            + " suspect " + (candidate[u"suspect"_s].toBool() ? "yes" : "no") + " repr "
            + candidate[u"repr"_s].toString().toUtf8();
}

} // namespace

class TestCliHostileHeap : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_folders = 0;

    // A new empty folder in the test's temporary one.
    QString newFolder()
    {
        const QString folder = m_dir.filePath(u"f"_s + QString::number(++m_folders));
        QDir().mkpath(folder);
        return folder;
    }

    RunOptions withMarkers(const QString& markers) const
    {
        RunOptions options;
        options.environment.insert(u"PLANTLEAK_DIR"_s, fixtureDir());
        options.environment.insert(u"LEAKSCOPE_HOSTILE_MARKERS"_s, markers);
        return options;
    }

    // What the script recorded as called, one "Class.__dunder__" a line; empty when nothing was.
    static QStringList calls(const QString& markers)
    {
        QFile file(markers + u"/calls"_s);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return nonEmptyLines(file.readAll());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
    }

    void everyCallIsRecorded()
    {
        // The script calls each dunder itself once armed: the recording works, under the CLI too.
        const QString markers = newFolder();
        const QString output = markers + u"/report.json"_s;
        const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output,
                                scriptPath(u"hostile_heap_dunders.py"_s), u"raise"_s, u"--self-call"_s},
                               withMarkers(markers));
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList recorded = calls(markers);
        for (const QString& dunder : kEveryDunder)
            QVERIFY2(recorded.contains(dunder), qPrintable(dunder + u" not recorded: "_s + recorded.join(u", "_s)));
    }

    void dundersAreNeverCalled_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("format");
        for (const char* mode : {"raise", "hang", "mutate"})
            QTest::addRow("%s json", mode) << QString::fromLatin1(mode) << u"json"_s;
        QTest::addRow("raise html") << u"raise"_s << u"html"_s;
        QTest::addRow("hang md") << u"hang"_s << u"md"_s;
    }

    void dundersAreNeverCalled()
    {
        QFETCH(QString, mode);
        QFETCH(QString, format);
        const QString markers = newFolder();
        const QString output = markers + u"/report."_s + format;
        QElapsedTimer timer;
        timer.start();
        const Run run = runCli({u"report"_s, u"--format"_s, format, u"--output"_s, output,
                                scriptPath(u"hostile_heap_dunders.py"_s), mode},
                               withMarkers(markers));
        // A hanging dunder called by the capture would never return: the run would time out.
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        qInfo("%s report with %s dunders: %lld ms", qPrintable(format), qPrintable(mode), timer.elapsed());
        QVERIFY2(calls(markers).isEmpty(),
                 qPrintable(u"called while armed: "_s + calls(markers).join(u", "_s)));
        // The script's own snapshot, taken armed, came through.
        QVERIFY2(run.err.contains("leakscope: snapshot 'armed':"), run.describe().constData());

        const QMap<QString, QStringList> leaked = hostileLines(run.out);
        QCOMPARE(leaked.size(), 9); // 8 classes and the list
        if (format != u"json"_s) {
            // The documents name every suspect by its address and structural repr, escaped.
            QFile file(output);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray text = file.readAll();
            for (auto it = leaked.cbegin(); it != leaked.cend(); ++it)
                QVERIFY2(text.contains(it.value().value(0).toUtf8()), qPrintable(it.key()));
            QVERIFY(text.contains("Sleepy"));
            return;
        }
        QString error;
        const QJsonObject report = readJsonReport(output, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        checkReportConsistency(report);
        QVERIFY(!QTest::currentTestFailed());
        for (auto it = leaked.cbegin(); it != leaked.cend(); ++it) {
            const QString address = it.value().value(0);
            const QJsonObject candidate = candidateAt(report, address);
            QVERIFY2(candidate[u"suspect"_s].toBool(), qPrintable(it.key() + u": "_s + QString::fromUtf8(brief(candidate))));
            if (it.key() == u"leaked-list"_s) {
                // The builtin list's repr is built from its memory: the items' class names and
                // addresses, no __repr__ of theirs.
                QCOMPARE(candidate[u"type"_s].toString(), u"builtins.list"_s);
                static const QRegularExpression listRepr(
                    u"^\\[<Repr at 0x[0-9a-f]+>, <Eq at 0x[0-9a-f]+>, <GetAttribute at 0x[0-9a-f]+>, 'text', 1\\]$"_s);
                QVERIFY2(listRepr.match(candidate[u"repr"_s].toString()).hasMatch(), brief(candidate).constData());
            } else {
                QCOMPARE(candidate[u"type"_s].toString(), u"__main__."_s + it.key());
                QCOMPARE(candidate[u"repr"_s].toString(), u"<__main__."_s + it.key() + u" at "_s + address + u'>');
                // The size comes from the type's layout, not from __sizeof__.
                QVERIFY2(candidate[u"size"_s].toInteger() > 0, brief(candidate).constData());
            }
        }
        // Nothing the script holds is a suspect: the suspects are the leaked objects alone.
        const QList<QJsonObject> suspects = candidatesWhere(report.value(u"candidates"_s).toArray(),
                                                            [](const QJsonObject& c) { return c[u"suspect"_s].toBool(); });
        QStringList extra;
        for (const QJsonObject& suspect : suspects) {
            bool planted = false;
            for (const QStringList& words : leaked)
                planted = planted || words.value(0) == suspect[u"address"_s].toString();
            if (!planted)
                extra.append(QString::fromUtf8(brief(suspect)));
        }
        QVERIFY2(extra.isEmpty(), qPrintable(extra.join(u'\n')));
    }

    void deepNestings_data()
    {
        QTest::addColumn<int>("depth");
        QTest::addRow("10,000 levels") << 10000;
        QTest::addRow("100,000 levels") << 100000;
    }

    void deepNestings()
    {
        QFETCH(int, depth);
        const QString folder = newFolder();
        const RunOptions options = withMarkers(folder);
        const QStringList script{scriptPath(u"hostile_heap_deep.py"_s), u"deep"_s, QString::number(depth)};

        // The JSON report: each structure's head is a suspect that retains every level of it.
        const QString json = folder + u"/report.json"_s;
        QElapsedTimer timer;
        timer.start();
        const Run run = runCli(QStringList{u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, json} + script, options);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        qInfo("JSON report of nestings %d deep: %lld ms", depth, timer.elapsed());
        QString error;
        const QJsonObject report = readJsonReport(json, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        checkReportConsistency(report);
        QVERIFY(!QTest::currentTestFailed());
        const QMap<QString, QStringList> heads = hostileLines(run.out);
        QCOMPARE(heads.keys(), (QStringList{u"nested-dicts"_s, u"nested-lists"_s, u"object-chain"_s}));
        for (auto it = heads.cbegin(); it != heads.cend(); ++it) {
            const QJsonObject head = candidateAt(report, it.value().value(0));
            QVERIFY2(head[u"suspect"_s].toBool(), qPrintable(it.key() + u": "_s + QString::fromUtf8(brief(head))));
            // Every level is a container of at least 56 bytes (an empty list's size), and the head
            // dominates them all.
            QVERIFY2(head[u"retained_size"_s].toInteger() >= qint64(depth) * 56,
                     qPrintable(it.key() + u" retains "_s + QString::number(head[u"retained_size"_s].toInteger())));
            // Two levels of the nesting in the repr, the rest elided.
            QVERIFY2(head[u"repr"_s].toString().size() <= 121, brief(head).constData());
        }
        QVERIFY(heads.value(u"nested-lists"_s).size() == 3 && heads.value(u"nested-lists"_s)[2] == QString::number(depth));

        // The documents: each suspect's path, referents and story.
        for (const QString& format : {u"html"_s, u"md"_s}) {
            const QString document = folder + u"/report."_s + format;
            timer.restart();
            const Run documentRun = runCli(
                QStringList{u"report"_s, u"--format"_s, format, u"--depth"_s, u"8"_s, u"--output"_s, document} + script,
                options);
            QVERIFY2(documentRun.finished && documentRun.exitCode == 0, documentRun.describe().constData());
            qInfo("%s report of nestings %d deep: %lld ms", qPrintable(format), depth, timer.elapsed());
            QFile file(document);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray text = file.readAll();
            for (const QStringList& words : hostileLines(documentRun.out))
                QVERIFY2(text.contains(words.value(0).toUtf8()), qPrintable(words.value(0)));
        }

        // A snapshot file of it, exported whole as a .heapsnapshot and around the deepest object as DOT.
        const Run saved = runCli(QStringList{u"run"_s, u"--output-dir"_s, folder} + script, options);
        QVERIFY2(saved.finished && saved.exitCode == 0, saved.describe().constData());
        const QStringList files = QDir(folder).entryList({u"*.lssnap"_s}, QDir::Files, QDir::Time);
        QVERIFY2(!files.isEmpty(), saved.describe().constData());
        const QString snapshot = folder + u'/' + files.first();
        const Run heapsnapshot = runCli({u"export"_s, u"--format"_s, u"heapsnapshot"_s, u"--output"_s,
                                         folder + u"/deep.heapsnapshot"_s, snapshot});
        QVERIFY2(heapsnapshot.finished && heapsnapshot.exitCode == 0, heapsnapshot.describe().constData());
        QVERIFY(QFileInfo(folder + u"/deep.heapsnapshot"_s).size() > qint64(depth) * 3);
        for (const QStringList& words : hostileLines(saved.out)) {
            const Run dot = runCli({u"export"_s, u"--format"_s, u"dot"_s, u"--around"_s, words.value(1), u"--depth"_s,
                                    u"6"_s, u"--output"_s, u"-"_s, snapshot});
            QVERIFY2(dot.finished && dot.exitCode == 0, dot.describe().constData());
            QVERIFY2(dot.out.startsWith("digraph"), dot.describe().constData());
            QVERIFY(dot.out.contains(words.value(1).toUtf8()));
        }
    }

    void tenMillionLinks()
    {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        QSKIP("ten million objects take minutes in a sanitizer build; the default build runs this");
#endif
        // Ten million nodes, not fewer to keep the test quick: the scale users reach.
        constexpr qint64 kLinks = 10'000'000;
        const QString folder = newFolder();
        const QString json = folder + u"/report.json"_s;
        QElapsedTimer timer;
        timer.start();
        const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, json,
                                scriptPath(u"hostile_heap_deep.py"_s), u"long"_s, QString::number(kLinks)},
                               withMarkers(folder));
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QString error;
        const QJsonObject report = readJsonReport(json, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QJsonObject summary = report[u"summary"_s].toObject();
        qInfo("report of a %lld-node linked list: %lld ms in all (%s), capture and analysis %.2f s, %lld objects",
              kLinks, timer.elapsed(), qPrintable(nonEmptyLines(run.out).value(1)),
              summary[u"capture_seconds"_s].toDouble(), summary[u"objects"_s].toInteger());
        QVERIFY(summary[u"objects"_s].toInteger() > kLinks);
        const QStringList words = hostileLines(run.out).value(u"linked-list"_s);
        QCOMPARE(words.value(2), QString::number(kLinks));
        const QJsonObject head = candidateAt(report, words.value(0));
        QVERIFY2(head[u"suspect"_s].toBool(), brief(head).constData());
        QCOMPARE(head[u"type"_s].toString(), u"__main__.Node"_s);
        // The head dominates every node: it retains ten million nodes' bytes (and the None at the end
        // is not its to retain).
        QCOMPARE(head[u"retained_size"_s].toInteger(), kLinks * head[u"size"_s].toInteger());
        // The only Node that is a candidate.
        const QList<QJsonObject> nodes = candidatesWhere(report[u"candidates"_s].toArray(), [](const QJsonObject& c) {
            return c[u"type"_s].toString() == u"__main__.Node"_s;
        });
        QCOMPARE(nodes.size(), 1);
    }

    void threadsAllocateDuringSnapshots()
    {
        constexpr int kRuns = 3;
        constexpr int kSnapshots = 5;
        for (int attempt = 1; attempt <= kRuns; ++attempt) {
            const QString folder = newFolder();
            const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, folder + u"/end.json"_s,
                                    scriptPath(u"hostile_heap_threads.py"_s), folder, QString::number(kSnapshots)},
                                   withMarkers(folder));
            QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
            const QString planted = hostileLines(run.out).value(u"planted"_s).value(0);
            QVERIFY2(!planted.isEmpty(), run.describe().constData());
            QVERIFY2(run.out.contains("rounds between snapshots: "), run.describe().constData());
            for (int k = 1; k <= kSnapshots; ++k) {
                const QString snapshot = folder + u"/threads-"_s + QString::number(k) + u".lssnap"_s;
                const QString json = folder + u"/threads-"_s + QString::number(k) + u".json"_s;
                const Run report = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, json, snapshot});
                QVERIFY2(report.finished && report.exitCode == 0, report.describe().constData());
                QString error;
                const QJsonObject object = readJsonReport(json, &error);
                QVERIFY2(error.isEmpty(), qPrintable(error));
                checkReportConsistency(object);
                QVERIFY2(!QTest::currentTestFailed(), qPrintable(snapshot));
                // The planted leaks, every time: the Planted instance and plantleak's dict, instance and list.
                const QJsonObject instance = candidateAt(object, planted);
                QVERIFY2(instance[u"suspect"_s].toBool() && instance[u"type"_s].toString() == u"__main__.Planted"_s,
                         qPrintable(snapshot + u": "_s + QString::fromUtf8(brief(instance))));
                const QJsonArray candidates = object[u"candidates"_s].toArray();
                QStringList suspectTypes;
                for (const QJsonObject& c : candidatesWhere(candidates, [](const QJsonObject& c) { return c[u"suspect"_s].toBool(); }))
                    suspectTypes.append(c[u"type"_s].toString());
                suspectTypes.sort();
                // The planted leaks and nothing else: what the threads were building at that moment
                // (a comprehension's list half made, on the value stack of a frame whose thread let go
                // of the GIL between two bytecodes) is held by their running frames, explained; and
                // nothing freed is listed (a freed object's type would read as garbage or crash).
                QCOMPARE(suspectTypes, (QStringList{u"__main__.Planted"_s, u"builtins.dict"_s, u"builtins.list"_s,
                                                    u"plantleak.Leaky"_s}));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCliHostileHeap)
#include "tst_cli_hostile_heap.moc"
