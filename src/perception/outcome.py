"""Output records: signals, findings, follow-ups and the perceived outcome.

Like the input records these are frozen, keyword-only ``attrs`` classes validated at
construction, so a plugin that returns a value out of range fails loudly, with the
plugin's name, instead of skewing a score.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from perception._frozen import frozen_map
from perception._validation import (
    Issues,
    as_tuple,
    aware_issue,
    enum_issue,
    lenient,
    number_issue,
    raise_problems,
    text_issue,
)
from perception.model import Dimension, Priority

__all__ = [
    "Band",
    "Driver",
    "Edit",
    "Finding",
    "FollowUp",
    "FollowUpPlan",
    "MessageReport",
    "PerceivedOutcome",
    "PluginFailure",
    "Priority",
    "Resolution",
    "SentenceScore",
    "Sentiment",
    "Severity",
    "Signal",
    "Span",
    "followup_key",
]


class Severity(str, enum.Enum):
    """How much a finding matters; ordered ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Band(str, enum.Enum):
    """The perceived outcome in words, from best to worst."""

    DELIGHTED = "delighted"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    AT_RISK = "at risk"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for delighted up to 4 for critical (higher is worse)."""
        return list(Band).index(self)


def _to_dimension(value: object) -> Dimension:
    return lenient(Dimension, value)


def _to_severity(value: object) -> Severity:
    return lenient(Severity, value)


def _to_priority(value: object) -> Priority:
    return lenient(Priority, value)


def _to_band(value: object) -> Band:
    return lenient(Band, value)


@attrs.frozen(kw_only=True)
class Span:
    """A range of characters ``text[start:end]`` in a message."""

    start: int
    end: int

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        for name in ("start", "end"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                yield name, f"must be a whole number >= 0, not {value!r}"
        if isinstance(self.start, int) and isinstance(self.end, int) and self.end < self.start:
            yield "end", f"must be >= start ({self.start})"


@attrs.frozen(kw_only=True)
class Sentiment:
    """VADER-style sentiment: ``compound`` in [-1, 1] and the three proportions."""

    compound: float
    positive: float = 0.0
    neutral: float = 1.0
    negative: float = 0.0

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from number_issue("compound", self.compound, low=-1.0, high=1.0)
        for name in ("positive", "neutral", "negative"):
            yield from number_issue(name, getattr(self, name), low=0.0, high=1.0)


@attrs.frozen(kw_only=True)
class SentenceScore:
    """The sentiment of one sentence of a message, with its span."""

    span: Span
    sentiment: Sentiment


@attrs.frozen(kw_only=True)
class Signal:
    """One piece of evidence about perception, produced by a scorer.

    Attributes:
        scorer: name of the scorer that produced it.
        dimension: the dimension it bears on.
        value: -1 (very negative) to 1 (very positive).
        weight: how much it counts relative to other signals (>= 0).
        confidence: 0 to 1, how sure the scorer is.
        explanation: one sentence in plain words, shown to people.
        evidence: ids of the records it rests on.
        at: when the underlying event happened, if it has a time.
    """

    scorer: str
    dimension: Dimension = attrs.field(converter=_to_dimension)
    value: float
    explanation: str
    weight: float = 1.0
    confidence: float = 1.0
    evidence: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("scorer", self.scorer, required=True)
        yield from enum_issue("dimension", self.dimension, Dimension)
        yield from number_issue("value", self.value, low=-1.0, high=1.0)
        yield from number_issue("weight", self.weight, low=0.0)
        yield from number_issue("confidence", self.confidence, low=0.0, high=1.0)
        yield from text_issue("explanation", self.explanation, required=True)
        yield from aware_issue("at", self.at)


@attrs.frozen(kw_only=True)
class Edit:
    """A replacement in a message: ``text[span.start:span.end]`` becomes ``text``
    (an empty ``text`` deletes the span).

    Attributes:
        span: the characters to replace.
        text: what to put in their place.
    """

    span: Span
    text: str

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        if not isinstance(self.span, Span):
            yield "span", "must be a Span"
        if not isinstance(self.text, str):
            yield "text", "must be a string"


@attrs.frozen(kw_only=True)
class Finding:
    """Something in a message worth changing before it is sent.

    Attributes:
        check: name of the check that found it.
        severity: info, warning or error.
        message: what is wrong, in words.
        suggestion: a concrete change to make.
        span: where in the message, if it is a place rather than the whole message.
        evidence: ids of related records (the interaction it was found in).
        edits: the suggestion as replacements, when it is one (an editor offers them
            as a quick fix); empty when the suggestion needs a person to write something.
            Edits of one finding never overlap.
        safe: the edits keep the message's meaning (a phrase replaced by its plain
            equivalent, a filler word left out), so ``perception check --fix`` may apply
            them without a person reading them first.
        terms: the words the finding is about or that drove it, as data (the
            undefined acronym; the customer's words that show they are unhappy).
    """

    check: str
    severity: Severity = attrs.field(converter=_to_severity)
    message: str
    suggestion: str = ""
    span: Span | None = None
    evidence: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    edits: tuple[Edit, ...] = attrs.field(default=(), converter=as_tuple)
    safe: bool = False
    terms: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("check", self.check, required=True)
        yield from enum_issue("severity", self.severity, Severity)
        yield from text_issue("message", self.message, required=True)
        yield from text_issue("suggestion", self.suggestion)
        if self.span is not None and not isinstance(self.span, Span):
            yield "span", "must be a Span or None"
        for index, edit in enumerate(self.edits):
            if not isinstance(edit, Edit):
                yield f"edits[{index}]", "must be an Edit"
        ordered = sorted((e.span.start, e.span.end) for e in self.edits if isinstance(e, Edit))
        if any(b[0] < a[1] for a, b in itertools.pairwise(ordered)):
            yield "edits", "must not overlap"
        if not isinstance(self.safe, bool):
            yield "safe", "must be true or false"
        for n, term in enumerate(self.terms):
            yield from text_issue(f"terms[{n}]", term)


def _key_part(part: str) -> str:
    return part.replace("%", "%25").replace(":", "%3A")


def followup_key(policy: str, account: str, *parts: str) -> str:
    """An unambiguous follow-up key: ``POLICY:ACCOUNT:PART:...`` with ``%`` and ``:``
    inside each part written ``%25`` and ``%3A``.

    Ids may contain ``:``; joined as they are, account ``a`` with message ``b:c`` and
    account ``a:b`` with message ``c`` would get one key, and the ledger would keep one
    follow-up of the two.  Escaped, distinct parts always give distinct keys, and ids
    without ``:`` or ``%`` give the same keys as plain joining.
    """
    return ":".join(_key_part(p) for p in (policy, account, *parts))


@attrs.frozen(kw_only=True)
class FollowUp:
    """A dated action that a policy asks somebody to take.

    Attributes:
        policy: name of the policy that planned it.
        key: idempotency key, stable across runs for the same situation; a new
            situation gets a new key (build it with :func:`followup_key`).
        account: the account's id.
        due: when it should be done.
        action: what to do, as an instruction.
        reason: why, in plain words.
        priority: low, normal, high or urgent.
        evidence: ids of the records it rests on.
        owner: the team member who should do it; when a policy leaves it empty,
            :func:`~perception.plan_followups` fills in the account's ``owner``.
    """

    policy: str
    key: str
    account: str
    due: datetime
    action: str
    reason: str
    priority: Priority = attrs.field(default=Priority.NORMAL, converter=_to_priority)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    owner: str = ""

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("policy", self.policy, required=True)
        yield from text_issue("key", self.key, required=True)
        yield from text_issue("account", self.account, required=True)
        yield from aware_issue("due", self.due, optional=False)
        yield from text_issue("action", self.action, required=True)
        yield from text_issue("reason", self.reason, required=True)
        yield from enum_issue("priority", self.priority, Priority)
        yield from text_issue("owner", self.owner)


@attrs.frozen(kw_only=True)
class Resolution:
    """A follow-up planned earlier whose situation no longer holds.

    :func:`~perception.plan_followups` judges the follow-ups it is given as ``pending``:
    one that its policy no longer plans, and that the policy says is resolved, gets a
    resolution; the ledger closes it as ``resolved`` with the reason.

    Attributes:
        key: the follow-up's key.
        account: the account's id.
        policy: the policy that planned it.
        reason: why it no longer holds, in words (``"Dana Whitfield replied on
            2026-03-21"``).
    """

    key: str
    account: str
    policy: str
    reason: str

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("key", self.key, required=True)
        yield from text_issue("account", self.account, required=True)
        yield from text_issue("policy", self.policy, required=True)
        yield from text_issue("reason", self.reason, required=True)


@attrs.frozen(kw_only=True)
class PluginFailure:
    """A plugin that raised; the run went on without it (unless ``strict=True``).

    Attributes:
        plugin: the registered name of the scorer, check or policy.
        kind: ``scorer``, ``check`` or ``policy``.
        error: the exception type and message.
        origin: the pluggy plugin that registered it.
    """

    plugin: str
    kind: str
    error: str
    origin: str = ""


@attrs.frozen(kw_only=True)
class Driver:
    """A signal that moves the score, in plain words.

    Attributes:
        text: the explanation shown to people.
        dimension: the dimension it moves.
        impact: signed points it moves the 0-100 score by: its exact share of the score
            minus the outcome's ``baseline`` (with a calibration, what the signal's value
            added), so that the drivers and the rest of the evidence add up to it.
        scorer: the scorer behind it.
        evidence: ids of the records it rests on.
    """

    text: str
    dimension: Dimension
    impact: float
    scorer: str
    evidence: tuple[str, ...] = ()


def _read_only_dimensions(value: Mapping[Dimension, float]) -> Mapping[Dimension, float]:
    """Dimensions as a read-only mapping: a plugin cannot change them for later readers."""
    return frozen_map(value)


@attrs.frozen(kw_only=True, hash=False)
class PerceivedOutcome:
    """The customer's perceived outcome, as estimated and explained.

    Attributes:
        account: the account's id.
        as_of: the time the assessment describes.
        score: 0 (worst) to 100 (best); with a calibration, the calibrated probability
            (in percent) that the customer would call themselves satisfied.
        band: the score in words (with a calibration, a range of that probability).
        confidence: 0 to 1, from the amount and age of the evidence.
        dimensions: per-dimension value in [-1, 1] for dimensions with evidence.
        signals: every signal the scorers produced.
        drivers: the few signals that move the score most, in plain words; first the
            largest that moved it the way it went from the baseline.
        findings: findings of the checks on the team's outbound messages.
        followups: follow-ups planned for the account, when asked for.
        failures: plugins that raised during the assessment.
        diagnosis: a sentence when the outcome contradicts the delivery record
            (everything delivered, still at risk), naming the likely causes.
        baseline: what the drivers' points are measured from: the score with no
            evidence at all for the default score (50); for a calibrated one, the
            probability for the same evidence with every value neutral (the base rate,
            plus what the fit learned from there being such evidence at all).
        calibration: which calibration gave the score (its file, date and
            cross-validated AUC), or ``None`` for the default, uncalibrated score.
    """

    account: str
    as_of: datetime
    score: float
    band: Band = attrs.field(converter=_to_band)
    confidence: float
    dimensions: Mapping[Dimension, float] = attrs.field(
        factory=dict, converter=_read_only_dimensions
    )
    signals: tuple[Signal, ...] = attrs.field(default=(), converter=as_tuple)
    drivers: tuple[Driver, ...] = attrs.field(default=(), converter=as_tuple)
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=as_tuple)
    followups: tuple[FollowUp, ...] = attrs.field(default=(), converter=as_tuple)
    failures: tuple[PluginFailure, ...] = attrs.field(default=(), converter=as_tuple)
    diagnosis: str | None = None
    baseline: float = 50.0
    calibration: str | None = None

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def to_dict(self) -> dict[str, Any]:
        """The outcome as plain values: dicts, lists, strings, numbers, booleans and
        ``None`` (enums by their value, times as ISO 8601 text, dimensions keyed by name),
        ready for :func:`json.dumps` or a data frame.  The same as one outcome of
        ``assess --format json``."""
        result: dict[str, Any] = _plain(self)
        return result

    def _problems(self) -> Issues:
        yield from text_issue("account", self.account, required=True)
        yield from aware_issue("as_of", self.as_of, optional=False)
        yield from number_issue("score", self.score, low=0.0, high=100.0)
        yield from number_issue("baseline", self.baseline, low=0.0, high=100.0)
        yield from enum_issue("band", self.band, Band)
        yield from number_issue("confidence", self.confidence, low=0.0, high=1.0)
        for dimension, value in self.dimensions.items():
            yield from number_issue(f"dimensions.{dimension}", value, low=-1.0, high=1.0)


def _plain(value: Any) -> Any:  # noqa: PLR0911  # one return per kind of value
    """*value* (a record, or what a record holds) as plain JSON-compatible values."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    return str(value)


@attrs.frozen(kw_only=True)
class MessageReport:
    """What the checks found in one message.

    Attributes:
        length: the message's length in characters.
        sentiment: the whole message's sentiment.
        sentences: each sentence's span and sentiment.
        findings: what the checks found, ordered by position.
        failures: checks that raised.
        silenced: checks turned off for this message by a marker or ``ignore``.
        not_applicable: checks that had nothing to judge in this message (an
            acknowledgement when the customer was not unhappy): not needed, rather
            than passed.
    """

    length: int
    sentiment: Sentiment
    sentences: tuple[SentenceScore, ...] = attrs.field(default=(), converter=as_tuple)
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=as_tuple)
    failures: tuple[PluginFailure, ...] = attrs.field(default=(), converter=as_tuple)
    silenced: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    not_applicable: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)

    def worst(self) -> Severity | None:
        """The highest severity among the findings, or ``None`` when clean."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)


@attrs.frozen(kw_only=True)
class FollowUpPlan:
    """The follow-ups the policies planned for one account.

    Attributes:
        account: the account's id.
        as_of: the time of planning.
        followups: planned follow-ups, by due time then priority.
        failures: policies that raised.
        policies: the policies that ran without failing; a pending follow-up of any
            other policy (disabled, blocked, failed) is never judged resolved.
        resolved: pending follow-ups whose situation no longer holds (empty unless
            ``pending`` follow-ups were given to :func:`~perception.plan_followups`).
    """

    account: str
    as_of: datetime
    followups: tuple[FollowUp, ...] = attrs.field(default=(), converter=as_tuple)
    failures: tuple[PluginFailure, ...] = attrs.field(default=(), converter=as_tuple)
    policies: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    resolved: tuple[Resolution, ...] = attrs.field(default=(), converter=as_tuple)
