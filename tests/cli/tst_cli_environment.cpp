// leakscope-cli report starts its interpreter as python3 starts for `python3 SCRIPT` in the same
// environment, with and without -I and -E: each test runs tests/scripts/environment.py under both and
// compares what the script saw.
#include "tst_cli.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// Every key of expected has the same value in seen, the failure naming the key.
void compareStartup(const QJsonObject& seen, const QJsonObject& expected, const QStringList& skip = {})
{
    QVERIFY(!expected.isEmpty());
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        if (skip.contains(it.key()))
            continue;
        const QJsonValue value = seen.value(it.key());
        QVERIFY2(value == it.value(),
                 qPrintable(it.key() + u": LeakScope saw "_s + QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
                            + u", python3 "_s
                            + QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact))));
    }
}

} // namespace

void TestCli::environmentAsPython3_data()
{
    QTest::addColumn<QStringList>("options"); // given to python3 and to report alike
    QTest::addColumn<bool>("safePath");       // PYTHONSAFEPATH=1
    QTest::addColumn<bool>("useEnvironment"); // whether PYTHON* variables count
    QTest::addColumn<bool>("userSite");       // whether the user's site-packages are on sys.path
    QTest::addColumn<QString>("locale");      // LC_ALL, when set
    QTest::newRow("environment") << QStringList() << false << true << true << QString();
    QTest::newRow("PYTHONSAFEPATH") << QStringList() << true << true << true << QString();
    // site.py reads PYTHONUSERBASE from os.environ, -E or not.
    QTest::newRow("-E") << QStringList{u"-E"_s} << false << false << true << QString();
    QTest::newRow("-I") << QStringList{u"-I"_s} << false << false << false << QString();
    QTest::newRow("-I -E") << QStringList{u"-I"_s, u"-E"_s} << false << false << false << QString();
    QTest::newRow("-I, PYTHONSAFEPATH") << QStringList{u"-I"_s} << true << false << false << QString();
    // The C locale turns UTF-8 mode on, for python3 and LeakScope alike; other locales leave it off.
    QTest::newRow("C locale") << QStringList() << false << true << true << u"C"_s;
    QTest::newRow("-I, C locale") << QStringList{u"-I"_s} << false << false << false << u"C"_s;
}

void TestCli::environmentAsPython3()
{
    QFETCH(QStringList, options);
    QFETCH(bool, safePath);
    QFETCH(bool, useEnvironment);
    QFETCH(bool, userSite);
    QFETCH(QString, locale);
    QString error;
    RunOptions run;
    run.environment = startupEnvironment(m_tmp->path(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    if (safePath)
        run.environment.insert(u"PYTHONSAFEPATH"_s, u"1"_s);
    if (!locale.isEmpty())
        run.environment.insert(u"LC_ALL"_s, locale);
    run.workingDirectory = m_tmp->path();
    const QString script = scriptPath(u"environment.py"_s);

    const Run python = runProgram(pythonPath(), options + QStringList{script}, run);
    QVERIFY2(python.finished && python.exitCode == 0, python.describe().constData());
    const Run cli
        = runCli(QStringList{u"report"_s, u"--output"_s, tmpPath(u"report.txt"_s)} + options + QStringList{u"--"_s, script}, run);
    QVERIFY2(cli.finished && cli.exitCode == 0, cli.describe().constData());
    const QJsonObject expected = startupReport(python.err);
    const QJsonObject seen = startupReport(cli.err);
    QVERIFY2(!expected.isEmpty(), python.describe().constData());
    QVERIFY2(!seen.isEmpty(), cli.describe().constData());

    // What the row promises, stated directly ...
    const bool isolated = options.contains(u"-I"_s);
    const QJsonObject flags = seen.value(u"flags"_s).toObject();
    QCOMPARE(flags.value(u"isolated"_s).toInt(), isolated ? 1 : 0);
    QCOMPARE(flags.value(u"ignore_environment"_s).toInt(), useEnvironment ? 0 : 1);
    QCOMPARE(flags.value(u"no_user_site"_s).toInt(), isolated ? 1 : 0);
    QCOMPARE(flags.value(u"safe_path"_s).toBool(), isolated || (safePath && useEnvironment));
    QCOMPARE(flags.value(u"dont_write_bytecode"_s).toInt(), useEnvironment ? 1 : 0);
    QCOMPARE(seen.value(u"from_pythonpath"_s).toString(), useEnvironment ? u"PYTHONPATH"_s : QString());
    QCOMPARE(seen.value(u"from_user_site"_s).toString(), userSite ? u"user site"_s : QString());
    const QStringList path = seen.value(u"path"_s).toVariant().toStringList();
    QVERIFY(!path.isEmpty());
    const bool scriptFolderFirst = path.first() == QFileInfo(script).canonicalPath();
    QVERIFY2(scriptFolderFirst == !flags.value(u"safe_path"_s).toBool(), qPrintable(path.join(u' ')));
    QCOMPARE(path.contains(m_tmp->filePath(u"pythonpath"_s)), useEnvironment);
    QCOMPARE(seen.value(u"warnoptions"_s).toVariant().toStringList(),
             useEnvironment ? QString::fromLatin1(kStartupWarnings).split(u',') : QStringList());
    QCOMPARE(seen.value(u"executable"_s).toString(), pythonPath());
    if (locale == u"C"_s)
        QCOMPARE(flags.value(u"utf8_mode"_s).toInt(), 1);

    // ... and checked against python3 itself. Without PYTHONHASHSEED each process has its own seed.
    compareStartup(seen, expected, useEnvironment ? QStringList() : QStringList{u"hash"_s});
}

void TestCli::foreignPythonHome()
{
    QString error;
    RunOptions run;
    run.environment = startupEnvironment(m_tmp->path(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    run.workingDirectory = m_tmp->path();
    const QString script = scriptPath(u"environment.py"_s);
    const QString output = tmpPath(u"report.txt"_s);
    const Run plain = runProgram(pythonPath(), {script}, run);
    const QJsonObject expected = startupReport(plain.err);
    QVERIFY2(plain.finished && plain.exitCode == 0 && !expected.isEmpty(), plain.describe().constData());
    const QString prefix = expected.value(u"base_prefix"_s).toString();

    // A home without this interpreter's standard library: python3 cannot even start with it ...
    const QString home = tmpPath(u"home"_s);
    QVERIFY(QDir().mkpath(home + u"/lib"_s));
    run.environment.insert(u"PYTHONHOME"_s, home);
    const Run python = runProgram(pythonPath(), {script}, run);
    QVERIFY2(python.finished && python.exitCode != 0, python.describe().constData());
    // ... LeakScope runs with its own prefix instead, and says so in one line.
    Run cli = runCli({u"report"_s, u"--output"_s, output, script}, run);
    QVERIFY2(cli.finished && cli.exitCode == 0, cli.describe().constData());
    QCOMPARE(nonEmptyLines(cli.err).filter(u"PYTHONHOME"_s),
             QStringList{u"leakscope: ignoring PYTHONHOME="_s + home + u", which is not this interpreter's prefix "_s
                         + prefix});
    compareStartup(startupReport(cli.err), expected);

    // With -E the variable does not count, for python3 or for LeakScope: no warning.
    const Run pythonE = runProgram(pythonPath(), {u"-E"_s, script}, run);
    QVERIFY2(pythonE.finished && pythonE.exitCode == 0, pythonE.describe().constData());
    cli = runCli({u"report"_s, u"--output"_s, output, u"-E"_s, script}, run);
    QVERIFY2(cli.finished && cli.exitCode == 0, cli.describe().constData());
    QVERIFY2(!cli.err.contains("PYTHONHOME"), cli.describe().constData());
    compareStartup(startupReport(cli.err), startupReport(pythonE.err), {u"hash"_s});

    // This interpreter's own prefix (spelled prefix:exec_prefix) is honoured without a word, as by python3.
    run.environment.insert(u"PYTHONHOME"_s, prefix + u':' + prefix);
    const Run pythonHome = runProgram(pythonPath(), {script}, run);
    QVERIFY2(pythonHome.finished && pythonHome.exitCode == 0, pythonHome.describe().constData());
    cli = runCli({u"report"_s, u"--output"_s, output, script}, run);
    QVERIFY2(cli.finished && cli.exitCode == 0, cli.describe().constData());
    QVERIFY2(!cli.err.contains("PYTHONHOME"), cli.describe().constData());
    compareStartup(startupReport(cli.err), startupReport(pythonHome.err));
}

// With tracing on from the start, the lines tracemalloc records (read through the line arrays
// LeakScope builds for it) are python3's: short and long functions, a generator, a method, a traceback,
// and lines past 32,767 that need wide entries.
void TestCli::tracedLinesAsPython3()
{
    const QString script = scriptPath(u"traced_lines.py"_s);
    const Run python = runProgram(pythonPath(), {u"-X"_s, u"tracemalloc=8"_s, script});
    QVERIFY2(python.finished && python.exitCode == 0, python.describe().constData());
    const Run cli = runCli({u"report"_s, u"--tracemalloc=8"_s, u"--output"_s, tmpPath(u"report.txt"_s), u"--"_s, script});
    QVERIFY2(cli.finished && cli.exitCode == 0, cli.describe().constData());
    const QJsonObject expected = QJsonDocument::fromJson(python.out.trimmed()).object();
    const QJsonObject seen = QJsonDocument::fromJson(cli.out.trimmed()).object();
    QVERIFY2(seen.value(u"tracing"_s).toBool(), cli.describe().constData());
    const QJsonObject lines = seen.value(u"lines"_s).toObject();
    QCOMPARE(lines.size(), 6);
    for (auto it = lines.begin(); it != lines.end(); ++it) {
        const QJsonObject place = it.value().toObject();
        QVERIFY2(place.value(u"traced"_s) == place.value(u"expected"_s), qPrintable(it.key() + u": "_s + QString::fromUtf8(cli.out)));
    }
    QCOMPARE(lines.value(u"far"_s).toObject().value(u"traced"_s).toInt(), 40002);
    compareStartup(seen, expected);
}
