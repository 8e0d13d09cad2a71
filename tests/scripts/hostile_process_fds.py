"""Takes fds 1 and 2 from whoever runs it, then takes snapshots: LeakScope must neither need them nor
write into what they became.

argv[1] says how: "close" closes both (what is printed then fails with EBADF, and is said nowhere),
"devnull" puts /dev/null on both, and "file" puts the file argv[2] on both (os.dup2), so what is
printed afterwards lands in that file. Something is printed on each before and after.

After the fds are taken, it leaks one reference to a TakenFdsMarker (Py_IncRef through ctypes), so a
report or snapshot made after that point shows it as a suspect.
"""
import ctypes
import os
import sys

import leakscope


class TakenFdsMarker:
    pass


mode = sys.argv[1]
kept = [{"hostile": "fds"}]

print("stdout before", mode, flush=True)
print("stderr before", mode, file=sys.stderr, flush=True)
leakscope.snapshot("before the fds are taken")

if mode == "close":
    os.close(1)
    os.close(2)
elif mode == "devnull":
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
elif mode == "file":
    target = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(target, 1)
    os.dup2(target, 2)
    os.close(target)
else:
    sys.exit("hostile_process_fds.py: the mode is close, devnull or file")

for stream, name in ((sys.stdout, "stdout"), (sys.stderr, "stderr")):
    try:
        print(name, "after", mode, file=stream, flush=True)
    except OSError:
        pass  # fd closed: the text has nowhere to go

marker = TakenFdsMarker()
ctypes.pythonapi.Py_IncRef(ctypes.py_object(marker))
del marker
leakscope.snapshot("after the fds are taken")
kept.append({"hostile": "after"})
