"""Prints what the script sees of its own invocation, as one JSON line on stderr."""
import json
import sys

json.dump({"argv": sys.argv, "file": __file__, "path0": sys.path[0], "name": __name__}, sys.stderr)
sys.stderr.write("\n")
