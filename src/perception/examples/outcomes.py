"""A generated portfolio whose customers state how satisfied they are: for calibration.

Run it: ``python -m perception.examples.outcomes --out portfolio.jsonl`` writes the
accounts (the same file ships as ``perception/examples/data/outcomes.jsonl``), then::

    perception calibrate portfolio.jsonl --out model.json
    perception assess portfolio.jsonl --as-of 2026-03-20 --calibration model.json

Each account is a customer of the sample portfolio's kind: dated commitments (some late,
some outstanding), questions answered faster or slower than the customer expects, changes
of plan that the customer did or did not confirm, replies with or without unexplained
jargon, sometimes an escalation, and at the end a CSAT or NPS answer, and for some a
renewal or a churn.  What the customer states follows a hidden satisfaction built from
all of these, plus noise; the library never sees that formula, only the records.

The formula is this module's assumption about customers, written from the same general
findings the defaults rest on (late and missing deliveries, slow replies and unconfirmed
changes hurt; being early helps little), with weights of its own.  It is a test that
calibration can learn structure that the defaults only approximate, not evidence about
real customers: see ``docs/explanation/validity.md``.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import attrs

from perception.examples import SAMPLE_AS_OF
from perception.io import write_jsonl
from perception.model import (
    Account,
    Customer,
    Deliverable,
    Expectation,
    Feedback,
    Interaction,
    Stakeholder,
)

__all__ = ["Facts", "generate", "main", "satisfaction"]

#: The portfolio's "today": every account's survey lies before it.
TODAY = SAMPLE_AS_OF

_TOPICS = (
    "invoice export",
    "user import",
    "report schedule",
    "single sign-on",
    "data migration",
    "dashboard",
    "billing run",
    "API keys",
    "audit log",
    "mobile app",
)
_JARGON = (
    "per the SOW the RTO stays within the SLA",
    "the ETL job on the UAT env hit the IdP",
    "the MFA flow needs the SAML metadata per the RACI",
    "CDC lag on the DWH breached the RPO",
)
_PLAIN = (
    "we found the cause and it is fixed",
    "the import now runs every night and you will get a summary",
    "I have checked it with the team and it works again",
    "the report is ready and attached",
)
_QUESTION = "Hi, could you tell us where the {topic} stands?"
_TONE = {
    "positive": (
        "Thanks, the {topic} works really well now. Could you also send the next steps?",
        "Great work on the {topic}, the team is happy. When is the next release?",
    ),
    "neutral": (
        "Hi, could you tell us where the {topic} stands?",
        "Could you send an update on the {topic} please?",
    ),
    "negative": (
        "The {topic} is still broken and this is really frustrating. When will it be fixed?",
        "We are unhappy: nobody told us about the {topic} delay. Who can help?",
    ),
}


@attrs.frozen(kw_only=True)
class Facts:
    """What happened in one generated account, in numbers (what a raw model would see).

    Attributes:
        lateness_days: per commitment, days late (negative: early; ``inf``: outstanding).
        reply_hours: per customer question, hours to the reply.
        expected_hours: the reply time the customer expects.
        unconfirmed_changes: changes of plan the customer never confirmed.
        confirmed_changes: changes the customer confirmed.
        jargon_share: share of the team's replies with unexplained jargon.
        escalated: whether an executive escalated before the survey.
        tone: mean tone of the customer's messages, -1 to 1 (when they carry words).
        satisfaction: the hidden satisfaction the stated answer follows.
    """

    lateness_days: tuple[float, ...]
    reply_hours: tuple[float, ...]
    expected_hours: float
    unconfirmed_changes: int
    confirmed_changes: int
    jargon_share: float
    escalated: bool
    tone: float
    satisfaction: float


def satisfaction(
    lateness_days: Sequence[float],
    reply_hours: Sequence[float],
    expected_hours: float,
    unconfirmed_changes: int,
    jargon_share: float,
) -> float:
    """The hidden satisfaction (before noise) of an account: 1 is delighted, 0 neutral.

    Each late or missing commitment costs, growing with the delay and capped; replies
    slower than expected cost by how many times slower the slowest half were;
    unconfirmed changes of plan and jargon cost; being early or fast gains a little.
    """
    value = 0.9
    for late in lateness_days:
        if math.isinf(late):
            value -= 0.55
        elif late > 1.0:
            value -= 0.55 * min(1.0, (late - 1.0) / 10.0) ** 0.7
        else:
            value += 0.05
    if reply_hours:
        ordered = sorted(reply_hours)
        slow = ordered[len(ordered) // 2 :]
        ratio = sum(slow) / len(slow) / expected_hours
        value -= 0.35 * max(0.0, math.log2(ratio)) if ratio > 1.0 else -0.1 * (1.0 - ratio)
    value -= 0.3 * unconfirmed_changes
    value -= 0.4 * jargon_share
    return value


def _who(rng: random.Random, n: int) -> tuple[Stakeholder, ...]:
    return (
        Stakeholder(id="exec", name=f"Alex Moreau {n}", role="COO", seniority="executive"),
        Stakeholder(id="lead", name=f"Sam Okafor {n}", role="Project lead", seniority="manager"),
        Stakeholder(id="user", name=f"Kim Berg {n}", role="Analyst", seniority="user"),
    )[: rng.choice((2, 3))]


def _lateness(rng: random.Random, slipping: float) -> float:
    draw = rng.random()
    if draw < 0.05 + 0.1 * slipping:
        return math.inf
    if draw < 0.2 + 0.4 * slipping:
        return round(rng.uniform(1.5, 14.0) * (0.5 + slipping), 1)
    return round(-rng.uniform(0.0, 3.0), 1)


def _survey(rng: random.Random, value: float, at: datetime, author: str) -> Feedback:
    if rng.random() < 0.6:
        csat = min(5, max(1, round(3.0 + 2.2 * value)))
        return Feedback(id="survey", at=at, kind="csat", value=csat, author=author)
    nps = min(10, max(0, round(7.0 + 4.0 * value)))
    return Feedback(id="survey", at=at, kind="nps", value=nps, author=author)


def _account(rng: random.Random, n: int, words: bool) -> tuple[Account, Facts]:  # noqa: PLR0915  # one story, told in order
    start = TODAY - timedelta(days=rng.uniform(100, 140))
    survey_at = TODAY - timedelta(days=rng.uniform(2, 20))
    people = _who(rng, n)
    slipping = rng.random()
    expectations: list[Expectation] = []
    deliverables: list[Deliverable] = []
    lateness: list[float] = []
    for k in range(rng.choice((2, 3, 4))):
        due = start + timedelta(days=20 + 25 * k + rng.uniform(-5, 5))
        if due > survey_at - timedelta(days=3):
            break
        late = _lateness(rng, slipping)
        lateness.append(late)
        expectations.append(
            Expectation(
                id=f"commit-{k}",
                dimension="reliability",
                description=f"{_TOPICS[(n + k) % len(_TOPICS)].capitalize()} delivered",
                importance=round(rng.uniform(0.4, 0.9), 2),
                critical=rng.random() < 0.3,
                due=due,
                confirmed_at=start + timedelta(days=2),
                stakeholder="lead",
            )
        )
        delivered = None if math.isinf(late) else due + timedelta(days=late)
        if delivered is not None and delivered > survey_at:
            delivered, lateness[-1] = None, math.inf
        accepted = (
            delivered + timedelta(days=rng.uniform(0.5, 3))
            if delivered is not None and rng.random() < 0.6
            else None
        )
        if accepted is not None and accepted > survey_at:
            accepted = None
        deliverables.append(
            Deliverable(
                id=f"deliver-{k}",
                expectation=f"commit-{k}",
                delivered_at=delivered,
                accepted_at=accepted,
            )
        )
    expected = rng.choice((8.0, 24.0, 24.0, 48.0))
    expectations.append(
        Expectation(
            id="replies",
            dimension="responsiveness",
            description="Answers to our questions",
            kind="implicit",
            importance=0.6,
            adequate=expected,
            desired=expected / 4.0,
            unit="hours",
            better="lower",
            stakeholder="lead",
        )
    )
    median = expected * math.exp(rng.gauss(-0.3, 1.0))
    jargon_rate = rng.choice((0.0, 0.0, 0.2, 0.6))
    questions = rng.randint(3, 8)
    replies: list[float] = []
    interactions: list[Interaction] = []
    # The questions run up to the last days before the survey, as a survey follows the
    # work it asks about.
    spacing = (survey_at - timedelta(days=3) - start).total_seconds() / questions
    jargon_used = 0
    for q in range(questions):
        asked = start + timedelta(seconds=spacing * (q + 0.5) + rng.uniform(0, 3600 * 4))
        hours = max(0.3, median * math.exp(rng.gauss(0, 0.5)))
        replies.append(hours)
        topic = _TOPICS[rng.randrange(len(_TOPICS))]
        interactions.append(
            Interaction(
                id=f"q{q}",
                at=asked,
                direction="inbound",
                author=rng.choice(people).id,
                text=_QUESTION.format(topic=topic),
            )
        )
        jargon = rng.random() < jargon_rate
        jargon_used += jargon
        body = rng.choice(_JARGON if jargon else _PLAIN)
        interactions.append(
            Interaction(
                id=f"a{q}",
                at=asked + timedelta(hours=hours),
                direction="outbound",
                author="Account team",
                text=f"Hi, thanks for asking about the {topic}: {body}. Best regards, the team",
                in_reply_to=f"q{q}",
            )
        )
    unconfirmed = confirmed = 0
    for c in range(rng.choice((0, 0, 1, 1, 2))):
        moved = survey_at + timedelta(days=rng.uniform(5, 30))
        agreed = rng.random() < 0.5
        confirmed += agreed
        unconfirmed += not agreed
        expectations.append(
            Expectation(
                id=f"change-{c}",
                dimension="assurance",
                description=f"Go-live of phase {c + 2} moved to {moved:%d %B}",
                critical=True,
                importance=0.7,
                due=moved,
                confirmed_at=(start + timedelta(days=40 + 10 * c) if agreed else None),
                stakeholder="exec",
            )
        )
    jargon_share = jargon_used / questions
    latent = satisfaction(lateness, replies, expected, unconfirmed, jargon_share)
    latent += rng.gauss(0.0, 0.3)
    feedback: list[Feedback] = []
    escalated = latent < -0.2 and rng.random() < 0.5
    if escalated:
        feedback.append(
            Feedback(
                id="escalation",
                at=survey_at - timedelta(days=rng.uniform(3, 15)),
                kind="escalation",
                author="exec",
                text="Escalated to the account director.",
            )
        )
    tone = 0.0
    if words:
        interactions, tone = _with_tone(rng, interactions, latent)
    feedback.append(_survey(rng, latent, survey_at, rng.choice(people).id))
    if rng.random() < 0.3:
        renews = latent + rng.gauss(0, 0.3) > 0.0
        feedback.append(
            Feedback(
                id="contract",
                at=survey_at + timedelta(days=1),
                kind="renewal" if renews else "churn",
                author="exec",
            )
        )
    account = Account(
        customer=Customer(
            id=f"customer-{n:04d}",
            name=f"Customer {n:04d}",
            segment=rng.choice(("smb", "mid-market", "enterprise")),
            stakeholders=people,
        ),
        owner="Account team",
        expectations=expectations,
        deliverables=deliverables,
        interactions=interactions,
        feedback=feedback,
    )
    facts = Facts(
        lateness_days=tuple(lateness),
        reply_hours=tuple(replies),
        expected_hours=expected,
        unconfirmed_changes=unconfirmed,
        confirmed_changes=confirmed,
        jargon_share=jargon_share,
        escalated=escalated,
        tone=tone,
        satisfaction=latent,
    )
    return account, facts


def _with_tone(
    rng: random.Random, interactions: list[Interaction], latent: float
) -> tuple[list[Interaction], float]:
    """The customer's questions reworded in a tone that follows their satisfaction."""
    toned: list[Interaction] = []
    tones: list[float] = []
    for message in interactions:
        if not message.inbound:
            toned.append(message)
            continue
        mood = latent + rng.gauss(0.0, 0.5)
        tone = "negative" if mood < 0.0 else "positive" if mood > 0.8 else "neutral"
        tones.append({"negative": -1.0, "neutral": 0.0, "positive": 1.0}[tone])
        topic = message.text.split("the ", 1)[-1].split(" stands")[0]
        text = rng.choice(_TONE[tone]).format(topic=topic)
        toned.append(attrs.evolve(message, text=text))
    return toned, (sum(tones) / len(tones) if tones else 0.0)


def generate(count: int = 300, *, seed: int = 7, words: bool = True) -> list[tuple[Account, Facts]]:
    """*count* generated accounts with what happened in each.

    :param words: the customers' messages carry their tone (else every question is the
        same neutral sentence).
    """
    rng = random.Random(seed)  # noqa: S311  # reproducible sample data, not security
    return [_account(rng, n, words) for n in range(count)]


def main(argv: Sequence[str] | None = None) -> None:
    """Write the generated portfolio as JSONL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("portfolio.jsonl"))
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    written = write_jsonl((a for a, _ in generate(args.accounts, seed=args.seed)), args.out)
    print(f"Wrote {written} accounts to {args.out}")


if __name__ == "__main__":
    main()
