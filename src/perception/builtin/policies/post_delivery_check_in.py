"""The ``post-delivery-check-in`` policy: ask how a delivery works, after delivery and acceptance.

Some days after a deliverable is delivered, ask whether it works as expected; some days after
the customer accepts it, ask how it works in daily use.  Once the customer has accepted it,
only the acceptance check-in is planned.  Keys name the deliverable and the delivery (or
acceptance) time, so a re-delivery is a new situation.

No cheerful check-in on an account in recovery: within ``recovery_days`` after an escalation
or a complaint, the check-in is held: planned for the end of that time, at low priority,
under the same key, so that it comes back on its own once the account is out of recovery.

The rule is a practice default, not a published finding: the day counts are defaults to tune,
not measured values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import attrs

from perception.builtin.policies._common import band_priority, day, key, recovery, stamp, who
from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import Account, Deliverable
from perception.options import at_least, option
from perception.outcome import FollowUp, PerceivedOutcome, Priority

__all__ = ["PostDeliveryCheckInPolicy", "perception_register_policies"]


class PostDeliveryCheckInPolicy:
    """Check back some days after a delivery, and again some days after acceptance.

    Once the customer has accepted the deliverable, the delivery check-in is no longer
    planned: the acceptance check-in takes over.  Deliveries older than
    ``max_age_days`` are left alone, so importing an old history does not flood the
    ledger.  Keys name the deliverable and the delivery (or acceptance) time, so a
    re-delivery is a new situation.
    """

    name = "post-delivery-check-in"
    description = "Some days after a delivery (and after acceptance): ask whether it works."

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``post-delivery-check-in`` policy."""

        days_after_delivery: float = option(
            3.0, "days after delivery to check in", validator=at_least(0)
        )
        days_after_acceptance: float = option(
            14.0, "days after acceptance to check in again", validator=at_least(0)
        )
        max_age_days: float = option(
            60.0,
            "deliveries and acceptances older than this are left alone (0: no limit)",
            validator=at_least(0),
        )
        recovery_days: float = option(
            14.0,
            "check-ins are held this many days after an escalation or complaint (0: never)",
            validator=at_least(0),
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[PostDeliveryCheckInPolicy.Options],
    ) -> Iterator[FollowUp]:
        """One follow-up per recent delivery and one per recent acceptance."""
        after_delivery = timedelta(days=ctx.options.days_after_delivery)
        after_acceptance = timedelta(days=ctx.options.days_after_acceptance)
        max_age = ctx.options.max_age_days

        def recent(moment: datetime) -> bool:
            return max_age == 0 or ctx.as_of - moment <= timedelta(days=max_age)

        held = recovery(account, ctx.as_of, ctx.options.recovery_days)
        hold = (
            (held.at + timedelta(days=ctx.options.recovery_days), held.kind.value, day(held.at))
            if held is not None
            else None
        )
        for found in self._planned(account, outcome, after_delivery, after_acceptance, recent):
            yield _held(found, *hold) if hold is not None else found

    def _planned(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        after_delivery: timedelta,
        after_acceptance: timedelta,
        recent: Callable[[datetime], bool],
    ) -> Iterator[FollowUp]:
        """The check-ins as planned outside recovery."""
        for item in account.deliverables:
            if item.delivered_at is None:
                continue
            to, what, priority = self._subject(account, outcome, item)
            if recent(item.delivered_at) and item.accepted_at is None:
                yield FollowUp(
                    policy=self.name,
                    key=key(self.name, account, item.id, "delivered", stamp(item.delivered_at)),
                    account=account.id,
                    due=item.delivered_at + after_delivery,
                    action=f"Ask {to} whether '{what}' works as expected.",
                    reason=(
                        f"'{what}' was delivered on {day(item.delivered_at)} and not yet accepted."
                    ),
                    priority=priority,
                    evidence=(item.id,),
                )
            if item.accepted_at is not None and recent(item.accepted_at):
                yield FollowUp(
                    policy=self.name,
                    key=key(self.name, account, item.id, "accepted", stamp(item.accepted_at)),
                    account=account.id,
                    due=item.accepted_at + after_acceptance,
                    action=f"Ask {to} how '{what}' is working out in daily use.",
                    reason=f"'{what}' was accepted on {day(item.accepted_at)}.",
                    priority=priority,
                    evidence=(item.id,),
                )

    @staticmethod
    def _subject(
        account: Account, outcome: PerceivedOutcome, item: Deliverable
    ) -> tuple[str, str, Priority]:
        """Whom to ask, about what, and how urgently: from the deliverable's expectation."""
        expectation = account.expectation(item.expectation)
        critical = expectation is not None and expectation.critical
        to = who(account, expectation.stakeholder if expectation else None)
        what = item.description or (expectation.description if expectation else item.id)
        return to, what, band_priority(outcome, Priority.HIGH if critical else Priority.NORMAL)

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[PostDeliveryCheckInPolicy.Options],
    ) -> str | None:
        """Resolved when the deliverable was accepted (the acceptance check-in takes over)
        or delivered again; kept open when it only grew old."""
        item = next((d for d in account.deliverables if d.id in followup.evidence), None)
        if item is None or item.delivered_at is None:
            return "The delivery is no longer in the account's records."
        what = self._subject(account, outcome, item)[1]
        if followup.key == key(self.name, account, item.id, "delivered", stamp(item.delivered_at)):
            if item.accepted_at is not None:
                return f"'{what}' was accepted on {day(item.accepted_at)}; a new check-in follows."
            return None
        if item.accepted_at is None or followup.key != key(
            self.name, account, item.id, "accepted", stamp(item.accepted_at)
        ):
            return f"'{what}' was delivered again on {day(item.delivered_at)}."
        return None


def _held(item: FollowUp, until: datetime, kind: str, since: str) -> FollowUp:
    """*item* held while the account is in recovery: due at the end of it, low priority."""
    return attrs.evolve(
        item,
        due=max(item.due, until),
        action=f"Once the {kind} of {since} is settled: {item.action}",
        reason=f"{item.reason} Held while the account recovers from the {kind} of {since}.",
        priority=Priority.LOW,
    )


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``post-delivery-check-in`` policy."""
    register(PostDeliveryCheckInPolicy())
