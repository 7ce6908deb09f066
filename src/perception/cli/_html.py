"""The HTML report of ``perception assess``, built from a stream of outcomes: a row for
every account, and the full outcome only of the accounts explained in detail."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from perception.batch import trajectory
from perception.config import Config
from perception.history import HistoryPoint
from perception.model import Account
from perception.outcome import PerceivedOutcome
from perception.plugins import Registry
from perception.report import (
    PortfolioRow,
    Trajectory,
    portfolio_basis,
    portfolio_page,
    portfolio_row,
)

__all__ = ["html_report"]


@attrs.frozen(kw_only=True)
class HtmlOptions:
    """What the page shows besides the table."""

    detail: int  #: the accounts most at risk explained in full
    account_id: str | None  #: an account explained in full whatever its risk
    trend_points: int
    trend_days: float
    change_days: float  #: 0: no change column
    title: str


def html_report(
    pairs: Iterable[tuple[PerceivedOutcome, Account]],
    *,
    earlier: Callable[[datetime], Iterator[PerceivedOutcome]],
    options: HtmlOptions,
    config: Config,
    registry: Registry,
    history: Callable[[Sequence[str]], Mapping[str, Sequence[HistoryPoint]]] | None = None,
) -> tuple[str, int]:
    """The page and the number of accounts in it.

    :param earlier: assesses the same accounts, in the same order, as of another time (for
        the change column).
    :param history: reads the recorded history of the accounts explained in full, once
        every account has been assessed (and recorded).
    """
    rows: list[PortfolioRow] = []
    kept: list[tuple[tuple[int, float, int], PerceivedOutcome, Account]] = []
    named: tuple[int, PerceivedOutcome, Account] | None = None
    as_of: datetime | None = None
    for index, (outcome, account) in enumerate(pairs):
        as_of = outcome.as_of
        rows.append(portfolio_row(outcome, account))
        if outcome.account == options.account_id:
            named = (index, outcome, account)
        risk = (outcome.band.rank, -outcome.score, -index)
        if options.detail:
            # At most options.detail outcomes are kept, with their signals: each detailed
            # account's rest of the evidence says how many pieces it holds.
            item = (risk, outcome, account)
            if len(kept) < options.detail:
                heapq.heappush(kept, item)
            elif risk > kept[0][0]:
                heapq.heapreplace(kept, item)
    chosen = {-risk[2]: (outcome, account) for risk, outcome, account in kept}
    if named is not None:
        chosen[named[0]] = (named[1], named[2])
    if options.change_days and as_of is not None:
        moment = as_of - timedelta(days=options.change_days)
        for index, before in enumerate(earlier(moment)):
            rows[index] = attrs.evolve(rows[index], change=rows[index].score - before.score)
    details: list[tuple[PerceivedOutcome, Account | None, Trajectory | None]] = []
    for index, (outcome, account) in chosen.items():
        rows[index] = attrs.evolve(rows[index], anchor=portfolio_row(outcome, detailed=True).anchor)
        points = (
            trajectory(
                account,
                as_of=outcome.as_of,
                points=options.trend_points,
                span_days=options.trend_days,
                config=config,
                plugins=registry,
            )
            if options.trend_points
            else None
        )
        details.append((outcome, account, points))
    page = portfolio_page(
        rows,
        details,
        title=options.title,
        as_of=as_of,
        change_days=options.change_days or None,
        history=history([o.account for o, _, _ in details]) if history is not None else None,
        basis=portfolio_basis([o for o, _, _ in details]),
        calibration=config.calibration,
    )
    return page, len(rows)
