#include <Python.h>

#include "script_module.h"

#include "script_series.h"
#include "snapshot/snapshot_file.h"

#include "embedded_python.h"

#include <atomic>
#include <exception>
#include <filesystem>
#include <optional>

namespace leakscope::capture {

namespace {

std::atomic<ScriptHooks*> g_hooks{nullptr};

struct ModuleState
{
    PyObject* snapshotFileError = nullptr;
};

ModuleState* stateOf(PyObject* module)
{
    return static_cast<ModuleState*>(PyModule_GetState(module));
}

// The module's reference to its exception type is a real one: traversed, so the type is not
// mistaken for a leak candidate in the snapshots this very module takes.
int traverseModule(PyObject* module, visitproc visit, void* arg)
{
    if (ModuleState* state = stateOf(module))
        Py_VISIT(state->snapshotFileError);
    return 0;
}

int clearModule(PyObject* module)
{
    if (ModuleState* state = stateOf(module))
        Py_CLEAR(state->snapshotFileError);
    return 0;
}

void freeModule(void* module)
{
    clearModule(static_cast<PyObject*>(module));
}

void raiseInScript(PyObject* module, const ScriptError& error)
{
    switch (error.kind) {
    case ScriptError::Kind::Interrupt: PyErr_SetNone(PyExc_KeyboardInterrupt); return;
    case ScriptError::Kind::SnapshotFile: {
        ModuleState* state = stateOf(module);
        PyErr_SetString(state && state->snapshotFileError ? state->snapshotFileError : PyExc_OSError,
                        error.message.c_str());
        return;
    }
    case ScriptError::Kind::Runtime: break;
    }
    PyErr_SetString(PyExc_RuntimeError, error.message.c_str());
}

// str, bytes or os.PathLike to an absolute path, resolved against the working directory now: the one
// the script sees in os.getcwd(). nullopt with a Python exception set when it is not a usable path.
std::optional<std::string> absolutePath(PyObject* object)
{
    PyObject* bytes = nullptr;
    if (!PyUnicode_FSConverter(object, &bytes)) // ValueError for an embedded NUL, TypeError for the rest
        return std::nullopt;
    std::string path(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
    Py_DECREF(bytes); // before the capture, which must not see objects of the module's own
    if (path.empty()) {
        PyErr_SetString(PyExc_ValueError, "the snapshot file's path is empty");
        return std::nullopt;
    }
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (ec) {
        PyErr_SetString(PyExc_OSError, ("cannot resolve the path '" + path + "': " + ec.message()).c_str());
        return std::nullopt;
    }
    return absolute.string();
}

// Captures, saves to request.path when there is one, and hands the snapshot to the hooks. On success
// returns a new reference to None, or to the path for leakscope.save().
PyObject* takeSnapshot(PyObject* module, ScriptSnapshot request)
{
    ScriptHooks* hooks = g_hooks.load();
    if (!hooks) {
        PyErr_SetString(PyExc_RuntimeError, "leakscope snapshots need the script to run under leakscope-cli or the "
                                            "LeakScope application");
        return nullptr;
    }
    SnapshotPtr snapshot;
    try {
        snapshot = hooks->capture(request.label);
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, (std::string("leakscope: capture failed: ") + e.what()).c_str());
        return nullptr;
    }
    if (!request.path.empty()) {
        std::optional<ScriptError> failed;
        // The snapshot is immutable and saving needs nothing of Python: other threads may run meanwhile.
        Py_BEGIN_ALLOW_THREADS
        try {
            saveSnapshotFile(*snapshot, request.path);
        } catch (const std::exception& e) {
            failed = ScriptError{ScriptError::Kind::SnapshotFile, e.what()};
        }
        Py_END_ALLOW_THREADS
        if (failed) {
            raiseInScript(module, *failed);
            return nullptr;
        }
    }
    ScriptError error;
    bool delivered = false;
    try {
        delivered = hooks->deliver(request, snapshot, error);
    } catch (const std::exception& e) { // never through the interpreter's C frames
        error = ScriptError{ScriptError::Kind::Runtime, std::string("leakscope: ") + e.what()};
    }
    if (!delivered) {
        raiseInScript(module, error);
        return nullptr;
    }
    if (request.kind == ScriptSnapshot::Kind::Save)
        return PyUnicode_DecodeFSDefaultAndSize(request.path.data(), static_cast<Py_ssize_t>(request.path.size()));
    Py_RETURN_NONE;
}

PyObject* snapshotOrPause(PyObject* module, PyObject* args, PyObject* kwargs, ScriptSnapshot::Kind kind)
{
    static const char* keywords[] = {"label", "path", nullptr};
    const char* label = "";
    PyObject* path = Py_None;
    const bool pause = kind == ScriptSnapshot::Kind::Pause;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, pause ? "|sO:pause" : "|sO:snapshot", const_cast<char**>(keywords),
                                     &label, &path))
        return nullptr;
    ScriptSnapshot request;
    request.kind = kind;
    request.label = label;
    if (path != Py_None) {
        std::optional<std::string> absolute = absolutePath(path);
        if (!absolute)
            return nullptr;
        request.path = std::move(*absolute);
    }
    return takeSnapshot(module, std::move(request));
}

PyObject* snapshotFunction(PyObject* module, PyObject* args, PyObject* kwargs)
{
    return snapshotOrPause(module, args, kwargs, ScriptSnapshot::Kind::Snapshot);
}

PyObject* pauseFunction(PyObject* module, PyObject* args, PyObject* kwargs)
{
    return snapshotOrPause(module, args, kwargs, ScriptSnapshot::Kind::Pause);
}

PyObject* saveFunction(PyObject* module, PyObject* args, PyObject* kwargs)
{
    static const char* keywords[] = {"path", nullptr};
    PyObject* path = nullptr;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:save", const_cast<char**>(keywords), &path))
        return nullptr;
    std::optional<std::string> absolute = absolutePath(path);
    if (!absolute)
        return nullptr;
    ScriptSnapshot request;
    request.kind = ScriptSnapshot::Kind::Save;
    request.label = std::filesystem::path(*absolute).filename().string();
    request.path = std::move(*absolute);
    return takeSnapshot(module, std::move(request));
}

PyCFunction asFunction(PyObject* (*function)(PyObject*, PyObject*, PyObject*))
{
    return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(function));
}

PyMethodDef methods[] = {
    {"snapshot", asFunction(snapshotFunction), METH_VARARGS | METH_KEYWORDS,
     "snapshot(label='', path=None)\n--\n\nCapture the heap now, under the given label. With a path (str, bytes or "
     "os.PathLike, relative to the working directory), also save the snapshot to that .lssnap file, replacing it; "
     "when that fails, SnapshotFileError is raised and the snapshot goes nowhere."},
    {"pause", asFunction(pauseFunction), METH_VARARGS | METH_KEYWORDS,
     "pause(label='', path=None)\n--\n\nCapture the heap now and wait until the user continues: a scripted "
     "breakpoint. A path saves the snapshot first, as for snapshot()."},
    {"save", asFunction(saveFunction), METH_VARARGS | METH_KEYWORDS,
     "save(path)\n--\n\nCapture the heap now and save it to the .lssnap file path (relative to the working "
     "directory), replacing it. The snapshot is labelled with the file's name and also goes where snapshot()'s "
     "go. Returns the file's absolute path; raises SnapshotFileError when it cannot be written."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef moduleDef = {
    PyModuleDef_HEAD_INIT,
    "leakscope",
    "Snapshots of this interpreter's heap, taken from the script: leakscope.snapshot(label, path=None), "
    "leakscope.pause(label, path=None), leakscope.save(path), and leakscope.iterate(fn, rounds=5, warmup=2, "
    "label=None), which reports what grows in every round. `-p leakscope.pytest` loads the pytest plugin.",
    sizeof(ModuleState),
    methods,
    nullptr,
    traverseModule,
    clearModule,
    freeModule,
};

// File names the embedded sources go by in tracebacks (linecache holds their lines).
constexpr const char* kModuleFile = "<leakscope-embedded>/leakscope_module.py";
constexpr const char* kPytestFile = "<leakscope-embedded>/leakscope_pytest.py";

// Runs python/leakscope_module.py in the module's namespace (iterate(), Growth, the finder of the
// submodules), handing it the sources of the submodules. False with an exception set on failure.
bool runPythonHalf(PyObject* module)
{
    PyObject* globals = PyModule_GetDict(module); // borrowed
    PyObject* sources = Py_BuildValue("{s(ss)s(ss)}", "leakscope", kModuleFile, embedded::kLeakscopeModule,
                                      "leakscope.pytest", kPytestFile, embedded::kLeakscopePytest);
    if (!sources)
        return false;
    const bool stored = PyDict_SetItemString(globals, "_embedded_sources", sources) == 0
        && PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) == 0;
    Py_DECREF(sources);
    if (!stored)
        return false;
    PyObject* code = Py_CompileString(embedded::kLeakscopeModule, kModuleFile, Py_file_input);
    if (!code)
        return false;
    PyObject* result = PyEval_EvalCode(code, globals, globals);
    Py_DECREF(code);
    Py_XDECREF(result);
    return result != nullptr;
}

PyObject* initModule()
{
    PyObject* module = PyModule_Create(&moduleDef);
    if (!module)
        return nullptr;
    PyObject* error = PyErr_NewExceptionWithDoc(
        "leakscope.SnapshotFileError",
        "A snapshot file could not be written (or read); the message names the file and the problem.",
        PyExc_OSError, nullptr);
    if (!error || PyModule_AddObjectRef(module, "SnapshotFileError", error) < 0) {
        Py_XDECREF(error);
        Py_DECREF(module);
        return nullptr;
    }
    stateOf(module)->snapshotFileError = error; // the reference PyErr_NewException gave
    PyObject* series = createSeriesType(module);
    if (!series || PyModule_AddObjectRef(module, "_Series", series) < 0 || !runPythonHalf(module)) {
        Py_XDECREF(series);
        Py_DECREF(module);
        return nullptr;
    }
    Py_DECREF(series);
    return module;
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

ScriptHooks* scriptHooks()
{
    return g_hooks.load();
}

} // namespace leakscope::capture
