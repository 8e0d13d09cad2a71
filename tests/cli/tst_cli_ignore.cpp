#include "tst_cli.h"

#include "report_checks.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clitest;

namespace {

// The one candidate the predicate picks out; an empty object (and a failure) when it is not one.
QJsonObject onlyCandidate(const QJsonArray& candidates, const std::function<bool(const QJsonObject&)>& pick,
                          const char* what)
{
    const auto matches = candidatesWhere(candidates, pick);
    if (matches.size() != 1) {
        qWarning("%lld candidates for %s, expected 1", static_cast<long long>(matches.size()), what);
        return {};
    }
    return matches.first();
}

bool reprStartsWith(const QJsonObject& candidate, const QString& prefix)
{
    return candidate.value(u"repr"_s).toString().startsWith(prefix);
}

} // namespace

QString TestCli::writeTmpFile(const QString& name, const QByteArray& text) const
{
    QFile file(tmpPath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qWarning("cannot write %s: %s", qPrintable(file.fileName()), qPrintable(file.errorString()));
    return file.fileName();
}

void TestCli::ignoreRulesJson()
{
    // Two files, the first with a bad line between good ones: the rules after it still apply.
    const QString first = writeTmpFile(u"first-rules"_s,
                                       "# planted leaks this test accepts\n"
                                       "type plantleak.Leaky\n"
                                       "typo builtins.dict\n"
                                       "\n"
                                       "repr \"{'plantleak': 'orphan-double'*\"   # two stray increfs\n");
    const QString second = writeTmpFile(u"second-rules"_s, "repr re:\"^\\[\\{'plantleak': 'list-child'\"\r\n");
    const QString output = tmpPath(u"report.json"_s);
    const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, u"--output"_s, output, u"--ignore"_s, first,
                            u"--ignore="_s + second, scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());

    // One warning, naming the file, the line and the problem; nothing about the good lines.
    const QStringList warnings = nonEmptyLines(run.err).filter(u"warning"_s);
    QVERIFY2(warnings.size() == 1, run.describe().constData());
    QCOMPARE(warnings.first(), u"leakscope-cli: warning: "_s + first
                                   + u":3: unknown field 'typo' (use type, module, repr or explanation); line skipped"_s);

    QString error;
    const QJsonObject report = readJsonReport(output, &error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    checkReportConsistency(report);
    if (QTest::currentTestFailed())
        return;
    const QJsonArray candidates = report.value(u"candidates"_s).toArray();
    QCOMPARE(report.value(u"summary"_s).toObject().value(u"ignored"_s).toInteger(-1), qint64(3));

    struct Expected
    {
        const char* what;
        std::function<bool(const QJsonObject&)> pick;
        QString file;
        qint64 line;
        QString rule;
    };
    const Expected ignored[] = {
        {"plantleak.Leaky", [](const QJsonObject& c) { return c.value(u"type"_s).toString() == u"plantleak.Leaky"_s; },
         first, 2, u"type plantleak.Leaky"_s},
        {"orphan-double", [](const QJsonObject& c) { return reprStartsWith(c, u"{'plantleak': 'orphan-double'"_s); },
         first, 5, u"repr \"{'plantleak': 'orphan-double'*\""_s},
        {"leaked list", [](const QJsonObject& c) { return reprStartsWith(c, u"[{'plantleak': 'list-child'"_s); },
         second, 1, u"repr re:\"^\\[\\{'plantleak': 'list-child'\""_s},
    };
    for (const Expected& expected : ignored) {
        const QJsonObject c = onlyCandidate(candidates, expected.pick, expected.what);
        QVERIFY2(!c.isEmpty(), expected.what);
        QVERIFY2(!c.value(u"suspect"_s).toBool(), expected.what);
        QVERIFY2(c.value(u"explanation"_s).isNull(), expected.what); // ignored, not explained
        const QJsonObject by = c.value(u"ignored_by"_s).toObject();
        QCOMPARE(by.value(u"file"_s).toString(), expected.file);
        QCOMPARE(by.value(u"line"_s).toInteger(-1), expected.line);
        QCOMPARE(by.value(u"rule"_s).toString(), expected.rule);
    }

    // The leak no rule covers is still a suspect.
    const QJsonObject orphan = onlyCandidate(
        candidates, [](const QJsonObject& c) { return reprStartsWith(c, u"{'plantleak': 'orphan-dict'"_s); },
        "orphan-dict");
    QVERIFY(orphan.value(u"suspect"_s).toBool());
    QVERIFY(orphan.value(u"ignored_by"_s).isNull());
}

void TestCli::ignoreRulesTable()
{
    const QString rules = writeTmpFile(u"rules"_s, "type plantleak.Leaky\n");
    const Run run = runCli({u"report"_s, u"--ignore"_s, rules, scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.err.isEmpty(), run.describe().constData());
    const QStringList lines = nonEmptyLines(run.out);
    QVERIFY2(lines.size() >= 3, run.describe().constData());
    const QRegularExpression summary(
        u"^\\d+ leak candidates, \\d+ suspects \\(candidates no explanation or ignore rule covers\\), "
        "1 matched by ignore rules$"_s);
    QVERIFY2(summary.match(lines.at(1)).hasMatch(), qPrintable(lines.at(1)));
    QVERIFY2(!run.out.contains("plantleak.Leaky"), run.describe().constData()); // no longer a suspect row
    QVERIFY2(run.out.contains("{'plantleak': 'orphan-dict'"), run.describe().constData());
}

// A rule whose regular expression explodes on the planted leaks' reprs: it ignores none of them, the
// report says so on stderr, and the leaks stay suspects.
void TestCli::ignoreRuleThatHitsItsLimit()
{
    const QString rules = writeTmpFile(u"exploding-rules"_s, "repr re:^(\\W*\\w*)*\\d$\ntype plantleak.Leaky\n");
    const Run run = runCli({u"report"_s, u"--ignore"_s, rules, scriptPath(u"planted.py"_s), fixtureDir()});
    QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
    const QStringList warnings = nonEmptyLines(run.err).filter(u"warning"_s);
    QVERIFY2(warnings.size() == 1, run.describe().constData());
    const QRegularExpression warning(u"^leakscope-cli: warning: "_s + QRegularExpression::escape(rules)
                                     + u":1: a regular expression of this rule hit its match limit on \\d+ objects?; "
                                       "the rule did not ignore (them|it)$"_s);
    QVERIFY2(warning.match(warnings.first()).hasMatch(), qPrintable(warnings.first()));
    // The next rule still applies, and the leak the exploding rule could not decide stays a suspect.
    QVERIFY2(!run.out.contains("plantleak.Leaky"), run.describe().constData());
    QVERIFY2(run.out.contains("{'plantleak': 'orphan-dict'"), run.describe().constData());
}

void TestCli::unreadableIgnoreFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("mention");
    QTest::newRow("missing") << u"no-such-rules"_s << u"'no-such-rules': No such file or directory"_s;
    QTest::newRow("a folder") << u"."_s << u"'.': it is a directory"_s;
}

void TestCli::unreadableIgnoreFile()
{
    QFETCH(QString, file);
    QFETCH(QString, mention);
    // Refused before the script runs (touches.py would leave its marker) and before any report.
    checkRefused(runInTmp({u"report"_s, u"--output"_s, u"report.json"_s, u"--ignore"_s, file,
                           scriptPath(u"touches.py"_s), tmpPath(u"marker"_s)}),
                 u"cannot read ignore rules "_s + mention);
}
