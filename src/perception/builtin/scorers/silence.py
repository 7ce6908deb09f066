"""The ``silence`` scorer: a silent account drifts.

Without contact, the customer's last impressions fade (the engine shrinks old evidence
towards neutral: recency, each signal's weight halving every half-life) and nothing new
replaces them; a relationship left alone is read as neglect.  No contact in either
direction for longer than ``days`` is a loss, growing linearly from 0 at ``days`` of
silence to ``max_loss`` at twice that.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import ClassVar

import attrs

from perception import science
from perception.builtin.scorers._common import date_words, days_between, plural
from perception.context import ScoreContext
from perception.hookspecs import EvidenceKind, Scorer, hookimpl
from perception.model import Account, Dimension
from perception.options import at_least, between, option
from perception.outcome import Signal

__all__ = ["SilenceScorer", "perception_register_scorers"]


class SilenceScorer:
    """A silent account drifts: no contact for longer than ``days``.

    One signal, a loss growing from 0 at ``days`` of silence to ``max_loss`` at twice
    that; see :mod:`perception.builtin.scorers.silence`.
    """

    name = "silence"
    description = "No contact with the customer for longer than N days."
    #: Base weight of its signal; the ``[weights]`` entry ``silence`` replaces it.
    weight: ClassVar[float] = 1.0
    #: Inferred from behaviour and messages.
    evidence_kind: ClassVar[EvidenceKind] = EvidenceKind.INFERRED

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.silence]``."""

        days: float = option(21.0, "silence tolerated, in days", validator=at_least(0))
        max_loss: float = option(
            0.6, "loss at twice the tolerated silence", validator=between(0, 1)
        )

    def score(self, account: Account, ctx: ScoreContext[SilenceScorer.Options]) -> Iterator[Signal]:
        """One signal when the last contact is older than ``days``."""
        opts = ctx.options
        if not account.interactions:
            return
        last = max(account.interactions, key=lambda i: i.at)
        silent = days_between(ctx.as_of, last.at)
        limit = max(opts.days, 1e-6)
        if silent <= limit:
            return
        loss = opts.max_loss * min(1.0, (silent - limit) / limit)
        yield Signal(
            scorer=self.name,
            dimension=Dimension.EMPATHY,
            value=science.clamp(-loss),
            weight=1.0,
            confidence=1.0,
            explanation=(
                f"No contact with the customer for {plural(math.floor(silent), 'day')} "
                f"(since {date_words(last.at, ctx.as_of)})."
            ),
            evidence=(last.id,),
            at=last.at,
        )


@hookimpl
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the ``silence`` scorer."""
    register(SilenceScorer())
