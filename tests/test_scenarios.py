"""Scenario accounts from the situations the library exists for.

Assertions are on band order, named drivers and the diagnosis, never on exact floats.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import perception
from perception import Account, Band, Customer, Interaction, Stakeholder
from perception.config import Config
from perception.model import Deliverable, Expectation, Feedback
from perception.plugins import Registry, get_plugin_manager

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
AS_OF = T0 + timedelta(days=20)
ACRONYMS = ("SOW", "MIME", "OCR", "RTO", "RPO", "DR")


def at(days: float, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The built-in plugins only: the real checks feed the communication scorer."""
    return Registry.from_plugin_manager(get_plugin_manager(load_entrypoints=False))


def customer(id_: str) -> Customer:
    return Customer(
        id=id_,
        name=id_.title(),
        stakeholders=[
            Stakeholder(id="exec", name="Dana Whitfield", role="CIO", seniority="executive"),
            Stakeholder(id="lead", name="Marco Ruiz", role="Project lead", seniority="manager"),
            Stakeholder(id="user", name="Priya Natarajan", role="Clerk", seniority="user"),
        ],
    )


def reply_expectation() -> Expectation:
    return Expectation(
        id="exp-reply",
        dimension="responsiveness",
        kind="implicit",
        importance=0.7,
        adequate=24,
        desired=4,
        unit="hours",
        better="lower",
    )


def msg(id_, when, direction, text, author, reply_to=None) -> Interaction:
    return Interaction(
        id=id_, at=when, direction=direction, author=author, text=text, in_reply_to=reply_to
    )


def delivered_but_escalated() -> Account:
    """Everything delivered on time; slow, jargon-heavy, unconfirmed communication."""
    return Account(
        customer=customer("delivered-escalated"),
        expectations=[
            Expectation(
                id="exp-portal",
                dimension="reliability",
                description="Invoice portal live",
                critical=True,
                importance=0.9,
                due=at(0),
                confirmed_at=at(-40),
            ),
            Expectation(
                id="exp-cutover",
                dimension="assurance",
                description="Cut-over moved to 21-22 March",
                critical=True,
                importance=0.8,
                due=at(21),
                stakeholder="exec",
            ),
            reply_expectation(),
        ],
        deliverables=[
            Deliverable(
                id="del-portal", expectation="exp-portal", delivered_at=at(-2), accepted_at=at(2)
            )
        ],
        interactions=[
            msg("e1", at(3), "inbound", "The portal rejects our PDFs. Can you help today?", "user"),
            msg(
                "e2",
                at(5),
                "outbound",
                "The OCR pipeline enforces the profile per the SOW and MIME checks work as "
                "designed. Resubmit the files.",
                "Sam",
                reply_to="e1",
            ),
            msg("e3", at(8), "inbound", "What is the new cut-over date?", "lead"),
            msg(
                "e4",
                at(11),
                "outbound",
                "Cut-over moves to 21-22 March due to the DR window; RTO and RPO unchanged.",
                "Sam",
                reply_to="e3",
            ),
            msg(
                "e5",
                at(17),
                "inbound",
                "I am disappointed and frustrated. We learn about changes second hand. "
                "I expect a call with your leadership this week.",
                "exec",
            ),
        ],
        feedback=[Feedback(id="esc", at=at(17, 1), kind="escalation", author="exec")],
    )


def late_but_recovered() -> Account:
    """A deliverable ten days late, answered fast with an apology and a plan."""
    return Account(
        customer=customer("late-recovered"),
        expectations=[
            Expectation(
                id="exp-dash",
                dimension="reliability",
                description="Churn dashboard",
                importance=0.8,
                due=at(-10),
                confirmed_at=at(-30),
            ),
            reply_expectation(),
        ],
        deliverables=[
            Deliverable(
                id="del-dash", expectation="exp-dash", delivered_at=at(0), accepted_at=at(2)
            )
        ],
        interactions=[
            msg(
                "r1",
                at(-9),
                "inbound",
                "The dashboard was due yesterday and I'm worried about my board meeting.",
                "lead",
            ),
            msg(
                "r2",
                at(-9, 1),
                "outbound",
                "Hi Marco, I'm sorry, you're right to be worried: we missed the date. I'll send "
                "a preview today and the full dashboard by 1 March. Does that work? Best, Riya",
                "Riya",
                reply_to="r1",
            ),
            msg("r3", at(-9, 2), "inbound", "Thanks for being upfront, that works.", "lead"),
            msg("r4", at(3), "inbound", "The dashboard is great, the board loved it!", "user"),
            msg("r5", at(3, 2), "outbound", "Hi Priya, wonderful to hear. Best, Riya", "Riya"),
        ],
        feedback=[Feedback(id="nps", at=at(10), kind="nps", value=9, author="lead")],
    )


def silent_drifting() -> Account:
    """Delivered well, then nobody talked to the customer for ten weeks."""
    return Account(
        customer=customer("silent-drifting"),
        expectations=[
            Expectation(
                id="exp-onboard",
                dimension="reliability",
                description="Onboarding",
                importance=0.7,
                due=at(-72),
            )
        ],
        deliverables=[
            Deliverable(
                id="del-onboard",
                expectation="exp-onboard",
                delivered_at=at(-73),
                accepted_at=at(-71),
            )
        ],
        interactions=[
            msg("s1", at(-71), "inbound", "All set up, thanks.", "lead"),
            msg("s2", at(-70), "outbound", "Hi Marco, great to hear. Best, Riya", "Riya"),
        ],
        feedback=[Feedback(id="csat", at=at(-65), kind="csat", value=4, author="lead")],
    )


def healthy_active() -> Account:
    """On time, fast, positive, recently in touch."""
    return Account(
        customer=customer("healthy-active"),
        expectations=[
            Expectation(
                id="exp-api",
                dimension="reliability",
                description="API access",
                importance=0.7,
                due=at(5),
            ),
            reply_expectation(),
        ],
        deliverables=[
            Deliverable(id="del-api", expectation="exp-api", delivered_at=at(3), accepted_at=at(4))
        ],
        interactions=[
            msg("h1", at(10), "inbound", "Could you add a second key for staging?", "lead"),
            msg("h2", at(10, 2), "outbound", "Hi Marco, done, it is live. Best, Riya", "Riya"),
            msg("h3", at(10, 3), "inbound", "Perfect, thank you, great service!", "lead"),
        ],
        feedback=[Feedback(id="csat", at=at(12), kind="csat", value=5, author="lead")],
    )


def assess(account, registry, **kwargs):
    return perception.assess(account, as_of=AS_OF, plugins=registry, strict=True, **kwargs)


def test_band_order(registry):
    escalated = assess(delivered_but_escalated(), registry)
    silent = assess(silent_drifting(), registry)
    recovered = assess(late_but_recovered(), registry)
    healthy = assess(healthy_active(), registry)
    assert escalated.band.rank > silent.band.rank > recovered.band.rank
    assert recovered.band.rank >= healthy.band.rank
    assert escalated.band in (Band.AT_RISK, Band.CRITICAL)
    assert recovered.band in (Band.SATISFIED, Band.DELIGHTED)
    assert silent.band is Band.NEUTRAL


def test_delivered_but_perceived_negatively_names_implicit_causes(registry):
    outcome = assess(delivered_but_escalated(), registry)
    assert outcome.diagnosis is not None
    assert outcome.diagnosis.startswith("Every explicit commitment was delivered on time")
    assert "never confirmed by Dana Whitfield" in outcome.diagnosis
    assert "of 18 March has had no answer from us" in outcome.diagnosis
    causes = outcome.diagnosis
    # A communication fault of ours among them: slow replies, jargon, or a reply that
    # ignores the customer's complaint ("The portal rejects our PDFs").
    implicit = ("waited", "undefined", "without explaining", "did not acknowledge")
    assert any(cause in causes for cause in implicit)
    assert outcome.drivers[0].text.startswith("Dana Whitfield (CIO) escalated")
    assert len({d.scorer for d in outcome.drivers}) == len(outcome.drivers)


def test_inference_alone_sees_the_escalation_coming(registry):
    """Without the customer's own word, the escalated account still ranks below the others."""
    no_voice = Config(disable=frozenset({"voice"}))
    escalated = assess(delivered_but_escalated(), registry, config=no_voice)
    recovered = assess(late_but_recovered(), registry, config=no_voice)
    healthy = assess(healthy_active(), registry, config=no_voice)
    assert escalated.score < recovered.score
    assert escalated.score < healthy.score
    assert escalated.band.rank > healthy.band.rank
    scorers = {s.scorer for s in escalated.signals if s.value < 0}
    assert {"responsiveness", "communication", "confirmation", "recovery"} <= scorers


def test_late_delivery_well_recovered(registry):
    outcome = assess(late_but_recovered(), registry)
    assert outcome.diagnosis is None
    late = [s for s in outcome.signals if s.scorer == "disconfirmation"]
    assert late
    assert "delivered 10 days late" in late[0].explanation
    recovery = [s for s in outcome.signals if s.scorer == "recovery"]
    assert recovery
    assert recovery[0].value > 0
    texts = " ".join(d.text for d in outcome.drivers)
    assert "NPS answer of 9/10" in texts


def test_silent_account_drifts(registry):
    outcome = assess(silent_drifting(), registry)
    active = assess(healthy_active(), registry)
    assert any(d.text.startswith("No contact with the customer for") for d in outcome.drivers)
    assert outcome.confidence < active.confidence
    earlier = perception.assess(silent_drifting(), as_of=at(-60), plugins=registry, strict=True)
    assert earlier.score > outcome.score  # the same account, before the silence


def test_portfolio_sorted_by_risk(registry):
    accounts = [
        healthy_active(),
        silent_drifting(),
        delivered_but_escalated(),
        late_but_recovered(),
    ]
    outcomes = list(perception.assess_many(accounts, as_of=AS_OF, plugins=registry))
    ranked = [o.account for o in sorted(outcomes, key=lambda o: o.score)]
    assert ranked[0] == "delivered-escalated"
    assert ranked[1] == "silent-drifting"


def met_at_the_desired_level(feedback: list[Feedback]) -> Account:
    """Three services rated 5 of 5, a commitment delivered early and accepted, a prompt
    and plain reply: every expectation met at the desired level, on time."""
    rated = [
        Expectation(id=f"item-{k}", dimension="tangibles", description=f"Item {k}", scale=(1, 5))
        for k in range(3)
    ]
    portal = Expectation(
        id="portal",
        dimension="reliability",
        description="Invoice portal",
        due=at(10),
        importance=0.9,
        confirmed_at=at(1),
        stakeholder="exec",
    )
    delivered = [
        Deliverable(id=f"rating-{k}", expectation=f"item-{k}", delivered_at=at(12), level=5)
        for k in range(3)
    ]
    delivered.append(
        Deliverable(id="go-live", expectation="portal", delivered_at=at(9), accepted_at=at(10))
    )
    return Account(
        customer=customer("met-at-desired"),
        expectations=[*rated, portal],
        deliverables=delivered,
        interactions=[
            Interaction(
                id="q1",
                at=at(3),
                direction="inbound",
                author="exec",
                text="Could you confirm the portal date?",
            ),
            Interaction(
                id="a1",
                at=at(3, 1),
                direction="outbound",
                author="Team",
                text="Yes, the portal goes live on 10 March as planned.",
                in_reply_to="q1",
            ),
        ],
        feedback=feedback,
    )


@pytest.mark.parametrize(
    "feedback",
    [
        Feedback(id="f", at=at(13), kind="praise", author="exec", text="Great work, thank you."),
        Feedback(id="f", at=at(13), kind="csat", value=5, author="exec"),
    ],
)
def test_every_expectation_met_with_positive_feedback_is_satisfied_or_delighted(feedback):
    outcome = perception.assess(met_at_the_desired_level([feedback]), as_of=at(15))
    assert outcome.band in (Band.SATISFIED, Band.DELIGHTED), outcome.score
    # A neutral question is no complaint: nothing asks to acknowledge it.
    assert not [f for f in outcome.findings if f.check == "acknowledgement"]
