"""Many accounts or messages at once: the batch paths over the engine.

:func:`assess_many`, :func:`assess_file` and :func:`check_many` spread the engine's work
over processes (see ``docs/how-to/batch.md``); :func:`trajectory` assesses one account at
several moments.  The engine itself knows nothing of batches.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from perception import _parallel, _wire
from perception.config import Config, default_config
from perception.engine import Plugins, _check_aware, _now, _registry, _reply_to, assess, check
from perception.model import Account, Customer, Interaction
from perception.outcome import MessageReport, PerceivedOutcome
from perception.text import DEFAULT_CHUNK_CHARS

__all__ = ["assess_file", "assess_many", "check_many", "trajectory"]


def _assess_batch(options: dict[str, Any], accounts: list[Account]) -> list[PerceivedOutcome]:
    return [assess(account, **options) for account in accounts]


def _assess_shared(
    state: tuple[dict[str, Any], Sequence[Account]], indices: list[int]
) -> list[PerceivedOutcome]:
    options, accounts = state
    return [assess(accounts[i], **options) for i in indices]


def _assess_lines(
    options: dict[str, Any], items: list[tuple[str, int, str]]
) -> list[PerceivedOutcome]:
    from perception.io import account_from_line  # noqa: PLC0415  # cattrs loads on first use

    return [
        assess(account_from_line(line, source=f"{source}:{number}"), **options)
        for source, number, line in items
    ]


def _outcomes_packed(
    state: tuple[Callable[[Any, list[Any]], list[PerceivedOutcome]], Any], batch: list[Any]
) -> list[Any]:
    work, inner = state
    return _wire.pack_outcomes(work(inner, batch))


def _assess_job(
    work: Callable[[Any, list[Any]], list[PerceivedOutcome]], state: Any
) -> _parallel.Job[Any, PerceivedOutcome]:
    """Run ``work(state, batch)`` here, or in a child that sends the outcomes packed."""
    return _parallel.Job(
        local=functools.partial(work, state),
        remote=_outcomes_packed,
        unpack=_wire.unpack_outcomes,
        state=(work, state),
    )


def _batch_options(
    as_of: datetime | None,
    config: Config | None,
    plugins: Plugins,
    *,
    strict: bool,
    plan: bool,
) -> dict[str, Any]:
    """The keyword arguments of :func:`assess` shared by every account of a batch."""
    return {
        "as_of": _check_aware(as_of) if as_of is not None else _now(),
        "config": config if config is not None else default_config(),
        "plugins": _registry(plugins),
        "strict": strict,
        "plan": plan,
    }


def assess_many(
    accounts: Iterable[Account],
    *,
    workers: int = 1,
    chunksize: int = 8,
    as_of: datetime | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    plan: bool = False,
) -> Iterator[PerceivedOutcome]:
    """Assess many accounts, yielding outcomes in input order as they are ready.

    Accounts are read from *accounts* lazily, so a generator over a large JSONL file is
    processed in constant memory.  With ``workers > 1`` the work is spread over that
    many processes: this one and ``workers - 1`` children, to which the registry and
    config are sent once, so plugins registered in-process must be picklable
    (module-level classes are).  An error (with ``strict=True``, or from reading
    *accounts*) is raised once the outcomes of the batches before it have been yielded;
    a child that dies raises :class:`~perception.errors.WorkerDiedError`.

    When *accounts* is a sequence (a list of loaded accounts) and child processes are
    forked (the default on Linux), the children read the accounts from the memory they
    share with this process instead of receiving each one; the sequence is read as it
    was when iteration began.

    :param workers: processes to use, this one included; 1 runs in this process.
    :param chunksize: accounts handed to a process at a time (>= 1).
    :return: an iterator of outcomes, one per account, in the same order.
    """
    options = _batch_options(as_of, config, plugins, strict=strict, plan=plan)
    if workers > 1 and isinstance(accounts, Sequence) and _parallel.start_method() == "fork":
        shared = tuple(accounts)
        job = _assess_job(_assess_shared, (options, shared))
        yield from _parallel.ordered_map(
            job, range(len(shared)), workers=workers, chunksize=chunksize
        )
        return
    job = _assess_job(_assess_batch, options)
    yield from _parallel.ordered_map(job, accounts, workers=workers, chunksize=chunksize)


def assess_file(
    path: str | Path,
    *,
    workers: int = 1,
    chunksize: int = 8,
    as_of: datetime | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    plan: bool = False,
) -> Iterator[PerceivedOutcome]:
    """Assess every account of a JSON or JSONL file, yielding outcomes in file order.

    A JSONL file is streamed in constant memory.  With ``workers > 1`` the lines
    themselves are handed out: each process parses, validates and assesses its own, so
    reading the input runs in parallel too (with :func:`assess_many` over
    :func:`~perception.io.iter_accounts`, this process would parse every account and
    send it on).  A ``.json`` file is read whole first.

    The first invalid record raises :class:`~perception.errors.ValidationError` naming
    the file, the line and every problem of that record, once the outcomes of the
    batches before it have been yielded.  Use :func:`~perception.io.load_accounts` to
    validate a whole file first.  The other keywords are those of :func:`assess_many`.
    """
    from perception.io import iter_accounts, jsonl_lines  # noqa: PLC0415  # loads cattrs

    options = _batch_options(as_of, config, plugins, strict=strict, plan=plan)
    path = Path(path)
    if workers == 1 or path.suffix.lower() != ".jsonl":
        yield from assess_many(iter_accounts(path), workers=workers, chunksize=chunksize, **options)
        return
    if not path.is_file():
        list(iter_accounts(path))  # raises the same "no such file" error as the loaders
    items = ((str(path), number, line) for number, line in jsonl_lines(path))
    job = _assess_job(_assess_lines, options)
    yield from _parallel.ordered_map(job, items, workers=workers, chunksize=chunksize)


def _check_batch(options: dict[str, Any], texts: list[str]) -> list[MessageReport]:
    return [check(text, **options) for text in texts]


def _check_packed(options: dict[str, Any], texts: list[str]) -> list[Any]:
    return _wire.pack_reports(check(text, **options) for text in texts)


def check_many(
    texts: Iterable[str],
    *,
    workers: int = 1,
    chunksize: int = 64,
    account: Account | None = None,
    customer: Customer | None = None,
    reply_to: Interaction | str | None = None,
    recipient: str | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
) -> Iterator[MessageReport]:
    """Check many messages with the same context, yielding reports in input order.

    With ``workers > 1`` the messages are spread over that many processes, *chunksize*
    at a time: the calling process and ``workers - 1`` child processes, to which the
    registry and config are sent once (plugins registered in-process must be
    picklable).  Messages are read from *texts* lazily.  The other keywords are those
    of :func:`check`; a ``reply_to`` id is looked up once, in the calling process.
    """
    options = {
        "account": account,
        "customer": customer,
        "reply_to": _reply_to(account, reply_to),
        "recipient": recipient,
        "config": config if config is not None else default_config(),
        "plugins": _registry(plugins),
        "strict": strict,
        "chunk_chars": chunk_chars,
    }
    job = _parallel.Job(
        local=functools.partial(_check_batch, options),
        remote=_check_packed,
        unpack=_wire.unpack_reports,
        state=options,
    )
    yield from _parallel.ordered_map(job, texts, workers=workers, chunksize=chunksize)


def trajectory(
    account: Account,
    *,
    as_of: datetime,
    points: int = 8,
    span_days: float = 120.0,
    config: Config | None = None,
    plugins: Plugins = None,
) -> list[tuple[datetime, float]]:
    """The account's score at *points* moments over the *span_days* before *as_of*.

    Each point is a full assessment as of that moment (later records ignored), so the
    curve shows how the perceived outcome moved.  The span starts no earlier than the
    account's first record.
    """
    first = _first_record(account)
    start = as_of - timedelta(days=span_days)
    if first is not None and first > start:
        start = min(first, as_of)
    points = max(2, points)
    step = (as_of - start) / (points - 1)
    result: list[tuple[datetime, float]] = []
    for index in range(points):
        moment = start + step * index
        outcome = assess(account, as_of=moment, config=config, plugins=plugins)
        result.append((moment, outcome.score))
    return result


def _first_record(account: Account) -> datetime | None:
    times = [i.at for i in account.interactions] + [f.at for f in account.feedback]
    times += [d.delivered_at for d in account.deliverables if d.delivered_at is not None]
    return min(times) if times else None
