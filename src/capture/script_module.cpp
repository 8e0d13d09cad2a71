#include <Python.h>

#include "script_module.h"

#include <atomic>

namespace leakscope::capture {

namespace {

std::atomic<ScriptHooks*> g_hooks{nullptr};

PyObject* takeSnapshot(PyObject* args, PyObject* kwargs, bool pause)
{
    static const char* keywords[] = {"label", nullptr};
    const char* label = "";
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, pause ? "|s:pause" : "|s:snapshot", const_cast<char**>(keywords),
                                     &label))
        return nullptr;
    ScriptHooks* hooks = g_hooks.load();
    if (!hooks) {
        PyErr_SetString(PyExc_RuntimeError, "leakscope snapshots need the script to run under leakscope-cli or the "
                                            "LeakScope application");
        return nullptr;
    }
    std::string error;
    bool interrupted = false;
    if (!hooks->snapshot(label, pause, error, interrupted)) {
        if (interrupted)
            PyErr_SetNone(PyExc_KeyboardInterrupt);
        else
            PyErr_SetString(PyExc_RuntimeError, error.c_str());
        return nullptr;
    }
    Py_RETURN_NONE;
}

PyObject* snapshotFunction(PyObject*, PyObject* args, PyObject* kwargs)
{
    return takeSnapshot(args, kwargs, false);
}

PyObject* pauseFunction(PyObject*, PyObject* args, PyObject* kwargs)
{
    return takeSnapshot(args, kwargs, true);
}

PyMethodDef methods[] = {
    {"snapshot", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(snapshotFunction)),
     METH_VARARGS | METH_KEYWORDS,
     "snapshot(label='')\n--\n\nCapture the heap now, under the given label."},
    {"pause", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(pauseFunction)), METH_VARARGS | METH_KEYWORDS,
     "pause(label='')\n--\n\nCapture the heap now and wait until the user continues: a scripted breakpoint."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef moduleDef = {
    PyModuleDef_HEAD_INIT, "leakscope",
    "Snapshots of this interpreter's heap, taken from the script: leakscope.snapshot(label) and "
    "leakscope.pause(label).",
    -1, methods, nullptr, nullptr, nullptr, nullptr,
};

PyObject* initModule()
{
    return PyModule_Create(&moduleDef);
}

} // namespace

void registerScriptModule()
{
    if (!Py_IsInitialized())
        PyImport_AppendInittab("leakscope", &initModule);
}

void setScriptHooks(ScriptHooks* hooks)
{
    g_hooks.store(hooks);
}

} // namespace leakscope::capture
