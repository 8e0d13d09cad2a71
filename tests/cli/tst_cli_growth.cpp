// `leakscope-cli growth` on series of snapshots a real script saved (tests/scripts/growth_series.py):
// plantleak.leak_dict() and plantleak.extra_incref() once per round must show as a leaked dict per
// round and a dict whose surplus grows by one per round, exit status 3; the same work without them,
// as growth with no leak, exit status 0. Then the command's errors.
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

constexpr int kRounds = 3;
constexpr int kLeaksFound = 3;
constexpr int kUsageError = 2;

// Runs the script under `leakscope-cli report` into folder; the files s0 .. s<kRounds>, in order.
QStringList saveSeries(const QString& folder, const QStringList& scriptArguments, QByteArray* failure)
{
    QDir().mkpath(folder);
    const Run run = runCli(QStringList{u"report"_s, scriptPath(u"growth_series.py"_s), fixtureDir(), folder,
                                       QString::number(kRounds)}
                           + scriptArguments);
    if (!run.finished || run.exitCode != 0) {
        *failure = run.describe();
        return {};
    }
    QStringList files;
    for (int k = 0; k <= kRounds; ++k) {
        files.append(folder + u"/s"_s + QString::number(k) + u".lssnap"_s);
        if (!QFile::exists(files.back())) {
            *failure = "the script saved no " + files.back().toUtf8() + '\n' + run.describe();
            return {};
        }
    }
    return files;
}

QJsonObject parseJson(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("JSON error at %d: %s", error.offset, qPrintable(error.errorString()));
    return document.object();
}

QJsonArray ones(int count)
{
    QJsonArray array;
    for (int k = 0; k < count; ++k)
        array.append(1);
    return array;
}

// The row of array whose "type" (or the type of its "object") is type, or an empty object.
QJsonObject rowOfType(const QJsonArray& array, const QString& type)
{
    for (const QJsonValue& row : array) {
        if (row[u"type"_s].toString() == type || row[u"object"_s][u"type"_s].toString() == type)
            return row.toObject();
    }
    return {};
}

} // namespace

class TestCliGrowth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        QByteArray failure;
        m_leaky = saveSeries(m_folder.filePath(u"leaky"_s), {}, &failure);
        QVERIFY2(!m_leaky.isEmpty(), failure.constData());
        m_clean = saveSeries(m_folder.filePath(u"clean"_s), {u"--no-leak"_s}, &failure);
        QVERIFY2(!m_clean.isEmpty(), failure.constData());
    }

    void leakedDictAndIncrefEveryRound()
    {
        const Run run = runCli(QStringList{u"growth"_s, u"--format"_s, u"json"_s} + m_leaky);
        QVERIFY2(run.finished && run.exitCode == kLeaksFound, run.describe().constData());
        const QJsonObject json = parseJson(run.out);
        QCOMPARE(json[u"format"_s].toString(), u"leakscope-growth"_s);
        QCOMPARE(json[u"rounds"_s].toInt(), kRounds);
        QCOMPARE(json[u"leaks"_s], QJsonValue(true));

        // One dict leaked per round, and the one shown is the last round's.
        const QJsonObject leaked = rowOfType(json[u"leaked_objects"_s].toArray(), u"builtins.dict"_s);
        QVERIFY2(!leaked.isEmpty(), run.out.left(4000).constData());
        QCOMPARE(leaked[u"per_round"_s].toArray(), ones(kRounds));
        const QJsonArray objects = leaked[u"objects"_s].toArray();
        QCOMPARE(objects.size(), 1);
        QCOMPARE(objects[0][u"repr"_s].toString(), u"{'plantleak': 'orphan-dict', 'tracked': []}"_s);
        QCOMPARE(objects[0][u"referrers"_s].toInt(), 0);
        QCOMPARE(objects[0][u"origin"_s][u"symbol"_s].toString(), u"PyDict_Type"_s);

        // One reference leaked on the dict the module keeps, per round.
        const QJsonArray surplus = json[u"surplus_growth"_s].toArray();
        QVERIFY2(!surplus.isEmpty(), run.out.left(4000).constData());
        QJsonObject held;
        for (const QJsonValue& row : surplus) {
            if (row[u"object"_s][u"repr"_s].toString().contains(u"held-growth"_s))
                held = row.toObject();
        }
        QVERIFY2(!held.isEmpty(), run.out.left(4000).constData());
        QCOMPARE(held[u"growth"_s].toArray(), ones(kRounds));
        const QJsonArray perSnapshot = held[u"surplus"_s].toArray();
        QCOMPARE(perSnapshot.size(), kRounds + 1);
        QCOMPARE(perSnapshot.last().toInt() - perSnapshot.first().toInt(), kRounds);

        // The list that keeps a dict per round grows too, as types do.
        const QJsonObject dicts = rowOfType(json[u"growing_types"_s].toArray(), u"builtins.dict"_s);
        QCOMPARE(dicts[u"counts"_s].toArray().size(), kRounds + 1);
        for (const QJsonValue& increase : dicts[u"increases"_s].toArray())
            QVERIFY(increase.toInt() >= 2); // the kept dict and the leaked one
    }

    void tableNamesTheLeaks()
    {
        const Run run = runCli(QStringList{u"growth"_s} + m_leaky);
        QVERIFY2(run.finished && run.exitCode == kLeaksFound, run.describe().constData());
        const QString out = QString::fromUtf8(run.out);
        QVERIFY2(out.startsWith(u"leaks: "_s) && out.section(u'\n', 0, 0).endsWith(u" over 3 rounds"_s), qPrintable(out));
        const qsizetype leakedAt = out.indexOf(u"Leaked objects (new suspects in every round):\n  builtins.dict: +1 +1 +1 per round\n"_s);
        QVERIFY2(leakedAt >= 0, qPrintable(out));
        QVERIFY2(out.indexOf(u"{'plantleak': 'orphan-dict', 'tracked': []}"_s, leakedAt) > leakedAt, qPrintable(out));
        QVERIFY2(out.contains(u"type from PyDict_Type in libpython3.11"_s), qPrintable(out));
        const qsizetype surplusAt = out.indexOf(u"Objects whose references grow (surplus):\n"_s);
        QVERIFY2(surplusAt > leakedAt, qPrintable(out));
        const qsizetype heldAt = out.indexOf(u"{'plantleak': 'held-growth', 'tracked': []}"_s, surplusAt);
        QVERIFY2(heldAt > surplusAt, qPrintable(out));
        const QString heldLine = out.left(heldAt).section(u'\n', -1);
        QVERIFY2(heldLine.contains(u": +1 +1 +1 per round (surplus "_s), qPrintable(heldLine));
        QVERIFY2(out.contains(u"Types growing every round:\n"_s), qPrintable(out));
    }

    void growthWithoutLeakExitsZero()
    {
        const Run run = runCli(QStringList{u"growth"_s, u"--format=json"_s} + m_clean);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject json = parseJson(run.out);
        QCOMPARE(json[u"leaks"_s], QJsonValue(false));
        QVERIFY2(json[u"leaked_objects"_s].toArray().isEmpty(), run.out.left(4000).constData());
        QVERIFY2(json[u"surplus_growth"_s].toArray().isEmpty(), run.out.left(4000).constData());
        const QJsonObject dicts = rowOfType(json[u"growing_types"_s].toArray(), u"builtins.dict"_s);
        QVERIFY2(!dicts.isEmpty(), run.out.left(4000).constData());

        const Run table = runCli(QStringList{u"growth"_s} + m_clean);
        QVERIFY2(table.finished && table.exitCode == 0, table.describe().constData());
        QVERIFY2(table.out.startsWith("no leak over 3 rounds: "), table.describe().constData());
    }

    void fewerRoundsStillCount()
    {
        // Any two snapshots of the series make a series of one round.
        const Run run = runCli({u"growth"_s, m_leaky[1], m_leaky[2]});
        QVERIFY2(run.finished && run.exitCode == kLeaksFound, run.describe().constData());
        QVERIFY2(run.out.contains(" over 1 round\n"), run.describe().constData());
    }

    void snapshotsOfTwoProcessesWarn()
    {
        const Run run = runCli({u"growth"_s, m_leaky[0], m_clean[1], m_leaky[2]});
        QVERIFY2(run.finished && (run.exitCode == 0 || run.exitCode == kLeaksFound), run.describe().constData());
        QVERIFY2(run.err.contains("warning: '" + m_clean[1].toUtf8() + "' comes from another process"),
                 run.describe().constData());
        // Each snapshot is compared with the first: the third is of its process.
        QVERIFY2(run.err.count("comes from another process") == 1, run.describe().constData());
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        const QString missing = m_folder.filePath(u"missing.lssnap"_s);
        const QString notSnapshot = m_folder.filePath(u"not-a-snapshot.lssnap"_s);
        QFile file(notSnapshot);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write("not a snapshot\n") > 0);
        QTest::newRow("none") << QStringList{} << QByteArray("two snapshot files or more");
        QTest::newRow("one") << QStringList{m_leaky[0]} << QByteArray("two snapshot files or more");
        QTest::newRow("missing") << QStringList{m_leaky[0], missing, m_leaky[1]} << missing.toUtf8();
        QTest::newRow("not a snapshot") << QStringList{m_leaky[0], notSnapshot} << notSnapshot.toUtf8();
        QTest::newRow("csv") << QStringList{u"--format"_s, u"csv"_s, m_leaky[0], m_leaky[1]}
                             << QByteArray("unknown format 'csv'");
        QTest::newRow("limit") << QStringList{u"--limit"_s, u"ten"_s, m_leaky[0], m_leaky[1]}
                               << QByteArray("--limit needs a number");
        QTest::newRow("option") << QStringList{u"--rounds"_s, m_leaky[0], m_leaky[1]}
                                << QByteArray("unknown option '--rounds'");
        QTest::newRow("ignore") << QStringList{u"--ignore"_s, missing, m_leaky[0], m_leaky[1]} << missing.toUtf8();
    }

    void errors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const Run run = runCli(QStringList{u"growth"_s} + arguments);
        QVERIFY2(run.finished && run.exitCode == kUsageError, run.describe().constData());
        QVERIFY2(run.err.contains(message), run.describe().constData());
        QVERIFY2(run.out.isEmpty(), run.describe().constData());
    }

    void help()
    {
        const Run run = runCli({u"growth"_s, u"--help"_s});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        for (const char* mention : {"Usage: leakscope-cli growth", "--format", "--ignore", "--limit", "Exit status", " 3 "})
            QVERIFY2(run.out.contains(mention), mention);
        const Run overview = runCli({u"--help"_s});
        QVERIFY2(overview.out.contains("  growth "), overview.describe().constData());
    }

private:
    QTemporaryDir m_folder;
    QStringList m_leaky;
    QStringList m_clean;
};

QTEST_GUILESS_MAIN(TestCliGrowth)
#include "tst_cli_growth.moc"
