"""Reports and outcomes in a compact form, for sending from a worker process to its parent.

A batch of records is packed into one flat list of their field values (strings, numbers,
enum members, datetimes, tuples of strings): it pickles and unpickles several times faster
than the records (pickle writes a string or enum member that recurs in a batch once), and
unpickling it creates one container for the garbage collector to track instead of dozens
per record.  The parent rebuilds the records one at a time, as they are taken, without
validating them again (the worker built them from validated values): each slot is set
directly.

The list starts with the number of records.  A record is its flat fields in the order of
its :class:`_Layout`, then its nested records: an optional span as ``start, end`` (-1, -1
for none), a tuple of records as their count and then each record.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from perception.outcome import (
    Driver,
    Finding,
    FollowUp,
    MessageReport,
    PerceivedOutcome,
    SentenceScore,
    Sentiment,
    Signal,
    Span,
)

__all__ = ["pack_outcomes", "pack_reports", "unpack_outcomes", "unpack_reports"]

T = TypeVar("T")
_new = object.__new__


def _setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of *cls* (a frozen record refuses ``setattr``; its slots do not)."""
    return tuple(getattr(cls, name).__set__ for name in names)


class _Layout(Generic[T]):
    """The fields of a record class that travel as plain values, in a fixed order."""

    def __init__(self, cls: type[T], *names: str) -> None:
        assert len(names) > 1  # attrgetter returns a tuple only for several names
        self.cls = cls
        self.values = operator.attrgetter(*names)
        self.setters = _setters(cls, *names)

    def pack(self, record: T, extend: Callable[[Iterable[Any]], None]) -> None:
        extend(self.values(record))

    def unpack(self, take: Callable[[], Any]) -> T:
        record: T = _new(self.cls)
        for set_slot in self.setters:
            set_slot(record, take())
        return record


_SPAN = _Layout(Span, "start", "end")
_SPAN_START, _SPAN_END = _SPAN.setters
_SENTIMENT = _Layout(Sentiment, "compound", "positive", "neutral", "negative")
_SCORE_SPAN, _SCORE_SENTIMENT = _setters(SentenceScore, "span", "sentiment")
_FINDING = _Layout(
    Finding, "check", "severity", "message", "suggestion", "evidence", "edits", "safe", "terms"
)
(_FINDING_SPAN,) = _setters(Finding, "span")
_REPORT = _Layout(MessageReport, "length", "failures", "silenced", "not_applicable")
_REPORT_SENTIMENT, _REPORT_SENTENCES, _REPORT_FINDINGS = _setters(
    MessageReport, "sentiment", "sentences", "findings"
)
_SIGNAL = _Layout(
    Signal, "scorer", "dimension", "value", "explanation", "weight", "confidence", "evidence", "at"
)
_DRIVER = _Layout(Driver, "text", "dimension", "impact", "scorer", "evidence")
_FOLLOWUP = _Layout(
    FollowUp,
    "policy",
    "key",
    "account",
    "due",
    "action",
    "reason",
    "priority",
    "evidence",
    "owner",
)
_OUTCOME = _Layout(
    PerceivedOutcome,
    "account",
    "as_of",
    "score",
    "band",
    "confidence",
    "dimensions",
    "failures",
    "diagnosis",
    "baseline",
    "calibration",
)
_OUTCOME_SIGNALS, _OUTCOME_DRIVERS, _OUTCOME_FINDINGS, _OUTCOME_FOLLOWUPS = _setters(
    PerceivedOutcome, "signals", "drivers", "findings", "followups"
)

#: Rebuilt sentiments by value (frozen records can be shared); bounded.
_SENTIMENTS: dict[tuple[float, float, float, float], Sentiment] = {}
_SENTIMENTS_LIMIT = 4096


def _pack_span(span: Span | None, extend: Callable[[Iterable[Any]], None]) -> None:
    if span is None:
        extend((-1, -1))
    else:
        _SPAN.pack(span, extend)


def _unpack_span(take: Callable[[], Any]) -> Span | None:
    start, end = take(), take()
    if start < 0:
        return None
    span: Span = _new(Span)
    _SPAN_START(span, start)
    _SPAN_END(span, end)
    return span


def _unpack_sentiment(take: Callable[[], Any]) -> Sentiment:
    key = (take(), take(), take(), take())
    value = _SENTIMENTS.get(key)
    if value is None:
        value = _new(Sentiment)
        for set_slot, number in zip(_SENTIMENT.setters, key, strict=True):
            set_slot(value, number)
        if len(_SENTIMENTS) < _SENTIMENTS_LIMIT:
            _SENTIMENTS[key] = value
    return value


def _pack_findings(
    findings: tuple[Finding, ...],
    add: Callable[[Any], None],
    extend: Callable[[Iterable[Any]], None],
) -> None:
    add(len(findings))
    for finding in findings:
        _FINDING.pack(finding, extend)
        _pack_span(finding.span, extend)


def _unpack_findings(take: Callable[[], Any]) -> tuple[Finding, ...]:
    findings = []
    for _ in range(take()):
        finding = _FINDING.unpack(take)
        _FINDING_SPAN(finding, _unpack_span(take))
        findings.append(finding)
    return tuple(findings)


def _pack_each(
    layout: _Layout[T],
    records: tuple[T, ...],
    add: Callable[[Any], None],
    extend: Callable[[Iterable[Any]], None],
) -> None:
    add(len(records))
    for record in records:
        layout.pack(record, extend)


def _unpack_each(layout: _Layout[T], take: Callable[[], Any]) -> tuple[T, ...]:
    return tuple([layout.unpack(take) for _ in range(take())])


def pack_reports(reports: Iterable[MessageReport]) -> list[Any]:
    """*reports* as one flat list (see the module's docstring)."""
    flat: list[Any] = [0]
    add, extend = flat.append, flat.extend
    for report in reports:
        _REPORT.pack(report, extend)
        _SENTIMENT.pack(report.sentiment, extend)
        add(len(report.sentences))
        for sentence in report.sentences:
            _SPAN.pack(sentence.span, extend)
            _SENTIMENT.pack(sentence.sentiment, extend)
        _pack_findings(report.findings, add, extend)
        flat[0] += 1
    return flat


def unpack_reports(flat: list[Any]) -> Iterator[MessageReport]:
    """The reports :func:`pack_reports` packed into *flat*, rebuilt one at a time.

    Lazily: a caller that is done with each report before taking the next keeps few
    records alive at once, so a batch does not set off garbage collections.
    """
    take = iter(flat).__next__
    for _ in range(take()):
        report = _REPORT.unpack(take)
        _REPORT_SENTIMENT(report, _unpack_sentiment(take))
        sentences = []
        for _ in range(take()):
            score: SentenceScore = _new(SentenceScore)
            _SCORE_SPAN(score, _unpack_span(take))
            _SCORE_SENTIMENT(score, _unpack_sentiment(take))
            sentences.append(score)
        _REPORT_SENTENCES(report, tuple(sentences))
        _REPORT_FINDINGS(report, _unpack_findings(take))
        yield report


def pack_outcomes(outcomes: Iterable[PerceivedOutcome]) -> list[Any]:
    """*outcomes* as one flat list (see the module's docstring)."""
    flat: list[Any] = [0]
    add, extend = flat.append, flat.extend
    for outcome in outcomes:
        _OUTCOME.pack(outcome, extend)
        _pack_each(_SIGNAL, outcome.signals, add, extend)
        _pack_each(_DRIVER, outcome.drivers, add, extend)
        _pack_findings(outcome.findings, add, extend)
        _pack_each(_FOLLOWUP, outcome.followups, add, extend)
        flat[0] += 1
    return flat


def unpack_outcomes(flat: list[Any]) -> Iterator[PerceivedOutcome]:
    """The outcomes :func:`pack_outcomes` packed into *flat*, rebuilt one at a time."""
    take = iter(flat).__next__
    for _ in range(take()):
        outcome = _OUTCOME.unpack(take)
        _OUTCOME_SIGNALS(outcome, _unpack_each(_SIGNAL, take))
        _OUTCOME_DRIVERS(outcome, _unpack_each(_DRIVER, take))
        _OUTCOME_FINDINGS(outcome, _unpack_findings(take))
        _OUTCOME_FOLLOWUPS(outcome, _unpack_each(_FOLLOWUP, take))
        yield outcome
