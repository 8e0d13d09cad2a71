// leakscope-cli report --native-traces, end to end: the fixture's leaks are the suspects, each named by
// the fixture function and line that made it; the leaked str, bytes, int and dict of atoms (which the
// collector never tracks) are found; a dict made by Python code is credited to the eval loop; the
// same script with nothing leaked has no suspect; and the demo's suspects are the same with native
// traces as without.
#include "cli_process.h"
#include "report_checks.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// The line of plantleak.c carrying "native-trace: NAME ", 0 when none does.
int markerLine(const QString& name)
{
    QFile file(QStringLiteral(LEAKSCOPE_PLANTLEAK_SOURCE));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray marker = "native-trace: " + name.toUtf8() + ' ';
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        if (file.readLine().contains(marker))
            return number;
    }
    return 0;
}

QString frameText(const QJsonObject& frame)
{
    return frame.value(u"function"_s).toString() + u" at "_s + frame.value(u"file"_s).toString() + u':'
        + QString::number(frame.value(u"line"_s).toInt()) + u" in "_s + frame.value(u"library"_s).toString();
}

QString stackText(const QJsonObject& candidate)
{
    QStringList lines;
    for (const QJsonValue& frame : candidate.value(u"created_by"_s).toArray())
        lines += frameText(frame.toObject());
    return candidate.value(u"type"_s).toString() + u' ' + candidate.value(u"repr"_s).toString() + u'\n'
        + lines.join(u'\n');
}

QList<QJsonObject> suspectsOf(const QJsonObject& report)
{
    return candidatesWhere(report.value(u"candidates"_s).toArray(),
                           [](const QJsonObject& c) { return c.value(u"suspect"_s).toBool(); });
}

QJsonObject reportOn(const QStringList& arguments, QTemporaryDir& dir, QByteArray* out = nullptr)
{
    const QString path = dir.filePath(u"report.json"_s);
    QFile::remove(path);
    const Run run = runCli(QStringList{u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, path} + arguments);
    if (!run.finished || run.exitCode != 0) {
        qWarning("%s", run.describe().constData());
        return {};
    }
    if (out)
        *out = run.out;
    QString error;
    const QJsonObject report = readJsonReport(path, &error);
    if (report.isEmpty())
        qWarning("%s", qPrintable(error));
    return report;
}

} // namespace

class TestCliNativeTraces : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plantedLeaksNameTheirCreators()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QByteArray out;
        const QJsonObject report = reportOn(
            {u"--native-traces"_s, u"--"_s, scriptPath(u"native_leaks.py"_s), fixtureDir()}, dir, &out);
        QVERIFY(!report.isEmpty());
        checkReportConsistency(report);
        QCOMPARE(report.value(u"native_trace_depth"_s).toInt(), 16);
        const QRegularExpression pureLine(u"^pure (0x[0-9a-f]+)$"_s, QRegularExpression::MultilineOption);
        const QString pureAddress = pureLine.match(QString::fromUtf8(out)).captured(1);
        QVERIFY2(!pureAddress.isEmpty(), out.constData());

        struct Planted
        {
            QString function;
            QString type;
            QString repr; // part of the repr that identifies it
        };
        const QList<Planted> planted = {
            {u"leak_dict"_s, u"builtins.dict"_s, u"'orphan-dict'"_s},
            {u"leak_list"_s, u"builtins.list"_s, u"'list-child'"_s},
            {u"leak_instance"_s, u"plantleak.Leaky"_s, QString()},
            {u"leak_str"_s, u"builtins.str"_s, u"orphan-str-1"_s},
            {u"leak_bytes"_s, u"builtins.bytes"_s, u"orphan-bytes"_s},
            {u"leak_int"_s, u"builtins.int"_s, u"987654321987"_s},
            {u"leak_atom_dict"_s, u"builtins.dict"_s, u"'orphan-atom-dict'"_s},
        };
        QList<QJsonObject> suspects = suspectsOf(report);
        QStringList all;
        for (const QJsonObject& s : suspects)
            all += stackText(s);
        // The seven planted by C, and the dict Python code made: nothing else.
        QVERIFY2(suspects.size() == planted.size() + 1, qPrintable(all.join(u"\n\n"_s)));
        for (const Planted& p : planted) {
            const QList<QJsonObject> found = candidatesWhere(report.value(u"candidates"_s).toArray(), [&](const QJsonObject& c) {
                return c.value(u"suspect"_s).toBool() && c.value(u"type"_s).toString() == p.type
                    && c.value(u"repr"_s).toString().contains(p.repr);
            });
            QVERIFY2(found.size() == 1, qPrintable(p.function + u": "_s + QString::number(found.size())));
            const QJsonArray frames = found.front().value(u"created_by"_s).toArray();
            QVERIFY2(!frames.isEmpty(), qPrintable(p.function));
            const QJsonObject creator = frames.first().toObject();
            const QString text = stackText(found.front());
            QVERIFY2(creator.value(u"function"_s).toString() == p.function, qPrintable(text));
            QVERIFY2(creator.value(u"file"_s).toString().endsWith(u"tests/fixture/plantleak.c"_s), qPrintable(text));
            QVERIFY2(creator.value(u"line"_s).toInt() == markerLine(p.function), qPrintable(text));
            QVERIFY2(creator.value(u"library"_s).toString().contains(u"plantleak"_s), qPrintable(text));
            QVERIFY2(!found.front().value(u"created_under"_s).toString().isEmpty(), qPrintable(text));
        }
        const QList<QJsonObject> pure = candidatesWhere(report.value(u"candidates"_s).toArray(), [&](const QJsonObject& c) {
            return c.value(u"address"_s).toString() == pureAddress;
        });
        QCOMPARE(pure.size(), 1);
        QVERIFY(pure.front().value(u"suspect"_s).toBool());
        const QJsonArray frames = pure.front().value(u"created_by"_s).toArray();
        QVERIFY2(!frames.isEmpty() && frames.first().toObject().value(u"function"_s).toString() == u"_PyEval_EvalFrameDefault"_s,
                 qPrintable(stackText(pure.front())));
        for (const QJsonValue& frame : frames)
            QVERIFY2(!frame.toObject().value(u"library"_s).toString().contains(u"plantleak"_s), qPrintable(stackText(pure.front())));
    }

    // tracemalloc wraps the recorder when both are on: each suspect has its Python line and its C stack.
    void withTracemallocBothAreRecorded()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QJsonObject report = reportOn({u"--native-traces=24"_s, u"--tracemalloc=5"_s, u"--"_s,
                                             scriptPath(u"native_leaks.py"_s), fixtureDir()},
                                            dir);
        QVERIFY(!report.isEmpty());
        QCOMPARE(report.value(u"native_trace_depth"_s).toInt(), 24);
        QCOMPARE(report.value(u"tracemalloc_depth"_s).toInt(), 5);
        const QList<QJsonObject> suspects = suspectsOf(report);
        QCOMPARE(suspects.size(), 8);
        for (const QJsonObject& s : suspects) {
            QVERIFY2(!s.value(u"created_by"_s).toArray().isEmpty(), qPrintable(stackText(s)));
            const QJsonArray site = s.value(u"allocated_at"_s).toArray();
            QVERIFY2(!site.isEmpty()
                         && site.first().toObject().value(u"file"_s).toString().endsWith(u"native_leaks.py"_s),
                     qPrintable(stackText(s)));
        }
    }

    void cleanScriptHasNoSuspect()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (const QStringList& script : {QStringList{scriptPath(u"native_leaks.py"_s), fixtureDir(), u"--clean"_s},
                                          QStringList{scriptPath(u"native_clean.py"_s)}}) {
            const QJsonObject report = reportOn(QStringList{u"--native-traces"_s, u"--"_s} + script, dir);
            QVERIFY(!report.isEmpty());
            QStringList all;
            for (const QJsonObject& s : suspectsOf(report))
                all += stackText(s);
            QVERIFY2(all.isEmpty(), qPrintable(script.join(u' ') + u":\n"_s + all.join(u"\n\n"_s)));
        }
    }

    void demoSuspectsAreTheSameWithNativeTraces()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto addresses = [](const QJsonObject& report) {
            QStringList types;
            for (const QJsonObject& s : suspectsOf(report))
                types += s.value(u"type"_s).toString();
            types.sort();
            return types;
        };
        const QJsonObject plain = reportOn({u"--"_s, QStringLiteral(LEAKSCOPE_DEMO)}, dir);
        const QJsonObject traced = reportOn({u"--native-traces"_s, u"--"_s, QStringLiteral(LEAKSCOPE_DEMO)}, dir);
        QVERIFY(!plain.isEmpty() && !traced.isEmpty());
        QCOMPARE(addresses(traced), addresses(plain));
        QCOMPARE(addresses(plain).size(), 4);
        for (const QJsonObject& s : suspectsOf(traced))
            QVERIFY2(!s.value(u"created_by"_s).toArray().isEmpty(), qPrintable(stackText(s)));
    }
};

QTEST_GUILESS_MAIN(TestCliNativeTraces)
#include "tst_cli_native_traces.moc"
