"""Accounts, messages and signals for the scorer tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import perception
from perception import Account, Customer, Interaction, Stakeholder

__all__ = ["CUSTOMER", "T0", "UTC", "account", "at", "inbound", "outbound", "signals"]

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(days: float = 0, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


CUSTOMER = Customer(
    id="acme",
    name="Acme",
    stakeholders=[
        Stakeholder(id="dana", name="Dana Whitfield", role="CIO", seniority="executive"),
        Stakeholder(id="marco", name="Marco Ruiz", role="Finance lead", seniority="manager"),
        Stakeholder(id="priya", name="Priya Natarajan", role="Clerk", seniority="user"),
    ],
)


def account(**records) -> Account:
    return Account(customer=CUSTOMER, **records)


def inbound(id_, when, text, author="priya", reply_to=None) -> Interaction:
    return Interaction(
        id=id_, at=when, direction="inbound", author=author, text=text, in_reply_to=reply_to
    )


def outbound(id_, when, text, reply_to=None) -> Interaction:
    return Interaction(
        id=id_, at=when, direction="outbound", author="Sam", text=text, in_reply_to=reply_to
    )


def signals(acc: Account, scorer: str, as_of: datetime, **kwargs):
    outcome = perception.assess(acc, as_of=as_of, strict=True, **kwargs)
    return [s for s in outcome.signals if s.scorer == scorer]
