"""Forks, and both processes run on to the end of the script, as under python3: each is then captured
and reported. The fork comes at once, while LeakScope may still be reading symbol tables on a thread
the child does not inherit."""
import os

pid = os.fork()
print("child" if pid == 0 else "parent", flush=True)
if pid:
    os.waitpid(pid, 0)
