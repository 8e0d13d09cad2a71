"""Scripted snapshots: one plain, one that waits for the user."""
import leakscope

kept = {"phase": "one", "items": []}
leakscope.snapshot("one")
kept["phase"] = "two"
try:
    leakscope.pause("two")
    kept["phase"] = "continued"
    print("continued", flush=True)
except KeyboardInterrupt:
    print("interrupted in pause", flush=True)
    raise
