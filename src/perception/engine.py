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
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, TypeVar

import attrs
import pluggy

from perception._checking import check_message as _check_message
from perception._checking import enabled as _enabled
from perception._moments import out_of_range
from perception._verify import followup_problem, resolution_of, signal_problem
from perception._verify import run_plugin as _run
from perception.aggregate import diagnose, outcome_figures
from perception.config import Config, default_config
from perception.context import PolicyContext, ScoreContext
from perception.hookspecs import EvidenceKind
from perception.mail import AuthorText, Draft, author_text
from perception.model import Account, Customer, Direction, Interaction
from perception.outcome import (
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

__all__ = ["Plugins", "assess", "check", "plan_followups", "scorer_weights"]

T = TypeVar("T")
Plugins = Registry | pluggy.PluginManager | None


def _registry(plugins: Plugins) -> Registry:
    if isinstance(plugins, Registry):
        return plugins
    return get_registry(plugins)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_aware(as_of: datetime) -> datetime:
    if not isinstance(as_of, datetime):
        # A date (or a string) has no time and no zone; which midnight would be a guess.
        msg = (
            f"as_of must be a timezone-aware datetime, not {type(as_of).__name__} "
            f"{as_of!r} (for a day: datetime(2026, 3, 20, tzinfo=timezone.utc))"
        )
        raise TypeError(msg)
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        msg = "as_of must be timezone-aware (for example datetime.now(timezone.utc))"
        raise ValueError(msg)
    problem = out_of_range(as_of)
    if problem is not None:
        raise ValueError(f"as_of {problem}")
    return as_of


def scorer_weights(registry: Registry, config: Config) -> dict[str, float]:
    """Each scorer's weight: its ``[weights]`` entry, else the weight it declares."""
    return {name: config.weight(name, e.weight) for name, e in registry.scorers.items()}


def _evidence_kinds(registry: Registry) -> dict[str, EvidenceKind]:
    return {name: e.evidence_kind for name, e in registry.scorers.items()}


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
    config = config if config is not None else default_config()
    registry = _registry(plugins)
    as_of = _check_aware(as_of) if as_of is not None else _now()
    view = account.as_of(as_of)
    failures: list[PluginFailure] = []
    reports: dict[str, MessageReport] = {}

    def check_interaction(interaction: Interaction) -> MessageReport:
        if interaction.id not in reports:
            reply_to = view.interaction(interaction.in_reply_to)
            reports[interaction.id] = _check_message(
                shared_message(author_text(interaction.text).masked()),
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
            entry,
            functools.partial(entry.obj.score, view, ctx),
            Signal,
            failures,
            strict=strict,
            verify=functools.partial(signal_problem, scorer=entry.name),
        )
        signals.extend(produced)
    for report in reports.values():
        failures.extend(f for f in report.failures if f not in failures)
    weights = scorer_weights(registry, config)
    calibration = config.calibration
    score, confidence, dimensions, drivers, baseline = outcome_figures(
        view, signals, weights, as_of=as_of, calibration=calibration
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
        diagnosis=diagnose(
            view, signals, band, as_of, kinds=_evidence_kinds(registry), weights=weights
        ),
        baseline=round(baseline, 2),
        calibration=calibration.label if calibration is not None else None,
    )
    if plan:
        planned = plan_followups(
            view, outcome, as_of=as_of, config=config, plugins=registry, strict=strict
        )
        outcome = attrs.evolve(
            outcome, followups=planned.followups, failures=(*failures, *planned.failures)
        )
    return outcome


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
    text: str | AuthorText,
    *,
    account: Account | None = None,
    customer: Customer | None = None,
    reply_to: Interaction | str | None = None,
    recipient: str | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    author_only: bool = True,
    ignore: Iterable[str] = (),
) -> MessageReport:
    """Check a message before it is sent.

    A check is skipped for this message when the text holds the marker
    ``perception: ignore[check-name]`` (several names separated by commas), and every
    check is skipped with a bare ``perception: ignore``; *ignore* does the same from
    outside the text; the report's ``silenced`` names them.

    Only the author's own text is checked: a quoted thread, an attribution
    (``On ... wrote:``), forwarded headers and the signature are set apart
    (:func:`perception.mail.author_text`); spans still index *text*.  The most recent
    quoted message is taken as the message being answered when *reply_to* is not
    given, and the quoted thread is handed to the checks (``ctx.thread``).

    :param text: the draft message, or one already split by :mod:`perception.mail`
        (:func:`~perception.mail.read_email`, :func:`~perception.mail.html_text`).
    :param account: the customer's account, for context (glossary, history).
    :param customer: the customer (default: the account's).
    :param reply_to: the message being answered, or its id in *account*.
    :param recipient: the name of the person addressed, if known.
    :param chunk_chars: texts longer than this are analysed in chunks, so the time
        grows linearly with the length.
    :param author_only: check the author's own text only (``False``: the whole text).
    :param ignore: names of checks to skip for this message (``*``: every check).
    :return: the message's sentiment and the checks' findings, ordered by position.
    """
    config = config if config is not None else default_config()
    registry = _registry(plugins)
    reply_to = _reply_to(account, reply_to)
    draft = Draft.of(text, author_only=author_only)
    if reply_to is None and draft.thread:
        reply_to = draft.thread[0]
    if customer is None and account is not None:
        customer = account.customer
    if recipient is None and reply_to is not None and reply_to.direction is Direction.INBOUND:
        person = customer.stakeholder(reply_to.author) if customer is not None else None
        recipient = person.name if person is not None else None
    return _check_message(
        Message(draft.checked, chunk_chars=chunk_chars),
        registry,
        config,
        strict=strict,
        account=account,
        customer=customer,
        reply_to=reply_to,
        recipient=recipient,
        thread=draft.thread,
        ignore=(*ignore, *draft.markers),
        length=len(draft.text),
    )


def plan_followups(
    account: Account,
    outcome: PerceivedOutcome | None = None,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
    plugins: Plugins = None,
    strict: bool = False,
    pending: Iterable[FollowUp] = (),
) -> FollowUpPlan:
    """Plan follow-ups for *account*.

    A follow-up a policy leaves without an ``owner`` gets the account's ``owner``.

    :param outcome: the account's assessed outcome (assessed now when omitted).
    :param as_of: the time of planning (default: the outcome's ``as_of``, else now).
    :param pending: follow-ups planned earlier and still open (from a ledger).  Each one
        of this account that its policy ran and no longer plans is judged: the policy's
        optional ``resolution`` method says why it is resolved, or ``None`` to keep it
        open; a policy without the method resolves it with a generic reason.
    :return: the follow-ups, by due time then priority, any policy failures, the
        policies that ran, and the resolved pending follow-ups.
    """
    config = config if config is not None else default_config()
    registry = _registry(plugins)
    if as_of is None:
        as_of = outcome.as_of if outcome is not None else _now()
    as_of = _check_aware(as_of)
    if outcome is None:
        outcome = assess(account, as_of=as_of, config=config, plugins=registry, strict=strict)
    view = account.as_of(as_of)
    failures: list[PluginFailure] = []
    followups: list[FollowUp] = []
    keys: set[str] = set()
    ran: dict[str, tuple[Registered[Any], PolicyContext[Any]]] = {}
    for entry in _enabled(registry.policies.values(), config):
        ctx: PolicyContext[Any] = PolicyContext(
            as_of=as_of, options=entry.options(config), config=config
        )
        before = len(failures)
        for item in _run(
            entry,
            functools.partial(entry.obj.followups, view, outcome, ctx),
            FollowUp,
            failures,
            strict=strict,
            verify=functools.partial(followup_problem, policy=entry.name, account=account.id),
        ):
            if item.key not in keys:
                keys.add(item.key)
                owned = item.owner or not account.owner
                followups.append(item if owned else attrs.evolve(item, owner=account.owner))
        if len(failures) == before:
            ran[entry.name] = (entry, ctx)
    followups.sort(key=lambda f: (f.due, -f.priority.rank, f.key))
    resolved = [
        found
        for item in pending
        if item.account == account.id and item.key not in keys and item.policy in ran
        for found in resolution_of(*ran[item.policy], view, outcome, item, failures, strict=strict)
    ]
    return FollowUpPlan(
        account=account.id,
        as_of=as_of,
        followups=followups,
        failures=failures,
        policies=tuple(ran),
        resolved=resolved,
    )
