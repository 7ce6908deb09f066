"""The ``break-silence`` policy: reach out before the silence becomes the message.

No contact for ``days`` days, or ``at_risk_days`` when the outcome is at risk or critical,
plans a check-in.  Contact is any interaction, or, with ``inbound_only``, only the customer's
own messages.  The key names the last contact, so the same silence is planned once, and a new
silence after new contact gets a new key, while the follow-up of the old silence is resolved.

No cheerful check-in on an account in recovery: within ``recovery_days`` after an escalation or
a complaint, the action is to report what has been done since, not to ask how things are going.

The rule is a practice default, not a published finding: the day counts are defaults to tune,
not measured values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import attrs

from perception.builtin.policies._common import AT_RISK, band_priority, day, key, recovery
from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import Account
from perception.options import at_least, option
from perception.outcome import FollowUp, PerceivedOutcome, Priority

__all__ = ["BreakSilencePolicy", "perception_register_policies"]


class BreakSilencePolicy:
    """No contact for a while: reach out before the silence becomes the message.

    The allowed silence is ``days`` (default 21), or ``at_risk_days`` (default 7) when
    the outcome is at risk or critical.  With ``inbound_only`` only the customer's own
    messages count as contact.  The key names the last contact, so the same silence is
    planned once, and a new silence after new contact gets a new key.
    """

    name = "break-silence"
    description = "No contact for N days (sooner when the outcome is at risk): reach out."

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``break-silence`` policy."""

        days: float = option(21.0, "allowed silence, in days", validator=at_least(0))
        at_risk_days: float = option(
            7.0, "allowed silence when the outcome is at risk or critical", validator=at_least(0)
        )
        inbound_only: bool = option(False, "count only the customer's messages as contact")
        recovery_days: float = option(
            14.0,
            "after an escalation or complaint, for this many days, report progress instead of "
            "asking how things are going (0: never)",
            validator=at_least(0),
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[BreakSilencePolicy.Options],
    ) -> Iterator[FollowUp]:
        """One follow-up when the last contact is older than the allowed silence."""
        contacts = account.interactions
        if ctx.options.inbound_only:
            contacts = tuple(i for i in contacts if i.inbound)
        if not contacts:
            return
        last = max(contacts, key=lambda i: (i.at, i.id))
        at_risk = outcome.band in AT_RISK
        days = ctx.options.at_risk_days if at_risk else ctx.options.days
        due = last.at + timedelta(days=days)
        if due > ctx.as_of:
            return
        kind = "message from the customer" if last.inbound else "contact"
        while_ = f" while the outcome is {outcome.band.value}" if at_risk else ""
        event = recovery(account, ctx.as_of, ctx.options.recovery_days)
        action = (
            f"Contact {account.customer.name}: report what has been done since the "
            f"{event.kind.value} of {day(event.at)}."
            if event is not None
            else f"Contact {account.customer.name}: ask how things are going."
        )
        yield FollowUp(
            policy=self.name,
            key=key(self.name, account, last.id),
            account=account.id,
            due=due,
            action=action,
            reason=(f"No {kind} since {day(last.at)}; the limit is {days:g} days{while_}."),
            priority=band_priority(outcome, Priority.NORMAL),
            evidence=(last.id,),
        )

    def resolution(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        followup: FollowUp,
        ctx: PolicyContext[BreakSilencePolicy.Options],
    ) -> str | None:
        """Resolved when contact after the silence broke it; kept open otherwise (a silence
        that is shorter than the limit only because the limit changed with the band will
        be planned again under the same key)."""
        contacts = account.interactions
        if ctx.options.inbound_only:
            contacts = tuple(i for i in contacts if i.inbound)
        last = max(contacts, key=lambda i: (i.at, i.id), default=None)
        if last is None or last.id in followup.evidence:
            return None
        kind = "a message from the customer" if last.inbound else "contact"
        return f"The silence was broken by {kind} on {day(last.at)}."


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``break-silence`` policy."""
    register(BreakSilencePolicy())
