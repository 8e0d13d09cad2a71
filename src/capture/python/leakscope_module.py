# The Python half of the built-in `leakscope` module: iterate(), its Growth result, and the finder
# that lets `import leakscope.pytest` work although `leakscope` is built into the program.
#
# The C++ half (src/capture/script_module.cpp) creates the module, adds snapshot(), pause(), save(),
# SnapshotFileError and _Series, puts the embedded sources of the submodules in `_embedded_sources`
# ({name: (file name, source)}) and runs this file in the module's namespace.

import sys as _sys

# leakscope.__path__'s one entry. Absolute, because importlib.invalidate_caches() (which pytest
# calls) drops the cached finders of relative entries; under /dev/null, because no directory can
# ever exist there, so no file on the disk can stand for it.
_EMBEDDED_PATH = "/dev/null/leakscope-embedded"


class _EmbeddedLoader:
    """Loads a submodule of leakscope from source compiled into the program."""

    def __init__(self, filename, source):
        self._filename = filename
        self._source = source

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = compile(self._source, self._filename, "exec", dont_inherit=True)
        exec(code, module.__dict__)

    def get_source(self, fullname):
        return self._source

    def is_package(self, fullname):
        return False


class _EmbeddedFinder:
    """The path-entry finder of leakscope.__path__'s one made-up entry.

    The import system asks sys.path_importer_cache[entry] for the submodules of a package before it
    tries sys.path_hooks, so the finder is put there: nothing changes in sys.meta_path, sys.path or
    sys.path_hooks, and the import of every other module goes exactly as it would.
    """

    def __init__(self, sources):
        self._sources = dict(sources)

    def find_spec(self, fullname, target=None):
        entry = self._sources.get(fullname)
        if entry is None:
            return None
        import importlib.util

        filename, source = entry
        _register_lines(filename, source)
        spec = importlib.util.spec_from_loader(fullname, _EmbeddedLoader(filename, source), origin=filename)
        spec.has_location = True  # module.__file__ names the source, as tracebacks do
        return spec

    def invalidate_caches(self):
        pass


def _register_lines(filename, source):
    # Tracebacks and pytest's own reports read source lines through linecache: an entry with no
    # modification time is never checked against a file, so it stays.
    import linecache

    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def _install_finder(module_globals):
    sources = module_globals.pop("_embedded_sources", {})
    own = sources.pop(module_globals["__name__"], None)
    if own is not None:
        _register_lines(*own)
    module_globals["__path__"] = [_EMBEDDED_PATH]
    _sys.path_importer_cache[_EMBEDDED_PATH] = _EmbeddedFinder(sources)


_install_finder(globals())


class Growth:
    """What leakscope.iterate() found over its series of snapshots.

    str(growth) is the report leakscope-cli prints; leaks says whether some object leaked in every
    round or some object's references grew in every round (the evidence of a leak); rounds is the
    number of measured rounds; types lists (type name, [increase per round]) of the types whose count
    rose in every round; objects lists the leaked objects of the last round (dicts: type, address,
    repr, origin, site, per_round); surplus lists the objects whose unexplained references grew in
    every round (dicts: type, address, repr, origin, site, growth, surplus); json() is the versioned
    JSON report.
    """

    __slots__ = ("_text", "_json", "leaks", "rounds", "types", "objects", "surplus", "label")

    def __init__(self, label, report):
        self.label = label
        self._text = report["text"]
        self._json = report["json"]
        self.leaks = report["leaks"]
        self.rounds = report["rounds"]
        self.types = report["types"]
        self.objects = report["objects"]
        self.surplus = report["surplus"]

    def __str__(self):
        return self._text

    def __repr__(self):
        verdict = "leaks" if self.leaks else "no leak"
        return f"<leakscope.Growth {self.label!r}: {verdict} over {self.rounds} rounds>"

    def json(self):
        return self._json


def _count(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"iterate() {name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"iterate() {name} must be at least {minimum}, not {value}")
    return value


def iterate(fn, rounds=5, warmup=2, label=None):
    """Call fn() warmup + rounds times and report what grew in every measured round.

    After the last warm-up call and after each measured call, garbage is collected and the heap is
    captured: snapshots 0..rounds, each delivered like snapshot()'s ("LABEL: warm-up",
    "LABEL: round K/ROUNDS"). LABEL defaults to fn's __qualname__. fn's return value is dropped
    before each capture; an exception from fn propagates and ends the series. Returns a Growth.
    """
    if not callable(fn):
        raise TypeError(f"iterate() needs a callable, not {type(fn).__name__}")
    rounds = _count("rounds", rounds, 1)
    warmup = _count("warmup", warmup, 0)
    if label is None:
        label = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    elif not isinstance(label, str):
        raise TypeError(f"iterate() label must be a str, not {type(label).__name__}")
    series = _Series(label, rounds + 1)
    for _ in range(warmup):
        fn()
    series.capture(f"{label}: warm-up")
    for round_ in range(1, rounds + 1):
        fn()
        series.capture(f"{label}: round {round_}/{rounds}")
    series.finish()
    return Growth(label, series.report(label))
