"""A program for LeakScope to attach to: plants leaks with the plantleak fixture, prints "ready", then
waits in the way MODE says until the file STOP exists, and exits 0.

Usage: python3 attach_target.py FIXTURE_DIR MODE STOP [SIZE]
MODE: sleep (time.sleep), spin (a pure-Python loop), lock (blocked acquiring a lock), select (select()
on a pipe that stays silent), input (input() on standard input; a line ends it), threads (three
threads: sleeping, spinning and blocked on a lock), gil (a C call that holds the GIL for SIZE
seconds, then as sleep), heap (SIZE objects kept alive, then as sleep), garbage (a reference cycle
nothing refers to, whose __del__ prints "finalized" when a collection frees it, then as sleep).
"""
import os
import select
import sys
import threading
import time

fixture_dir, mode, stop = sys.argv[1], sys.argv[2], sys.argv[3]
size = float(sys.argv[4]) if len(sys.argv) > 4 else 0
sys.path.insert(0, fixture_dir)

import plantleak  # noqa: E402

plantleak.leak_dict()
plantleak.leak_instance()
plantleak.leak_list(3)

if mode == "heap":
    kept = [{"n": i, "items": [i]} for i in range(int(size) // 3)]


class Finalized:
    def __del__(self):
        print("finalized", flush=True)


if mode == "garbage":
    cycle = Finalized()
    cycle.self = cycle
    del cycle


def stopped():
    return os.path.exists(stop)


def sleeper():
    while not stopped():
        time.sleep(0.2)


def spinner():
    n = 0
    while not stopped():
        for i in range(20000):
            n += i * i


held = threading.Lock()
held.acquire()


def waiter():
    while not stopped():
        held.acquire(timeout=0.2)


if mode == "threads":
    workers = [threading.Thread(target=f) for f in (sleeper, spinner, waiter)]
    for t in workers:
        t.start()

print("ready", flush=True)

if mode in ("sleep", "heap", "garbage"):
    sleeper()
elif mode == "spin":
    spinner()
elif mode == "lock":
    waiter()
elif mode == "select":
    r, w = os.pipe()
    while not stopped():
        select.select([r], [], [], 0.2)
elif mode == "input":
    line = input()
elif mode == "threads":
    for t in workers:
        t.join()
elif mode == "gil":
    import ctypes
    # PyDLL keeps the GIL across the call: no other thread runs Python for SIZE seconds.
    ctypes.PyDLL(None).sleep(int(size))
    sleeper()
else:
    sys.exit("attach_target.py: unknown mode " + mode)
print("done", flush=True)
