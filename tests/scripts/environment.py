"""Prints what the script sees of its interpreter's start-up, as one JSON line on stderr.

The tests run it under python3 and under LeakScope in the same environment and compare: sys.flags,
sys.path, modules found through PYTHONPATH and the user's site-packages, the warnings filters that
PYTHONWARNINGS made, the hash seed's effect, the encodings.
"""
import json
import locale
import sys
import warnings


def origin_of(name):
    """The ORIGIN of module name when it imports, else None."""
    try:
        module = __import__(name)
    except ImportError:
        return None
    return getattr(module, "ORIGIN", None)


def pattern(value):
    return getattr(value, "pattern", value)


report = {
    "flags": {name: getattr(sys.flags, name) for name in type(sys.flags).__match_args__},
    "path": sys.path,
    "from_pythonpath": origin_of("leakscope_env_pythonpath"),
    "from_user_site": origin_of("leakscope_env_usersite"),
    "warnoptions": sys.warnoptions,
    "filters": [[f[0], pattern(f[1]), f[2].__name__, pattern(f[3]), f[4]] for f in warnings.filters],
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "hash": hash("leakscope"),
    "filesystem_encoding": sys.getfilesystemencoding(),
    "stdout_encoding": sys.stdout.encoding,
    "preferred_encoding": locale.getpreferredencoding(False),
}
sys.stderr.write(json.dumps(report) + "\n")  # one write, so the line arrives whole
