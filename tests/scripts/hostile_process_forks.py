"""Forks; the parent waits for the child, says how it ended, and takes a snapshot of its own.

argv[1] is what the child does after printing its pid: "os-exit" leaves through os._exit(5), "end"
runs on to the end of the script as the parent does, "snapshot" calls leakscope.snapshot() first (and
says whether it was taken or why not), then runs on to the end.
"""
import os
import sys

import leakscope

mode = sys.argv[1]
kept = [{"hostile": "forks"}]

pid = os.fork()
if pid == 0:
    print("child", os.getpid(), flush=True)
    if mode == "snapshot":
        try:
            leakscope.snapshot("in the child")
            print("child snapshot taken", flush=True)
        except RuntimeError as error:
            print("child snapshot refused:", error, flush=True)
    if mode == "os-exit":
        os._exit(5)
else:
    _, status = os.waitpid(pid, 0)
    print("parent saw the child end with", os.waitstatus_to_exitcode(status), flush=True)
    leakscope.snapshot("parent after the child")
