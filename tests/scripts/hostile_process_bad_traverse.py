"""Holds an object of the badtraverse fixture, takes a good snapshot, then arms the fixture and takes
another: traversing the object now dereferences NULL, so that capture crashes the process.

The fixture folder comes from argv[1].
"""
import sys

sys.path.insert(0, sys.argv[1])

import badtraverse  # noqa: E402
import leakscope  # noqa: E402

bad = badtraverse.Bad([{"hostile": "bad traverse"}])
leakscope.snapshot("before arming")
badtraverse.arm()
print("armed", flush=True)
leakscope.snapshot("armed")
print("the armed capture returned", flush=True)
