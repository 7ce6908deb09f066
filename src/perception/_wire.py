"""Message reports in a compact form, for sending from a worker process to its parent.

A batch of reports is packed into one flat list of strings, numbers and tuples of
strings: it pickles and unpickles many times faster than the records, and unpickling
it creates one container for the garbage collector to track instead of dozens per
report.  The parent rebuilds the records without validating them again (the worker
built them from validated values), setting each slot directly.

The list starts with the number of reports; the layout of each report that follows:

``length, compound, positive, neutral, negative,``
``sentence count, then per sentence: start, end, compound, positive, neutral, negative,``
``finding count, then per finding: check, severity, message, suggestion, start, end,
evidence`` (``start`` and ``end`` are -1 for a finding without a span),
``failures, silenced``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from perception.outcome import Finding, MessageReport, SentenceScore, Sentiment, Severity, Span

__all__ = ["pack_reports", "unpack_reports"]


def _setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of *cls* (frozen records refuse ``setattr``; slots do not)."""
    return tuple(getattr(cls, name).__set__ for name in names)


_new = object.__new__
_SEVERITIES = {severity.value: severity for severity in Severity}
_span_start, _span_end = _setters(Span, "start", "end")
_score_span, _score_sentiment = _setters(SentenceScore, "span", "sentiment")
_compound, _positive, _neutral, _negative = _setters(
    Sentiment, "compound", "positive", "neutral", "negative"
)
_check, _severity, _message, _suggestion, _finding_span, _evidence = _setters(
    Finding, "check", "severity", "message", "suggestion", "span", "evidence"
)
_length, _sentiment, _sentences, _findings, _failures, _silenced = _setters(
    MessageReport, "length", "sentiment", "sentences", "findings", "failures", "silenced"
)

#: Rebuilt sentiments by value (frozen records can be shared); bounded.
_SENTIMENTS: dict[tuple[float, float, float, float], Sentiment] = {}
_SENTIMENTS_LIMIT = 4096


def pack_reports(reports: Iterable[MessageReport]) -> list[Any]:
    """*reports* as one flat list (see the module's docstring for the layout)."""
    flat: list[Any] = [0]
    add = flat.append
    extend = flat.extend
    for report in reports:
        value = report.sentiment
        extend((report.length, value.compound, value.positive, value.neutral, value.negative))
        add(len(report.sentences))
        for sentence in report.sentences:
            span, value = sentence.span, sentence.sentiment
            extend(
                (
                    span.start,
                    span.end,
                    value.compound,
                    value.positive,
                    value.neutral,
                    value.negative,
                )
            )
        add(len(report.findings))
        for finding in report.findings:
            extend((finding.check, finding.severity.value, finding.message, finding.suggestion))
            if finding.span is None:
                extend((-1, -1))
            else:
                extend((finding.span.start, finding.span.end))
            add(finding.evidence)
        extend((report.failures, report.silenced))
        flat[0] += 1
    return flat


def _sentiment_of(compound: float, positive: float, neutral: float, negative: float) -> Sentiment:
    key = (compound, positive, neutral, negative)
    value = _SENTIMENTS.get(key)
    if value is None:
        value = _new(Sentiment)
        _compound(value, compound)
        _positive(value, positive)
        _neutral(value, neutral)
        _negative(value, negative)
        if len(_SENTIMENTS) < _SENTIMENTS_LIMIT:
            _SENTIMENTS[key] = value
    return value


def _span_of(start: int, end: int) -> Span:
    span: Span = _new(Span)
    _span_start(span, start)
    _span_end(span, end)
    return span


def unpack_reports(flat: list[Any]) -> Iterator[MessageReport]:
    """The reports :func:`pack_reports` packed into *flat*, rebuilt one at a time.

    Lazily: a caller that is done with each report before taking the next keeps few
    records alive at once, so a batch does not set off garbage collections.
    """
    take = iter(flat).__next__
    for _ in range(take()):
        report: MessageReport = _new(MessageReport)
        _length(report, take())
        _sentiment(report, _sentiment_of(take(), take(), take(), take()))
        count = take()
        sentences = []
        for _ in range(count):
            score: SentenceScore = _new(SentenceScore)
            _score_span(score, _span_of(take(), take()))
            _score_sentiment(score, _sentiment_of(take(), take(), take(), take()))
            sentences.append(score)
        _sentences(report, tuple(sentences))
        found = take()
        findings = []
        for _ in range(found):
            finding: Finding = _new(Finding)
            _check(finding, take())
            _severity(finding, _SEVERITIES[take()])
            _message(finding, take())
            _suggestion(finding, take())
            start, end = take(), take()
            _finding_span(finding, None if start < 0 else _span_of(start, end))
            _evidence(finding, take())
            findings.append(finding)
        _findings(report, tuple(findings))
        _failures(report, take())
        _silenced(report, take())
        yield report
