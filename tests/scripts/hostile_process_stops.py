"""Takes a snapshot, then stops its own process with SIGSTOP: every thread of the process stops, the
one that would read a request to end included, so only SIGKILL can end it."""
import os
import signal

import leakscope

kept = [{"hostile": "stops"}]
leakscope.snapshot("before stopping")
print("stopping", flush=True)
os.kill(os.getpid(), signal.SIGSTOP)
print("continued", flush=True)
