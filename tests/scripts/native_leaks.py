"""Plants leaks for native allocation stacks: objects made by the plantleak fixture's C functions (a
dict, a list, an instance of its C type) and objects the collector never tracks (a str, bytes, an int,
a dict of atoms), plus a dict made by Python code with a reference leaked. Prints "pure 0x..." with
that dict's address.

Usage: python3 native_leaks.py FIXTURE_DIR [--clean]
With --clean nothing is leaked: the same work, every object released.
"""
import sys

fixture_dir = sys.argv[1]
clean = "--clean" in sys.argv[2:]
sys.path.insert(0, fixture_dir)

import plantleak  # noqa: E402

if not clean:
    plantleak.leak_dict()
    plantleak.leak_list(2)
    plantleak.leak_instance()
    plantleak.leak_str()
    plantleak.leak_bytes()
    plantleak.leak_int()
    plantleak.leak_atom_dict()
    pure = {"made-by": "python", "tracked": []}
    plantleak.extra_incref(pure)
    print("pure", hex(id(pure)))
    del pure
