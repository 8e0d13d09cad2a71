"""A heap of known shape for `leakscope-cli export`, snapshotted twice ("first", "second").

A module-level dict holds a list under a str key, an instance with attributes under another, and a
tuple under an int key; a dict that nothing refers to is kept alive by a reference leaked with
Py_IncRef (a suspect), and so is a list that holds itself, which no candidate reaches. The same
objects live through both snapshots; "second" adds one list.
With a file name as argv[1], writes the addresses of the dict, the instance, the orphan and the
cycle there as JSON ({"registry": "0x…", ...}).
"""
import ctypes
import json
import sys

import leakscope

incref = ctypes.pythonapi.Py_IncRef
incref.argtypes = [ctypes.py_object]
incref.restype = None


class ExportWidget:
    def __init__(self, name):
        self.name = name
        self.parts = [name + "-left", name + "-right"]


registry = {
    "export_marker_key": [10, 20, "export item"],
    "widget": ExportWidget("export widget"),
    7: ("export tuple", 3.5),
    'quote"and\\slash': [],
}

orphan = {"export_orphan_marker": [1, 2]}
incref(orphan)
cycle = ["export cycle"]
cycle.append(cycle)
incref(cycle)
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as out:
        addresses = {"registry": registry, "widget": registry["widget"], "orphan": orphan, "cycle": cycle}
        json.dump({name: hex(id(value)) for name, value in addresses.items()}, out)
        del addresses
del orphan, cycle

leakscope.snapshot("first")
registry["added_later"] = ["export later"]
leakscope.snapshot("second")
