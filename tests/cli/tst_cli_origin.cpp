#include "tst_cli.h"

#include "report_checks.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// 1-based number of the first line of file that starts with text; 0 when none does.
int lineStartingWith(const QString& path, const QByteArray& text)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (qsizetype k = 0; k < lines.size(); ++k) {
        if (lines[k].startsWith(text))
            return static_cast<int>(k + 1);
    }
    return 0;
}

} // namespace

// The C code behind a leaked object: its type's library, symbol and source line, the suspects grouped
// by library, and with --tracemalloc the Python line that called into the leaking C function.
void TestCli::originsAndAllocationSites()
{
    const QString output = tmpPath(u"traced.json"_s);
    const QString script = scriptPath(u"planted.py"_s);
    const Run run = runCli({u"report"_s, u"--tracemalloc"_s, u"--format"_s, u"json"_s, u"--output"_s, output,
                            u"--"_s, script, fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QString error;
    const QJsonObject report = readJsonReport(output, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
    QCOMPARE(report.value(u"tracemalloc_depth"_s).toInt(), 10);

    const auto leaky = candidatesWhere(report.value(u"candidates"_s).toArray(), [](const QJsonObject& c) {
        return c.value(u"type"_s).toString() == u"plantleak.Leaky"_s;
    });
    QCOMPARE(leaky.size(), 1);
    const QJsonObject origin = leaky.first().value(u"origin"_s).toObject();
    QVERIFY2(origin.value(u"library"_s).toString().endsWith(u"/plantleak.cpython-311-x86_64-linux-gnu.so"_s),
             qPrintable(origin.value(u"library"_s).toString()));
    QCOMPARE(origin.value(u"symbol"_s).toString(), u"LeakyType"_s);
    const QString source = origin.value(u"source"_s).toString();
    const QString sourcePrefix = QStringLiteral(LEAKSCOPE_PLANTLEAK_SOURCE) + u':';
    QVERIFY2(source.startsWith(sourcePrefix), qPrintable(source));
    const int deallocLine = lineStartingWith(QStringLiteral(LEAKSCOPE_PLANTLEAK_SOURCE), "static void Leaky_dealloc(");
    const int line = source.mid(sourcePrefix.size()).toInt();
    QVERIFY2(deallocLine > 0 && line >= deallocLine && line <= deallocLine + 2, qPrintable(source));

    // Innermost frame first: the script's line that called the leaking function.
    const QJsonArray frames = leaky.first().value(u"allocated_at"_s).toArray();
    QVERIFY2(!frames.isEmpty(), "no allocation traceback");
    QCOMPARE(frames.first().toObject().value(u"file"_s).toString(), script);
    QCOMPARE(frames.first().toObject().value(u"line"_s).toInt(), lineStartingWith(script, "plantleak.leak_instance()"));
    // The script's top level, which has no function.
    QCOMPARE(frames.first().toObject().value(u"function"_s).toString(), u"<module>"_s);

    // By library: the fixture's one suspect.
    bool fixtureRow = false;
    for (const QJsonValue& value : report.value(u"libraries"_s).toArray()) {
        const QJsonObject row = value.toObject();
        if (row.value(u"library"_s).toString().endsWith(u"/plantleak.cpython-311-x86_64-linux-gnu.so"_s)) {
            QCOMPARE(row.value(u"suspects"_s).toInt(), 1);
            fixtureRow = true;
        }
    }
    QVERIFY(fixtureRow);

    // Without --tracemalloc: no allocation sites, and nothing made up in their place.
    const QString plain = tmpPath(u"plain.json"_s);
    const Run untraced = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, plain, u"--"_s, script, fixtureDir()});
    QVERIFY2(untraced.finished && untraced.exitCode == 0, untraced.describe().constData());
    const QJsonObject plainReport = readJsonReport(plain, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(plainReport.value(u"tracemalloc_depth"_s).toInt(-1), 0);
    for (const QJsonValue& c : plainReport.value(u"candidates"_s).toArray())
        QVERIFY(c.toObject().value(u"allocated_at"_s).isNull());
}

// A script that forks at once: the child has none of the parent's threads, including the one reading
// symbol tables for type origins, and must neither wait for it nor crash; both processes report.
void TestCli::forkedScriptIsReportedTwice()
{
    const Run run = runCli({u"report"_s, u"--"_s, scriptPath(u"forks.py"_s)});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.contains("parent") && run.out.contains("child"), run.describe().constData());
    QCOMPARE(run.out.count("leak candidates"), qsizetype(2));
    QVERIFY2(!run.err.contains("terminate"), run.describe().constData());
}
