"""The ``confirmation`` scorer: critical expectations the customer never confirmed."""

from __future__ import annotations

from perception.model import Deliverable, Expectation

from ._helpers import account, at, refused, signals


def cutover(confirmed_at=None, due=None, deliverables=()):
    return account(
        deliverables=list(deliverables),
        expectations=[
            Expectation(
                id="exp-cutover",
                dimension="assurance",
                description="Cut-over weekend",
                critical=True,
                importance=0.8,
                due=due,
                confirmed_at=confirmed_at,
                stakeholder="dana",
            )
        ],
    )


def test_unconfirmed_critical_point_is_a_loss_named_with_its_holder():
    [signal] = signals(cutover(), "confirmation", at(0))
    assert signal.value < 0
    assert signal.explanation == (
        "Cut-over weekend is critical and was never confirmed by Dana Whitfield (CIO)."
    )
    [soon] = signals(cutover(due=at(5)), "confirmation", at(0))
    assert soon.value < signal.value
    [confirmed] = signals(cutover(confirmed_at=at(-3)), "confirmation", at(0))
    assert confirmed.value > 0


def test_confirmation_after_as_of_does_not_count():
    [signal] = signals(cutover(confirmed_at=at(10)), "confirmation", at(0))
    assert signal.value < 0


def test_options_are_range_checked():
    assert "options.confirmation.urgent_value: must be from -1 to 1, not -2" in refused(
        "confirmation", {"urgent_value": -2}
    )


def test_an_accepted_deliverable_counts_as_confirmed():
    plan = Deliverable(
        id="del-plan", expectation="exp-cutover", delivered_at=at(-5), accepted_at=at(-4)
    )
    [signal] = signals(cutover(deliverables=[plan]), "confirmation", at(0))
    assert signal.value > 0
    assert signal.explanation == (
        "Cut-over weekend (critical) was confirmed (accepted the deliverable) by "
        "Dana Whitfield (CIO) on 25 February."
    )
    assert signal.evidence == ("exp-cutover", "del-plan")


def test_a_late_item_is_judged_as_late_not_also_as_never_confirmed():
    # Due five days ago and still outstanding: the disconfirmation scorer reports it late;
    # "never confirmed, though it was due" would count the same item twice.
    late = cutover(due=at(-5), deliverables=[Deliverable(id="d", expectation="exp-cutover")])
    assert signals(late, "confirmation", at(0)) == []
    [judged] = signals(late, "disconfirmation", at(0))
    assert "still outstanding" in judged.explanation
