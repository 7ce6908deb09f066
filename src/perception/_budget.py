"""A time budget for each plugin call, kept with ``SIGALRM`` (private).

Inside :func:`limit` (on the main thread of a process, on a system with
:func:`signal.setitimer`), :func:`bounded` runs a plugin call and, when the call has run
longer than the budget, raises an exception into it from the ``SIGALRM`` handler; the
call is then reported as a ``TimeoutError`` of that plugin.  Outside :func:`limit`,
:func:`bounded` only calls.

The budget counts a call's own time: a scorer that asks for a message's checks does not
spend its budget on them, each check is bounded by its own, and the check that hangs is
the one reported.  One interval timer serves every nested call: it is armed when the
outermost call starts, for the budget (no call can have spent more before then); when it
fires, the innermost call (the only one whose clock runs) is stopped if it is over its
budget, or the timer is armed again for the rest of it.

What cannot be bounded: code in a C extension that holds the GIL and does not return to
the interpreter (the handler runs between bytecodes of the main thread), and calls on any
other thread (Python runs signal handlers on the main thread only).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import attrs

__all__ = ["available", "bounded", "budgeted", "limit"]

T = TypeVar("T")

#: The timer is never armed for less than this (setitimer treats 0 as "disarm").
_MIN_DELAY = 0.001


@attrs.define(eq=False)
class _Call:
    """One plugin call in progress."""

    started: float
    nested: float = 0.0  # seconds spent in calls made from this one (not counted)
    running: bool = True
    stopped: bool = False  # told to stop at least once (even if it swallowed that)

    def spent(self, now: float) -> float:
        return now - self.started - self.nested


class _Expired(BaseException):  # not an error: the signal to stop one call
    """Raised into a call that ran past its budget (a BaseException, so that a plugin's
    ``except Exception`` does not swallow it)."""

    def __init__(self, call: _Call) -> None:
        super().__init__()
        self.call = call


#: The budget in seconds while :func:`limit` is active in this process, else None.
_budget: float | None = None
_calls: list[_Call] = []


def available() -> bool:
    """Whether a budget can be kept here: POSIX interval timers, on the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _arm(seconds: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(seconds, _MIN_DELAY))


def _disarm() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)


def _on_alarm(_signum: int, _frame: object) -> None:
    if _budget is None or not _calls:
        return
    call = _calls[-1]
    left = _budget - call.spent(time.monotonic())
    if call.running and left <= 0:
        call.stopped = True
        _arm(_budget)  # raised again if the plugin swallows this and carries on
        raise _Expired(call)
    _arm(left if call.running else _MIN_DELAY)


@contextlib.contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Bound every plugin call made inside to *seconds* of its own time (None: no bound).

    :raises ValueError: when *seconds* is not a positive number, or no budget can be
        kept here (see :func:`available`).
    """
    global _budget  # noqa: PLW0603  # one budget per process, as there is one SIGALRM
    if seconds is None:
        yield
        return
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"time_budget must be a positive number of seconds, not {seconds!r}")
    if not available():
        msg = (
            "time_budget needs the main thread of a process on a system with interval "
            "timers (POSIX): plugin calls on other threads cannot be stopped from outside"
        )
        raise ValueError(msg)
    if _budget is not None:  # already bounded (a batch inside a batch): keep the outer
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _budget = seconds
    try:
        yield
    finally:
        _budget = None
        _disarm()
        _calls.clear()
        signal.signal(signal.SIGALRM, previous)


def budgeted() -> bool:
    """Whether a time budget is in force (plugin calls go through :func:`bounded`)."""
    return _budget is not None


def bounded(call: Callable[[], T], what: str) -> T:
    """``call()``, stopped with ``TimeoutError`` naming *what* past the budget."""
    if _budget is None:
        return call()
    budget = _budget
    record = _Call(started=time.monotonic())
    _calls.append(record)
    outermost = len(_calls) == 1
    expired = False
    try:
        if outermost:
            _arm(budget)
        result = call()
        record.running = False
        expired = record.stopped  # it caught the stop and went on: still over its budget
    except _Expired as exc:
        if exc.call is not record:
            raise
        expired = True
    finally:
        record.running = False
        now = time.monotonic()
        if not outermost:
            _calls[-2].nested += now - record.started
        _calls.pop()
        if outermost:
            _disarm()
        elif expired:  # the timer fired for this call: set it for the caller's rest
            _arm(budget - _calls[-1].spent(now))
    if expired:
        msg = f"{what} took longer than its time budget of {budget:g} s and was stopped"
        raise TimeoutError(msg)
    return result
