"""Objects with empty (NULL) slots, as C code makes them, alive when LeakScope captures the heap:

- a list made by PyList_New(4) whose only item is [2], and a tuple made by PyTuple_New(2) with no
  item: both leaked by a stray Py_IncRef, so nothing refers to them (candidates);
- the C XMLParser's TreeBuilder after feed(): its element stack is a list made by PyList_New(n) and
  filled from the front; and an iterparse() iterator half-way through a document;
- a tuple being filled: tuple() of a generator that takes a snapshot (run by LeakScope, which offers
  the leakscope module) while PySequence_Tuple waits for the first item of its ten empty slots;
- a bound method nothing refers to, bound to a threading.Thread.

Prints "null slots: LIST TUPLE" (their addresses) for the tests.
"""
import ctypes
import io
import threading
import xml.etree.ElementTree as ET

try:
    import leakscope
except ImportError:  # run by python3 itself
    leakscope = None

api = ctypes.pythonapi
api.PyList_New.restype = ctypes.py_object
api.PyList_New.argtypes = [ctypes.c_ssize_t]
api.PyTuple_New.restype = ctypes.py_object
api.PyTuple_New.argtypes = [ctypes.c_ssize_t]
api.PyList_SetItem.argtypes = [ctypes.py_object, ctypes.c_ssize_t, ctypes.py_object]
api.Py_IncRef.argtypes = [ctypes.py_object]


def leaked(obj):
    """Adds a reference to obj that is never released, as a stray Py_INCREF would; returns its id."""
    api.Py_IncRef(obj)
    return id(obj)


def holey_list():
    made = api.PyList_New(4)
    item = ["null-slots-item"]
    api.Py_IncRef(item)  # PyList_SetItem steals a reference
    api.PyList_SetItem(made, 2, item)
    return made


list_address = leaked(holey_list())
tuple_address = leaked(api.PyTuple_New(2))

parser = ET.XMLParser()
parser.feed("<root><a><b>")

document = b"<root>" + b"<item/>" * 5000 + b"</root>"  # more than iterparse's 16 KiB reads
events = ET.iterparse(io.BytesIO(document), events=("start", "end"))
first_events = [next(events) for _ in range(3)]


def first_item_after_a_snapshot():
    if leakscope:
        leakscope.snapshot("tuple being filled")
    yield "first"


filled = tuple(first_item_after_a_snapshot())


class Worker(threading.Thread):
    def run(self):
        pass


worker = Worker(name="null-slots-worker", daemon=True)
method_address = leaked(worker.run)

print("null slots:", hex(list_address), hex(tuple_address))
