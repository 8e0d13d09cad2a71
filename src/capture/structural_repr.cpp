#include "structural_repr.h"

#include "pyobject_access.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string_view>

namespace leakscope::capture {

namespace {

constexpr int kMaxDepth = 2;

// Writes into `out` while counting code points; once the budget is spent it ends the text with "…"
// and ignores further writes, so callers can stop iterating large containers early.
class BoundedWriter
{
public:
    BoundedWriter(std::string& out, std::size_t limit)
        : m_out(out)
        , m_remaining(limit > 0 ? limit - 1 : 0)
    {
    }

    bool full() const { return m_full; }

    void text(std::string_view ascii)
    {
        if (ascii.size() <= m_remaining && !m_full) {
            m_out.append(ascii);
            m_remaining -= ascii.size();
            return;
        }
        for (char c : ascii) {
            if (!take())
                return;
            m_out += c;
        }
    }
    void character(char c) { text(std::string_view(&c, 1)); }

    void unicode(PyObject* str)
    {
        if (m_full)
            return;
        const std::size_t written = appendUnicode(m_out, str, m_remaining + 1);
        if (written > m_remaining) {
            // One code point too many was written: drop it and mark the cut.
            std::size_t end = m_out.size();
            while (end > 0 && (static_cast<unsigned char>(m_out[end - 1]) & 0xC0) == 0x80)
                --end;
            m_out.resize(end - 1);
            m_remaining = 0;
            take();
        } else {
            m_remaining -= written;
        }
    }

    // Appends a Python-style quoted literal of str; escapes like repr() does for control characters.
    void quotedUnicode(PyObject* str)
    {
        if (!PyUnicode_IS_READY(str)) {
            text("'?'");
            return;
        }
        const Py_ssize_t length = PyUnicode_GET_LENGTH(str);
        const int kind = PyUnicode_KIND(str);
        const void* data = PyUnicode_DATA(str);
        bool hasSingle = false, hasDouble = false;
        for (Py_ssize_t i = 0; i < length && i < 512; ++i) {
            Py_UCS4 cp = PyUnicode_READ(kind, data, i);
            hasSingle |= cp == '\'';
            hasDouble |= cp == '"';
        }
        const char quote = hasSingle && !hasDouble ? '"' : '\'';
        character(quote);
        if (PyUnicode_IS_COMPACT_ASCII(str)) {
            // Common case: printable ASCII needs no escapes and is copied in one piece, up to the budget.
            const auto* chars = static_cast<const char*>(data);
            const Py_ssize_t scan = std::min<Py_ssize_t>(length, static_cast<Py_ssize_t>(m_remaining) + 1);
            Py_ssize_t plain = 0;
            while (plain < scan && chars[plain] >= 0x20 && chars[plain] < 0x7F && chars[plain] != '\\'
                   && chars[plain] != quote)
                ++plain;
            if (plain == scan) {
                text(std::string_view(chars, static_cast<std::size_t>(scan)));
                character(quote);
                return;
            }
        }
        for (Py_ssize_t i = 0; i < length && !m_full; ++i) {
            Py_UCS4 cp = PyUnicode_READ(kind, data, i);
            if (cp == static_cast<Py_UCS4>(quote) || cp == '\\') {
                character('\\');
                character(static_cast<char>(cp));
            } else if (cp == '\n') {
                text("\\n");
            } else if (cp == '\r') {
                text("\\r");
            } else if (cp == '\t') {
                text("\\t");
            } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
                hex("\\x", cp, 2);
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                hex("\\u", cp, 4);
            } else if (cp < 0x80) {
                character(static_cast<char>(cp));
            } else if (take()) {
                encode(cp);
            }
        }
        character(quote);
    }

    void quotedBytes(const char* data, Py_ssize_t length)
    {
        bool hasSingle = false, hasDouble = false;
        for (Py_ssize_t i = 0; i < length && i < 512; ++i) {
            hasSingle |= data[i] == '\'';
            hasDouble |= data[i] == '"';
        }
        const char quote = hasSingle && !hasDouble ? '"' : '\'';
        text("b");
        character(quote);
        for (Py_ssize_t i = 0; i < length && !m_full; ++i) {
            const auto c = static_cast<unsigned char>(data[i]);
            if (c == static_cast<unsigned char>(quote) || c == '\\') {
                character('\\');
                character(static_cast<char>(c));
            } else if (c == '\n') {
                text("\\n");
            } else if (c == '\r') {
                text("\\r");
            } else if (c == '\t') {
                text("\\t");
            } else if (c < 0x20 || c >= 0x7F) {
                hex("\\x", c, 2);
            } else {
                character(static_cast<char>(c));
            }
        }
        character(quote);
    }

    void address(const void* pointer)
    {
        char buffer[24];
        std::snprintf(buffer, sizeof buffer, "0x%" PRIxPTR, reinterpret_cast<std::uintptr_t>(pointer));
        text(buffer);
    }

private:
    bool take()
    {
        if (m_full)
            return false;
        if (m_remaining == 0) {
            m_full = true;
            m_out += "\u2026";
            return false;
        }
        --m_remaining;
        return true;
    }

    void hex(const char* prefix, Py_UCS4 value, int digits)
    {
        static const char hexDigits[] = "0123456789abcdef";
        std::string escape = prefix;
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
            escape += hexDigits[(value >> shift) & 0xF];
        text(escape);
    }

    void encode(Py_UCS4 cp)
    {
        if (cp < 0x800) {
            m_out += static_cast<char>(0xC0 | (cp >> 6));
        } else if (cp < 0x10000) {
            m_out += static_cast<char>(0xE0 | (cp >> 12));
            m_out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        } else {
            m_out += static_cast<char>(0xF0 | (cp >> 18));
            m_out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            m_out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        }
        m_out += static_cast<char>(0x80 | (cp & 0x3F));
    }

    std::string& m_out;
    std::size_t m_remaining;
    bool m_full = false;
};

void writeObject(BoundedWriter& w, PyObject* object, int depth);

void writeDefault(BoundedWriter& w, PyObject* object)
{
    w.character('<');
    w.text(Py_TYPE(object)->tp_name);
    w.text(" at ");
    w.address(object);
    w.character('>');
}

void writeLong(BoundedWriter& w, PyObject* object)
{
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow == 0 && !(value == -1 && PyErr_Occurred())) {
        w.text(std::to_string(value));
        return;
    }
    PyErr_Clear();
    const size_t bits = _PyLong_NumBits(object);
    PyErr_Clear();
    w.text(overflow < 0 ? "<negative int of " : "<int of ");
    w.text(std::to_string(bits));
    w.text(" bits>");
}

void writeFloat(BoundedWriter& w, double value)
{
    if (char* text = PyOS_double_to_string(value, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr)) {
        w.text(text);
        PyMem_Free(text);
    } else {
        PyErr_Clear();
        w.text("<float>");
    }
}

void writeSequence(BoundedWriter& w, PyObject* const* items, Py_ssize_t count, int depth)
{
    for (Py_ssize_t i = 0; i < count && !w.full(); ++i) {
        if (i > 0)
            w.text(", ");
        writeObject(w, items[i], depth + 1);
    }
}

void writeDictItems(BoundedWriter& w, PyObject* dict, int depth)
{
    Py_ssize_t pos = 0;
    PyObject* key;
    PyObject* value;
    bool first = true;
    while (!w.full() && PyDict_Next(dict, &pos, &key, &value)) {
        if (!first)
            w.text(", ");
        first = false;
        writeObject(w, key, depth + 1);
        w.text(": ");
        writeObject(w, value, depth + 1);
    }
}

void writeSetItems(BoundedWriter& w, PyObject* set, int depth)
{
    Py_ssize_t pos = 0;
    PyObject* key;
    Py_hash_t hash;
    bool first = true;
    while (!w.full() && _PySet_NextEntry(set, &pos, &key, &hash)) {
        if (!first)
            w.text(", ");
        first = false;
        writeObject(w, key, depth + 1);
    }
}

// Contents of builtin scalars and containers (also for subclasses, whose wrapper the caller writes).
// Returns false when the object is none of them.
bool writeContents(BoundedWriter& w, PyObject* object, int depth)
{
    if (PyUnicode_Check(object)) {
        w.quotedUnicode(object);
    } else if (PyBool_Check(object)) {
        w.text(object == Py_True ? "True" : "False");
    } else if (PyLong_Check(object)) {
        writeLong(w, object);
    } else if (PyFloat_Check(object)) {
        writeFloat(w, PyFloat_AS_DOUBLE(object));
    } else if (PyComplex_Check(object)) {
        const Py_complex c = reinterpret_cast<PyComplexObject*>(object)->cval;
        w.character('(');
        writeFloat(w, c.real);
        w.text(c.imag < 0 ? "-" : "+");
        writeFloat(w, c.imag < 0 ? -c.imag : c.imag);
        w.text("j)");
    } else if (PyBytes_Check(object)) {
        w.quotedBytes(PyBytes_AS_STRING(object), PyBytes_GET_SIZE(object));
    } else if (PyByteArray_Check(object)) {
        w.text("bytearray(");
        w.quotedBytes(PyByteArray_AS_STRING(object), PyByteArray_GET_SIZE(object));
        w.character(')');
    } else if (PyTuple_Check(object)) {
        const Py_ssize_t count = PyTuple_GET_SIZE(object);
        if (depth >= kMaxDepth && count > 0) {
            w.text("(…)");
            return true;
        }
        w.character('(');
        writeSequence(w, &PyTuple_GET_ITEM(object, 0), count, depth);
        if (count == 1)
            w.character(',');
        w.character(')');
    } else if (PyList_Check(object)) {
        const Py_ssize_t count = PyList_GET_SIZE(object);
        if (depth >= kMaxDepth && count > 0) {
            w.text("[…]");
            return true;
        }
        w.character('[');
        if (count > 0)
            writeSequence(w, &PyList_GET_ITEM(object, 0), count, depth);
        w.character(']');
    } else if (PyDict_Check(object)) {
        if (depth >= kMaxDepth && PyDict_GET_SIZE(object) > 0) {
            w.text("{…}");
            return true;
        }
        w.character('{');
        writeDictItems(w, object, depth);
        w.character('}');
    } else if (PyAnySet_Check(object)) {
        const bool frozen = PyFrozenSet_Check(object);
        const Py_ssize_t count = PySet_GET_SIZE(object);
        if (count == 0) {
            w.text(frozen ? "frozenset()" : "set()");
            return true;
        }
        if (depth >= kMaxDepth) {
            w.text(frozen ? "frozenset({…})" : "{…}");
            return true;
        }
        w.text(frozen ? "frozenset({" : "{");
        writeSetItems(w, object, depth);
        w.text(frozen ? "})" : "}");
    } else {
        return false;
    }
    return true;
}

bool isExactBuiltin(PyObject* object)
{
    PyTypeObject* t = Py_TYPE(object);
    return t == &PyUnicode_Type || t == &PyLong_Type || t == &PyBool_Type || t == &PyFloat_Type
        || t == &PyComplex_Type || t == &PyBytes_Type || t == &PyByteArray_Type || t == &PyTuple_Type
        || t == &PyList_Type || t == &PyDict_Type || t == &PySet_Type || t == &PyFrozenSet_Type;
}

// Names of types, modules, functions and code objects. Returns false for anything else.
bool writeNamed(BoundedWriter& w, PyObject* object)
{
    if (object == Py_None) {
        w.text("None");
    } else if (object == Py_Ellipsis) {
        w.text("Ellipsis");
    } else if (object == Py_NotImplemented) {
        w.text("NotImplemented");
    } else if (PyType_Check(object)) {
        auto* type = reinterpret_cast<PyTypeObject*>(object);
        w.text("<class '");
        if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
            PyObject* module = dictItemByName(type->tp_dict, "__module__");
            if (module && PyUnicode_Check(module) && PyUnicode_CompareWithASCIIString(module, "builtins") != 0) {
                w.unicode(module);
                w.character('.');
            }
            w.unicode(reinterpret_cast<PyHeapTypeObject*>(type)->ht_qualname);
        } else {
            w.text(type->tp_name);
        }
        w.text("'>");
    } else if (PyModule_Check(object)) {
        PyObject* name = dictItemByName(PyModule_GetDict(object), "__name__");
        w.text("<module ");
        if (name && PyUnicode_Check(name))
            w.quotedUnicode(name);
        else
            w.text("?");
        w.character('>');
    } else if (PyFunction_Check(object)) {
        PyObject* qualname = reinterpret_cast<PyFunctionObject*>(object)->func_qualname;
        w.text("<function ");
        if (qualname && PyUnicode_Check(qualname))
            w.unicode(qualname);
        w.text(" at ");
        w.address(object);
        w.character('>');
    } else if (PyCFunction_Check(object)) {
        const PyMethodDef* def = reinterpret_cast<PyCFunctionObject*>(object)->m_ml;
        w.text("<built-in function ");
        w.text(def && def->ml_name ? def->ml_name : "?");
        w.character('>');
    } else if (PyCode_Check(object)) {
        auto* code = reinterpret_cast<PyCodeObject*>(object);
        w.text("<code object ");
        if (PyUnicode_Check(code->co_name))
            w.unicode(code->co_name);
        w.text(" at ");
        w.address(object);
        w.text(", file ");
        if (PyUnicode_Check(code->co_filename))
            w.quotedUnicode(code->co_filename);
        w.text(", line ");
        w.text(std::to_string(code->co_firstlineno));
        w.character('>');
    } else {
        return false;
    }
    return true;
}

bool hasBuiltinBase(PyObject* object)
{
    return PyUnicode_Check(object) || PyLong_Check(object) || PyFloat_Check(object) || PyBytes_Check(object)
        || PyTuple_Check(object) || PyList_Check(object) || PyDict_Check(object) || PyAnySet_Check(object);
}

// Writes what the structure tells about the object; false (and nothing written) for the default form.
bool writeKnown(BoundedWriter& w, PyObject* object, int depth)
{
    if (writeNamed(w, object))
        return true;
    if (isExactBuiltin(object))
        return writeContents(w, object, depth);
    if (depth < kMaxDepth && hasBuiltinBase(object)) {
        w.text(Py_TYPE(object)->tp_name);
        w.character('(');
        writeContents(w, object, depth);
        w.character(')');
        return true;
    }
    return false;
}

void writeObject(BoundedWriter& w, PyObject* object, int depth)
{
    if (!writeKnown(w, object, depth))
        writeDefault(w, object);
}

} // namespace

void appendStructuralRepr(std::string& out, PyObject* object, std::size_t limit)
{
    BoundedWriter w(out, limit);
    writeKnown(w, object, 0);
}

} // namespace leakscope::capture
