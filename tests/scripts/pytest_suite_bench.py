"""Times the pytest plugin (-p leakscope.pytest) on a suite of small tests against the same reruns
without any capture, as pytest-leaks does them: each test run warmup + rounds times with its
function-scoped fixtures set up and torn down each time and gc.collect() after each run.

    /usr/bin/python3 tests/scripts/pytest_suite_bench.py --cli build/default/bin/leakscope-cli

writes a suite of --tests small tests (in modules of 20, with function- and module-scoped fixtures
and parametrized tests) to a temporary folder and runs it, each configuration --repeat times in turn:
  plain      pytest once per test, no plugin (for scale)
  reruns     the reruns alone (a tiny plugin written beside the suite, using the plugin's own run
             function, with gc.collect() between runs)
  plugin     -p leakscope.pytest (pre-check on: fingerprints between runs, captures only for tests
             whose fingerprint grows in every round)
  plugin-full -p leakscope.pytest --leakscope-precheck=off (a capture after every measured run)
and prints the best pytest session time (pytest's own "in N s") and wall time of each, and the
ratios against the reruns. Every configuration runs under leakscope-cli report, so the interpreter,
its start and its final capture are the same for all.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

MODULE_HEADER = '''import pytest


@pytest.fixture
def numbers():
    return [i * i for i in range(50)]


@pytest.fixture(scope="module")
def table():
    return {str(i): list(range(i % 7)) for i in range(100)}

'''

TEST_KINDS = [
    '''def test_words_{n}():
    text = " ".join(f"word{{i}}" for i in range(30))
    assert len(text.split()) == 30
''',
    '''def test_numbers_{n}(numbers):
    assert sum(numbers) == 40425
''',
    '''def test_table_{n}(table):
    assert len(table["13"]) == 6
''',
    '''@pytest.mark.parametrize("value", [1, 2])
def test_param_{n}(value):
    assert {{value: [value]}}[value] == [value]
''',
    '''class TestGroup{n}:
    def test_method(self, numbers):
        assert max(numbers) == 2401
''',
]

BASELINE_PLUGIN = '''"""Reruns without capture: each test warmup + rounds times, gc.collect() between runs."""
import gc

import pytest
from leakscope.pytest import _close, _run_once


def pytest_addoption(parser):
    parser.addoption("--rerun-times", type=int, default=6)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    reports = None
    for _ in range(item.config.getoption("rerun_times")):
        reports, failed = _run_once(item, nextitem)
        if failed:
            break
        gc.collect()
    else:
        _close(item, nextitem, reports)
    for report in reports:
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True
'''


def write_suite(folder, tests):
    written = 0
    module = 0
    while written < tests:
        lines = [MODULE_HEADER]
        count = 0
        while count < 20 and written < tests:
            kind = TEST_KINDS[written % len(TEST_KINDS)]
            lines.append(kind.format(n=written))
            written += 2 if "parametrize" in kind else 1
            count += 1
        with open(os.path.join(folder, f"test_bench_{module:02d}.py"), "w") as out:
            out.write("\n\n".join(lines))
        module += 1
    with open(os.path.join(folder, "rerun_baseline.py"), "w") as out:
        out.write(BASELINE_PLUGIN)


def run(cli, folder, extra):
    command = [cli, "report", "-m", "pytest", "-q", "-p", "no:cacheprovider"] + extra + [folder]
    environment = dict(os.environ, PYTHONPATH=folder, PYTHONDONTWRITEBYTECODE="1")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True)
    wall = time.perf_counter() - start
    found = re.findall(r"(\d+) passed.* in ([0-9.]+)s", done.stdout)
    if done.returncode != 0 or not found:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    captured = re.search(r"leakscope: (\d+) tests? captured", done.stdout)
    return int(found[-1][0]), float(found[-1][1]), wall, int(captured.group(1)) if captured else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default="build/default/bin/leakscope-cli")
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cli = os.path.abspath(args.cli)
    runs = args.warmup + args.rounds
    leakscope = ["-p", "leakscope.pytest", f"--leakscope-warmup={args.warmup}", f"--leakscope-rounds={args.rounds}"]
    configurations = [
        ("plain", []),
        ("reruns", ["-p", "rerun_baseline", f"--rerun-times={runs}"]),
        ("plugin", leakscope),
        ("plugin-full", leakscope + ["--leakscope-precheck=off"]),
    ]
    with tempfile.TemporaryDirectory(prefix="leakscope-bench-") as folder:
        write_suite(folder, args.tests)
        best = {}
        for _ in range(args.repeat):
            for name, extra in configurations:
                passed, session, wall, captured = run(cli, folder, extra)
                previous = best.get(name)
                if previous is None or session < previous[1]:
                    best[name] = (passed, session, wall, captured)
    print(f"{args.tests} tests, {args.warmup} warm-up + {args.rounds} measured runs each, best of {args.repeat}")
    print(f"{'configuration':<13} {'passed':>6} {'session s':>10} {'wall s':>8} {'captured':>8} {'vs reruns':>9}")
    reruns = best["reruns"][1]
    for name, _ in configurations:
        passed, session, wall, captured = best[name]
        print(f"{name:<13} {passed:>6} {session:>10.2f} {wall:>8.2f} {captured:>8} {session / reruns:>8.2f}x")


if __name__ == "__main__":
    main()
