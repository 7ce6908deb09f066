"""The ``unconfirmed-critical-point`` check: a critical point should be confirmed.

A message that states a date, a price, a decision or a change of scope should ask the
customer to confirm it.  The statements are recognised by the token rules of
``perception/data/critical_points.toml`` (and numeric dates such as ``2026-04-01`` or
``14/03``); a request to confirm anywhere in the message clears them: an explicit one
("please confirm", "let me know if that is OK") or a yes/no question that asks for
agreement or permission ("Does that work for you?", "Shall I book it?", "Is Thursday
OK?", "Would you like us to go ahead?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator

import attrs

from perception.builtin._match import Pattern, finding, phrase_tokens, span, token_rules
from perception.builtin.checks.language import reads
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.options import one_of, option
from perception.outcome import Finding, Severity, Span
from perception.text import Message

__all__ = ["KINDS", "RULES_FILE", "UnconfirmedCriticalPointCheck", "perception_register_checks"]

#: The package data file that holds the statement rules.
RULES_FILE = "critical_points.toml"
#: The kinds of critical point.
KINDS = ("decision", "date", "price", "scope")

#: (The look-ahead in front lets the engine skip to the digits: see ``_match.Pattern``.)
_DIGIT_DATE = re.compile(r"(?=\d)\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b")

#: Asks the reader to confirm (as written; :data:`_CONFIRMS` is compiled from it).
_CONFIRMS_PATTERN = (
    r"\b(?:please\s+confirm|(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:confirm|"
    r"approve|let\s+(?:me|us)\s+know|reply|agree|check)|confirm\s+(?:that|this|whether|if|by)|"
    r"let\s+(?:me|us)\s+know\s+(?:if|whether|by|when|that|your)|does\s+(?:this|that|it)\s+"
    r"(?:work|suit|sound)|do\s+you\s+agree|(?:is|are)\s+(?:this|that|these|you)\s+"
    r"(?:ok|okay|fine|acceptable|alright|all\s+right|happy|comfortable)|"
    r"please\s+(?:approve|reply|sign\s+off|let\s+(?:me|us)\s+know)|your\s+(?:approval|"
    r"confirmation|sign-?off|go-ahead|ok|okay)|reply\s+(?:to\s+)?confirm\w*|"
    r"(?:let\s+me|tell\s+me)\s+if\s+(?:you|this|that)|any\s+(?:objections|concerns)\s*\?)"
)
_CONFIRMS = Pattern(_CONFIRMS_PATTERN, starts="pcwldiaryt", behind=True)
#: Words of which one must be in a message for :data:`_CONFIRMS` to be searched.
_CONFIRM_TRIGGERS = frozenset(
    """
    confirm confirmation approve approval agree work suit sound ok okay fine acceptable
    alright right happy comfortable reply know sign-off signoff sign go-ahead check
    objections concerns
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def critical_points(message: Message, kinds: Collection[str]) -> dict[str, Span]:
    """The first statement of each critical kind among *kinds* in *message*."""
    found = token_rules(RULES_FILE).first_of_each(message, kinds)
    if "date" in kinds and "date" not in found and ("/" in message.text or "-" in message.text):
        match = _DIGIT_DATE.search(message.text)
        if match is not None:
            found["date"] = span(start=match.start(), end=match.end())
    return found


#: Words that open a yes/no question.
_YES_NO = frozenset(
    [
        "shall",
        "should",
        "can",
        "could",
        "may",
        "would",
        "will",
        "does",
        "do",
        "did",
        "is",
        "are",
        "am",
        "was",
        "ok",
        "okay",
        "happy",
        "good",
        "sound",
        "sounds",
        "alright",
        "fine",
        "any",
    ]
)
#: Words that make a yes/no question a request for agreement or permission.
_AGREEMENT = frozenset(
    """
    ok okay fine work works suit suits agree agreed happy good alright right correct
    acceptable proceed go-ahead ahead book confirm approve sound sounds like want prefer
    comfortable convenient objections objection
    """.split()  # noqa: SIM905  # a word list reads better as text
)
#: "Shall I ...?", "Should we ...?": offering to act is asking for permission.
_OFFERS = frozenset(["shall", "should"])
_SELF = frozenset(["i", "we"])


def _asks_agreement(message: Message) -> bool:
    """Whether a sentence of *message* is a yes/no question asking for agreement."""
    if "?" not in message.text:
        return False
    text = message.text
    for sentence in message.sentences:
        if not text[sentence.start : sentence.end].rstrip("\"')\u201d ").endswith("?"):
            continue
        tokens = phrase_tokens(text[sentence.start : sentence.end])
        words = [w for w in tokens if w.isalnum() or "-" in w or "'" in w]
        if not words or words[0] not in _YES_NO:
            continue
        if words[0] in _OFFERS and len(words) > 1 and words[1] in _SELF:
            return True
        if not _AGREEMENT.isdisjoint(words):
            return True
    return False


def asks_to_confirm(message: Message) -> bool:
    """Whether *message* asks the customer to confirm (``please confirm``, ``does this work``,
    ``shall I book it?``)."""
    if not _CONFIRM_TRIGGERS.isdisjoint(message.vocabulary) and _CONFIRMS.search(message):
        return True
    return _asks_agreement(message)


class UnconfirmedCriticalPointCheck:
    """A decision, date, price or scope change should come with a request to confirm it."""

    name = "unconfirmed-critical-point"
    description = (
        "A message stating a decision, date, price or scope change without asking the "
        "customer to confirm it."
    )

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.unconfirmed-critical-point]``."""

        kinds: tuple[str, ...] = option(
            KINDS, "the kinds of critical point to look for", validator=one_of(KINDS)
        )

    def applies(
        self, message: Message, ctx: CheckContext[UnconfirmedCriticalPointCheck.Options]
    ) -> bool:
        """Whether the message is in a language the check reads (see ``language``)."""
        return reads(message)

    def check(
        self, message: Message, ctx: CheckContext[UnconfirmedCriticalPointCheck.Options]
    ) -> Iterator[Finding]:
        """One finding per message, at the first critical statement, listing the kinds."""
        if not message.text:
            return
        found = critical_points(message, ctx.options.kinds)
        if not found or asks_to_confirm(message):
            return
        ordered = sorted(found.items(), key=lambda item: item[1].start)
        kinds = ", ".join(kind for kind, _ in ordered)
        yield finding(
            check=self.name,
            severity=Severity.WARNING,
            span=ordered[0][1],
            message=f"The message states a critical point ({kinds}) without asking the "
            "customer to confirm it.",
            suggestion="Ask for an explicit confirmation: 'Could you confirm that this "
            "works for you by Thursday?'",
            terms=tuple(message.slice(where) for _, where in ordered),
        )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``unconfirmed-critical-point`` check."""
    register(UnconfirmedCriticalPointCheck())
