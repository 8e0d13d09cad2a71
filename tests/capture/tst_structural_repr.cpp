// Structural reprs against Python's own repr() for builtin values: they must be identical whenever
// Python's repr fits the limit, and never run any code of the objects.
#include "python_session.h"

#include "capture/structural_repr.h"

#include <QtTest/QtTest>

#include <cmath>
#include <limits>

using namespace leakscope::capture;

namespace {

std::string structural(const std::string& expression, std::size_t limit = kReprLimit)
{
    PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject* value = PyRun_String(expression.c_str(), Py_eval_input, globals, globals);
    if (!value) {
        PyErr_Print();
        return "<error>";
    }
    KindCache cache;
    std::string out;
    appendStructuralRepr(out, value, cache, limit);
    Py_DECREF(value);
    return out;
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
