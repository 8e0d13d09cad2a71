"""Creates the file named by argv[1]: a test checks it is absent to prove the script never ran."""
import sys

with open(sys.argv[1], "w") as marker:
    marker.write("ran\n")
