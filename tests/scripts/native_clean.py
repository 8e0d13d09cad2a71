"""A script that leaks nothing and does ordinary work with the standard library (and lxml when it is
installed): under --native-traces every object it leaves alive is referenced or explained, so a report
on it has no suspect. With --numpy it imports numpy and works with arrays too; numpy.random's Cython
modules leave some objects that only malloc'd memory refers to (see docs/native-traces.md, Limits).
"""
import collections
import sys
import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET

records = [{"id": n, "name": "item-%d" % n, "tags": ("a", "b", n % 7), "price": n * 1.25} for n in range(2000)]
text = json.dumps(records)
parsed = json.loads(text)
counts = collections.Counter(r["tags"][2] for r in parsed)
pattern = re.compile(r"item-(\d+)")
numbers = [int(pattern.match(r["name"]).group(1)) for r in parsed]

buffer = io.StringIO()
writer = csv.writer(buffer)
for r in records[:500]:
    writer.writerow([r["id"], r["name"], r["price"]])
rows = list(csv.reader(io.StringIO(buffer.getvalue())))

db = sqlite3.connect(":memory:")
db.execute("create table t (id integer, name text)")
db.executemany("insert into t values (?, ?)", [(r["id"], r["name"]) for r in records])
total = db.execute("select count(*), sum(id) from t").fetchone()

root = ET.Element("root")
for r in records[:300]:
    ET.SubElement(root, "item", id=str(r["id"])).text = r["name"]
xml_text = ET.tostring(root)
again = ET.fromstring(xml_text)

atoms = {("k", n): "v%d" % n for n in range(100)}
frozen = frozenset(str(n) * 3 for n in range(300))
big_ints = [n ** 20 for n in range(100)]
blobs = [bytes(range(n % 256)) for n in range(100)]

try:
    if "--numpy" not in sys.argv[1:]:
        raise ImportError("numpy left out")
    import numpy as np
    array = np.arange(10000, dtype=np.float64).reshape(100, 100)
    objects = np.array([("x", n) for n in range(50)], dtype=object)
    summed = float(array.sum())
except ImportError:
    pass

try:
    from lxml import etree
    tree = etree.fromstring(b"<a><b x='1'>text</b><c/></a>")
    found = tree.findall(".//b")
except ImportError:
    pass

del records, text, parsed
print("done", len(numbers), total[0], len(rows), len(again))
