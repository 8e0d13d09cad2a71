"""An allocation-heavy workload for measuring what native traces cost: builds and drops about
6 million small objects (lists, dicts, tuples, str and int), keeping a few thousand alive at a time,
and prints how long that took. Usage: python3 alloc_heavy.py [ROUNDS]
"""
import sys
import time

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
start = time.perf_counter()
kept = []
for r in range(rounds):
    batch = []
    for i in range(5000):
        key = "k%d" % i
        batch.append({"id": i, "key": key, "pair": (i, r), "items": [i, i + 1]})
    kept = batch[::100]
print("workload %.3f s" % (time.perf_counter() - start))
