"""The ``overdue-deliverable`` policy: past its date and not delivered, deliver or give a new date.

An expectation with a due date that has passed, and for which nothing has been delivered,
gets a follow-up due on that date: deliver it, or tell the customer the new date.  The key
names the expectation and its due date, so agreeing a new date (a changed ``due``) resolves
this follow-up and, should the new date pass too, plans a new one.  Commitments overdue for
longer than ``max_age_days`` are left alone, so importing an old history does not flood the
ledger.

While this policy asks for the delivery, ``confirm-critical`` does not ask the customer to
confirm the same overdue commitment in writing: the customer is owed the work or a date, not
a request.

A missed commitment falls below the customer's adequate level, where a loss weighs more than
an equal gain (expectation-disconfirmation with a zone of tolerance, and the prospect-theory
value function; see ``docs/explanation/science.md``).  Saying so with a new date before the
customer has to ask is a practice default, not a published finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import attrs

from perception.builtin.policies._common import (
    band_priority,
    day,
    delivered_at,
    expectation_of,
    key,
    overdue,
    stamp,
    who,
)
from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import Account
from perception.options import at_least, option
from perception.outcome import FollowUp, PerceivedOutcome, Priority

__all__ = ["OverdueDeliverablePolicy", "perception_register_policies"]


class OverdueDeliverablePolicy:
    """A dated commitment past its date with nothing delivered: deliver or give a new date.

    Due on the commitment's date (so the ledger shows how long it has been overdue);
    urgent when the expectation is critical or the outcome is critical, high otherwise.
    Commitments overdue for more than ``max_age_days`` are left alone (0: no limit).  The
    key names the expectation and its due date: a new date is a new situation.
    """

    name = "overdue-deliverable"
    description = "A commitment past its due date with nothing delivered: deliver or give a date."

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``overdue-deliverable`` policy."""

        max_age_days: float = option(
            90.0,
            "commitments overdue for longer than this are left alone (0: no limit)",
            validator=at_least(0),
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[OverdueDeliverablePolicy.Options],
    ) -> Iterator[FollowUp]:
        """One follow-up per overdue, undelivered commitment."""
        max_age = ctx.options.max_age_days
        for expectation in account.expectations:
            if not overdue(account, expectation, ctx.as_of):
                continue
            due = expectation.due
            assert due is not None  # overdue() says so
            if max_age and ctx.as_of - due > timedelta(days=max_age):
                continue
            what = expectation.description or expectation.id
            to = who(account, expectation.stakeholder)
            normal = Priority.URGENT if expectation.critical else Priority.HIGH
            yield FollowUp(
                policy=self.name,
                key=key(self.name, account, expectation.id, stamp(due)),
                account=account.id,
                due=due,
                action=f"Deliver '{what}' or give {to} a new date, in writing.",
                reason=f"'{what}' was due on {day(due)} and nothing has been delivered.",
                priority=band_priority(outcome, normal),
                evidence=(expectation.id,),
            )

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[OverdueDeliverablePolicy.Options],
    ) -> str | None:
        """Resolved by a delivery or a new date; kept open when it only grew old."""
        expectation = expectation_of(account, followup)
        if expectation is None:
            return "The commitment is no longer in the account's records."
        what = expectation.description or expectation.id
        delivered = delivered_at(account, expectation)
        if delivered is not None:
            return f"'{what}' was delivered on {day(delivered)}."
        due = expectation.due
        if due is None:
            return f"'{what}' no longer has a due date."
        if key(self.name, account, expectation.id, stamp(due)) != followup.key:
            return f"A new date was given for '{what}': {day(due)}."
        return None


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``overdue-deliverable`` policy."""
    register(OverdueDeliverablePolicy())
