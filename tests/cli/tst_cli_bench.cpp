// `leakscope-cli bench` on small heaps of each shape: the table has the first capture of the process
// as its own column beside the median, with its ratio to gc.collect(), and the first capture's peak
// memory per object; --phases gives the first and the last capture's phases with their page faults.
// Checks the figures' consistency, never a speed.
#include "cli_process.h"

#include <QRegularExpression>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// The header's column names and the values of the first table row under it.
struct Table
{
    QStringList columns;
    QStringList values;

    double value(const QString& column, bool* ok) const
    {
        const qsizetype at = columns.indexOf(column);
        *ok = false;
        return at >= 0 && at < values.size() ? values[at].toDouble(ok) : 0.0;
    }
};

Table readTable(const QByteArray& out)
{
    Table table;
    const QStringList lines = nonEmptyLines(out);
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const QStringList words = lines[i].split(u' ', Qt::SkipEmptyParts);
        if (words.value(0) == u"gc_objs"_s) {
            table.columns = words;
            table.values = lines[i + 1].split(u' ', Qt::SkipEmptyParts);
            break;
        }
    }
    return table;
}

} // namespace

class TestCliBench : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstCaptureColumn_data()
    {
        QTest::addColumn<QString>("heap");
        QTest::newRow("records") << u"records"_s;
        QTest::newRow("documents") << u"documents"_s;
        QTest::newRow("json") << u"json"_s;
    }

    void firstCaptureColumn()
    {
        QFETCH(QString, heap);
        const Run run = runCli({u"bench"_s, u"--objects"_s, u"20k"_s, u"--repeat"_s, u"3"_s, u"--no-objgraph"_s,
                                u"--phases"_s, u"--heap"_s, heap});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const Table table = readTable(run.out);
        QVERIFY2(!table.columns.isEmpty(), run.describe().constData());
        QCOMPARE(table.values.size(), table.columns.size());

        bool ok = false;
        const double gcObjects = table.value(u"gc_objs"_s, &ok);
        QVERIFY(ok);
        QVERIFY2(gcObjects >= 20000 * 0.99, run.describe().constData());
        const double median = table.value(u"capture_s"_s, &ok);
        QVERIFY(ok && median > 0);
        const double first = table.value(u"first_s"_s, &ok);
        QVERIFY2(ok && first > 0, run.describe().constData());
        const double gc = table.value(u"gc_s"_s, &ok);
        QVERIFY(ok && gc > 0);
        const double firstRatio = table.value(u"first_x"_s, &ok);
        QVERIFY(ok);
        // first_x is first_s / gc_s of the unrounded times; both are printed with four decimals, the
        // ratio with two.
        const double lowest = (first - 0.00005) / (gc + 0.00005) - 0.005;
        const double highest = (first + 0.00005) / std::max(gc - 0.00005, 1e-9) + 0.005;
        QVERIFY2(firstRatio >= lowest && firstRatio <= highest, run.describe().constData());

        // The counters line and both runs' phases, each phase with its page faults.
        const QString out = QString::fromUtf8(run.out);
        const QRegularExpression counters(
            uR"(counters: first capture (\d+) page faults, ([0-9.]+) processor s; later ones \(median\) (\d+) page faults)"_s);
        const QRegularExpressionMatch match = counters.match(out);
        QVERIFY2(match.hasMatch(), run.describe().constData());
        QVERIFY(match.captured(2).toDouble() > 0);

        // The first capture's peak memory: per object in the table, in MB on the counters line.
        const double peakPerObject = table.value(u"peak_B/obj"_s, &ok);
        QVERIFY2(ok && peakPerObject > 0, run.describe().constData());
        const QRegularExpression peakLine(uR"(peak ([0-9.]+) MB above the process's resident set before it \(([-0-9.]+) MB still held after it\))"_s);
        const QRegularExpressionMatch peakMatch = peakLine.match(out);
        QVERIFY2(peakMatch.hasMatch(), run.describe().constData());
        const double objects = table.value(u"objects"_s, &ok);
        QVERIFY(ok && objects > 0);
        const double peakMB = peakMatch.captured(1).toDouble();
        // Both printed from one figure, rounded to 0.1 MB and to 0.1 byte per object.
        QVERIFY2(std::abs(peakMB * 1e6 / objects - peakPerObject) <= 0.05 + 0.05e6 / objects + 0.05,
                 run.describe().constData());
        // The high-water mark cannot be below what is still resident after the capture.
        QVERIFY2(peakMatch.captured(2).toDouble() <= peakMB + 0.1, run.describe().constData());
        QVERIFY2(out.contains(u"phases of the first run: list+tag"_s), run.describe().constData());
        QVERIFY2(out.contains(u"phases of the last run: list+tag"_s), run.describe().constData());
        // The dominator tree's line: its median seconds and the same per object; its arrays hold nine
        // 32-bit numbers per object (and one per edge) at their peak, and the tree keeps 28 bytes an object.
        const QRegularExpression dominators(
            uR"(dominators: ([0-9.]+) s \(([0-9.]+) ns/obj\), [0-9.]+ processor s; arrays peak ([0-9.]+) MB \(([0-9.]+) B/obj\), kept ([0-9.]+) MB \(([0-9.]+) B/obj\))"_s);
        const QRegularExpressionMatch tree = dominators.match(out);
        QVERIFY2(tree.hasMatch(), run.describe().constData());
        const double treeSeconds = tree.captured(1).toDouble();
        QVERIFY2(treeSeconds > 0, run.describe().constData());
        QVERIFY2(std::abs(treeSeconds * 1e9 / objects - tree.captured(2).toDouble()) <= 0.05 + 0.00005e9 / objects,
                 run.describe().constData());
        QVERIFY2(tree.captured(4).toDouble() >= 36 && tree.captured(4).toDouble() <= 80, run.describe().constData());
        QVERIFY2(tree.captured(6).toDouble() >= 28 && tree.captured(6).toDouble() <= 29, run.describe().constData());
        QVERIFY2(tree.captured(3).toDouble() >= tree.captured(5).toDouble(), run.describe().constData());
        const QRegularExpression phaseFaults(uR"(phases of the first run: list\+tag [0-9.]+ s \((\d+) faults\))"_s);
        QVERIFY2(phaseFaults.match(out).hasMatch(), run.describe().constData());
    }

    // With one run the first capture is the median.
    void singleRun()
    {
        const Run run = runCli({u"bench"_s, u"--objects"_s, u"10k"_s, u"--repeat"_s, u"1"_s, u"--no-objgraph"_s});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const Table table = readTable(run.out);
        bool okMedian = false, okFirst = false;
        const double median = table.value(u"capture_s"_s, &okMedian);
        const double first = table.value(u"first_s"_s, &okFirst);
        QVERIFY2(okMedian && okFirst, run.describe().constData());
        QCOMPARE(first, median);
        QVERIFY(!run.out.contains("phases of the"));
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("repeat 0") << QStringList{u"--repeat"_s, u"0"_s} << u"--repeat takes 1 to 100"_s;
        QTest::newRow("bad count") << QStringList{u"--objects"_s, u"12q"_s} << u"bad object count in '12q'"_s;
        QTest::newRow("bad heap") << QStringList{u"--heap"_s, u"trees"_s} << u"--heap takes records, documents or json"_s;
    }

    void badArguments()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run = runCli(QStringList{u"bench"_s} + arguments);
        QVERIFY2(run.finished && run.exitCode != 0, run.describe().constData());
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.describe().constData());
    }
};

QTEST_GUILESS_MAIN(TestCliBench)
#include "tst_cli_bench.moc"
