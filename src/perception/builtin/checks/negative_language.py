"""The ``negative-language`` check: blaming, refusing or condescending phrasing.

Three sources of findings, one finding per stretch of text:

- the rules of ``perception/data/negative_language.toml`` (blaming the customer, hiding
  behind policy, closing the door ...), each with a positive rewording;
- condescending words (``perception/data/condescending.csv``: "obviously", "simply" ...);
- sentences whose compound sentiment is at or below ``sentence_threshold`` and that hold
  no apology or acknowledgement (which is negative by nature).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import attrs

from perception.builtin._match import (
    ACKNOWLEDGES,
    Intervals,
    existence_rules,
    finding,
    phrase_index,
    quote,
    replacement,
    span,
    triggered,
)
from perception.builtin.checks.language import reads
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.options import between, option
from perception.outcome import Finding, Severity
from perception.text import Message, vader_scorer

__all__ = ["RULES_FILE", "NegativeLanguageCheck", "perception_register_checks"]

#: The package data file that holds the phrasing rules.
RULES_FILE = "negative_language.toml"


def _negative_words(sentence: str) -> tuple[str, ...]:
    """The words of *sentence* that VADER's lexicon scores as negative, most negative first."""
    lexicon = vader_scorer().lexicon
    scored = [
        (lexicon.get(w.lower().strip(_EDGES), 0.0), w.strip(_EDGES)) for w in sentence.split()
    ]
    return tuple(dict.fromkeys(w for value, w in sorted(scored) if value < 0))[:5]


_EDGES = ".,;:!?\"'()[]"


@functools.cache
def _triggers() -> frozenset[str]:
    """Every trigger word of the rules: a message with none of them matches no rule."""
    return frozenset().union(*(rule.triggers for rule in existence_rules(RULES_FILE)))


class NegativeLanguageCheck:
    """Blaming, refusing or condescending phrasing, with a positive rewording."""

    name = "negative-language"
    description = "Blaming or negative phrasing ('you failed to', 'that's our policy')."

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.negative-language]``."""

        condescending: bool = option(True, "flag condescending words")
        sentence_threshold: float = option(
            -0.6,
            "compound score at or below which a sentence is strongly negative (-1 to 1)",
            validator=between(-1, 1),
        )

    def applies(self, message: Message, ctx: CheckContext[NegativeLanguageCheck.Options]) -> bool:
        """Whether the message is in a language the check reads (see ``language``)."""
        return reads(message)

    def check(
        self, message: Message, ctx: CheckContext[NegativeLanguageCheck.Options]
    ) -> Iterator[Finding]:
        """A finding per blaming or negative phrase, and per strongly negative sentence."""
        if not message.text:
            return
        flagged = Intervals()
        yield from self._rules(message, flagged)
        if ctx.options.condescending:
            yield from self._condescending(message)
        yield from self._negative_sentences(message, flagged, ctx.options.sentence_threshold)

    def _rules(self, message: Message, flagged: Intervals) -> Iterator[Finding]:
        if _triggers().isdisjoint(message.vocabulary):
            return  # no rule can match (one look-up instead of one per rule)
        for rule in triggered(existence_rules(RULES_FILE), message):
            for match in rule.pattern.finditer(message):
                a, b = match.span()
                if flagged.overlaps(a, b):
                    continue  # one finding per stretch of text
                flagged.add(a, b)
                yield finding(
                    check=self.name,
                    severity=rule.severity,
                    span=span(start=a, end=b),
                    message=f"'{quote(match.group())}': {rule.message}",
                    suggestion=rule.suggestion,
                    terms=(match.group(),),
                )

    def _condescending(self, message: Message) -> Iterator[Finding]:
        for where, phrase in phrase_index("condescending.csv", "phrase", "condescending").find(
            message
        ):
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=where,
                message=f"'{message.slice(where)}' can sound condescending: what is "
                "obvious or easy to us may not be to the customer.",
                suggestion=f"{phrase.suggestion[0].upper()}{phrase.suggestion[1:]}.",
                fix=(replacement(message, where, phrase.suggestion), True),
                terms=(message.slice(where),),
            )

    def _negative_sentences(
        self, message: Message, flagged: Intervals, threshold: float
    ) -> Iterator[Finding]:
        for score in message.sentence_scores:
            where = score.span
            if score.sentiment.compound > threshold:
                continue
            if flagged.overlaps(where.start, where.end):
                continue
            if ACKNOWLEDGES.search(message, where.start, where.end):
                continue  # an apology or acknowledgement is negative by nature
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=where,
                message=f"This sentence reads as strongly negative "
                f"(sentiment {score.sentiment.compound:+.2f}).",
                suggestion="Say what will happen next rather than only what went wrong.",
                terms=_negative_words(message.slice(where)),
            )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``negative-language`` check."""
    register(NegativeLanguageCheck())
