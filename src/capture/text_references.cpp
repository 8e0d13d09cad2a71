#include <Python.h>

#include "text_references.h"

#include "address_table.h"
#include "native_buffers.h"
#include "static_data.h"

#include <string>
#include <vector>

namespace leakscope::capture {

namespace {

// Where the characters of a str or bytes object are, or 0: C code that keeps a char* to them.
std::uintptr_t textOf(PyObject* object)
{
    if (PyBytes_CheckExact(object))
        return reinterpret_cast<std::uintptr_t>(PyBytes_AS_STRING(object));
    if (!PyUnicode_CheckExact(object) || !PyUnicode_IS_READY(object) || !PyUnicode_IS_COMPACT(object))
        return 0;
    if (PyUnicode_IS_COMPACT_ASCII(object))
        return reinterpret_cast<std::uintptr_t>(reinterpret_cast<PyASCIIObject*>(object) + 1);
    // A compact non-ASCII str's UTF-8 form, made when C code asked for it (PyUnicode_AsUTF8).
    return reinterpret_cast<std::uintptr_t>(reinterpret_cast<PyCompactUnicodeObject*>(object)->utf8);
}

} // namespace

void explainTextReferences(ExplainContext& context, const NativeTraceSource* traces)
{
    std::vector<std::uintptr_t> texts;
    std::vector<ObjectIndex> owners;
    for (const ObjectIndex index : context.candidates()) {
        if (context.isExplained(index))
            continue;
        PyObject* object = context.object(index);
        const std::uintptr_t text = textOf(object);
        if (text != 0 && text % sizeof(void*) == 0) {
            texts.push_back(text);
            owners.push_back(index);
        }
    }
    if (texts.empty())
        return;
    const AddressTable table(texts);
    std::vector<std::string> found(texts.size());

    const StaticData statics = writableStaticData(reinterpret_cast<const void*>(&explainTextReferences), 0, 0);
    for (const StaticRange& range : statics.ranges) {
        table.scan(reinterpret_cast<const void*>(range.begin), reinterpret_cast<const void*>(range.end),
                   [&](std::uintptr_t at, std::int32_t k) {
                       std::string& detail = found[static_cast<std::size_t>(k)];
                       if (detail.empty())
                           detail = "its characters are pointed to by C static data: "
                                    + describeStaticAddress(at, statics.libraries[range.library]) + " in "
                                    + statics.libraries[range.library].name
                                    + " (a C string kept valid by a reference never released, as numpy's "
                                      "add_docstring does)";
                   });
    }
    if (traces) {
        traces->forEachAllocation([&](const void* start, std::size_t size, NativeStackId) {
            const char* base = static_cast<const char*>(start);
            table.scan(base, base + size, [&](std::uintptr_t at, std::int32_t k) {
                std::string& detail = found[static_cast<std::size_t>(k)];
                // The object's own memory holds its text pointer (a str's utf8 field): that keeps nothing.
                PyObject* owner = context.object(owners[static_cast<std::size_t>(k)]);
                if (detail.empty() && base != reinterpret_cast<const char*>(owner))
                    detail = "its characters are pointed to by a field at offset "
                             + std::to_string(at - reinterpret_cast<std::uintptr_t>(base))
                             + " of a live allocation (a C string kept valid by a reference never released)";
            });
        });
    }
    forEachNativeBuffer([&](const void* start, std::size_t size) {
        const char* base = static_cast<const char*>(start);
        table.scan(base, base + size, [&](std::uintptr_t at, std::int32_t k) {
            std::string& detail = found[static_cast<std::size_t>(k)];
            if (detail.empty())
                detail = "its characters are pointed to by a field at offset "
                         + std::to_string(at - reinterpret_cast<std::uintptr_t>(base))
                         + " of a live PyMem_Malloc buffer (a C string kept valid by a reference never released)";
        });
    });
    for (std::size_t k = 0; k < texts.size(); ++k) {
        if (!found[k].empty())
            context.explainIndex(owners[k], ExplanationKind::CText, std::move(found[k]));
    }
}

} // namespace leakscope::capture
