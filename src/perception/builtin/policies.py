"""Built-in follow-up policies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, ClassVar

from perception.context import PolicyContext
from perception.hookspecs import Policy, hookimpl
from perception.model import Account
from perception.outcome import Band, FollowUp, PerceivedOutcome, Priority

__all__ = ["BreakSilencePolicy"]


def _while(outcome: PerceivedOutcome) -> str:
    return f" while the outcome is {outcome.band.value}"


class BreakSilencePolicy:
    """No contact for a while: reach out before the silence becomes the message.

    The allowed silence is ``days`` (default 21), or ``at_risk_days`` (default 7) when
    the outcome is at risk or critical.  The key names the last contact, so the same
    silence is planned once, and a new silence after new contact gets a new key.
    """

    name = "break-silence"
    description = "No contact for N days (sooner when the outcome is at risk): reach out."
    defaults: ClassVar[dict[str, Any]] = {"days": 21, "at_risk_days": 7}

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext
    ) -> Iterator[FollowUp]:
        """One follow-up when the last contact is older than the allowed silence."""
        if not account.interactions:
            return
        last = max(account.interactions, key=lambda i: i.at)
        at_risk = outcome.band in (Band.AT_RISK, Band.CRITICAL)
        days = int(ctx.options["at_risk_days"] if at_risk else ctx.options["days"])
        due = last.at + timedelta(days=days)
        if due > ctx.as_of:
            return
        silent = (ctx.as_of - last.at).days
        yield FollowUp(
            policy=self.name,
            key=f"{self.name}:{account.id}:{last.id}",
            account=account.id,
            due=due,
            action=f"Contact {account.customer.name}: ask how things are going.",
            reason=(
                f"No contact for {silent} days (last: {last.at.date().isoformat()}); "
                f"the limit is {days} days{_while(outcome) if at_risk else ''}."
            ),
            priority=Priority.HIGH if at_risk else Priority.NORMAL,
            evidence=(last.id,),
        )


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the built-in policies."""
    register(BreakSilencePolicy())
