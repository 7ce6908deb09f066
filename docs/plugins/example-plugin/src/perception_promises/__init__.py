"""perception-promises: vague promises, found, scored and chased.

"We'll look into it soon" tells the customer nothing they can plan with. This plugin flags
such promises in drafts, lowers the assurance score for each one the team sent without a
dated update afterwards, and plans a follow-up so the promise gets a date.
"""

from __future__ import annotations

import re
from datetime import timedelta

import attrs

from perception import Finding, FollowUp, Signal, Span, hookimpl
from perception.options import at_least, between, one_of, option

__all__ = ["ChaseVaguePromisePolicy", "PromiseKeepingScorer", "VaguePromiseCheck"]

# Bounded alternatives only: linear time on any input.
VAGUE = re.compile(
    r"\b(?:soon|asap|shortly|in due course|at some point|as soon as possible|"
    r"in the near future|sometime)\b",
    re.IGNORECASE,
)


def vague_promises(text: str) -> list[re.Match[str]]:
    """Every vague time expression in *text*."""
    return list(VAGUE.finditer(text))


class VaguePromiseCheck:
    """A promise without a date is not a promise the customer can plan with."""

    name = "vague-promise"
    description = "Promises such as 'soon' or 'ASAP' without a date."

    @attrs.frozen(kw_only=True)
    class Options:
        severity: str = option(
            "warning", "severity of a finding", validator=one_of(["info", "warning", "error"])
        )

    def check(self, message, ctx):
        for match in vague_promises(message.text):
            yield Finding(
                check=self.name,
                severity=ctx.options.severity,
                span=Span(start=match.start(), end=match.end()),
                message=f"'{match.group(0)}' gives the customer no date to plan with.",
                suggestion="Give a date or a time window, e.g. 'by Thursday 14:00 CET'.",
            )


def _unchased(account):
    """Outbound messages with a vague promise and no later outbound message."""
    outbound = sorted((i for i in account.interactions if not i.inbound), key=lambda i: i.at)
    return [
        item
        for index, item in enumerate(outbound)
        if vague_promises(item.text) and index == len(outbound) - 1
    ]


class PromiseKeepingScorer:
    """Each vague promise left without a dated update lowers assurance a little."""

    name = "promise-keeping"
    description = "Vague promises the team sent and never followed with a date."

    @attrs.frozen(kw_only=True)
    class Options:
        penalty: float = option(
            0.4, "how much one unchased promise lowers assurance", validator=between(0, 1)
        )

    def score(self, account, ctx):
        for item in _unchased(account):
            yield Signal(
                scorer=self.name,
                dimension="assurance",
                value=-ctx.options.penalty,
                explanation=(
                    f"On {item.at:%d %B} the team promised an update without a date "
                    "and has not written since."
                ),
                evidence=[item.id],
                at=item.at,
            )


class ChaseVaguePromisePolicy:
    """Two days after a vague promise with no later message, send a dated update."""

    name = "chase-vague-promise"
    description = "Follow up a vague promise with a dated update."

    @attrs.frozen(kw_only=True)
    class Options:
        days: int = option(
            2, "days after the promise to send a dated update", validator=at_least(0)
        )

    def followups(self, account, outcome, ctx):
        for item in _unchased(account):
            due = item.at + timedelta(days=ctx.options.days)
            yield FollowUp(
                policy=self.name,
                key=f"{self.name}:{account.id}:{item.id}",
                account=account.id,
                due=due,
                action=f"Send {account.customer.name} a dated update on message {item.id}.",
                reason="The last message promised an update without a date.",
                priority="high" if outcome.band.rank >= 3 else "normal",
                evidence=[item.id],
            )


@hookimpl
def perception_register_checks(register):
    register(VaguePromiseCheck())


@hookimpl
def perception_register_scorers(register):
    register(PromiseKeepingScorer())


@hookimpl
def perception_register_policies(register):
    register(ChaseVaguePromisePolicy())
