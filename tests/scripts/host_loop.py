"""Spins forever in pure bytecode until interrupted."""
import sys

keep = [{"loop": i} for i in range(100)]
print("looping", flush=True)
n = 0
while True:
    n += 1
