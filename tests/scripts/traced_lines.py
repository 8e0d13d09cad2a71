"""Allocation lines as tracemalloc records them, and traceback lines, at known places: a short function,
a long one, a generator, a method, and a function whose lines are past 32,767 (compiled from padded
source). Prints one JSON line: each place's expected line and the lines seen. Run with tracing on
from the start (python3 -X tracemalloc=8, leakscope-cli report --tracemalloc=8)."""
import json
import sys
import tracemalloc


def here():
    return sys._getframe(1).f_lineno


def short():
    return [here(), []]


def long_body(n):
    total = 0
    for i in range(n):
        total += i * i
        if i % 7 == 0:
            total -= 1
    items = [here(), {"n": n, "total": total}]
    return items


def generator():
    yield [here(), ()]
    yield [here(), set()]


class Holder:
    def make(self):
        return [here(), bytearray(16)]


def raising():
    try:
        line = here(); raise KeyError("x")
    except KeyError as error:
        return [line, error.__traceback__.tb_lineno]


FAR = 40_000
source = "\n" * FAR + "def far():\n    return [here(), [1, 2, 3]]\n"
namespace = {"here": here}
exec(compile(source, "<far>", "exec"), namespace)

results = {}
for name, make in [("short", short), ("long", lambda: long_body(50)), ("generator", lambda: next(generator())),
                   ("method", Holder().make), ("far", namespace["far"])]:
    made = make()
    traceback = tracemalloc.get_object_traceback(made)
    results[name] = {"expected": made[0], "traced": traceback[-1].lineno if traceback else None}
line, tb_line = raising()
results["traceback"] = {"expected": line, "traced": tb_line}
print(json.dumps({"tracing": tracemalloc.is_tracing(), "lines": results}, sort_keys=True))
