"""New numpy arrays between two snapshots, and a reference leaked five times, for `leakscope-cli diff`.

Between the snapshots "before" and "after" the script makes numpy arrays of two dtypes, kept in a
list: a sparse-matrix-like triple of index and value arrays per step and a transposed copy, the way
numerical code does (temporaries come and go too). Each new array holds its dtype with a reference
no snapshot records, as numpy arrays are no gc objects. Each step also adds one reference to a dict
with Py_IncRef that nothing gives back: the leak, growth 5. (Arrays held only by untracked tuples or
as the base of a view are left out: such arrays are in no snapshot, see docs/diff.md.)
"""

import ctypes

import numpy as np

import leakscope

incref = ctypes.pythonapi.Py_IncRef
decref = ctypes.pythonapi.Py_DecRef
incref.argtypes = [ctypes.py_object]
incref.restype = None
decref.argtypes = [ctypes.py_object]
decref.restype = None

registry = {"settings": {"numpy_leak_marker": True}}
settings = registry["settings"]
arrays = []


def step(k):
    rows = np.arange(k, k + 40, dtype=np.int32)
    columns = (rows * 7) % 13
    values = np.linspace(0.0, 1.0, rows.size)
    # In the list itself: a tuple of arrays is one the collector does not track, whose items no
    # snapshot sees (docs/diff.md).
    arrays.extend([rows, columns, values])
    arrays.append(values.reshape(8, 5).T.copy())


# Every code path once before the first snapshot, so that first-call caches do not show as changes.
step(-1)
incref(settings)
decref(settings)

leakscope.snapshot("before")

for k in range(5):
    incref(settings)  # the leak: a reference nothing will ever release
    step(k)

leakscope.snapshot("after")
