"""Does not compile: the CLI must refuse to run it (exit 2) and write no report."""
def broken(:
    return 1
