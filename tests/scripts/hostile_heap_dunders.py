"""Objects whose dunders misbehave, in the places where leaks are looked for.

    hostile_heap_dunders.py MODE [--self-call]

MODE is how the dunders misbehave once armed: "raise" (they raise), "hang" (they never return:
a busy loop, or a sleep of an hour) or "mutate" (they change the heap: allocate, clear a module's
globals, grow a dict). Each of __repr__, __eq__, __hash__, __getattribute__, __getattr__, __sizeof__
and __del__ has a class of its own; one instance of each is a module global, one is held by a
deliberately leaked reference only (plantleak.extra_incref, a suspect), and a key whose hash equals
that of "__module__" or "__name__" sits in a class's and in this module's namespace, so that a look-up
of those names in them would call the key's __eq__.

The dunders behave as Python's defaults until the script arms them, at its very end (and around its
own leakscope.snapshot() when run under LeakScope), and again once the interpreter starts to shut
down (an atexit handler disarms them, so that the end of the process does not hang). Each call made
while armed first appends "Class.__dunder__" to the file "calls" in the folder named by
LEAKSCOPE_HOSTILE_MARKERS: whatever LeakScope calls in the heap it reports is written there.
With --self-call, the script calls every armed dunder itself (not in hang mode), proving that a call
is recorded.

The fixture folder comes from PLANTLEAK_DIR. The script prints one line, "hostile leaked CLASS
0xADDRESS", per leaked instance, and "hostile leaked-list 0xADDRESS" for a leaked list holding a Repr,
an Eq and a GetAttribute, then 'text' and 1.
"""
import atexit
import gc
import os
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "raise"
SELF_CALL = "--self-call" in sys.argv[2:]
if MODE not in ("raise", "hang", "mutate"):
    sys.exit("hostile_heap_dunders.py: MODE is raise, hang or mutate")
MARKERS = os.environ.get("LEAKSCOPE_HOSTILE_MARKERS", "")
if not MARKERS:
    sys.exit("hostile_heap_dunders.py: set LEAKSCOPE_HOSTILE_MARKERS to a folder")
sys.path.insert(0, os.environ["PLANTLEAK_DIR"])

import plantleak  # noqa: E402

armed = False
sink = []  # what mutating dunders allocate


def misbehave(where):
    """Records the call, then does what MODE says. Only called while armed."""
    with open(os.path.join(MARKERS, "calls"), "a") as calls:
        calls.write(where + "\n")
    if MODE == "raise":
        raise RuntimeError("hostile " + where)
    if MODE == "hang":
        if where.startswith("Sleepy"):
            time.sleep(3600)
        while True:
            pass
    # mutate: new objects, a module's globals cleared, a dict made to grow. No comprehension or
    # lambda here: making a function looks "__name__" up in this module, which calls the collider.
    batch = []
    for _ in range(1000):
        batch.append(object())
    sink.append(batch)
    victim = sys.modules.get("hostile_victim")
    if victim is not None:
        victim.__dict__.clear()
    big = globals().setdefault("grown", {})
    for i in range(len(big), len(big) + 5000):
        big[i] = str(i)


class Repr:
    def __repr__(self):
        if armed:
            misbehave("Repr.__repr__")
        return "<Repr, harmless>"


class Sleepy:
    """A __repr__ that sleeps (a blocking call) rather than loops, in hang mode."""

    def __repr__(self):
        if armed:
            misbehave("Sleepy.__repr__")
        return "<Sleepy, harmless>"


class Eq:
    def __eq__(self, other):
        if armed:
            misbehave("Eq.__eq__")
        return self is other

    __hash__ = object.__hash__


class Hash:
    def __hash__(self):
        if armed:
            misbehave("Hash.__hash__")
        return id(self) >> 4


class GetAttribute:
    def __init__(self):
        self.payload = [1, 2, 3]

    def __getattribute__(self, name):
        if armed:
            misbehave("GetAttribute.__getattribute__")
        return object.__getattribute__(self, name)


class GetAttr:
    def __getattr__(self, name):
        if armed:
            misbehave("GetAttr.__getattr__")
        raise AttributeError(name)


class SizeOf:
    def __sizeof__(self):
        if armed:
            misbehave("SizeOf.__sizeof__")
        return object.__sizeof__(self)


class Del:
    def __del__(self):
        if armed:
            misbehave("Del.__del__")


class NameCollider:
    """A key that a look-up of `name` in a dict holding it would compare with (same hash)."""

    def __init__(self, name):
        self.name = name

    def __hash__(self):
        return hash(self.name)

    def __eq__(self, other):
        if armed:
            misbehave("NameCollider.__eq__")
        return self is other


HOSTILE = (Repr, Sleepy, Eq, Hash, GetAttribute, GetAttr, SizeOf, Del)

# Module globals, and their containers: a list, a dict's values, a set (hashed now, disarmed).
held = [cls() for cls in HOSTILE]
by_name = {cls.__name__: cls() for cls in HOSTILE}
hashed = {Hash(), Eq()}
# Names a look-up would compare with the colliding keys, in this module and in a class: the key goes
# where "__name__" was, so that "__name__" comes after it on their common probe sequence.
module_name = __name__
del globals()["__name__"]
globals()[NameCollider("__name__")] = "collides with __name__"
globals()["__name__"] = module_name
Namespace = type("Namespace", (), {NameCollider("__module__"): 1, "__module__": __name__})
victim_module = type(sys)("hostile_victim")
victim_module.payload = {"kept": [1, 2]}
sys.modules["hostile_victim"] = victim_module

# Held only by a leaked reference: each is a suspect of its own class.
for cls in HOSTILE:
    instance = cls()
    plantleak.extra_incref(instance)
    print("hostile leaked %s %#x" % (cls.__name__, id(instance)), flush=True)
    del instance
# A builtin container of hostile objects, leaked: its repr is structural, the objects' own never runs.
mixed = [Repr(), Eq(), GetAttribute(), "text", 1]
plantleak.extra_incref(mixed)
print("hostile leaked-list %#x" % id(mixed), flush=True)
del mixed
gc.collect()


def arm():
    global armed
    armed = True


def disarm():
    global armed
    armed = False


atexit.register(disarm)  # atexit runs before the interpreter clears the modules

try:
    import leakscope
except ImportError:
    leakscope = None
if leakscope is not None:
    arm()
    leakscope.snapshot("armed")
    disarm()

if SELF_CALL and MODE != "hang":
    calls = (repr, lambda o: o == 1, hash, lambda o: o.payload, lambda o: o.missing, sys.getsizeof)
    arm()
    for call in calls:
        for instance in held:
            try:
                call(instance)
            except Exception:
                pass
    for namespace, name in ((globals(), "__name__"), (Namespace.__dict__, "__module__")):
        try:
            namespace[name]
        except Exception:
            pass
    try:
        Del().__del__()
    except Exception:
        pass
    disarm()

arm()  # from here to the end of the process, any call is LeakScope's
