#include "tst_cli.h"

#include "report_checks.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// The leaks chaff_workload.py plants with the fixture, as planted.py does: the orphaned dicts (one
// leaked reference, and two), the list leak_list() orphans and the Leaky instance.
bool isPlanted(const QJsonObject& candidate)
{
    const QString repr = candidate.value(u"repr"_s).toString();
    return repr.startsWith(u"{'plantleak': 'orphan-"_s) || repr.startsWith(u"[{'plantleak': 'list-child'"_s)
        || candidate.value(u"type"_s).toString() == u"plantleak.Leaky"_s;
}

} // namespace

// A wide program (stdlib, numpy, lxml, real work, process-wide registrations) leaves about a thousand
// candidates, nearly all legitimate: the explainers must leave the planted leaks and at most 20 others.
void TestCli::chaffWorkloadIsExplained()
{
    const QString output = tmpPath(u"chaff.json"_s);
    const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output, u"--"_s,
                            scriptPath(u"chaff_workload.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QString error;
    const QJsonObject report = readJsonReport(output, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    QVERIFY2(candidates.size() > 500, "the workload should leave hundreds of candidates to explain");

    const auto planted = candidatesWhere(candidates, isPlanted);
    QCOMPARE(planted.size(), 4);
    for (const QJsonObject& c : planted)
        QVERIFY2(c.value(u"suspect"_s).toBool(), qPrintable(c.value(u"repr"_s).toString()));

    const auto others = candidatesWhere(candidates, [](const QJsonObject& c) {
        return c.value(u"suspect"_s).toBool() && !isPlanted(c);
    });
    QStringList described;
    for (const QJsonObject& c : others)
        described += c.value(u"type"_s).toString() + u' ' + c.value(u"repr"_s).toString().left(100);
    qInfo("%lld candidates, %lld suspects besides the 4 planted leaks", static_cast<long long>(candidates.size()),
          static_cast<long long>(others.size()));
    QVERIFY2(others.size() <= 20, qPrintable(described.join(u'\n')));
}
