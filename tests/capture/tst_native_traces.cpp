// The native trace recorder in an interpreter started with nativeTraceDepth = 16: stacks name the C
// function that allocated, Python code's objects are counted, memory follows the live count, one line
// repeated makes few stacks, realloc keeps the creator's stack, and tracemalloc runs on top.

#include <Python.h>

#include "capture/interpreter.h"
#include "capture/native_traces.h"

#include <QTest>

#include <dlfcn.h>
#include <stdexcept>
#include <string>

using leakscope::capture::kNoNativeStack;
using leakscope::capture::NativeStackId;
using leakscope::capture::NativeTraceRecorder;

// Exported (the test links with ENABLE_EXPORTS) so that dladdr names them. The empty asm after the call
// keeps it from being a tail call, so the function's own frame is on the allocating stack.
extern "C" __attribute__((noinline, visibility("default"))) PyObject* leakscope_test_make_bytes(Py_ssize_t size)
{
    PyObject* bytes = PyBytes_FromStringAndSize(nullptr, size);
    asm volatile("" ::: "memory");
    return bytes;
}

extern "C" __attribute__((noinline, visibility("default"))) int leakscope_test_grow_bytes(
    PyObject** bytes, Py_ssize_t size)
{
    const int result = _PyBytes_Resize(bytes, size);
    asm volatile("" ::: "memory");
    return result;
}

namespace {

leakscope::capture::Interpreter& interpreter()
{
    static leakscope::capture::Interpreter instance([] {
        leakscope::capture::InterpreterOptions options;
        options.argv = {""};
        options.installSignalHandlers = false;
        options.isolated = true;
        options.nativeTraceDepth = 16;
        return options;
    }());
    return instance;
}

NativeTraceRecorder& recorder()
{
    interpreter();
    NativeTraceRecorder* installed = NativeTraceRecorder::instance();
    if (!installed)
        qFatal("no native trace recorder after the interpreter started");
    return *installed;
}

bool run(const std::string& source)
{
    std::string error;
    const bool ok = interpreter().runSource(source, &error);
    if (!ok)
        qWarning("%s", error.c_str());
    return ok;
}

PyObject* mainGlobal(const char* name)
{
    return PyDict_GetItemString(PyModule_GetDict(PyImport_AddModule("__main__")), name); // borrowed
}

std::string libraryOf(std::uintptr_t address)
{
    Dl_info info{};
    return dladdr(reinterpret_cast<void*>(address), &info) && info.dli_fname ? info.dli_fname : "";
}

const void* symbolOf(std::uintptr_t address)
{
    Dl_info info{};
    return dladdr(reinterpret_cast<void*>(address), &info) ? info.dli_saddr : nullptr;
}

// Where the allocation of a gc-tracked object without a managed dict starts: its GC header, two words
// (PyGC_Head is internal to CPython 3.11).
const void* gcAllocationStart(PyObject* object)
{
    return reinterpret_cast<const char*>(object) - 2 * sizeof(std::uintptr_t);
}

std::size_t recordedSize(const void* start)
{
    std::size_t size = 0;
    recorder().forEachAllocation([&](const void* at, std::size_t bytes, NativeStackId) {
        if (at == start)
            size = bytes;
    });
    return size;
}

} // namespace

class TestNativeTraces : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(recorder().depth(), 16u);
        // Everything the interpreter allocated while starting was seen.
        QVERIFY(recorder().liveAllocations() > 1000);
        QVERIFY(recorder().stats().stacks > 10);
    }

    void installRules()
    {
        QCOMPARE(&NativeTraceRecorder::install(16), &recorder());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, NativeTraceRecorder::install(8));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, NativeTraceRecorder::install(0));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, NativeTraceRecorder::install(257));
        try {
            NativeTraceRecorder::install(64);
            QFAIL("a second depth was accepted");
        } catch (const std::runtime_error& error) {
            QVERIFY2(std::string(error.what()).find("16") != std::string::npos, error.what());
        }
        QCOMPARE(recorder().frames(kNoNativeStack).size(), std::size_t(0));
        QCOMPARE(recorder().stackOf(nullptr), kNoNativeStack);
    }

    // The stack of a bytes object made by a known C function: the first frame is in libpython's
    // allocator, and a later one is a return address inside that function.
    void stackNamesTheCreator()
    {
        PyObject* bytes = leakscope_test_make_bytes(300);
        QVERIFY(bytes);
        const NativeStackId stack = recorder().stackOf(bytes);
        QVERIFY(stack != kNoNativeStack);
        const auto frames = recorder().frames(stack);
        QVERIFY(!frames.empty());
        QVERIFY(frames.size() <= 16);
        const std::string first = libraryOf(frames[0]);
        QVERIFY2(first.find("libpython3") != std::string::npos, first.c_str());
        bool creatorFound = false;
        for (const std::uintptr_t frame : frames)
            creatorFound = creatorFound || symbolOf(frame) == reinterpret_cast<const void*>(&leakscope_test_make_bytes);
        QVERIFY(creatorFound);
        // No frame of the recorder itself is left.
        for (const std::uintptr_t frame : frames)
            QVERIFY(libraryOf(frame).find("libunwind") == std::string::npos);
        QVERIFY(recordedSize(bytes) >= 300);
        Py_DECREF(bytes);
        QCOMPARE(recorder().stackOf(bytes), kNoNativeStack);
    }

    // pymalloc hands a freed block out again first: the new object's entry must survive the free of
    // the old one, whose erasing the recorder defers.
    void addressReusedAfterFree()
    {
        PyObject* first = leakscope_test_make_bytes(100);
        QVERIFY(first);
        const NativeStackId firstStack = recorder().stackOf(first);
        const auto before = recorder().stats();
        Py_DECREF(first);
        PyObject* second = PyBytes_FromStringAndSize(nullptr, 100); // another stack: this function's
        QVERIFY(second);
        const auto after = recorder().stats();
        QCOMPARE(after.frees, before.frees + 1);
        QCOMPARE(after.live, before.live);
        const NativeStackId secondStack = recorder().stackOf(second);
        QVERIFY(secondStack != kNoNativeStack);
        QVERIFY(secondStack != firstStack);
        if (second != first)
            QCOMPARE(recorder().stackOf(first), kNoNativeStack);
        Py_DECREF(second);
        QCOMPARE(recorder().stackOf(second), kNoNativeStack);
        QCOMPARE(recorder().stats().live, before.live - 1);
    }

    void pythonObjectsHaveStacks()
    {
        QVERIFY(run("import gc; gc.collect()"));
        const std::size_t before = recorder().liveAllocations();
        QVERIFY(run("keep = [[] for _ in range(100000)]"));
        qInfo("live %zu -> %zu", before, recorder().liveAllocations());
        QVERIFY(recorder().liveAllocations() >= before + 100000);
        PyObject* keep = mainGlobal("keep");
        QVERIFY(keep && PyList_Check(keep));
        QCOMPARE(PyList_GET_SIZE(keep), Py_ssize_t(100000));
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keep); ++i) {
            const NativeStackId stack = recorder().stackOf(gcAllocationStart(PyList_GET_ITEM(keep, i)));
            QVERIFY(stack != kNoNativeStack);
            QVERIFY(!recorder().frames(stack).empty());
        }
        QVERIFY(run("del keep"));
        QVERIFY(recorder().liveAllocations() < before + 1000);
    }

    // A million objects made and dropped: the live count and the table's memory come back.
    void millionAllocationsReturnToBaseline()
    {
        QVERIFY(run("import gc; gc.collect()"));
        const auto before = recorder().stats();
        QVERIFY(run("keep = [[i] for i in range(1000000)]"));
        const auto peak = recorder().stats();
        QVERIFY(peak.live >= before.live + 1000000);
        QVERIFY(peak.tableBytes >= 1000000 * 16);
        QVERIFY(run("del keep; gc.collect()"));
        QVERIFY(run("for i in range(1000000):\n    x = [i]\ndel x"));
        const auto after = recorder().stats();
        qInfo("live %zu -> %zu -> %zu, table %zu -> %zu -> %zu bytes", before.live, peak.live, after.live,
            before.tableBytes, peak.tableBytes, after.tableBytes);
        QVERIFY(after.allocations >= peak.allocations + 999000); // ints up to 256 are not allocated
        QVERIFY(after.live <= before.live + 1000);
        QVERIFY(after.live + 1000 >= before.live);
        // Within one doubling of the start: the table halves when a quarter full.
        QVERIFY(after.tableBytes <= before.tableBytes * 2);
    }

    void oneLineRepeatedMakesFewStacks()
    {
        // Both rounds run from the same call sites here: the stacks go down to this function.
        leakscope::capture::NativeTraceStats before;
        for (const int count : {1000, 300000}) {
            before = recorder().stats(); // compiling and the first round intern their stacks
            QVERIFY(run("n = " + std::to_string(count)));
            QVERIFY(run("for i in range(n):\n    x = [i, i]\ndel x"));
        }
        const auto after = recorder().stats();
        qInfo("%llu allocations, %zu new stacks",
            static_cast<unsigned long long>(after.allocations - before.allocations), after.stacks - before.stacks);
        QVERIFY(after.allocations >= before.allocations + 299000); // ints up to 256 are not allocated
        QVERIFY(after.stacks - before.stacks < 10);
        QVERIFY(after.stackTableBytes <= before.stackTableBytes + 256 * 1024);
    }

    // Growing a bytes object reallocates it; the entry moves with it and keeps the creator's stack.
    void reallocKeepsTheStack()
    {
        PyObject* bytes = leakscope_test_make_bytes(100);
        QVERIFY(bytes);
        const NativeStackId created = recorder().stackOf(bytes);
        QVERIFY(created != kNoNativeStack);
        const auto before = recorder().stats();
        QCOMPARE(leakscope_test_grow_bytes(&bytes, 200000), 0);
        QVERIFY(bytes);
        QCOMPARE(recorder().stackOf(bytes), created);
        QVERIFY(recordedSize(bytes) >= 200000);
        const auto after = recorder().stats();
        QCOMPARE(after.reallocations, before.reallocations + 1);
        QCOMPARE(after.live, before.live);
        Py_DECREF(bytes);
    }

    // tracemalloc started later wraps the recorder: both see the allocations, and after stop the
    // recorder still records.
    void tracemallocOnTop()
    {
        QVERIFY(run("import tracemalloc\ntracemalloc.start(5)"));
        const auto before = recorder().stats();
        QVERIFY(run("held = [bytes(1000 + i % 7) for i in range(2000)]\n"
                    "traced = tracemalloc.get_traced_memory()[0]\n"
                    "seen = tracemalloc.get_object_traceback(held[0]) is not None"));
        const auto during = recorder().stats();
        QVERIFY(during.live >= before.live + 2000);
        PyObject* traced = mainGlobal("traced");
        QVERIFY(traced && PyLong_AsLongLong(traced) >= 2000 * 1000);
        QCOMPARE(mainGlobal("seen"), Py_True);
        PyObject* held = mainGlobal("held");
        const NativeStackId stack = recorder().stackOf(PyList_GET_ITEM(held, 0));
        QVERIFY(stack != kNoNativeStack);
        QVERIFY(libraryOf(recorder().frames(stack)[0]).find("libpython3") != std::string::npos);

        QVERIFY(run("tracemalloc.stop()\nassert not tracemalloc.is_tracing()"));
        const auto stopped = recorder().stats();
        QVERIFY(run("more = [bytes(1000 + i % 7) for i in range(2000)]"));
        const auto after = recorder().stats();
        QVERIFY(after.allocations >= stopped.allocations + 2000);
        QVERIFY(recorder().stackOf(PyList_GET_ITEM(mainGlobal("more"), 0)) != kNoNativeStack);
        QVERIFY(run("del held, more"));
        QVERIFY(recorder().stats().live + 3000 < after.live);
    }
};

QTEST_GUILESS_MAIN(TestNativeTraces)
#include "tst_native_traces.moc"
