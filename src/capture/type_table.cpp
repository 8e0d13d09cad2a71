#include "type_table.h"

#include "pyobject_access.h"
#include "type_origin.h"

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
    record.flags = (heap ? HeapType : 0) | (PyType_IS_GC(type) ? GcType : 0)
        | (PyType_FastSubclass(type, Py_TPFLAGS_TYPE_SUBCLASS) ? Metatype : 0);
    return record;
}

void TypeTable::resolveOrigins()
{
    OriginResolver& resolver = OriginResolver::instance();
    for (TypeIndex t = 0; t < m_objects.size(); ++t) {
        const TypeOrigin& origin = resolver.resolve(m_objects[t]);
        TypeRecord& record = m_types[t];
        record.library = m_strings.intern(origin.library);
        record.symbol = m_strings.intern(origin.symbol);
        record.source = m_strings.intern(origin.source);
    }
}

} // namespace leakscope::capture
