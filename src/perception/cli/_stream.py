"""A portfolio read as a stream: accounts one at a time, outcomes paired with their
accounts, and a progress bar on a terminal."""

from __future__ import annotations

import collections
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs

from perception._validation import shown
from perception.errors import Problem, ValidationError
from perception.io import (
    iter_accounts,
    merged_account,
    read_interactions_located,
    unmerged_problems,
)
from perception.model import Account
from perception.outcome import PerceivedOutcome

T = TypeVar("T")

#: Bytes read at a time when counting the lines of a JSONL file.
_BLOCK = 1 << 20


def count_records(path: Path) -> int | None:
    """How many accounts *path* holds, when that is cheap to know: the lines of a JSONL
    file (counted without parsing them); ``None`` otherwise."""
    if path.suffix.lower() != ".jsonl":
        return None
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return None
    return lines + (last != b"\n")


def portfolio_stream(
    path: Path, interactions_csv: Path | None = None, *, account_id: str | None = None
) -> Iterator[Account]:
    """The accounts of *path*, one at a time (a JSONL file in constant memory), with the
    interactions of *interactions_csv* added; only *account_id* when it is given.

    The first invalid record raises :class:`~perception.errors.ValidationError` naming the
    file, the line and the field; so do interactions for an account the file does not have,
    at the end, and a missing *account_id*.
    """
    extra, sources = (
        read_interactions_located(interactions_csv) if interactions_csv is not None else ({}, {})
    )
    found = False
    for read in iter_accounts(path):
        more = extra.pop(read.id, None)
        if account_id is not None and read.id != account_id:
            continue
        found = True
        if not more:
            yield read
            continue
        try:
            merged = merged_account(read, more, sources.get(read.id, ()))
        except ValidationError as exc:
            summary = f"cannot merge {interactions_csv}"
            raise ValidationError(exc.problems, summary=summary) from None
        yield merged
    if account_id is not None and not found:
        message = f"no account with id {shown(account_id)}"
        problem = Problem(path="", message=message, source=str(path))
        raise ValidationError([problem], summary=f"no account {shown(account_id)} in {path}")
    if extra:
        problems = unmerged_problems(extra, sources, where=str(path))
        raise ValidationError(problems, summary=f"cannot merge {interactions_csv}")


@attrs.define
class Deferred:
    """Ends a stream at its first invalid record instead of raising there, so that the
    accounts before it are still assessed and written; :meth:`raise_if_any` raises it
    afterwards."""

    error: ValidationError | None = None

    def guard(self, items: Iterable[T]) -> Iterator[T]:
        """*items* until one raises :class:`~perception.errors.ValidationError`."""
        try:
            yield from items
        except ValidationError as exc:
            self.error = exc

    def raise_if_any(self) -> None:
        """Raise the error that ended the stream, if one did."""
        if self.error is not None:
            raise self.error


def paired(
    accounts: Iterable[Account],
    assess_all: Callable[[Iterable[Account]], Iterable[PerceivedOutcome]],
) -> Iterator[tuple[PerceivedOutcome, Account]]:
    """``(outcome, account)`` for each account, in order: *assess_all* is handed the
    accounts lazily and yields their outcomes in the same order; only the accounts being
    assessed are held."""
    pending: collections.deque[Account] = collections.deque()

    def feed() -> Iterator[Account]:
        for account in accounts:
            pending.append(account)
            yield account

    for outcome in assess_all(feed()):
        yield outcome, pending.popleft()


def show_progress(quiet: bool) -> bool:  # a flag passed straight on
    """Whether to draw a progress bar: standard error is a terminal and not *quiet*."""
    if quiet:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def with_progress(
    items: Iterable[T], *, total: int | None, enabled: bool, unit: str = "account"
) -> Iterable[T]:
    """*items*, drawing a progress bar (count, rate, time left) on standard error as they
    are taken, when *enabled*."""
    if not enabled:
        return items
    from tqdm import tqdm  # noqa: PLC0415  # loaded only for a terminal

    bar: Iterable[T] = tqdm(
        items,
        total=total,
        unit=f" {unit}s",
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.25,
        leave=False,
    )
    return bar
