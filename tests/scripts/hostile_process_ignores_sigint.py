"""Ignores SIGINT, takes a snapshot, then spins forever in pure bytecode: an interrupt cannot stop it,
only terminating the process does."""
import signal

import leakscope

signal.signal(signal.SIGINT, signal.SIG_IGN)
kept = [{"hostile": "ignores SIGINT"}]
leakscope.snapshot("before the loop")
print("ignoring SIGINT, looping", flush=True)
n = 0
while True:
    n += 1
