"""A real leak in CPython 3.11.2: xml.etree.ElementTree.XMLParser.__init__ called a second time.

_elementtree.c's XMLParser.__init__ (_elementtree_XMLParser___init___impl) assigns its fields
without releasing what they held: a second call leaks the first target (self->target), the bound
handlers it looked up on it (self->handle_start, _end, _data, _close, _comment, _pi, _doctype,
_start_ns, _end_ns: whichever the target has), the entity and names dicts and the expat parser.
Calling __init__ again is the natural way to reuse a parser, since a closed one cannot be fed.

Two readers do that here, each reusing one parser for a series of documents:

- CountingReader's target, TagCounter, has handler methods: each reset leaks the bound methods
  start, end, data and close of the previous TagCounter. They are the orphans (builtins.method,
  nothing refers to them); the TagCounter is still referred to, by their __self__.
- OutlineReader's target, OutlineTarget, holds plain callables in its attributes: there is no bound
  method to hold it, so each reset orphans the previous OutlineTarget itself. Its callables are
  leaked too, but its own dict refers to them.

The entity and names dicts only hold strings, so they are not gc-tracked and never candidates.

Prints, for the tests, one line per reset: "reset <target type> <addresses of the orphans>".
With --skip-leak each document gets a new parser instead, the same work without the leak.
"""
import gc
import sys
import types
import xml.etree.ElementTree as ET

skip_leak = "--skip-leak" in sys.argv[1:]

DOCUMENTS = [
    "<catalog><book id='b1'><title>Dune</title><year>1965</year></book>"
    "<book id='b2'><title>Solaris</title><year>1961</year></book></catalog>",
    "<feed><entry><title>one</title><link href='https://example.org/1'/></entry>"
    "<entry><title>two</title><link href='https://example.org/2'/></entry><updated>2024-05-17</updated></feed>",
    "<config><section name='db'><option key='host'>localhost</option><option key='port'>5432</option>"
    "</section><section name='cache'><option key='size'>128</option></section></config>",
]


class TagCounter:
    """Counts elements by tag and collects their text: a target with handler methods."""

    def __init__(self):
        self.counts = {}
        self.text = []

    def start(self, tag, attrib):
        self.counts[tag] = self.counts.get(tag, 0) + 1

    def end(self, tag):
        pass

    def data(self, text):
        if text.strip():
            self.text.append(text.strip())

    def close(self):
        return dict(sorted(self.counts.items())), list(self.text)


class OutlineTarget:
    """Builds an indented outline of the document from callables set per instance, which close
    over the outline and the depth, not over the target."""

    def __init__(self):
        lines = []
        depth = [0]

        def start(tag, attrib):
            lines.append("  " * depth[0] + tag + "".join(f" {k}={v}" for k, v in sorted(attrib.items())))
            depth[0] += 1

        def end(tag):
            depth[0] -= 1

        self.start = start
        self.end = end
        self.close = lambda: "\n".join(lines)


def orphaned_by_reset(parser):
    """What the next __init__ will orphan: the bound handlers if the target has any, else the target."""
    held = gc.get_referents(parser)
    methods = [obj for obj in held if type(obj) is types.MethodType]
    if methods:
        return methods
    return [obj for obj in held if type(obj) is OutlineTarget]


class Reader:
    target_type = None

    def __init__(self):
        self._parser = ET.XMLParser(target=self.target_type())

    def read(self, text):
        if skip_leak:
            self._parser = ET.XMLParser(target=self.target_type())
        else:
            orphans = orphaned_by_reset(self._parser)
            print(f"reset {self.target_type.__name__}", " ".join(hex(id(obj)) for obj in orphans))
            del orphans
            self._parser.__init__(target=self.target_type())
        self._parser.feed(text)
        return self._parser.close()


class CountingReader(Reader):
    target_type = TagCounter


class OutlineReader(Reader):
    target_type = OutlineTarget


counting = CountingReader()
counted = [counting.read(document) for document in DOCUMENTS]
assert counted[0][0] == {"book": 2, "catalog": 1, "title": 2, "year": 2}, counted[0]
assert counted[2][1] == ["localhost", "5432", "128"], counted[2]

outlining = OutlineReader()
outlines = [outlining.read(document) for document in DOCUMENTS[:2]]
assert outlines[1].splitlines()[2] == "    title", outlines[1]

# The standard way, for comparison: a new parser per document leaks nothing.
for document in DOCUMENTS:
    ET.fromstring(document)
tree = ET.ElementTree(ET.fromstring(DOCUMENTS[2]))
options = {o.get("key"): o.text for o in tree.iterfind(".//option")}
assert options == {"host": "localhost", "port": "5432", "size": "128"}, options

print(f"elementtree: {sum(sum(c.values()) for c, _ in counted)} elements counted, "
      f"{sum(len(o.splitlines()) for o in outlines)} outline lines")
