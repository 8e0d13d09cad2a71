// `leakscope-cli diff` on a real numpy workload (tests/scripts/numpy_growth.py): new arrays between
// the two snapshots hold their dtypes with references no snapshot records (arrays are no gc
// objects), which used to read as surplus growth of the dtypes. That growth must now be discounted,
// with its reason, while the dict the script increfs five times in the same run still shows growth 5.
#include "cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

const QString kMarker = u"numpy_leak_marker"_s;

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
        + QString::number(row[u"growth"_s].toInteger()) + u" explained "_s
        + QString::number(row[u"explained"_s].toInteger()) + u' ' + row[u"repr"_s].toString().left(80);
}

bool isDtype(const QJsonObject& row)
{
    return row[u"type"_s].toString().startsWith(u"numpy.dtype"_s);
}

} // namespace

class TestCliDiffNumpy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_folder;
    QString m_before;
    QString m_after;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_folder.isValid());
        const Run run = runCli({u"run"_s, u"--output-dir"_s, m_folder.path(), u"--"_s, scriptPath(u"numpy_growth.py"_s)});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList paths = nonEmptyLines(run.out);
        QVERIFY2(paths.size() == 3, run.describe().constData());
        m_before = paths[0];
        m_after = paths[1];
        QVERIFY(m_before.endsWith(u"-before.lssnap"_s) && m_after.endsWith(u"-after.lssnap"_s));
    }

    void newArraysGiveNoDtypeGrowthButTheLeakShows()
    {
        const Run run = runCli({u"diff"_s, u"--format"_s, u"json"_s, u"--all-growth"_s, m_before, m_after});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QJsonObject json = parseJson(run.out);
        const QJsonArray growth = json[u"surplus_growth"_s].toArray();
        QVERIFY2(!growth.isEmpty(), run.out.left(4000).constData());
        const QJsonObject top = growth[0].toObject();
        QVERIFY2(top[u"repr"_s].toString().contains(kMarker), qPrintable(rowText(top)));
        QCOMPARE(top[u"type"_s].toString(), u"builtins.dict"_s);
        QCOMPARE(top[u"growth"_s].toInteger(), qint64(5));
        QCOMPARE(top[u"explained"_s].toInteger(), qint64(0));
        QVERIFY(top[u"explained_by"_s].isNull());
        for (const QJsonValue& value : growth) {
            const QJsonObject row = value.toObject();
            QVERIFY2(!isDtype(row) || row[u"growth"_s].toInteger() <= 1, qPrintable(rowText(row)));
        }

        // The dtypes did grow, by at least one reference per new array of theirs: discounted, with why.
        const QJsonObject summary = json[u"summary"_s].toObject();
        QVERIFY2(summary[u"new_unrecorded_holders"_s].toInteger() >= 20, qPrintable(QString::number(
            summary[u"new_unrecorded_holders"_s].toInteger())));
        int dtypes = 0;
        for (const QJsonValue& value : json[u"discounted_growth"_s].toArray()) {
            const QJsonObject row = value.toObject();
            if (!isDtype(row))
                continue;
            ++dtypes;
            QCOMPARE(row[u"explained_by"_s].toString(), u"unrecorded-holders"_s);
            QCOMPARE(row[u"explained"_s].toInteger(), row[u"growth"_s].toInteger());
            QVERIFY2(row[u"growth"_s].toInteger() >= 5, qPrintable(rowText(row)));
        }
        QCOMPARE(dtypes, 2); // int32 and float64
        QCOMPARE(summary[u"discounted_growth"_s].toInteger(), qint64(json[u"discounted_growth"_s].toArray().size()));
    }

    void theTableSaysWhatItLeavesOut()
    {
        const Run run = runCli({u"diff"_s, u"--section"_s, u"surplus-growth"_s, m_before, m_after});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QStringList lines = QString::fromUtf8(run.out).split(u'\n');
        const qsizetype section = lines.indexOf(QRegularExpression(u"^Surplus growth: \\d+ objects? .*"_s));
        QVERIFY2(section >= 0 && section + 2 < lines.size(), run.out.constData());
        QVERIFY2(lines[section + 2].contains(kMarker) && lines[section + 2].contains(u" +5 "_s),
                 qPrintable(lines[section + 2]));
        for (qsizetype k = section; k < lines.size(); ++k)
            QVERIFY2(!lines[k].contains(u"numpy.dtype"_s), qPrintable(lines[k]));
        QVERIFY2(run.out.contains("Not shown: "), run.out.constData());

        const Run all = runCli({u"diff"_s, u"--section"_s, u"discounted-growth"_s, m_before, m_after});
        QVERIFY2(all.finished && all.exitCode == 0, all.describe().constData());
        QVERIFY2(all.out.contains("numpy.dtype[int32]") && all.out.contains("unrecorded-holders"), all.out.constData());
        QVERIFY(!all.out.contains("Surplus growth:"));
    }
};

QTEST_GUILESS_MAIN(TestCliDiffNumpy)
#include "tst_cli_diff_numpy.moc"
