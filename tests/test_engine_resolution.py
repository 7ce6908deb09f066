"""plan_followups: owners, and pending follow-ups judged resolved or kept open."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from perception import (
    Account,
    Band,
    Config,
    Customer,
    FollowUp,
    Interaction,
    PerceivedOutcome,
    Resolution,
    hookimpl,
    plan_followups,
)
from perception.testing import T0

QUESTION = "Could you send the new schedule?"


def _account(*interactions: Interaction, owner: str = "sam") -> Account:
    return Account(
        customer=Customer(id="acme", name="Acme"), interactions=interactions, owner=owner
    )


def _outcome(days: float) -> PerceivedOutcome:
    return PerceivedOutcome(
        account="acme", as_of=T0 + timedelta(days=days), score=60, band=Band.NEUTRAL, confidence=1
    )


def _at(days: float) -> object:
    return T0 + timedelta(days=days)


QUESTION_ASKED = Interaction(id="q1", at=_at(0), direction="inbound", text=QUESTION)
ANSWERED = Interaction(id="r1", at=_at(2), direction="outbound", text="Attached.", in_reply_to="q1")


def _planned(pm, **kwargs) -> FollowUp:
    plan = plan_followups(_account(QUESTION_ASKED, **kwargs), _outcome(1.5), plugins=pm)
    (item,) = [f for f in plan.followups if f.policy == "answer-question"]
    return item


def test_a_follow_up_gets_the_accounts_owner_unless_its_policy_named_one(perception_pm):
    assert _planned(perception_pm).owner == "sam"
    assert _planned(perception_pm, owner="").owner == ""


def test_an_answered_question_is_resolved_with_the_policys_reason(perception_pm):
    item = _planned(perception_pm)
    answered = _account(QUESTION_ASKED, ANSWERED)
    plan = plan_followups(answered, _outcome(3), plugins=perception_pm, pending=[item])
    assert item.key not in {f.key for f in plan.followups}
    assert plan.resolved == (
        Resolution(
            key=item.key,
            account="acme",
            policy="answer-question",
            reason="The question of 2026-01-05 was answered on 2026-01-07.",
        ),
    )
    assert "answer-question" in plan.policies
    # Still planned: nothing to judge.  Another account's: ignored.
    unanswered = plan_followups(
        _account(QUESTION_ASKED), _outcome(3), plugins=perception_pm, pending=[item]
    )
    assert unanswered.resolved == ()
    other = attrs.evolve(item, account="other")
    assert (
        plan_followups(answered, _outcome(3), plugins=perception_pm, pending=[other]).resolved == ()
    )


def test_nothing_is_judged_for_a_disabled_or_failing_policy(perception_pm):
    item = _planned(perception_pm)
    answered = _account(QUESTION_ASKED, ANSWERED)
    config = Config(disable={"answer-question"})
    plan = plan_followups(
        answered, _outcome(3), config=config, plugins=perception_pm, pending=[item]
    )
    assert plan.resolved == ()
    assert "answer-question" not in plan.policies

    class Broken:
        name = "answer-question-broken"
        description = "Raises."

        def followups(self, account, outcome, ctx):
            raise RuntimeError("boom")

    class Plugin:
        @hookimpl
        def perception_register_policies(self, register):
            register(Broken())

    perception_pm.register(Plugin())
    broken = attrs.evolve(item, policy="answer-question-broken")
    plan = plan_followups(answered, _outcome(3), plugins=perception_pm, pending=[broken])
    assert plan.resolved == ()
    assert [f.plugin for f in plan.failures] == ["answer-question-broken"]


class _Custom:
    name = "custom"
    description = "Plans one follow-up until day 2."

    def __init__(self, resolution=None):
        if resolution is not None:
            self.resolution = resolution

    def followups(self, account, outcome, ctx):
        if ctx.as_of < _at(2):
            yield FollowUp(
                policy=self.name,
                key="custom:acme:x",
                account=account.id,
                due=_at(1),
                action="Do it.",
                reason="Because.",
            )


def _with(pm, policy):
    class Plugin:
        @hookimpl
        def perception_register_policies(self, register):
            register(policy)

    pm.register(Plugin())
    first = plan_followups(_account(), _outcome(1), plugins=pm)
    (item,) = [f for f in first.followups if f.policy == "custom"]
    return item


def test_a_policy_without_a_resolution_method_resolves_with_a_generic_reason(perception_pm):
    item = _with(perception_pm, _Custom())
    plan = plan_followups(_account(), _outcome(3), plugins=perception_pm, pending=[item])
    assert [r.reason for r in plan.resolved] == ["custom no longer plans it as of 2026-01-08."]


def test_a_resolution_that_keeps_it_open_raises_or_returns_nonsense(perception_pm):
    item = _with(perception_pm, _Custom(lambda account, outcome, followup, ctx: None))
    assert (
        plan_followups(_account(), _outcome(3), plugins=perception_pm, pending=[item]).resolved
        == ()
    )


@pytest.mark.parametrize(
    ("method", "error"),
    [
        (lambda account, outcome, followup, ctx: 1 / 0, "division by zero"),
        (lambda account, outcome, followup, ctx: 42, "must return a string or None, not int"),
        (lambda account, outcome, followup, ctx: " ", "reason"),
    ],
)
def test_a_failing_resolution_keeps_it_open_and_is_reported(perception_pm, method, error):
    item = _with(perception_pm, _Custom(method))
    plan = plan_followups(_account(), _outcome(3), plugins=perception_pm, pending=[item])
    assert plan.resolved == ()
    (failure,) = plan.failures
    assert failure.plugin == "custom"
    assert error in failure.error
    with pytest.raises(Exception, match=error):
        plan_followups(_account(), _outcome(3), plugins=perception_pm, pending=[item], strict=True)
