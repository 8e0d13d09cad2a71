"""A realistic heap with planted leaks, for measuring how much chaff LeakScope explains away.

It imports a wide slice of the standard library plus numpy and lxml, does real work with each
(sqlite queries, an asyncio run with tasks, email parsing and generation, pickle round trips,
numpy ufuncs and linear algebra, lxml parsing, XPath and serialisation, ...), makes the
process-wide registrations a long-running program makes (atexit, a signal handler, an audit hook,
weakref.finalize, a context variable, a thread-local, an SQLite connection left open with a Python
function registered), then plants the same leaks as planted.py with the plantleak fixture. The goal
it serves: every planted orphan is a suspect, and next to nothing else is (the interpreter's roots,
code object constants, module state, extension statics all explained).

The fixture folder comes from argv[1] or the PLANTLEAK_DIR environment variable: the embedded
interpreter runs isolated, so PYTHONPATH is ignored. Deterministic (fixed seeds and dates, no
network, no files outside memory) and quick: well under three seconds.
"""
import os
import sys

fixture_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PLANTLEAK_DIR", "")
if not fixture_dir:
    sys.exit("chaff_workload.py: pass the plantleak folder as argv[1] or in PLANTLEAK_DIR")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import atexit  # noqa: E402
import collections  # noqa: E402
import concurrent.futures  # noqa: E402
import contextvars  # noqa: E402
import csv  # noqa: E402
import dataclasses  # noqa: E402
import datetime  # noqa: E402
import decimal  # noqa: E402
import email.message  # noqa: E402
import email.parser  # noqa: E402
import email.policy  # noqa: E402
import email.utils  # noqa: E402
import enum  # noqa: E402
import functools  # noqa: E402
import gzip  # noqa: E402
import hashlib  # noqa: E402
import http.client  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import pickle  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import ssl  # noqa: E402
import tarfile  # noqa: E402
import threading  # noqa: E402
import typing  # noqa: E402
import urllib.parse  # noqa: E402
import weakref  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
from lxml import etree  # noqa: E402

rng = random.Random(1234)


# --- typing, dataclasses, enum, functools -----------------------------------------------------

class Colour(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


class Flags(enum.IntFlag):
    READ = 1
    WRITE = 2
    EXEC = 4


T = typing.TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Item(typing.Generic[T]):
    name: str
    price: decimal.Decimal
    colour: Colour
    tags: typing.Tuple[str, ...] = ()
    extra: typing.Optional[T] = None


@functools.lru_cache(maxsize=128)
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@functools.singledispatch
def describe(value) -> str:
    return "thing"


@describe.register
def _(value: int) -> str:
    return "int"


@describe.register
def _(value: str) -> str:
    return "str"


decimal.getcontext().prec = 30
items = [
    Item(f"item{i}", decimal.Decimal(i) / 7, list(Colour)[i % 3], tuple(f"t{j}" for j in range(i % 4)))
    for i in range(200)
]
total = sum((item.price for item in items), decimal.Decimal(0))
by_colour = collections.Counter(item.colour for item in items)
grouped = {colour: [item.name for item in group]
           for colour, group in itertools.groupby(sorted(items, key=lambda it: it.colour.value),
                                                  key=lambda it: it.colour)}
assert fib(80) == 23416728348467685
assert describe(1) == "int" and describe("x") == "str" and describe(1.0) == "thing"
assert Flags.READ | Flags.WRITE == 3
dataclasses.asdict(items[5])
typing.get_type_hints(Item)

# --- process-wide registrations a real program makes ---------------------------------------------------

class Resource:
    def __init__(self, name):
        self.name = name
        self.closed = False


def close_resources(resources):
    for resource in resources:
        resource.closed = True


atexit.register(close_resources, [Resource("cache"), Resource("socket")])
signal.signal(signal.SIGUSR1, lambda signum, frame: None)
sys.addaudithook(lambda event, args: None)
tracked_resource = Resource("tracked")
weakref.finalize(tracked_resource, close_resources, [])
request_id = contextvars.ContextVar("request_id", default=None)
request_id.set("req-1")
thread_state = threading.local()
thread_state.cache = {"ready": [True]}

# --- argparse, logging ----------------------------------------------------------------------------

parser = argparse.ArgumentParser(prog="chaff", description="chaff workload")
parser.add_argument("--count", type=int, default=3)
parser.add_argument("--verbose", action="store_true")
parser.add_argument("paths", nargs="*")
options = parser.parse_args(["--count", "5", "--verbose", "a", "b"])
assert options.count == 5 and options.paths == ["a", "b"]

log_stream = io.StringIO()
logger = logging.getLogger("chaff")
logger.setLevel(logging.DEBUG)
handler = logging.StreamHandler(log_stream)
handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
logger.addHandler(handler)
for i in range(20):
    logger.info("step %d of %d", i, 20)
logger.warning("done")

# --- json, re, csv, datetime ----------------------------------------------------------------------

document = {"items": [{"name": it.name, "price": str(it.price), "colour": it.colour.name, "tags": list(it.tags)}
                      for it in items],
            "total": str(total), "when": datetime.datetime(2024, 5, 17, 12, 30, tzinfo=datetime.timezone.utc).isoformat()}
text = json.dumps(document, sort_keys=True, indent=1)
assert json.loads(text) == document

pattern = re.compile(r"(?P<name>item(?P<num>\d+))\D+(?P<price>\d+\.\d+)")
matches = [m.groupdict() for m in pattern.finditer(text.replace("\n", " "))]
re.sub(r"\s+", " ", text[:2000])
re.findall(r"[A-Z]{3,}", text)

csv_buffer = io.StringIO()
writer = csv.DictWriter(csv_buffer, fieldnames=["name", "price", "colour"])
writer.writeheader()
for it in items:
    writer.writerow({"name": it.name, "price": it.price, "colour": it.colour.name})
rows = list(csv.DictReader(io.StringIO(csv_buffer.getvalue())))
assert len(rows) == len(items)

start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
days = [start + datetime.timedelta(days=i, hours=i % 24) for i in range(100)]
[d.strftime("%Y-%m-%d %H:%M") for d in days]
datetime.datetime.fromisoformat("2024-02-29T23:59:59+01:00")
datetime.date(2024, 3, 1) - datetime.date(2023, 3, 1)

# --- sqlite3 ------------------------------------------------------------------------------------

db = sqlite3.connect(":memory:")
db.row_factory = sqlite3.Row
db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price TEXT, colour TEXT)")
db.executemany("INSERT INTO item (name, price, colour) VALUES (?, ?, ?)",
               [(it.name, str(it.price), it.colour.name) for it in items])
db.create_function("plen", 1, lambda s: len(s))
db.commit()
per_colour = db.execute("SELECT colour, COUNT(*) AS n, MAX(plen(price)) FROM item GROUP BY colour ORDER BY colour").fetchall()
assert sum(row["n"] for row in per_colour) == len(items)
[tuple(row) for row in db.execute("SELECT * FROM item WHERE name LIKE ? ORDER BY id", ("item1%",))]
# Left open, as a long-running program keeps its connection: plen's lambda stays registered in SQLite.

# --- asyncio --------------------------------------------------------------------------------------

async def worker(name, queue, results):
    while True:
        value = await queue.get()
        if value is None:
            queue.task_done()
            return
        await asyncio.sleep(0)
        results.append((name, value * value))
        queue.task_done()


async def main_async():
    queue = asyncio.Queue()
    results = []
    workers = [asyncio.create_task(worker(f"w{i}", queue, results)) for i in range(4)]
    for value in range(50):
        await queue.put(value)
    for _ in workers:
        await queue.put(None)
    await queue.join()
    await asyncio.gather(*workers)
    event = asyncio.Event()
    asyncio.get_running_loop().call_soon(event.set)
    await asyncio.wait_for(event.wait(), timeout=5)
    return sorted(v for _, v in results)


squares = asyncio.run(main_async())
assert squares == sorted(v * v for v in range(50))

# --- concurrent.futures ---------------------------------------------------------------------------

with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    digests = list(pool.map(lambda i: hashlib.sha256(str(i).encode()).hexdigest(), range(100)))
assert len(set(digests)) == 100

# --- email ------------------------------------------------------------------------------------------

message = email.message.EmailMessage()
message["From"] = "Alice <alice@example.org>"
message["To"] = "Bob <bob@example.org>"
message["Subject"] = "Quarterly numbers \u2013 résumé"
message["Date"] = email.utils.format_datetime(datetime.datetime(2024, 5, 17, 9, 0, tzinfo=datetime.timezone.utc))
message["Message-ID"] = "<chaff-1@example.org>"
message.set_content("Hello Bob,\n\nthe numbers are attached.\n")
message.add_alternative("<p>Hello Bob, the numbers are attached.</p>", subtype="html")
message.add_attachment(csv_buffer.getvalue().encode(), maintype="text", subtype="csv", filename="items.csv")
raw = message.as_bytes()
parsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
assert parsed["Subject"] == message["Subject"]
body = parsed.get_body(preferencelist=("plain",)).get_content()
attachments = [part.get_filename() for part in parsed.iter_attachments()]
assert attachments == ["items.csv"]
email.utils.parseaddr("Carol <carol@example.org>")

# --- pickle -----------------------------------------------------------------------------------------

payload = {"items": items[:50], "counter": by_colour, "when": days[:10], "deque": collections.deque(range(10)),
           "ordered": collections.OrderedDict((str(i), i) for i in range(10)), "flags": Flags.READ | Flags.EXEC,
           "nested": [[i, {"k": (i, str(i))}] for i in range(50)]}
for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
    assert pickle.loads(pickle.dumps(payload, protocol=protocol)) == payload

# --- zlib, gzip, tarfile, hashlib ---------------------------------------------------------------------

blob = text.encode() * 4
assert zlib.decompress(zlib.compress(blob, 6)) == blob
assert gzip.decompress(gzip.compress(blob, mtime=0)) == blob
tar_buffer = io.BytesIO()
with tarfile.open(fileobj=tar_buffer, mode="w:gz") as tar:
    for name, data in (("doc.json", text.encode()), ("items.csv", csv_buffer.getvalue().encode())):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 1700000000
        tar.addfile(info, io.BytesIO(data))
tar_buffer.seek(0)
with tarfile.open(fileobj=tar_buffer, mode="r:gz") as tar:
    names = tar.getnames()
    extracted = tar.extractfile("doc.json").read()
assert names == ["doc.json", "items.csv"] and extracted == text.encode()
hashlib.md5(blob).hexdigest()
hashlib.blake2b(blob, digest_size=16).hexdigest()
hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1000)

# --- urllib.parse, http.client ----------------------------------------------------------------------

url = urllib.parse.urlsplit("https://user@example.org:8443/a/b;p?q=1&r=%C3%A9#frag")
query = urllib.parse.parse_qs(url.query)
urllib.parse.urlencode({"name": "résumé", "n": 3, "list": ["a", "b"]}, doseq=True)
urllib.parse.urljoin("https://example.org/a/b/", "../c?x=1")


class FakeSocket:
    """An HTTP response from memory: http.client parses it exactly as one from the network."""

    def __init__(self, data):
        self._file = io.BytesIO(data)

    def makefile(self, *args, **kwargs):
        return self._file


response_bytes = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                  b"Set-Cookie: a=1\r\nX-Chaff: yes\r\n\r\n%s") % (len(text.encode()), text.encode())
response = http.client.HTTPResponse(FakeSocket(response_bytes))
response.begin()
assert response.status == 200 and json.loads(response.read()) == document
response.close()

# --- ssl (no network: a context, its settings, the CA store) ----------------------------------------

context = ssl.create_default_context()
context.minimum_version = ssl.TLSVersion.TLSv1_2
context.set_ciphers("ECDHE+AESGCM")
context.get_ca_certs()
ssl.get_default_verify_paths()

# --- xml.etree ------------------------------------------------------------------------------------

root = ET.Element("items")
for it in items[:50]:
    element = ET.SubElement(root, "item", name=it.name, colour=it.colour.name)
    element.text = str(it.price)
xml_bytes = ET.tostring(root, encoding="utf-8")
reparsed = ET.fromstring(xml_bytes)
assert len(reparsed.findall(".//item[@colour='RED']")) == sum(1 for it in items[:50] if it.colour is Colour.RED)

# --- numpy ----------------------------------------------------------------------------------------

np_rng = np.random.default_rng(42)
a = np_rng.standard_normal((60, 60))
b = np_rng.standard_normal((60, 60))
c = a @ b + np.eye(60)
inverse = np.linalg.inv(c)
assert np.allclose(c @ inverse, np.eye(60), atol=1e-8)
eigenvalues = np.linalg.eigvals(a + a.T)
solution = np.linalg.solve(c, np.arange(60.0))
q, r = np.linalg.qr(a)
np.linalg.svd(b[:20, :20])
ints = np.arange(1000, dtype=np.int64).reshape(10, 100)
floats = np.sin(ints) + np.cos(ints.astype(np.float32)) * np.exp(-ints / 1000.0)
np.add.reduce(ints, axis=1)
np.multiply.outer(np.arange(5), np.arange(5))
np.maximum.accumulate(floats, axis=1)
np.sqrt(np.abs(floats)).sum()
np.where(floats > 0, floats, 0).mean(axis=0)
np.sort(np_rng.integers(0, 100, 500))
np.unique(np_rng.integers(0, 10, 200), return_counts=True)
np.concatenate([ints, ints * 2]).T.copy().std()
structured = np.zeros(10, dtype=[("name", "U10"), ("price", "f8"), ("n", "i4")])
structured["price"] = np.linspace(0, 1, 10)
np.fft.fft(np.arange(64.0))
np.histogram(floats, bins=20)
np.einsum("ij,jk->ik", a[:10, :10], b[:10, :10])
np.frompyfunc(lambda x: x + 1, 1, 1)(np.arange(5))

# --- lxml -------------------------------------------------------------------------------------------

lxml_root = etree.fromstring(xml_bytes)
red_names = lxml_root.xpath("//item[@colour=$c]/@name", c="RED")
assert len(red_names) == sum(1 for it in items[:50] if it.colour is Colour.RED)
find_blue = etree.XPath("count(//item[@colour='BLUE'])")
assert int(find_blue(lxml_root)) == sum(1 for it in items[:50] if it.colour is Colour.BLUE)
html = etree.HTML("<html><body><p class='x'>one</p><p>two<b>three</b></p></body></html>")
[p.text for p in html.iter("p")]
etree.tostring(lxml_root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
etree.tostring(html, method="html")
lxml_parser = etree.XMLParser(remove_blank_text=True)
etree.fromstring(b"<a>\n  <b>1</b>\n  <c x='2'/>\n</a>", lxml_parser)
transform = etree.XSLT(etree.XML(
    b"<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
    b"<xsl:template match='/'><names><xsl:for-each select='//item'><n><xsl:value-of select='@name'/></n>"
    b"</xsl:for-each></names></xsl:template></xsl:stylesheet>"))
str(transform(lxml_root))

print(f"chaff workload: {len(items)} items, {len(matches)} matches, {len(per_colour)} colours, "
      f"{len(squares)} squares, {len(raw)} email bytes, {len(red_names)} red, det {np.linalg.det(c[:5, :5]):.3f}")

# --- planted leaks, exactly as planted.py ----------------------------------------------------------

sys.path.insert(0, fixture_dir)

import plantleak  # noqa: E402

plantleak.leak_dict()
plantleak.leak_instance()
plantleak.leak_list(3)

# Every dict below holds a list so CPython keeps it gc-tracked (see tagged_dict in plantleak.c).

# Still referenced from this module, so not a candidate despite its surplus reference.
held = {"plantleak": "held-twice", "tracked": []}
plantleak.extra_incref(held)

# The same shape without the extra reference: nothing about it is unusual.
control = {"plantleak": "control", "tracked": []}

# Orphaned with two leaked references: a candidate whose surplus is 2, against 1 for leak_dict()'s.
doubled = {"plantleak": "orphan-double", "tracked": []}
plantleak.extra_incref(doubled)
plantleak.extra_incref(doubled)
del doubled
