// `leakscope-cli report --format html|md` on the demo (examples/leaky_service.py) and on the plantleak
// fixture: the HTML page read by Python's html.parser (tests/scripts/check_html_report.py: balanced
// elements, nothing loaded from elsewhere), its suspects and retained sizes against the JSON report of
// the same snapshot file; the Markdown's tables and suspects; --depth; `attach --format html|md` on a
// running python3; the usage errors.
#include "support/attach_targets.h"
#include "cli_process.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
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

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Suspect
{
    QString type;
    qint64 retained = 0;
    QString library; // the origin library's file name, or empty
};

// The suspects of the JSON report, by address.
QMap<QString, Suspect> jsonSuspects(const QString& snapshot)
{
    const Run run = runCli({u"report"_s, u"--format"_s, u"json"_s, snapshot});
    if (run.exitCode != 0)
        qWarning("%s", run.describe().constData());
    QMap<QString, Suspect> out;
    const QJsonObject report = QJsonDocument::fromJson(run.out).object();
    for (const QJsonValue& value : report.value(u"candidates"_s).toArray()) {
        const QJsonObject c = value.toObject();
        if (!c.value(u"suspect"_s).toBool())
            continue;
        const QString library = c.value(u"origin"_s).toObject().value(u"library"_s).toString();
        out.insert(c.value(u"address"_s).toString(),
            {c.value(u"type"_s).toString(), c.value(u"retained_size"_s).toInteger(),
                library.isEmpty() ? QString() : library.section(u'/', -1)});
    }
    return out;
}

// check_html_report.py's verdict on the page at path.
QJsonObject checkHtml(const QString& path)
{
    const Run run = runProgram(pythonPath(), {scriptPath(u"check_html_report.py"_s), path});
    if (run.exitCode != 0)
        qWarning("%s", run.describe().constData());
    return QJsonDocument::fromJson(run.out).object();
}

// The column count of each Markdown table row must match its table's header; returns the tables seen.
int checkMarkdownTables(const QByteArray& md, QString* problem)
{
    int tables = 0;
    int expected = -1;
    for (const QByteArray& line : md.split('\n')) {
        if (!line.startsWith('|')) {
            expected = -1;
            continue;
        }
        int pipes = 0;
        for (qsizetype i = 0; i < line.size(); ++i) {
            if (line[i] == '\\')
                ++i;
            else if (line[i] == '|')
                ++pipes;
        }
        if (expected < 0) {
            expected = pipes;
            ++tables;
        } else if (pipes != expected && problem->isEmpty()) {
            *problem = u"row with %1 pipes in a table of %2: "_s.arg(pipes).arg(expected) + QString::fromUtf8(line);
        }
    }
    return tables;
}

} // namespace

class TestCliReportDocuments : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo; // the demo's final snapshot
    QString m_planted; // planted.py's

    QString saveSnapshot(const QString& folder, const QStringList& script)
    {
        const Run run = runCli(QStringList{u"run"_s, u"--output-dir"_s, m_dir.filePath(folder), u"--"_s} + script);
        if (run.exitCode != 0) {
            qWarning("%s", run.describe().constData());
            return {};
        }
        const QStringList lines = nonEmptyLines(run.out);
        return lines.isEmpty() ? QString() : lines.last();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = saveSnapshot(u"demo"_s, {QStringLiteral(LEAKSCOPE_DEMO)});
        QVERIFY(m_demo.endsWith(u"-end.lssnap"_s));
        m_planted = saveSnapshot(u"planted"_s, {scriptPath(u"planted.py"_s), fixtureDir()});
        QVERIFY(m_planted.endsWith(u"-end.lssnap"_s));
    }

    void demoHtmlAgainstJson()
    {
        const QMap<QString, Suspect> suspects = jsonSuspects(m_demo);
        QCOMPARE(suspects.size(), 4); // three Requests and the exported list
        const QString page = m_dir.filePath(u"demo.html"_s);
        const Run run = runCli({u"report"_s, u"--format"_s, u"html"_s, u"--output"_s, page, m_demo});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QJsonObject check = checkHtml(page);
        QVERIFY2(check.value(u"errors"_s).toArray().isEmpty(),
            QJsonDocument(check.value(u"errors"_s).toArray()).toJson().constData());
        QCOMPARE(check.value(u"title"_s).toString(), QFileInfo(m_demo).fileName().prepend(u"LeakScope report: "_s));
        const QJsonArray headings = check.value(u"headings"_s).toArray();
        QCOMPARE(headings.size(), 2);
        QCOMPARE(headings[0].toString(), u"Suspect 1: __main__.Request"_s);
        QCOMPARE(headings[1].toString(), u"Suspect 2: builtins.list"_s);

        // Every suspect is a member row of its group, with the JSON report's retained size.
        qint64 requests = 0;
        QSet<QString> seen;
        const QJsonArray members = check.value(u"members"_s).toArray();
        QCOMPARE(members.size(), 2);
        for (int g = 0; g < members.size(); ++g) {
            for (const QJsonValue& row : members[g].toArray()) {
                const QString address = row.toArray()[0].toString();
                QVERIFY2(suspects.contains(address), qPrintable(address));
                QCOMPARE(row.toArray()[1].toInteger(), suspects[address].retained);
                QCOMPARE(suspects[address].type, g == 0 ? u"__main__.Request"_s : u"builtins.list"_s);
                if (g == 0)
                    requests += suspects[address].retained;
                seen.insert(address);
            }
        }
        QCOMPARE(seen.size(), 4);
        const QJsonArray stories = check.value(u"stories"_s).toArray();
        QCOMPARE(stories.size(), 2);
        QVERIFY2(stories[0].toString().startsWith(u"3 instances of __main__.Request retain "_s),
            qPrintable(stories[0].toString()));
        QVERIFY(stories[0].toString().endsWith(u"nothing in the heap refers to them."_s));
        QVERIFY(readAll(page).contains("(" + QByteArray::number(requests) + " bytes, "));
        // Depth 2 by default: each of the four suspects opens (their referents hold nothing tracked).
        QCOMPARE(check.value(u"details"_s).toInt(), 4);
    }

    void demoScriptHtml()
    {
        const Run run = runCli({u"report"_s, u"--format"_s, u"html"_s, u"--"_s, QStringLiteral(LEAKSCOPE_DEMO)});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QString page = m_dir.filePath(u"script.html"_s);
        QFile file(page);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(run.out);
        file.close();
        const QJsonObject check = checkHtml(page);
        QVERIFY(check.value(u"errors"_s).toArray().isEmpty());
        QCOMPARE(check.value(u"title"_s).toString(), u"LeakScope report: leaky_service.py"_s);
        QCOMPARE(check.value(u"headings"_s).toArray().size(), 2);
    }

    void plantleakHtml()
    {
        const QMap<QString, Suspect> suspects = jsonSuspects(m_planted);
        QString library;
        for (const Suspect& s : suspects) {
            if (s.type == u"plantleak.Leaky"_s)
                library = s.library;
        }
        QVERIFY2(library.startsWith(u"plantleak"_s), qPrintable(library));
        const QString page = m_dir.filePath(u"planted.html"_s);
        const Run run = runCli({u"report"_s, u"--format=html"_s, u"--output"_s, page, m_planted});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QJsonObject check = checkHtml(page);
        QVERIFY(check.value(u"errors"_s).toArray().isEmpty());
        bool found = false;
        for (const QJsonValue& story : check.value(u"stories"_s).toArray())
            found = found
                || story.toString().contains(u"instance of plantleak.Leaky, defined in "_s + library + u", retain"_s);
        QVERIFY2(found, QJsonDocument(check.value(u"stories"_s).toArray()).toJson().constData());
    }

    void demoMarkdown()
    {
        const QMap<QString, Suspect> suspects = jsonSuspects(m_demo);
        const Run run = runCli({u"report"_s, u"--format"_s, u"md"_s, m_demo});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QByteArray md = run.out;
        QString problem;
        // Summary, story, the two groups' retained types and members, types, suspects.
        QCOMPARE(checkMarkdownTables(md, &problem), 8);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(md.contains("\n## Leak suspects\n"));
        QVERIFY(md.contains("\n### Suspect 1: \\_\\_main\\_\\_.Request\n"));
        QVERIFY(md.contains("\n### Suspect 2: builtins.list\n"));
        QVERIFY(md.contains("\n3 instances of \\_\\_main\\_\\_.Request retain "));
        for (auto it = suspects.begin(); it != suspects.end(); ++it) {
            // "| 1 | 0x… | type | size | retained | repr |" in its group's members table.
            const QRegularExpression row(u"\\n\\| \\d+ \\| "_s + it.key() + u" \\| [^|]+ \\| \\d+ \\| "_s
                + QString::number(it.value().retained) + u" \\| "_s);
            QVERIFY2(row.match(QString::fromUtf8(md)).hasMatch(), qPrintable(it.key()));
        }
    }

    void depth()
    {
        auto details = [&](const QString& snapshot, const QString& depth) {
            const QString page = m_dir.filePath(u"depth"_s + depth + u".html"_s);
            const Run run
                = runCli({u"report"_s, u"--format"_s, u"html"_s, u"--depth"_s, depth, u"--output"_s, page, snapshot});
            if (run.exitCode != 0)
                qWarning("%s", run.describe().constData());
            const QJsonObject check = checkHtml(page);
            return check.value(u"errors"_s).toArray().isEmpty() ? check.value(u"details"_s).toInt() : -1;
        };
        // The demo's suspects hold untracked dicts (of strs only) and their class: nothing opens below
        // the first level, so one <details> per suspect at any depth from 1.
        QCOMPARE(details(m_demo, u"0"_s), 0);
        QCOMPARE(details(m_demo, u"1"_s), 4);
        QCOMPARE(details(m_demo, u"2"_s), 4);
        // plantleak's leaked list holds dicts that hold lists: depth 2 opens the dicts.
        QCOMPARE(details(m_planted, u"0"_s), 0);
        const int one = details(m_planted, u"1"_s);
        const int two = details(m_planted, u"2"_s);
        QVERIFY2(one > 0 && two > one, qPrintable(u"%1 %2"_s.arg(one).arg(two)));
        QVERIFY(details(m_planted, u"3"_s) >= two);
        const Run md = runCli({u"report"_s, u"--format"_s, u"md"_s, u"--depth=0"_s, m_demo});
        QCOMPARE(md.exitCode, 0);
        QVERIFY(!md.out.contains("levels down"));
    }

    // attach --format html|md on a running python3 that planted plantleak's leaks
    // (tests/scripts/attach_target.py): gdb must be installed and the process traceable.
    void attachedProcess()
    {
        const QString stop = m_dir.filePath(u"stop"_s);
        QProcess target;
        target.setProcessEnvironment(leakscope::attachtest::targetEnvironment());
        target.start(pythonPath(), {scriptPath(u"attach_target.py"_s), fixtureDir(), u"sleep"_s, stop});
        QByteArray out;
        QElapsedTimer clock;
        clock.start();
        while (!out.contains("ready\n") && clock.elapsed() < 30000 && target.state() != QProcess::NotRunning) {
            target.waitForReadyRead(200);
            out += target.readAllStandardOutput();
        }
        QVERIFY2(out.contains("ready\n"), out.constData());
        const QString pid = QString::number(target.processId());
        // Skipped only where the self-test says attaching cannot work here (no gdb, ptrace refused);
        // once it says it can, any failure of the attach is a failure of the test.
        const Run selfTest = runCli({u"attach"_s, u"--check"_s, pid});
        if (selfTest.exitCode != 0) {
            QFile(stop).open(QIODevice::WriteOnly);
            target.waitForFinished(30000);
            QSKIP(selfTest.err.constData());
        }
        const QString page = m_dir.filePath(u"attached.html"_s);
        const Run html
            = runCli({u"attach"_s, u"--format"_s, u"html"_s, u"--depth"_s, u"1"_s, u"--output"_s, page, pid});
        const Run md = runCli({u"attach"_s, u"--format=md"_s, pid});
        QFile(stop).open(QIODevice::WriteOnly);
        QVERIFY(target.waitForFinished(30000));
        QCOMPARE(target.exitCode(), 0);
        QVERIFY2(html.exitCode == 0, html.describe().constData());
        const QJsonObject check = checkHtml(page);
        QVERIFY(check.value(u"errors"_s).toArray().isEmpty());
        QCOMPARE(check.value(u"title"_s).toString(), u"LeakScope report: process "_s + pid);
        bool leaky = false;
        for (const QJsonValue& story : check.value(u"stories"_s).toArray())
            leaky = leaky || story.toString().startsWith(u"1 instance of plantleak.Leaky, defined in plantleak"_s);
        QVERIFY2(leaky, QJsonDocument(check.value(u"stories"_s).toArray()).toJson().constData());
        QVERIFY2(md.exitCode == 0, md.describe().constData());
        QVERIFY(md.out.startsWith("# LeakScope report: process " + pid.toUtf8() + "\n"));
        QVERIFY(md.out.contains("instance of plantleak.Leaky, defined in plantleak"));
    }

    void errors()
    {
        const struct
        {
            QStringList arguments;
            QByteArray message;
        } cases[] = {
            {{u"report"_s, u"--format"_s, u"html"_s, u"--depth"_s, u"9"_s, m_demo},
                "--depth needs a number of levels from 0 to 8"},
            {{u"report"_s, u"--format"_s, u"md"_s, u"--depth"_s, u"two"_s, m_demo},
                "--depth needs a number of levels from 0 to 8"},
            {{u"report"_s, u"--format"_s, u"md"_s, u"--depth"_s}, "--depth needs a number of levels from 0 to 8"},
            {{u"report"_s, u"--format"_s, u"json"_s, u"--depth"_s, u"1"_s, m_demo},
                "--depth applies to --format html and md"},
            {{u"report"_s, u"--format"_s, u"xml"_s, m_demo}, "unknown format 'xml' (use table, json, csv, html or md)"},
            {{u"attach"_s, u"--format"_s, u"html"_s, u"--depth"_s, u"9"_s, u"1"_s},
                "--depth needs a number of levels from 0 to 8"},
            {{u"attach"_s, u"--depth"_s, u"1"_s, u"1"_s}, "--depth applies to --format html and md"},
            {{u"diff"_s, u"--format"_s, u"html"_s, m_demo, m_demo}, "unknown format 'html' (use table, json or csv)"},
        };
        for (const auto& c : cases) {
            const Run run = runCli(c.arguments);
            QVERIFY2(run.exitCode == 2, run.describe().constData());
            QVERIFY2(run.err.contains(c.message), run.describe().constData());
            QVERIFY(run.out.isEmpty());
        }
    }

    // The checker itself finds what it must: a page that loads a script, an image and a font, with an
    // element left open.
    void checkerRejectsBadPages()
    {
        const QString page = m_dir.filePath(u"bad.html"_s);
        QFile file(page);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>x</title>"
                   "<style>body { background: url(http://example.org/a.png) }</style>"
                   "<script src=\"https://example.org/a.js\"></script></head>"
                   "<body><div><img src=\"//example.org/b.png\"><p onclick=\"x()\">text</div></body></html>");
        file.close();
        const QJsonArray errors = checkHtml(page).value(u"errors"_s).toArray();
        const QString all = QString::fromUtf8(QJsonDocument(errors).toJson());
        QVERIFY2(all.contains(u"forbidden element <script>"_s), qPrintable(all));
        QVERIFY2(all.contains(u"forbidden element <img>"_s), qPrintable(all));
        QVERIFY2(all.contains(u"the style sheet loads something"_s), qPrintable(all));
        QVERIFY2(all.contains(u"event handler onclick"_s), qPrintable(all));
        QVERIFY2(all.contains(u"</div> at line 1 closes <p>"_s), qPrintable(all));
    }
};

QTEST_GUILESS_MAIN(TestCliReportDocuments)
#include "tst_cli_report_documents.moc"
