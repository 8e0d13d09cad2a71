// `leakscope-cli diff` on snapshots a real script saved through `leakscope-cli run`:
// tests/scripts/surplus_growth.py adds seven references to a dict with Py_IncRef between its two
// snapshots, amid ordinary work. The diff must rank that dict first with growth 7 and show nothing
// else above 1; the same script run with --skip-leak must show no such growth. Then the command's
// formats, options and errors.
#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

const QString kMarker = u"leaked_dict_marker"_s;

struct SavedRun
{
    QString before;
    QString after;
};

// Runs the script under `leakscope-cli run` into folder and returns its first two snapshot files.
SavedRun saveSnapshots(const QString& folder, const QStringList& scriptArguments, QByteArray* failure)
{
    const Run run = runCli(QStringList{u"run"_s, u"--output-dir"_s, folder, u"--"_s, scriptPath(u"surplus_growth.py"_s)}
                           + scriptArguments);
    if (!run.finished || run.exitCode != 0) {
        *failure = run.describe();
        return {};
    }
    const QStringList paths = nonEmptyLines(run.out);
    if (paths.size() < 2) {
        *failure = "run saved fewer than two snapshots\n" + run.describe();
        return {};
    }
    return {paths[0], paths[1]};
}

QJsonObject parseJson(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("JSON error at %d: %s", error.offset, qPrintable(error.errorString()));
    return document.object();
}

QString rowText(const QJsonObject& row)
{
    return row[u"address"_s].toString() + u' ' + row[u"type"_s].toString() + u" growth "_s
        + QString::number(row[u"growth"_s].toInteger()) + u' ' + row[u"repr"_s].toString().left(80);
}

} // namespace

class TestCliDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        QByteArray failure;
        m_leaky = saveSnapshots(m_folder.filePath(u"leaky"_s), {}, &failure);
        QVERIFY2(!m_leaky.before.isEmpty(), failure.constData());
        m_clean = saveSnapshots(m_folder.filePath(u"clean"_s), {u"--skip-leak"_s}, &failure);
        QVERIFY2(!m_clean.before.isEmpty(), failure.constData());
        QVERIFY(m_leaky.before.endsWith(u"-before.lssnap"_s));
        QVERIFY(m_leaky.after.endsWith(u"-after.lssnap"_s));
    }

    void overIncrefedDictRanksFirstWithGrowthSeven()
    {
        const Run run = runCli({u"diff"_s, u"--format"_s, u"json"_s, m_leaky.before, m_leaky.after});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject json = parseJson(run.out);
        QCOMPARE(json[u"format"_s].toString(), u"leakscope-diff"_s);
        const QJsonArray growth = json[u"surplus_growth"_s].toArray();
        QVERIFY2(!growth.isEmpty(), run.out.left(4000).constData());
        const QJsonObject top = growth[0].toObject();
        QVERIFY2(top[u"repr"_s].toString().contains(kMarker), qPrintable(rowText(top)));
        QCOMPARE(top[u"type"_s].toString(), u"builtins.dict"_s);
        QCOMPARE(top[u"growth"_s].toInteger(), qint64(7));
        QCOMPARE(top[u"refcount_b"_s].toInteger() - top[u"refcount_a"_s].toInteger(), qint64(7));
        QCOMPARE(top[u"referrers_b"_s].toInteger(), top[u"referrers_a"_s].toInteger());
        for (qsizetype k = 1; k < growth.size(); ++k)
            QVERIFY2(growth[k][u"growth"_s].toInteger() <= 1, qPrintable(rowText(growth[k].toObject())));

        // The header names both snapshots of the one process.
        const QJsonObject a = json[u"header"_s][u"a"_s].toObject(), b = json[u"header"_s][u"b"_s].toObject();
        QCOMPARE(a[u"label"_s].toString(), u"before"_s);
        QCOMPARE(b[u"label"_s].toString(), u"after"_s);
        QCOMPARE(a[u"pid"_s].toInteger(), b[u"pid"_s].toInteger());
        QVERIFY(a[u"objects"_s].toInteger() > 0);
        QCOMPARE(a[u"file"_s].toString(), m_leaky.before);
        // The jobs the script keeps are new; the transient ones it dropped are freed.
        bool jobsSeen = false;
        for (const QJsonValue& row : json[u"types"_s].toArray()) {
            if (row[u"type"_s].toString() != u"__main__.Job"_s)
                continue;
            jobsSeen = true;
            QCOMPARE(row[u"count_b"_s].toInteger(), qint64(1 + 7));
            QCOMPARE(row[u"new"_s].toInteger(), qint64(7));
            QCOMPARE(row[u"freed"_s].toInteger(), qint64(30));
        }
        QVERIFY(jobsSeen);
    }

    void withoutTheLeakNothingGrowsAboveOne()
    {
        const Run run = runCli({u"diff"_s, u"--format=json"_s, m_clean.before, m_clean.after});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        for (const QJsonValue& row : parseJson(run.out)[u"surplus_growth"_s].toArray())
            QVERIFY2(row[u"growth"_s].toInteger() <= 1, qPrintable(rowText(row.toObject())));
    }

    void tableAndCsvRankItFirstToo()
    {
        const Run table = runCli({u"diff"_s, m_leaky.before, m_leaky.after});
        QVERIFY2(table.finished && table.exitCode == 0, table.describe().constData());
        const QStringList lines = QString::fromUtf8(table.out).split(u'\n');
        const qsizetype section = lines.indexOf(QRegularExpression(u"^Surplus growth: \\d+ objects? .*"_s));
        QVERIFY2(section >= 0 && section + 2 < lines.size(), table.out.constData());
        QVERIFY(lines[section + 1].startsWith(u"ADDRESS"_s));
        QVERIFY2(lines[section + 2].contains(kMarker) && lines[section + 2].contains(u" +7 "_s),
                 qPrintable(lines[section + 2]));

        const Run csv = runCli({u"diff"_s, u"--format"_s, u"csv"_s, u"--section"_s, u"surplus-growth"_s, m_leaky.before,
                                m_leaky.after});
        QVERIFY2(csv.finished && csv.exitCode == 0, csv.describe().constData());
        bool ok = false;
        const QList<QStringList> records = parseCsv(csv.out, &ok);
        QVERIFY(ok);
        QVERIFY(records.size() >= 2);
        QCOMPARE(records[0].value(6), u"growth"_s);
        QCOMPARE(records[1].value(6), u"7"_s);
        QVERIFY(records[1].value(7).contains(kMarker));
    }

    void outputFileAndLimit()
    {
        const QString output = m_folder.filePath(u"diff.json"_s);
        const Run run = runCli({u"diff"_s, u"--format"_s, u"json"_s, u"--limit"_s, u"1"_s, u"--output"_s, output,
                                m_leaky.before, m_leaky.after});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY(run.out.isEmpty());
        QFile file(output);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = parseJson(file.readAll());
        QCOMPARE(json[u"types"_s].toArray().size(), qsizetype(1));
        QCOMPARE(json[u"surplus_growth"_s].toArray().size(), qsizetype(1));
        QVERIFY(json[u"summary"_s][u"types_changed"_s].toInteger() > 1);
    }

    void aSnapshotAgainstItselfIsAnEmptyDiff()
    {
        const Run run = runCli({u"diff"_s, u"--format"_s, u"json"_s, m_leaky.after, m_leaky.after});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject json = parseJson(run.out);
        QVERIFY(json[u"types"_s].toArray().isEmpty());
        QVERIFY(json[u"new_suspects"_s].toArray().isEmpty());
        QVERIFY(json[u"surplus_growth"_s].toArray().isEmpty());
        QCOMPARE(json[u"summary"_s][u"matched"_s].toInteger(), json[u"header"_s][u"b"_s][u"objects"_s].toInteger());
    }

    void badInputIsAClearError_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message"); // in stderr
        const QString missing = u"/nonexistent/leakscope/none.lssnap"_s;
        QTest::newRow("missing file") << QStringList{u"diff"_s, missing, u"@after"_s} << missing;
        QTest::newRow("corrupt file") << QStringList{u"diff"_s, u"@before"_s, u"@corrupt"_s} << u"@corrupt"_s;
        QTest::newRow("one file") << QStringList{u"diff"_s, u"@before"_s} << u"two snapshot files"_s;
        QTest::newRow("three files") << QStringList{u"diff"_s, u"@before"_s, u"@after"_s, u"@after"_s}
                                     << u"too many files"_s;
        QTest::newRow("bad format") << QStringList{u"diff"_s, u"--format"_s, u"xml"_s, u"@before"_s, u"@after"_s}
                                    << u"unknown format 'xml'"_s;
        QTest::newRow("bad limit") << QStringList{u"diff"_s, u"--limit"_s, u"ten"_s, u"@before"_s, u"@after"_s}
                                   << u"not 'ten'"_s;
        QTest::newRow("bad section") << QStringList{u"diff"_s, u"--section=growth"_s, u"@before"_s, u"@after"_s}
                                     << u"unknown section 'growth'"_s;
        QTest::newRow("unknown option") << QStringList{u"diff"_s, u"--colour"_s, u"@before"_s, u"@after"_s}
                                        << u"unknown option '--colour'"_s;
        QTest::newRow("missing ignore file")
            << QStringList{u"diff"_s, u"--ignore"_s, missing, u"@before"_s, u"@after"_s} << missing;
        QTest::newRow("output is a folder")
            << QStringList{u"diff"_s, u"--output"_s, u"/"_s, u"@before"_s, u"@after"_s} << u"cannot write the diff"_s;
    }

    void badInputIsAClearError()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const QString corrupt = m_folder.filePath(u"corrupt.lssnap"_s);
        QFile file(corrupt);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("LSSNAP but not really a snapshot, only text pretending to be one\n");
        file.close();
        auto resolve = [&](QString text) {
            return text.replace(u"@before"_s, m_leaky.before).replace(u"@after"_s, m_leaky.after).replace(u"@corrupt"_s, corrupt);
        };
        for (QString& argument : arguments)
            argument = resolve(argument);
        message = resolve(message);

        const Run run = runCli(arguments);
        QVERIFY2(run.finished, run.describe().constData());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.describe().constData());
        QVERIFY(run.out.isEmpty());
    }

    void helpDocumentsEveryOption()
    {
        const Run run = runCli({u"diff"_s, u"--help"_s});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        for (const char* text : {"--format", "--output", "--ignore", "--limit", "--section", "--all-types",
                                 "surplus growth", "new suspects", "Exit status", "docs/diff.md"})
            QVERIFY2(run.out.contains(text), text);
        const Run top = runCli({u"--help"_s});
        QVERIFY(top.out.contains("  diff "));
    }

private:
    QTemporaryDir m_folder;
    SavedRun m_leaky;
    SavedRun m_clean;
};

QTEST_GUILESS_MAIN(TestCliDiff)
#include "tst_cli_diff.moc"
