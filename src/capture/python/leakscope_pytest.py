"""LeakScope's pytest plugin: runs each test several times and fails the tests that leak.

Load it with `-p leakscope.pytest` under leakscope-cli or the LeakScope application (it is part of
the program's built-in `leakscope` module; plain python3 cannot import it). Each selected test runs
--leakscope-warmup times, then --leakscope-rounds more times, with its function-scoped fixtures set
up and torn down each time; after the last warm-up run and after each measured run, garbage is
collected and the heap fingerprinted (or, with --leakscope-precheck=off, captured). A test whose
fingerprint grows in every round runs --leakscope-rounds more times with a capture after each. A test
whose growth analysis then finds an object leaked in every round,
or references to one object growing in every round, fails (--leakscope-mode=fail) or is reported
(--leakscope-mode=report). The snapshots of a leaking test's series are delivered (leakscope-cli
prints them, the application lists them); those of the other tests are dropped. See docs/pytest.md.
"""

import gc
import warnings

import pytest
from _pytest.outcomes import Exit
from _pytest.runner import CallInfo, call_and_report

import leakscope

_MODES = ("fail", "report")


class LeakScopeWarning(UserWarning):
    """A test leaked (--leakscope-mode=report)."""


def pytest_addoption(parser):
    group = parser.getgroup("leakscope", "LeakScope: tests that leak references")
    group.addoption("--leakscope-rounds", type=int, default=3, metavar="N",
                    help="measured runs of each test after the warm-up (default 3)")
    group.addoption("--leakscope-warmup", type=int, default=3, metavar="N",
                    help="runs of each test before the first snapshot (default 3)")
    group.addoption("--leakscope-mode", choices=_MODES, default="fail",
                    help="fail: a leaking test fails; report: it passes with a warning (default fail)")
    group.addoption("--leakscope-precheck", choices=("on", "off"), default="on",
                    help="on: capture only the tests whose heap fingerprint grows in every round; off: "
                         "capture every test after each round (default on)")


def pytest_configure(config):
    rounds = config.getoption("leakscope_rounds")
    warmup = config.getoption("leakscope_warmup")
    if rounds < 1:
        raise pytest.UsageError(f"--leakscope-rounds must be at least 1, not {rounds}")
    if warmup < 0:
        raise pytest.UsageError(f"--leakscope-warmup must be at least 0, not {warmup}")
    config.pluginmanager.register(LeakScopePlugin(config, rounds, warmup), "leakscope-runner")


def _failed(reports):
    return any(not report.passed for report in reports)


def _run_once(item, nextitem):
    """One setup/call/teardown of item with log=False, as runtestprotocol() does; returns its reports
    and whether it failed (or was skipped).

    The teardown goes up to nextitem when the run failed or was skipped (the test is not run again),
    and otherwise up to item's parent: item itself is torn down (its function-scoped fixtures are
    finalized, and set up again by the next run) while the fixtures of wider scopes stay for the next
    run; _close() tears those down once the series is over. (Tearing down "up to item" would leave
    item on pytest's setup stack, so the next run would not set it up again and would find no
    fixture values.)
    """
    hasrequest = hasattr(item, "_request")
    if hasrequest and not item._request:
        item._initrequest()  # a rerun: pytest made the request go away after the previous one
    reports = [call_and_report(item, "setup", log=False)]
    if reports[0].passed and not item.config.getoption("setuponly", False):
        reports.append(call_and_report(item, "call", log=False))
    failed = _failed(reports)
    reports.append(call_and_report(item, "teardown", log=False, nextitem=nextitem if failed else item.parent))
    if hasrequest:
        item._request = False
        item.funcargs = None
    if not failed and _failed(reports):
        # The teardown failed: the test is not run again, and what is above item goes down too.
        _close(item, nextitem, reports)
        failed = True
    return reports, failed


def _close(item, nextitem, reports):
    """After the last run, tears down what nextitem does not share with item (module, class or
    session fixtures), as the teardown of an ordinary last run would have; a failure there replaces
    the last run's teardown report. The teardown hooks ran for item already, with nextitem=item's
    parent: this goes to pytest's setup stack directly rather than running them a second time."""
    needed = nextitem.listchain() if nextitem is not None else []
    setupstate = item.session._setupstate
    if list(setupstate.stack) == needed[: len(setupstate.stack)]:
        return
    call = CallInfo.from_call(lambda: setupstate.teardown_exact(nextitem), when="teardown",
                              reraise=(Exit, KeyboardInterrupt))
    if call.excinfo is not None:
        reports[-1] = item.ihook.pytest_runtest_makereport(item=item, call=call)


def _verdict_line(nodeid, text):
    """The growth report's first line without the title: "leaks: 1 finding over 3 rounds"."""
    first = text.splitlines()[0] if text else ""
    return first[len(nodeid) + 2:] if first.startswith(nodeid + ": ") else first


class _LeakRepr:
    """A failed call's longrepr: the growth report, with the verdict as the crash message that
    pytest's short summary and JUnit XML show."""

    def __init__(self, text, message, location):
        self._text = text
        self.reprcrash = _Crash(message, location)

    def toterminal(self, tw):
        for line in self._text.rstrip("\n").splitlines():
            tw.line(line)

    def __str__(self):
        return self._text


class _Crash:
    def __init__(self, message, location):
        self.message = message
        self.path = location[0]
        self.lineno = location[1]


class LeakScopePlugin:
    def __init__(self, config, rounds, warmup):
        self._config = config
        self._rounds = rounds
        self._warmup = warmup
        self._fail = config.getoption("leakscope_mode") == "fail"
        self._precheck = config.getoption("leakscope_precheck") == "on"
        self.captured = []  # node ids of the tests whose fingerprint grew in every round
        self.leaking = []  # (node id, growth text) in the order the tests ran

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_finish(self, session):
        # What start-up and collection left behind takes two collections to go (objects that a
        # finalizer or weakref callback of the first one releases): settled here, else the first
        # test's first round would see it go and could hide a leak in that test.
        gc.collect()
        gc.collect()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        reports, growth = self._run_series(item, nextitem)
        if growth is not None:
            self._verdict(item, reports, growth)
        for report in reports:
            item.ihook.pytest_runtest_logreport(report=report)
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        return True

    def _run_series(self, item, nextitem):
        """Runs item warmup + rounds times; returns the last run's reports and the growth found, or
        None when the test did not pass every run (it is then reported as it ran) or did not leak.

        With the pre-check (the default), the heap is not captured in between but fingerprinted
        (_Series.fingerprint(): the references that no gc-tracked object accounts for, which a leaked
        object or a leaked reference raises by one), for a small fraction of a capture's cost. Only a test whose fingerprint grows in every round is
        captured: it runs rounds more times, the runs so far serving as its warm-up, with a capture
        after each, and the growth analysis of those snapshots decides.
        """
        warmup, rounds, nodeid = self._warmup, self._rounds, item.nodeid
        series = leakscope._Series(nodeid, rounds + 1, True)
        fingerprints = self._precheck

        def mark(measured):
            if fingerprints:
                series.fingerprint()
            elif measured == 0:
                series.capture(f"{nodeid}: warm-up")
            else:
                series.capture(f"{nodeid}: round {measured}/{rounds}")

        if warmup == 0:
            mark(0)
        reports = None
        for run in range(warmup + rounds):
            reports, failed = _run_once(item, nextitem)
            if failed:
                return reports, None
            if run + 1 >= warmup:
                mark(run + 1 - warmup)
        if fingerprints:
            if not series.fingerprints_grow():
                _close(item, nextitem, reports)
                return reports, None
            self.captured.append(nodeid)
            series = leakscope._Series(nodeid, rounds + 1, True)
            fingerprints = False
            mark(0)
            for run in range(rounds):
                reports, failed = _run_once(item, nextitem)
                if failed:
                    return reports, None
                mark(run + 1)
        _close(item, nextitem, reports)
        if not series.leaks():
            return reports, None
        series.finish()  # a leaking test's snapshots go where leakscope.snapshot()'s go
        return reports, series.report(nodeid)

    def _verdict(self, item, reports, growth):
        text = growth["text"]
        self.leaking.append((item.nodeid, text))
        call = next((report for report in reports if report.when == "call"), None)
        if call is None:
            return
        if self._fail:
            call.outcome = "failed"
            call.longrepr = _LeakRepr(text, _verdict_line(item.nodeid, text), item.location)
        else:
            call.sections.append(("leakscope", text))
            warnings.warn_explicit(LeakScopeWarning(text), LeakScopeWarning, item.location[0], (item.location[1] or 0) + 1)

    def pytest_report_header(self, config):
        mode = "fail" if self._fail else "report"
        precheck = "on" if self._precheck else "off"
        return (f"leakscope: {self._warmup} warm-up and {self._rounds} measured runs per test, mode {mode}, "
                f"pre-check {precheck}")

    def pytest_terminal_summary(self, terminalreporter):
        if self._precheck and (self.captured or terminalreporter.verbosity > 0):
            count = len(self.captured)
            terminalreporter.write_line(
                f"leakscope: {count} test{'s' if count != 1 else ''} captured after the pre-check "
                "(heap fingerprint grew in every round)")
        if not self.leaking:
            return
        count = len(self.leaking)
        terminalreporter.write_sep("=", f"leakscope: {count} leaking test{'s' if count != 1 else ''}",
                                   red=self._fail, yellow=not self._fail)
        for nodeid, text in self.leaking:
            terminalreporter.write_line(f"{nodeid}: {_verdict_line(nodeid, text)}")
