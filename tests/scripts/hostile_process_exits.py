"""Takes a snapshot, then leaves at once through os._exit(argv[1]) (default 7): no atexit handler, no
flush, no end-of-script snapshot is possible."""
import os
import sys

import leakscope

status = int(sys.argv[1]) if len(sys.argv) > 1 else 7
kept = [{"hostile": "exits"}]
leakscope.snapshot("before os._exit")
print("leaving through os._exit(%d)" % status, flush=True)
os._exit(status)
