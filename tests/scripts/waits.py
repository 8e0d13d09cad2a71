"""Says it is ready on stderr, then sleeps until interrupted: a test sends SIGINT to check Ctrl+C."""
import sys
import time

sys.stderr.write("ready\n")
sys.stderr.flush()
while True:
    time.sleep(600)
