// leakscope.iterate() and the pytest plugin, end to end under the real leakscope-cli with the
// plantleak fixture: a function that leaks a dict per call and one that leaks a reference per call
// must be named, with one per round; one that fills a cache once must not be. A pytest suite with
// one leaking, one clean and one session-fixture test must fail only the leaking one.
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

QJsonObject parseJson(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("JSON error at %d: %s", error.offset, qPrintable(error.errorString()));
    return document.object();
}

// The JSON object printed after `prefix` on a line of output; keyed by its "name" for GROWTH lines.
QMap<QString, QJsonObject> objectsAfter(const QByteArray& output, const QByteArray& prefix)
{
    QMap<QString, QJsonObject> found;
    for (const QByteArray& line : output.split('\n')) {
        if (line.startsWith(prefix)) {
            const QJsonObject object = parseJson(line.mid(prefix.size()));
            found.insert(object.value(u"name"_s).toString(), object);
        }
    }
    return found;
}

QList<qint64> integers(const QJsonValue& value)
{
    QList<qint64> out;
    for (const QJsonValue& item : value.toArray())
        out += item.toInteger(-1);
    return out;
}

const QList<qint64> kOnePerRound{1, 1, 1};

const char kSuite[] = R"(import pytest
import plantleak

_made = []


@pytest.fixture(scope="session")
def table():
    # Allocated once, on the first run of the first test that asks for it: the warm-up absorbs it.
    _made.append(1)
    return {"rows": [[i] for i in range(200)]}


def test_leaks():
    plantleak.leak_dict()


def test_clean():
    data = {"x": [1, 2, 3]}
    assert sum(data["x"]) == 6


def test_session_fixture(table):
    assert len(table["rows"]) == 200
    assert len(_made) == 1
)";

const char kConftest[] = R"(import os
import sys

sys.path.insert(0, os.environ["PLANTLEAK_DIR"])
)";

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestCliIterate : public QObject
{
    Q_OBJECT

private:
    Run runPytest(const QString& folder, const QStringList& extra)
    {
        RunOptions options;
        options.workingDirectory = folder;
        options.environment.insert(u"PLANTLEAK_DIR"_s, fixtureDir());
        return runCli(QStringList{u"report"_s, u"-m"_s, u"pytest"_s, u"-p"_s, u"leakscope.pytest"_s, u"-p"_s,
                                  u"no:cacheprovider"_s, u"-q"_s}
                          + extra + QStringList{folder},
                      options);
    }

private Q_SLOTS:
    void iterateNamesWhatGrows()
    {
        const Run run = runCli({u"report"_s, scriptPath(u"iterate_growth.py"_s), fixtureDir()});
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        const QMap<QString, QJsonObject> growth = objectsAfter(run.out, "GROWTH ");
        QCOMPARE(growth.size(), 3);

        // One dict leaked per call: named, once per round, with its repr and C origin.
        const QJsonObject dicts = growth.value(u"leaks_a_dict"_s);
        QCOMPARE(dicts.value(u"leaks"_s).toBool(), true);
        QCOMPARE(dicts.value(u"rounds"_s).toInteger(), qint64(3));
        const QJsonArray objects = dicts.value(u"objects"_s).toArray();
        QVERIFY2(!objects.isEmpty(), run.describe().constData());
        for (const QJsonValue& value : objects) {
            const QJsonObject object = value.toObject();
            QCOMPARE(object.value(u"type"_s).toString(), u"builtins.dict"_s);
            QCOMPARE(integers(object.value(u"per_round"_s)), kOnePerRound);
            QVERIFY2(object.value(u"repr"_s).toString().contains(u"orphan-dict"_s), run.describe().constData());
            QVERIFY(object.value(u"address"_s).toInteger() > 0);
            QVERIFY2(object.value(u"origin"_s).toString().contains(u"libpython"_s), run.describe().constData());
        }
        QVERIFY(dicts.value(u"str"_s).toString().contains(u"builtins.dict"_s));
        QVERIFY(dicts.value(u"repr"_s).toString().contains(u"leaks"_s));
        QCOMPARE(dicts.value(u"json"_s).toObject().value(u"leaks"_s).toBool(), true);
        QCOMPARE(dicts.value(u"json"_s).toObject().value(u"rounds"_s).toInteger(), qint64(3));
        QVERIFY(dicts.value(u"surplus"_s).toArray().isEmpty());

        // A reference leaked to a live dict per call: its surplus grows by one per round.
        const QJsonObject references = growth.value(u"adds_a_reference"_s);
        QCOMPARE(references.value(u"leaks"_s).toBool(), true);
        const QJsonArray surplus = references.value(u"surplus"_s).toArray();
        QCOMPARE(surplus.size(), 1);
        const QJsonObject held = surplus.first().toObject();
        QCOMPARE(held.value(u"type"_s).toString(), u"builtins.dict"_s);
        QVERIFY2(held.value(u"repr"_s).toString().contains(u"held-by-module"_s), run.describe().constData());
        QCOMPARE(integers(held.value(u"growth"_s)), kOnePerRound);
        QVERIFY(references.value(u"objects"_s).toArray().isEmpty());
        QVERIFY(references.value(u"str"_s).toString().contains(u"builtins.dict"_s));

        // A cache filled on the first call only: the warm-up absorbs it.
        const QJsonObject cache = growth.value(u"fills_a_cache"_s);
        QCOMPARE(cache.value(u"leaks"_s).toBool(), false);
        QVERIFY(cache.value(u"objects"_s).toArray().isEmpty());
        QVERIFY(cache.value(u"surplus"_s).toArray().isEmpty());
        QVERIFY(cache.value(u"types"_s).toArray().isEmpty());
        QCOMPARE(cache.value(u"json"_s).toObject().value(u"leaks"_s).toBool(), false);

        // Each snapshot is delivered as leakscope.snapshot()'s, and the CLI prints the same growth
        // text as str() after the series' last line.
        const QString err = QString::fromUtf8(run.err);
        for (const QString& name : {u"leaks_a_dict"_s, u"adds_a_reference"_s, u"fills_a_cache"_s}) {
            const qsizetype warmup = err.indexOf(u"leakscope: snapshot '"_s + name + u": warm-up'"_s);
            const qsizetype last = err.indexOf(u"leakscope: snapshot '"_s + name + u": round 3/3'"_s);
            const qsizetype text = err.indexOf(growth.value(name).value(u"str"_s).toString().trimmed());
            QVERIFY2(warmup >= 0 && last > warmup && text > last, qPrintable(name + u'\n' + err));
        }

        // Arguments are checked; an exception from fn ends the series and propagates.
        const QJsonObject errors = parseJson(run.out.mid(run.out.indexOf("ERRORS ") + 7).split('\n').first());
        QVERIFY(errors.value(u"not callable"_s).toString().startsWith(u"TypeError"_s));
        QVERIFY(errors.value(u"rounds 0"_s).toString().startsWith(u"ValueError"_s));
        QVERIFY(errors.value(u"warmup -1"_s).toString().startsWith(u"ValueError"_s));
        QVERIFY(errors.value(u"rounds str"_s).toString().startsWith(u"TypeError"_s));
        QVERIFY(errors.value(u"label int"_s).toString().startsWith(u"TypeError"_s));
        QCOMPARE(errors.value(u"raises"_s).toString(), u"KeyError: 'second call'"_s);
        QCOMPARE(errors.value(u"calls before raising"_s).toInteger(), qint64(2));
        QVERIFY(err.contains(u"leakscope: snapshot 'raising: warm-up'"_s));
        QVERIFY(!err.contains(u"'raising: round 1/2'"_s));
    }

    void pytestPluginFailsTheLeakingTest()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"test_suite.py"_s), kSuite));
        QVERIFY(writeFile(dir.filePath(u"conftest.py"_s), kConftest));

        const Run fail = runPytest(dir.path(), {});
        QVERIFY2(fail.finished && fail.exitCode == 1, fail.describe().constData());
        const QString out = QString::fromUtf8(fail.out);
        QVERIFY2(out.contains(u"1 failed, 2 passed"_s), fail.describe().constData());
        QVERIFY2(out.contains(u"FAILED test_suite.py::test_leaks - leaks:"_s), fail.describe().constData());
        QVERIFY2(out.contains(u"leakscope: 1 test captured after the pre-check"_s), fail.describe().constData());
        QVERIFY(!out.contains(u"FAILED test_suite.py::test_clean"_s));
        QVERIFY(!out.contains(u"FAILED test_suite.py::test_session_fixture"_s));
        // The failure names the leaked type and the count per run.
        const qsizetype failure = out.indexOf(u"_ test_leaks _"_s);
        QVERIFY2(failure >= 0, fail.describe().constData());
        const QString message = out.mid(failure, out.indexOf(u"leakscope: 1 leaking test"_s) - failure);
        QVERIFY2(message.contains(u"builtins.dict"_s), qPrintable(message));
        QVERIFY2(message.contains(u"orphan-dict"_s), qPrintable(message));
        QVERIFY2(message.contains(u"builtins.dict: +1 +1 +1 per round"_s), qPrintable(message));
        QVERIFY2(out.contains(u"leakscope: 1 leaking test"_s), fail.describe().constData());
        // Only the leaking test's series is delivered.
        const QString err = QString::fromUtf8(fail.err);
        QVERIFY2(err.contains(u"leakscope: snapshot 'test_suite.py::test_leaks: round 3/3'"_s), fail.describe().constData());
        QVERIFY(!err.contains(u"test_clean: "_s));
        QVERIFY(!err.contains(u"test_session_fixture: "_s));

        // Without the pre-check every test is captured every round: the same verdicts.
        const Run full = runPytest(dir.path(), {u"--leakscope-precheck=off"_s});
        QVERIFY2(full.finished && full.exitCode == 1, full.describe().constData());
        QVERIFY2(full.out.contains("1 failed, 2 passed"), full.describe().constData());
        QVERIFY2(full.out.contains("FAILED test_suite.py::test_leaks - leaks:"), full.describe().constData());
        QVERIFY2(full.out.contains("builtins.dict: +1 +1 +1 per round"), full.describe().constData());
        QVERIFY(!full.out.contains("captured after the pre-check"));

        const Run report = runPytest(dir.path(), {u"--leakscope-mode=report"_s});
        QVERIFY2(report.finished && report.exitCode == 0, report.describe().constData());
        const QString reportOut = QString::fromUtf8(report.out);
        QVERIFY2(reportOut.contains(u"3 passed"_s), report.describe().constData());
        const qsizetype summary = reportOut.indexOf(u"leakscope: 1 leaking test"_s);
        QVERIFY2(summary >= 0, report.describe().constData());
        QVERIFY(reportOut.indexOf(u"test_suite.py::test_leaks"_s, summary) > summary);
        QVERIFY(reportOut.indexOf(u"test_suite.py::test_clean"_s, summary) < 0);
        QVERIFY2(reportOut.contains(u"LeakScopeWarning"_s), report.describe().constData());
    }

    void pytestPluginOptions()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(writeFile(dir.filePath(u"conftest.py"_s), kConftest));
        QVERIFY(writeFile(dir.filePath(u"test_fails.py"_s), "calls = []\n\n\ndef test_fails():\n"
                                                              "    calls.append(1)\n    assert len(calls) == 2\n"));
        // A test that fails by itself is reported as such after its first run, not rerun.
        const Run fails = runPytest(dir.path(), {});
        QVERIFY2(fails.finished && fails.exitCode == 1, fails.describe().constData());
        QVERIFY2(fails.out.contains("assert 1 == 2"), fails.describe().constData());
        QVERIFY(!fails.out.contains("leaking test"));

        const Run rounds = runPytest(dir.path(), {u"--leakscope-rounds=0"_s});
        QVERIFY2(rounds.finished && rounds.exitCode == 4, rounds.describe().constData()); // pytest's usage error
        QVERIFY2(rounds.err.contains("--leakscope-rounds must be at least 1"), rounds.describe().constData());
    }
};

QTEST_GUILESS_MAIN(TestCliIterate)
#include "tst_cli_iterate.moc"
