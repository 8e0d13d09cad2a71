"""Plants one leak of each kind with the plantleak fixture, for the CLI tests.

The fixture folder comes from argv[1] or the PLANTLEAK_DIR environment variable.
"""
import os
import sys

fixture_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PLANTLEAK_DIR", "")
if not fixture_dir:
    sys.exit("planted.py: pass the plantleak folder as argv[1] or in PLANTLEAK_DIR")
sys.path.insert(0, fixture_dir)

import plantleak  # noqa: E402

plantleak.leak_dict()
plantleak.leak_instance()
plantleak.leak_list(3)

# Every dict below holds a list so CPython keeps it gc-tracked (see tagged_dict in plantleak.c).

# Still referenced from this module, so not a candidate despite its surplus reference.
held = {"plantleak": "held-twice", "tracked": []}
plantleak.extra_incref(held)

# The same shape without the extra reference: nothing about it is unusual.
control = {"plantleak": "control", "tracked": []}

# Orphaned with two leaked references: a candidate whose surplus is 2, against 1 for leak_dict()'s.
doubled = {"plantleak": "orphan-double", "tracked": []}
plantleak.extra_incref(doubled)
plantleak.extra_incref(doubled)
del doubled
