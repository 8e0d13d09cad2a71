// Native traces with tracemalloc on from the interpreter's start (PyConfig.tracemalloc, as
// python3 -X tracemalloc=5): tracemalloc installs its hook after the recorder's, on top of it, and
// both see every allocation. Its own executable, as an interpreter is started once per process.

#include <Python.h>

#include "capture/interpreter.h"
#include "capture/native_traces.h"

#include <QTest>

#include <string>

using leakscope::capture::kNoNativeStack;
using leakscope::capture::NativeTraceRecorder;

namespace {

leakscope::capture::Interpreter& interpreter()
{
    static leakscope::capture::Interpreter instance([] {
        leakscope::capture::InterpreterOptions options;
        options.argv = {""};
        options.installSignalHandlers = false;
        options.isolated = true;
        options.tracemallocDepth = 5;
        options.nativeTraceDepth = 8;
        return options;
    }());
    return instance;
}

PyObject* mainGlobal(const char* name)
{
    return PyDict_GetItemString(PyModule_GetDict(PyImport_AddModule("__main__")), name); // borrowed
}

} // namespace

class TestNativeTracesTracemalloc : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothSeeAllocations()
    {
        interpreter();
        NativeTraceRecorder* recorder = NativeTraceRecorder::instance();
        QVERIFY(recorder);
        QCOMPARE(recorder->depth(), 8u);
        const auto before = recorder->stats();
        std::string error;
        QVERIFY2(interpreter().runSource("import tracemalloc\n"
                                         "tracing = tracemalloc.is_tracing()\n"
                                         "held = [str(i) * 50 for i in range(3000)]\n"
                                         "traced = tracemalloc.get_traced_memory()[0]\n"
                                         "seen = tracemalloc.get_object_traceback(held[-1]) is not None",
                     &error),
            error.c_str());
        QCOMPARE(mainGlobal("tracing"), Py_True);
        QCOMPARE(mainGlobal("seen"), Py_True);
        PyObject* traced = mainGlobal("traced");
        QVERIFY(traced && PyLong_AsLongLong(traced) > 3000 * 50);
        QVERIFY(recorder->stats().live >= before.live + 3000);
        PyObject* held = mainGlobal("held");
        QVERIFY(held && PyList_Check(held));
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(held); ++i)
            QVERIFY(recorder->stackOf(PyList_GET_ITEM(held, i)) != kNoNativeStack);

        QVERIFY2(interpreter().runSource("tracemalloc.stop()\nmore = [str(i) * 50 for i in range(3000)]", &error),
            error.c_str());
        QVERIFY(recorder->stackOf(PyList_GET_ITEM(mainGlobal("more"), 2999)) != kNoNativeStack);
    }
};

QTEST_GUILESS_MAIN(TestNativeTracesTracemalloc)
#include "tst_native_traces_tracemalloc.moc"
