#!/bin/sh
# A "host" that prints the arguments it was started with, one a line between markers, and leaves
# without connecting: what the application passes to leakscope-host, seen from the other side.
echo "arguments:"
for argument in "$@"; do
    printf '[%s]\n' "$argument"
done
echo "end of arguments"
