"""Builders shared by the tests of the built-in policies: accounts, outcomes, one run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from perception import (
    Account,
    Band,
    Config,
    Customer,
    Deliverable,
    Expectation,
    Feedback,
    Interaction,
    PerceivedOutcome,
    PolicyContext,
    Stakeholder,
    get_plugin_manager,
    get_registry,
)
from perception.io import structure

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
NAMES = {
    "post-delivery-check-in",
    "confirm-critical",
    "overdue-deliverable",
    "recover-negative",
    "answer-question",
    "break-silence",
    "executive-touchpoint",
    "share-relevant-news",
}
#: The policy modules, in the order of ``DEFAULT_PLUGINS``, with the policy each registers.
MODULES = {
    "perception.builtin.policies.post_delivery_check_in": "post-delivery-check-in",
    "perception.builtin.policies.confirm_critical": "confirm-critical",
    "perception.builtin.policies.overdue_deliverable": "overdue-deliverable",
    "perception.builtin.policies.recover_negative": "recover-negative",
    "perception.builtin.policies.answer_question": "answer-question",
    "perception.builtin.policies.break_silence": "break-silence",
    "perception.builtin.policies.executive_touchpoint": "executive-touchpoint",
    "perception.builtin.policies.share_relevant_news": "share-relevant-news",
}
NEGATIVE = "The export is broken again and this is really frustrating. Nobody answers."


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def customer(**kwargs) -> Customer:
    people = (
        Stakeholder(id="dana", name="Dana Whitfield", role="CIO", seniority="executive"),
        Stakeholder(id="marco", name="Marco Ruiz", seniority="manager"),
        Stakeholder(id="priya", name="Priya Natarajan"),
    )
    values = {"id": "acme", "name": "Acme", "segment": "enterprise", "stakeholders": people}
    values.update(kwargs)
    return Customer(**values)


def account(**kwargs) -> Account:
    kwargs.setdefault("customer", customer())
    return Account(**kwargs)


def outcome(band: Band = Band.SATISFIED, as_of: datetime = T0) -> PerceivedOutcome:
    score = {
        Band.DELIGHTED: 90.0,
        Band.SATISFIED: 70.0,
        Band.NEUTRAL: 50.0,
        Band.AT_RISK: 30.0,
        Band.CRITICAL: 10.0,
    }[band]
    return PerceivedOutcome(account="acme", as_of=as_of, score=score, band=band, confidence=0.5)


def run(policy, acct: Account, *, as_of: datetime, band: Band = Band.SATISFIED, **options):
    """The follow-ups *policy* plans with *options* (structured as the engine does)."""
    ctx = PolicyContext(
        as_of=as_of, options=structure(options, type(policy).Options), config=Config()
    )
    return list(policy.followups(acct, outcome(band, as_of), ctx))


def resolve(policy, acct: Account, followup, *, as_of: datetime, band=Band.SATISFIED, **options):
    """What *policy* says of *followup*, planned earlier, as of *as_of* (``None``: open)."""
    ctx = PolicyContext(
        as_of=as_of, options=structure(options, type(policy).Options), config=Config()
    )
    return policy.resolution(acct.as_of(as_of), outcome(band, as_of), followup, ctx)


def registry():
    """A registry of the built-in plugins only."""
    return get_registry(get_plugin_manager(load_entrypoints=False))


def msg(id_: str, at: datetime, direction: str, text: str = "", **kwargs) -> Interaction:
    return Interaction(id=id_, at=at, direction=direction, text=text, **kwargs)


def critical(**kwargs) -> Expectation:
    """A critical, unconfirmed expectation held by the executive."""
    values = {
        "id": "cut",
        "dimension": "assurance",
        "description": "Cut-over on 21 March",
        "critical": True,
        "stakeholder": "dana",
    }
    values.update(kwargs)
    return Expectation(**values)


def busy_account() -> Account:
    """An account on which every policy but share-relevant-news has something to plan."""
    return account(
        expectations=[
            critical(due=day(40)),
            Expectation(id="e1", dimension="reliability"),
            Expectation(id="e2", dimension="reliability", description="Report", due=day(20)),
        ],
        deliverables=[Deliverable(id="d1", expectation="e1", delivered_at=day(0))],
        interactions=[
            msg("m1", day(1), "inbound", NEGATIVE, author="dana"),
            msg("m2", day(3), "inbound", "Could you send the new schedule?", author="priya"),
        ],
        feedback=[Feedback(id="f1", at=day(2), kind="escalation", author="dana")],
    )
