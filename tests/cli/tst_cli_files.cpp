// Snapshot files from the command line: `leakscope-cli run` saving a script's snapshots, `report
// FILE.lssnap`, and leakscope.save() / leakscope.snapshot(label, path) in scripts the CLI runs.
#include "cli_process.h"
#include "report_checks.h"

#include "snapshot/snapshot_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// Lines of stdout that are (absolute) paths of snapshot files, in the order printed.
QStringList savedPaths(const Run& run)
{
    QStringList paths = nonEmptyLines(run.out);
    paths.removeIf([](const QString& line) { return !line.startsWith(u'/') || !line.endsWith(u".lssnap"_s); });
    return paths;
}

leakscope::SnapshotPtr load(const QString& path, QString* error)
{
    try {
        return leakscope::loadSnapshotFile(path.toStdString());
    } catch (const std::exception& e) {
        *error = QString::fromUtf8(e.what());
        return nullptr;
    }
}

// True when some object of the snapshot has exactly this repr.
bool holdsRepr(const leakscope::Snapshot& snapshot, const std::string& repr)
{
    for (leakscope::ObjectIndex i = 0; i < snapshot.objectCount(); ++i) {
        if (snapshot.repr(i) == repr)
            return true;
    }
    return false;
}

// Candidates as counted shapes, to compare reports of two captures of the same program: type,
// suspect or not, explanation kind, and for suspects the repr with addresses blanked (explained
// reprs hold ids and are cut to a length, so they differ with the addresses).
std::map<QString, int> candidateShapes(const QJsonObject& report)
{
    static const QRegularExpression address(u"0x[0-9a-f]+"_s);
    std::map<QString, int> shapes;
    for (const QJsonValue& value : report.value(u"candidates"_s).toArray()) {
        const QJsonObject c = value.toObject();
        const bool suspect = c.value(u"suspect"_s).toBool();
        QString shape = c.value(u"type"_s).toString() + u" | "_s + (suspect ? u"suspect"_s : u"explained"_s) + u" | "_s
            + c.value(u"explanation"_s).toObject().value(u"kind"_s).toString();
        if (suspect)
            shape += u" | "_s + c.value(u"repr"_s).toString();
        ++shapes[shape.replace(address, u"ADDR"_s)];
    }
    return shapes;
}

QString describeDifference(const std::map<QString, int>& a, const std::map<QString, int>& b)
{
    QStringList lines;
    for (const auto& [shape, count] : a) {
        const auto other = b.find(shape);
        if (other == b.end() || other->second != count)
            lines += u"first %1, second %2: %3"_s.arg(count).arg(other == b.end() ? 0 : other->second).arg(shape);
    }
    for (const auto& [shape, count] : b) {
        if (!a.contains(shape))
            lines += u"first 0, second %1: %2"_s.arg(count).arg(shape);
    }
    return lines.mid(0, 30).join(u'\n');
}

} // namespace

class TestCliFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY2(m_tmp->isValid(), qPrintable(m_tmp->errorString()));
    }

    void runSavesEachSnapshotInOrder()
    {
        const QString folder = tmpPath(u"out"_s);
        const Run run = runInTmp({u"run"_s, u"--output-dir"_s, u"out"_s, u"--"_s, scriptPath(u"cli_snapshots.py"_s)});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList expected{
            folder + u"/01-first.lssnap"_s, folder + u"/02-second.lssnap"_s, folder + u"/03-end.lssnap"_s};
        QCOMPARE(savedPaths(run), expected);
        QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden),
            (QStringList{u"01-first.lssnap"_s, u"02-second.lssnap"_s, u"03-end.lssnap"_s}));
        // Each path is printed once its file is there (written while the script goes on, announced at
        // its next snapshot or its end), after what the script printed before.
        const QStringList lines = nonEmptyLines(run.out);
        QVERIFY(lines.indexOf(expected.at(0)) < lines.indexOf(u"after the pause"_s));
        QVERIFY(lines.indexOf(u"after the pause"_s) < lines.indexOf(expected.at(1)));
        QVERIFY2(run.err.contains("run: 3 snapshots saved in " + folder.toUtf8()), run.describe().constData());

        const char* labels[] = {"first", "second", "end"};
        std::vector<leakscope::SnapshotPtr> snapshots;
        for (int k = 0; k < 3; ++k) {
            QString error;
            snapshots.push_back(load(expected.at(k), &error));
            QVERIFY2(snapshots.back(), qPrintable(error));
            QCOMPARE(snapshots.back()->info().label, std::string(labels[k]));
            QVERIFY(snapshots.back()->objectCount() > 1000);
        }
        // Taken when the script said: its data as it was at each moment.
        QVERIFY(holdsRepr(*snapshots[0], "{'step': 1, 'items': []}"));
        QVERIFY(!holdsRepr(*snapshots[0], "{'step': 2, 'items': []}"));
        QVERIFY(holdsRepr(*snapshots[1], "{'step': 2, 'items': []}"));
    }

    // --native-traces reaches every capture of the run, the script's snapshots and the end alike, and
    // each file records its depth; without it, none does.
    void runRecordsNativeTraces_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<int>("depth");
        QTest::newRow("off") << QStringList() << 0;
        QTest::newRow("default") << QStringList{u"--native-traces"_s} << 16;
        QTest::newRow("8 frames") << QStringList{u"--native-traces=8"_s} << 8;
    }

    void runRecordsNativeTraces()
    {
        QFETCH(QStringList, options);
        QFETCH(int, depth);
        const Run run = runInTmp(QStringList{u"run"_s, u"--output-dir"_s, u"out"_s} + options
                                 + QStringList{u"--"_s, scriptPath(u"cli_snapshots.py"_s)});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList paths = savedPaths(run);
        QCOMPARE(paths.size(), 3);
        for (const QString& path : paths) {
            QString error;
            const leakscope::SnapshotPtr snapshot = load(path, &error);
            QVERIFY2(snapshot, qPrintable(error));
            QCOMPARE(int(snapshot->info().nativeTraceDepth), depth);
            QCOMPARE(snapshot->info().tracemallocDepth, 0u); // one does not turn the other on
        }
    }

    void runNumbersAfterExistingFiles()
    {
        const QString folder = tmpPath(u"out"_s);
        QVERIFY(QDir().mkpath(folder));
        QFile mine(folder + u"/05-mine.lssnap"_s);
        QVERIFY(mine.open(QIODevice::WriteOnly) && mine.write("not mine to touch") == 17);
        mine.close();
        const QString script = writeTmpFile(u"one.py"_s, "import leakscope\nleakscope.snapshot('one')\n");
        const Run run = runCli({u"run"_s, u"--output-dir="_s + folder + u'/', script});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QCOMPARE(savedPaths(run), (QStringList{folder + u"/06-one.lssnap"_s, folder + u"/07-end.lssnap"_s}));
        const Run again = runCli({u"run"_s, u"--output-dir"_s, folder, script});
        QVERIFY2(again.finished && again.exitCode == 0, again.describe().constData());
        QCOMPARE(savedPaths(again), (QStringList{folder + u"/08-one.lssnap"_s, folder + u"/09-end.lssnap"_s}));
        QVERIFY(mine.open(QIODevice::ReadOnly));
        QCOMPARE(mine.readAll(), QByteArray("not mine to touch"));
    }

    void runDefaultFolder()
    {
        const QString script = writeTmpFile(u"plain.py"_s, "x = [1]\n");
        const Run run = runInTmp({u"run"_s, script});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QStringList folders = QDir(m_tmp->path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(folders.size(), 1);
        QVERIFY2(QRegularExpression(u"^leakscope-\\d{8}-\\d{6}$"_s).match(folders.first()).hasMatch(),
            qPrintable(folders.first()));
        const QString folder = tmpPath(folders.first());
        QCOMPARE(savedPaths(run), QStringList{folder + u"/01-end.lssnap"_s});
        QVERIFY2(run.err.contains("run: 1 snapshot saved in " + folder.toUtf8()), run.describe().constData());
    }

    void labelsBecomeSafeFileNames_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("name");
        QTest::newRow("slashes and spaces") << u"after warm-up/step 2"_s << u"after_warm-up_step_2"_s;
        QTest::newRow("unicode") << u"ünïcödé 🐍"_s << u"_n_c_d___"_s; // one '_' a character, however many bytes
        QTest::newRow("path climbing") << u"../../etc/passwd"_s << u".._.._etc_passwd"_s;
        QTest::newRow("control characters") << u"tab\there\nnewline"_s << u"tab_here_newline"_s;
        QTest::newRow("empty") << QString() << u"snapshot"_s;
        QTest::newRow("long") << QString(200, u'x') << QString(64, u'x');
        QTest::newRow("kept as is") << u"Run_1.5-final"_s << u"Run_1.5-final"_s;
    }

    void labelsBecomeSafeFileNames()
    {
        QFETCH(QString, label);
        QFETCH(QString, name);
        const QString script = writeTmpFile(u"label.py"_s, "import leakscope, sys\nleakscope.snapshot(sys.argv[1])\n");
        const QString folder = tmpPath(u"out"_s);
        const Run run = runCli({u"run"_s, u"--output-dir"_s, folder, script, label});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QString path = folder + u"/01-"_s + name + u".lssnap"_s;
        QCOMPARE(savedPaths(run), (QStringList{path, folder + u"/02-end.lssnap"_s}));
        QString error;
        const leakscope::SnapshotPtr snapshot = load(path, &error);
        QVERIFY2(snapshot, qPrintable(error));
        QCOMPARE(QString::fromStdString(snapshot->info().label), label); // the file keeps the label itself
    }

    void runSavesTheEndAfterAnException()
    {
        const QString folder = tmpPath(u"out"_s);
        const Run run = runCli({u"run"_s, u"--output-dir"_s, folder, scriptPath(u"raises.py"_s)});
        QVERIFY2(run.finished && run.exitCode == 1, run.describe().constData());
        QVERIFY2(run.err.contains("ValueError: planted failure"), run.describe().constData());
        QCOMPARE(savedPaths(run), QStringList{folder + u"/01-end.lssnap"_s});
    }

    void runThatCannotSave()
    {
        // The script puts a file where the folder was: both saves fail, for root as well.
        const QString folder = tmpPath(u"out"_s);
        const QString script = writeTmpFile(u"blocks.py"_s,
            "import leakscope, os, sys\n"
            "os.rmdir(sys.argv[1])\n"
            "open(sys.argv[1], 'w').close()\n"
            "try:\n"
            "    leakscope.snapshot('blocked')\n"
            "except leakscope.SnapshotFileError as e:\n"
            "    print('raised', isinstance(e, OSError), e)\n");
        const Run run = runCli({u"run"_s, u"--output-dir"_s, folder, script, folder});
        QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
        QVERIFY2(savedPaths(run).isEmpty(), run.describe().constData());
        QVERIFY2(run.out.contains("raised True ") && run.out.contains("01-blocked.lssnap"), run.describe().constData());
        QVERIFY2(run.err.contains("02-end.lssnap"), run.describe().constData());
        QVERIFY2(run.err.contains("2 could not be saved"), run.describe().constData());
        QVERIFY(QFileInfo(folder).isFile()); // what the script put there is the script's
    }

    void runRefuses_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mention");
        const QString script = scriptPath(u"touches.py"_s);
        QTest::newRow("--output-dir without value") << QStringList{u"run"_s, u"--output-dir"_s} << u"--output-dir"_s;
        QTest::newRow("empty --output-dir=")
            << QStringList{u"run"_s, u"--output-dir="_s, script, u"marker"_s} << u"--output-dir"_s;
        QTest::newRow("no script") << QStringList{u"run"_s, u"--no-collect"_s} << u"no script"_s;
        QTest::newRow("unknown option") << QStringList{u"run"_s, u"--format"_s, u"json"_s, script, u"marker"_s}
                                        << u"--format"_s;
        QTest::newRow("--tracemalloc=0") << QStringList{u"run"_s, u"--tracemalloc=0"_s, script, u"marker"_s}
                                         << u"--tracemalloc"_s;
        QTest::newRow("--native-traces=300") << QStringList{u"run"_s, u"--native-traces=300"_s, script, u"marker"_s}
                                             << u"--native-traces takes a depth from 1 to 256, not '300'"_s;
        QTest::newRow("missing script") << QStringList{u"run"_s, u"no-such-script.py"_s} << u"no-such-script.py"_s;
        QTest::newRow("missing --ignore file")
            << QStringList{u"run"_s, u"--ignore"_s, u"no-rules"_s, script, u"marker"_s} << u"no-rules"_s;
    }

    void runRefuses()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mention);
        const Run run = runInTmp(arguments);
        QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
        QVERIFY2(run.out.isEmpty(), run.describe().constData());
        QVERIFY2(QString::fromUtf8(run.err).contains(mention), run.describe().constData());
        // No marker from the script, and no folder for snapshots that were never taken.
        QCOMPARE(tmpEntries(), QStringList());
    }

    void runIntoAFile()
    {
        const QString file = writeTmpFile(u"taken"_s, "a file\n");
        const Run run = runCli({u"run"_s, u"--output-dir"_s, file, scriptPath(u"touches.py"_s), tmpPath(u"marker"_s)});
        QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
        QVERIFY2(run.err.contains("not a folder") && run.err.contains(file.toUtf8()), run.describe().constData());
        QCOMPARE(tmpEntries(), QStringList{u"taken"_s});
    }

    void reportOfSavedFileMatchesScript()
    {
        // Both processes order their sets and dicts alike, so equal heaps print equal reprs.
        RunOptions options;
        options.environment.insert(u"PYTHONHASHSEED"_s, u"0"_s);
        const QString folder = tmpPath(u"out"_s);
        const Run run
            = runCli({u"run"_s, u"--output-dir"_s, folder, scriptPath(u"planted.py"_s), fixtureDir()}, options);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QString file = folder + u"/01-end.lssnap"_s;
        QCOMPARE(savedPaths(run), QStringList{file});

        const QString output = tmpPath(u"file.json"_s);
        const Run fromFile = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output, file});
        QVERIFY2(fromFile.finished && fromFile.exitCode == 0, fromFile.describe().constData());
        QVERIFY2(fromFile.out.isEmpty() && fromFile.err.isEmpty(), fromFile.describe().constData());
        QString error;
        const QJsonObject report = readJsonReport(output, &error);
        QVERIFY2(!report.isEmpty(), qPrintable(error));
        checkReportConsistency(report);
        if (QTest::currentTestFailed())
            return;
        checkPlantedLeaks(report);
        if (QTest::currentTestFailed())
            return;

        // The very capture run summarised ...
        const QJsonObject summary = report.value(u"summary"_s).toObject();
        const QString counts
            = u"final state: %1 objects, %2 candidates, %3 suspects"_s.arg(summary.value(u"objects"_s).toInteger())
                  .arg(summary.value(u"candidates"_s).toInteger())
                  .arg(summary.value(u"suspects"_s).toInteger());
        QVERIFY2(QString::fromUtf8(run.err).contains(counts),
            qPrintable(counts + u"\n"_s + QString::fromUtf8(run.describe())));
        // ... and the same candidates as a report of the script itself.
        const Run direct
            = runCli({u"report"_s, u"--format"_s, u"json"_s, scriptPath(u"planted.py"_s), fixtureDir()}, options);
        QVERIFY2(direct.finished && direct.exitCode == 0, direct.describe().constData());
        const auto expected = candidateShapes(QJsonDocument::fromJson(direct.out).object());
        const auto got = candidateShapes(report);
        QVERIFY(!got.empty());
        QVERIFY2(got == expected, qPrintable(describeDifference(got, expected)));
    }

    void reportFileInEveryFormat()
    {
        const QString file = savedSnapshot();
        QVERIFY(!file.isEmpty());
        const Run json = runCli({u"report"_s, u"--format=json"_s, file});
        QVERIFY2(json.finished && json.exitCode == 0, json.describe().constData());
        const qsizetype candidates = QJsonDocument::fromJson(json.out).object().value(u"candidates"_s).toArray().size();
        QVERIFY(candidates > 0);

        const Run csv = runCli({u"report"_s, u"--format"_s, u"csv"_s, file});
        QVERIFY2(csv.finished && csv.exitCode == 0, csv.describe().constData());
        bool ok = false;
        QCOMPARE(parseCsv(csv.out, &ok).size(), candidates + 1);
        QVERIFY(ok);

        const Run table = runInTmp({u"report"_s, u"--output"_s, u"table.txt"_s, file});
        QVERIFY2(table.finished && table.exitCode == 0, table.describe().constData());
        QFile text(tmpPath(u"table.txt"_s));
        QVERIFY(text.open(QIODevice::ReadOnly));
        QVERIFY(text.readLine().startsWith("Python 3.11."));
        QVERIFY(text.readAll().contains("{'plantleak': 'orphan-dict'"));
    }

    void reportFileWithIgnoreRules()
    {
        const QString file = savedSnapshot();
        QVERIFY(!file.isEmpty());
        const QString rules = writeTmpFile(u"rules"_s, "type plantleak.Leaky\n");
        const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--ignore"_s, rules, file});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        const auto leaky = candidatesWhere(report.value(u"candidates"_s).toArray(),
            [](const QJsonObject& c) { return c.value(u"type"_s).toString() == u"plantleak.Leaky"_s; });
        QVERIFY(!leaky.isEmpty());
        for (const QJsonObject& c : leaky) {
            QVERIFY(!c.value(u"suspect"_s).toBool());
            QVERIFY(c.value(u"ignored_by"_s).isObject());
        }
        QCOMPARE(report.value(u"summary"_s).toObject().value(u"ignored"_s).toInteger(), qint64(leaky.size()));
    }

    void reportFileByItsMagic()
    {
        // No .lssnap suffix: the file's first bytes say what it is.
        const QString file = savedSnapshot();
        QVERIFY(!file.isEmpty());
        const QString renamed = tmpPath(u"heap.bin"_s);
        QVERIFY(QFile::copy(file, renamed));
        const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, renamed});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY(!QJsonDocument::fromJson(run.out).object().value(u"candidates"_s).toArray().isEmpty());
    }

    void dashDashMeansScript()
    {
        // After "--" even a name ending in .lssnap is a script, as before snapshot files existed.
        const QString script = writeTmpFile(u"odd.lssnap"_s, "print('ran as a script')\n");
        const Run run = runInTmp({u"report"_s, u"--output"_s, u"report.txt"_s, u"--"_s, script});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.out.contains("ran as a script"), run.describe().constData());
    }

    void badSnapshotFiles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content"); // "<truncated>" / "<flipped>": a saved file, damaged
        QTest::newRow("empty") << u"empty.lssnap"_s << QByteArray();
        QTest::newRow("text") << u"notes.lssnap"_s << QByteArray("print('hello')\n");
        QTest::newRow("truncated") << u"cut.lssnap"_s << QByteArray("<truncated>");
        QTest::newRow("flipped bytes") << u"flipped.lssnap"_s << QByteArray("<flipped>");
        QTest::newRow("missing") << u"missing.lssnap"_s << QByteArray("<none>");
        QTest::newRow("a folder") << u"folder.lssnap"_s << QByteArray("<folder>");
    }

    void badSnapshotFiles()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        const QString path = tmpPath(name);
        if (content == "<truncated>" || content == "<flipped>") {
            QFile source(savedSnapshot());
            QVERIFY(source.open(QIODevice::ReadOnly));
            QByteArray bytes = source.readAll();
            QVERIFY(bytes.size() > 1000);
            if (content == "<truncated>") {
                bytes.truncate(bytes.size() / 2);
            } else {
                for (qsizetype k = bytes.size() / 2; k < bytes.size() / 2 + 64; ++k)
                    bytes[k] = static_cast<char>(bytes[k] ^ 0x5a);
            }
            content = bytes;
        }
        if (content == "<folder>")
            QVERIFY(QDir().mkpath(path));
        else if (content != "<none>")
            QVERIFY(!writeTmpFile(name, content).isEmpty());
        for (const QString& format : {u"table"_s, u"json"_s}) {
            const Run run = runCli({u"report"_s, u"--format"_s, format, u"--output"_s, tmpPath(u"report"_s), path});
            QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
            QVERIFY2(run.out.isEmpty(), run.describe().constData());
            const QStringList lines = nonEmptyLines(run.err);
            QVERIFY2(lines.size() == 1 && lines.first().contains(name), run.describe().constData());
            QVERIFY(!QFile::exists(tmpPath(u"report"_s)));
        }
    }

    void scriptOptionsRefusedForFile_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("mention");
        QTest::newRow("--tracemalloc") << QStringList{u"--tracemalloc"_s} << u"--tracemalloc"_s;
        QTest::newRow("--tracemalloc=5") << QStringList{u"--tracemalloc=5"_s} << u"--tracemalloc=5"_s;
        QTest::newRow("--native-traces") << QStringList{u"--native-traces"_s} << u"--native-traces"_s;
        QTest::newRow("--native-traces=8") << QStringList{u"--native-traces=8"_s} << u"--native-traces=8"_s;
        QTest::newRow("--no-collect") << QStringList{u"--no-collect"_s} << u"--no-collect"_s;
        QTest::newRow("-I") << QStringList{u"-I"_s} << u"-I"_s;
        QTest::newRow("-E") << QStringList{u"--format=csv"_s, u"-E"_s} << u"-E"_s;
    }

    void scriptOptionsRefusedForFile()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, mention);
        const QString file = writeTmpFile(u"some.lssnap"_s, "not even read\n");
        const Run run = runCli(QStringList{u"report"_s} + options + QStringList{file});
        QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
        QVERIFY2(run.out.isEmpty(), run.describe().constData());
        const QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.contains(mention) && err.contains(u"snapshot file"_s) && err.contains(u"some.lssnap"_s),
            qPrintable(err));
    }

    void snapshotFileTakesNoArguments()
    {
        const QString file = writeTmpFile(u"some.lssnap"_s, "not even read\n");
        const Run run = runCli({u"report"_s, file, u"extra"_s});
        QVERIFY2(run.finished && run.exitCode == 2, run.describe().constData());
        QVERIFY2(run.err.contains("extra") && run.err.contains("some.lssnap"), run.describe().constData());
    }

    void scriptSavesUnderReportAndRun_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("report") << u"report"_s;
        QTest::newRow("run") << u"run"_s;
    }

    void scriptSavesUnderReportAndRun()
    {
        QFETCH(QString, command);
        const QString work = tmpPath(u"work"_s);
        QVERIFY(QDir().mkpath(work));
        writeTmpFile(u"work/a-file"_s, "in the way\n");
        const QString script = writeTmpFile(u"saves.py"_s, R"(import leakscope, os, pathlib, sys
work = sys.argv[1]
os.chdir(work)
marker = {'saved': 'marker', 'items': []}
print('returned', leakscope.save(pathlib.Path('saved.lssnap')))
print('snapshot returned', leakscope.snapshot('labelled', path=os.path.join(work, 'labelled.lssnap')))
try:
    leakscope.save('a-file/below.lssnap')
except OSError as e:
    print('raised', type(e).__name__, isinstance(e, leakscope.SnapshotFileError), e)
for bad in ('', 'nul\0byte', 3):
    try:
        leakscope.save(bad)
    except (ValueError, TypeError) as e:
        print('refused', type(e).__name__)
)");
        const Run run = runInTmp({command, script, work});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QString out = QString::fromUtf8(run.out);
        QVERIFY2(out.contains(u"returned "_s + work + u"/saved.lssnap\n"_s), qPrintable(out));
        QVERIFY2(out.contains(u"snapshot returned None\n"_s), qPrintable(out));
        const auto raised = QRegularExpression(u"raised SnapshotFileError True (.*)\n"_s).match(out);
        QVERIFY2(raised.hasMatch() && raised.captured(1).contains(u"a-file/below.lssnap"_s), qPrintable(out));
        QCOMPARE(out.count(u"refused ValueError"_s), 2);
        QCOMPARE(out.count(u"refused TypeError"_s), 1);
        QVERIFY(!QFile::exists(work + u"/a-file/below.lssnap"_s));

        for (const auto& [name, label] :
            {std::pair{u"saved.lssnap"_s, "saved.lssnap"}, std::pair{u"labelled.lssnap"_s, "labelled"}}) {
            QString error;
            const leakscope::SnapshotPtr snapshot = load(work + u'/' + name, &error);
            QVERIFY2(snapshot, qPrintable(error));
            QCOMPARE(snapshot->info().label, std::string(label));
            QVERIFY(holdsRepr(*snapshot, "{'saved': 'marker', 'items': []}"));
        }
        QVERIFY2(run.err.contains("leakscope: save 'saved.lssnap': "), run.describe().constData());
        if (command == u"run"_s) {
            // run numbers snapshot() captures, not the files the script saved itself.
            const QStringList paths = savedPaths(run);
            QCOMPARE(paths.size(), 2);
            QVERIFY2(paths.at(0).endsWith(u"/01-labelled.lssnap"_s) && paths.at(1).endsWith(u"/02-end.lssnap"_s),
                qPrintable(paths.join(u'\n')));
        }
    }

    void help_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("--help") << QStringList{u"--help"_s} << QStringList{u"  run "_s, u".lssnap"_s};
        QTest::newRow("run --help") << QStringList{u"run"_s, u"--help"_s}
                                    << QStringList{u"Usage: leakscope-cli run"_s, u"--output-dir"_s,
                                           u"NN-LABEL.lssnap"_s, u"--tracemalloc"_s, u"--native-traces[=DEPTH]"_s,
                                           u"default 16, 1 to 256"_s, u"--ignore"_s, u"Exit status"_s};
        QTest::newRow("report --help") << QStringList{u"report"_s, u"-h"_s}
                                       << QStringList{u"SNAPSHOT.lssnap"_s, u"After `--`"_s};
    }

    void help()
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

private:
    QString tmpPath(const QString& name) const { return m_tmp->filePath(name); }
    Run runInTmp(const QStringList& arguments) const
    {
        RunOptions options;
        options.workingDirectory = m_tmp->path();
        return runCli(arguments, options);
    }
    QStringList tmpEntries() const
    {
        return QDir(m_tmp->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    }
    QString writeTmpFile(const QString& name, const QByteArray& text) const
    {
        QFile file(tmpPath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size()) {
            qWarning("cannot write %s: %s", qPrintable(file.fileName()), qPrintable(file.errorString()));
            return {};
        }
        return file.fileName();
    }
    // A snapshot of planted.py saved by `run`, made once for the whole test; empty on failure.
    QString savedSnapshot()
    {
        if (!m_saved.isEmpty())
            return m_saved;
        const QString folder = m_shared.filePath(u"planted"_s);
        const Run run = runCli({u"run"_s, u"--output-dir"_s, folder, scriptPath(u"planted.py"_s), fixtureDir()});
        if (!run.finished || run.exitCode != 0 || savedPaths(run).size() != 1) {
            qWarning("%s", run.describe().constData());
            return {};
        }
        m_saved = savedPaths(run).first();
        return m_saved;
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    QTemporaryDir m_shared;
    QString m_saved;
};

QTEST_GUILESS_MAIN(TestCliFiles)
#include "tst_cli_files.moc"
