"""Takes labelled snapshots from inside the script."""
import leakscope

data = {"step": 1, "items": []}
leakscope.snapshot("first")
data["step"] = 2
leakscope.pause("second")
print("after the pause")
