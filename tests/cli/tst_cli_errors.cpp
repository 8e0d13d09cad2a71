#include "tst_cli.h"

#include "report_checks.h"
#include "support/process_start.h"

#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace clitest;

void TestCli::checkRefused(const Run& run, const QString& mention) const
{
    QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
    QVERIFY2(run.out.isEmpty(), run.describe().constData());
    const QStringList lines = nonEmptyLines(run.err);
    QVERIFY2(lines.size() == 1, run.describe().constData());
    QVERIFY2(lines.first().contains(mention), run.describe().constData());
    QCOMPARE(tmpEntries(), QStringList());
}

void TestCli::missingScript()
{
    checkRefused(runInTmp({u"report"_s, u"--output"_s, u"report.json"_s, u"--"_s, u"no-such-script.py"_s}),
                 u"no-such-script.py"_s);
}

void TestCli::unreadableScript()
{
    // chmod 000 stops everyone but root, so as root the CLI runs as nobody, in a folder opened to it.
    const bool root = ::geteuid() == 0;
    constexpr auto readAll = QFile::ReadOwner | QFile::ReadUser | QFile::ReadGroup | QFile::ReadOther;
    constexpr auto enterAll = QFile::ExeOwner | QFile::ExeUser | QFile::ExeGroup | QFile::ExeOther;
    QVERIFY(QFile::setPermissions(m_tmp->path(), readAll | enterAll | QFile::WriteOwner | QFile::WriteUser));
    QVERIFY(QFile::copy(scriptPath(u"prints.py"_s), tmpPath(u"readable.py"_s)));
    QVERIFY(QFile::copy(scriptPath(u"prints.py"_s), tmpPath(u"secret.py"_s)));
    QVERIFY(QFile::setPermissions(tmpPath(u"readable.py"_s), readAll));
    QVERIFY(QFile::setPermissions(tmpPath(u"secret.py"_s), QFile::Permissions()));
    RunOptions options;
    options.workingDirectory = m_tmp->path();
    options.asNobody = root;

    const Run control = runCli({u"report"_s, u"readable.py"_s}, options);
    if (root && (!control.finished || control.exitCode != 0))
        QSKIP(qPrintable(u"running as root and the CLI cannot run as nobody: "_s
                         + QString::fromUtf8(control.describe())));
    QVERIFY2(control.finished && control.exitCode == 0, control.describe().constData());

    const Run run = runCli({u"report"_s, u"secret.py"_s}, options);
    QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
    QVERIFY2(run.out.isEmpty(), run.describe().constData());
    const QStringList lines = nonEmptyLines(run.err);
    QVERIFY2(lines.size() == 1 && lines.first().contains(u"secret.py"_s) && lines.first().contains(u"ermission"_s),
             run.describe().constData());
}

void TestCli::directoryAsScript()
{
    checkRefused(runInTmp({u"report"_s, u"--output"_s, u"report.json"_s, scriptsDir()}), u"directory"_s);
}

void TestCli::syntaxError()
{
    const Run run = runInTmp({u"report"_s, u"--output"_s, u"report.json"_s, scriptPath(u"syntax_error.py"_s)});
    checkRefused(run, u"SyntaxError"_s);
    QVERIFY2(run.err.contains("syntax_error.py"), run.describe().constData());
}

void TestCli::uncaughtException()
{
    const Run run = runInTmp(
        {u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, u"report.json"_s, scriptPath(u"raises.py"_s)});
    QVERIFY2(run.finished && run.exitCode == 1, run.describe().constData());
    QVERIFY2(run.err.contains("Traceback (most recent call last)"), run.describe().constData());
    QVERIFY2(run.err.contains("ValueError: planted failure"), run.describe().constData());
    QString error;
    const QJsonObject report = readJsonReport(tmpPath(u"report.json"_s), &error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
}

void TestCli::interrupted()
{
    // Ctrl+C: the script gets KeyboardInterrupt, the heap is still reported, and the status is 130.
    QProcess process;
    process.setProgram(cliPath());
    process.setArguments(
        {u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, tmpPath(u"report.json"_s), scriptPath(u"waits.py"_s)});
    process.setStandardInputFile(QProcess::nullDevice());
    leakscope::startProcess(process);
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError()).contains("ready\n"), 120'000);
    QCOMPARE(::kill(static_cast<pid_t>(process.processId()), SIGINT), 0);
    QVERIFY(process.waitForFinished(120'000));
    err += process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 130, err.constData());
    QVERIFY2(err.contains("KeyboardInterrupt"), err.constData());
    QString error;
    const QJsonObject report = readJsonReport(tmpPath(u"report.json"_s), &error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
}

void TestCli::exitStatus_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("sameAsPython"); // python3 dies of SIGINT instead of exiting with 130

    QTest::newRow("exits.py") << QString() << 3 << true;
    QTest::newRow("falls off the end") << u"x = [1]\n"_s << 0 << true;
    QTest::newRow("sys.exit()") << u"import sys\nsys.exit()\n"_s << 0 << true;
    QTest::newRow("sys.exit(0)") << u"import sys\nsys.exit(0)\n"_s << 0 << true;
    QTest::newRow("SystemExit(7)") << u"raise SystemExit(7)\n"_s << 7 << true;
    QTest::newRow("sys.exit(message)") << u"import sys\nsys.exit('bye now')\n"_s << 1 << true;
    QTest::newRow("KeyboardInterrupt") << u"raise KeyboardInterrupt\n"_s << 130 << false;
}

void TestCli::exitStatus()
{
    QFETCH(QString, source);
    QFETCH(int, status);
    QFETCH(bool, sameAsPython);
    QString script = scriptPath(u"exits.py"_s);
    if (!source.isEmpty()) {
        script = tmpPath(u"script.py"_s);
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(source.toUtf8()) == source.toUtf8().size());
    }
    const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, tmpPath(u"report.json"_s), script});
    QVERIFY2(run.finished && run.exitCode == status, run.describe().constData());
    QString error;
    QVERIFY2(!readJsonReport(tmpPath(u"report.json"_s), &error).isEmpty(), qPrintable(error));
    if (source.contains(u"bye now"_s))
        QVERIFY2(run.err.contains("bye now"), run.describe().constData());
    if (sameAsPython) {
        const Run python = runProgram(pythonPath(), {script});
        QVERIFY2(python.finished, python.describe().constData());
        QCOMPARE(run.exitCode, python.exitCode);
        QCOMPARE(run.err, python.err);
    }
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mention");
    const QString script = scriptPath(u"touches.py"_s);
    const QString marker = u"marker"_s; // relative to the temporary folder: must never appear

    QTest::newRow("unknown option") << QStringList{u"report"_s, u"--bogus"_s, script, marker} << u"--bogus"_s;
    const QStringList xml{u"report"_s, u"--format"_s, u"xml"_s, u"--output"_s, u"r.xml"_s, script, marker};
    QTest::newRow("--format xml") << xml << u"xml"_s;
    QTest::newRow("--format=xml") << QStringList{u"report"_s, u"--format=xml"_s, script, marker} << u"xml"_s;
    QTest::newRow("--format without value") << QStringList{u"report"_s, u"--format"_s} << u"--format"_s;
    QTest::newRow("--output without value") << QStringList{u"report"_s, u"--output"_s} << u"--output"_s;
    QTest::newRow("empty --output=") << QStringList{u"report"_s, u"--output="_s, script, marker} << u"--output"_s;
    QTest::newRow("--ignore without value") << QStringList{u"report"_s, u"--ignore"_s} << u"--ignore"_s;
    QTest::newRow("empty --ignore=") << QStringList{u"report"_s, u"--ignore="_s, script, marker} << u"--ignore"_s;
    QTest::newRow("--tracemalloc=0") << QStringList{u"report"_s, u"--tracemalloc=0"_s, script, marker} << u"--tracemalloc"_s;
    QTest::newRow("--tracemalloc=many") << QStringList{u"report"_s, u"--tracemalloc=many"_s, script, marker} << u"many"_s;
    QTest::newRow("--tracemalloc too deep") << QStringList{u"report"_s, u"--tracemalloc=65536"_s, script, marker} << u"65536"_s;
    QTest::newRow("--native-traces=0") << QStringList{u"report"_s, u"--native-traces=0"_s, script, marker}
                                       << u"--native-traces takes a depth from 1 to 256, not '0'"_s;
    QTest::newRow("--native-traces=many") << QStringList{u"report"_s, u"--native-traces=many"_s, script, marker}
                                          << u"--native-traces takes a depth from 1 to 256, not 'many'"_s;
    QTest::newRow("--native-traces too deep") << QStringList{u"report"_s, u"--native-traces=257"_s, script, marker}
                                              << u"--native-traces takes a depth from 1 to 256, not '257'"_s;
    QTest::newRow("no script") << QStringList{u"report"_s, u"--format"_s, u"json"_s} << u"script"_s;
    QTest::newRow("no script after --") << QStringList{u"report"_s, u"--"_s} << u"script"_s;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << u"frobnicate"_s;
    QTest::newRow("bench: bad count") << QStringList{u"bench"_s, u"--objects"_s, u"lots"_s} << u"lots"_s;
    QTest::newRow("bench: --repeat 0") << QStringList{u"bench"_s, u"--repeat"_s, u"0"_s} << u"--repeat"_s;
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mention);
    const Run run = runInTmp(arguments);
    QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
    QVERIFY2(run.out.isEmpty(), run.describe().constData());
    QVERIFY2(QString::fromUtf8(run.err).contains(mention), run.describe().constData());
    QCOMPARE(tmpEntries(), QStringList()); // neither the script's marker nor a report
}

void TestCli::unwritableOutput_data()
{
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("mention");
    QTest::newRow("missing folder") << u"missing/report.json"_s << u"missing/report.json"_s;
    QTest::newRow("a folder") << u"."_s << u"directory"_s;
}

void TestCli::unwritableOutput()
{
    QFETCH(QString, output);
    QFETCH(QString, mention);
    // The check comes before the script runs: a long run must not end in a report nobody can write.
    checkRefused(runInTmp({u"report"_s, u"--output"_s, output, scriptPath(u"touches.py"_s), tmpPath(u"marker"_s)}),
                 mention);
}

void TestCli::help_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("mentions");
    QTest::newRow("--help") << QStringList{u"--help"_s}
                            << QStringList{u"Usage: leakscope-cli"_s, u"report"_s, u"bench"_s};
    QTest::newRow("-h") << QStringList{u"-h"_s} << QStringList{u"Usage: leakscope-cli"_s};
    QTest::newRow("report --help") << QStringList{u"report"_s, u"--help"_s}
                                   << QStringList{u"Usage: leakscope-cli report"_s, u"--format"_s, u"--output"_s,
                                                  u"--no-collect"_s, u"--ignore"_s, u"-I  "_s, u"as python3 -I"_s,
                                                  u"-E  "_s, u"as python3 -E"_s, u"--native-traces[=DEPTH]"_s,
                                                  u"default 16, 1 to 256"_s};
    QTest::newRow("report -h") << QStringList{u"report"_s, u"-h"_s} << QStringList{u"Usage: leakscope-cli report"_s};
    QTest::newRow("bench --help") << QStringList{u"bench"_s, u"--help"_s}
                                  << QStringList{u"Usage: leakscope-cli bench"_s, u"--objects"_s, u"--repeat"_s};
    QTest::newRow("--version") << QStringList{u"--version"_s} << QStringList{u"leakscope-cli "_s};
}

void TestCli::help()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, mentions);
    const Run run = runInTmp(arguments);
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.err.isEmpty(), run.describe().constData());
    for (const QString& mention : mentions)
        QVERIFY2(QString::fromUtf8(run.out).contains(mention),
                 qPrintable(mention + u" missing from:\n"_s + QString::fromUtf8(run.out)));
    QCOMPARE(tmpEntries(), QStringList());
}

void TestCli::bench()
{
    // Not a timing test: it runs, and prints one row of figures under its header.
    const Run run = runCli({u"bench"_s, u"--objects"_s, u"20k"_s, u"--repeat"_s, u"1"_s, u"--no-objgraph"_s});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QStringList lines = nonEmptyLines(run.out);
    const auto header
        = std::find_if(lines.begin(), lines.end(), [](const QString& l) { return l.contains(u"gc_objs"_s); });
    QVERIFY2(header != lines.end() && header + 1 != lines.end(), run.describe().constData());
    const QStringList columns = header->split(u' ', Qt::SkipEmptyParts);
    const QStringList figures = (header + 1)->split(u' ', Qt::SkipEmptyParts);
    QCOMPARE(figures.size(), columns.size());
    for (const QString& figure : figures) {
        bool number = false;
        figure.toDouble(&number);
        QVERIFY2(number || figure == u"-"_s, qPrintable(figure));
    }
    QVERIFY2(figures.first().toLongLong() >= 10'000, qPrintable(figures.first())); // about the 20k asked for
}
