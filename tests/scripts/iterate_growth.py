"""leakscope.iterate() over three functions, for tests/cli/tst_cli_iterate.cpp: one that leaks a dict
per call, one that leaks a reference to a module-level dict per call, and one that fills a cache on
its first call only. Prints one line "GROWTH {json}" per function, then "ERRORS {json}" with what the
argument checks and a raising function gave.

The plantleak folder comes from argv[1] or the PLANTLEAK_DIR environment variable.
"""
import json
import os
import sys

fixture_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PLANTLEAK_DIR", "")
if not fixture_dir:
    sys.exit("iterate_growth.py: pass the plantleak folder as argv[1] or in PLANTLEAK_DIR")
sys.path.insert(0, fixture_dir)

import leakscope  # noqa: E402
import plantleak  # noqa: E402

# Holds a list, so CPython keeps it gc-tracked (see tagged_dict in plantleak.c).
held = {"plantleak": "held-by-module", "tracked": []}
cache = {}


def leaks_a_dict():
    plantleak.leak_dict()


def adds_a_reference():
    plantleak.extra_incref(held)


def fills_a_cache():
    if not cache:
        cache.update((i, [i]) for i in range(100))
    return [cache]  # dropped before each capture


def report(fn):
    growth = leakscope.iterate(fn, rounds=3, warmup=1)
    fields = {
        "name": fn.__name__,
        "str": str(growth),
        "repr": repr(growth),
        "leaks": growth.leaks,
        "rounds": growth.rounds,
        "types": growth.types,
        "objects": growth.objects,
        "surplus": growth.surplus,
        "json": json.loads(growth.json()),
    }
    print("GROWTH " + json.dumps(fields), flush=True)


for function in (leaks_a_dict, adds_a_reference, fills_a_cache):
    report(function)


def error_of(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the type is what is checked
        return f"{type(error).__name__}: {error}"
    return None


calls = []


def raises():
    calls.append(1)
    if len(calls) == 2:
        raise KeyError("second call")


errors = {
    "not callable": error_of(lambda: leakscope.iterate(3)),
    "rounds 0": error_of(lambda: leakscope.iterate(fills_a_cache, rounds=0)),
    "warmup -1": error_of(lambda: leakscope.iterate(fills_a_cache, warmup=-1)),
    "rounds str": error_of(lambda: leakscope.iterate(fills_a_cache, rounds="3")),
    "label int": error_of(lambda: leakscope.iterate(fills_a_cache, label=5)),
    "raises": error_of(lambda: leakscope.iterate(raises, rounds=2, warmup=1, label="raising")),
    "calls before raising": len(calls),
}
print("ERRORS " + json.dumps(errors), flush=True)
