"""The ``post-delivery-check-in`` policy."""

from __future__ import annotations

from perception import Account, Deliverable, Expectation, Priority
from perception.builtin.policies import PostDeliveryCheckInPolicy

from ._support import account, day, run


def _delivery_account(**deliverable) -> Account:
    deliverable.setdefault("delivered_at", day(0))
    return account(
        expectations=[
            Expectation(
                id="e1",
                dimension="reliability",
                description="Portal live",
                critical=True,
                stakeholder="marco",
            ),
        ],
        deliverables=[Deliverable(id="d1", expectation="e1", description="Portal", **deliverable)],
    )


def test_delivery_check_in_is_due_days_after_delivery_and_names_the_delivery():
    (item,) = run(PostDeliveryCheckInPolicy(), _delivery_account(), as_of=day(1))
    assert item.key == "post-delivery-check-in:acme:d1:delivered:20260301T090000Z"
    assert item.due == day(3)
    assert item.priority is Priority.HIGH  # the expectation is critical
    assert "Marco Ruiz" in item.action
    assert item.evidence == ("d1",)


def test_acceptance_replaces_the_delivery_check_in():
    acct = _delivery_account(accepted_at=day(2))
    (item,) = run(PostDeliveryCheckInPolicy(), acct, as_of=day(5))
    assert item.key.endswith(":d1:accepted:20260303T090000Z")
    assert item.due == day(16)


def test_redelivery_is_a_new_situation_with_a_new_key():
    first = run(PostDeliveryCheckInPolicy(), _delivery_account(), as_of=day(1))
    again = run(PostDeliveryCheckInPolicy(), _delivery_account(), as_of=day(2))
    later = run(PostDeliveryCheckInPolicy(), _delivery_account(delivered_at=day(4)), as_of=day(5))
    assert [f.key for f in first] == [f.key for f in again]
    assert first[0].key != later[0].key


def test_old_deliveries_are_left_alone_unless_max_age_is_zero():
    acct = _delivery_account()
    assert run(PostDeliveryCheckInPolicy(), acct, as_of=day(90)) == []
    assert len(run(PostDeliveryCheckInPolicy(), acct, as_of=day(90), max_age_days=0)) == 1
