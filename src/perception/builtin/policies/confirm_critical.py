"""The ``confirm-critical`` policy: have the customer confirm what is critical, in writing.

A critical expectation, decision or scope change that the customer never confirmed
(``critical = true`` and no ``confirmed_at``) gets a request for confirmation in writing; an
accepted deliverable for it counts as confirmation.  The follow-up is due ``lead_days`` before
the expectation is due, or at the account's latest activity when it is undated.  A commitment
past its date with nothing delivered is left to ``overdue-deliverable`` (deliver or give a new
date): asking the customer to confirm it then would answer the wrong question.  The key
carries a digest of the expectation's terms, so a change of scope after a confirmation request
is a new situation that needs a new confirmation.

Satisfaction follows the gap between what a customer expected and what they perceive they
got (expectation-disconfirmation, Oliver 1980; see ``docs/explanation/science.md``): an
expectation the customer never confirmed is one the team may have understood differently.
Asking for confirmation in writing, and asking again when the terms change, is a practice
default, not a published finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta

import attrs

from perception.builtin.policies._common import (
    band_priority,
    day,
    expectation_of,
    key,
    latest_activity,
    overdue,
    who,
)
from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import Account, Expectation
from perception.options import at_least, option
from perception.outcome import FollowUp, PerceivedOutcome, Priority

__all__ = ["ConfirmCriticalPolicy", "perception_register_policies"]


def _terms_digest(expectation: Expectation) -> str:
    """A short digest of an expectation's terms: a change of scope changes it."""
    terms = "\x1f".join(
        str(part)
        for part in (
            expectation.description,
            expectation.dimension.value,
            expectation.adequate,
            expectation.desired,
            expectation.unit,
            expectation.better.value,
            expectation.due.isoformat() if expectation.due else "",
        )
    )
    return hashlib.sha256(terms.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _needs_confirmation(account: Account, expectation: Expectation) -> bool:
    """Critical, never confirmed, and no deliverable for it accepted."""
    if not expectation.critical or expectation.confirmed_at is not None:
        return False
    return not any(d.accepted_at is not None for d in account.deliverables_for(expectation.id))


def _settled(account: Account, expectation: Expectation, what: str) -> str | None:
    """Why *expectation* needs no confirmation any more, in words, or ``None``."""
    if expectation.confirmed_at is not None:
        return f"The customer confirmed '{what}' on {day(expectation.confirmed_at)}."
    accepted = [d.accepted_at for d in account.deliverables_for(expectation.id) if d.accepted_at]
    if accepted:
        return f"'{what}' was accepted on {day(min(accepted))}, which confirms it."
    if not expectation.critical:
        return f"'{what}' is no longer marked critical."
    return None


class ConfirmCriticalPolicy:
    """A critical expectation, decision or scope change the customer never confirmed.

    Due ``lead_days`` before the expectation is due; an undated one is due at the
    account's latest activity (that is, now).  An accepted deliverable counts as
    confirmation.  The key carries a digest of the expectation's terms, so a change of
    scope after a confirmation request is a new situation that needs a new confirmation.
    """

    name = "confirm-critical"
    description = "A critical expectation or decision without customer confirmation: confirm."

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``confirm-critical`` policy."""

        lead_days: float = option(
            5.0, "days before the expectation is due to have it confirmed", validator=at_least(0)
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[ConfirmCriticalPolicy.Options],
    ) -> Iterator[FollowUp]:
        """One follow-up per unconfirmed critical expectation."""
        lead = timedelta(days=ctx.options.lead_days)
        latest = latest_activity(account) or ctx.as_of
        for expectation in account.expectations:
            if not _needs_confirmation(account, expectation):
                continue
            if overdue(account, expectation, ctx.as_of):
                continue  # overdue-deliverable's: deliver or give a new date
            what = expectation.description or expectation.id
            if expectation.due is not None:
                due = expectation.due - lead
                when = f"; it is due on {day(expectation.due)}"
                pressing = due <= ctx.as_of
            else:
                due, when, pressing = latest, "", False
            priority = Priority.URGENT if pressing else band_priority(outcome, Priority.HIGH)
            yield FollowUp(
                policy=self.name,
                key=key(self.name, account, expectation.id, _terms_digest(expectation)),
                account=account.id,
                due=due,
                action=f"Ask {who(account, expectation.stakeholder)} to confirm in writing: "
                f"{what}.",
                reason=f"'{what}' is critical and the customer has not confirmed it{when}.",
                priority=priority,
                evidence=(expectation.id,),
            )

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[ConfirmCriticalPolicy.Options],
    ) -> str | None:
        """Why a confirmation request no longer holds: confirmed, accepted, no longer
        critical, its terms changed (a new request is planned) or it became overdue."""
        expectation = expectation_of(account, followup)
        if expectation is None:
            return "The expectation is no longer in the account's records."
        what = expectation.description or expectation.id
        settled = _settled(account, expectation, what)
        if settled is not None:
            return settled
        if overdue(account, expectation, ctx.as_of):
            return f"'{what}' is overdue: overdue-deliverable asks to deliver or give a new date."
        if key(self.name, account, expectation.id, _terms_digest(expectation)) != followup.key:
            return f"The terms of '{what}' changed; a new confirmation is planned."
        return None


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``confirm-critical`` policy."""
    register(ConfirmCriticalPolicy())
