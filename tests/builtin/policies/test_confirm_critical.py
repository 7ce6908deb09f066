"""The ``confirm-critical`` policy."""

from __future__ import annotations

from perception import Deliverable, Priority
from perception.builtin.policies import ConfirmCriticalPolicy

from ._support import account, critical, day, run


def test_unconfirmed_critical_expectation_asks_for_confirmation_before_it_is_due():
    acct = account(expectations=[critical(due=day(20))])
    (item,) = run(ConfirmCriticalPolicy(), acct, as_of=day(1))
    assert item.key.startswith("confirm-critical:acme:cut:")
    assert item.due == day(15)
    assert item.priority is Priority.HIGH
    assert "Dana Whitfield" in item.action
    (late,) = run(ConfirmCriticalPolicy(), acct, as_of=day(16))
    assert late.priority is Priority.URGENT
    assert late.key == item.key


def test_confirmed_accepted_or_non_critical_expectations_need_nothing():
    policy = ConfirmCriticalPolicy()
    assert run(policy, account(expectations=[critical(confirmed_at=day(0))]), as_of=day(1)) == []
    assert run(policy, account(expectations=[critical(critical=False)]), as_of=day(1)) == []
    accepted = account(
        expectations=[critical()],
        deliverables=[
            Deliverable(id="d", expectation="cut", delivered_at=day(0), accepted_at=day(1))
        ],
    )
    assert run(policy, accepted, as_of=day(2)) == []


def test_a_scope_change_gets_a_new_key():
    before = run(ConfirmCriticalPolicy(), account(expectations=[critical()]), as_of=day(1))
    changed = account(expectations=[critical(description="Cut-over on 28 March")])
    after = run(ConfirmCriticalPolicy(), changed, as_of=day(1))
    assert before[0].key != after[0].key
    assert before[0].key.rsplit(":", 1)[0] == after[0].key.rsplit(":", 1)[0]
