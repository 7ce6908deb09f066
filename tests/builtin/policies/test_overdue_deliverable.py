"""The ``overdue-deliverable`` policy, and ``confirm-critical`` stepping aside for it."""

from __future__ import annotations

import attrs
import pytest

from perception import Band, Config, Deliverable, Expectation, Priority
from perception.builtin.policies import ConfirmCriticalPolicy, OverdueDeliverablePolicy
from perception.errors import ConfigError

from ._support import account, critical, day, registry, resolve, run


def report(**kwargs) -> Expectation:
    values = {
        "id": "rep",
        "dimension": "reliability",
        "description": "Monthly report",
        "due": day(10),
        "stakeholder": "marco",
    }
    values.update(kwargs)
    return Expectation(**values)


def test_a_commitment_past_its_date_with_nothing_delivered_asks_to_deliver_or_redate():
    acct = account(expectations=[report()])
    assert run(OverdueDeliverablePolicy(), acct, as_of=day(9)) == []
    (item,) = run(OverdueDeliverablePolicy(), acct, as_of=day(12))
    assert item.key == "overdue-deliverable:acme:rep:20260311T090000Z"
    assert item.due == day(10)
    assert item.action == "Deliver 'Monthly report' or give Marco Ruiz a new date, in writing."
    assert "was due on 2026-03-11" in item.reason
    assert item.priority is Priority.HIGH
    assert run(OverdueDeliverablePolicy(), acct, as_of=day(13)) == [item]


def test_critical_commitments_and_critical_outcomes_are_urgent():
    acct = account(expectations=[report(critical=True)])
    (item,) = run(OverdueDeliverablePolicy(), acct, as_of=day(12))
    assert item.priority is Priority.URGENT
    plain = account(expectations=[report()])
    (risky,) = run(OverdueDeliverablePolicy(), plain, as_of=day(12), band=Band.CRITICAL)
    assert risky.priority is Priority.URGENT


def test_a_delivery_or_a_new_date_resolves_it_and_old_ones_are_left_alone():
    acct = account(expectations=[report()])
    (item,) = run(OverdueDeliverablePolicy(), acct, as_of=day(12))
    delivered = attrs.evolve(
        acct, deliverables=[Deliverable(id="d1", expectation="rep", delivered_at=day(13))]
    )
    assert run(OverdueDeliverablePolicy(), delivered, as_of=day(14)) == []
    reason = resolve(OverdueDeliverablePolicy(), delivered, item, as_of=day(14))
    assert reason == "'Monthly report' was delivered on 2026-03-14."
    redated = account(expectations=[report(due=day(20))])
    assert run(OverdueDeliverablePolicy(), redated, as_of=day(14)) == []
    reason = resolve(OverdueDeliverablePolicy(), redated, item, as_of=day(14))
    assert reason == "A new date was given for 'Monthly report': 2026-03-21."
    (again,) = run(OverdueDeliverablePolicy(), redated, as_of=day(22))
    assert again.key != item.key
    assert run(OverdueDeliverablePolicy(), acct, as_of=day(200)) == []
    assert resolve(OverdueDeliverablePolicy(), acct, item, as_of=day(200)) is None
    assert run(OverdueDeliverablePolicy(), acct, as_of=day(200), max_age_days=0)
    assert "no longer" in resolve(OverdueDeliverablePolicy(), account(), item, as_of=day(14))


def test_confirm_critical_leaves_an_overdue_commitment_to_overdue_deliverable():
    acct = account(expectations=[critical(due=day(10))])
    (ask,) = run(ConfirmCriticalPolicy(), acct, as_of=day(6))
    assert "confirm in writing" in ask.action
    assert run(ConfirmCriticalPolicy(), acct, as_of=day(12)) == []
    (deliver,) = run(OverdueDeliverablePolicy(), acct, as_of=day(12))
    assert deliver.action.startswith("Deliver 'Cut-over on 21 March'")
    reason = resolve(ConfirmCriticalPolicy(), acct, ask, as_of=day(12))
    assert "overdue" in reason


def test_confirm_critical_says_why_a_request_no_longer_holds():
    acct = account(expectations=[critical(due=day(30))])
    (ask,) = run(ConfirmCriticalPolicy(), acct, as_of=day(1))
    assert resolve(ConfirmCriticalPolicy(), acct, ask, as_of=day(2)) is None
    confirmed = account(expectations=[critical(due=day(30), confirmed_at=day(2))])
    assert "confirmed" in resolve(ConfirmCriticalPolicy(), confirmed, ask, as_of=day(3))
    changed = account(expectations=[critical(due=day(31))])
    assert "terms" in resolve(ConfirmCriticalPolicy(), changed, ask, as_of=day(3))
    relaxed = account(expectations=[critical(due=day(30), critical=False)])
    assert "no longer marked critical" in resolve(
        ConfirmCriticalPolicy(), relaxed, ask, as_of=day(3)
    )
    accepted = attrs.evolve(
        acct,
        deliverables=[
            Deliverable(id="d", expectation="cut", delivered_at=day(2), accepted_at=day(3))
        ],
    )
    assert "accepted" in resolve(ConfirmCriticalPolicy(), accepted, ask, as_of=day(4))
    assert "no longer" in resolve(ConfirmCriticalPolicy(), account(), ask, as_of=day(3))


def test_out_of_range_option_names_the_option():
    config = Config.from_mapping({"options": {"overdue-deliverable": {"max_age_days": -1}}})
    with pytest.raises(ConfigError, match=r"max_age_days: must be >= 0, not -1"):
        config.validate(registry())
