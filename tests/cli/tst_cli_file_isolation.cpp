// A snapshot file someone sent names files of the machine it was made on: the scripts its objects
// were allocated in, the C sources and libraries of its native stacks and of its types' origins.
// Reading it with any command (every report format, diff, growth, both exports) must open none of
// them. Each such path here is a named pipe that a PipeWatcher (tests/support/pipe_watcher.h) would see
// opened. Nor does reading one start Python.

#include "cli_process.h"

#include "snapshot/snapshot_file.h"
#include "support/pipe_watcher.h"
#include "test_graph.h"

#include <QDir>
#include <QFile>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>

using namespace leakscope;
using namespace clitest;

class TestCliFileIsolation : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_pipes;
    QString m_first, m_second;

    QString pipe(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        if (!test::makePipe(path))
            qFatal("cannot make the pipe %s: %s", qPrintable(path), std::strerror(errno));
        m_pipes.append(path);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QDir().mkpath(m_dir.filePath(QStringLiteral("elsewhere")));
        const std::string script = pipe(QStringLiteral("elsewhere/app.py")).toStdString();
        const std::string helper = pipe(QStringLiteral("elsewhere/helper.py")).toStdString();
        const std::string csource = pipe(QStringLiteral("elsewhere/ext.c")).toStdString();
        const std::string library = pipe(QStringLiteral("elsewhere/libext.so")).toStdString();
        const std::string typeSource = pipe(QStringLiteral("elsewhere/types.c")).toStdString();
        const std::string typeLibrary = pipe(QStringLiteral("elsewhere/libtypes.so")).toStdString();

        // Two suspects made in the pipes' "files", one of a type whose origin is a pipe too, and a
        // list holding a third object.
        test::GraphSpec spec;
        spec.objects = {
            {.type = "builtins.dict", .repr = "{'leaked': 1}"},
            {.type = "ext.Widget"},
            {.type = "builtins.list", .edges = {3}},
            {.type = "builtins.str", .gc = false, .repr = "'held'"},
        };
        spec.allocations = {{0, {{script, 12}, {helper, 3}}}, {1, {{helper, 40}}}};
        spec.nativeStacks = {{0, {{"make_dict", library, csource, 77}, {"", library, csource, 0}}, 0},
                             {1, {{"widget_new", typeLibrary, typeSource, 9}}, 0}};
        spec.origins = {{"ext.Widget", typeLibrary, "WidgetType", typeSource}};

        m_first = m_dir.filePath(QStringLiteral("first.lssnap"));
        m_second = m_dir.filePath(QStringLiteral("second.lssnap"));
        spec.objects[3].repr = "'held once'";
        saveSnapshotFile(Snapshot(test::buildColumns(spec)), m_first.toStdString(), {});
        spec.objects.push_back({.type = "builtins.dict", .repr = "{'more': 2}"});
        spec.allocations.push_back({4, {{script, 99}}});
        saveSnapshotFile(Snapshot(test::buildColumns(spec)), m_second.toStdString(), {});
    }

    void commandsReadOnlyTheirSnapshotFiles_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        const QString out = m_dir.filePath(QStringLiteral("out"));
        QTest::newRow("report table") << QStringList{QStringLiteral("report"), m_second} << 0;
        for (const char* format : {"json", "csv"})
            QTest::newRow(qPrintable(QStringLiteral("report ") + QLatin1String(format)))
                << QStringList{QStringLiteral("report"), QStringLiteral("--format"), QLatin1String(format),
                               QStringLiteral("--output"), out, m_second}
                << 0;
        for (const char* format : {"html", "md"})
            QTest::newRow(qPrintable(QStringLiteral("report ") + QLatin1String(format)))
                << QStringList{QStringLiteral("report"), QStringLiteral("--format"), QLatin1String(format),
                               QStringLiteral("--depth"), QStringLiteral("8"), QStringLiteral("--output"), out, m_second}
                << 0;
        QTest::newRow("diff") << QStringList{QStringLiteral("diff"), m_first, m_second} << 0;
        QTest::newRow("diff json") << QStringList{QStringLiteral("diff"), QStringLiteral("--format"),
                                                  QStringLiteral("json"), m_first, m_second}
                                   << 0;
        // Three snapshots whose last two rounds each add nothing: no leak, exit status 0.
        QTest::newRow("growth") << QStringList{QStringLiteral("growth"), m_first, m_second, m_second} << 0;
        QTest::newRow("export heapsnapshot")
            << QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("heapsnapshot"),
                           QStringLiteral("--output"), out, m_second}
            << 0;
        QTest::newRow("export dot") << QStringList{QStringLiteral("export"), QStringLiteral("--format"),
                                                   QStringLiteral("dot"), QStringLiteral("--around"),
                                                   QStringLiteral("0x%1").arg(test::defaultAddress(2), 0, 16),
                                                   QStringLiteral("--output"), out, m_second}
                                    << 0;
    }

    void commandsReadOnlyTheirSnapshotFiles()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        const QString out = m_dir.filePath(QStringLiteral("out"));
        QFile::remove(out);
        Run run;
        QStringList opened;
        {
            test::PipeWatcher watcher(m_pipes);
            run = runCli(arguments);
            opened = watcher.opened();
        }
        QVERIFY2(run.finished, run.describe().constData());
        QVERIFY2(opened.isEmpty(), qPrintable(QStringLiteral("opened: ") + opened.join(QStringLiteral(", "))));
        QVERIFY2(run.exitCode == exitCode, run.describe().constData());
        // The written reports do show the paths (the files were named, just not opened).
        if (arguments.first() == QLatin1String("report") && arguments.contains(QStringLiteral("--output"))
            && !arguments.contains(QStringLiteral("csv"))) {
            QFile written(out);
            QVERIFY(written.open(QIODevice::ReadOnly));
            const QByteArray text = written.readAll();
            QVERIFY2(text.contains("elsewhere/app.py") || text.contains("elsewhere\\/app.py"), text.left(2000).constData());
        }
    }

    // No interpreter starts to read a file: a sitecustomize module on PYTHONPATH, which any start of
    // Python in the command would run, leaves its mark only when a script is run.
    void readingAFileStartsNoPython()
    {
        const QString site = m_dir.filePath(QStringLiteral("site"));
        const QString mark = m_dir.filePath(QStringLiteral("python-started"));
        QVERIFY(QDir().mkpath(site));
        QFile module(site + QStringLiteral("/sitecustomize.py"));
        QVERIFY(module.open(QIODevice::WriteOnly));
        module.write("import os\nopen(os.environ['LEAKSCOPE_TEST_MARK'], 'w').close()\n");
        module.close();
        RunOptions options;
        options.environment.insert(QStringLiteral("PYTHONPATH"), site);
        options.environment.insert(QStringLiteral("LEAKSCOPE_TEST_MARK"), mark);
        const QString out = m_dir.filePath(QStringLiteral("out"));
        for (const QStringList& arguments :
             {QStringList{QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--output"), out, m_second},
              QStringList{QStringLiteral("diff"), m_first, m_second},
              QStringList{QStringLiteral("growth"), m_first, m_second, m_second},
              QStringList{QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("heapsnapshot"),
                          QStringLiteral("--output"), out, m_second}}) {
            const Run run = runCli(arguments, options);
            QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
            QVERIFY2(!QFile::exists(mark), qPrintable(arguments.join(u' ')));
        }
        const QString script = m_dir.filePath(QStringLiteral("hello.py"));
        QFile hello(script);
        QVERIFY(hello.open(QIODevice::WriteOnly));
        hello.write("print('hello')\n");
        hello.close();
        const Run run = runCli({QStringLiteral("report"), QStringLiteral("--"), script}, options);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY(QFile::exists(mark)); // the check can see a start
    }

    // The check itself: a command that does open one of the pipes (a script given as one) is caught.
    void theWatcherSeesAnOpen()
    {
        const QString script = m_pipes.first();
        Run run;
        QStringList opened;
        {
            test::PipeWatcher watcher(m_pipes);
            run = runCli({QStringLiteral("report"), QStringLiteral("--"), script});
            opened = watcher.opened();
        }
        QVERIFY2(run.finished, run.describe().constData());
        QVERIFY2(opened.contains(script), qPrintable(opened.join(QStringLiteral(", "))));
    }
};

QTEST_GUILESS_MAIN(TestCliFileIsolation)
#include "tst_cli_file_isolation.moc"
