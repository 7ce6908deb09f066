"""Accounts, messages and signals for the scorer tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import perception
from perception import Account, Customer, Interaction, Stakeholder
from perception.config import Config
from perception.errors import ConfigError

__all__ = [
    "CUSTOMER",
    "T0",
    "UTC",
    "account",
    "at",
    "inbound",
    "outbound",
    "refused",
    "signals",
]

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


def refused(scorer: str, options: dict) -> str:
    """The configuration error for *options* of *scorer* (it must be one)."""
    config = Config.from_mapping({"options": {scorer: options}})
    with pytest.raises(ConfigError) as info:
        config.validate(perception.get_registry())
    return str(info.value)
