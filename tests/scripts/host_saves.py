"""Saves snapshots to files from inside the script: leakscope.save() and snapshot(label, path).

argv[1] is a folder holding a regular file named "in-the-way", which a save below it runs into.
"""
import os
import sys

import leakscope

folder = sys.argv[1]
os.chdir(folder)
marker = {"host": "saved", "items": []}
print("saved to", leakscope.save("whole.lssnap"), flush=True)
leakscope.snapshot("labelled", path=os.path.join(folder, "labelled.lssnap"))
try:
    leakscope.save(os.path.join("in-the-way", "below.lssnap"))
except OSError as e:
    print("raised", type(e).__name__, isinstance(e, leakscope.SnapshotFileError), e, flush=True)
