#include <Python.h>

#include "type_origin.h"

#include "pyobject_access.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <link.h>
#include <pthread.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace leakscope::capture {

namespace {

// "/a/b/../c/./d.c" -> "/a/c/d.c": the compilation directory joined with a relative file name.
std::string normalisedPath(const std::string& path)
{
    std::vector<std::string_view> parts;
    std::string_view rest(path);
    const bool absolute = !rest.empty() && rest.front() == '/';
    while (!rest.empty()) {
        const std::size_t slash = rest.find('/');
        const std::string_view part = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (part.empty() || part == ".")
            continue;
        if (part == ".." && !parts.empty() && parts.back() != "..")
            parts.pop_back();
        else if (part != ".." || !absolute)
            parts.push_back(part);
    }
    std::string out = absolute ? "/" : "";
    for (std::size_t k = 0; k < parts.size(); ++k) {
        if (k)
            out += '/';
        out += parts[k];
    }
    return out;
}

// The identity of a type for the cache: a heap type's address can be reused by another type once the
// first is freed, and the other would differ in these.
using TypeKey = std::tuple<const void*, const void*, const void*, unsigned long>;

struct TypeKeyHash
{
    std::size_t operator()(const TypeKey& k) const
    {
        const auto h = [](const void* p) { return std::hash<const void*>()(p); };
        return h(std::get<0>(k)) ^ (h(std::get<1>(k)) * 31) ^ (h(std::get<2>(k)) * 131) ^ std::get<3>(k);
    }
};

} // namespace

struct OriginResolver::Impl
{
    Dwfl_Callbacks callbacks{};
    Dwfl* dwfl = nullptr;
    char* debuginfoPath = nullptr;
    std::unordered_map<TypeKey, TypeOrigin, TypeKeyHash> cache;
    // Each look-up by code or data address, made once: what fileOf(), symbolAt() and sourceAt() return.
    // Filled by whichever thread owns libdwfl at the time (the warming thread, then the GIL holder).
    std::unordered_map<std::uintptr_t, std::string> files, symbols, sources;
    std::unordered_map<std::uintptr_t, std::vector<CodeLocation>> returnAddresses;
    std::unordered_map<std::string, std::uintptr_t> symbolAddresses; // "module base:name"
    bool genericSlotsKnown = false;
    std::uintptr_t genericDealloc = 0;
    std::uintptr_t genericTraverse = 0;

    Impl()
    {
        callbacks.find_elf = dwfl_linux_proc_find_elf;
        callbacks.find_debuginfo = dwfl_standard_find_debuginfo;
        callbacks.debuginfo_path = &debuginfoPath;
        dwfl = dwfl_begin(&callbacks);
        report();
    }

    ~Impl()
    {
        if (dwfl)
            dwfl_end(dwfl);
    }

    // (Re)reads the process's mappings; modules already known are kept with what they loaded.
    void report()
    {
        if (!dwfl)
            return;
        dwfl_report_begin_add(dwfl);
        dwfl_linux_proc_report(dwfl, getpid());
        dwfl_report_end(dwfl, nullptr, nullptr);
    }

    // The module mapping address, checked against the dynamic loader: a library loaded after the last
    // report (an extension imported since) is unknown to libdwfl, or lies where its stale ranges say
    // another file was, until the mappings are read again.
    Dwfl_Module* moduleAt(std::uintptr_t address)
    {
        if (!dwfl)
            return nullptr;
        Dl_info info{};
        const std::uintptr_t base
            = dladdr(reinterpret_cast<void*>(address), &info) ? reinterpret_cast<std::uintptr_t>(info.dli_fbase) : 0;
        auto matches = [base](Dwfl_Module* module) {
            Dwarf_Addr start = 0;
            dwfl_module_info(module, nullptr, &start, nullptr, nullptr, nullptr, nullptr, nullptr);
            return base == 0 || start == base;
        };
        Dwfl_Module* module = dwfl_addrmodule(dwfl, address);
        if (!module || !matches(module)) {
            report();
            module = dwfl_addrmodule(dwfl, address);
        }
        if (module && !matches(module)) {
            // A module reported earlier still claims the range: a library unloaded since, whose
            // address another one now has. Report afresh, which drops the modules no longer mapped.
            dwfl_report_begin(dwfl);
            dwfl_linux_proc_report(dwfl, getpid());
            dwfl_report_end(dwfl, nullptr, nullptr);
            module = dwfl_addrmodule(dwfl, address);
            if (module && !matches(module))
                module = nullptr; // trust dladdr's file rather than a module that does not match it
        }
        return module;
    }

    // The file mapped at address: libdwfl's name for it, else dladdr's.
    std::string fileOf(std::uintptr_t address)
    {
        const auto known = files.find(address);
        if (known != files.end())
            return known->second;
        std::string file = lookUpFile(address);
        files.emplace(address, file);
        return file;
    }

    // The symbol address lies in.
    std::string symbolAt(std::uintptr_t address)
    {
        const auto known = symbols.find(address);
        if (known != symbols.end())
            return known->second;
        std::string symbol = lookUpSymbol(address);
        symbols.emplace(address, symbol);
        return symbol;
    }

    // "file:line" of a code address, or "".
    std::string sourceAt(std::uintptr_t address)
    {
        const auto known = sources.find(address);
        if (known != sources.end())
            return known->second;
        std::string source = lookUpSource(address);
        sources.emplace(address, source);
        return source;
    }

    std::string lookUpFile(std::uintptr_t address)
    {
        if (Dwfl_Module* module = moduleAt(address)) {
            const char* mainfile = nullptr;
            const char* name = dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, &mainfile, nullptr);
            if (mainfile && *mainfile)
                return mainfile;
            if (name && *name == '/')
                return name;
        }
        Dl_info info{};
        if (dladdr(reinterpret_cast<void*>(address), &info) && info.dli_fname && *info.dli_fname)
            return info.dli_fname;
        return {};
    }

    // The symbol address lies in (full symbol table where the file or its debug file has one).
    std::string lookUpSymbol(std::uintptr_t address)
    {
        if (Dwfl_Module* module = moduleAt(address)) {
            GElf_Off offset = 0;
            GElf_Sym sym{};
            if (const char* name = dwfl_module_addrinfo(module, address, &offset, &sym, nullptr, nullptr, nullptr)) {
                // A C name has no dot: ".lto_priv.0", ".constprop.0", ".isra.0" are the compiler's
                // suffixes for local copies of the function the source calls by the plain name.
                const std::string_view plain(name);
                return std::string(plain.substr(0, plain.find('.')));
            }
        }
        Dl_info info{};
        if (dladdr(reinterpret_cast<void*>(address), &info) && info.dli_sname
            && reinterpret_cast<std::uintptr_t>(info.dli_saddr) == address)
            return info.dli_sname;
        return {};
    }

    // "file:line" of a code address from the module's DWARF line table, or "".
    std::string lookUpSource(std::uintptr_t address)
    {
        Dwfl_Module* module = moduleAt(address);
        if (!module)
            return {};
        Dwfl_Line* line = dwfl_module_getsrc(module, address);
        if (!line)
            return {};
        int lineNumber = 0;
        const char* file = dwfl_lineinfo(line, nullptr, &lineNumber, nullptr, nullptr, nullptr);
        if (!file || !*file || lineNumber <= 0)
            return {};
        std::string path = file;
        if (path.front() != '/') {
            if (const char* dir = dwfl_line_comp_dir(line); dir && *dir)
                path = std::string(dir) + "/" + path;
        }
        return normalisedPath(path) + ":" + std::to_string(lineNumber);
    }

    // "file" of a DWARF line or call-site file attribute, made absolute with the compilation directory.
    static std::string absoluteSource(const char* file, const char* compDir)
    {
        if (!file || !*file)
            return {};
        std::string path = file;
        if (path.front() != '/' && compDir && *compDir)
            path = std::string(compDir) + "/" + path;
        return normalisedPath(path);
    }

    // What describeReturnAddress() caches. The innermost line comes from the line table; each inlined
    // subroutine covering the call gives its own name and, as the caller's location, its call site.
    std::vector<CodeLocation> lookUpReturnAddress(std::uintptr_t address)
    {
        const std::uintptr_t pc = address - 1;
        CodeLocation outer;
        outer.library = fileOf(pc);
        outer.function = symbolAt(pc);
        Dwfl_Module* module = moduleAt(pc);
        const char* compDir = nullptr;
        if (module) {
            if (Dwfl_Line* line = dwfl_module_getsrc(module, pc)) {
                int lineNumber = 0;
                const char* file = dwfl_lineinfo(line, nullptr, &lineNumber, nullptr, nullptr, nullptr);
                compDir = dwfl_line_comp_dir(line);
                if (lineNumber > 0) {
                    outer.file = absoluteSource(file, compDir);
                    outer.line = static_cast<unsigned>(lineNumber);
                }
            }
        }
        std::vector<CodeLocation> frames;
        Dwarf_Addr bias = 0;
        Dwarf_Die* cu = module ? dwfl_module_addrdie(module, pc, &bias) : nullptr;
        Dwarf_Die* scopes = nullptr;
        const int count = cu ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
        Dwarf_Files* files = nullptr;
        if (cu)
            dwarf_getsrcfiles(cu, &files, nullptr);
        // Scopes run innermost first. An inlined subroutine's name is its abstract origin's; the file
        // and line the code is at belong to the innermost of them, and each one's DW_AT_call_* is
        // where its caller (the next scope out) stands.
        CodeLocation current = outer; // file and line of the innermost code
        current.function.clear();
        for (int k = 0; k < count; ++k) {
            Dwarf_Die* scope = &scopes[k];
            if (dwarf_tag(scope) != DW_TAG_inlined_subroutine)
                continue;
            Dwarf_Attribute attribute;
            Dwarf_Die origin;
            const char* name = nullptr;
            if (dwarf_attr_integrate(scope, DW_AT_abstract_origin, &attribute)
                && dwarf_formref_die(&attribute, &origin))
                name = dwarf_diename(&origin);
            current.function = name ? name : "";
            current.inlined = true;
            frames.push_back(current);
            // The caller's location: the call site of this inlined copy.
            current = outer;
            current.function.clear();
            Dwarf_Word callFile = 0, callLine = 0;
            if (dwarf_formudata(dwarf_attr(scope, DW_AT_call_file, &attribute), &callFile) == 0
                && dwarf_formudata(dwarf_attr(scope, DW_AT_call_line, &attribute), &callLine) == 0 && files) {
                const char* file = dwarf_filesrc(files, callFile, nullptr, nullptr);
                current.file = absoluteSource(file, compDir);
                current.line = static_cast<unsigned>(callLine);
            }
        }
        free(scopes);
        current.function = outer.function;
        current.inlined = false;
        frames.push_back(current);
        return frames;
    }

    // A static type found in the executable may be a copy relocation of a library's definition: the
    // library that exports the symbol itself is the type's origin.
    std::string libraryDefining(const std::string& symbol)
    {
        struct Search
        {
            const std::string* symbol;
            std::string found;
            std::uintptr_t address = 0;
        } search{&symbol, {}, 0};
        dl_iterate_phdr(
            [](dl_phdr_info* info, std::size_t, void* arg) {
                auto* s = static_cast<Search*>(arg);
                if (!info->dlpi_name || !*info->dlpi_name)
                    return 0; // the executable itself
                void* handle = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
                if (!handle)
                    return 0;
                // dlsym on a library handle searches that library's scope, which does not include the
                // executable's copy.
                void* address = dlsym(handle, s->symbol->c_str());
                Dl_info where{};
                const bool defines = address && dladdr(address, &where) && where.dli_fname
                                     && std::strcmp(where.dli_fname, info->dlpi_name) == 0;
                dlclose(handle);
                if (defines) {
                    s->found = info->dlpi_name;
                    s->address = reinterpret_cast<std::uintptr_t>(address);
                    return 1;
                }
                return 0;
            },
            &search);
        // Named as fileOf() names files (libdwfl's path, which may differ from the loader's spelling of
        // it), so that comparisons with other origins' libraries hold.
        if (search.address) {
            if (std::string file = fileOf(search.address); !file.empty())
                return file;
        }
        return search.found;
    }

    TypeOrigin resolveStatic(PyTypeObject* type)
    {
        TypeOrigin origin;
        const auto address = reinterpret_cast<std::uintptr_t>(type);
        origin.library = fileOf(address);
        origin.symbol = symbolAt(address);
        if (!origin.symbol.empty() && isMainExecutable(origin.library)) {
            if (std::string defining = libraryDefining(origin.symbol); !defining.empty())
                origin.library = defining;
        }
        origin.source = slotSource(type, origin.library);
        return origin;
    }

    // The slots every class statement gets (subtype_dealloc, subtype_traverse), read from a class
    // written in Python that every interpreter has: importlib's ModuleSpec.
    void findGenericSlots()
    {
        if (genericSlotsKnown)
            return;
        genericSlotsKnown = true;
        PyObject* modules = PyImport_GetModuleDict();
        PyObject* bootstrap = modules && PyDict_Check(modules) ? dictItemByName(modules, "_frozen_importlib") : nullptr;
        PyObject* namespace_ = bootstrap && PyModule_Check(bootstrap) ? PyModule_GetDict(bootstrap) : nullptr;
        PyObject* spec = namespace_ ? dictItemByName(namespace_, "ModuleSpec") : nullptr;
        if (!spec || !PyType_Check(spec))
            return;
        auto* type = reinterpret_cast<PyTypeObject*>(spec);
        genericDealloc = reinterpret_cast<std::uintptr_t>(type->tp_dealloc);
        genericTraverse = reinterpret_cast<std::uintptr_t>(type->tp_traverse);
    }

    TypeOrigin resolveHeap(PyTypeObject* type)
    {
        // A class statement makes a type with the generic subtype_* slots and no C methods: it is
        // defined in Python and has no library. An extension's heap type (PyType_FromSpec, Cython,
        // pybind11) has slot functions or methods of its own, in its library (libpython itself for
        // the builtin modules' types).
        findGenericSlots();
        TypeOrigin origin;
        const auto dealloc = reinterpret_cast<std::uintptr_t>(type->tp_dealloc);
        if (!type->tp_methods && (dealloc == genericDealloc || dealloc == 0))
            return origin;
        PyTypeObject* base = type->tp_base;
        auto inherited = [base](std::uintptr_t function) {
            if (!base)
                return false;
            for (const std::uintptr_t slot : slotFunctions(base)) {
                if (slot == function)
                    return true;
            }
            return false;
        };
        for (const std::uintptr_t function : slotFunctions(type)) {
            if (function == genericDealloc || function == genericTraverse || inherited(function))
                continue;
            const std::string library = fileOf(function);
            if (library.empty())
                continue;
            origin.library = library;
            origin.symbol = symbolAt(function);
            origin.source = sourceAt(function);
            break;
        }
        return origin;
    }

    // The type's slot functions, most telling first: tp_dealloc is what a leaked instance would run.
    static std::vector<std::uintptr_t> slotFunctions(PyTypeObject* type)
    {
        std::vector<std::uintptr_t> functions;
        auto add = [&functions](auto function) {
            if (function)
                functions.push_back(reinterpret_cast<std::uintptr_t>(function));
        };
        add(type->tp_dealloc);
        add(type->tp_traverse);
        add(type->tp_new);
        add(type->tp_init);
        add(type->tp_repr);
        add(type->tp_call);
        add(type->tp_iter);
        add(type->tp_iternext);
        add(type->tp_getattro);
        if (type->tp_methods && type->tp_methods->ml_name)
            add(type->tp_methods->ml_meth);
        return functions;
    }

    // The line of the first slot function defined in the type's own library: a static type whose
    // tp_dealloc is inherited (object's) is better shown by its tp_new or first method.
    std::string slotSource(PyTypeObject* type, const std::string& library)
    {
        for (const std::uintptr_t function : slotFunctions(type)) {
            if (fileOf(function) == library)
                return sourceAt(function);
        }
        return {};
    }

    bool isMainExecutable(const std::string& file)
    {
        static const std::string self = [] {
            char buffer[4096];
            const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
            return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
        }();
        if (self.empty())
            return false;
        if (file == self)
            return true;
        // libdwfl names the executable as it was started ("./bin/leakscope-cli").
        char resolved[PATH_MAX];
        return realpath(file.c_str(), resolved) && self == resolved;
    }
};

OriginResolver& OriginResolver::instance()
{
    static OriginResolver resolver;
    return resolver;
}

OriginResolver::OriginResolver()
    : m(std::make_unique<Impl>())
{
}

OriginResolver::~OriginResolver()
{
    // The thread uses *m: let it finish before m goes, unless it belonged to a parent process.
    if (m_warmingStarted && m_warmingProcess == getpid()) {
        m_stopWarming = true;
        std::unique_lock lock(m_mutex);
        m_warmingEnded.wait(lock, [this] { return m_warmingDone.load(); });
    } else if (m_warmingStarted && !m_warmingDone) {
        (void)m.release(); // a fork's copy, possibly half-built by a thread this process does not have
        return;
    }
    // Under the lock releaseCaches() takes: in the agent, the thread that serves the attach frees the
    // caches as it ends, and the process may exit (running this) right then.
    std::lock_guard lock(m_mutex);
    m.reset();
}

namespace {

// The types the interpreter has made so far (every builtin one among them), found through the
// subclass lists from object down. Reads the lists only: no Python code, no allocation.
std::vector<PyTypeObject*> typesSoFar()
{
    std::vector<PyTypeObject*> types{&PyBaseObject_Type};
    std::unordered_set<PyTypeObject*> seen{&PyBaseObject_Type};
    for (std::size_t next = 0; next < types.size(); ++next) {
        PyObject* subclasses = types[next]->tp_subclasses;
        if (!subclasses || !PyDict_Check(subclasses))
            continue;
        Py_ssize_t position = 0;
        PyObject* key = nullptr;
        PyObject* reference = nullptr;
        while (PyDict_Next(subclasses, &position, &key, &reference)) {
            if (!PyWeakref_Check(reference))
                continue;
            PyObject* subclass = PyWeakref_GET_OBJECT(reference);
            if (subclass != Py_None && PyType_Check(subclass)
                && seen.insert(reinterpret_cast<PyTypeObject*>(subclass)).second)
                types.push_back(reinterpret_cast<PyTypeObject*>(subclass));
        }
    }
    return types;
}

} // namespace

void OriginResolver::prewarm()
{
    if (m_warmingStarted)
        return;
    if (!m)
        m = std::make_unique<Impl>();
    // A code address of libpython, and the addresses a capture will look up for the types made so
    // far (static types by their own address, every type by its slot functions), read here: the
    // thread must not touch Python.
    const auto dealloc = reinterpret_cast<std::uintptr_t>(PyDict_Type.tp_dealloc);
    std::vector<std::uintptr_t> typeAddresses, functions;
    m->findGenericSlots();
    for (PyTypeObject* type : typesSoFar()) {
        if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE))
            typeAddresses.push_back(reinterpret_cast<std::uintptr_t>(type));
        for (const std::uintptr_t function : Impl::slotFunctions(type)) {
            if (function != m->genericDealloc && function != m->genericTraverse)
                functions.push_back(function);
        }
    }
    // A script's os.fork() happens with m_mutex held, so that the child's copy of the mutex, the
    // condition variable and m_warmingDone is never one the warming thread, which the child does
    // not have, was in the middle of changing.
    static const bool forkHandlers [[maybe_unused]]
        = pthread_atfork(&OriginResolver::beforeFork, &OriginResolver::afterFork, &OriginResolver::afterFork) == 0;
    m_warmingStarted = true;
    m_warmingProcess = getpid();
    m_warmingDone = false;
    m_stopWarming = false;
    std::thread([this, dealloc, typeAddresses = std::move(typeAddresses), functions = std::move(functions)] {
        m->sourceAt(dealloc);
        // Then what resolving those types will ask, until a capture wants libdwfl for itself: reading
        // the line tables of the compilation units they live in is most of a first capture's origins.
        for (const std::uintptr_t type : typeAddresses) {
            if (m_stopWarming.load(std::memory_order_relaxed))
                break;
            m->fileOf(type);
            m->symbolAt(type);
        }
        for (const std::uintptr_t function : functions) {
            if (m_stopWarming.load(std::memory_order_relaxed))
                break;
            m->fileOf(function);
            m->symbolAt(function);
            m->sourceAt(function);
        }
        // Notified under the lock: a waiter that sees m_warmingDone may be the destructor, which
        // destroys the condition variable as soon as it has the lock back.
        std::lock_guard lock(m_mutex);
        m_warmingDone = true;
        m_warmingEnded.notify_all();
    }).detach();
}

void OriginResolver::beforeFork()
{
    instance().m_mutex.lock();
}

void OriginResolver::afterFork()
{
    // In the child too: its only thread is the one that forked, which holds the lock.
    instance().m_mutex.unlock();
}

void OriginResolver::releaseCaches()
{
    waitForWarming();
    std::lock_guard lock(m_mutex);
    m.reset();
}

void OriginResolver::waitForWarming()
{
    if (!m_warmingStarted)
        return;
    if (m_warmingProcess != getpid()) {
        // Forked while the thread ran: it does not exist here, and may have left libdwfl's state (and
        // this object's mutex) in the middle of a change. Start over with a fresh session.
        if (!m_warmingDone) {
            (void)m.release();
            m = std::make_unique<Impl>();
            new (&m_mutex) std::mutex;
        }
        m_warmingStarted = false;
        m_warmingDone = true;
        return;
    }
    m_stopWarming = true; // what it has not looked up yet, the capture looks up itself as needed
    std::unique_lock lock(m_mutex);
    m_warmingEnded.wait(lock, [this] { return m_warmingDone.load(); });
    m_warmingStarted = false;
}

const std::vector<CodeLocation>& OriginResolver::describeReturnAddress(std::uintptr_t address)
{
    waitForWarming(); // libdwfl is not thread-safe
    if (!m)
        m = std::make_unique<Impl>();
    auto it = m->returnAddresses.find(address);
    if (it == m->returnAddresses.end())
        it = m->returnAddresses.emplace(address, m->lookUpReturnAddress(address)).first;
    return it->second;
}

std::uintptr_t OriginResolver::symbolAddress(const void* inLibrary, const std::string& name)
{
    waitForWarming(); // libdwfl is not thread-safe
    if (!m)
        m = std::make_unique<Impl>();
    Dwfl_Module* module = m->moduleAt(reinterpret_cast<std::uintptr_t>(inLibrary));
    if (!module)
        return 0;
    Dwarf_Addr base = 0;
    dwfl_module_info(module, nullptr, &base, nullptr, nullptr, nullptr, nullptr, nullptr);
    const std::string key = std::to_string(base) + ":" + name;
    const auto known = m->symbolAddresses.find(key);
    if (known != m->symbolAddresses.end())
        return known->second;
    std::uintptr_t found = 0;
    const int count = dwfl_module_getsymtab(module);
    for (int i = 1; i < count && !found; ++i) {
        GElf_Sym sym{};
        GElf_Addr address = 0;
        const char* symbolName = dwfl_module_getsym_info(module, i, &sym, &address, nullptr, nullptr, nullptr);
        if (!symbolName || GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
            continue;
        // A link-time-optimised library names a static "tracemalloc_filenames.lto_priv.0".
        const std::string_view plain(symbolName);
        if (plain.substr(0, plain.find('.')) == name)
            found = static_cast<std::uintptr_t>(address);
    }
    m->symbolAddresses.emplace(key, found);
    return found;
}

const TypeOrigin& OriginResolver::resolve(PyTypeObject* type)
{
    waitForWarming(); // libdwfl is not thread-safe
    if (!m)
        m = std::make_unique<Impl>(); // after releaseCaches()
    const TypeKey key{type, reinterpret_cast<const void*>(type->tp_dealloc), type->tp_name, type->tp_flags};
    auto it = m->cache.find(key);
    if (it != m->cache.end())
        return it->second;
    TypeOrigin origin = (type->tp_flags & Py_TPFLAGS_HEAPTYPE) ? m->resolveHeap(type) : m->resolveStatic(type);
    return m->cache.emplace(key, std::move(origin)).first->second;
}

} // namespace leakscope::capture
