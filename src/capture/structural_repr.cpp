#include "structural_repr.h"

#include "object_kind.h"
#include "object_layout.h"
#include "pyobject_access.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstring>
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
        // Python picks the quote from the whole text; looking at the first 512 characters bounds the
        // work on huge strings, of which at most 120 characters are shown anyway.
        const Py_ssize_t quoteScan = std::min<Py_ssize_t>(length, 512);
        bool hasSingle = false, hasDouble = false;
        if (kind == PyUnicode_1BYTE_KIND) {
            hasSingle = std::memchr(data, '\'', static_cast<std::size_t>(quoteScan)) != nullptr;
            hasDouble = std::memchr(data, '"', static_cast<std::size_t>(quoteScan)) != nullptr;
        } else {
            for (Py_ssize_t i = 0; i < quoteScan; ++i) {
                Py_UCS4 cp = PyUnicode_READ(kind, data, i);
                hasSingle |= cp == '\'';
                hasDouble |= cp == '"';
            }
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
        char buffer[20] = "0x";
        const auto end = std::to_chars(buffer + 2, buffer + sizeof buffer, reinterpret_cast<std::uintptr_t>(pointer), 16).ptr;
        text(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
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

void writeObject(BoundedWriter& w, KindCache& cache, PyObject* object, int depth);
bool writeKnown(BoundedWriter& w, KindCache& cache, PyObject* object, int depth);

// tp_name, or "?" for an object whose type is not set (yet).
const char* typeName(PyObject* object)
{
    PyTypeObject* type = Py_TYPE(object);
    return type && type->tp_name ? type->tp_name : "?";
}

void writeDefault(BoundedWriter& w, PyObject* object)
{
    w.character('<');
    w.text(typeName(object));
    w.text(" at ");
    w.address(object);
    w.character('>');
}

// "<module.Type at 0x…>", the form a snapshot derives for objects without a structural repr.
void writeQualifiedDefault(BoundedWriter& w, PyObject* object)
{
    std::string module, qualname;
    typeNames(Py_TYPE(object), module, qualname);
    w.character('<');
    w.text(module);
    w.character('.');
    w.text(qualname);
    w.text(" at ");
    w.address(object);
    w.character('>');
}

// No PyErr_* here: this may run on a thread without a Python thread state.
void writeLong(BoundedWriter& w, PyObject* object)
{
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow == 0) {
        char buffer[24];
        const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
        w.text(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
        return;
    }
    const std::size_t digits = static_cast<std::size_t>(std::llabs(Py_SIZE(object)));
    w.text(overflow < 0 ? "<negative int of ~" : "<int of ~");
    w.text(std::to_string(digits * PyLong_SHIFT));
    w.text(" bits>");
}

void writeFloat(BoundedWriter& w, double value)
{
    char buffer[kFloatReprMax];
    w.text(std::string_view(buffer, formatFloatRepr(buffer, value, true)));
}

// Items may be NULL: a list made by PyList_New(n), a tuple still being filled (PySequence_Tuple runs
// the iterator's code meanwhile). writeObject shows those slots as "<NULL>".
void writeSequence(BoundedWriter& w, KindCache& cache, PyObject* const* items, Py_ssize_t count, int depth)
{
    if (!items)
        return;
    for (Py_ssize_t i = 0; i < count && !w.full(); ++i) {
        if (i > 0)
            w.text(", ");
        writeObject(w, cache, items[i], depth + 1);
    }
}

void writeDictItems(BoundedWriter& w, KindCache& cache, PyObject* dict, int depth)
{
    Py_ssize_t pos = 0;
    PyObject* key;
    PyObject* value;
    bool first = true;
    while (!w.full() && PyDict_Next(dict, &pos, &key, &value)) {
        if (!first)
            w.text(", ");
        first = false;
        writeObject(w, cache, key, depth + 1);
        w.text(": ");
        writeObject(w, cache, value, depth + 1);
    }
}

void writeSetItems(BoundedWriter& w, KindCache& cache, PyObject* set, int depth)
{
    Py_ssize_t pos = 0;
    PyObject* key;
    Py_hash_t hash;
    bool first = true;
    while (!w.full() && _PySet_NextEntry(set, &pos, &key, &hash)) {
        if (!first)
            w.text(", ");
        first = false;
        writeObject(w, cache, key, depth + 1);
    }
}

// Contents of builtin scalars and containers (also of subclasses, whose "Type(…)" the caller writes).
void writeContents(BoundedWriter& w, KindCache& cache, PyObject* object, ObjectKind kind, int depth)
{
    const bool nested = depth >= kMaxDepth;
    switch (kind) {
    case ObjectKind::Str: w.quotedUnicode(object); break;
    case ObjectKind::Bool: w.text(object == Py_True ? "True" : "False"); break;
    case ObjectKind::Int: writeLong(w, object); break;
    case ObjectKind::Float: writeFloat(w, PyFloat_AS_DOUBLE(object)); break;
    case ObjectKind::Complex: {
        // Python writes complex parts without ".0" and drops a positive zero real part: 4j, (3+4j).
        const Py_complex c = reinterpret_cast<PyComplexObject*>(object)->cval;
        std::string text;
        const bool bare = c.real == 0 && !std::signbit(c.real);
        if (!bare) {
            text += '(';
            appendFloatRepr(text, c.real, false);
            if (!std::signbit(c.imag) || std::isnan(c.imag))
                text += '+';
        }
        appendFloatRepr(text, c.imag, false);
        text += bare ? "j" : "j)";
        w.text(text);
        break;
    }
    case ObjectKind::Bytes: w.quotedBytes(PyBytes_AS_STRING(object), PyBytes_GET_SIZE(object)); break;
    case ObjectKind::ByteArray:
        w.text("bytearray(");
        w.quotedBytes(PyByteArray_AS_STRING(object), PyByteArray_GET_SIZE(object));
        w.character(')');
        break;
    case ObjectKind::Tuple: {
        const Py_ssize_t count = PyTuple_GET_SIZE(object);
        if (nested && count > 0) {
            w.text("(…)");
            break;
        }
        w.character('(');
        writeSequence(w, cache, &PyTuple_GET_ITEM(object, 0), count, depth);
        if (count == 1)
            w.character(',');
        w.character(')');
        break;
    }
    case ObjectKind::List: {
        const Py_ssize_t count = PyList_GET_SIZE(object);
        if (nested && count > 0) {
            w.text("[…]");
            break;
        }
        w.character('[');
        if (count > 0 && reinterpret_cast<PyListObject*>(object)->ob_item)
            writeSequence(w, cache, &PyList_GET_ITEM(object, 0), count, depth);
        w.character(']');
        break;
    }
    case ObjectKind::Dict:
        if (nested && PyDict_GET_SIZE(object) > 0) {
            w.text("{…}");
            break;
        }
        w.character('{');
        writeDictItems(w, cache, object, depth);
        w.character('}');
        break;
    case ObjectKind::Set:
    case ObjectKind::FrozenSet: {
        const bool frozen = kind == ObjectKind::FrozenSet;
        if (PySet_GET_SIZE(object) == 0)
            w.text(frozen ? "frozenset()" : "set()");
        else if (nested)
            w.text(frozen ? "frozenset({…})" : "{…}");
        else {
            w.text(frozen ? "frozenset({" : "{");
            writeSetItems(w, cache, object, depth);
            w.text(frozen ? "})" : "}");
        }
        break;
    }
    default: break;
    }
}

void writeTypeName(BoundedWriter& w, PyTypeObject* type)
{
    w.text("<class '");
    if (type->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyObject* module = dictItemByName(type->tp_dict, "__module__");
        if (module && PyUnicode_Check(module) && PyUnicode_CompareWithASCIIString(module, "builtins") != 0) {
            w.unicode(module);
            w.character('.');
        }
        PyObject* qualname = reinterpret_cast<PyHeapTypeObject*>(type)->ht_qualname;
        if (qualname && PyUnicode_Check(qualname))
            w.unicode(qualname);
        else
            w.text(type->tp_name ? type->tp_name : "?"); // a class still being made
    } else {
        w.text(type->tp_name ? type->tp_name : "?");
    }
    w.text("'>");
}

// Types, modules, functions, code objects and singletons by name.
void writeNamed(BoundedWriter& w, PyObject* object, ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::Singleton:
        w.text(object == Py_None ? "None" : object == Py_Ellipsis ? "Ellipsis" : "NotImplemented");
        break;
    case ObjectKind::Type: writeTypeName(w, reinterpret_cast<PyTypeObject*>(object)); break;
    case ObjectKind::Module: {
        PyObject* name = dictItemByName(PyModule_GetDict(object), "__name__");
        w.text("<module ");
        if (name && PyUnicode_Check(name))
            w.quotedUnicode(name);
        else
            w.text("?");
        w.character('>');
        break;
    }
    case ObjectKind::Function: {
        PyObject* qualname = reinterpret_cast<PyFunctionObject*>(object)->func_qualname;
        w.text("<function ");
        if (qualname && PyUnicode_Check(qualname))
            w.unicode(qualname);
        w.text(" at ");
        w.address(object);
        w.character('>');
        break;
    }
    case ObjectKind::CFunction: {
        const PyMethodDef* def = reinterpret_cast<PyCFunctionObject*>(object)->m_ml;
        w.text("<built-in function ");
        w.text(def && def->ml_name ? def->ml_name : "?");
        w.character('>');
        break;
    }
    case ObjectKind::Code: {
        auto* code = reinterpret_cast<PyCodeObject*>(object);
        w.text("<code object ");
        if (code->co_name && PyUnicode_Check(code->co_name))
            w.unicode(code->co_name);
        w.text(" at ");
        w.address(object);
        w.text(", file ");
        if (code->co_filename && PyUnicode_Check(code->co_filename))
            w.quotedUnicode(code->co_filename);
        w.text(", line ");
        w.text(std::to_string(code->co_firstlineno));
        w.character('>');
        break;
    }
    default: break;
    }
}

bool isName(PyObject* str, const char* name)
{
    return str && PyUnicode_CheckExact(str) && PyUnicode_IS_READY(str) && PyUnicode_KIND(str) == PyUnicode_1BYTE_KIND
        && PyUnicode_CompareWithASCIIString(str, name) == 0;
}

// Whether threading.Thread is among the classes of type's MRO.
bool isThreadType(PyTypeObject* type)
{
    if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE) || !type->tp_mro || !PyTuple_Check(type->tp_mro))
        return false;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(type->tp_mro); ++i) {
        PyObject* base = PyTuple_GET_ITEM(type->tp_mro, i);
        if (!base || !PyType_Check(base) || !PyType_HasFeature(reinterpret_cast<PyTypeObject*>(base), Py_TPFLAGS_HEAPTYPE))
            continue;
        if (isName(reinterpret_cast<PyHeapTypeObject*>(base)->ht_qualname, "Thread")
            && isName(dictItemByName(reinterpret_cast<PyTypeObject*>(base)->tp_dict, "__module__"), "threading"))
            return true;
    }
    return false;
}

// What threading.Thread.__repr__ writes, "<Worker(worker-1, started daemon 140245)>", from the
// attributes it reads (the _started event's flag too) instead of running it. False, and nothing
// written, for a thread whose __init__ has not set its name.
bool writeThread(BoundedWriter& w, PyObject* thread)
{
    PyObject* name = leakscope_instance_attribute(thread, "_name");
    if (!name || !PyUnicode_Check(name))
        return false;
    w.character('<');
    w.text(typeName(thread)); // a class's __name__
    w.character('(');
    w.unicode(name);
    PyObject* started = leakscope_instance_attribute(thread, "_started");
    const bool isSet = started && leakscope_instance_attribute(started, "_flag") == Py_True;
    if (leakscope_instance_attribute(thread, "_is_stopped") == Py_True)
        w.text(", stopped");
    else
        w.text(isSet ? ", started" : ", initial");
    if (leakscope_instance_attribute(thread, "_daemonic") == Py_True)
        w.text(" daemon");
    if (PyObject* ident = leakscope_instance_attribute(thread, "_ident"); ident && PyLong_CheckExact(ident)) {
        w.character(' ');
        writeLong(w, ident);
    }
    w.text(")>");
    return true;
}

// The object a method is bound to: its structural repr when it is a builtin kind, a thread by name,
// anything else as "<module.Type at 0x…>".
void writeSelf(BoundedWriter& w, KindCache& cache, PyObject* self, int depth)
{
    if (!self || !Py_TYPE(self)) {
        w.text("<NULL>");
        return;
    }
    if (depth <= kMaxDepth && writeKnown(w, cache, self, depth))
        return;
    if (isThreadType(Py_TYPE(self)) && writeThread(w, self))
        return;
    writeQualifiedDefault(w, self);
}

// "<bound method Type.name of SELF>", as Python writes it but without calling the function's
// __qualname__ descriptor or self's __repr__.
void writeMethod(BoundedWriter& w, KindCache& cache, PyObject* method, int depth)
{
    PyObject* function = PyMethod_GET_FUNCTION(method);
    w.text("<bound method ");
    if (function && PyFunction_Check(function)) {
        PyObject* qualname = reinterpret_cast<PyFunctionObject*>(function)->func_qualname;
        if (qualname && PyUnicode_Check(qualname))
            w.unicode(qualname);
        else
            w.character('?');
    } else if (function && PyCFunction_Check(function)) {
        const PyMethodDef* def = reinterpret_cast<PyCFunctionObject*>(function)->m_ml;
        w.text(def && def->ml_name ? def->ml_name : "?");
    } else {
        w.character('?');
    }
    w.text(" of ");
    writeSelf(w, cache, PyMethod_GET_SELF(method), depth + 1);
    w.character('>');
}

bool isNamedKind(ObjectKind kind)
{
    return kind == ObjectKind::Singleton || kind == ObjectKind::Type || kind == ObjectKind::Module || kind == ObjectKind::Function
        || kind == ObjectKind::CFunction || kind == ObjectKind::Code;
}

// Writes what the structure tells about the object; false (and nothing written) for the default form.
bool writeKnown(BoundedWriter& w, KindCache& cache, PyObject* object, int depth)
{
    const KindOf c = cache.lookup(Py_TYPE(object));
    if (c.kind == ObjectKind::Other)
        return false;
    if (c.kind == ObjectKind::Method) {
        writeMethod(w, cache, object, depth);
        return true;
    }
    if (isNamedKind(c.kind)) {
        writeNamed(w, object, c.kind);
        return true;
    }
    if (c.exact) {
        writeContents(w, cache, object, c.kind, depth);
        return true;
    }
    if (depth >= kMaxDepth)
        return false;
    w.text(Py_TYPE(object)->tp_name);
    w.character('(');
    writeContents(w, cache, object, c.kind, depth);
    w.character(')');
    return true;
}

void writeObject(BoundedWriter& w, KindCache& cache, PyObject* object, int depth)
{
    if (!object) {
        w.text("<NULL>"); // an empty slot
        return;
    }
    if (!writeKnown(w, cache, object, depth))
        writeDefault(w, object);
}

} // namespace

void appendStructuralRepr(std::string& out, PyObject* object, KindCache& cache, std::size_t limit)
{
    if (!object)
        return;
    BoundedWriter w(out, limit);
    writeKnown(w, cache, object, 0);
}

std::size_t formatFloatRepr(char* out, double value, bool addDotZero)
{
    char* p = out;
    auto put = [&p](std::string_view text) {
        std::memcpy(p, text.data(), text.size());
        p += text.size();
    };
    if (std::isnan(value)) {
        put("nan");
        return static_cast<std::size_t>(p - out);
    }
    if (std::isinf(value)) {
        put(value < 0 ? "-inf" : "inf");
        return static_cast<std::size_t>(p - out);
    }
    // Shortest round-trip digits, then Python's repr layout: positional when the decimal point falls
    // within (-4, 16] places, else d.ddde±XX; ".0" for integral positional values.
    char scientific[40];
    const char* end = std::to_chars(scientific, scientific + sizeof scientific, value, std::chars_format::scientific).ptr;
    const char* c = scientific;
    if (*c == '-') {
        *p++ = '-';
        ++c;
    }
    char digits[24];
    std::size_t count = 0;
    for (; c < end && *c != 'e'; ++c) {
        if (*c != '.')
            digits[count++] = *c;
    }
    int exponent = 0;
    if (c < end)
        std::from_chars(c + 1 + (c[1] == '+'), end, exponent);
    const int point = exponent + 1; // digits d1d2… mean 0.d1d2… × 10^point
    const std::string_view all(digits, count);
    if (point > -4 && point <= 16) {
        if (point <= 0) {
            put("0.");
            std::memset(p, '0', static_cast<std::size_t>(-point));
            p += -point;
            put(all);
        } else if (static_cast<std::size_t>(point) >= count) {
            put(all);
            std::memset(p, '0', static_cast<std::size_t>(point) - count);
            p += static_cast<std::size_t>(point) - count;
            if (addDotZero)
                put(".0");
        } else {
            put(all.substr(0, static_cast<std::size_t>(point)));
            *p++ = '.';
            put(all.substr(static_cast<std::size_t>(point)));
        }
        return static_cast<std::size_t>(p - out);
    }
    *p++ = digits[0];
    if (count > 1) {
        *p++ = '.';
        put(all.substr(1));
    }
    *p++ = 'e';
    *p++ = exponent < 0 ? '-' : '+';
    const int magnitude = std::abs(exponent);
    if (magnitude < 10)
        *p++ = '0';
    p = std::to_chars(p, out + kFloatReprMax, magnitude).ptr;
    return static_cast<std::size_t>(p - out);
}

void appendFloatRepr(std::string& out, double value, bool addDotZero)
{
    char buffer[kFloatReprMax];
    out.append(buffer, formatFloatRepr(buffer, value, addDotZero));
}

} // namespace leakscope::capture
