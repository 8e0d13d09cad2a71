"""Heaps too long or too deep for any walk that recurses.

    hostile_heap_deep.py long [LENGTH]    a linked list of LENGTH nodes (default 10,000,000)
    hostile_heap_deep.py deep [DEPTH]     nestings DEPTH levels deep (default 10,000)

Each structure is held by a deliberately leaked reference only (plantleak.extra_incref), so its head
is a suspect that retains all of it. "long" builds one chain of Node objects (__slots__ = ("next",)),
each referring to the next. "deep" builds a list of lists, a dict of dicts and a chain of objects
whose __dict__ holds the next, each DEPTH levels deep; the innermost level of each also holds a
marker object, Deepest, which nothing else refers to.

The fixture folder comes from PLANTLEAK_DIR. The script prints one line per structure,
"hostile KIND 0xHEAD 0xDEEPEST LEVELS", then its own time to build them.
"""
import os
import sys
import time

sys.path.insert(0, os.environ["PLANTLEAK_DIR"])

import plantleak  # noqa: E402

KIND = sys.argv[1] if len(sys.argv) > 1 else "deep"
if KIND not in ("long", "deep"):
    sys.exit("hostile_heap_deep.py: the kind is long or deep")
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else (10_000_000 if KIND == "long" else 10_000)


class Node:
    __slots__ = ("next",)


class Level:
    """One level of the object chain: the next level is an instance attribute."""


class Deepest:
    """The innermost object of each structure."""


def leak(kind, head, deepest, levels):
    plantleak.extra_incref(head)
    print("hostile %s %#x %#x %d" % (kind, id(head), id(deepest), levels), flush=True)


started = time.perf_counter()
if KIND == "long":
    # Built from the tail, so the head is made last; every node's only referrer is the one before it.
    tail = node = Node()
    node.next = None
    for _ in range(SIZE - 1):
        previous = Node()
        previous.next = node
        node = previous
    leak("linked-list", node, tail, SIZE)
    del node, previous, tail
else:
    deepest = Deepest()
    inner = [deepest]
    for _ in range(SIZE - 1):
        inner = [inner]
    leak("nested-lists", inner, deepest, SIZE)

    deepest = Deepest()
    inner = {"deepest": deepest}
    for _ in range(SIZE - 1):
        inner = {"inner": inner}
    leak("nested-dicts", inner, deepest, SIZE)

    deepest = Deepest()
    inner = Level()
    inner.next = deepest
    for _ in range(SIZE - 1):
        outer = Level()
        outer.next = inner
        inner = outer
    leak("object-chain", inner, deepest, SIZE)
    del inner, outer, deepest
print("built in %.2f s" % (time.perf_counter() - started), flush=True)
