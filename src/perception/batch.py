"""Many accounts or messages at once: a plain unit of work, and a local pool over it.

The unit of work is plain data in, plain data out.  :func:`assess_lines` takes JSONL
lines of accounts and :func:`check_texts` message texts, each with a :class:`Settings`
record (the moment, the configuration, the plugins by name, ...) that pickles and
converts to JSON.  The process that runs them builds its own plugin registry from the
names in the settings, once, and returns results in the documented JSON form, so any
engine that can call a function on a list of strings can carry the work: the local pool
below, Dask (:mod:`perception.dask`), or another.

:func:`assess_many`, :func:`assess_file` and :func:`check_many` spread the engine's work
over local processes (a :class:`~concurrent.futures.ProcessPoolExecutor`) and yield
records in input order; :func:`trajectory` assesses one account at several moments.
The engine itself knows nothing of batches.  See ``docs/how-to/batch.md``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pluggy

from perception import _budget, _pool, _wire
from perception._frozen import frozen_map
from perception.calibration import CalibrationModel, calibration_from_json, load_calibration
from perception.config import Config, default_config
from perception.engine import Plugins, _check_aware, _now, _registry, _reply_to, assess, check
from perception.errors import Problem, ValidationError
from perception.model import Account, Customer, Interaction
from perception.outcome import MessageReport, PerceivedOutcome
from perception.plugins import (
    Registry,
    default_plugin_manager,
    get_plugin_manager,
    get_registry,
    plugin_names,
)
from perception.text import DEFAULT_CHUNK_CHARS, message

__all__ = [
    "RecordError",
    "Settings",
    "assess_file",
    "assess_lines",
    "assess_many",
    "check_many",
    "check_texts",
    "time_budget",
    "trajectory",
]

#: A line to assess: its text, or ``(source file, line number, text)``; text as ``str``,
#: or as the line's bytes (decoded as UTF-8 here, so a line that is not is reported).
Line = str | bytes | tuple[str, int, str | bytes]


def _aware(_: object, __: attrs.Attribute[Any], value: datetime) -> None:
    _check_aware(value)  # the same as_of as assess takes


def _budget_seconds(_: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not 0 < value < float("inf"):
        raise ValueError(f"{attribute.name} must be a positive number of seconds, not {value!r}")


def _optional_table(value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if value is not None and not isinstance(value, Mapping):
        msg = (
            "calibration must be the calibration document (the JSON a calibration file "
            f"holds), not {value!r}: read a file with Settings.create(calibration=PATH)"
        )
        raise TypeError(msg)
    return None if value is None else _table(value)


def _calibration_fields(
    calibration: str | Path | CalibrationModel | None, config: Config
) -> dict[str, Any]:
    """The calibration to carry in settings: its JSON document and where it came from."""
    if isinstance(calibration, (str, Path)):
        calibration = load_calibration(calibration)
    model = calibration if calibration is not None else config.calibration
    if model is None:
        return {"calibration": None, "calibration_source": ""}
    return {"calibration": model.to_json(), "calibration_source": model.source}


def _table(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return frozen_map(value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError(f"must be a list of names, not the string {value!r}")
    return tuple(value)


@attrs.frozen(kw_only=True, hash=False)
class Settings:
    """What a unit of batch work needs besides its input: plain values only.

    A settings record pickles and converts to JSON (:meth:`to_json`,
    :meth:`from_json`), so it can be sent to any process on any machine; the process
    that uses it loads the plugins it names (which must be installed there) and
    rebuilds the configuration from its table.  Build one for this process's plugins
    and configuration with :meth:`create`.

    Attributes:
        as_of: the moment every account is assessed at (timezone-aware).
        config: the configuration as the table a ``perception.toml`` holds
            (``disable``, ``weights``, ``bands``, ``options``); empty for the defaults.
        config_source: where the configuration came from, for error messages.
        calibration: the calibration the scores come from, as the document
            ``perception calibrate`` writes (:meth:`CalibrationModel.to_json`), carried
            whole so that no process needs the file; ``None`` for the default score.
        calibration_source: the file the calibration was read from, for its label and
            error messages.
        plugins: plugins to register besides the built-ins, in order, each by the name
            of an entry point of the ``perception`` group or by import path
            (``package.module`` or ``package.module:attribute``).
        entry_points: also load every plugin installed under the ``perception``
            entry-point group, as ``get_plugin_manager`` does.
        blocked: plugin names not to register (built-in ones included).
        strict: raise a plugin's error instead of reporting it in ``failures``.
        plan: plan follow-ups, into each outcome's ``followups``.
        time_budget: seconds each plugin call may run before it is stopped and reported
            as that plugin's failure (``TimeoutError``); ``None`` for no limit.  Kept
            only on a process's main thread on POSIX systems (see :func:`time_budget`).
    """

    as_of: datetime = attrs.field(validator=_aware)
    config: Mapping[str, Any] = attrs.field(factory=dict, converter=_table)
    config_source: str = "<defaults>"
    calibration: Mapping[str, Any] | None = attrs.field(default=None, converter=_optional_table)
    calibration_source: str = ""
    plugins: tuple[str, ...] = attrs.field(default=(), converter=_names)
    entry_points: bool = True
    blocked: tuple[str, ...] = attrs.field(default=(), converter=_names)
    strict: bool = False
    plan: bool = False
    time_budget: float | None = attrs.field(default=None, validator=_budget_seconds)

    @classmethod
    def create(
        cls,
        *,
        as_of: datetime | None = None,
        config: Config | None = None,
        plugins: pluggy.PluginManager | None = None,
        calibration: str | Path | CalibrationModel | None = None,
        strict: bool = False,
        plan: bool = False,
        time_budget: float | None = None,
    ) -> Settings:
        """Settings naming the plugins of *plugins* and holding *config*.

        :param as_of: default now.
        :param config: default the built-in defaults.
        :param plugins: a plugin manager (default: the process-wide one); each of its
            plugins is named by its entry point or module.
        :param calibration: a calibration file or model (default: the configuration's).
        :raises ValueError: when the manager holds a plugin registered in-process
            (an object, not a module or an entry point): no other process could load it.
        """
        pm = plugins if plugins is not None else default_plugin_manager()
        names = plugin_names(pm)
        if names is None:
            msg = (
                "the plugin manager holds a plugin registered in-process, which no other "
                "process can load by name: publish it as an entry point of the "
                "'perception' group, or register a module under its module name"
            )
            raise ValueError(msg)
        config = config if config is not None else default_config()
        return cls(
            as_of=_check_aware(as_of) if as_of is not None else _now(),
            config=config.to_mapping(),
            config_source=config.source,
            **_calibration_fields(calibration, config),
            plugins=names[0],
            entry_points=False,
            blocked=names[1],
            strict=strict,
            plan=plan,
            time_budget=time_budget,
        )

    def to_json(self) -> str:
        """These settings as one line of JSON."""
        from perception.io import converter  # noqa: PLC0415  # cattrs loads on first use

        return json.dumps(converter.unstructure(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        """Settings from :meth:`to_json`'s JSON; a ``ValidationError`` names each problem."""
        from perception.io import loads_json, structure  # noqa: PLC0415  # loads cattrs

        return structure(loads_json(text, "<settings>"), cls)


@attrs.frozen(kw_only=True)
class RecordError:
    """A record that could not be assessed, and where it is.

    Attributes:
        source: the file and line (``data/a.jsonl:17``).
        error: what went wrong, in words.
        problems: each problem of an invalid record, with its field.
    """

    source: str
    error: str
    problems: tuple[Problem, ...] = ()


def time_budget(seconds: float | None) -> AbstractContextManager[None]:
    """Bound each plugin call made inside the block to *seconds* of its own time.

    A call that runs longer is stopped and reported in the result's ``failures`` as a
    ``TimeoutError`` of that plugin (with ``strict=True``, raised).  The budget is kept
    with ``SIGALRM``: only on the main thread of a process on a POSIX system, and only
    while the plugin runs Python code (C code that holds the GIL cannot be stopped).
    ``None`` sets no bound.

    :raises ValueError: on another thread, or where interval timers do not exist.
    """
    if seconds is not None:
        _warm_up()
    return _budget.limit(seconds)


_warm: list[bool] = []


def _warm_up() -> None:
    """Load what every process loads once (nltk, the sentiment lexicon) outside any time
    budget: a budget that stopped a call half-way through an import would leave the
    module half-initialised for the rest of the process."""
    if not _warm:
        message("Warm up. Thanks!").sentence_scores  # noqa: B018  # computed for its loads
        _warm.append(True)


def _limit(seconds: float | None) -> AbstractContextManager[None]:
    return time_budget(seconds)  # the keyword of the batch functions hides the function


# -- The unit of work ------------------------------------------------------------------

#: The configuration and registry built for the last settings used in this process.
_prepared: list[tuple[Settings, Registry | None, Config, Registry]] = []


def _prepare(settings: Settings, registry: Registry | None = None) -> tuple[Config, Registry]:
    """The configuration and registry of *settings* in this process (built once)."""
    if _prepared:
        last, given, config, built = _prepared[0]
        if given is registry and last == settings:
            return config, built
    config = Config.from_mapping(dict(settings.config), source=settings.config_source)
    if settings.calibration is not None:
        source = settings.calibration_source
        model = calibration_from_json(settings.calibration, source=source or "<settings>")
        if not source:  # a model built in memory: labelled as it is where it was built
            model = attrs.evolve(model, source="")
        config = attrs.evolve(config, calibration=model)
    if registry is not None:
        built = registry
    else:
        pm = get_plugin_manager(
            load_entrypoints=settings.entry_points,
            blocked=settings.blocked,
            plugins=settings.plugins,
        )
        built = get_registry(pm)
    _prepared[:] = [(settings, registry, config, built)]
    return config, built


def _numbered(lines: Iterable[Line]) -> Iterator[tuple[str, int, str | bytes]]:
    for position, line in enumerate(lines, start=1):
        yield line if isinstance(line, tuple) else ("<lines>", position, line)


def _record_error(source: str, exc: Exception) -> RecordError:
    if isinstance(exc, ValidationError):
        return RecordError(source=source, error=exc.summary, problems=exc.problems)
    return RecordError(source=source, error=f"{type(exc).__name__}: {exc}")


def _assess_one(
    account: Account, settings: Settings, config: Config, registry: Registry
) -> PerceivedOutcome:
    return assess(
        account,
        as_of=settings.as_of,
        config=config,
        plugins=registry,
        strict=settings.strict,
        plan=settings.plan,
    )


def _assess_each(
    items: Iterable[tuple[str, int, str | bytes]],
    settings: Settings,
    registry: Registry | None = None,
) -> Iterator[tuple[str, PerceivedOutcome | RecordError]]:
    """``(source, outcome or error)`` for each non-blank line, as each is done; a
    plugin's error raises (with ``strict``), an invalid record is reported."""
    from perception.io import account_from_line, decode_text  # noqa: PLC0415  # loads cattrs

    config, registry = _prepare(settings, registry)
    with time_budget(settings.time_budget):
        for source, number, line in items:
            if not line.strip():
                continue
            where = f"{source}:{number}"
            try:
                text = decode_text(line, source, line=number) if isinstance(line, bytes) else line
                account = account_from_line(text, source=where)
            except ValidationError as exc:
                yield where, _record_error(where, exc)
                continue
            yield where, _assess_one(account, settings, config, registry)


def _result_json(source: str, result: PerceivedOutcome | RecordError) -> str:
    """One line of JSON: ``{"source": ..., "outcome": {...}}`` or ``{"source": ...,
    "error": ..., "problems": [...]}`` (the form :func:`assess_lines` returns)."""
    from perception.io import to_jsonable  # noqa: PLC0415  # cattrs loads on first use

    if isinstance(result, RecordError):
        data = to_jsonable(result)
    else:
        data = {"source": source, "outcome": to_jsonable(result)}
    return json.dumps(data, ensure_ascii=False)


def assess_lines(lines: Iterable[Line], settings: Settings) -> list[str]:
    """Assess the accounts on JSONL *lines*: one line of JSON result for each.

    The plain unit of batch work: strings in, strings out, *settings* alone say how
    (this process builds the plugin registry they name, once).  Each line is given as
    its text, or as ``(source file, line number, text)`` so that results and problems
    name where the record came from; blank lines are skipped.  Each result is
    ``{"source": "FILE:LINE", "outcome": {...}}`` with the outcome in the JSON form of
    ``perception.io.dump_json``, or, for a record that is not a valid account,
    ``{"source": "FILE:LINE", "error": ..., "problems": [...]}``: nothing is dropped.

    A plugin's error is raised when ``settings.strict``; an invalid configuration raises
    ``ConfigError``, and a named plugin that cannot be loaded ``PerceptionError``.
    """
    return [_result_json(s, r) for s, r in _assess_each(_numbered(lines), settings)]


def check_texts(
    texts: Iterable[str],
    settings: Settings,
    *,
    account: Account | None = None,
    customer: Customer | None = None,
    reply_to: Interaction | str | None = None,
    recipient: str | None = None,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
) -> list[str]:
    """Check each message of *texts*: one line of JSON report for each, in order.

    The unit of work of :func:`check_many`, in the JSON form of
    ``perception.io.dump_json``.  The keywords are those of :func:`perception.check`;
    ``settings.as_of`` and ``settings.plan`` do not apply to checks.
    """
    from perception.io import to_jsonable  # noqa: PLC0415  # cattrs loads on first use

    reports = _check_each(
        list(texts),
        settings,
        None,
        _check_options(account, customer, reply_to, recipient, chunk_chars),
    )
    return [json.dumps(to_jsonable(report), ensure_ascii=False) for report in reports]


def _check_options(
    account: Account | None,
    customer: Customer | None,
    reply_to: Interaction | str | None,
    recipient: str | None,
    chunk_chars: int,
) -> dict[str, Any]:
    return {
        "account": account,
        "customer": customer,
        "reply_to": _reply_to(account, reply_to),
        "recipient": recipient,
        "chunk_chars": chunk_chars,
    }


def _check_each(
    texts: list[str], settings: Settings, registry: Registry | None, options: dict[str, Any]
) -> list[MessageReport]:
    config, registry = _prepare(settings, registry)
    with time_budget(settings.time_budget):
        return [
            check(text, config=config, plugins=registry, strict=settings.strict, **options)
            for text in texts
        ]


# -- The local pool --------------------------------------------------------------------


@attrs.frozen(kw_only=True, eq=False)
class _Job:
    """What every worker of one local run is started with."""

    settings: Settings
    #: The registry itself, when its plugins cannot be named (registered in-process).
    registry: Registry | None = None
    #: Accounts the workers read by position (inherited where workers are forked).
    accounts: Sequence[Account] | None = None
    #: Options of check().
    check_options: dict[str, Any] = attrs.field(factory=dict)


def _setup(job: _Job) -> _Job:
    # Once, when the worker starts; an error here (a plugin that does not load) is left
    # for the first batch to raise, in its place, rather than breaking the pool.
    with contextlib.suppress(Exception):
        _prepare(job.settings, job.registry)
    return job


def _job(
    as_of: datetime | None,
    config: Config | None,
    plugins: Plugins,
    *,
    strict: bool,
    plan: bool,
    time_budget: float | None,
) -> _Job:
    """The job of a local run: plugins by name where they have names, else the registry."""
    pm = default_plugin_manager() if plugins is None else plugins
    if isinstance(pm, Registry) and pm is get_registry(default_plugin_manager()):
        pm = default_plugin_manager()  # the default registry, as the command line passes it
    names = plugin_names(pm) if isinstance(pm, pluggy.PluginManager) else None
    config = config if config is not None else default_config()
    settings = Settings(
        as_of=_check_aware(as_of) if as_of is not None else _now(),
        config=config.to_mapping(),
        config_source=config.source,
        **_calibration_fields(None, config),
        plugins=names[0] if names else (),
        entry_points=False,
        blocked=names[1] if names else (),
        strict=strict,
        plan=plan,
        time_budget=time_budget,
    )
    return _Job(settings=settings, registry=None if names else _registry(plugins))


def _assess_in_worker(batch: list[Any]) -> tuple[list[Any], tuple[BaseException, str] | None]:
    """Assess a batch (accounts, positions or numbered lines) in a worker: the outcomes
    packed, and the error that stopped the batch, if any (raised after them)."""
    from perception.io import account_from_line  # noqa: PLC0415  # cattrs loads on first use

    job: _Job = _pool.worker_state()
    settings = job.settings
    config, registry = _prepare(settings, job.registry)
    outcomes: list[PerceivedOutcome] = []
    try:
        with time_budget(settings.time_budget):
            for item in batch:
                if isinstance(item, int) and job.accounts is not None:
                    account = job.accounts[item]
                elif isinstance(item, tuple):
                    source, number, line = item
                    account = account_from_line(line, source=f"{source}:{number}")
                else:
                    account = item
                outcomes.append(_assess_one(account, settings, config, registry))
    except Exception as exc:  # noqa: BLE001  # raised in the calling process, in its place
        return _wire.pack_outcomes(outcomes), _pool.portable(exc)
    return _wire.pack_outcomes(outcomes), None


def _unpack_outcomes(
    packed: tuple[list[Any], tuple[BaseException, str] | None],
) -> Iterator[PerceivedOutcome]:
    flat, failure = packed
    yield from _wire.unpack_outcomes(flat)
    if failure is not None:
        error, text = failure
        raise error from _pool.RemoteTraceback(text)


def _check_in_worker(batch: list[str]) -> list[Any]:
    job: _Job = _pool.worker_state()
    return _wire.pack_reports(_check_each(batch, job.settings, job.registry, job.check_options))


def _in_order(
    work: Callable[[list[Any]], Any],
    items: Iterable[Any],
    job: _Job,
    unpack: Callable[[Any], Iterable[Any]],
    *,
    workers: int,
    chunksize: int,
) -> Iterator[Any]:
    return _pool.ordered_map(
        work, items, workers=workers, chunksize=chunksize, setup=_setup, state=job, unpack=unpack
    )


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
    time_budget: float | None = None,
) -> Iterator[PerceivedOutcome]:
    """Assess many accounts, yielding outcomes in input order as they are ready.

    Accounts are read from *accounts* lazily, so a generator over a large JSONL file is
    processed in constant memory.  With ``workers > 1`` the work is spread over that
    many worker processes.  Each builds its plugin registry from the plugins' names
    (see :class:`Settings`); plugins registered in-process as objects have no name, and
    the registry itself is sent to the workers instead (it must pickle: instances of
    module-level classes do).  An error (with ``strict=True``, or from reading
    *accounts*) is raised once the outcomes before it have been yielded; a worker that
    dies raises :class:`~perception.errors.WorkerDiedError`.

    When *accounts* is a sequence (a list of loaded accounts) and worker processes are
    forked (the default on Linux), the workers read the accounts from the memory they
    share with this process instead of receiving each one; the sequence is read as it
    was when iteration began.

    :param workers: worker processes; 1 runs in this process.
    :param chunksize: accounts handed to a worker at a time (>= 1).
    :param time_budget: seconds each plugin call may run before it is stopped and
        reported as that plugin's failure (see :func:`time_budget`).
    :return: an iterator of outcomes, one per account, in the same order.
    """
    _pool.check_sizes(workers, chunksize)
    if workers == 1:
        config = config if config is not None else default_config()
        registry = _registry(plugins)
        as_of = _check_aware(as_of) if as_of is not None else _now()
        for account in accounts:
            with _limit(time_budget):
                outcome = assess(
                    account, as_of=as_of, config=config, plugins=registry, strict=strict, plan=plan
                )
            yield outcome
        return
    job = _job(as_of, config, plugins, strict=strict, plan=plan, time_budget=time_budget)
    items: Iterable[Any] = accounts
    if isinstance(accounts, Sequence) and _pool.start_method() == "fork":
        job = attrs.evolve(job, accounts=tuple(accounts))
        items = range(len(job.accounts or ()))
    yield from _in_order(
        _assess_in_worker, items, job, _unpack_outcomes, workers=workers, chunksize=chunksize
    )


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
    time_budget: float | None = None,
) -> Iterator[PerceivedOutcome]:
    """Assess every account of a JSON or JSONL file, yielding outcomes in file order.

    A JSONL file is streamed in constant memory.  With ``workers > 1`` the lines
    themselves are handed out: each worker parses, validates and assesses its own, so
    reading the input runs in parallel too.  A ``.json`` file is read whole first.

    The first invalid record raises :class:`~perception.errors.ValidationError` naming
    the file, the line and every problem of that record, once the outcomes before it
    have been yielded.  Use :func:`~perception.io.load_accounts` to validate a whole
    file first.  The other keywords are those of :func:`assess_many`.
    """
    from perception.io import iter_accounts, jsonl_lines  # noqa: PLC0415  # loads cattrs

    _pool.check_sizes(workers, chunksize)
    path = Path(path)
    options: dict[str, Any] = {
        "as_of": as_of,
        "config": config,
        "plugins": plugins,
        "strict": strict,
        "plan": plan,
        "time_budget": time_budget,
    }
    if workers == 1 or path.suffix.lower() != ".jsonl":
        yield from assess_many(iter_accounts(path), workers=workers, chunksize=chunksize, **options)
        return
    if not path.is_file():
        list(iter_accounts(path))  # raises the same "no such file" error as the loaders
    job = _job(as_of, config, plugins, strict=strict, plan=plan, time_budget=time_budget)
    items = ((str(path), number, line) for number, line in jsonl_lines(path))
    yield from _in_order(
        _assess_in_worker, items, job, _unpack_outcomes, workers=workers, chunksize=chunksize
    )


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
    time_budget: float | None = None,
) -> Iterator[MessageReport]:
    """Check many messages with the same context, yielding reports in input order.

    With ``workers > 1`` the messages are spread over that many worker processes,
    *chunksize* at a time, as :func:`assess_many` spreads accounts.  Messages are read
    from *texts* lazily.  The other keywords are those of :func:`perception.check`; a
    ``reply_to`` id is looked up once, in the calling process.
    """
    _pool.check_sizes(workers, chunksize)
    options = _check_options(account, customer, reply_to, recipient, chunk_chars)
    if workers == 1:
        config = config if config is not None else default_config()
        registry = _registry(plugins)
        for text in texts:
            with _limit(time_budget):
                report = check(text, config=config, plugins=registry, strict=strict, **options)
            yield report
        return
    job = _job(None, config, plugins, strict=strict, plan=False, time_budget=time_budget)
    job = attrs.evolve(job, check_options=options)
    yield from _in_order(
        _check_in_worker, texts, job, _wire.unpack_reports, workers=workers, chunksize=chunksize
    )


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
