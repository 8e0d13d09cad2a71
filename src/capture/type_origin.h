#pragma once

#include <Python.h>

#include <cstdint>
#include <memory>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <sys/types.h>

namespace leakscope::capture {

// Where a type comes from: the shared object (or executable) that defines it, a symbol in it, and a
// source line from its debug information. Empty strings where a part is not known: nothing is guessed.
struct TypeOrigin
{
    std::string library; // full path, e.g. "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0"
    std::string symbol;  // "PyDict_Type" for a static type; for a heap type the function that showed
                         // its library, e.g. "Foo_dealloc"
    std::string source;  // "file:line" of the type's tp_dealloc (or of the first of its slot functions
                         // that lives in its library), from DWARF line information
};

// One source-level frame of a code address: the function containing it, or a function inlined there.
struct CodeLocation
{
    std::string function; // "leak_widget"; empty when no symbol covers the address
    std::string library;  // full path of the shared object or executable
    std::string file;     // source file from DWARF line information, empty without it
    unsigned line = 0;
    bool inlined = false; // inlined into the next location of the same address
};

// Resolves type origins for the process it runs in: dladdr for the dynamic symbols, libdwfl for full
// symbol tables and line information (separate debug files found by build id under /usr/lib/debug,
// such as those of python3-dbg). A static type is found by its own address, a heap type made by an
// extension (PyType_FromSpec, Cython, pybind11) by its slot functions; a class defined in Python has
// no library. Results are cached per type for the life of the process, so each type costs its
// look-ups once, however many captures follow. Reads memory and files only: no Python code, no Python
// allocation. Not thread-safe: use it from the GIL holder.
class OriginResolver
{
public:
    static OriginResolver& instance();

    const TypeOrigin& resolve(PyTypeObject* type);

    // The source-level frames of a return address, innermost first: the functions inlined at the call
    // (each flagged inlined, at the line of the call it makes) and then the function the code belongs
    // to. Looks up address - 1, the call instruction. Cached per address for the life of the process.
    const std::vector<CodeLocation>& describeReturnAddress(std::uintptr_t address);

    // The address of a symbol of the library that contains `inLibrary`, from its full symbol table
    // (a separate debug file's, such as python3-dbg's for libpython): static variables too, which
    // dlsym cannot find, under their plain name ("x" finds "x.lto_priv.0"). 0 when the library has no
    // such symbol or no symbol table. Cached.
    std::uintptr_t symbolAddress(const void* inLibrary, const std::string& name);

    // Starts reading the process's libraries and libpython's line table on a helper thread, so that the
    // first capture does not wait for it (about 0.2 s with libpython's debug file), then looks up
    // what the origins of the types made so far need (their symbols and source lines), as long as no
    // capture asks. resolve() stops it early and waits for the look-up under way; in a child forked
    // meanwhile it starts afresh instead. Call it with the GIL held. Harmless to call more than once.
    void prewarm();

    // Frees what resolving has read and cached (libdwfl's session, the libraries' symbol and line
    // tables, the resolved origins): for a process that captures once in a while and should get its
    // memory back in between (the attach agent). The next resolve() reads them again. Call it with
    // the GIL held or from the only thread that resolves.
    void releaseCaches();

    OriginResolver(const OriginResolver&) = delete;
    OriginResolver& operator=(const OriginResolver&) = delete;

private:
    OriginResolver();
    ~OriginResolver();

    void waitForWarming();
    // pthread_atfork handlers: the forking thread holds m_mutex across the fork.
    static void beforeFork();
    static void afterFork();

    struct Impl;
    std::unique_ptr<Impl> m;
    // The warming thread is detached and says when it is done: a process forked meanwhile (a script's
    // os.fork()) has no such thread, must not wait for it, and cannot trust what it left half-built.
    std::mutex m_mutex;
    std::condition_variable m_warmingEnded;
    std::atomic<bool> m_warmingDone{true};
    std::atomic<bool> m_stopWarming{false}; // a capture needs libdwfl now: the thread stops early
    bool m_warmingStarted = false;
    pid_t m_warmingProcess = 0;
};

} // namespace leakscope::capture
