#include <Python.h>

#include "allocation_sites.h"

#include "gc_lists.h"
#include "pyobject_access.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

extern "C" PyObject* leakscope_tracemalloc_traceback(uintptr_t block); // tracemalloc_access.c

namespace leakscope::capture {

namespace {

// Calls _tracemalloc.<name>() and returns its result as a long; -1 when anything fails.
long callTracemalloc(const char* name)
{
    PyObject* module = PyImport_ImportModule("_tracemalloc");
    if (!module) {
        PyErr_Clear();
        return -1;
    }
    PyObject* result = PyObject_CallMethod(module, name, nullptr);
    Py_DECREF(module);
    if (!result) {
        PyErr_Clear();
        return -1;
    }
    const long value = PyLong_AsLong(result);
    Py_DECREF(result);
    if (value == -1 && PyErr_Occurred())
        PyErr_Clear();
    return value;
}

// Starts reading code's line table from its first instruction, as CPython's internal
// _PyCode_InitAddressRange does; false when the code has no readable table.
bool startLineTable(PyCodeObject* code, PyCodeAddressRange& range)
{
    if (!code->co_linetable || !PyBytes_Check(code->co_linetable))
        return false;
    range.opaque.lo_next = reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(code->co_linetable));
    range.opaque.limit = range.opaque.lo_next + PyBytes_GET_SIZE(code->co_linetable);
    range.opaque.computed_line = code->co_firstlineno;
    range.ar_start = -1;
    range.ar_end = 0;
    range.ar_line = -1;
    return true;
}

// The lines of one code object of a file whose lines some frame names.
struct CodeLines
{
    StringId qualname = 0;
    std::size_t depth = 0; // dots in the qualified name: nested code is deeper than its container
    std::uint32_t first = 0, last = 0;
    std::vector<std::uint32_t> lines; // sorted, distinct
};

// Names the function of each distinct (file, line) of the recorded frames from the code objects of
// the live functions: those defined in a file that a frame names, and the code nested in theirs (a
// function defined inside another, a lambda, a comprehension). tracemalloc keeps a frame's file
// (the code's co_filename) and line (PyCode_Addr2Line of the instruction), so the code object whose
// instructions have that line ran it; where several do (a lambda on the line of its caller), the
// innermost did. A line that no function's code covers, nor lies between a function's first and last
// line, is at the module's top level, whose code is gone once the module has run: "<module>". A line
// inside a function whose code is gone (deleted since) is named after the function around it, or
// "<module>"; a class body's line is "<module>" too, since a class keeps no code of its body. Source
// that is no file ("<string>" of exec(), "<stdin>") gets a name only from a live function's code.
class FunctionNames
{
public:
    FunctionNames(StringPoolBuilder& strings, const std::unordered_map<PyObject*, StringId>& files)
        : m_strings(strings)
    {
        for (const auto& [file, id] : files) {
            if (!file || !PyUnicode_CheckExact(file) || id == 0)
                continue;
            const Py_hash_t hash = PyObject_Hash(file); // a str's hash: no code runs
            if (hash == -1) {
                PyErr_Clear();
                continue;
            }
            m_fileIds.emplace(hash, std::make_pair(file, id));
            if (PyUnicode_GET_LENGTH(file) > 0 && PyUnicode_READ_CHAR(file, 0) == '<')
                m_pseudoFiles.insert(id);
        }
    }

    // Reads the code of every live function from one of the files. GIL held, collector paused.
    void collect()
    {
        if (m_fileIds.empty())
            return;
        for (int list = 0; list < leakscope_gc_list_count(); ++list) {
            auto* head = static_cast<GcHeader*>(leakscope_gc_list_head(list));
            for (auto* header = reinterpret_cast<GcHeader*>(head->next); header != head;
                 header = reinterpret_cast<GcHeader*>(header->next)) {
                auto* object = reinterpret_cast<PyObject*>(header + 1);
                if (PyFunction_Check(object)) {
                    PyObject* code = PyFunction_GET_CODE(object);
                    if (code && PyCode_Check(code))
                        addCode(reinterpret_cast<PyCodeObject*>(code));
                }
            }
        }
    }

    // The function of file's line; 0 when unknown.
    StringId functionOf(StringId file, std::uint32_t line)
    {
        if (line == 0)
            return 0;
        const auto key = std::make_pair(file, line);
        if (auto it = m_resolved.find(key); it != m_resolved.end())
            return it->second;
        const CodeLines* exact = nullptr;
        const CodeLines* around = nullptr;
        if (auto codes = m_codes.find(file); codes != m_codes.end()) {
            for (const CodeLines& code : codes->second) {
                if (std::binary_search(code.lines.begin(), code.lines.end(), line)) {
                    if (!exact || code.depth > exact->depth)
                        exact = &code;
                } else if (code.first <= line && line <= code.last) {
                    if (!around || code.depth > around->depth)
                        around = &code;
                }
            }
        }
        StringId name = 0;
        if (exact)
            name = exact->qualname;
        else if (m_pseudoFiles.count(file) == 0)
            name = around ? around->qualname : moduleName();
        m_resolved.emplace(key, name);
        return name;
    }

private:
    StringId moduleName()
    {
        if (m_module == 0)
            m_module = m_strings.intern("<module>");
        return m_module;
    }

    StringId fileOf(PyObject* filename)
    {
        if (!filename || !PyUnicode_CheckExact(filename))
            return 0;
        const Py_hash_t hash = PyObject_Hash(filename);
        if (hash == -1) {
            PyErr_Clear();
            return 0;
        }
        const auto [begin, end] = m_fileIds.equal_range(hash);
        for (auto it = begin; it != end; ++it) {
            PyObject* file = it->second.first;
            if (file == filename || PyUnicode_Compare(file, filename) == 0)
                return it->second.second;
        }
        if (PyErr_Occurred())
            PyErr_Clear();
        return 0;
    }

    void addCode(PyCodeObject* code)
    {
        if (!m_seen.insert(code).second)
            return;
        const StringId file = fileOf(code->co_filename);
        if (file == 0)
            return;
        CodeLines lines;
        Py_ssize_t size = 0;
        const char* qualname = code->co_qualname && PyUnicode_Check(code->co_qualname)
            ? PyUnicode_AsUTF8AndSize(code->co_qualname, &size)
            : nullptr;
        if (!qualname) {
            PyErr_Clear();
        } else {
            const std::string_view text(qualname, static_cast<std::size_t>(size));
            lines.qualname = m_strings.intern(text);
            lines.depth = static_cast<std::size_t>(std::count(text.begin(), text.end(), '.'));
            // One pass over the line table, instruction by instruction.
            PyCodeAddressRange range;
            if (!startLineTable(code, range))
                return;
            const Py_ssize_t bytes = _PyCode_NBYTES(code);
            for (Py_ssize_t offset = 0; offset < bytes; offset += sizeof(_Py_CODEUNIT)) {
                const int line = _PyCode_CheckLineNumber(static_cast<int>(offset), &range);
                if (line > 0)
                    lines.lines.push_back(static_cast<std::uint32_t>(line));
            }
            std::sort(lines.lines.begin(), lines.lines.end());
            lines.lines.erase(std::unique(lines.lines.begin(), lines.lines.end()), lines.lines.end());
            lines.first = static_cast<std::uint32_t>(std::max(code->co_firstlineno, 0));
            lines.last = lines.lines.empty() ? lines.first : std::max(lines.first, lines.lines.back());
            if (lines.qualname != 0)
                m_codes[file].push_back(std::move(lines));
        }
        // Code defined inside this code: nested functions, lambdas, comprehensions, class bodies.
        if (PyObject* consts = code->co_consts; consts && PyTuple_Check(consts)) {
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(consts); ++k) {
                PyObject* item = PyTuple_GET_ITEM(consts, k);
                if (PyCode_Check(item))
                    addCode(reinterpret_cast<PyCodeObject*>(item));
            }
        }
    }

    StringPoolBuilder& m_strings;
    std::unordered_multimap<Py_hash_t, std::pair<PyObject*, StringId>> m_fileIds;
    std::unordered_set<PyCodeObject*> m_seen;
    // "<string>", "<stdin>": names many sources share, so that only a line of a live function's code
    // is named, never one between or outside them.
    std::unordered_set<StringId> m_pseudoFiles;
    std::unordered_map<StringId, std::vector<CodeLines>> m_codes;
    std::map<std::pair<StringId, std::uint32_t>, StringId> m_resolved;
    StringId m_module = 0;
};

} // namespace

unsigned tracemallocDepth()
{
    if (callTracemalloc("is_tracing") != 1)
        return 0;
    const long limit = callTracemalloc("get_traceback_limit");
    return limit > 0 ? static_cast<unsigned>(limit) : 0;
}

std::vector<std::uintptr_t> allocationBlocks(const SnapshotColumns& columns, const std::vector<ObjectIndex>& candidates)
{
    std::vector<std::uintptr_t> blocks;
    blocks.reserve(candidates.size());
    for (const ObjectIndex index : candidates)
        // What tracemalloc traced: the memory block, which starts before the object by its pre-header.
        blocks.push_back(allocationStart(reinterpret_cast<PyObject*>(static_cast<std::uintptr_t>(columns.address[index]))));
    return blocks;
}

void recordAllocationSites(SnapshotColumns& columns, StringPoolBuilder& strings,
                           const std::vector<ObjectIndex>& candidates, const std::vector<std::uintptr_t>& blocks)
{
    columns.allocOwners.clear();
    columns.allocOffsets.assign(1, 0);
    columns.allocFrames.clear();
    const int wasEnabled = PyGC_Disable();
    std::unordered_map<PyObject*, StringId> files; // tracemalloc interns its file names
    for (std::size_t k = 0; k < candidates.size(); ++k) {
        const ObjectIndex index = candidates[k];
        PyObject* traceback = leakscope_tracemalloc_traceback(blocks[k]);
        if (!traceback) {
            PyErr_Clear();
            continue;
        }
        if (PyTuple_Check(traceback) && PyTuple_GET_SIZE(traceback) > 0) {
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(traceback); ++k) {
                PyObject* frame = PyTuple_GET_ITEM(traceback, k);
                if (!PyTuple_Check(frame) || PyTuple_GET_SIZE(frame) != 2)
                    continue;
                PyObject* file = PyTuple_GET_ITEM(frame, 0);
                const long line = PyLong_AsLong(PyTuple_GET_ITEM(frame, 1));
                if (line == -1 && PyErr_Occurred())
                    PyErr_Clear();
                auto [it, inserted] = files.try_emplace(file, 0);
                if (inserted && PyUnicode_Check(file)) {
                    Py_ssize_t size = 0;
                    if (const char* utf8 = PyUnicode_AsUTF8AndSize(file, &size))
                        it->second = strings.intern(std::string_view(utf8, static_cast<std::size_t>(size)));
                    else
                        PyErr_Clear();
                }
                columns.allocFrames.push_back({it->second, line > 0 ? static_cast<std::uint32_t>(line) : 0, 0});
            }
            columns.allocOwners.push_back(index);
            columns.allocOffsets.push_back(static_cast<std::uint32_t>(columns.allocFrames.size()));
        }
        Py_DECREF(traceback);
    }
    // Names each distinct (file, line) once; frames share them.
    FunctionNames names(strings, files);
    names.collect();
    for (AllocationFrame& frame : columns.allocFrames)
        frame.function = names.functionOf(frame.file, frame.line);
    if (wasEnabled)
        PyGC_Enable();
}

} // namespace leakscope::capture
