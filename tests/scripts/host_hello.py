"""Writes to both streams and exits with status 3."""
import sys

print("hello from stdout")
print("hello from stderr", file=sys.stderr)
sys.exit(3)
