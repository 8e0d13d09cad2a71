"""Leaves through sys.exit(3): the CLI must report and then exit with the script's status."""
import sys

kept = [{"exits": "kept"}]
sys.exit(3)
