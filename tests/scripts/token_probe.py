# Prints what the script and a child process of it can see of the host's secret: its entry in
# os.environ, in the process's environment block (/proc/self/environ) and in a child's environment.
import os
import subprocess
import sys

print("environ:", repr(os.environ.get("LEAKSCOPE_HOST_TOKEN")))
with open("/proc/self/environ", "rb") as block:
    entries = [entry for entry in block.read().split(b"\0") if entry.startswith(b"LEAKSCOPE_HOST_TOKEN=")]
print("block:", repr([entry.split(b"=", 1)[1].rstrip(b"\0") for entry in entries]))
child = subprocess.run([sys.executable, "-c", "import os; print(repr(os.environ.get('LEAKSCOPE_HOST_TOKEN')))"],
                       capture_output=True, text=True, check=True)
print("child:", child.stdout.strip())
