// Native allocation stacks and untracked orphans, in an interpreter that records every object-domain
// allocation's C stack from its start: the fixture's leaks name the fixture's function and line as
// their creator, an object made by Python code names the eval loop, and a leaked str, bytes, int or
// dict of atoms (which the collector never tracks) is a candidate of its own.
#include "python_session.h"

#include "capture/explainers.h"
#include "capture/heap_capture.h"
#include "capture/native_traces.h"
#include "snapshot/analysis.h"

#include <QtTest/QtTest>

#include <fstream>
#include <string>

using namespace leakscope;
using namespace testing;

namespace {

// The line of plantleak.c that carries "native-trace: <name>", 0 when none does.
unsigned markerLine(const std::string& name)
{
    std::ifstream source(PLANTLEAK_SOURCE);
    std::string line;
    const std::string marker = "native-trace: " + name + " ";
    for (unsigned number = 1; std::getline(source, line); ++number) {
        if (line.find(marker) != std::string::npos)
            return number;
    }
    return 0;
}

bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "function at file:line" of frame f.
std::string describe(const Snapshot& s, std::uint32_t f)
{
    const NativeFrame& frame = s.nativeFrame(f);
    return std::string(s.string(frame.function)) + " at " + std::string(s.string(frame.file)) + ":"
           + std::to_string(frame.line) + " in " + std::string(s.string(frame.library));
}

// The object's stack as text, one frame per line, folded ones marked.
std::string stackText(const Snapshot& s, ObjectIndex i)
{
    std::string out;
    const auto frames = s.nativeStack(i);
    for (std::size_t k = 0; k < frames.size(); ++k)
        out += (k < s.nativeStackFolded(i) ? "  (folded) " : "  ") + describe(s, frames[k]) + "\n";
    return out;
}

} // namespace

class TestNativeStacks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        std::string error;
        QVERIFY2(testing::run("import sys, gc\nsys.path.insert(0, '" PLANTLEAK_DIR "')\nimport plantleak\n", &error),
                 error.c_str());
        QVERIFY(capture::NativeTraceRecorder::instance() != nullptr);
        // The capture's start: what the interpreter and this test made so far is the baseline.
        capture::CaptureOptions baselineOptions = capture::baselineCaptureOptions(capture::NativeTraceRecorder::instance());
        QVERIFY(testing::run("gc.collect()\n"));
        m_baseline = capture::baselineOf(*capture::captureHeap(baselineOptions));
    }

    void leaksNameTheFixtureFunctionAndLine()
    {
        QVERIFY(testing::run("plantleak.leak_dict()\nplantleak.leak_list(2)\nplantleak.leak_instance()\n"
                             "plantleak.leak_str()\nplantleak.leak_bytes()\nplantleak.leak_int()\n"
                             "plantleak.leak_atom_dict()\n"
                             "pure = {'made-by': 'python', 'tracked': []}\nplantleak.extra_incref(pure)\n"
                             "pure_id = id(pure)\ndel pure\ngc.collect()\n"));
        capture::CaptureOptions options;
        options.nativeTraces = capture::NativeTraceRecorder::instance();
        options.baseline = &m_baseline;
        capture::CaptureDiagnostics diagnostics;
        const SnapshotPtr snapshot = capture::captureHeap(options, &diagnostics);
        const Snapshot& s = *snapshot;
        const HeapAnalysis analysis(s);
        QCOMPARE(s.info().nativeTraceDepth, capture::NativeTraceRecorder::instance()->depth());
        QVERIFY(diagnostics.allocationsSeen > 1000);
        QVERIFY(diagnostics.untrackedOrphans >= 4);

        struct Planted
        {
            const char* function;
            const char* repr;
            bool untracked;
        };
        const Planted planted[] = {
            {"leak_dict", "'orphan-dict'", false},      {"leak_list", "'list-child'", false},
            {"leak_instance", "Leaky", false},          {"leak_str", "'orphan-str-1'", true},
            {"leak_bytes", "b'orphan-bytes'", true},    {"leak_int", "987654321987", true},
            {"leak_atom_dict", "'orphan-atom-dict'", true},
        };
        for (const Planted& p : planted) {
            const unsigned line = markerLine(p.function);
            QVERIFY2(line > 0, p.function);
            const auto found = candidatesWhere(analysis, [&](ObjectIndex i) {
                return analysis.isSuspect(i) && (reprContains(s, i, p.repr) || s.typeNameOf(i).find(p.repr) != std::string_view::npos);
            });
            QVERIFY2(found.size() == 1, (std::string(p.function) + ": " + std::to_string(found.size()) + " suspects").c_str());
            const ObjectIndex i = found.front();
            QCOMPARE(s.isUntrackedOrphan(i), p.untracked);
            const auto frames = s.nativeStack(i);
            const std::string text = stackText(s, i);
            QVERIFY2(!frames.empty(), p.function);
            const std::uint16_t folded = s.nativeStackFolded(i);
            QVERIFY2(folded > 0 && folded < frames.size(), text.c_str());
            const NativeFrame& creator = s.nativeFrame(frames[folded]);
            QVERIFY2(s.string(creator.function) == p.function, text.c_str());
            QVERIFY2(endsWith(s.string(creator.file), "tests/fixture/plantleak.c"), text.c_str());
            QVERIFY2(creator.line == line, (text + "expected line " + std::to_string(line)).c_str());
            QVERIFY2(s.string(creator.library).find("plantleak") != std::string_view::npos, text.c_str());
            // The folded frames are libpython's.
            for (std::size_t k = 0; k < folded; ++k)
                QVERIFY2(s.string(s.nativeFrame(frames[k]).library).find("libpython3") != std::string_view::npos,
                         text.c_str());
        }

        // Made by Python code: the eval loop first, no frame of the extension.
        const auto pure = findByAddress(s, static_cast<std::uint64_t>(evalInt("pure_id")));
        QVERIFY(pure);
        QVERIFY(analysis.isSuspect(*pure));
        const auto frames = s.nativeStack(*pure);
        const std::string text = stackText(s, *pure);
        QVERIFY2(s.nativeStackFolded(*pure) < frames.size(), text.c_str());
        QVERIFY2(s.string(s.nativeFrame(frames[s.nativeStackFolded(*pure)]).function) == "_PyEval_EvalFrameDefault",
                 text.c_str());
        for (const std::uint32_t f : frames)
            QVERIFY2(s.string(s.nativeFrame(f).library).find("plantleak") == std::string_view::npos, text.c_str());
    }

    // Nothing the interpreter, the modules imported or this test's own code made is an untracked
    // orphan left unexplained: only the planted ones are.
    void cleanHeapHasNoUntrackedSuspects()
    {
        QVERIFY(testing::run("import json, re, collections\n"
                             "clean = {'k%d' % n: ('v', n, b'x' * n) for n in range(200)}\n"
                             "words = [str(n) * 3 for n in range(200)]\n"
                             "frozen = frozenset(words)\ngc.collect()\n"));
        capture::CaptureOptions options;
        options.nativeTraces = capture::NativeTraceRecorder::instance();
        options.baseline = &m_baseline;
        const SnapshotPtr snapshot = capture::captureHeap(options);
        const Snapshot& s = *snapshot;
        const HeapAnalysis analysis(s);
        std::string unexpected;
        for (const ObjectIndex i : analysis.candidates()) {
            if (!s.isUntrackedOrphan(i) || !analysis.isSuspect(i))
                continue;
            const std::string repr = s.repr(i);
            if (repr.find("orphan-") != std::string::npos || repr.find("987654321987") != std::string::npos)
                continue; // planted by the test before
            unexpected += std::string(s.typeNameOf(i)) + " " + repr + " refcount " + std::to_string(s.refcount(i))
                          + " at " + formatAddress(s.address(i)) + "\n" + stackText(s, i);
        }
        QVERIFY2(unexpected.empty(), unexpected.c_str());
    }

private:
    capture::Baseline m_baseline;
};

QTEST_GUILESS_MAIN(TestNativeStacks)
#include "tst_native_stacks.moc"
