// Real reference leaks in what Debian 12 ships, each reproduced by a tests/scripts/real_leak_*.py
// script that does real work around it: leakscope-cli must report every leaked object as a suspect,
// ahead of every other candidate, and no other suspect; the same script run with --skip-leak, which
// leaves out only the leaking call, must leave no such suspect. So each check fails both ways: when
// LeakScope misses the leak, and when it reports objects that are not leaked.
#include "cli_process.h"
#include "report_checks.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

using CandidatePredicate = std::function<bool(const QJsonObject&)>;

QString brief(const QJsonObject& candidate)
{
    return candidate.value(u"address"_s).toString() + u' ' + candidate.value(u"type"_s).toString() + u' '
        + candidate.value(u"repr"_s).toString().left(100);
}

QString describeAll(const QList<QJsonObject>& candidates)
{
    QStringList lines;
    for (const QJsonObject& c : candidates)
        lines += brief(c);
    return lines.join(u'\n');
}

// The words after `prefix` on each line of the script's output that starts with it.
QList<QStringList> linesStartingWith(const QByteArray& output, const QString& prefix)
{
    QList<QStringList> found;
    for (const QString& line : nonEmptyLines(output)) {
        if (line.startsWith(prefix))
            found += line.mid(prefix.size()).split(u' ', Qt::SkipEmptyParts);
    }
    return found;
}

QSet<QString> addressesIn(const QList<QStringList>& lines)
{
    static const QRegularExpression address(u"^0x[0-9a-f]+$"_s);
    QSet<QString> addresses;
    for (const QStringList& words : lines) {
        for (const QString& word : words) {
            if (address.match(word).hasMatch())
                addresses.insert(word);
        }
    }
    return addresses;
}

bool hasType(const QJsonObject& candidate, const QString& type)
{
    return candidate.value(u"type"_s).toString() == type;
}

// A leaked object is a candidate that nothing explains: nothing refers to it, and its one reference
// is the one the C code forgot to release.
void checkLeaked(const QJsonObject& candidate)
{
    const QByteArray what = brief(candidate).toUtf8();
    QVERIFY2(candidate.value(u"suspect"_s).toBool(), what.constData());
    QVERIFY2(candidate.value(u"explanation"_s).isNull(), what.constData());
    QCOMPARE(candidate.value(u"referrers"_s).toInteger(-1), qint64(0));
    QCOMPARE(candidate.value(u"refcount"_s).toInteger(-1), qint64(1));
    QCOMPARE(candidate.value(u"surplus"_s).toInteger(-1), qint64(1));
}

// The candidates isLeaked picks are exactly `expected` suspects, the first candidates of the report,
// and no other candidate is a suspect.
void checkLeaksComeFirst(const QJsonObject& report, const CandidatePredicate& isLeaked, qsizetype expected)
{
    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    const QList<QJsonObject> leaked = candidatesWhere(candidates, isLeaked);
    QVERIFY2(leaked.size() == expected,
             qPrintable(u"%1 leaked objects reported, expected %2:\n"_s.arg(leaked.size()).arg(expected)
                        + describeAll(leaked)));
    for (const QJsonObject& c : leaked) {
        checkLeaked(c);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(candidates.size() >= expected);
    for (qsizetype i = 0; i < expected; ++i) {
        const QJsonObject c = candidates.at(i).toObject();
        QVERIFY2(isLeaked(c), qPrintable(u"suspect %1 of the report is not a leaked object: "_s.arg(i + 1) + brief(c)));
    }
    const QList<QJsonObject> others = candidatesWhere(candidates, [&](const QJsonObject& c) {
        return c.value(u"suspect"_s).toBool() && !isLeaked(c);
    });
    QVERIFY2(others.isEmpty(), qPrintable(u"%1 suspects besides the leaked objects:\n"_s.arg(others.size())
                                          + describeAll(others)));
    QCOMPARE(report.value(u"summary"_s).toObject().value(u"suspects"_s).toInteger(-1), qint64(expected));
}

// With the leaking call left out, nothing the leak would orphan is a suspect, and nothing else either.
void checkNoLeak(const QJsonObject& report, const CandidatePredicate& couldBeLeaked)
{
    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    const QList<QJsonObject> suspects
        = candidatesWhere(candidates, [](const QJsonObject& c) { return c.value(u"suspect"_s).toBool(); });
    const QList<QJsonObject> lookalikes = candidatesWhere(
        candidates, [&](const QJsonObject& c) { return c.value(u"suspect"_s).toBool() && couldBeLeaked(c); });
    QVERIFY2(lookalikes.isEmpty(),
             qPrintable(u"suspects like the leaked objects, without the leak:\n"_s + describeAll(lookalikes)));
    QVERIFY2(suspects.isEmpty(), qPrintable(u"%1 suspects without the leak:\n"_s.arg(suspects.size())
                                            + describeAll(suspects)));
}

} // namespace

class TestCliRealLeaks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void elementTreeParserInitTwice();
    void osErrorFieldsSetBeforeInit();
    void scipyDirect();

private:
    // Runs leakscope-cli report --format json on the script with its arguments; the script's
    // output is in run, the parsed report in report.
    void report(const QString& script, const QStringList& arguments, Run& run, QJsonObject& report) const;

    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestCliRealLeaks::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY2(m_tmp->isValid(), qPrintable(m_tmp->errorString()));
}

void TestCliRealLeaks::report(const QString& script, const QStringList& arguments, Run& run,
                              QJsonObject& report) const
{
    const QString output = m_tmp->filePath(u"report.json"_s);
    QFile::remove(output);
    run = runCli(QStringList{u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output, u"--"_s,
                             scriptPath(script)}
                 + arguments);
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QString error;
    report = readJsonReport(output, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
}

// CPython 3.11's XMLParser.__init__, called again to reuse a parser, overwrites the fields of the
// first call without releasing them: the first target and the handlers bound to it leak. A target
// with handler methods leaks its bound methods (which still hold the target); a target whose handlers
// are plain callables in its attributes leaks itself.
void TestCliRealLeaks::elementTreeParserInitTwice()
{
    Run run;
    QJsonObject leaking;
    report(u"real_leak_elementtree.py"_s, {}, run, leaking);
    if (QTest::currentTestFailed())
        return;
    const QList<QStringList> methodResets = linesStartingWith(run.out, u"reset TagCounter "_s);
    const QList<QStringList> targetResets = linesStartingWith(run.out, u"reset OutlineTarget "_s);
    QCOMPARE(methodResets.size(), 3);
    QCOMPARE(targetResets.size(), 2);
    const QSet<QString> methods = addressesIn(methodResets);
    const QSet<QString> targets = addressesIn(targetResets);
    QVERIFY2(methods.size() == 3 * 4, run.describe().constData()); // start, end, data and close, per reset
    QVERIFY2(targets.size() == 2, run.describe().constData());

    checkLeaksComeFirst(
        leaking,
        [&](const QJsonObject& c) {
            const QString address = c.value(u"address"_s).toString();
            return (methods.contains(address) && hasType(c, u"builtins.method"_s))
                || (targets.contains(address) && hasType(c, u"__main__.OutlineTarget"_s));
        },
        methods.size() + targets.size());
    if (QTest::currentTestFailed())
        return;
    // The TagCounter targets leaked too, but their bound methods refer to them.
    const QJsonArray candidates = leaking.value(u"candidates"_s).toArray();
    QVERIFY(candidatesWhere(candidates, [](const QJsonObject& c) { return hasType(c, u"__main__.TagCounter"_s); })
                .isEmpty());

    QJsonObject control;
    report(u"real_leak_elementtree.py"_s, {u"--skip-leak"_s}, run, control);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(!run.out.contains("reset "), run.describe().constData());
    checkNoLeak(control, [](const QJsonObject& c) {
        return hasType(c, u"builtins.method"_s) || hasType(c, u"__main__.OutlineTarget"_s)
            || hasType(c, u"__main__.TagCounter"_s);
    });
}

// CPython 3.11's OSError.__init__ assigns filename and filename2 without releasing what they held:
// the FileRef objects a subclass stored there first leak, two per failed copy.
void TestCliRealLeaks::osErrorFieldsSetBeforeInit()
{
    Run run;
    QJsonObject leaking;
    report(u"real_leak_oserror.py"_s, {}, run, leaking);
    if (QTest::currentTestFailed())
        return;
    const QList<QStringList> failures = linesStartingWith(run.out, u"copy failed: "_s);
    QCOMPARE(failures.size(), 3);
    const QSet<QString> fileRefs = addressesIn(failures);
    QVERIFY2(fileRefs.size() == 2 * 3, run.describe().constData()); // source and destination, per failure

    checkLeaksComeFirst(
        leaking,
        [&](const QJsonObject& c) {
            return hasType(c, u"__main__.FileRef"_s) && fileRefs.contains(c.value(u"address"_s).toString());
        },
        fileRefs.size());
    if (QTest::currentTestFailed())
        return;

    QJsonObject control;
    report(u"real_leak_oserror.py"_s, {u"--skip-leak"_s}, run, control);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(linesStartingWith(run.out, u"copy failed: "_s).size(), 3); // the same failures, raised the safe way
    checkNoLeak(control, [](const QJsonObject& c) { return hasType(c, u"__main__.FileRef"_s); });
}

// SciPy 1.10's scipy.optimize.direct leaks the list of the best point's coordinates, once per call.
void TestCliRealLeaks::scipyDirect()
{
    const Run probe = runProgram(pythonPath(), {u"-c"_s, u"import scipy.optimize"_s});
    if (!probe.finished || probe.exitCode != 0)
        QSKIP(qPrintable(u"SciPy is not importable by "_s + pythonPath()
                         + u" (scripts/install-deps.sh installs python3-scipy): "_s
                         + QString::fromUtf8(probe.err).trimmed().section(u'\n', -1)));

    Run run;
    QJsonObject leaking;
    report(u"real_leak_scipy_direct.py"_s, {}, run, leaking);
    if (QTest::currentTestFailed())
        return;
    // Each call prints its best point as the list's repr, and the leaked list has that repr.
    QSet<QString> points;
    for (const QString& line : nonEmptyLines(run.out)) {
        if (line.startsWith(u"direct: ["_s))
            points.insert(line.mid(u"direct: "_s.size()));
    }
    QVERIFY2(points.size() == 5, run.describe().constData());

    checkLeaksComeFirst(
        leaking,
        [&](const QJsonObject& c) {
            return hasBuiltinType(c, u"list"_s) && points.contains(c.value(u"repr"_s).toString());
        },
        points.size());
    if (QTest::currentTestFailed())
        return;

    QJsonObject control;
    report(u"real_leak_scipy_direct.py"_s, {u"--skip-leak"_s}, run, control);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(!run.out.contains("direct: "), run.describe().constData());
    checkNoLeak(control, [](const QJsonObject& c) { return hasBuiltinType(c, u"list"_s); });
}

QTEST_GUILESS_MAIN(TestCliRealLeaks)
#include "tst_cli_real_leaks.moc"
