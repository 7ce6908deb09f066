"""The ``post-delivery-check-in`` policy."""

from __future__ import annotations

import attrs

from perception import Account, Deliverable, Expectation, Feedback, Priority
from perception.builtin.policies import PostDeliveryCheckInPolicy

from ._support import account, day, resolve, run


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


def test_no_cheerful_check_in_while_the_account_recovers_from_an_escalation():
    delivered = Deliverable(
        id="d1", expectation="e1", description="Portal", delivered_at=day(0), accepted_at=day(1)
    )
    calm = account(
        expectations=[Expectation(id="e1", dimension="reliability")], deliverables=[delivered]
    )
    (usual,) = run(PostDeliveryCheckInPolicy(), calm, as_of=day(16))
    escalated = attrs.evolve(
        calm, feedback=[Feedback(id="f1", at=day(14), kind="escalation", author="dana")]
    )
    (held,) = run(PostDeliveryCheckInPolicy(), escalated, as_of=day(16))
    assert held.key == usual.key
    assert held.priority is Priority.LOW
    assert held.due == day(28)
    assert held.action.startswith("Once the escalation of 2026-03-15 is settled: Ask")
    assert "Held while the account recovers" in held.reason
    # Once out of recovery it comes back as it was; with recovery_days 0 it is never held.
    assert run(PostDeliveryCheckInPolicy(), escalated, as_of=day(29)) == [usual]
    assert run(PostDeliveryCheckInPolicy(), escalated, as_of=day(16), recovery_days=0) == [usual]


def test_acceptance_or_a_new_delivery_resolves_the_delivery_check_in():
    expectation = Expectation(id="e1", dimension="reliability", description="Portal")
    first = Deliverable(id="d1", expectation="e1", delivered_at=day(0))
    acct = account(expectations=[expectation], deliverables=[first])
    (item,) = run(PostDeliveryCheckInPolicy(), acct, as_of=day(4))
    assert resolve(PostDeliveryCheckInPolicy(), acct, item, as_of=day(5)) is None
    accepted = attrs.evolve(acct, deliverables=[attrs.evolve(first, accepted_at=day(5))])
    reason = resolve(PostDeliveryCheckInPolicy(), accepted, item, as_of=day(6))
    assert reason == "'Portal' was accepted on 2026-03-06; a new check-in follows."
    again = attrs.evolve(acct, deliverables=[attrs.evolve(first, delivered_at=day(5))])
    reason = resolve(PostDeliveryCheckInPolicy(), again, item, as_of=day(6))
    assert reason == "'Portal' was delivered again on 2026-03-06."
    assert "no longer" in resolve(PostDeliveryCheckInPolicy(), account(), item, as_of=day(6))
