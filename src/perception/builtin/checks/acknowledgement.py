"""The ``acknowledgement`` check: a reply to an unhappy customer should acknowledge it.

Runs only when the message answers an inbound message that reads as negative
(:attr:`~perception.text.Message.mood`, the more negative of the whole message's and its
most negative sentence's compound score).  The acknowledgement (an apology,
understanding, agreement, or thanks for the customer's effort) is looked for in the first
sentences of the reply, a greeting line not counting as one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from perception.builtin._match import ACKNOWLEDGES, GREETING, finding, span
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.model import Direction
from perception.options import at_least, between, option
from perception.outcome import Finding, Severity, Span
from perception.text import Message
from perception.text import message as shared_message

__all__ = ["AcknowledgementCheck", "perception_register_checks"]


def _greeting_only(message: Message, sentence: Span) -> bool:
    return (
        sentence.end - sentence.start <= 60 and GREETING.match(message.slice(sentence)) is not None
    )


class AcknowledgementCheck:
    """A reply to an unhappy customer should acknowledge their situation or apologise."""

    name = "acknowledgement"
    description = (
        "A reply to a negative inbound message that neither acknowledges the customer's "
        "situation nor apologises early on."
    )

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.acknowledgement]``."""

        threshold: float = option(
            -0.05,
            "inbound compound score at or below which an acknowledgement is expected "
            "(VADER's usual negative cut-off; -1 to 1)",
            validator=between(-1, 1),
        )
        error_threshold: float = option(
            -0.6,
            "at or below this, a missing acknowledgement is an error (-1 to 1)",
            validator=between(-1, 1),
        )
        within_sentences: int = option(
            3,
            "how many sentences after the greeting may hold the acknowledgement",
            validator=at_least(1),
        )

    def check(
        self, message: Message, ctx: CheckContext[AcknowledgementCheck.Options]
    ) -> Iterator[Finding]:
        """A finding when the inbound message is negative and the reply does not acknowledge it."""
        inbound = ctx.reply_to
        if inbound is None or inbound.direction is not Direction.INBOUND or not inbound.text:
            return
        if not message.text.strip():
            return
        opts = ctx.options
        mood = shared_message(inbound.text).mood
        if mood > opts.threshold:
            return
        sentences = message.sentences
        within = opts.within_sentences
        skip = 1 if sentences and _greeting_only(message, sentences[0]) else 0
        window = sentences[: skip + within]
        end = window[-1].end if window else len(message.text)
        if ACKNOWLEDGES.search(message, 0, end):
            return
        yield finding(
            check=self.name,
            severity=Severity.ERROR if mood <= opts.error_threshold else Severity.WARNING,
            span=sentences[skip] if len(sentences) > skip else span(start=0, end=0),
            message=f"The customer's message is negative (sentiment {mood:+.2f}) and the "
            f"reply does not acknowledge it in its first {within} sentences.",
            suggestion="Open by naming what happened and how it affected them, and "
            "apologise where we are at fault: 'I'm sorry the export failed again; I know "
            "your team relies on it.'",
        )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``acknowledgement`` check."""
    register(AcknowledgementCheck())
