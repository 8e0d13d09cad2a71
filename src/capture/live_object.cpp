#include <Python.h>

#include "live_object.h"

#include "gc_lists.h"
#include "pyobject_access.h"
#include "snapshot/text.h"

namespace leakscope::capture {

namespace {

struct Search
{
    std::uintptr_t address;
    PyObject* found = nullptr;

    static int visit(PyObject* referent, void* arg)
    {
        auto* search = static_cast<Search*>(arg);
        if (!referent || reinterpret_cast<std::uintptr_t>(referent) != search->address)
            return 0;
        search->found = referent;
        return 1; // stops the traversal
    }
};

// A new reference to the live object at address, or null. O(N + E), no Python code runs.
PyObject* findLiveObject(std::uintptr_t address)
{
    Search search{address};
    for (int list = 0; list < leakscope_gc_list_count() && !search.found; ++list) {
        auto* head = static_cast<GcHeader*>(leakscope_gc_list_head(list));
        for (auto* header = reinterpret_cast<GcHeader*>(head->next); header != head && !search.found;
             header = reinterpret_cast<GcHeader*>(header->next)) {
            auto* object = reinterpret_cast<PyObject*>(header + 1);
            if (reinterpret_cast<std::uintptr_t>(object) == address) {
                search.found = object;
            } else if (traverseproc traverse = Py_TYPE(object)->tp_traverse) {
                traverse(object, &Search::visit, &search);
            }
        }
    }
    Py_XINCREF(search.found);
    return search.found;
}

std::string takeError()
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    std::string text = type && PyType_Check(type) ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "error";
    if (value) {
        PyObject* str = PyObject_Str(value);
        const std::string message = pythonText(str);
        Py_XDECREF(str);
        if (!message.empty())
            text += ": " + message;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    PyErr_Clear();
    return text;
}

} // namespace

LiveDescription describeLiveObject(std::uint64_t address, std::uint64_t expectedType,
                                   const std::string& expectedTypeName, std::size_t maxReprBytes,
                                   const BeforeObjectCode& beforeCall)
{
    LiveDescription description;
    if (leakscope_gc_collecting()) {
        description.error = "the garbage collector is running; ask again in a moment";
        return description;
    }
    PyObject* object = findLiveObject(static_cast<std::uintptr_t>(address));
    if (!object) {
        description.error = "no live object is at this address any more";
        return description;
    }
    // Names read from the type's struct and dict: no code of the object or its type runs.
    PyTypeObject* type = Py_TYPE(object);
    std::string module, qualname;
    typeNames(type, module, qualname);
    description.typeName = module + "." + qualname;
    if (reinterpret_cast<std::uintptr_t>(type) != expectedType) {
        description.error = "the object at this address is now a " + description.typeName + ", not the "
            + (expectedTypeName.empty() ? std::string("object") : expectedTypeName) + " of the snapshot";
        Py_DECREF(object);
        return description;
    }
    description.found = true;
    if (beforeCall && !beforeCall(description, "repr()")) {
        Py_DECREF(object);
        return description;
    }
    if (PyObject* repr = PyObject_Repr(object)) {
        description.repr = clipUtf8(pythonText(repr), maxReprBytes);
        Py_DECREF(repr);
    } else {
        description.error = "repr() raised " + takeError();
    }
    if (beforeCall && !beforeCall(description, "dir()")) {
        Py_DECREF(object);
        return description;
    }
    if (PyObject* names = PyObject_Dir(object)) {
        if (PyList_Check(names)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names) && i < 10000; ++i)
                description.attributes.push_back(pythonText(PyList_GET_ITEM(names, i)));
        }
        Py_DECREF(names);
    } else {
        const std::string error = "dir() raised " + takeError();
        description.error += description.error.empty() ? error : "; " + error;
    }
    Py_DECREF(object);
    return description;
}

} // namespace leakscope::capture
