// --tracemalloc[=DEPTH], parsed once for leakscope, leakscope-cli report and leakscope-host.
#include "snapshot/tracemalloc_option.h"

#include <QtTest/QtTest>

using namespace leakscope;

class TestTracemallocOption : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void depths()
    {
        QCOMPARE(parseTracemallocOption("--tracemalloc"), std::optional<unsigned>(kDefaultTracemallocDepth));
        QCOMPARE(parseTracemallocOption("--tracemalloc=1"), std::optional<unsigned>(1));
        QCOMPARE(parseTracemallocOption("--tracemalloc=65535"), std::optional<unsigned>(65535));
        for (const char* bad : {"--tracemalloc=", "--tracemalloc=0", "--tracemalloc=65536", "--tracemalloc=-1",
                                "--tracemalloc=+5", "--tracemalloc= 5", "--tracemalloc=5 ", "--tracemalloc=x",
                                "--tracemalloc=99999999999999999999"})
            QVERIFY2(parseTracemallocOption(bad) == std::optional<unsigned>(0), bad);
        for (const char* other : {"--tracemallocs", "--tracemalloc5", "-tracemalloc", "--trace", "script.py", ""})
            QVERIFY2(!parseTracemallocOption(other), other);
    }

    void errorNamesTheDepth()
    {
        QCOMPARE(tracemallocDepthError("--tracemalloc=abc"), std::string("--tracemalloc takes a depth from 1 to 65535, not 'abc'"));
        QCOMPARE(tracemallocDepthError("--tracemalloc="), std::string("--tracemalloc takes a depth from 1 to 65535, not ''"));
    }
};

QTEST_GUILESS_MAIN(TestTracemallocOption)
#include "tst_tracemalloc_option.moc"
