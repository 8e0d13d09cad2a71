#include "python_session.h"

namespace testing {

leakscope::capture::Interpreter& interpreter()
{
    static leakscope::capture::Interpreter instance([] {
        leakscope::capture::InterpreterOptions options;
        options.argv = {""};
        options.installSignalHandlers = false;
        options.isolated = true; // the tests' heap does not depend on the caller's PYTHONPATH or user site
#ifdef LEAKSCOPE_TEST_NATIVE_TRACE_DEPTH
        options.nativeTraceDepth = LEAKSCOPE_TEST_NATIVE_TRACE_DEPTH; // recorded from before the first object
#endif
        return options;
    }());
    return instance;
}

bool run(const std::string& source, std::string* error)
{
    return interpreter().runSource(source, error);
}

namespace {

PyObject* eval(const std::string& expression)
{
    interpreter();
    PyObject* globals = PyModule_GetDict(PyImport_AddModule("__main__"));
    PyObject* result = PyRun_String(expression.c_str(), Py_eval_input, globals, globals);
    if (!result)
        PyErr_Print();
    return result;
}

} // namespace

std::int64_t evalInt(const std::string& expression)
{
    PyObject* result = eval(expression);
    if (!result)
        return -1;
    const long long value = PyLong_AsLongLong(result);
    Py_DECREF(result);
    if (PyErr_Occurred()) {
        PyErr_Print();
        return -1;
    }
    return value;
}

std::string evalStr(const std::string& expression)
{
    PyObject* result = eval(expression);
    if (!result)
        return "<error>";
    PyObject* text = PyObject_Str(result);
    Py_DECREF(result);
    std::string out = text && PyUnicode_AsUTF8(text) ? PyUnicode_AsUTF8(text) : "<error>";
    Py_XDECREF(text);
    PyErr_Clear();
    return out;
}

std::optional<leakscope::ObjectIndex> findByAddress(const leakscope::Snapshot& snapshot, std::uint64_t address)
{
    for (leakscope::ObjectIndex i = 0; i < snapshot.objectCount(); ++i) {
        if (snapshot.address(i) == address)
            return i;
    }
    return std::nullopt;
}

std::vector<leakscope::ObjectIndex> candidatesWhere(const leakscope::HeapAnalysis& analysis,
                                                   const std::function<bool(leakscope::ObjectIndex)>& match)
{
    std::vector<leakscope::ObjectIndex> found;
    for (leakscope::ObjectIndex i : analysis.candidates()) {
        if (match(i))
            found.push_back(i);
    }
    return found;
}

bool reprContains(const leakscope::Snapshot& s, leakscope::ObjectIndex i, std::string_view text)
{
    return s.repr(i).find(text) != std::string::npos;
}

std::uint64_t addressOf(const std::string& expression)
{
    return static_cast<std::uint64_t>(evalInt("id(" + expression + ")"));
}

leakscope::SnapshotPtr collectAndCapture(leakscope::capture::CaptureDiagnostics* diagnostics)
{
    interpreter().collectGarbage();
    return leakscope::capture::captureHeap({}, diagnostics);
}

} // namespace testing
