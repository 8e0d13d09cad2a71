#include "type_table.h"

#include "pyobject_access.h"

#include <string>
#include <string_view>

namespace leakscope::capture {

namespace {

std::string unicodeText(PyObject* object)
{
    std::string text;
    if (object && PyUnicode_Check(object))
        appendUnicode(text, object, 512);
    return text;
}

} // namespace

TypeRecord TypeTable::describe(PyTypeObject* type)
{
    std::string module, qualname;
    const bool heap = type->tp_flags & Py_TPFLAGS_HEAPTYPE;
    if (heap) {
        // Heap types keep their module in __module__ and their qualified name in ht_qualname.
        module = unicodeText(dictItemByName(type->tp_dict, "__module__"));
        qualname = unicodeText(reinterpret_cast<PyHeapTypeObject*>(type)->ht_qualname);
    }
    if (qualname.empty() || module.empty()) {
        // Static types: tp_name is "module.Name", or just "Name" for builtins.
        const std::string_view name = type->tp_name ? type->tp_name : "?";
        const auto dot = name.rfind('.');
        if (module.empty())
            module = dot == std::string_view::npos ? "builtins" : std::string(name.substr(0, dot));
        if (qualname.empty())
            qualname = std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
    }
    TypeRecord record;
    record.module = m_strings.intern(module);
    record.qualname = m_strings.intern(qualname);
    record.name = m_strings.intern(module + "." + qualname);
    record.address = reinterpret_cast<std::uintptr_t>(type);
    record.flags = heap ? HeapType : 0;
    return record;
}

} // namespace leakscope::capture
