// --native-traces[=DEPTH], parsed once for leakscope, leakscope-cli report and run, and leakscope-host.
#include "snapshot/native_traces_option.h"
#include "snapshot/tracemalloc_option.h"

#include <QtTest/QtTest>

using namespace leakscope;

class TestNativeTracesOption : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void depths()
    {
        QCOMPARE(kDefaultNativeTraceDepth, 16u);
        QCOMPARE(kMaxNativeTraceDepth, 256u);
        QCOMPARE(parseNativeTracesOption("--native-traces"), std::optional<unsigned>(16));
        QCOMPARE(parseNativeTracesOption("--native-traces=1"), std::optional<unsigned>(1));
        QCOMPARE(parseNativeTracesOption("--native-traces=32"), std::optional<unsigned>(32));
        QCOMPARE(parseNativeTracesOption("--native-traces=256"), std::optional<unsigned>(256));
        QCOMPARE(parseNativeTracesOption("--native-traces=0032"), std::optional<unsigned>(32));
        for (const char* bad : {"--native-traces=", "--native-traces=0", "--native-traces=257",
                                "--native-traces=65535", "--native-traces=-1", "--native-traces=+5",
                                "--native-traces= 5", "--native-traces=5 ", "--native-traces=x",
                                "--native-traces=16k", "--native-traces=4294967296",
                                "--native-traces=99999999999999999999"})
            QVERIFY2(parseNativeTracesOption(bad) == std::optional<unsigned>(0), bad);
        for (const char* other : {"--native-traces5", "--native-tracesx=5", "--native-trace", "-native-traces",
                                  "--native", "--tracemalloc", "--tracemalloc=5", "script.py", ""})
            QVERIFY2(!parseNativeTracesOption(other), other);
    }

    // Each option reads only its own name, so the two can be given together.
    void optionsAreDistinct()
    {
        QVERIFY(!parseTracemallocOption("--native-traces=8"));
        QVERIFY(!parseTracemallocOption("--native-traces"));
        QCOMPARE(parseTracemallocOption("--tracemalloc=300"), std::optional<unsigned>(300)); // over 256 is fine there
    }

    void errorNamesTheDepth()
    {
        QCOMPARE(nativeTracesDepthError("--native-traces=abc"),
                 std::string("--native-traces takes a depth from 1 to 256, not 'abc'"));
        QCOMPARE(nativeTracesDepthError("--native-traces=257"),
                 std::string("--native-traces takes a depth from 1 to 256, not '257'"));
        QCOMPARE(nativeTracesDepthError("--native-traces="),
                 std::string("--native-traces takes a depth from 1 to 256, not ''"));
    }
};

QTEST_GUILESS_MAIN(TestNativeTracesOption)
#include "tst_native_traces_option.moc"
