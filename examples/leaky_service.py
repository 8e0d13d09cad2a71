"""A small request handler with a reference leak in its "C binding".

LeakScope's demo. `fastparse` below stands in for a C extension: a real one would be compiled, this
one reaches the same C API through ctypes so that the demo needs no compiler. Its bug is the classic
one, a Py_INCREF on a result that the C code then forgets, so every parsed request stays alive with
nothing in Python referring to it.

Run it under LeakScope:

    leakscope-cli report -- examples/leaky_service.py

and the suspects are the three Request objects and the list of rows built by the batch export:
objects of this script that nothing refers to. Each Request holds a headers dict that carries a
leaked reference too: the dict is not a candidate (its Request refers to it), but its surplus of 1
shows the reference nobody accounts for.
"""

import ctypes

_Py_IncRef = ctypes.pythonapi.Py_IncRef
_Py_IncRef.argtypes = [ctypes.py_object]
_Py_IncRef.restype = None


class fastparse:
    """What a buggy C extension does, written with the C API from Python."""

    @staticmethod
    def parse_headers(raw):
        headers = {}
        for line in raw.splitlines():
            name, _, value = line.partition(": ")
            headers[name.lower()] = value
        _Py_IncRef(headers)  # the bug: a reference taken and never released
        return headers

    @staticmethod
    def export_rows(rows):
        table = [dict(row) for row in rows]
        _Py_IncRef(table)  # the same bug in another function
        return len(table)


class Request:
    def __init__(self, number, headers):
        self.number = number
        self.headers = headers
        self.body = b""


def handle(number):
    raw = "Host: example.org\nUser-Agent: demo/%d\nX-Request-Id: %04d" % (number, number)
    request = Request(number, fastparse.parse_headers(raw))
    _Py_IncRef(request)  # a leaked Request, as a binding that keeps its argument would leave it
    return request.headers["host"]


def main():
    served = [handle(number) for number in range(3)]
    exported = fastparse.export_rows([{"id": 1, "name": "alpha"}, {"id": 2, "name": "beta"}])
    print("served %d requests for %s, exported %d rows" % (len(served), served[0], exported))


if __name__ == "__main__":
    main()
