"""Outcome history: points of an account's assessed outcome, and what changed between two.

Pure: no files, no clocks.  The ledger (:mod:`perception.store`) keeps the points;
``perception changes`` and the band-change notification compare them here::

    change = compare(before, after)
    if change is not None and change.band_changed:
        print(change.describe())   # "brightpath 31 to 28 (at risk): new driver: ..."

A driver is the same driver in two points when it comes from the same scorer and rests on
the same records (its evidence); its text may differ (an age in days grows).  Drivers
without evidence are matched by their text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from perception._validation import as_tuple
from perception.outcome import Band, Driver, PerceivedOutcome

__all__ = [
    "HistoryPoint",
    "OutcomeChange",
    "band_changes",
    "compare",
    "ordered",
    "point_of",
]


@attrs.frozen(kw_only=True)
class HistoryPoint:
    """One assessed outcome of an account, as kept in the history.

    Attributes:
        account: the account's id.
        as_of: the time the assessment describes.
        score: 0 to 100.
        band: the score in words.
        confidence: 0 to 1.
        drivers: the drivers of the outcome (empty for points recorded before ledger
            schema 5).
    """

    account: str
    as_of: datetime
    score: float
    band: Band
    confidence: float
    drivers: tuple[Driver, ...] = attrs.field(default=(), converter=as_tuple)


def point_of(outcome: PerceivedOutcome) -> HistoryPoint:
    """The history point of an assessed outcome."""
    return HistoryPoint(
        account=outcome.account,
        as_of=outcome.as_of,
        score=float(outcome.score),
        band=outcome.band,
        confidence=float(outcome.confidence),
        drivers=outcome.drivers,
    )


def _identity(driver: Driver) -> tuple[str, tuple[str, ...]] | tuple[str, str]:
    """What makes two drivers the same driver: scorer and evidence, else scorer and text."""
    if driver.evidence:
        return driver.scorer, tuple(driver.evidence)
    return driver.scorer, driver.text


@attrs.frozen(kw_only=True)
class OutcomeChange:
    """How an account's outcome moved between two assessments, and the drivers that moved it.

    Attributes:
        account: the account's id.
        before: the earlier point.
        after: the later point.
        new_drivers: drivers of *after* that *before* did not have.
        gone_drivers: drivers of *before* that *after* no longer has.
    """

    account: str
    before: HistoryPoint
    after: HistoryPoint
    new_drivers: tuple[Driver, ...] = attrs.field(default=(), converter=as_tuple)
    gone_drivers: tuple[Driver, ...] = attrs.field(default=(), converter=as_tuple)

    @property
    def delta(self) -> float:
        """The change of score, in points (negative: worse)."""
        return self.after.score - self.before.score

    @property
    def band_changed(self) -> bool:
        """True when the band differs."""
        return self.before.band is not self.after.band

    @property
    def worse(self) -> bool:
        """True when the band got worse, or the band held and the score fell."""
        if self.band_changed:
            return self.after.band.rank > self.before.band.rank
        return self.delta < 0

    def describe(self, *, limit: int = 3) -> str:
        """One line: ``brightpath 31 to 28 (at risk): new driver: ...; no longer: ...``,
        naming at most *limit* new and *limit* gone drivers, the strongest first."""
        head = f"{self.account} {self.before.score:.0f} to {self.after.score:.0f}"
        if self.band_changed:
            head += f" ({self.before.band.value} to {self.after.band.value})"
        else:
            head += f" ({self.after.band.value})"
        parts = _named("new driver", self.new_drivers, limit)
        parts += _named("no longer", self.gone_drivers, limit)
        if not parts and self.after.drivers:
            parts.append(f"top driver: {_text(self.after.drivers[0])}")
        return head + (": " + "; ".join(parts) if parts else "")


def _named(label: str, drivers: Sequence[Driver], limit: int) -> list[str]:
    """*drivers*, strongest first, as ``label: text``, with how many more were left out."""
    strongest = sorted(drivers, key=lambda d: -abs(d.impact))
    named = [f"{label}: {_text(d)}" for d in strongest[:limit]]
    if len(strongest) > limit:
        named.append(f"{len(strongest) - limit} more {'new' if label == 'new driver' else 'gone'}")
    return named


def _text(driver: Driver) -> str:
    return " ".join(driver.text.split()).rstrip(".")


def compare(
    before: HistoryPoint | None, after: HistoryPoint, *, min_change: float = 0.0
) -> OutcomeChange | None:
    """What changed from *before* to *after* (points of one account), or ``None`` when
    there is no earlier point, or the band held and the score moved less than
    *min_change* points."""
    if before is None:
        return None
    if before.band is after.band and abs(after.score - before.score) < max(min_change, 1e-9):
        return None
    earlier = {_identity(d) for d in before.drivers}
    later = {_identity(d) for d in after.drivers}
    return OutcomeChange(
        account=after.account,
        before=before,
        after=after,
        new_drivers=[d for d in after.drivers if _identity(d) not in earlier],
        gone_drivers=[d for d in before.drivers if _identity(d) not in later],
    )


def band_changes(
    previous: Mapping[str, HistoryPoint], outcomes: Iterable[PerceivedOutcome]
) -> list[OutcomeChange]:
    """The accounts of *outcomes* whose band differs from their *previous* point."""
    found = []
    for outcome in outcomes:
        change = compare(previous.get(outcome.account), point_of(outcome))
        if change is not None and change.band_changed:
            found.append(change)
    return found


def ordered(changes: Sequence[OutcomeChange]) -> list[OutcomeChange]:
    """*changes* worst first: band changes for the worse, then the largest falls."""
    return sorted(changes, key=lambda c: (not (c.band_changed and c.worse), c.delta, c.account))
