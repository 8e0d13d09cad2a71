"""Threads that build and drop objects while the main thread takes snapshots.

    hostile_heap_threads.py FOLDER [SNAPSHOTS]

Four threads build lists, dicts, instances and cycles in a loop and drop them at once, while the main
thread plants leaks with plantleak (one of each kind, plus an instance of Planted held only by a
leaked reference) and then saves SNAPSHOTS snapshots (default 5) as FOLDER/threads-K.lssnap with
leakscope.snapshot(). Each thread counts its rounds; the script checks that every thread ran rounds
between each two snapshots (the capture happened while they worked), then stops them.

The fixture folder comes from PLANTLEAK_DIR. The script prints "hostile planted 0xADDRESS" for the
Planted instance, and "rounds between snapshots: N" with the fewest rounds a thread made.
"""
import os
import sys
import threading
import time

import leakscope

FOLDER = sys.argv[1]
SNAPSHOTS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
sys.path.insert(0, os.environ["PLANTLEAK_DIR"])

import plantleak  # noqa: E402


class Churn:
    """What the threads make and drop: an instance with a dict, a list and a cycle back to itself."""

    def __init__(self, serial):
        self.serial = serial
        self.items = [serial, str(serial), {"serial": serial}]
        self.me = self


class Planted:
    pass


stop = threading.Event()
rounds = [0] * 4


def work(index):
    while not stop.is_set():
        batch = [Churn(i) for i in range(200)]
        table = {i: [i] * 3 for i in range(200)}
        batch.append(table)
        del batch, table
        rounds[index] += 1


threads = [threading.Thread(target=work, args=(i,), name="churn-%d" % i, daemon=True) for i in range(4)]
for thread in threads:
    thread.start()

plantleak.leak_dict()
plantleak.leak_instance()
plantleak.leak_list(3)
planted = Planted()
plantleak.extra_incref(planted)
print("hostile planted %#x" % id(planted), flush=True)
del planted

fewest = None
for k in range(1, SNAPSHOTS + 1):
    before = list(rounds)
    # Let every thread make a round, so that the capture finds them at work.
    deadline = time.monotonic() + 10
    while any(now == then for now, then in zip(rounds, before)) and time.monotonic() < deadline:
        time.sleep(0.001)
    made = min(now - then for now, then in zip(rounds, before))
    fewest = made if fewest is None else min(fewest, made)
    leakscope.snapshot("threads %d" % k, os.path.join(FOLDER, "threads-%d.lssnap" % k))

stop.set()
for thread in threads:
    thread.join()
print("rounds between snapshots: %d" % fewest, flush=True)
