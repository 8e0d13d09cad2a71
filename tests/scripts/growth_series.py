"""A series of snapshots for `leakscope-cli growth`, saved by the script itself.

Usage: growth_series.py PLANTLEAK_DIR OUT_DIR ROUNDS [--no-leak]

Two warm-up rounds, then s0.lssnap, then ROUNDS measured rounds, each followed by sN.lssnap. Each
round keeps one new dict in a list (growth that is no leak) and fills a cache in the first round
only; unless --no-leak, each round also leaks one dict with plantleak.leak_dict() and one reference
to the module-level dict `held` with plantleak.extra_incref().
"""
import os
import sys

fixture_dir, out_dir, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
LEAK = "--no-leak" not in sys.argv[4:]
sys.path.insert(0, fixture_dir)

import leakscope  # noqa: E402
import plantleak  # noqa: E402

# Stays referenced from this module; its list keeps it gc-tracked (see tagged_dict in plantleak.c).
held = {"plantleak": "held-growth", "tracked": []}
kept = []
cache = {}


def work(n):
    cache.setdefault("filled", [{"entry": i, "tracked": []} for i in range(10)])
    kept.append({"round": n, "tracked": []})
    if LEAK:
        plantleak.leak_dict()
        plantleak.extra_incref(held)


for n in range(2):
    work(-1 - n)
leakscope.save(os.path.join(out_dir, "s0.lssnap"))
for n in range(1, rounds + 1):
    work(n)
    leakscope.save(os.path.join(out_dir, f"s{n}.lssnap"))
