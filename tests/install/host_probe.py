"""Run by the installed GUI: records which leakscope-host runs it, so the install test can check that
the GUI started the one installed beside it. Writes "PID EXECUTABLE" to the file named by argv[1]."""

import os
import sys

partial = sys.argv[1] + ".partial"
with open(partial, "w") as out:
    out.write(f"{os.getpid()} {os.readlink('/proc/self/exe')}\n")
os.replace(partial, sys.argv[1])
