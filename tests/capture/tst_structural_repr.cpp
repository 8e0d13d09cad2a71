// Structural reprs against Python's own repr() for builtin values: they must be identical whenever
// Python's repr fits the limit, and never run any code of the objects.
#include "python_session.h"

#include "capture/structural_repr.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace leakscope::capture;

namespace {

std::string structuralOf(PyObject* object, std::size_t limit = kReprLimit)
{
    KindCache cache;
    std::string out;
    appendStructuralRepr(out, object, cache, limit);
    return out;
}

std::string structural(const std::string& expression, std::size_t limit = kReprLimit)
{
    PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject* value = PyRun_String(expression.c_str(), Py_eval_input, globals, globals);
    if (!value) {
        PyErr_Print();
        return "<error>";
    }
    const std::string out = structuralOf(value, limit);
    Py_DECREF(value);
    return out;
}

// "0x7f…" of a Python expression's id(), as reprs write addresses.
std::string hexAddress(const std::string& expression)
{
    return testing::evalStr("hex(id(" + expression + "))");
}

} // namespace

class TestStructuralRepr : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { testing::interpreter(); }

    void matchesPythonRepr_data()
    {
        QTest::addColumn<QString>("expression");
        const char* cases[] = {
            "[1, -5, 0, 2**62, -2**63]",
            "[0.1, 1e16, 1e-05, -0.0, 123456789012345680.0, 1.5e300, 5e-324, 1e-4, 0.00012, 100.0, 1e15]",
            "[float('nan'), float('inf'), -float('inf')]",
            "[3+4j, 4j, -4j, 1.5-2j, complex(-0.0, 1), 0j]",
            "[\"it's\", 'say \"hi\"', 'tab\\there\\n', '\\x00\\x7f\\x80', 'é ü 中文 😀']",
            "[b'bytes\\x00\\xff', b\"it's\", bytearray(b'ab')]",
            "{'a': 1, 'b': [1, 2], 'c': (1,), 'd': (), 'e': set(), 'f': frozenset()}",
            "[True, False, None, ..., NotImplemented]",
            "{1, 2, 3}",
            "frozenset({'x'})",
            "[[1, [2]], {'k': {'n': 1}}]",
            "int",
            "[len, int, type]",
        };
        for (const char* expression : cases)
            QTest::newRow(expression) << QString::fromUtf8(expression);
    }

    void matchesPythonRepr()
    {
        QFETCH(QString, expression);
        const std::string source = expression.toStdString();
        std::string python = testing::evalStr("repr(" + source + ")");
        // Nested containers two levels down are elided as "[…]"/"{…}" by design; compare where not.
        const std::string ours = structural(source, 1000);
        if (ours.find("\u2026") == std::string::npos)
            QCOMPARE(ours, python);
        else
            QVERIFY2(source.find("[[") != std::string::npos || source.find("{'k'") != std::string::npos, ours.c_str());
    }

    void nestedContainersAreElided()
    {
        QCOMPARE(structural("[[1, [2]], {'k': {'n': 1}}]"), std::string("[[1, […]], {'k': {…}}]"));
        QCOMPARE(structural("[[], {}, ()]"), std::string("[[], {}, ()]"));
    }

    void longTextIsCutAtTheLimit()
    {
        const std::string text = structural("'é' * 500");
        QCOMPARE(QString::fromStdString(text).size(), 120);
        QVERIFY(text.rfind("\u2026") == text.size() - 3);
        const std::string list = structural("list(range(1000))");
        QCOMPARE(QString::fromStdString(list).size(), 120);
        QCOMPARE(structural("'abc'", 3), std::string("'a\u2026"));
    }

    void subclassesShowTheirTypeAndContents()
    {
        QVERIFY(testing::run("import collections, enum\nclass Color(enum.IntEnum):\n    RED = 1\n"
                             "class Tags(list):\n    pass\n"));
        QCOMPARE(structural("collections.OrderedDict(a=1)"), std::string("collections.OrderedDict({'a': 1})"));
        QCOMPARE(structural("Tags(['x'])"), std::string("Tags(['x'])"));
        QCOMPARE(structural("Color.RED"), std::string("Color(1)"));
    }

    void objectsWithoutStructureUseTheDefaultForm()
    {
        QVERIFY(testing::run("class Plain:\n    pass\nplain = Plain()\n"));
        QCOMPARE(structural("plain"), std::string());
        QVERIFY(structural("[plain]").rfind("[<Plain at 0x", 0) == 0);
        QCOMPARE(structural("Plain"), std::string("<class '__main__.Plain'>"));
        QCOMPARE(structural("__import__('sys')"), std::string("<module 'sys'>"));
    }

    void emptySlotsShowAsNull()
    {
        // A list made by PyList_New(n) and a tuple by PyTuple_New(n) hold NULL until C code fills them.
        PyObject* list = PyList_New(3);
        PyObject* tuple = PyTuple_New(2);
        QVERIFY(list && tuple);
        PyList_SET_ITEM(list, 1, PyUnicode_FromString("set"));
        QCOMPARE(structuralOf(list), std::string("[<NULL>, 'set', <NULL>]"));
        QCOMPARE(structuralOf(tuple), std::string("(<NULL>, <NULL>)"));
        PyObject* single = PyTuple_New(1);
        QCOMPARE(structuralOf(single), std::string("(<NULL>,)"));
        // Nested in another list, itself with an empty slot.
        PyObject* outer = PyList_New(2);
        PyList_SET_ITEM(outer, 0, list); // steals list
        QCOMPARE(structuralOf(outer), std::string("[[<NULL>, 'set', <NULL>], <NULL>]"));
        // Python's own repr() writes empty slots the same way.
        PyObject* python = PyObject_Repr(outer);
        QVERIFY(python);
        QCOMPARE(std::string(PyUnicode_AsUTF8(python)), structuralOf(outer));
        Py_DECREF(python);
        Py_DECREF(outer);
        Py_DECREF(tuple);
        Py_DECREF(single);
    }

    void boundMethodsNameWhatTheyAreBoundTo()
    {
        QVERIFY(testing::run("import threading, types\n"
                             "class Job:\n"
                             "    def work(self): pass\n"
                             "    @classmethod\n"
                             "    def make(cls): pass\n"
                             "job = Job()\n"
                             "def free(self): pass\n"
                             "class Worker(threading.Thread):\n"
                             "    def run(self): pass\n"
                             "class Unready(threading.Thread):\n"
                             "    def __init__(self): pass\n"
                             "idle = threading.Thread(name='worker-1', daemon=True)\n"
                             "custom = Worker(name='custom')\n"
                             "unready = Unready()\n"
                             "release = threading.Event()\n"
                             "running = threading.Thread(target=release.wait, name='running', daemon=True)\n"
                             "running.start()\n"
                             "done = threading.Thread(target=lambda: None, name='done')\n"
                             "done.start()\n"
                             "done.join()\n"));
        // An instance of a class is named by its type and address, never by its __repr__.
        QCOMPARE(structural("job.work"), "<bound method Job.work of <__main__.Job at " + hexAddress("job") + ">>");
        // A class, builtin values and functions bound with types.MethodType as Python writes them.
        QCOMPARE(structural("Job.make"), std::string("<bound method Job.make of <class '__main__.Job'>>"));
        QCOMPARE(structural("Job.make"), testing::evalStr("repr(Job.make)"));
        QCOMPARE(structural("types.MethodType(free, [1, 'two'])"), std::string("<bound method free of [1, 'two']>"));
        QCOMPARE(structural("types.MethodType(len, 7)"), std::string("<bound method len of 7>"));
        QCOMPARE(structural("types.MethodType(free, types.MethodType(free, 1))"),
                 std::string("<bound method free of <bound method free of 1>>"));
        QCOMPARE(structural("[job.work]"), "[<bound method Job.work of <__main__.Job at " + hexAddress("job") + ">>]");
        // Threads as threading.Thread.__repr__ writes them, read from their attributes: not started,
        // running, stopped, and a subclass.
        for (const char* thread : {"idle", "custom", "running", "done"}) {
            const std::string method = std::string(thread) + "._bootstrap";
            QCOMPARE(structural(method), testing::evalStr("repr(" + method + ")"));
        }
        QCOMPARE(structural("idle._bootstrap"),
                 std::string("<bound method Thread._bootstrap of <Thread(worker-1, initial daemon)>>"));
        QVERIFY2(structural("running.run").rfind("<bound method Thread.run of <Thread(running, started daemon ", 0) == 0,
                 structural("running.run").c_str());
        QVERIFY2(structural("done.run").find(" of <Thread(done, stopped ") != std::string::npos, structural("done.run").c_str());
        QCOMPARE(structural("custom.run"), std::string("<bound method Worker.run of <Worker(custom, initial)>>"));
        // A thread whose Thread.__init__ did not run has no name to show.
        QCOMPARE(structural("unready.run"), "<bound method Thread.run of <__main__.Unready at " + hexAddress("unready") + ">>");
        QVERIFY(testing::run("release.set()\nrunning.join()\n"));
    }

    void boundMethodsRunNoCode()
    {
        QVERIFY(testing::run("import threading, types\n"
                             "touched = []\n"
                             "class Sly(threading.Thread):\n"
                             "    def __repr__(self): touched.append('repr'); return 'sly'\n"
                             "    def __getattribute__(self, name):\n"
                             "        touched.append(name)\n"
                             "        return object.__getattribute__(self, name)\n"
                             "    def run(self): pass\n"
                             "sly = Sly(name='sly')\n"
                             "class Callable:\n"
                             "    def __call__(self): pass\n"
                             "    def __getattr__(self, name): touched.append(name); raise AttributeError(name)\n"
                             "odd = types.MethodType(Callable(), sly)\n"
                             "sly_run = sly.run\n"
                             "touched.clear()\n"));
        QCOMPARE(structural("sly_run"), std::string("<bound method Sly.run of <Sly(sly, initial)>>"));
        QCOMPARE(structural("odd"), std::string("<bound method ? of <Sly(sly, initial)>>"));
        const std::string touched = testing::evalStr("touched");
        QVERIFY2(touched == "[]", touched.c_str());
    }

    void floatReprIsPythons()
    {
        const double values[] = {0.1, 1.0 / 3, 2.5e-7, 1e21, 9007199254740993.0, 1e16, 9999999999999998.0,
                                 std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()};
        for (double v : values) {
            std::string ours;
            appendFloatRepr(ours, v);
            char expression[64];
            std::snprintf(expression, sizeof expression, "repr(float.fromhex('%a'))", v);
            QCOMPARE(ours, testing::evalStr(expression));
        }
    }
};

QTEST_GUILESS_MAIN(TestStructuralRepr)
#include "tst_structural_repr.moc"
