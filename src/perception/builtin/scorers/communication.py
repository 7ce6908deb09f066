"""The ``communication`` scorer: findings of the message checks on the team's messages.

Runs every enabled check on the team's recent outbound messages (``ctx.check``, cached per
message; the findings also appear in the outcome's ``findings``) and turns each check that
found something into a signal: the share of messages it flagged, weighted by severity
(info 0.25, warning 1, error 2) and by recency.  Works with any check, built-in or from a
plugin.  ``dimensions`` maps a check's name to the dimension it bears on (no
acknowledgement is about empathy; other checks default to communication).  When the
checks find nothing of warning severity in ``min_clean`` messages or more, a small
positive signal says so.  The checks themselves rest on plain-language and
customer-communication research; see ``docs/explanation/message-checks.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import ClassVar

import attrs

from perception import science
from perception._frozen import FrozenMap
from perception.builtin.scorers._common import days_between, plural
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Dimension, Interaction
from perception.options import at_least, between, option
from perception.outcome import Severity, Signal

__all__ = ["CommunicationScorer", "perception_register_scorers"]

#: What a finding of each built-in check says about the team's messages.
_CHECK_PHRASES: Mapping[str, str] = {
    "undefined-term": "used terms the customer may not know without explaining them",
    "acknowledgement": "did not acknowledge the customer's concern",
    "negative-language": "used blaming or negative wording",
    "unconfirmed-critical-point": "raised a critical point without asking for confirmation",
    "readability": "were hard to read",
    "personalization": "lacked a personal greeting or sign-off",
}
_SEVERITY_WEIGHT: Mapping[Severity, float] = {
    Severity.INFO: 0.25,
    Severity.WARNING: 1.0,
    Severity.ERROR: 2.0,
}


#: The dimension each built-in check's signal bears on, when not communication.  A plain
#: mapping, so that ``perception plugins --format json`` shows it; never changed, as each
#: ``Options`` gets a read-only copy of its own.
_DEFAULT_DIMENSIONS: Mapping[str, str] = {
    "acknowledgement": "empathy",
    "negative-language": "empathy",
    "personalization": "empathy",
    "unconfirmed-critical-point": "assurance",
}


def _dimensions(value: Mapping[str, str | Dimension]) -> Mapping[str, Dimension]:
    """The ``dimensions`` option as a read-only map of check names to dimensions."""
    return FrozenMap({check: Dimension(name) for check, name in value.items()})


@attrs.define
class _Tally:
    """One check's findings over the team's messages."""

    #: Recency weight times severity weight, summed over the messages it flagged.
    sum: float
    #: The ids of the messages it flagged, oldest first.
    ids: list[str]
    #: The message of its latest finding.
    example: str


class CommunicationScorer:
    """Findings of the message checks on the team's outbound messages.

    One signal per check that found something, or one small gain for a clean record;
    see :mod:`perception.builtin.scorers.communication`.
    """

    name = "communication"
    description = "Findings of the message checks on the team's messages to the customer."
    #: Base weight of its signals; the ``[weights]`` entry ``communication`` replaces it.
    weight: ClassVar[float] = 1.0
    #: Inferred from behaviour and messages.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.INFERRED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.communication]``."""

        max_messages: int = option(
            10, "most recent outbound messages checked (0: none)", validator=at_least(0)
        )
        half_life_days: float = option(
            60.0, "age at which a message's weight halves (0: no fading)", validator=at_least(0)
        )
        penalty: float = option(
            1.0, "multiplies the severity-weighted share of flagged messages", validator=at_least(0)
        )
        clean_value: float = option(0.2, "value of a clean record", validator=between(-1, 1))
        min_clean: int = option(
            3, "messages needed for a clean record to count", validator=at_least(0)
        )
        dimensions: Mapping[str, Dimension] = attrs.field(
            default=_DEFAULT_DIMENSIONS,
            converter=_dimensions,
            metadata={
                "help": "dimension of each check's signal, by check name (others: communication)"
            },
        )

    def score(
        self, account: Account, ctx: ScoreContext[CommunicationScorer.Options]
    ) -> Iterator[Signal]:
        """One signal per check with findings, or one for a clean record."""
        opts = ctx.options
        outbound = _recent_outbound(account, opts.max_messages)
        if not outbound:
            return
        half_life = opts.half_life_days
        weights = [science.decay(days_between(ctx.as_of, m.at), half_life) for m in outbound]
        per_check, worst_overall = _tally(outbound, weights, ctx)
        confidence = 1.0 - math.exp(-len(outbound) / 3.0)
        yield from self._check_signals(outbound, per_check, sum(weights), confidence, ctx)
        if worst_overall < Severity.WARNING.rank and len(outbound) >= opts.min_clean:
            yield Signal(
                scorer=self.name,
                dimension=Dimension.COMMUNICATION,
                value=opts.clean_value,
                weight=1.0,
                confidence=confidence,
                explanation=(
                    f"Our last {plural(len(outbound), 'message')} to the customer had no "
                    "warnings from the message checks."
                ),
                evidence=tuple(m.id for m in outbound[-3:]),
                at=outbound[-1].at,
            )

    def _check_signals(
        self,
        outbound: Sequence[Interaction],
        per_check: Mapping[str, _Tally],
        total: float,
        confidence: float,
        ctx: ScoreContext[CommunicationScorer.Options],
    ) -> Iterator[Signal]:
        """One signal per check that flagged something, in order of the checks' names."""
        opts = ctx.options
        for check_name, tally in sorted(per_check.items()):
            rate = tally.sum / total if total > 0 else 0.0
            value = -min(1.0, rate * opts.penalty)
            if value == 0.0:
                continue
            yield Signal(
                scorer=self.name,
                dimension=opts.dimensions.get(check_name, Dimension.COMMUNICATION),
                value=value,
                weight=1.0,
                confidence=confidence,
                explanation=_sentence(check_name, tally, len(outbound)),
                evidence=tuple(tally.ids),
                at=_latest(outbound, tally.ids),
            )


def _recent_outbound(account: Account, most: int) -> list[Interaction]:
    """The team's latest *most* messages with text (none when *most* is 0)."""
    outbound = [m for m in account.timeline() if not m.inbound and m.text.strip()]
    return outbound[-most:] if most else []


def _tally(
    outbound: Sequence[Interaction],
    weights: Sequence[float],
    ctx: ScoreContext[CommunicationScorer.Options],
) -> tuple[dict[str, _Tally], int]:
    """Each check's findings over *outbound*, and the rank of the worst severity found."""
    per_check: dict[str, _Tally] = {}
    worst_overall = 0
    for message, weight in zip(outbound, weights, strict=True):
        worst: dict[str, Severity] = {}
        for finding in ctx.check(message).findings:
            current = worst.get(finding.check)
            if current is None or finding.severity.rank > current.rank:
                worst[finding.check] = finding.severity
            tally = per_check.get(finding.check)
            if tally is None:
                per_check[finding.check] = _Tally(0.0, [], finding.message)
            else:
                tally.example = finding.message  # the latest one
        for check_name, severity in worst.items():
            tally = per_check[check_name]
            tally.sum += weight * _SEVERITY_WEIGHT[severity]
            tally.ids.append(message.id)
            worst_overall = max(worst_overall, severity.rank)
    return per_check, worst_overall


def _sentence(check_name: str, tally: _Tally, messages: int) -> str:
    """``2 of our 3 messages to the customer were hard to read (latest: ...).``"""
    phrase = _CHECK_PHRASES.get(check_name)
    if phrase is None:
        phrase = f"had {check_name!r} findings"
    example = " ".join(tally.example.split())
    example = example if len(example) <= 90 else example[:89] + "\u2026"
    return (
        f"{len(tally.ids)} of our {plural(messages, 'message')} to the customer "
        f"{phrase} (latest: {example.rstrip('.')})."
    )


def _latest(outbound: Sequence[Interaction], ids: Sequence[str]) -> datetime:
    """The time of the latest of *outbound* whose id is among *ids*."""
    chosen = set(ids)
    return max(m.at for m in outbound if m.id in chosen)


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``communication`` scorer."""
    register(CommunicationScorer())
