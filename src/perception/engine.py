"""The engine: run the registered scorers, checks and policies.

Three entry points, each taking the same keyword options:

* :func:`assess` — an account's perceived outcome, explained;
* :func:`check` — findings on a message before it is sent;
* :func:`plan_followups` — dated follow-up actions for an account.

``plugins`` selects the plugins: a :class:`~perception.plugins.Registry`, a
:class:`pluggy.PluginManager`, or ``None`` for the process-wide default.  ``config`` is a
:class:`~perception.config.Config` (default: the built-in defaults; the CLI reads the
nearest ``perception.toml``).  A plugin that raises is reported in the result's
``failures`` with its name and the error, and the run goes on without it; with
``strict=True`` the error is raised instead.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pluggy

from perception import _parallel, _wire, science
from perception.config import Config
from perception.context import CheckContext, PolicyContext, ScoreContext
from perception.hookspecs import EvidenceKind
from perception.model import Account, Better, Customer, Direction, ExpectationKind, Interaction
from perception.outcome import (
    Band,
    Driver,
    Finding,
    FollowUp,
    FollowUpPlan,
    MessageReport,
    PerceivedOutcome,
    PluginFailure,
    Signal,
)
from perception.plugins import Registered, Registry, get_registry
from perception.text import DEFAULT_CHUNK_CHARS, Message
from perception.text import message as shared_message

__all__ = [
    "aggregate",
    "assess",
    "assess_file",
    "assess_many",
    "check",
    "check_many",
    "diagnose",
    "plan_followups",
]

T = TypeVar("T")
Plugins = Registry | pluggy.PluginManager | None

#: How many units of (weight x confidence) of evidence give a confidence of about 63%.
_CONFIDENCE_SCALE = 3.0
#: Neutral pseudo-evidence: old, faded evidence drifts the score towards 50.
_PRIOR_WEIGHT = 1.0
#: The newest evidence this many days old halves the freshness part of the confidence.
_FRESHNESS_HALF_LIFE_DAYS = 60.0
#: At most this many drivers are reported.
_MAX_DRIVERS = 3
#: A signal moving the score by less than this many points is not a driver.
_MIN_DRIVER_IMPACT = 0.5
#: A signal below this value counts as a cause in the diagnosis.
_CAUSE_VALUE = -0.1


def _registry(plugins: Plugins) -> Registry:
    if isinstance(plugins, Registry):
        return plugins
    return get_registry(plugins)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_aware(as_of: datetime) -> datetime:
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        msg = "as_of must be timezone-aware (for example datetime.now(timezone.utc))"
        raise ValueError(msg)
    return as_of


def _run(
    entry: Registered[Any],
    call: Callable[[], Iterable[T]],
    expected: type[T],
    failures: list[PluginFailure],
    *,
    strict: bool,
) -> list[T]:
    """Call a plugin, check what it returns, and record a failure instead of raising."""
    try:
        results = list(call())
        for item in results:
            if not isinstance(item, expected):
                msg = f"returned {type(item).__name__}, not {expected.__name__}"
                raise TypeError(msg)  # reported like any plugin error
    except Exception as exc:
        if strict:
            if hasattr(exc, "add_note"):
                exc.add_note(f"raised by {entry.kind} {entry.name!r} (plugin {entry.origin!r})")
            raise
        failures.append(
            PluginFailure(
                plugin=entry.name,
                kind=entry.kind,
                error=f"{type(exc).__name__}: {exc}",
                origin=entry.origin,
            )
        )
        return []
    return results


def scorer_weights(registry: Registry, config: Config) -> dict[str, float]:
    """Each scorer's weight: its ``[weights]`` entry, else the weight it declares."""
    return {name: config.weight(name, e.weight) for name, e in registry.scorers.items()}


def _evidence_kinds(registry: Registry) -> dict[str, EvidenceKind]:
    return {name: e.evidence_kind for name, e in registry.scorers.items()}


def _enabled(entries: Iterable[Registered[T]], config: Config) -> list[Registered[T]]:
    return [e for e in entries if e.name not in config.disable]


def _as_of_view(account: Account, as_of: datetime) -> Account:
    """The account as it was known at *as_of*: later records are left out."""
    interactions = tuple(i for i in account.interactions if i.at <= as_of)
    feedback = tuple(f for f in account.feedback if f.at <= as_of)
    deliverables = tuple(
        d
        if d.delivered_at is None or d.delivered_at <= as_of
        else attrs.evolve(d, delivered_at=None, accepted_at=None, level=None)
        for d in account.deliverables
    )
    deliverables = tuple(
        attrs.evolve(d, accepted_at=None)
        if d.accepted_at is not None and d.accepted_at > as_of
        else d
        for d in deliverables
    )
    expectations = tuple(
        attrs.evolve(e, confirmed_at=None)
        if e.confirmed_at is not None and e.confirmed_at > as_of
        else e
        for e in account.expectations
    )
    if (
        len(interactions) == len(account.interactions)
        and len(feedback) == len(account.feedback)
        and deliverables == account.deliverables
        and expectations == account.expectations
    ):
        return account
    return attrs.evolve(
        account,
        interactions=interactions,
        feedback=feedback,
        deliverables=deliverables,
        expectations=expectations,
    )


def aggregate(
    signals: Sequence[Signal],
    weights: Mapping[str, float],
    *,
    as_of: datetime | None = None,
) -> tuple[float, float, dict[Any, float], tuple[Driver, ...]]:
    """Combine signals into ``(score, confidence, dimensions, drivers)``.

    Each signal counts with ``weight x confidence x`` its scorer's weight in *weights*
    (1.0 for a scorer not named there).
    The score maps the weighted mean value from [-1, 1] onto 0-100, with one unit of
    neutral pseudo-evidence in the mean, so that thin or faded evidence drifts towards
    50 (no evidence gives exactly 50).  Each dimension gets the weighted mean of its
    signals.  Confidence grows with the amount of evidence as ``1 - exp(-total / 3)``
    and, when *as_of* is given, shrinks with the age of the newest evidence (down to
    half for very old evidence).  Drivers are the signals that move the score most, with
    their impact in points; no scorer supplies more than one while others could.
    """
    effective = [s.weight * s.confidence * weights.get(s.scorer, 1.0) for s in signals]
    total = sum(effective)
    if total <= 0:
        return 50.0, 0.0, {}, ()
    denominator = total + _PRIOR_WEIGHT
    mean = sum(w * s.value for w, s in zip(effective, signals, strict=True)) / denominator
    score = min(100.0, max(0.0, 50.0 + 50.0 * mean))
    by_dimension: dict[Any, list[float]] = {}
    for w, s in zip(effective, signals, strict=True):
        pair = by_dimension.setdefault(s.dimension, [0.0, 0.0])
        pair[0] += w * s.value
        pair[1] += w
    dimensions = {
        d: max(-1.0, min(1.0, num / den)) for d, (num, den) in by_dimension.items() if den > 0
    }
    confidence = (1.0 - math.exp(-total / _CONFIDENCE_SCALE)) * _freshness(signals, as_of)
    impacts = [
        (50.0 * w * s.value / denominator, s) for w, s in zip(effective, signals, strict=True)
    ]
    return score, confidence, dimensions, _drivers(impacts)


def _freshness(signals: Sequence[Signal], as_of: datetime | None) -> float:
    """1 for evidence from today, falling to 0.5 as the newest evidence ages."""
    times = [s.at for s in signals if s.at is not None]
    if as_of is None or not times:
        return 1.0
    age = max(0.0, (as_of - max(times)).total_seconds() / 86400.0)
    return 0.5 + 0.5 * science.decay(age, _FRESHNESS_HALF_LIFE_DAYS)


def _drivers(impacts: Sequence[tuple[float, Signal]]) -> tuple[Driver, ...]:
    """The signals that move the score most, one per scorer first, then the rest."""
    ranked = sorted(
        (pair for pair in impacts if abs(pair[0]) >= _MIN_DRIVER_IMPACT),
        key=lambda pair: -abs(pair[0]),
    )
    chosen: list[tuple[float, Signal]] = []
    scorers: set[str] = set()
    for pair in ranked:
        if len(chosen) < _MAX_DRIVERS and pair[1].scorer not in scorers:
            chosen.append(pair)
            scorers.add(pair[1].scorer)
    for pair in ranked:
        if len(chosen) < _MAX_DRIVERS and all(pair[1] is not c[1] for c in chosen):
            chosen.append(pair)
    chosen.sort(key=lambda pair: -abs(pair[0]))
    return tuple(
        Driver(
            text=s.explanation,
            dimension=s.dimension,
            impact=round(impact, 2),
            scorer=s.scorer,
            evidence=s.evidence,
        )
        for impact, s in chosen
    )


def _explicit_commitments_met(account: Account, as_of: datetime) -> bool:
    """True when the account has explicit commitments and every one due is met.

    Met means: delivered (every deliverable of it), not after its due date, and at or
    above the adequate level when a level was measured.
    """
    judged = 0
    for expectation in account.expectations:
        if expectation.kind is not ExpectationKind.EXPLICIT:
            continue
        items = account.deliverables_for(expectation.id)
        due = expectation.due
        if not items:
            if due is not None and due <= as_of:
                return False
            continue
        if any(d.delivered_at is None for d in items):
            if due is None or due <= as_of:
                return False
            continue
        judged += 1
        finished = max(d.delivered_at for d in items if d.delivered_at is not None)
        if due is not None and finished > due:
            return False
        zone = expectation.zone
        for item in items:
            if zone is not None and item.level is not None:
                shortfall = science.zone_disconfirmation(
                    item.level,
                    zone[0],
                    zone[1],
                    higher_is_better=expectation.better is Better.HIGHER,
                )
                if shortfall < 0:
                    return False
    return judged > 0


def diagnose(
    account: Account,
    signals: Sequence[Signal],
    band: Band,
    as_of: datetime,
    *,
    kinds: Mapping[str, EvidenceKind] | None = None,
) -> str | None:
    """ "Delivered but perceived negatively": a sentence naming the implicit causes.

    Returned when every explicit commitment due by *as_of* was delivered on time and to
    level, yet the outcome is at risk or critical; ``None`` otherwise.  The causes are
    the most negative inferred signals outside delivery (slow replies, unexplained
    terms, unconfirmed critical points, unanswered complaints), one per scorer.

    :param kinds: the evidence kind of each scorer (a scorer not named is inferred);
        only inferred scorers are named as causes.
    """
    kinds = kinds or {}
    if band not in (Band.AT_RISK, Band.CRITICAL):
        return None
    if not _explicit_commitments_met(account, as_of):
        return None
    worst: dict[str, Signal] = {}
    for signal in signals:
        kind = kinds.get(signal.scorer, EvidenceKind.INFERRED)
        if kind is not EvidenceKind.INFERRED or signal.value > _CAUSE_VALUE:
            continue
        current = worst.get(signal.scorer)
        if current is None or signal.value * signal.weight < current.value * current.weight:
            worst[signal.scorer] = signal
    causes = sorted(worst.values(), key=lambda s: s.value * s.weight)[:_MAX_DRIVERS]
    head = (
        f"Every explicit commitment was delivered on time, yet the outcome is "
        f"{band.value}. Likely causes, none of them a written commitment:"
    )
    if not causes:
        return head[: head.index(":")] + "; the customer's own feedback is the only sign."
    listed = " ".join(f"({n}) {c.explanation}" for n, c in enumerate(causes, start=1))
    return f"{head} {listed}"


def assess(
    account: Account,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    plan: bool = False,
) -> PerceivedOutcome:
    """Estimate and explain how the customer of *account* perceives the service.

    :param account: the account to assess.
    :param as_of: the time to assess at (default: now); later records are ignored.
    :param config: settings (default: built-in defaults).
    :param plugins: which plugins to use (default: the process-wide manager's).
    :param strict: raise a plugin's error instead of reporting it in ``failures``.
    :param plan: also plan follow-ups and put them in the outcome's ``followups``.
    :return: the perceived outcome, with signals, drivers and findings.
    """
    config = config or Config()
    registry = _registry(plugins)
    as_of = _check_aware(as_of) if as_of is not None else _now()
    view = _as_of_view(account, as_of)
    failures: list[PluginFailure] = []
    reports: dict[str, MessageReport] = {}

    def check_interaction(interaction: Interaction) -> MessageReport:
        if interaction.id not in reports:
            reply_to = view.interaction(interaction.in_reply_to)
            reports[interaction.id] = _check_message(
                shared_message(interaction.text),
                registry,
                config,
                strict=strict,
                account=view,
                customer=view.customer,
                reply_to=reply_to,
                recipient=None,
                evidence=(interaction.id,),
            )
        return reports[interaction.id]

    signals: list[Signal] = []
    for entry in _enabled(registry.scorers.values(), config):
        ctx: ScoreContext[Any] = ScoreContext(
            as_of=as_of,
            options=entry.options(config),
            config=config,
            check_interaction=check_interaction,
        )
        produced = _run(
            entry, functools.partial(entry.obj.score, view, ctx), Signal, failures, strict=strict
        )
        signals.extend(produced)
    for report in reports.values():
        failures.extend(f for f in report.failures if f not in failures)
    score, confidence, dimensions, drivers = aggregate(
        signals, scorer_weights(registry, config), as_of=as_of
    )
    band = config.band(score)
    outcome = PerceivedOutcome(
        account=account.id,
        as_of=as_of,
        score=round(score, 2),
        band=band,
        confidence=round(confidence, 3),
        dimensions=dimensions,
        signals=signals,
        drivers=drivers,
        findings=tuple(f for r in reports.values() for f in r.findings),
        failures=failures,
        diagnosis=diagnose(view, signals, band, as_of, kinds=_evidence_kinds(registry)),
    )
    if plan:
        planned = plan_followups(
            view, outcome, as_of=as_of, config=config, plugins=registry, strict=strict
        )
        outcome = attrs.evolve(
            outcome, followups=planned.followups, failures=(*failures, *planned.failures)
        )
    return outcome


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
        "config": config or Config(),
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


_SILENCE = re.compile(r"perception:\s*ignore(?:\[(?P<names>[^\]\n]{0,500})\])?", re.IGNORECASE)


def _silenced(text: str, names: Iterable[str]) -> frozenset[str]:
    """Checks silenced by inline markers: ``perception: ignore`` or ``ignore[a, b]``."""
    if "erception" not in text and "ERCEPTION" not in text:
        return frozenset()
    silenced: set[str] = set()
    for match in _SILENCE.finditer(text):
        listed = match.group("names")
        if listed is None:
            return frozenset(names)
        silenced.update(n.strip() for n in listed.split(",") if n.strip())
    return frozenset(silenced)


#: The settings of a check without a config (one instance, so that contexts are reused).
_DEFAULT_CONFIG = Config()

#: The contexts built for the last message, reused while messages share their context
#: (a batch of drafts to one customer): ``(key objects, contexts)``.
_LAST_CONTEXTS: list[
    tuple[tuple[object, ...], list[tuple[Registered[Any], CheckContext[Any]]]]
] = []


def _check_contexts(
    registry: Registry,
    config: Config,
    customer: Customer | None,
    account: Account | None,
    reply_to: Interaction | None,
    recipient: str | None,
) -> list[tuple[Registered[Any], CheckContext[Any]]]:
    """Each enabled check with its context for one message."""
    key = (registry, config, customer, account, reply_to, recipient)
    if _LAST_CONTEXTS:
        last_key, contexts = _LAST_CONTEXTS[0]
        if all(a is b for a, b in zip(key, last_key, strict=True)):
            return contexts
    contexts = [
        (
            entry,
            CheckContext(
                options=entry.options(config),
                config=config,
                customer=customer,
                account=account,
                reply_to=reply_to,
                recipient=recipient,
            ),
        )
        for entry in _enabled(registry.checks.values(), config)
    ]
    _LAST_CONTEXTS[:] = [(key, contexts)]
    return contexts


def _check_message(
    message: Message,
    registry: Registry,
    config: Config,
    *,
    strict: bool,
    account: Account | None,
    customer: Customer | None,
    reply_to: Interaction | None,
    recipient: str | None,
    evidence: tuple[str, ...] = (),
) -> MessageReport:
    failures: list[PluginFailure] = []
    findings: list[Finding] = []
    contexts = _check_contexts(registry, config, customer, account, reply_to, recipient)
    silenced = _silenced(message.text, [entry.name for entry, _ in contexts])
    length = len(message.text)
    for entry, ctx in contexts:
        if entry.name in silenced:
            continue
        produced = _run(
            entry,
            functools.partial(entry.obj.check, message, ctx),
            Finding,
            failures,
            strict=strict,
        )
        for finding in produced:
            span = finding.span
            if span is not None and span.end > length:
                # a check's bad span must not point outside the message
                finding = attrs.evolve(finding, span=None)  # noqa: PLW2901
            if evidence:
                finding = attrs.evolve(finding, evidence=(*evidence, *finding.evidence))  # noqa: PLW2901
            findings.append(finding)
    findings.sort(key=lambda f: (f.span.start if f.span else -1, -f.severity.rank, f.check))
    return MessageReport(
        length=length,
        sentiment=message.sentiment,
        sentences=message.sentence_scores,
        findings=findings,
        failures=failures,
        silenced=tuple(sorted(silenced)),
    )


def _reply_to(account: Account | None, reply_to: Interaction | str | None) -> Interaction | None:
    """The interaction *reply_to* names (an id is looked up in *account*)."""
    if not isinstance(reply_to, str):
        return reply_to
    found = account.interaction(reply_to) if account is not None else None
    if found is None:
        msg = f"reply_to: no interaction with id {reply_to!r} in the account"
        raise ValueError(msg)
    return found


def check(
    text: str,
    *,
    account: Account | None = None,
    customer: Customer | None = None,
    reply_to: Interaction | str | None = None,
    recipient: str | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
) -> MessageReport:
    """Check a message before it is sent.

    A check is skipped for this message when the text holds the marker
    ``perception: ignore[check-name]`` (several names separated by commas), and every
    check is skipped with a bare ``perception: ignore``; the report's ``silenced``
    names them.

    :param text: the draft message.
    :param account: the customer's account, for context (glossary, history).
    :param customer: the customer (default: the account's).
    :param reply_to: the message being answered, or its id in *account*.
    :param recipient: the name of the person addressed, if known.
    :param chunk_chars: texts longer than this are analysed in chunks, so the time
        grows linearly with the length.
    :return: the message's sentiment and the checks' findings, ordered by position.
    """
    config = config or _DEFAULT_CONFIG
    registry = _registry(plugins)
    reply_to = _reply_to(account, reply_to)
    if customer is None and account is not None:
        customer = account.customer
    if recipient is None and reply_to is not None and reply_to.direction is Direction.INBOUND:
        person = customer.stakeholder(reply_to.author) if customer is not None else None
        recipient = person.name if person is not None else None
    return _check_message(
        Message(text, chunk_chars=chunk_chars),
        registry,
        config,
        strict=strict,
        account=account,
        customer=customer,
        reply_to=reply_to,
        recipient=recipient,
    )


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
        "config": config or Config(),
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


def plan_followups(
    account: Account,
    outcome: PerceivedOutcome | None = None,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
) -> FollowUpPlan:
    """Plan follow-ups for *account*.

    :param outcome: the account's assessed outcome (assessed now when omitted).
    :param as_of: the time of planning (default: the outcome's ``as_of``, else now).
    :return: the follow-ups, by due time then priority, and any policy failures.
    """
    config = config or Config()
    registry = _registry(plugins)
    if as_of is None:
        as_of = outcome.as_of if outcome is not None else _now()
    as_of = _check_aware(as_of)
    if outcome is None:
        outcome = assess(account, as_of=as_of, config=config, plugins=registry, strict=strict)
    view = _as_of_view(account, as_of)
    failures: list[PluginFailure] = []
    followups: list[FollowUp] = []
    keys: set[str] = set()
    for entry in _enabled(registry.policies.values(), config):
        ctx: PolicyContext[Any] = PolicyContext(
            as_of=as_of, options=entry.options(config), config=config
        )
        for item in _run(
            entry,
            functools.partial(entry.obj.followups, view, outcome, ctx),
            FollowUp,
            failures,
            strict=strict,
        ):
            if item.key not in keys:
                keys.add(item.key)
                followups.append(item)
    followups.sort(key=lambda f: (f.due, -f.priority.rank, f.key))
    return FollowUpPlan(account=account.id, as_of=as_of, followups=followups, failures=failures)
