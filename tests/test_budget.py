"""The per-plugin time budget of batch runs: a plugin that hangs is stopped and reported
as that plugin's failure; the others' results are kept."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

import pytest

from perception import Finding, Signal, assess_many, check_many, hookimpl
from perception.batch import time_budget
from perception.plugins import get_plugin_manager
from perception.testing import T0, make_account, message

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "setitimer"), reason="the budget is kept with POSIX interval timers"
)


class Sleeper:
    """A check that sleeps far longer than any budget (a blocking call)."""

    name = "sleeper"
    description = "never answers in time"

    def check(self, message, ctx):
        time.sleep(60)
        return []


class Spinner:
    """A check that loops forever in Python code."""

    name = "spinner"
    description = "loops forever"

    def check(self, message, ctx):
        while True:
            pass


class Swallower:
    """A check that swallows everything it can, then hangs again."""

    name = "swallower"
    description = "catches the stop and carries on"

    def check(self, message, ctx):
        for _ in range(3):
            with contextlib.suppress(BaseException):  # the point of this plugin
                time.sleep(60)
        return []


class Quick:
    """A check that answers at once."""

    name = "quick"
    description = "always finds something"

    def check(self, message, ctx):
        yield Finding(check=self.name, severity="info", message="seen")


class AsksForChecks:
    """A scorer that asks for the checks of every message and is itself quick."""

    name = "asks"
    description = "reads the checks' findings"

    def score(self, account, ctx):
        for interaction in account.interactions:
            ctx.check(interaction)
        yield Signal(scorer=self.name, dimension="empathy", value=0.1, explanation="asked")


class Plugin:
    def __init__(self, *checks, scorers=()):
        self.checks = checks
        self.scorers = scorers

    @hookimpl
    def perception_register_checks(self, register):
        for check in self.checks:
            register(check)

    @hookimpl
    def perception_register_scorers(self, register):
        for scorer in self.scorers:
            register(scorer)


def manager(*checks, scorers=()):
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Plugin(*checks, scorers=scorers))
    return pm


def failed(report_or_outcome):
    return {f.plugin: f.error for f in report_or_outcome.failures}


@pytest.mark.parametrize("hanging", [Sleeper(), Spinner(), Swallower()], ids=lambda c: c.name)
@pytest.mark.parametrize("workers", [1, 2])
def test_a_hanging_check_is_stopped_and_reported(hanging, workers):
    pm = manager(hanging, Quick())
    started = time.monotonic()
    reports = list(
        check_many(["Hello there.", "Thanks!"], workers=workers, plugins=pm, time_budget=0.2)
    )
    assert time.monotonic() - started < 30
    for report in reports:
        assert "TimeoutError" in failed(report)[hanging.name]
        assert "time budget of 0.2 s" in failed(report)[hanging.name]
        assert [f.check for f in report.findings if f.check == "quick"] == ["quick"]


def test_a_check_that_hangs_under_a_scorer_is_blamed_not_the_scorer():
    pm = manager(Sleeper(), scorers=(AsksForChecks(),))
    account = make_account(interactions=[message("m1", "Where is my order?")])
    (outcome,) = assess_many([account], as_of=T0, plugins=pm, time_budget=0.3)
    assert "TimeoutError" in failed(outcome)["sleeper"]
    assert "asks" not in failed(outcome)
    assert any(s.scorer == "asks" for s in outcome.signals)


def test_with_strict_the_timeout_is_raised():
    pm = manager(Sleeper())
    with pytest.raises(TimeoutError, match="check 'sleeper' took longer than its time budget"):
        list(check_many(["Hello."], plugins=pm, strict=True, time_budget=0.1))


def test_without_a_budget_nothing_is_bounded_and_no_handler_is_installed():
    before = signal.getsignal(signal.SIGALRM)
    with time_budget(None):
        assert signal.getsignal(signal.SIGALRM) is before
    reports = list(check_many(["Hello."], plugins=manager(Quick())))
    assert not reports[0].failures


def test_the_previous_alarm_handler_is_restored():
    def mine(signum, frame):
        pass

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        with time_budget(1.0):
            assert signal.getsignal(signal.SIGALRM) is not mine
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("seconds", [0, -1, float("inf"), float("nan")])
def test_a_budget_must_be_a_positive_number(seconds):
    with pytest.raises(ValueError, match="positive number of seconds"), time_budget(seconds):
        pass


def test_a_budget_cannot_be_kept_off_the_main_thread():
    errors = []

    def run():
        try:
            with time_budget(1.0):
                pass
        except ValueError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert errors
    assert "main thread" in errors[0]


def test_quick_plugins_are_not_disturbed_by_a_budget():
    pm = manager(Quick())
    texts = [f"Message {i}." for i in range(200)]
    with_budget = list(check_many(texts, plugins=pm, time_budget=5.0))
    assert with_budget == list(check_many(texts, plugins=pm))
