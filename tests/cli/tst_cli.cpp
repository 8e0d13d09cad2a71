#include "tst_cli.h"

#include "report_checks.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// The JSON object a prints.py run wrote as the last line of its stderr.
QJsonObject invocationOf(const Run& run)
{
    const QStringList lines = nonEmptyLines(run.err);
    return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.last().toUtf8()).object();
}

} // namespace

void TestCli::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_tmp->isValid(), qPrintable(m_tmp->errorString()));
}

void TestCli::plantedLeaksJson()
{
    const QString output = tmpPath(u"report.json"_s);
    RunOptions options;
    options.environment.insert(u"PLANTLEAK_DIR"_s, fixtureDir()); // planted.py's other way to find it
    const Run run = runCli(
        {u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output, u"--"_s, scriptPath(u"planted.py"_s)}, options);
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.isEmpty(), run.describe().constData()); // the report went to the file only
    QCOMPARE(tmpEntries(), QStringList{u"report.json"_s}); // and no temporary file was left behind

    QString error;
    const QJsonObject report = readJsonReport(output, &error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
    if (QTest::currentTestFailed())
        return;
    checkPlantedLeaks(report);
}

void TestCli::plantedLeaksWithoutCollect()
{
    const QString output = tmpPath(u"report.json"_s);
    const Run run = runCli({u"report"_s, u"--no-collect"_s, u"--format=json"_s, u"--output="_s + output,
                            scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QString error;
    const QJsonObject report = readJsonReport(output, &error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
    if (QTest::currentTestFailed())
        return;
    // Leaked references are not garbage: the collector changes nothing about them.
    checkPlantedLeaks(report);
}

void TestCli::onlyPlantedLeaksAreSuspects()
{
    const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QJsonArray candidates = QJsonDocument::fromJson(run.out).object().value(u"candidates"_s).toArray();
    QVERIFY(!candidates.isEmpty());
    const auto extra = candidatesWhere(candidates, [](const QJsonObject& c) {
        const QString repr = c.value(u"repr"_s).toString();
        const bool planted = repr.startsWith(u"{'plantleak': 'orphan-"_s)
            || repr.startsWith(u"[{'plantleak': 'list-child'"_s)
            || c.value(u"type"_s).toString() == u"plantleak.Leaky"_s;
        return c.value(u"suspect"_s).toBool() && !planted;
    });
    QStringList described;
    for (const QJsonObject& c : extra)
        described += c.value(u"type"_s).toString() + u' ' + c.value(u"repr"_s).toString().left(100);
    // Everything the interpreter and the import of plantleak legitimately keep must be explained away.
    const auto moduleCopy = candidatesWhere(candidates, [](const QJsonObject& c) {
        return c.value(u"suspect"_s).toBool()
            && c.value(u"repr"_s).toString().startsWith(u"{'__name__': 'plantleak'"_s);
    });
    QVERIFY2(extra.size() == moduleCopy.size(), qPrintable(described.join(u'\n')));
    QVERIFY2(moduleCopy.isEmpty(), qPrintable(described.join(u'\n')));
}

void TestCli::csvFormat()
{
    const QString output = tmpPath(u"report.csv"_s);
    const Run run = runCli({u"report"_s, u"--format"_s, u"csv"_s, u"--output"_s, output, u"--"_s,
                            scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QFile file(output);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    bool ok = false;
    const QList<QStringList> records = parseCsv(file.readAll(), &ok);
    QVERIFY2(ok, "unterminated quoted field");
    QVERIFY(records.size() > 1);
    const QStringList header = u"address,type,size,refcount,referrers,surplus,referents,suspect,explanation_kind,"
                               u"explanation_detail,repr,ignored_by,retained_size,created_by"_s.split(u',');
    QCOMPARE(records.first(), header);

    bool orphanDict = false, orphanDouble = false, leaky = false;
    for (qsizetype i = 1; i < records.size(); ++i) {
        const QStringList& row = records.at(i);
        QVERIFY2(row.size() == header.size(), qPrintable(row.join(u'|')));
        for (int column : {2, 3, 4, 5, 6, 12}) {
            bool number = false;
            row.at(column).toLongLong(&number);
            QVERIFY2(number, qPrintable(u"column %1 of %2"_s.arg(header.at(column), row.join(u'|'))));
        }
        QVERIFY2(row.at(7) == u"true"_s || row.at(7) == u"false"_s, qPrintable(row.join(u'|')));
        QVERIFY2(row.at(12).toLongLong() >= row.at(2).toLongLong(), qPrintable(row.join(u'|'))); // retains itself
        QVERIFY2(row.at(11).isEmpty(), qPrintable(row.join(u'|'))); // no --ignore, no rule
        QVERIFY2(row.at(13).isEmpty(), qPrintable(row.join(u'|'))); // no --native-traces, no creator
        const QString repr = row.at(10);
        if (repr.startsWith(u"{'plantleak': 'orphan-dict'"_s)) {
            orphanDict = true;
            QCOMPARE(row.at(5), u"1"_s);
            QCOMPARE(row.at(7), u"true"_s);
        } else if (repr.startsWith(u"{'plantleak': 'orphan-double'"_s)) {
            orphanDouble = true;
            QCOMPARE(row.at(5), u"2"_s);
        } else if (row.at(1) == u"plantleak.Leaky"_s) {
            leaky = true;
        }
        QVERIFY2(!repr.startsWith(u"{'plantleak': 'list-child'"_s), qPrintable(repr));
    }
    QVERIFY(orphanDict && orphanDouble && leaky);

    // One row per candidate: the same script reported as JSON (to stdout this time) agrees.
    const Run json = runCli({u"report"_s, u"--format"_s, u"json"_s, scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(json.finished && json.exitCode == 0, json.describe().constData());
    const QJsonObject report = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(records.size() - 1, report.value(u"candidates"_s).toArray().size());
}

void TestCli::demoShowsItsLeaksFirst()
{
    // What `make run` prints: the demo's planted leaks are the first suspects of the table.
    const Run run = runCli({u"report"_s, QStringLiteral(LEAKSCOPE_DEMO)});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QStringList lines = nonEmptyLines(run.out);
    const int header = lines.indexOf(QRegularExpression(u"ADDRESS .*"_s)); // exact match of the whole line
    QVERIFY2(header > 0 && lines.size() >= header + 5, run.describe().constData());
    for (int row = header + 1; row <= header + 3; ++row)
        QVERIFY2(lines.at(row).contains(u"__main__.Request"_s), qPrintable(lines.at(row)));
    QVERIFY2(lines.at(header + 4).contains(u"[{'id': 1, 'name': 'alpha'}, {'id': 2, 'name': 'beta'}]"_s),
             qPrintable(lines.at(header + 4)));
    const auto summary = QRegularExpression(u"(\\d+) suspects"_s).match(QString::fromUtf8(run.out));
    QVERIFY(summary.hasMatch());
    QVERIFY2(summary.captured(1).toInt() <= 20, qPrintable(summary.captured(0)));
}

void TestCli::scriptSnapshotsAreSummarised()
{
    const Run run = runCli({u"report"_s, scriptPath(u"cli_snapshots.py"_s)});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(QRegularExpression(u"leakscope: snapshot 'first': \\d+ objects, \\d+ candidates, \\d+ suspects\n"_s).match(err).hasMatch(),
             qPrintable(err));
    QVERIFY2(err.contains(u"leakscope: pause 'second'"_s) && err.contains(u"the script goes on"_s), qPrintable(err));
    QVERIFY(run.out.contains("after the pause"));
}

// Lists and tuples with empty (NULL) slots, made by C code, and a bound method: reported with their
// structural reprs, also while a tuple is being filled, instead of crashing the capture.
void TestCli::emptySlotsAndBoundMethods()
{
    const QString output = tmpPath(u"report.json"_s);
    const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output, scriptPath(u"null_slots.py"_s)});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const auto printed = QRegularExpression(u"null slots: (0x[0-9a-f]+) (0x[0-9a-f]+)"_s).match(QString::fromUtf8(run.out));
    QVERIFY2(printed.hasMatch(), run.describe().constData());
    QVERIFY2(run.err.contains("leakscope: snapshot 'tuple being filled': "), run.describe().constData());
    QString error;
    const QJsonObject report = readJsonReport(output, &error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
    if (QTest::currentTestFailed())
        return;
    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    auto reprAt = [&](const QString& address) {
        const auto found = candidatesWhere(candidates, [&](const QJsonObject& c) { return c.value(u"address"_s).toString() == address; });
        return found.size() == 1 && found.first().value(u"suspect"_s).toBool() ? found.first().value(u"repr"_s).toString()
                                                                              : u"(not a suspect)"_s;
    };
    QCOMPARE(reprAt(printed.captured(1)), u"[<NULL>, <NULL>, ['null-slots-item'], <NULL>]"_s);
    QCOMPARE(reprAt(printed.captured(2)), u"(<NULL>, <NULL>)"_s);
    const auto methods = candidatesWhere(candidates, [](const QJsonObject& c) {
        return hasBuiltinType(c, u"method"_s)
            && c.value(u"repr"_s).toString() == u"<bound method Worker.run of <Worker(null-slots-worker, initial daemon)>>"_s;
    });
    QCOMPARE(methods.size(), 1);
}

void TestCli::tableFormat()
{
    const Run run = runCli({u"report"_s, scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QStringList lines = nonEmptyLines(run.out);
    QVERIFY2(lines.size() >= 4, run.describe().constData());
    QVERIFY2(lines.at(0).startsWith(u"Python 3.11."_s), qPrintable(lines.at(0)));
    const auto summary = QRegularExpression(u"^(\\d+) leak candidates, (\\d+) suspects"_s).match(lines.at(1));
    QVERIFY2(summary.hasMatch(), qPrintable(lines.at(1)));
    const int suspects = summary.captured(2).toInt();
    QVERIFY(suspects >= 4 && suspects <= summary.captured(1).toInt());
    QVERIFY2(lines.at(2).contains(u"ADDRESS"_s) && lines.at(2).contains(u"SURPLUS"_s), qPrintable(lines.at(2)));
    QVERIFY2(run.out.contains("{'plantleak': 'orphan-dict'"), run.describe().constData());

    // Every suspect is either a row or counted in the closing "more suspects" line.
    int rows = 0, more = 0;
    // The rows end where the per-library summary begins.
    qsizetype end = 3;
    while (end < lines.size() && !lines.at(end).startsWith(u"Suspects by the library"_s))
        ++end;
    QVERIFY2(end < lines.size(), "no per-library summary");
    QVERIFY2(lines.at(end + 1).contains(u"plantleak.cpython-311"_s) || lines.at(end + 2).contains(u"plantleak.cpython-311"_s),
             run.describe().constData());
    for (qsizetype i = 3; i < end; ++i) {
        const auto tail = QRegularExpression(u"(\\d+) more suspects"_s).match(lines.at(i));
        if (tail.hasMatch()) {
            QCOMPARE(i, end - 1);
            more = tail.captured(1).toInt();
        } else {
            QVERIFY2(lines.at(i).startsWith(u"0x"_s), qPrintable(lines.at(i)));
            ++rows;
        }
    }
    QCOMPARE(rows + more, suspects);
}

void TestCli::relativeOutputIsTheCallersPath()
{
    // A relative --output names a file in the folder the CLI was started in, whatever the script does.
    const QString script = tmpPath(u"wanders.py"_s);
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("import os\nos.mkdir('elsewhere')\nos.chdir('elsewhere')\n");
    file.close();
    const Run run = runInTmp({u"report"_s, u"--output"_s, u"report.txt"_s, script});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QVERIFY2(QFile::exists(tmpPath(u"report.txt"_s)), qPrintable(tmpEntries().join(u' ')));
    QVERIFY(!QFile::exists(tmpPath(u"elsewhere/report.txt"_s)));
}

void TestCli::scriptSeesPythonInvocation_data()
{
    QTest::addColumn<QString>("workingDirectory"); // empty: the temporary folder
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("symlink"); // script is a link in the temporary folder to prints.py

    QTest::newRow("absolute path, awkward arguments")
        << QString() << scriptPath(u"prints.py"_s)
        << QStringList{u"a"_s, u"b c"_s, QString(), u"--format"_s, u"xml"_s, u"-h"_s, u"ünïcödé"_s} << false;
    QTest::newRow("relative path") << scriptsDir() << u"prints.py"_s << QStringList{u"x"_s} << false;
    QTest::newRow("path with ..") << scriptsDir() + u"/../cli"_s << u"../scripts/prints.py"_s << QStringList() << false;
    QTest::newRow("symlink") << QString() << u"link.py"_s << QStringList{u"--"_s} << true;
}

void TestCli::scriptSeesPythonInvocation()
{
    QFETCH(QString, workingDirectory);
    QFETCH(QString, script);
    QFETCH(QStringList, arguments);
    QFETCH(bool, symlink);
    if (symlink)
        QVERIFY(QFile::link(scriptPath(u"prints.py"_s), tmpPath(script)));
    RunOptions options;
    options.workingDirectory = workingDirectory.isEmpty() ? m_tmp->path() : workingDirectory;
    options.environment.remove(u"PYTHONSAFEPATH"_s); // it would keep the script's folder off sys.path

    const Run run = runCli(
        QStringList{u"report"_s, u"--output"_s, tmpPath(u"report.txt"_s), u"--"_s, script} + arguments, options);
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QJsonObject seen = invocationOf(run);
    QVERIFY2(!seen.isEmpty(), run.describe().constData());

    // What python3 SCRIPT ARGS promises, stated directly ...
    QCOMPARE(seen.value(u"argv"_s).toVariant().toStringList(), QStringList{script} + arguments);
    QCOMPARE(seen.value(u"name"_s).toString(), u"__main__"_s);
    const QString file = seen.value(u"file"_s).toString();
    QVERIFY2(QFileInfo(file).isAbsolute(), qPrintable(file));
    QCOMPARE(QFileInfo(file).canonicalFilePath(),
             QFileInfo(QDir(options.workingDirectory), script).canonicalFilePath());
    // sys.path[0] is the folder of the file the link points to, as python3 does it.
    QCOMPARE(seen.value(u"path0"_s).toString(), QFileInfo(scriptPath(u"prints.py"_s)).canonicalPath());

    // ... and checked against python3 itself.
    const Run python = runProgram(pythonPath(), QStringList{script} + arguments, options);
    QVERIFY2(python.finished && python.exitCode == 0, python.describe().constData());
    const QJsonObject expected = invocationOf(python);
    QCOMPARE(seen.value(u"argv"_s), expected.value(u"argv"_s));
    QCOMPARE(seen.value(u"path0"_s), expected.value(u"path0"_s));
    QCOMPARE(file, expected.value(u"file"_s).toString());
}

void TestCli::scriptOptionsAfterScript()
{
    // Without "--", options after the script are the script's: these would be usage errors for report.
    const QString output = tmpPath(u"report.txt"_s);
    const Run run = runCli(
        {u"report"_s, u"--output"_s, output, scriptPath(u"prints.py"_s), u"--format"_s, u"xml"_s, u"--help"_s});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QCOMPARE(invocationOf(run).value(u"argv"_s).toVariant().toStringList(),
             (QStringList{scriptPath(u"prints.py"_s), u"--format"_s, u"xml"_s, u"--help"_s}));
    QFile report(output);
    QVERIFY(report.open(QIODevice::ReadOnly));
    QVERIFY(report.readLine().startsWith("Python 3.11.")); // the default table, not xml
}

QTEST_GUILESS_MAIN(TestCli)
