"""Input records: the customer, what they expect, what was delivered, what was said.

Every record is a frozen, keyword-only ``attrs`` class validated at construction.  A
record with several problems raises one :class:`~perception.errors.ValidationError`
that lists them all, each with its field path.  Times must be timezone-aware: a naive
datetime is an error, never a guess.  Change a record with :func:`attrs.evolve`.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timezone
from typing import Any, Union

import attrs

from perception._frozen import frozen_map
from perception._validation import (
    Issues,
    as_tuple,
    aware_issue,
    date_issue,
    enum_issue,
    lenient,
    number_issue,
    raise_problems,
    shown,
    surrogate_issue,
    surrogate_message,
    text_issue,
    unique_ids,
    unpaired_surrogate,
)

__all__ = [
    "FEEDBACK_RANGES",
    "OUTCOME_KINDS",
    "Account",
    "AttributeValue",
    "Better",
    "Case",
    "CasePriority",
    "CaseStatus",
    "Channel",
    "Customer",
    "Deliverable",
    "Dimension",
    "Direction",
    "Expectation",
    "ExpectationKind",
    "Feedback",
    "FeedbackKind",
    "Interaction",
    "LifecycleStage",
    "Money",
    "Priority",
    "Seniority",
    "Stakeholder",
    "UsageEvent",
]


class Dimension(str, enum.Enum):
    """What a perception is about: the SERVQUAL dimensions plus communication."""

    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"
    TANGIBLES = "tangibles"
    COMMUNICATION = "communication"


class Seniority(str, enum.Enum):
    """How senior a stakeholder is; an executive's word weighs most."""

    EXECUTIVE = "executive"
    MANAGER = "manager"
    USER = "user"


class ExpectationKind(str, enum.Enum):
    """Whether an expectation was stated (a commitment) or is implicit (never said)."""

    EXPLICIT = "explicit"
    IMPLICIT = "implicit"


class Better(str, enum.Enum):
    """Which way a level is better: a higher uptime, a lower response time."""

    HIGHER = "higher"
    LOWER = "lower"


class Direction(str, enum.Enum):
    """Who sent a message: the customer (inbound) or the team (outbound)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Channel(str, enum.Enum):
    """Where an interaction took place."""

    EMAIL = "email"
    CHAT = "chat"
    PHONE = "phone"
    MEETING = "meeting"
    TICKET = "ticket"
    OTHER = "other"


class FeedbackKind(str, enum.Enum):
    """Kinds of stated feedback: the customer's own word."""

    CSAT = "csat"  #: customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied)
    NPS = "nps"  #: likelihood to recommend, 0 to 10
    CES = "ces"  #: customer effort, 1 (very easy) to 7 (very difficult)
    ESCALATION = "escalation"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    RENEWAL = "renewal"  #: the customer renewed: a stated outcome by behaviour
    CHURN = "churn"  #: the customer left: a stated outcome by behaviour


#: Allowed value range of each scored feedback kind (CSAT and CES may state another
#: scale in ``Feedback.scale``).
FEEDBACK_RANGES: Mapping[FeedbackKind, tuple[float, float]] = {
    FeedbackKind.CSAT: (1.0, 5.0),
    FeedbackKind.NPS: (0.0, 10.0),
    FeedbackKind.CES: (1.0, 7.0),
}

#: Feedback kinds that state an outcome: whether the customer calls themselves satisfied
#: (:attr:`Feedback.satisfied`); calibration learns to predict them.
OUTCOME_KINDS: frozenset[FeedbackKind] = frozenset(
    {
        FeedbackKind.CSAT,
        FeedbackKind.NPS,
        FeedbackKind.CES,
        FeedbackKind.RENEWAL,
        FeedbackKind.CHURN,
    }
)

#: Feedback kinds whose answer may be given on a stated scale of its own.
_SCALED_KINDS = frozenset({FeedbackKind.CSAT, FeedbackKind.CES})


def _to_seniority(value: object) -> Seniority:
    return lenient(Seniority, value)


def _to_dimension(value: object) -> Dimension:
    return lenient(Dimension, value)


def _to_expectationkind(value: object) -> ExpectationKind:
    return lenient(ExpectationKind, value)


def _to_better(value: object) -> Better:
    return lenient(Better, value)


def _to_direction(value: object) -> Direction:
    return lenient(Direction, value)


def _to_channel(value: object) -> Channel:
    return lenient(Channel, value)


def _to_feedbackkind(value: object) -> FeedbackKind:
    return lenient(FeedbackKind, value)


def _to_glossary(value: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_map(value)


def _day_start(value: datetime | date) -> datetime:
    """A date alone (the time is unknown) as the start of that day in UTC."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.min, tzinfo=timezone.utc)
    return value


def _day_start_or_none(value: datetime | date | None) -> datetime | None:
    return None if value is None else _day_start(value)


def _day_end_or_none(value: datetime | date | None) -> datetime | None:
    """A due date alone as the end of that day in UTC: due on 1 March means by its end."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time.max, tzinfo=timezone.utc)
    return value


def _to_scale(value: Any) -> tuple[float, float] | None:
    """A stated scale as a tuple, left as it is when it is not a sequence (then reported
    by ``_problems``, with its length and items)."""
    if value is None or isinstance(value, (str, bytes)):
        return value  # type: ignore[return-value]  # reported by _problems()
    try:
        pair: Any = tuple(value)
    except TypeError:
        return value  # type: ignore[no-any-return]  # reported by _problems()
    return pair  # type: ignore[no-any-return]  # its length and items: _problems()


def _numbers(scale: object) -> bool:
    """*scale* is a pair of finite numbers."""
    return (
        isinstance(scale, tuple)
        and len(scale) == 2
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in scale
        )
    )


def _valid_scale(scale: object) -> bool:
    """*scale* is a pair of finite numbers, the lowest first."""
    return _numbers(scale) and scale[0] < scale[1]  # type: ignore[index]  # a pair, checked


def _scale_issue(name: str, scale: object) -> Issues:
    """Yield a problem unless *scale* is ``None`` or two finite numbers, low < high."""
    if scale is None:
        return
    if not _numbers(scale):
        yield name, f"must be two numbers [lowest, highest], not {shown(scale)}"
    elif not _valid_scale(scale):
        assert isinstance(scale, tuple)
        yield name, f"the lowest value ({scale[0]:g}) must be below the highest ({scale[1]:g})"


@attrs.frozen(kw_only=True)
class Stakeholder:
    """A person on the customer's side.

    Attributes:
        id: unique within the customer; interactions and feedback name it as author.
        name: how to address the person (``"Dana Whitfield"``).
        role: job title, free text (``"CIO"``).
        seniority: executive, manager or user.
        email: optional address, used to match message authors.
    """

    id: str
    name: str
    role: str = ""
    seniority: Seniority = attrs.field(default=Seniority.USER, converter=_to_seniority)
    email: str = ""

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from text_issue("name", self.name, required=True)
        yield from text_issue("role", self.role)
        yield from enum_issue("seniority", self.seniority, Seniority)
        yield from text_issue("email", self.email)


@attrs.frozen(kw_only=True, hash=False)
class Customer:
    """The customer organisation.

    Attributes:
        id: unique across a portfolio; also the account's id.
        name: display name.
        segment: free text (``"enterprise"``, ``"smb"``).
        stakeholders: the people on the customer's side.
        glossary: terms agreed with this customer and their definitions; a term found
            here counts as defined in every message to the customer.
    """

    id: str
    name: str
    segment: str = ""
    stakeholders: tuple[Stakeholder, ...] = attrs.field(default=(), converter=as_tuple)
    glossary: Mapping[str, str] = attrs.field(factory=dict, converter=_to_glossary)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from text_issue("name", self.name, required=True)
        yield from text_issue("segment", self.segment)
        for index, person in enumerate(self.stakeholders):
            if not isinstance(person, Stakeholder):
                yield f"stakeholders[{index}]", "must be a Stakeholder"
        yield from unique_ids("stakeholders", self.stakeholders)
        for term, definition in self.glossary.items():
            if not isinstance(term, str) or not term.strip():
                yield "glossary", f"term {shown(term)} must be a non-empty string"
            elif (char := unpaired_surrogate(term)) is not None:
                yield "glossary", f"term {shown(term)} {surrogate_message(char)}"
            elif not isinstance(definition, str):
                yield f"glossary.{term}", "definition must be a string"
            else:
                yield from surrogate_issue(f"glossary.{term}", definition)

    def stakeholder(self, stakeholder_id: str | None) -> Stakeholder | None:
        """The stakeholder with this id or email, or ``None``."""
        if not stakeholder_id:
            return None
        for person in self.stakeholders:
            if stakeholder_id in (person.id, person.email):
                return person
        return None


@attrs.frozen(kw_only=True)
class Expectation:
    """Something the customer expects, stated or not.

    The zone of tolerance (Zeithaml, Berry & Parasuraman 1993) runs from the
    ``adequate`` level (the least the customer accepts) to the ``desired`` level (what
    they hope for).  ``better`` says which way is better: ``"lower"`` for a response
    time in hours, ``"higher"`` for an uptime.  A dated commitment has a ``due`` time
    (a date alone means by the end of that day, UTC).

    A rating on a stated ``scale`` (``[1, 5]``, ``[0, 10]``, a Likert scale) makes each
    deliverable's ``level`` the customer's rating; without ``adequate`` and ``desired``
    the zone runs from the scale's midpoint to its best end, and a deliverable without
    a level is "not applicable".  A dated commitment whose ``unit`` is a time unit
    (``minutes``, ``hours``, ``days``, ``weeks``, ``months``) is judged on that time
    scale; its ``adequate`` and ``desired`` are then the tolerated and the hoped-for
    lateness in that unit (with ``better = "lower"``).

    Attributes:
        id: unique within the account.
        dimension: which dimension of perception it belongs to.
        description: in words (``"Invoice portal live"``).
        kind: ``explicit`` (committed) or ``implicit`` (expected but never said).
        critical: a critical point; it should be confirmed by the customer.
        importance: 0 to 1, how much it matters to the customer.
        adequate: the adequate level, in ``unit``.
        desired: the desired level, in ``unit``.
        unit: unit of the levels (``"hours"``, ``"%"``).
        better: ``higher`` or ``lower``.
        due: when it is due, if it is a dated commitment.
        confirmed_at: when the customer confirmed it, if ever.
        stakeholder: id of the stakeholder who holds this expectation.
        scale: ``(lowest, highest)`` of a rating scale, when the levels are ratings.
    """

    id: str
    dimension: Dimension = attrs.field(converter=_to_dimension)
    description: str = ""
    kind: ExpectationKind = attrs.field(
        default=ExpectationKind.EXPLICIT, converter=_to_expectationkind
    )
    critical: bool = False
    importance: float = 0.5
    adequate: float | None = None
    desired: float | None = None
    unit: str = ""
    better: Better = attrs.field(default=Better.HIGHER, converter=_to_better)
    due: datetime | None = attrs.field(default=None, converter=_day_end_or_none)
    confirmed_at: datetime | None = attrs.field(default=None, converter=_day_start_or_none)
    stakeholder: str | None = None
    scale: tuple[float, float] | None = attrs.field(default=None, converter=_to_scale)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from enum_issue("dimension", self.dimension, Dimension)
        yield from text_issue("description", self.description)
        yield from text_issue("unit", self.unit)
        yield from enum_issue("kind", self.kind, ExpectationKind)
        if not isinstance(self.critical, bool):
            yield "critical", "must be true or false"
        yield from number_issue("importance", self.importance, low=0.0, high=1.0)
        yield from number_issue("adequate", self.adequate, optional=True)
        yield from number_issue("desired", self.desired, optional=True)
        yield from enum_issue("better", self.better, Better)
        yield from aware_issue("due", self.due)
        yield from aware_issue("confirmed_at", self.confirmed_at)
        yield from _scale_issue("scale", self.scale)
        yield from self._level_problems()

    def _level_problems(self) -> Issues:
        adequate, desired = self.adequate, self.desired
        scale = self.scale
        if scale is not None and _valid_scale(scale):
            for name, value in (("adequate", adequate), ("desired", desired)):
                if (
                    isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and not scale[0] <= value <= scale[1]
                ):
                    yield name, f"must be within the scale {scale[0]:g} to {scale[1]:g}"
        if (
            isinstance(adequate, (int, float))
            and isinstance(desired, (int, float))
            and isinstance(self.better, Better)
        ):
            if self.better is Better.HIGHER and adequate > desired:
                yield "adequate", f"must be <= desired ({desired:g}) when higher is better"
            if self.better is Better.LOWER and adequate < desired:
                yield "adequate", f"must be >= desired ({desired:g}) when lower is better"

    @property
    def zone(self) -> tuple[float, float] | None:
        """``(adequate, desired)``, filling a missing end from the other, or ``None``.

        A rating scale without either level gets its default zone, from the scale's
        midpoint to its best end (:func:`perception.science.rating_zone`).
        """
        if self.scale is not None:
            low, high = self.scale
            middle = (low + high) / 2.0
            best = high if self.better is Better.HIGHER else low
            return (
                float(self.adequate if self.adequate is not None else middle),
                float(self.desired if self.desired is not None else best),
            )
        if self.adequate is None and self.desired is None:
            return None
        adequate = self.adequate if self.adequate is not None else self.desired
        desired = self.desired if self.desired is not None else self.adequate
        assert adequate is not None
        assert desired is not None
        return adequate, desired


@attrs.frozen(kw_only=True)
class Deliverable:
    """Work delivered (or still owed) against an expectation.

    Attributes:
        id: unique within the account.
        expectation: id of the expectation it answers; must exist in the account.
        description: in words.
        delivered_at: when it was delivered; ``None`` while it is outstanding (a date
            alone means the start of that day, UTC).
        level: the achieved level, in the expectation's unit, if it is measured; for an
            expectation with a rating ``scale``, the customer's rating (``None``: not
            applicable).
        accepted_at: when the customer accepted it, if they did.
    """

    id: str
    expectation: str
    description: str = ""
    delivered_at: datetime | None = attrs.field(default=None, converter=_day_start_or_none)
    level: float | None = None
    accepted_at: datetime | None = attrs.field(default=None, converter=_day_start_or_none)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from text_issue("expectation", self.expectation, required=True)
        yield from text_issue("description", self.description)
        yield from aware_issue("delivered_at", self.delivered_at)
        yield from number_issue("level", self.level, optional=True)
        yield from aware_issue("accepted_at", self.accepted_at)
        if self.accepted_at is not None and self.delivered_at is None:
            yield "accepted_at", "needs delivered_at: nothing can be accepted before delivery"
        elif (
            isinstance(self.accepted_at, datetime)
            and isinstance(self.delivered_at, datetime)
            and self.accepted_at.tzinfo is not None
            and self.delivered_at.tzinfo is not None
            and self.accepted_at < self.delivered_at
        ):
            yield "accepted_at", "must not be before delivered_at"


@attrs.frozen(kw_only=True)
class Interaction:
    """A message or conversation between the customer and the team.

    Attributes:
        id: unique within the account.
        at: when it was sent or took place.
        direction: ``inbound`` (from the customer) or ``outbound`` (from the team).
        channel: email, chat, phone, meeting, ticket or other.
        author: a stakeholder id (inbound) or a team member (outbound).
        text: what was said; may be empty for a call without notes.
        subject: the subject line, if any.
        in_reply_to: id of the interaction this one answers; must exist in the account.
        case: id of the case (ticket) it belongs to, if any; must exist in the account.
    """

    id: str
    at: datetime = attrs.field(converter=_day_start)
    direction: Direction = attrs.field(converter=_to_direction)
    channel: Channel = attrs.field(default=Channel.EMAIL, converter=_to_channel)
    author: str = ""
    text: str = ""
    subject: str = ""
    in_reply_to: str | None = None
    case: str | None = None

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from aware_issue("at", self.at, optional=False)
        yield from enum_issue("direction", self.direction, Direction)
        yield from enum_issue("channel", self.channel, Channel)
        yield from text_issue("author", self.author)
        yield from text_issue("text", self.text)
        yield from text_issue("subject", self.subject)
        if self.in_reply_to is not None:
            yield from text_issue("in_reply_to", self.in_reply_to, required=True)
        if self.case is not None:
            yield from text_issue("case", self.case, required=True)

    @property
    def inbound(self) -> bool:
        """True when the customer sent it."""
        return self.direction is Direction.INBOUND


@attrs.frozen(kw_only=True)
class Feedback:
    """Stated feedback: a survey answer, a complaint, praise or an escalation.

    Attributes:
        id: unique within the account.
        at: when it was given (a date alone means the start of that day, UTC).
        kind: csat (1-5), nps (0-10), ces (1-7), escalation, complaint, praise, renewal
            or churn.
        value: the score for csat, nps and ces (required there); ignored otherwise.
        author: the stakeholder who gave it (their seniority sets its weight).
        text: the verbatim comment, if any.
        scale: ``(lowest, highest)`` of a csat or ces answer given on another scale
            than the usual one (``[0, 10]`` for a satisfaction question out of 10).
    """

    id: str
    at: datetime = attrs.field(converter=_day_start)
    kind: FeedbackKind = attrs.field(converter=_to_feedbackkind)
    value: float | None = None
    author: str = ""
    text: str = ""
    scale: tuple[float, float] | None = attrs.field(default=None, converter=_to_scale)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from aware_issue("at", self.at, optional=False)
        yield from enum_issue("kind", self.kind, FeedbackKind)
        yield from text_issue("author", self.author)
        yield from text_issue("text", self.text)
        yield from _scale_issue("scale", self.scale)
        scaled = isinstance(self.kind, FeedbackKind) and self.kind in _SCALED_KINDS
        if self.scale is not None and isinstance(self.kind, FeedbackKind) and not scaled:
            yield "scale", f"only csat and ces answers take a scale, not {self.kind.value}"
        if isinstance(self.kind, FeedbackKind) and self.kind in FEEDBACK_RANGES:
            low, high = self.range
            if self.value is None:
                yield "value", f"is required for {self.kind.value} ({low:g} to {high:g})"
            else:
                yield from number_issue("value", self.value, low=low, high=high)
        else:
            yield from number_issue("value", self.value, optional=True)

    @property
    def range(self) -> tuple[float, float]:
        """``(lowest, highest)`` answer of a csat, nps or ces item: its stated scale, else
        the usual one (:data:`FEEDBACK_RANGES`); ``(0, 0)`` for other kinds."""
        if self.scale is not None:
            return self.scale
        return FEEDBACK_RANGES.get(self.kind, (0.0, 0.0))

    @property
    def position(self) -> float | None:
        """Where a csat, nps or ces answer lies on its scale, from 0 (lowest) to 1."""
        if self.kind not in FEEDBACK_RANGES or self.value is None:
            return None
        low, high = self.range
        return (self.value - low) / (high - low)

    @property
    def signed_value(self) -> float:
        """The feedback as a value in [-1, 1], negative for an unhappy customer.

        CSAT around the middle of its scale (3 of 1-5); NPS 0-10 with promoters (9-10)
        positive and detractors (0-6) negative (Reichheld 2003); CES around the middle
        of its scale (4 of 1-7), lower effort better; escalation -1, complaint -0.7,
        praise +0.7, renewal +0.7, churn -1.
        """
        if self.kind is FeedbackKind.NPS:  # 0..10; promoters 9-10, detractors 0-6
            value = self.value if self.value is not None else 7.5
            return max(-1.0, min(1.0, (value - 7.5) / 2.5))
        position = self.position
        if position is not None and self.kind is FeedbackKind.CSAT:
            return 2.0 * position - 1.0
        if position is not None and self.kind is FeedbackKind.CES:  # low effort is good
            return 1.0 - 2.0 * position
        return _FIXED_FEEDBACK.get(self.kind, 0.0)

    @property
    def satisfied(self) -> bool | None:
        """Whether the customer states they are satisfied, or ``None`` for kinds that
        state no outcome (see :data:`OUTCOME_KINDS`).

        CSAT in the top two boxes of five, that is at or above three quarters of its
        scale (4 or 5 of 1-5, 8 or more of 0-10); NPS 7 or more (not a detractor:
        Reichheld 2003); CES below the middle of its scale (1-3 of 1-7: easy); a renewal
        is satisfied and a churn is not.
        """
        if self.kind is FeedbackKind.RENEWAL:
            return True
        if self.kind is FeedbackKind.CHURN:
            return False
        position = self.position
        if position is None or self.value is None:
            return None
        if self.kind is FeedbackKind.NPS:
            return self.value >= 7.0
        if self.kind is FeedbackKind.CES:
            return position < 0.5
        return position >= 0.75


#: The value of feedback kinds that carry no score of their own.
_FIXED_FEEDBACK: Mapping[FeedbackKind, float] = {
    FeedbackKind.ESCALATION: -1.0,
    FeedbackKind.COMPLAINT: -0.7,
    FeedbackKind.PRAISE: 0.7,
    FeedbackKind.RENEWAL: 0.7,
    FeedbackKind.CHURN: -1.0,
}


# -- commercial facts, cases and product usage ----------------------------------------


class LifecycleStage(str, enum.Enum):
    """Where the account stands in its life as a customer."""

    TRIAL = "trial"
    ONBOARDING = "onboarding"
    ADOPTION = "adoption"
    EXPANSION = "expansion"
    RENEWAL = "renewal"
    ADVOCACY = "advocacy"
    CHURNED = "churned"


class CaseStatus(str, enum.Enum):
    """The state of a case (a support ticket): the usual helpdesk states."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"  #: waiting for the customer
    HOLD = "hold"  #: waiting for a third party
    SOLVED = "solved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """True while the case is not solved or closed."""
        return self not in (CaseStatus.SOLVED, CaseStatus.CLOSED)


class Priority(str, enum.Enum):
    """How urgent a case or a follow-up is; ordered ``low < normal < high < urgent``."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for urgent."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}

#: The priority of a :class:`Case`: the same scale as a follow-up's (:class:`Priority`),
#: under the name it had before the two were one.
CasePriority = Priority


def _to_lifecycle(value: object) -> LifecycleStage | None:
    return None if value is None else lenient(LifecycleStage, value)


def _to_case_status(value: object) -> CaseStatus:
    return lenient(CaseStatus, value)


def _to_case_priority(value: object) -> CasePriority:
    return lenient(CasePriority, value)


#: The value of a custom attribute: it keeps its JSON type.
AttributeValue = Union[str, bool, int, float]  # noqa: UP007  # a runtime alias cattrs reads

#: An ISO 4217 currency code: three capital letters.
_CURRENCY = re.compile(r"[A-Z]{3}")


def _to_currency(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class Money:
    """An amount of money in a currency, such as an annual recurring revenue.

    Attributes:
        amount: the amount, >= 0.
        currency: the ISO 4217 code (``"EUR"``, ``"usd"`` is read as ``"USD"``).
    """

    amount: float
    currency: str = attrs.field(converter=_to_currency)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from number_issue("amount", self.amount, low=0.0)
        yield from text_issue("currency", self.currency, required=True)
        if isinstance(self.currency, str) and not _CURRENCY.fullmatch(self.currency):
            yield (
                "currency",
                f"must be a three-letter ISO 4217 code such as 'EUR', not {shown(self.currency)}",
            )

    def __str__(self) -> str:
        return f"{self.amount:,.0f} {self.currency}"


def _to_attributes(value: Mapping[str, AttributeValue]) -> Mapping[str, AttributeValue]:
    return frozen_map(value)


@attrs.frozen(kw_only=True)
class Case:
    """A case (a support ticket): an issue the customer raised, handled until solved.

    The interactions that belong to a case name it in their ``case`` field.

    Attributes:
        id: unique within the account.
        opened_at: when it was opened.
        subject: its title.
        status: new, open, pending, hold, solved or closed.
        priority: low, normal, high or urgent.
        closed_at: when it was solved or closed, if it was.
        requester: the stakeholder (id or email) who raised it.
        assignee: the team member who handles it.
        tags: labels, as the helpdesk has them.
    """

    id: str
    opened_at: datetime
    subject: str = ""
    status: CaseStatus = attrs.field(default=CaseStatus.OPEN, converter=_to_case_status)
    priority: CasePriority = attrs.field(default=CasePriority.NORMAL, converter=_to_case_priority)
    closed_at: datetime | None = None
    requester: str = ""
    assignee: str = ""
    tags: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("id", self.id, required=True)
        yield from aware_issue("opened_at", self.opened_at, optional=False)
        yield from text_issue("subject", self.subject)
        yield from enum_issue("status", self.status, CaseStatus)
        yield from enum_issue("priority", self.priority, CasePriority)
        yield from aware_issue("closed_at", self.closed_at)
        yield from text_issue("requester", self.requester)
        yield from text_issue("assignee", self.assignee)
        for index, tag in enumerate(self.tags):
            yield from text_issue(f"tags[{index}]", tag)
        if (
            isinstance(self.closed_at, datetime)
            and isinstance(self.opened_at, datetime)
            and self.closed_at.utcoffset() is not None
            and self.opened_at.utcoffset() is not None
            and self.closed_at < self.opened_at
        ):
            yield "closed_at", "must not be before opened_at"

    @property
    def is_open(self) -> bool:
        """True while the case is not solved or closed."""
        return isinstance(self.status, CaseStatus) and self.status.is_open

    def open_for(self, moment: datetime) -> float:
        """Days the case has been open at *moment* (until it closed, if it did)."""
        end = self.closed_at if self.closed_at is not None and self.closed_at <= moment else moment
        return max(0.0, (end - self.opened_at).total_seconds() / 86400.0)


def _usage_id(event: UsageEvent) -> str:
    at = event.at.isoformat() if isinstance(event.at, datetime) else ""
    return f"{event.metric}@{at}" if isinstance(event.metric, str) else ""


@attrs.frozen(kw_only=True)
class UsageEvent:
    """A measurement of product usage at a date, such as weekly active users.

    Attributes:
        metric: what is measured (``"weekly_active_users"``).
        at: when it was measured (the end of the period it covers).
        value: the measured value.
        unit: unit of the value, if any (``"users"``, ``"GB"``).
        id: unique within the account; defaults to ``METRIC@AT``.
    """

    metric: str
    at: datetime
    value: float
    unit: str = ""
    id: str = attrs.field(default=attrs.Factory(_usage_id, takes_self=True))

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        yield from text_issue("metric", self.metric, required=True)
        yield from aware_issue("at", self.at, optional=False)
        yield from number_issue("value", self.value)
        yield from text_issue("unit", self.unit)
        yield from text_issue("id", self.id, required=True)


@attrs.frozen(kw_only=True, hash=False)
class Account:
    """Everything known about one customer: the unit of assessment.

    References are checked: a deliverable's expectation, an interaction's
    ``in_reply_to`` and an expectation's stakeholder must exist in the account.

    Attributes:
        customer: the customer.
        expectations: what the customer expects, stated or implicit.
        deliverables: what was delivered against those expectations.
        interactions: messages and meetings, in any order.
        feedback: surveys, complaints, praise and escalations.
        owner: the team member who owns the account.
        cases: support cases (tickets); their interactions name them in ``case``.
        usage: product usage, as dated measurements of metrics.
        arr: annual recurring revenue.
        mrr: monthly recurring revenue.
        renewal: the date the contract renews (or ends).
        plan: the plan or product tier, free text (``"Enterprise"``).
        lifecycle: trial, onboarding, adoption, expansion, renewal, advocacy or churned.
        attributes: the team's own fields, by name; each value keeps its type
            (string, number or true/false).
    """

    customer: Customer
    expectations: tuple[Expectation, ...] = attrs.field(default=(), converter=as_tuple)
    deliverables: tuple[Deliverable, ...] = attrs.field(default=(), converter=as_tuple)
    interactions: tuple[Interaction, ...] = attrs.field(default=(), converter=as_tuple)
    feedback: tuple[Feedback, ...] = attrs.field(default=(), converter=as_tuple)
    owner: str = ""
    cases: tuple[Case, ...] = attrs.field(default=(), converter=as_tuple)
    usage: tuple[UsageEvent, ...] = attrs.field(default=(), converter=as_tuple)
    arr: Money | None = None
    mrr: Money | None = None
    renewal: date | None = None
    plan: str = ""
    lifecycle: LifecycleStage | None = attrs.field(default=None, converter=_to_lifecycle)
    attributes: Mapping[str, AttributeValue] = attrs.field(factory=dict, converter=_to_attributes)

    def __attrs_post_init__(self) -> None:
        raise_problems(self, self._problems())

    def _problems(self) -> Issues:
        if not isinstance(self.customer, Customer):
            yield "customer", "must be a Customer"
        for name, cls in (
            ("expectations", Expectation),
            ("deliverables", Deliverable),
            ("interactions", Interaction),
            ("feedback", Feedback),
            ("cases", Case),
            ("usage", UsageEvent),
        ):
            records = getattr(self, name)
            for index, record in enumerate(records):
                if not isinstance(record, cls):
                    yield f"{name}[{index}]", f"must be an {cls.__name__}"
            yield from unique_ids(name, records)
        yield from text_issue("owner", self.owner)
        yield from self._fact_problems()
        yield from self._reference_problems()

    def _reference_problems(self) -> Issues:
        """Deliverables, replies and expectations that name records not in the account."""
        expectations = {e.id: e for e in self.expectations if isinstance(e, Expectation)}
        for index, item in enumerate(self.deliverables):
            if not isinstance(item, Deliverable):
                continue
            expectation = expectations.get(item.expectation)
            if expectation is None:
                yield (
                    f"deliverables[{index}].expectation",
                    f"no expectation with id {shown(item.expectation)} in this account",
                )
            else:
                yield from _rating_issue(f"deliverables[{index}].level", item, expectation)
        interaction_ids = {i.id for i in self.interactions if isinstance(i, Interaction)}
        for index, message in enumerate(self.interactions):
            if (
                isinstance(message, Interaction)
                and message.in_reply_to is not None
                and message.in_reply_to not in interaction_ids
            ):
                yield (
                    f"interactions[{index}].in_reply_to",
                    f"no interaction with id {shown(message.in_reply_to)} in this account",
                )
        if isinstance(self.customer, Customer):
            people = {p.id for p in self.customer.stakeholders}
            for index, exp in enumerate(self.expectations):
                known = isinstance(exp, Expectation) and exp.stakeholder in people
                if isinstance(exp, Expectation) and exp.stakeholder and not known:
                    yield (
                        f"expectations[{index}].stakeholder",
                        f"no stakeholder with id {shown(exp.stakeholder)} in customer.stakeholders",
                    )

    def _fact_problems(self) -> Issues:
        """Problems of the commercial facts, cases and usage."""
        for name in ("arr", "mrr"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Money):
                yield name, "must be an amount with a currency (Money) or absent"
        yield from date_issue("renewal", self.renewal)
        yield from text_issue("plan", self.plan)
        if self.lifecycle is not None:
            yield from enum_issue("lifecycle", self.lifecycle, LifecycleStage)
        for key, value in self.attributes.items():
            if not isinstance(key, str) or not key.strip():
                yield "attributes", f"name {shown(key)} must be a non-empty string"
            elif (char := unpaired_surrogate(key)) is not None:
                yield "attributes", f"name {shown(key)} {surrogate_message(char)}"
            elif not isinstance(value, (str, bool, int, float)):
                yield f"attributes.{key}", "must be a string, a number or true/false"
            elif isinstance(value, float) and not math.isfinite(value):
                yield f"attributes.{key}", f"must be finite, not {shown(value)}"
            else:
                yield from surrogate_issue(f"attributes.{key}", value)
        case_ids = {c.id for c in self.cases if isinstance(c, Case)}
        for index, message in enumerate(self.interactions):
            if (
                isinstance(message, Interaction)
                and message.case is not None
                and message.case not in case_ids
            ):
                yield (
                    f"interactions[{index}].case",
                    f"no case with id {shown(message.case)} in this account",
                )

    @property
    def id(self) -> str:
        """The account's id: its customer's id."""
        return self.customer.id

    @property
    def name(self) -> str:
        """The customer's display name."""
        return self.customer.name

    def case(self, case_id: str | None) -> Case | None:
        """The case with this id, or ``None``."""
        if case_id is None:
            return None
        return next((c for c in self.cases if c.id == case_id), None)

    def case_interactions(self, case_id: str) -> tuple[Interaction, ...]:
        """The interactions of the case *case_id*, by time."""
        return tuple(sorted((i for i in self.interactions if i.case == case_id), key=_at))

    def open_cases(self) -> tuple[Case, ...]:
        """The cases not yet solved or closed, most urgent first, then oldest first."""
        return tuple(
            sorted(
                (c for c in self.cases if c.is_open),
                key=lambda c: (-c.priority.rank, c.opened_at),
            )
        )

    def usage_series(self, metric: str) -> tuple[UsageEvent, ...]:
        """The measurements of *metric*, oldest first."""
        return tuple(sorted((u for u in self.usage if u.metric == metric), key=_at))

    def metrics(self) -> tuple[str, ...]:
        """The names of the usage metrics measured, sorted."""
        return tuple(sorted({u.metric for u in self.usage}))

    def expectation(self, expectation_id: str) -> Expectation | None:
        """The expectation with this id, or ``None``."""
        return next((e for e in self.expectations if e.id == expectation_id), None)

    def interaction(self, interaction_id: str | None) -> Interaction | None:
        """The interaction with this id, or ``None``."""
        if interaction_id is None:
            return None
        return next((i for i in self.interactions if i.id == interaction_id), None)

    def deliverables_for(self, expectation_id: str) -> tuple[Deliverable, ...]:
        """The deliverables that answer the expectation *expectation_id*."""
        return tuple(d for d in self.deliverables if d.expectation == expectation_id)

    def timeline(self) -> tuple[Interaction, ...]:
        """Interactions sorted by time (stable for equal times)."""
        return tuple(sorted(self.interactions, key=lambda i: i.at))

    def as_of(self, moment: datetime) -> Account:
        """The account as it was known at *moment*: records after it are left out.

        Interactions and feedback after *moment* are dropped; a deliverable delivered
        later is not yet delivered (no level, no acceptance); an acceptance or a
        confirmation after *moment* has not happened yet.  A kept reply that answers a
        message stamped after *moment* (clocks of two systems disagree by a little) keeps
        its text but no longer points at that message, so the view is always a valid
        account.  Returns the account itself when nothing is left out.
        """
        interactions = tuple(i for i in self.interactions if i.at <= moment)
        dropped = len(interactions) != len(self.interactions)
        if dropped:
            kept = {i.id for i in interactions}
            interactions = tuple(
                attrs.evolve(i, in_reply_to=None)
                if i.in_reply_to is not None and i.in_reply_to not in kept
                else i
                for i in interactions
            )
        feedback = tuple(f for f in self.feedback if f.at <= moment)
        deliverables = tuple(_deliverable_as_of(d, moment) for d in self.deliverables)
        expectations = tuple(
            attrs.evolve(e, confirmed_at=None)
            if e.confirmed_at is not None and e.confirmed_at > moment
            else e
            for e in self.expectations
        )
        cases, usage = self.cases, self.usage
        if cases or usage:
            cases = tuple(_case_as_of(c, moment) for c in cases if c.opened_at <= moment)
            usage = tuple(u for u in usage if u.at <= moment)
            if len(cases) != len(self.cases):
                dropped = True
                known = {c.id for c in cases}
                interactions = tuple(
                    attrs.evolve(i, case=None) if i.case is not None and i.case not in known else i
                    for i in interactions
                )
        if (
            not dropped
            and len(feedback) == len(self.feedback)
            and deliverables == self.deliverables
            and expectations == self.expectations
            and cases == self.cases
            and len(usage) == len(self.usage)
        ):
            return self
        return attrs.evolve(
            self,
            interactions=interactions,
            feedback=feedback,
            deliverables=deliverables,
            expectations=expectations,
            cases=cases,
            usage=usage,
        )


def _at(record: Interaction | UsageEvent) -> datetime:
    return record.at


def _case_as_of(case: Case, moment: datetime) -> Case:
    """The case as it stood at *moment*: a later close has not happened yet."""
    if case.closed_at is not None and case.closed_at > moment:
        status = CaseStatus.OPEN if not case.status.is_open else case.status
        return attrs.evolve(case, closed_at=None, status=status)
    return case


def _rating_issue(name: str, item: Deliverable, expectation: Expectation) -> Issues:
    """A rating outside its expectation's scale."""
    scale = expectation.scale
    level = item.level
    if (
        scale is not None
        and _valid_scale(scale)
        and isinstance(level, (int, float))
        and not isinstance(level, bool)
        and not scale[0] <= level <= scale[1]
    ):
        message = (
            f"{level:g} is outside the scale {scale[0]:g} to {scale[1]:g} of expectation "
            f"{shown(expectation.id)} (leave it out when not applicable)"
        )
        yield name, message


def _deliverable_as_of(item: Deliverable, moment: datetime) -> Deliverable:
    if item.delivered_at is not None and item.delivered_at > moment:
        return attrs.evolve(item, delivered_at=None, accepted_at=None, level=None)
    if item.accepted_at is not None and item.accepted_at > moment:
        return attrs.evolve(item, accepted_at=None)
    return item
