"""Takes a snapshot, then crashes the interpreter the way a buggy extension does."""
import ctypes
import leakscope

leakscope.snapshot("before the crash")
print("about to crash", flush=True)
ctypes.string_at(0)
