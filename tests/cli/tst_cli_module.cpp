// `-m MODULE` for `report` and `run`: a module runs as `python3 -m MODULE ARGS` runs it. Each check
// runs the same module under leakscope-cli and under python3 and compares what the module saw
// (sys.argv, sys.path[0], __main__), the output, the exit status and, for a module that cannot be
// found, the one-line error (in leakscope-cli's name rather than the interpreter's path).
#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// Prints, as one JSON line, what python3 -m sets up for the module that runs.
const char kShowMain[] = R"(import json, os, sys
print(json.dumps({"argv": sys.argv, "path0": sys.path[0], "name": __name__, "file": __file__,
                  "spec": __spec__.name, "cwd": os.getcwd()}))
)";

bool writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

// The JSON line kShowMain printed; empty when there is none.
QJsonObject shownMain(const QByteArray& out)
{
    for (const QString& line : nonEmptyLines(out)) {
        const QJsonDocument document = QJsonDocument::fromJson(line.toUtf8());
        if (document.isObject() && document.object().contains(u"argv"_s))
            return document.object();
    }
    return {};
}

QString lastLine(const QByteArray& text)
{
    const QStringList lines = nonEmptyLines(text);
    return lines.isEmpty() ? QString() : lines.last();
}

} // namespace

class TestCliModule : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_folder;
    RunOptions m_inFolder; // runs with the folder as the working directory

    Run python(const QStringList& arguments) const { return runProgram(pythonPath(), arguments, m_inFolder); }
    Run report(const QStringList& arguments) const
    {
        return runCli(QStringList{u"report"_s, u"--format"_s, u"json"_s, u"--output"_s,
                                  m_folder.filePath(u"report.json"_s)}
                          + arguments,
                      m_inFolder);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        m_inFolder.workingDirectory = m_folder.path();
        // The modules are found through the working directory, as python3 -m finds them.
        m_inFolder.environment.remove(u"PYTHONPATH"_s);
        m_inFolder.environment.remove(u"PYTHONSAFEPATH"_s);
        m_inFolder.environment.insert(u"PYTHONDONTWRITEBYTECODE"_s, u"1"_s);
        QVERIFY(writeFile(m_folder.filePath(u"show_main.py"_s), kShowMain));
        QVERIFY(writeFile(m_folder.filePath(u"showpkg/__init__.py"_s), "import sys\nARGV0_AT_IMPORT = sys.argv[0]\n"));
        QVERIFY(writeFile(m_folder.filePath(u"showpkg/__main__.py"_s),
                          QByteArray(kShowMain) + "import showpkg\nprint('argv0 at import:', showpkg.ARGV0_AT_IMPORT)\n"));
        QVERIFY(writeFile(m_folder.filePath(u"bad_import.py"_s), "import leakscope_no_such_dependency\n"));
        QVERIFY(writeFile(m_folder.filePath(u"bad_syntax.py"_s), "print('never')\ndef broken(:\n    pass\n"));
        QVERIFY(writeFile(m_folder.filePath(u"exits.py"_s), "import sys\nprint('bye')\nsys.exit(7)\n"));
        QVERIFY(writeFile(m_folder.filePath(u"data.json"_s), "{\"b\": [1, 2], \"a\": {\"c\": null}}"));
        QVERIFY(writeFile(m_folder.filePath(u"suite/test_two.py"_s),
                          "def test_passes():\n    assert 1 + 1 == 2\n\n"
                          "def test_fails():\n    assert 1 + 1 == 3, 'planted failure'\n"));
    }

    // A standard-library module with its arguments: its output on stdout, as python3's, then the
    // report of the heap it left (the final snapshot).
    void reportJsonTool()
    {
        const QStringList module{u"-m"_s, u"json.tool"_s, u"--sort-keys"_s, u"data.json"_s};
        const Run expected = python(module);
        QVERIFY2(expected.finished && expected.exitCode == 0, expected.describe().constData());
        QFile::remove(m_folder.filePath(u"report.json"_s));
        const Run run = report(module);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QCOMPARE(run.out, expected.out);
        QVERIFY(run.out.contains("\"a\": {"));
        QString error;
        const QJsonObject json = readJsonReport(m_folder.filePath(u"report.json"_s), &error);
        QVERIFY2(!json.isEmpty(), qPrintable(error));
        QCOMPARE(json.value(u"format"_s).toString(), u"leakscope-report"_s);
        QVERIFY(json.value(u"summary"_s).toObject().value(u"gc_objects"_s).toInteger() > 0);
    }

    // `run -m`: the module's output, then the end-of-run snapshot saved as a file.
    void runSavesTheEnd()
    {
        const QString folder = m_folder.filePath(u"saved"_s);
        const Run run = runCli({u"run"_s, u"--output-dir"_s, folder, u"-m"_s, u"json.tool"_s, u"data.json"_s},
                               m_inFolder);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.out.contains("\"b\": ["), run.describe().constData());
        const QString end = QDir(folder).filePath(u"01-end.lssnap"_s);
        QCOMPARE(lastLine(run.out), end);
        QVERIFY(QFileInfo(end).size() > 0);
    }

    // sys.argv (runpy's module file at [0], the options after the module name the module's own),
    // sys.path[0] (the working directory), __name__ and __spec__, as python3 -m sets them; for a
    // module and for a package run through its __main__ submodule.
    void mainAsPython_data()
    {
        QTest::addColumn<QString>("module");
        QTest::newRow("module") << u"show_main"_s;
        QTest::newRow("package") << u"showpkg"_s;
    }

    void mainAsPython()
    {
        QFETCH(QString, module);
        const QStringList arguments{u"--format"_s, u"csv"_s, u"-I"_s, u"x y"_s};
        const Run expected = python(QStringList{u"-m"_s, module} + arguments);
        QVERIFY2(expected.finished && expected.exitCode == 0, expected.describe().constData());
        const Run run = report(QStringList{u"-m"_s, module} + arguments);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject seen = shownMain(run.out);
        const QJsonObject python = shownMain(expected.out);
        QVERIFY2(!seen.isEmpty() && !python.isEmpty(), run.describe().constData());
        QCOMPARE(seen, python);
        QCOMPARE(run.out, expected.out); // the package's "argv0 at import: -m" line too
        const QString folder = QFileInfo(m_folder.path()).canonicalFilePath();
        QCOMPARE(seen.value(u"path0"_s).toString(), folder);
        const QString file = module == u"showpkg"_s ? u"showpkg/__main__.py"_s : u"show_main.py"_s;
        QCOMPARE(seen.value(u"argv"_s).toArray().first().toString(), folder + u'/' + file);
        QCOMPARE(seen.value(u"argv"_s).toArray().size(), arguments.size() + 1);
        QCOMPARE(seen.value(u"name"_s).toString(), u"__main__"_s);
        if (module == u"showpkg"_s)
            QVERIFY2(run.out.contains("argv0 at import: -m\n"), run.describe().constData());
    }

    // -I: nothing goes first on sys.path, so a module in the working directory is not found, as with
    // python3 -I -m.
    void isolatedLeavesTheFolderOut()
    {
        const Run expected = python({u"-I"_s, u"-m"_s, u"show_main"_s});
        const Run run = report({u"-I"_s, u"-m"_s, u"show_main"_s});
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, expected.exitCode);
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(QString::fromUtf8(run.err), u"leakscope-cli: No module named show_main\n"_s);
        // A module the standard library has is found, and its sys.path has no working directory first.
        const Run json = report({u"-I"_s, u"-m"_s, u"json.tool"_s, u"data.json"_s});
        QVERIFY2(json.finished && json.exitCode == 0, json.describe().constData());
    }

    // PYTHONSAFEPATH: nothing goes first on sys.path either; found through PYTHONPATH from another
    // folder, the module sees the sys.path python3 -m gives it.
    void safePath_data()
    {
        QTest::addColumn<bool>("safe");
        QTest::newRow("PYTHONSAFEPATH=1") << true;
        QTest::newRow("without") << false;
    }

    void safePath()
    {
        QFETCH(bool, safe);
        RunOptions options = m_inFolder;
        options.workingDirectory = m_folder.filePath(u"suite"_s);
        options.environment.insert(u"PYTHONPATH"_s, m_folder.path());
        if (safe)
            options.environment.insert(u"PYTHONSAFEPATH"_s, u"1"_s);
        const QStringList module{u"-m"_s, u"show_main"_s};
        const Run expected = runProgram(pythonPath(), module, options);
        QVERIFY2(expected.finished && expected.exitCode == 0, expected.describe().constData());
        const Run run = runCli(QStringList{u"report"_s, u"--output"_s, m_folder.filePath(u"report.json"_s)} + module,
                               options);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject seen = shownMain(run.out);
        QCOMPARE(seen, shownMain(expected.out));
        const QString folder = QFileInfo(m_folder.path()).canonicalFilePath();
        QCOMPARE(seen.value(u"path0"_s).toString(), safe ? folder : folder + u"/suite"_s);
    }

    // A module that is not there: python3's one line, in leakscope-cli's name, and python3's status 1
    // (a missing script file still gives 2). No report is written.
    void missingModule_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("module");
        QTest::newRow("report") << u"report"_s << u"leakscope_no_such_module"_s;
        QTest::newRow("run") << u"run"_s << u"leakscope_no_such_module"_s;
        QTest::newRow("report, in a package") << u"report"_s << u"json.leakscope_no_such_module"_s;
        QTest::newRow("report, a file name") << u"report"_s << u"show_main.py"_s;
    }

    void missingModule()
    {
        QFETCH(QString, command);
        QFETCH(QString, module);
        const Run expected = python({u"-m"_s, module});
        QCOMPARE(expected.exitCode, 1);
        const QString prefix = pythonPath() + u": "_s;
        const QString pythonError = QString::fromUtf8(expected.err);
        QVERIFY2(pythonError.startsWith(prefix), expected.describe().constData());

        const QString output = m_folder.filePath(u"missing.json"_s);
        const QString folder = m_folder.filePath(u"missing-run"_s);
        const QStringList options = command == u"report"_s ? QStringList{u"--output"_s, output}
                                                          : QStringList{u"--output-dir"_s, folder};
        const Run run = runCli(QStringList{command} + options + QStringList{u"-m"_s, module}, m_inFolder);
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(QString::fromUtf8(run.err), u"leakscope-cli: "_s + pythonError.mid(prefix.size()));
        QCOMPARE(run.out, expected.out); // "show_main.py": runpy imports show_main before it gives up
        QVERIFY(!QFile::exists(output));
        QVERIFY(!QFile::exists(folder));
    }

    // A module that fails as it is imported or compiled, or that exits: python3's status and the
    // last line of its traceback.
    void failingModule_data()
    {
        QTest::addColumn<QString>("module");
        QTest::addColumn<int>("status");
        QTest::newRow("ImportError inside") << u"bad_import"_s << 1;
        QTest::newRow("SyntaxError") << u"bad_syntax"_s << 1;
        QTest::newRow("sys.exit(7)") << u"exits"_s << 7;
    }

    void failingModule()
    {
        QFETCH(QString, module);
        QFETCH(int, status);
        const Run expected = python({u"-m"_s, module});
        QCOMPARE(expected.exitCode, status);
        QFile::remove(m_folder.filePath(u"report.json"_s));
        const Run run = report({u"-m"_s, module});
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, status);
        QCOMPARE(run.out, expected.out);
        if (status == 1) {
            QVERIFY2(run.err.contains("Traceback (most recent call last):"), run.describe().constData());
            QCOMPARE(lastLine(run.err), lastLine(expected.err));
        }
        // The heap the module left is reported all the same, as for a script that raised.
        QVERIFY(QFile::exists(m_folder.filePath(u"report.json"_s)));
    }

    // pytest run as a module on a suite with one passing and one failing test: pytest's own summary
    // and its exit status 1.
    void pytestSuite()
    {
        const QStringList module{u"-m"_s, u"pytest"_s, u"-q"_s, u"-p"_s, u"no:cacheprovider"_s, u"suite"_s};
        const Run expected = python(module);
        if (expected.exitCode != 1 || !expected.out.contains("1 failed, 1 passed"))
            QSKIP(qPrintable(u"pytest is not usable here: "_s + QString::fromUtf8(expected.describe())));
        const Run run = report(module);
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("1 failed, 1 passed"), run.describe().constData());
        QVERIFY2(run.out.contains("planted failure"), run.describe().constData());
        QString error;
        QVERIFY2(!readJsonReport(m_folder.filePath(u"report.json"_s), &error).isEmpty(), qPrintable(error));
    }

    // -m with no module name is a usage error, for both commands and both spellings.
    void missingModuleName_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("report -m") << QStringList{u"report"_s, u"-m"_s};
        QTest::newRow("run -m") << QStringList{u"run"_s, u"-m"_s};
        QTest::newRow("report --no-collect -m") << QStringList{u"report"_s, u"--no-collect"_s, u"-m"_s};
    }

    void missingModuleName()
    {
        QFETCH(QStringList, arguments);
        const Run run = runCli(arguments, m_inFolder);
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(": -m needs a module name\nTry 'leakscope-cli "), run.describe().constData());
    }

    // "-mMODULE", as python3 accepts it; and the help of both commands says what -m does.
    void attachedNameAndHelp()
    {
        const Run run = report({u"-mshow_main"_s, u"one"_s});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QCOMPARE(shownMain(run.out).value(u"argv"_s).toArray().last().toString(), u"one"_s);
        for (const QString& command : {u"report"_s, u"run"_s}) {
            const Run help = runCli({command, u"--help"_s});
            QVERIFY2(help.exitCode == 0 && help.out.contains("-m MODULE [ARGS...]"), help.describe().constData());
        }
    }

    void cleanupTestCase() { QFile::remove(m_folder.filePath(u"report.json"_s)); }
};

QTEST_GUILESS_MAIN(TestCliModule)
#include "tst_cli_module.moc"
