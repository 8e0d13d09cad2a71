"""A reference leaked between two snapshots, for `leakscope-cli diff`.

Between the snapshots "before" and "after", a C call (Py_IncRef through ctypes) adds one reference
to a dict seven times, and nothing ever gives them back, while the program does ordinary work:
objects gain legitimate new referrers, short-lived objects come and go (some at freed addresses),
a list grows. Only the dict's refcount grows more than its referrers. With --skip-leak the script
does the same work without the seven calls.
"""

import ctypes
import sys

import leakscope

LEAK = "--skip-leak" not in sys.argv[1:]

incref = ctypes.pythonapi.Py_IncRef
decref = ctypes.pythonapi.Py_DecRef
incref.argtypes = [ctypes.py_object]
incref.restype = None
decref.argtypes = [ctypes.py_object]
decref.restype = None

# The dict stays referenced from the registry the whole time.
registry = {"settings": {"leaked_dict_marker": True, "retries": 3}}
settings = registry["settings"]


class Job:
    def __init__(self, n):
        self.n = n
        self.payload = {"n": n, "data": [n] * 3}


shared = Job(-1)
holders = []
kept = []


def churn(rounds):
    # Allocates and frees: new objects land at addresses freed objects had.
    total = 0
    for k in range(rounds):
        scratch = [Job(k) for _ in range(20)]
        total += sum(job.n for job in scratch)
    return total


# Every code path the loop takes runs once before the first snapshot, so that nothing the first call
# caches (ctypes converters, method caches) shows up as a change.
incref(settings)
decref(settings)
churn(1)
holders.append(shared)
holders.pop()

# Jobs that die between the snapshots: the jobs made after them take their addresses.
transient = [Job(100 + k) for k in range(30)]

leakscope.snapshot("before")

for step in range(7):
    if LEAK:
        incref(settings)      # the leak: a reference nothing will ever release
    holders.append(shared)    # a legitimate new referrer: shared's refcount and referrers grow alike
    kept.append(Job(step))    # new objects that stay
# Freed only once the kept jobs exist: a kept job allocated where a transient one was, with its payload
# where that one's was, would be taken for the same object by the diff (same address, same type, a
# referent in common), and the counts below would depend on the allocator's choices.
del transient
for step in range(7):
    churn(5)

leakscope.snapshot("after")
