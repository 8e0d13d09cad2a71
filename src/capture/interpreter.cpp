#include <Python.h>

#include "interpreter.h"

#include "pyobject_access.h"

#include "line_tables.h"
#include "freelists.h"
#include "native_buffers.h"
#include "native_traces.h"
#include "script_module.h"
#include "type_origin.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <sys/stat.h>

#ifndef LEAKSCOPE_PYTHON_EXECUTABLE
#define LEAKSCOPE_PYTHON_EXECUTABLE "/usr/bin/python3"
#endif

namespace leakscope::capture {

namespace fs = std::filesystem;

namespace {

void throwIfFailed(PyStatus status, PyConfig* config)
{
    if (!PyStatus_Exception(status))
        return;
    if (config)
        PyConfig_Clear(config);
    std::string message = "cannot start Python";
    if (status.func)
        message += std::string(" (") + status.func + ")";
    if (status.err_msg)
        message += std::string(": ") + status.err_msg;
    throw InterpreterError(message);
}

// "TypeName: message" for the pending exception, which is cleared.
std::string takeErrorLine()
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    std::string line = type && PyType_Check(type) ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "error";
    if (value && type && PyErr_GivenExceptionMatches(type, PyExc_SyntaxError)) {
        // file:line: SyntaxError: msg, like a compiler diagnostic.
        PyObject* msg = PyObject_GetAttrString(value, "msg");
        PyObject* filename = PyObject_GetAttrString(value, "filename");
        PyObject* lineno = PyObject_GetAttrString(value, "lineno");
        PyErr_Clear();
        std::string prefix = pythonText(filename);
        if (lineno && PyLong_Check(lineno))
            prefix += ":" + std::to_string(PyLong_AsLong(lineno));
        line = (prefix.empty() ? "" : prefix + ": ") + line + ": " + pythonText(msg);
        Py_XDECREF(msg);
        Py_XDECREF(filename);
        Py_XDECREF(lineno);
    } else if (value) {
        PyObject* str = PyObject_Str(value);
        const std::string text = pythonText(str);
        Py_XDECREF(str);
        if (!text.empty())
            line += ": " + text;
    }
    PyErr_Clear();
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return line;
}

// The exit status python3 derives from an uncaught SystemExit (Python/pythonrun.c semantics).
int takeSystemExitCode()
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    int exitCode = 0;
    PyObject* code = value && PyExceptionInstance_Check(value) ? PyObject_GetAttrString(value, "code") : nullptr;
    if (!code) {
        PyErr_Clear();
        code = Py_NewRef(value ? value : Py_None);
    }
    if (code == Py_None) {
        exitCode = 0;
    } else if (PyLong_Check(code)) {
        exitCode = static_cast<int>(PyLong_AsLong(code));
        if (PyErr_Occurred()) {
            PyErr_Clear();
            exitCode = 1;
        }
    } else {
        // Any other object is printed to stderr and the status is 1.
        PyObject* stderrFile = PySys_GetObject("stderr");
        if (stderrFile && stderrFile != Py_None && PyFile_WriteObject(code, stderrFile, Py_PRINT_RAW) == 0)
            PyFile_WriteString("\n", stderrFile);
        PyErr_Clear();
        exitCode = 1;
    }
    Py_DECREF(code);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return exitCode;
}

// The pending exception's traceback as text, the exception left pending for printing.
std::string formatPendingTraceback()
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (value && traceback)
        PyException_SetTraceback(value, traceback);
    std::string text;
    PyObject* module = PyImport_ImportModule("traceback");
    PyObject* lines = module && value ? PyObject_CallMethod(module, "format_exception", "O", value) : nullptr;
    if (lines && PyList_Check(lines)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); ++i)
            text += pythonText(PyList_GET_ITEM(lines, i));
    }
    Py_XDECREF(lines);
    Py_XDECREF(module);
    PyErr_Clear(); // a failure to format leaves the text empty; the exception itself is restored below
    PyErr_Restore(type, value, traceback);
    return text;
}

// The outcome of running __main__'s code, given what it returned (nullptr: it raised, the exception
// pending). Prints an uncaught exception's traceback to stderr, as python3 does.
void setOutcome(ScriptOutcome& outcome, PyObject* result)
{
    if (result) {
        Py_DECREF(result);
        outcome.kind = ScriptOutcome::Kind::Completed;
        outcome.exitCode = 0;
    } else if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
        outcome.kind = ScriptOutcome::Kind::Exited;
        outcome.exitCode = takeSystemExitCode();
    } else {
        const bool interrupted = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt);
        outcome.message = formatPendingTraceback();
        // Without sys.last_traceback, so the dead frames do not stay in the heap that is captured next.
        PyErr_PrintEx(0);
        outcome.kind = interrupted ? ScriptOutcome::Kind::Interrupted : ScriptOutcome::Kind::Raised;
        outcome.exitCode = interrupted ? 130 : 1;
    }
}

// str() of the pending exception, which is cleared.
std::string takeExceptionText()
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    PyObject* text = value ? PyObject_Str(value) : nullptr;
    std::string line = pythonText(text);
    Py_XDECREF(text);
    PyErr_Clear();
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return line;
}

void waitForThreads()
{
    PyObject* name = PyUnicode_FromString("threading");
    PyObject* threading = name ? PyImport_GetModule(name) : nullptr;
    Py_XDECREF(name);
    if (!threading) {
        PyErr_Clear();
        return;
    }
    PyObject* result = PyObject_CallMethod(threading, "_shutdown", nullptr);
    if (!result)
        PyErr_WriteUnraisable(threading);
    Py_XDECREF(result);
    Py_DECREF(threading);
}

std::string readScript(const std::string& path, std::string& error)
{
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) {
        error = "cannot open script '" + path + "': " + std::strerror(errno);
        return {};
    }
    if (S_ISDIR(info.st_mode)) {
        error = "cannot run '" + path + "': it is a directory";
        return {};
    }
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) {
        error = "cannot open script '" + path + "': " + std::strerror(errno);
        return {};
    }
    std::string source;
    char buffer[65536];
    std::size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        source.append(buffer, got);
    if (std::ferror(file))
        error = "cannot read script '" + path + "': " + std::strerror(errno);
    std::fclose(file);
    return source;
}

bool setItem(PyObject* dict, const char* key, PyObject* value)
{
    if (!value)
        return false;
    const int status = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return status == 0;
}

// The prefix of the interpreter this process embeds, found as CPython's getpath finds it: the nearest
// folder, from the executable's up, that holds lib/pythonX.Y/os.py. Empty when none does.
fs::path interpreterPrefix()
{
    const fs::path landmark = fs::path("lib") / ("python" + std::to_string(PY_MAJOR_VERSION) + "."
                                                 + std::to_string(PY_MINOR_VERSION)) / "os.py";
    std::error_code ec;
    for (fs::path directory = fs::path(LEAKSCOPE_PYTHON_EXECUTABLE).parent_path(); !directory.empty();
         directory = directory.parent_path()) {
        if (fs::is_regular_file(directory / landmark, ec))
            return directory;
        if (directory == directory.parent_path())
            break;
    }
    return {};
}

// PYTHONHOME is "PREFIX" or "PREFIX:EXEC_PREFIX"; true when each names the same folder as prefix.
bool homeIsPrefix(std::string_view home, const fs::path& prefix)
{
    std::error_code ec;
    std::size_t start = 0;
    while (start <= home.size()) {
        const std::size_t colon = std::min(home.find(':', start), home.size());
        if (!fs::equivalent(fs::path(home.substr(start, colon - start)), prefix, ec) || ec)
            return false;
        start = colon + 1;
    }
    return true;
}

// A PYTHONHOME other than this interpreter's prefix makes this libpython load another build's
// standard library and extension modules: another version's fail to load (Debian's 3.11.2 cannot
// import pyenv's 3.11.7 _ssl, for one) or, with no standard library there, start-up aborts. python3
// would fail the same way; LeakScope runs with its own prefix instead, and says so.
void ignoreForeignHome(PyConfig& config)
{
    const char* home = std::getenv("PYTHONHOME"); // read by getpath, after PyConfig_Read, unless -E or -I
    if (!config.use_environment || config.home || !home || !*home)
        return;
    const fs::path prefix = interpreterPrefix();
    if (prefix.empty() || homeIsPrefix(home, prefix))
        return;
    std::fprintf(stderr, "leakscope: ignoring PYTHONHOME=%s, which is not this interpreter's prefix %s\n", home,
                 prefix.c_str());
    throwIfFailed(PyConfig_SetBytesString(&config, &config.home, prefix.c_str()), &config);
}

} // namespace

Interpreter::Interpreter(const InterpreterOptions& options)
    : m_argv(options.argv)
    , m_module(options.module)
{
    if (Py_IsInitialized())
        throw InterpreterError("Python is already running in this process");
    if (m_argv.empty())
        m_argv.emplace_back();
    if (!m_module.empty())
        m_argv.front() = "-m"; // sys.argv[0] as python3 -m has it until runpy names the module's file
    const bool useEnvironment = !options.isolated && !options.ignoreEnvironment;

    // Configured as python3 configures itself, its command line aside: the locale is set from the
    // environment (a C locale coerced to UTF-8, UTF-8 mode as python3 decides it); PYTHONUTF8,
    // PYTHONMALLOC and PYTHONDEVMODE count unless -E or -I.
    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    preconfig.parse_argv = 0;
    preconfig.isolated = options.isolated ? 1 : 0;
    preconfig.use_environment = useEnvironment ? 1 : 0;
    throwIfFailed(Py_PreInitialize(&preconfig), nullptr);
    // The allocators are set now (PYTHONMALLOC counted); the recorder wraps the object domain's before
    // the interpreter allocates its first object, and tracemalloc, when the config starts it, wraps
    // the recorder in turn.
    if (options.nativeTraceDepth > 0) {
        try {
            NativeTraceRecorder::install(options.nativeTraceDepth);
            leakscope_bypass_freelists_wrap_deallocs(); // reused objects would show their memory's first stack
            installNativeBufferHook(); // buffers that may refer to objects, for the untracked orphans
        } catch (const std::runtime_error& error) {
            throw InterpreterError(error.what());
        }
    }

    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.parse_argv = 0; // argv is sys.argv as it is, not python3's command line
    config.isolated = options.isolated ? 1 : 0;
    config.use_environment = useEnvironment ? 1 : 0;
    config.install_signal_handlers = options.installSignalHandlers ? 1 : 0;
    if (options.unbufferedStdio)
        config.buffered_stdio = 0;
    if (options.tracemallocDepth > 0) // else PYTHONTRACEMALLOC decides, as for python3
        config.tracemalloc = static_cast<int>(std::min(options.tracemallocDepth, kMaxTracemallocDepth));
    // sys.executable names the real interpreter, so scripts that spawn Python get a working one.
    throwIfFailed(PyConfig_SetBytesString(&config, &config.program_name, LEAKSCOPE_PYTHON_EXECUTABLE), &config);
    std::vector<char*> argv;
    for (std::string& arg : m_argv)
        argv.push_back(arg.data());
    throwIfFailed(PyConfig_SetBytesArgv(&config, static_cast<Py_ssize_t>(argv.size()), argv.data()), &config);
    // Reads the environment (unless -E or -I) into config, which is then checked before it is used.
    throwIfFailed(PyConfig_Read(&config), &config);
    ignoreForeignHome(config);
    m_safePath = config.safe_path > 0;
    registerScriptModule();
    throwIfFailed(Py_InitializeFromConfig(&config), &config);
    PyConfig_Clear(&config);
    if (options.nativeTraceDepth > 0)
        leakscope_bypass_freelists_drain(); // what start-up freed, and the float and tuple lists off
    // With tracemalloc on from the start, its line look-ups at every allocation read arrays.
    leakscope_install_line_tables();
    // Symbol and line tables for the captures' type origins load meanwhile the script runs.
    OriginResolver::instance().prewarm();
}

Interpreter::~Interpreter()
{
    finalize();
}

ScriptOutcome Interpreter::runMainScript()
{
    ScriptOutcome outcome;
    outcome.exitCode = 2;
    const std::string& script = m_argv.front();
    if (script.empty()) {
        outcome.message = "no script given";
        return outcome;
    }
    std::string error;
    const std::string source = readScript(script, error);
    if (!error.empty()) {
        outcome.message = error;
        return outcome;
    }
    if (source.find('\0') != std::string::npos) {
        outcome.message = script + ": SyntaxError: source code cannot contain null bytes";
        return outcome;
    }
    std::error_code ec;
    // Like python3: the path joined to the working directory, not normalised ("/dir/./x.py" stays).
    const std::string absolute = fs::absolute(script, ec).string();
    const fs::path realPath = fs::canonical(script, ec);
    const std::string directory = ec ? fs::path(absolute).parent_path().string() : realPath.parent_path().string();

    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    PyObject* code = Py_CompileStringExFlags(source.c_str(), absolute.c_str(), Py_file_input, &flags, -1);
    if (!code) {
        outcome.compileError = formatPendingTraceback();
        outcome.message = takeErrorLine();
        return outcome;
    }

    PyObject* path = PySys_GetObject("path");
    PyObject* mainModule = PyImport_AddModule("__main__");
    PyObject* globals = mainModule ? PyModule_GetDict(mainModule) : nullptr;
    PyObject* bootstrap = PyImport_ImportModule("_frozen_importlib_external");
    PyObject* loader = bootstrap ? PyObject_CallMethod(bootstrap, "SourceFileLoader", "ss", "__main__", absolute.c_str())
                                 : nullptr;
    Py_XDECREF(bootstrap);
    PyObject* directoryText = PyUnicode_DecodeFSDefault(directory.c_str());
    const bool ready = path && PyList_Check(path) && globals && directoryText
        && (m_safePath || PyList_Insert(path, 0, directoryText) == 0)
        && setItem(globals, "__file__", PyUnicode_DecodeFSDefault(absolute.c_str()))
        && setItem(globals, "__cached__", Py_NewRef(Py_None)) && setItem(globals, "__loader__", loader);
    Py_XDECREF(directoryText);
    if (!ready) {
        outcome.message = "cannot prepare __main__: " + takeErrorLine();
        Py_DECREF(code);
        return outcome;
    }

    PyObject* result = PyEval_EvalCode(code, globals, globals);
    Py_DECREF(code);
    setOutcome(outcome, result);
    waitForThreads();
    return outcome;
}

ScriptOutcome Interpreter::runMainModule()
{
    ScriptOutcome outcome;
    outcome.exitCode = 2;
    if (m_module.empty()) {
        outcome.message = "no module given";
        return outcome;
    }
    // As python3 -m: the working directory, absolute, first on sys.path; nothing when it cannot be read.
    std::error_code ec;
    const fs::path workingDirectory = fs::current_path(ec);
    PyObject* path = PySys_GetObject("path");
    if (!m_safePath && !ec && path && PyList_Check(path)) {
        PyObject* directoryText = PyUnicode_DecodeFSDefault(workingDirectory.c_str());
        if (!directoryText || PyList_Insert(path, 0, directoryText) != 0) {
            Py_XDECREF(directoryText);
            outcome.message = "cannot prepare sys.path: " + takeErrorLine();
            return outcome;
        }
        Py_DECREF(directoryText);
    }

    // runpy._run_module_as_main(name, alter_argv=True), less its sys.exit("<sys.executable>: why") when
    // the module cannot be found: the caller says why in its own name.
    PyObject* runpy = PyImport_ImportModule("runpy");
    PyObject* notFound = runpy ? PyObject_GetAttrString(runpy, "_Error") : nullptr;
    PyObject* name = PyUnicode_DecodeFSDefault(m_module.c_str());
    PyObject* details = runpy && notFound && name
        ? PyObject_CallMethod(runpy, "_get_module_details", "OO", name, notFound)
        : nullptr;
    Py_XDECREF(name);
    PyObject* result = nullptr;
    if (!details) {
        if (notFound && PyErr_ExceptionMatches(notFound)) {
            outcome.message = takeExceptionText();
            outcome.exitCode = 1;
            Py_DECREF(notFound);
            Py_DECREF(runpy);
            waitForThreads(); // a parent package imported may have started some
            return outcome;
        }
    } else if (!PyTuple_Check(details) || PyTuple_GET_SIZE(details) != 3) {
        PyErr_SetString(PyExc_RuntimeError, "runpy._get_module_details returned an unexpected value");
    } else {
        PyObject* spec = PyTuple_GET_ITEM(details, 1);
        PyObject* code = PyTuple_GET_ITEM(details, 2);
        PyObject* origin = PyObject_GetAttrString(spec, "origin");
        PyObject* argv = PySys_GetObject("argv");
        PyObject* mainModule = PyImport_AddModule("__main__");
        PyObject* globals = mainModule ? PyModule_GetDict(mainModule) : nullptr;
        if (origin && argv && PyList_Check(argv) && PyList_GET_SIZE(argv) > 0 && globals
            && PyList_SetItem(argv, 0, Py_NewRef(origin)) == 0)
            result = PyObject_CallMethod(runpy, "_run_code", "OOOsO", code, globals, Py_None, "__main__", spec);
        else if (!PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError, "cannot prepare __main__ and sys.argv");
        Py_XDECREF(origin);
    }
    Py_XDECREF(details);
    Py_XDECREF(notFound);
    Py_XDECREF(runpy);
    setOutcome(outcome, result);
    waitForThreads();
    return outcome;
}

ScriptOutcome Interpreter::runMain()
{
    return m_module.empty() ? runMainScript() : runMainModule();
}

bool Interpreter::runSource(const std::string& source, std::string* error)
{
    PyObject* mainModule = PyImport_AddModule("__main__");
    PyObject* globals = mainModule ? PyModule_GetDict(mainModule) : nullptr;
    PyObject* result = globals ? PyRun_String(source.c_str(), Py_file_input, globals, globals) : nullptr;
    if (!result) {
        const std::string line = takeErrorLine();
        if (error)
            *error = line;
        return false;
    }
    Py_DECREF(result);
    return true;
}

long Interpreter::collectGarbage()
{
    return static_cast<long>(PyGC_Collect());
}

void Interpreter::flushStdio()
{
    for (const char* name : {"stdout", "stderr"}) {
        PyObject* file = PySys_GetObject(name);
        if (!file || file == Py_None)
            continue;
        PyObject* result = PyObject_CallMethod(file, "flush", nullptr);
        if (!result)
            PyErr_Clear();
        Py_XDECREF(result);
    }
}

int Interpreter::finalize()
{
    if (m_finalized)
        return 0;
    m_finalized = true;
    return Py_FinalizeEx() < 0 ? 120 : 0;
}

} // namespace leakscope::capture
