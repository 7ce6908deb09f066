"""Accounts, messages and helpers for the check tests."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest

import perception
from perception.config import Config
from perception.errors import ConfigError
from perception.model import Account, Customer, Direction, Interaction, Stakeholder
from perception.outcome import Edit, Finding, Sentiment, Span

__all__ = [
    "ACCOUNT",
    "ANGRY",
    "AT",
    "CUSTOMER",
    "HAPPY",
    "names",
    "only",
    "refused",
    "revalidated",
    "spans",
]

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ANGRY = Interaction(
    id="in-1",
    at=AT,
    direction=Direction.INBOUND,
    author="dana",
    text="This is the third time the export has failed. We are very disappointed and angry.",
)
HAPPY = Interaction(
    id="in-2", at=AT, direction=Direction.INBOUND, author="dana", text="Thanks, it works great!"
)
CUSTOMER = Customer(
    id="acme",
    name="Acme",
    stakeholders=[Stakeholder(id="dana", name="Dana Lee")],
    glossary={"QBR": "quarterly business review"},
)
ACCOUNT = Account(customer=CUSTOMER, interactions=[ANGRY, HAPPY])


def revalidated(report) -> bool:
    """Every record of *report* rebuilt through its validating constructor."""
    for f in report.findings:
        span = None if f.span is None else Span(start=f.span.start, end=f.span.end)
        rebuilt = Finding(
            check=f.check,
            severity=f.severity,
            message=f.message,
            suggestion=f.suggestion,
            span=span,
            evidence=f.evidence,
            edits=[
                Edit(span=Span(start=e.span.start, end=e.span.end), text=e.text) for e in f.edits
            ],
            safe=f.safe,
            terms=f.terms,
        )
        assert rebuilt == f
    for s in (report.sentiment, *(x.sentiment for x in report.sentences)):
        assert Sentiment(**attrs.asdict(s)) == s
    for x in report.sentences:
        assert Span(start=x.span.start, end=x.span.end) == x.span
    return True


def names(report, check_name=None) -> list[str]:
    return [f.check for f in report.findings if check_name is None or f.check == check_name]


def only(report, check_name) -> list[Finding]:
    return [f for f in report.findings if f.check == check_name]


def spans(text: str, findings) -> list[str]:
    """The text each finding points at."""
    return [text[f.span.start : f.span.end] for f in findings if f.span is not None]


def refused(check_name: str, options: dict) -> str:
    """The configuration error for *options* of *check_name* (it must be one)."""
    config = Config.from_mapping({"options": {check_name: options}})
    with pytest.raises(ConfigError) as info:
        config.validate(perception.get_registry())
    return str(info.value)
