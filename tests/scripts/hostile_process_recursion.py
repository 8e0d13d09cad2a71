"""Takes a snapshot, lifts the recursion limit and recurses through C (map() calls the function
again) until the C stack overflows: the process dies of SIGSEGV, as python3 does."""
import sys

import leakscope

kept = [{"hostile": "recursion"}]
leakscope.snapshot("before the recursion")
sys.setrecursionlimit(10**6)
print("recursing", flush=True)


def deeper(n):
    return list(map(deeper, [n + 1]))


deeper(0)
print("the recursion returned", flush=True)
