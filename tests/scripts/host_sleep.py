"""Blocks in a C call (time.sleep) until interrupted."""
import time

print("sleeping", flush=True)
time.sleep(600)
