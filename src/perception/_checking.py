"""Checking one message: each enabled check, with its context, run and verified.

Shared by :func:`perception.engine.check` (a draft) and :func:`perception.engine.assess`
(the messages of an account a scorer asks about).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from perception._silence import ignored as _ignored
from perception._silence import silenced as _silenced
from perception._validation import _new, _set  # record building without validation
from perception._verify import applies as _applies
from perception._verify import finding_problem
from perception._verify import run_plugin as _run
from perception._verify import span_failure as _span_failure
from perception.config import Config
from perception.context import CheckContext
from perception.model import Account, Customer, Interaction
from perception.outcome import Finding, MessageReport, PluginFailure
from perception.plugins import Registered, Registry
from perception.text import Message

__all__ = ["check_message", "enabled"]

T = TypeVar("T")


def enabled(entries: Iterable[Registered[T]], config: Config) -> list[Registered[T]]:
    """The *entries* that the configuration does not disable, in order."""
    return [e for e in entries if e.name not in config.disable]


#: What runs one check on a message: the check's entry, its context, the verification of
#: its findings, and its ``applies`` method (``None`` when it has none) and ``check``
#: method, looked up once for a run of messages with the same context.
_Planned = tuple[
    Registered[Any],
    CheckContext[Any],
    "Callable[[Finding], str | None]",
    "Callable[[Message, CheckContext[Any]], object] | None",
    "Callable[[Message, CheckContext[Any]], Iterable[Finding]]",
]

#: The plan built for the last message, reused while messages share their context (a
#: batch of drafts to one customer): ``(key objects, plan, the checks' names)``.
_LAST_PLAN: list[tuple[tuple[object, ...], list[_Planned], list[str]]] = []


def _plan(
    registry: Registry,
    config: Config,
    customer: Customer | None,
    account: Account | None,
    reply_to: Interaction | None,
    recipient: str | None,
    thread: tuple[Interaction, ...],
) -> tuple[list[_Planned], list[str]]:
    """Each enabled check with its context for one message, and the verification of its
    findings; and the names of those checks."""
    if _LAST_PLAN:
        last, plan, names = _LAST_PLAN[0]
        if (
            last[0] is registry
            and last[1] is config
            and last[2] is customer
            and last[3] is account
            and last[4] is reply_to
            and last[5] is recipient
            and last[6] is thread
        ):
            return plan, names
    plan = [
        (
            entry,
            CheckContext(
                options=entry.options(config),
                config=config,
                customer=customer,
                account=account,
                reply_to=reply_to,
                recipient=recipient,
                thread=thread,
            ),
            functools.partial(finding_problem, check=entry.name),
            getattr(entry.obj, "applies", None),
            entry.obj.check,
        )
        for entry in enabled(registry.checks.values(), config)
    ]
    names = [entry[0].name for entry in plan]
    key = (registry, config, customer, account, reply_to, recipient, thread)
    _LAST_PLAN[:] = [(key, plan, names)]
    return plan, names


def check_message(
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
    thread: tuple[Interaction, ...] = (),
    ignore: Iterable[str] = (),
    length: int = -1,
) -> MessageReport:
    failures: list[PluginFailure] = []
    findings: list[Finding] = []
    plan, names = _plan(registry, config, customer, account, reply_to, recipient, thread)
    silenced = _silenced(message.text, names)
    if ignore:
        silenced |= _ignored(ignore, names)
    length = len(message.text) if length < 0 else length
    not_applicable: list[str] = []
    for entry, ctx, verify, applies, run in plan:
        if silenced and entry.name in silenced:
            continue
        if applies is not None and not _applies(
            entry, applies, message, ctx, failures, strict=strict
        ):
            not_applicable.append(entry.name)
            continue
        produced = _run(
            entry, run, Finding, failures, strict=strict, verify=verify, args=(message, ctx)
        )
        for finding in produced:
            span, outside = finding.span, [e.span for e in finding.edits if e.span.end > length]
            if span is not None and span.end > length:
                # Kept, without the span that points outside the message, and reported.
                finding = attrs.evolve(finding, span=None, edits=(), safe=False)  # noqa: PLW2901
                failures.append(_span_failure(entry, span.start, span.end, length))
            elif outside:  # kept, without the edits that point outside the message
                finding = attrs.evolve(finding, edits=(), safe=False)  # noqa: PLW2901
                failures.append(_span_failure(entry, outside[0].start, outside[0].end, length))
            if evidence:
                finding = attrs.evolve(finding, evidence=(*evidence, *finding.evidence))  # noqa: PLW2901
            findings.append(finding)
    findings.sort(key=lambda f: (f.span.start if f.span else -1, -f.severity.rank, f.check))
    # every field as the record's converters would make it (tuples), so not converted
    # again: built as _trusted builds a record, one field after another
    report = _new(MessageReport)
    _set(report, "length", length)
    # the sentences first: the message's sentiment is then made from their reads
    _set(report, "sentences", message.sentence_scores)
    _set(report, "sentiment", message.sentiment)
    _set(report, "findings", tuple(findings))
    _set(report, "failures", tuple(failures))
    _set(report, "silenced", tuple(sorted(silenced)) if silenced else ())
    _set(report, "not_applicable", tuple(not_applicable))
    return report
