"""Calling a plugin, and checking what it returns before it is used (private).

Records validate themselves when they are built, but a plugin can still hand back one
that is wrong for where it is used (a signal under another scorer's name, a follow-up for
another account, a span past the end of the message) or one changed after it was built.
Each function returns the problem in words, or ``None``; the engine reports a problem as
the plugin's failure, like an exception it raised.  The checks are a few comparisons per
record, cheap beside the work of producing it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from perception._budget import bounded, budgeted
from perception.context import CheckContext, PolicyContext
from perception.model import Account
from perception.outcome import (
    Finding,
    FollowUp,
    PerceivedOutcome,
    PluginFailure,
    Resolution,
    Signal,
)
from perception.plugins import Registered
from perception.text import Message

__all__ = [
    "finding_problem",
    "followup_problem",
    "resolution_of",
    "run_plugin",
    "signal_problem",
    "span_failure",
]

T = TypeVar("T")


def _evidence_problem(evidence: Iterable[object]) -> str | None:
    for item in evidence:
        if not isinstance(item, str):
            return f"evidence must be record ids (strings), not {type(item).__name__}"
    return None


def _within(value: object, low: float, high: float) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    )


def signal_problem(signal: Signal, scorer: str) -> str | None:
    """What is wrong with *signal* as a signal of the scorer named *scorer*."""
    if signal.scorer != scorer:
        return f"returned a signal named {signal.scorer!r}, not its own name {scorer!r}"
    if not _within(signal.value, -1.0, 1.0):
        return f"signal value must be a finite number in [-1, 1], not {signal.value!r}"
    if not _within(signal.weight, 0.0, math.inf):
        return f"signal weight must be a finite number >= 0, not {signal.weight!r}"
    if not _within(signal.confidence, 0.0, 1.0):
        return f"signal confidence must be in [0, 1], not {signal.confidence!r}"
    return _evidence_problem(signal.evidence)


def finding_problem(finding: Finding, check: str) -> str | None:
    """What is wrong with *finding* as a finding of the check named *check*.

    (A span past the end of the message is not a reason to drop the finding: the engine
    keeps the finding without the span and reports it.)
    """
    if finding.check != check:
        return f"returned a finding named {finding.check!r}, not its own name {check!r}"
    return _evidence_problem(finding.evidence)


def followup_problem(item: FollowUp, policy: str, account: str) -> str | None:
    """What is wrong with *item* as a follow-up of *policy* for the account *account*."""
    if item.policy != policy:
        return f"returned a follow-up named {item.policy!r}, not its own name {policy!r}"
    if item.account != account:
        return f"planned a follow-up for account {item.account!r} while planning {account!r}"
    return _evidence_problem(item.evidence)


def run_plugin(
    entry: Registered[Any],
    call: Callable[..., Iterable[T]],
    expected: type[T],
    failures: list[PluginFailure],
    *,
    strict: bool,
    verify: Callable[[T], str | None],
    args: tuple[Any, ...] = (),
) -> list[T]:
    """Call a plugin (``call(*args)``), check what it returns (its type, then *verify*),
    and record a failure in *failures* instead of raising; with *strict*, raise, noting
    the plugin.

    Inside a time budget (``perception.batch.time_budget``), a call that runs past it
    is stopped and reported as a ``TimeoutError`` of the plugin.
    """
    try:
        results = (
            list(call(*args))
            if not budgeted()
            else bounded(lambda: list(call(*args)), f"{entry.kind} {entry.name!r}")
        )
        for item in results:
            if not isinstance(item, expected):
                msg = f"returned {type(item).__name__}, not {expected.__name__}"
                raise TypeError(msg)  # reported like any plugin error
            problem = verify(item)
            if problem is not None:
                raise ValueError(problem)  # reported like any plugin error
    except Exception as exc:  # noqa: BLE001  # reported, or re-raised with strict (_failed)
        _failed(entry, exc, failures, strict=strict)
        return []
    return results


def _failed(
    entry: Registered[Any], exc: Exception, failures: list[PluginFailure], *, strict: bool
) -> None:
    """Record *exc* as the failure of *entry*'s plugin, or re-raise it, noted, with *strict*."""
    if strict:
        if hasattr(exc, "add_note"):
            exc.add_note(f"raised by {entry.kind} {entry.name!r} (plugin {entry.origin!r})")
        raise exc
    failures.append(
        PluginFailure(
            plugin=entry.name,
            kind=entry.kind,
            error=f"{type(exc).__name__}: {exc}",
            origin=entry.origin,
        )
    )


def applies(
    entry: Registered[Any],
    method: Callable[[Message, CheckContext[Any]], object],
    message: Message,
    ctx: CheckContext[Any],
    failures: list[PluginFailure],
    *,
    strict: bool,
) -> bool:
    """Whether the check of *entry* has anything to judge in *message*: its optional
    ``applies(message, ctx)`` method, *method*, says so (a check without one always
    applies; one that raises is reported and the check runs)."""
    try:
        return bool(method(message, ctx))
    except Exception as exc:  # noqa: BLE001  # reported, or re-raised with strict (_failed)
        _failed(entry, exc, failures, strict=strict)
        return True


def span_failure(entry: Registered[Any], start: int, end: int, length: int) -> PluginFailure:
    """The failure reported for a finding whose span lies past the end of the message."""
    error = f"ValueError: finding span {start}-{end} lies outside the message (length {length})"
    return PluginFailure(plugin=entry.name, kind=entry.kind, error=error, origin=entry.origin)


def resolution_of(
    entry: Registered[Any],
    ctx: PolicyContext[Any],
    view: Account,
    outcome: PerceivedOutcome,
    item: FollowUp,
    failures: list[PluginFailure],
    *,
    strict: bool,
) -> list[Resolution]:
    """The resolution of *item*, a pending follow-up its policy no longer plans, if any."""
    method = getattr(entry.obj, "resolution", None)

    def call() -> list[Resolution]:
        if method is None:
            reason: object = f"{entry.name} no longer plans it as of {ctx.as_of.date()}."
        else:
            reason = method(view, outcome, item, ctx)
        if reason is None:
            return []
        if not isinstance(reason, str):
            msg = f"resolution must return a string or None, not {type(reason).__name__}"
            raise TypeError(msg)  # reported like any plugin error
        return [Resolution(key=item.key, account=item.account, policy=item.policy, reason=reason)]

    return run_plugin(entry, call, Resolution, failures, strict=strict, verify=lambda _: None)
