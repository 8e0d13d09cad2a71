#include "type_table.h"

#include "pyobject_access.h"

#include <string>
#include <string_view>

namespace leakscope::capture {

TypeRecord TypeTable::describe(PyTypeObject* type)
{
    std::string module, qualname;
    typeNames(type, module, qualname);
    const bool heap = type->tp_flags & Py_TPFLAGS_HEAPTYPE;
    TypeRecord record;
    record.module = m_strings.intern(module);
    record.qualname = m_strings.intern(qualname);
    record.name = m_strings.intern(module + "." + qualname);
    record.address = reinterpret_cast<std::uintptr_t>(type);
    record.flags = heap ? HeapType : 0;
    return record;
}

} // namespace leakscope::capture
