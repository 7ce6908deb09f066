from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import attrs
import pytest

from perception import (
    Account,
    Customer,
    Deliverable,
    Dimension,
    Direction,
    Expectation,
    Feedback,
    FeedbackKind,
    Interaction,
    Seniority,
    Stakeholder,
    ValidationError,
)
from perception.testing import T0, make_account, message


def test_strings_are_converted_to_enums():
    person = Stakeholder(id="d", name="Dana", seniority="executive")
    assert person.seniority is Seniority.EXECUTIVE
    item = Interaction(id="m1", at=T0, direction="inbound")
    assert item.direction is Direction.INBOUND


def test_every_problem_of_a_record_is_reported_with_its_field():
    with pytest.raises(ValidationError) as info:
        Expectation(
            id="",
            dimension="speed",
            importance=1.5,
            adequate=10,
            desired=5,
            due=datetime(2026, 1, 1),  # naive
        )
    paths = {p.path for p in info.value.problems}
    assert paths == {"id", "dimension", "importance", "adequate", "due"}
    assert "timezone-aware" in str(info.value)
    assert "must be <= desired" in str(info.value)


def test_zone_of_tolerance_direction_depends_on_better():
    Expectation(id="e", dimension="responsiveness", adequate=24, desired=4, better="lower")
    with pytest.raises(ValidationError, match="must be >= desired"):
        Expectation(id="e", dimension="responsiveness", adequate=4, desired=24, better="lower")


def test_zone_fills_a_missing_end():
    exp = Expectation(id="e", dimension="reliability", adequate=99.0)
    assert exp.zone == (99.0, 99.0)
    assert Expectation(id="e", dimension="reliability").zone is None


def test_naive_datetime_is_an_error_not_a_guess():
    with pytest.raises(ValidationError, match="timezone-aware"):
        Interaction(id="m", at=datetime(2026, 1, 1, 9), direction="inbound")


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("csat", 5, True),
        ("csat", 0, False),
        ("nps", 10, True),
        ("nps", 11, False),
        ("ces", 7, True),
        ("ces", None, False),
        ("escalation", None, True),
    ],
)
def test_feedback_value_ranges(kind, value, ok):
    make = lambda: Feedback(id="f", at=T0, kind=kind, value=value)  # noqa: E731
    if ok:
        assert make().kind is FeedbackKind(kind)
    else:
        with pytest.raises(ValidationError, match="value"):
            make()


def test_account_checks_references_between_records():
    with pytest.raises(ValidationError) as info:
        make_account(
            expectations=[Expectation(id="e1", dimension="reliability", stakeholder="ghost")],
            deliverables=[Deliverable(id="d1", expectation="nope")],
            interactions=[message("m1", "hi", in_reply_to="m0"), message("m1", "again")],
        )
    messages = {p.path: p.message for p in info.value.problems}
    assert "no expectation with id 'nope'" in messages["deliverables[0].expectation"]
    assert "no interaction with id 'm0'" in messages["interactions[0].in_reply_to"]
    assert "duplicate id 'm1'" in messages["interactions[1].id"]
    assert "no stakeholder" in messages["expectations[0].stakeholder"]


def test_acceptance_needs_delivery_and_follows_it():
    with pytest.raises(ValidationError, match="needs delivered_at"):
        Deliverable(id="d", expectation="e", accepted_at=T0)
    with pytest.raises(ValidationError, match="must not be before delivered_at"):
        Deliverable(id="d", expectation="e", delivered_at=T0, accepted_at=T0 - timedelta(1))


def test_records_are_frozen_and_evolve():
    account = make_account()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        account.owner = "x"  # type: ignore[misc]
    changed = attrs.evolve(account, owner="Sam")
    assert changed.owner == "Sam"
    assert account.owner == ""


def test_account_helpers():
    first = message("m1", "one", days=2)
    second = message("m2", "two", days=1)
    account = make_account(
        expectations=[Expectation(id="e1", dimension=Dimension.RELIABILITY)],
        deliverables=[Deliverable(id="d1", expectation="e1")],
        interactions=[first, second],
    )
    assert account.id == "acme"
    assert account.expectation("e1") is not None
    assert account.deliverables_for("e1")[0].id == "d1"
    assert [i.id for i in account.timeline()] == ["m2", "m1"]
    assert account.interaction("m2") is second
    assert account.customer.stakeholder("exec") is not None
    assert account.customer.stakeholder("nobody") is None


def test_customer_rejects_bad_glossary_and_duplicate_stakeholders():
    with pytest.raises(ValidationError) as info:
        Customer(
            id="c",
            name="C",
            stakeholders=[Stakeholder(id="a", name="A"), Stakeholder(id="a", name="B")],
            glossary={"": "empty"},
        )
    assert {p.path for p in info.value.problems} == {"stakeholders[1].id", "glossary"}


def test_account_requires_a_customer():
    with pytest.raises(ValidationError, match="must be a Customer"):
        Account(customer="acme")  # type: ignore[arg-type]


def test_other_offsets_are_kept():
    tz = timezone(timedelta(hours=2))
    item = Interaction(id="m", at=datetime(2026, 1, 1, 9, tzinfo=tz), direction="outbound")
    assert item.at.utcoffset() == timedelta(hours=2)


def test_as_of_leaves_out_later_records_and_returns_itself_when_nothing_is_later():
    account = make_account(
        interactions=[
            message("q", "Any news?", days=1),
            message("r", "Yes.", inbound=False, days=3),
        ]
    )
    assert account.as_of(T0 + timedelta(days=5)) is account
    view = account.as_of(T0 + timedelta(days=2))
    assert [i.id for i in view.interactions] == ["q"]
    assert [i.id for i in account.interactions] == ["q", "r"]


def test_as_of_stays_valid_when_a_reply_is_stamped_before_its_question():
    # Clock skew: the reply "r" was stamped a minute before the message it answers.
    account = make_account(
        interactions=[
            message("q", "Can you confirm?", days=1),
            message("r", "Confirmed.", inbound=False, days=1 - 1 / 1440, in_reply_to="q"),
        ]
    )
    view = account.as_of(T0 + timedelta(days=1 - 1 / 2880))
    (reply,) = view.interactions
    assert reply.id == "r"
    assert reply.in_reply_to is None
    assert reply.text == "Confirmed."


# -- ratings, stated scales, outcomes and dates alone ------------------------------------


def test_a_rating_scale_gives_a_default_zone_and_checks_its_levels():
    seat = Expectation(id="seat", dimension="tangibles", scale=(1, 5))
    assert seat.zone == (3.0, 5.0)
    assert Expectation(id="nps", dimension="assurance", scale=(0, 10), adequate=7).zone == (
        7.0,
        10.0,
    )
    assert Expectation(
        id="wait", dimension="responsiveness", scale=(1, 7), better="lower"
    ).zone == (
        4.0,
        1.0,
    )
    with pytest.raises(ValidationError) as info:
        Expectation(id="bad", dimension="tangibles", scale=(5, 1), adequate=9)
    assert "scale: the lowest value (5) must be below the highest (1)" in str(info.value)
    with pytest.raises(ValidationError, match="adequate: must be within the scale 1 to 5"):
        Expectation(id="bad", dimension="tangibles", scale=(1, 5), adequate=9)
    with pytest.raises(ValidationError) as info:
        Account(
            customer=Customer(id="c", name="C"),
            expectations=[seat],
            deliverables=[Deliverable(id="r", expectation="seat", level=0)],
        )
    assert "deliverables[0].level: 0 is outside the scale 1 to 5 of expectation 'seat'" in str(
        info.value
    )
    # Not applicable: a rating left out.
    Account(
        customer=Customer(id="c", name="C"),
        expectations=[seat],
        deliverables=[Deliverable(id="r", expectation="seat")],
    )


@pytest.mark.parametrize(
    ("kind", "value", "scale", "satisfied", "signed"),
    [
        ("csat", 4, None, True, 0.5),
        ("csat", 3, None, False, 0.0),
        ("csat", 8, (0, 10), True, 0.6),
        ("csat", 7, (0, 10), False, 0.4),
        ("nps", 7, None, True, -0.2),
        ("nps", 6, None, False, -0.6),
        ("ces", 3, None, True, 1 / 3),
        ("ces", 4, None, False, 0.0),
        ("renewal", None, None, True, 0.7),
        ("churn", None, None, False, -1.0),
        ("complaint", None, None, None, -0.7),
    ],
)
def test_what_the_customer_states(kind, value, scale, satisfied, signed):
    item = Feedback(id="f", at=T0, kind=kind, value=value, scale=scale)
    assert item.satisfied is satisfied
    assert item.signed_value == pytest.approx(signed)


def test_only_csat_and_ces_take_a_scale_and_values_stay_on_it():
    with pytest.raises(ValidationError, match="only csat and ces answers take a scale, not nps"):
        Feedback(id="f", at=T0, kind="nps", value=8, scale=(0, 10))
    with pytest.raises(ValidationError, match="value: must be <= 10, not 11"):
        Feedback(id="f", at=T0, kind="csat", value=11, scale=(0, 10))


def test_a_date_alone_is_that_day_in_utc_and_a_due_date_its_end():
    item = Feedback(id="f", at=date(2026, 3, 1), kind="praise")
    assert item.at == datetime(2026, 3, 1, tzinfo=timezone.utc)
    promise = Expectation(id="e", dimension="reliability", due=date(2026, 3, 1))
    assert promise.due is not None
    assert promise.due.date() == date(2026, 3, 1)
    assert (promise.due.hour, promise.due.minute) == (23, 59)
    done = Deliverable(id="d", expectation="e", delivered_at=date(2026, 3, 1))
    assert done.delivered_at is not None
    assert done.delivered_at <= promise.due
