"""Register an in-process plugin (a scorer, a check and a policy) and see it in the results.

Run it: ``python -m perception.examples.custom_plugin``.

The plugin is a plain class with three hook implementations.  It is registered in a
fresh plugin manager, next to the built-ins, so nothing global changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import attrs

import perception
from perception import (
    Account,
    CheckContext,
    Finding,
    FollowUp,
    Message,
    PerceivedOutcome,
    PolicyContext,
    ScoreContext,
    Signal,
    Span,
    hookimpl,
)
from perception.examples import SAMPLE_AS_OF, sample_portfolio
from perception.options import at_least, option

# "In the next release", "next sprint": promises that hang on a future release.
RELEASE_PROMISE = re.compile(r"\bnext (?:release|sprint|version)\b", re.IGNORECASE)


class MeetingCadenceScorer:
    """Customers who meet the team regularly feel looked after (assurance)."""

    name = "meeting-cadence"
    description = "Meetings in the last 60 days against a target of two."

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.meeting-cadence]``."""

        target: int = option(
            2, "meetings in the window that count as on target", validator=at_least(1)
        )
        days: float = option(60.0, "days the window looks back", validator=at_least(1))

    def score(
        self, account: Account, ctx: ScoreContext[MeetingCadenceScorer.Options]
    ) -> Iterator[Signal]:
        since = ctx.as_of - timedelta(days=ctx.options.days)
        meetings = [
            i for i in account.interactions if i.channel.value == "meeting" and i.at >= since
        ]
        share = min(1.0, len(meetings) / ctx.options.target)
        yield Signal(
            scorer=self.name,
            dimension="assurance",
            value=share - 0.5,  # no meeting: -0.5; on target: +0.5
            explanation=f"{len(meetings)} meeting(s) with the customer in the last "
            f"{ctx.options.days:g} days (target {ctx.options.target}).",
            evidence=[m.id for m in meetings],
        )


class ReleasePromiseCheck:
    """A fix promised for 'the next release' needs a date."""

    name = "release-promise"
    description = "Promises tied to 'the next release' without a date."

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        for match in RELEASE_PROMISE.finditer(message.text):
            yield Finding(
                check=self.name,
                severity="warning",
                span=Span(start=match.start(), end=match.end()),
                message=f"'{match.group(0)}' has no date the customer can plan with.",
                suggestion="Name the release date, or the date you will confirm it by.",
            )


class QuarterlyReviewPolicy:
    """Every account gets a business review each quarter."""

    name = "quarterly-review"
    description = "One business review per account per quarter."

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        quarter = (ctx.as_of.month - 1) // 3 + 1
        yield FollowUp(
            policy=self.name,
            key=f"{self.name}:{account.id}:{ctx.as_of.year}-Q{quarter}",
            account=account.id,
            due=ctx.as_of + timedelta(days=14),
            action=f"Hold the Q{quarter} business review with {account.customer.name}.",
            reason=f"Quarterly review; the outcome is {outcome.band.value} now.",
            priority="high" if outcome.band.rank >= 3 else "normal",
        )


class AcmeTeamPlugin:
    """The plugin: one hook implementation per kind."""

    @hookimpl
    def perception_register_scorers(self, register: Callable[[object], None]) -> None:
        register(MeetingCadenceScorer())

    @hookimpl
    def perception_register_checks(self, register: Callable[[object], None]) -> None:
        register(ReleasePromiseCheck())

    @hookimpl
    def perception_register_policies(self, register: Callable[[object], None]) -> None:
        register(QuarterlyReviewPolicy())


def run() -> str:
    """Register the plugin in a fresh manager and show what it adds."""
    pm = perception.get_plugin_manager(load_entrypoints=False)
    pm.register(AcmeTeamPlugin(), name="acme-team")
    registry = perception.get_registry(pm)
    lines = ["Registered by acme-team:"]
    lines += [
        f"  {e.kind:<6} {e.name}: {e.description}" for e in registry if e.origin == "acme-team"
    ]

    account = sample_portfolio()[0]
    outcome = perception.assess(
        account, as_of=SAMPLE_AS_OF, plugins=registry, plan=True, strict=True
    )
    signals = [s for s in outcome.signals if s.scorer == "meeting-cadence"]
    lines += ["", f"Assessing {account.customer.name}:"]
    lines += [f"  signal {s.value:+.2f}  {s.explanation}" for s in signals]
    lines += [
        f"  follow-up due {f.due:%Y-%m-%d}: {f.action}"
        for f in outcome.followups
        if f.policy == "quarterly-review"
    ]

    draft = "Hi Dana, the fix ships in the next release. Best, Sam"
    report = perception.check(draft, account=account, plugins=registry, strict=True)
    lines += ["", f"Checking the draft: {draft!r}"]
    lines += [f"  [{f.check}] {f.message} -> {f.suggestion}" for f in report.findings]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
