"""The ``personalization`` check: a greeting by name and a sign-off.

When a message is addressed to a named person (the ``recipient``, or the author of the
inbound message it answers), its greeting should name them and it should end with a
sign-off.  Only the head and the tail of the message are searched, so a message of any
length is checked in bounded time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import attrs

from perception.builtin._match import GREETING, finding, span
from perception.builtin.checks.language import reads
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.options import option
from perception.outcome import Finding, Severity
from perception.text import Message

__all__ = ["PersonalizationCheck", "perception_register_checks"]

_SIGN_OFF = re.compile(
    r"\b(?:regards|best|thanks|thank you|cheers|sincerely|talk soon|speak soon|"
    r"best wishes|all the best|yours)\b",
    re.IGNORECASE,
)
#: Only the head and tail of a message are searched, so any length is checked in bounded time.
_WINDOW = 400


class PersonalizationCheck:
    """A message to a named person should greet them by name and end with a sign-off."""

    name = "personalization"
    description = "Greeting addressed to the recipient by name, and a sign-off."

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.personalization]``."""

        require_sign_off: bool = option(True, "flag a missing sign-off")

    def applies(self, message: Message, ctx: CheckContext[PersonalizationCheck.Options]) -> bool:
        """Whether the message is in a language the check reads (see ``language``)."""
        return reads(message)

    def check(
        self, message: Message, ctx: CheckContext[PersonalizationCheck.Options]
    ) -> Iterator[Finding]:
        """Findings when the greeting or sign-off is missing."""
        if not ctx.recipient or not ctx.recipient.split() or not message.text.strip():
            return
        yield from self._greeting(message.text, ctx.recipient)
        if ctx.options.require_sign_off:
            yield from self._sign_off(message.text)

    def _greeting(self, text: str, recipient: str) -> Iterator[Finding]:
        names = {part.casefold() for part in recipient.split() if len(part) > 1}
        first_name = recipient.split(maxsplit=1)[0]
        greeting = GREETING.match(text[:_WINDOW])
        if greeting is None:
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=span(start=0, end=0),
                message=f"The message does not greet {recipient}.",
                suggestion=f"Open with a greeting by name, such as 'Hi {first_name},'.",
            )
            return
        greeted = {w.casefold() for w in re.findall(r"\w+", greeting.group("name"))}
        if names.isdisjoint(greeted):
            end = greeting.start("name")
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=span(start=greeting.start(), end=max(end, greeting.start())),
                message=f"The greeting does not address {recipient} by name.",
                suggestion=f"Address the person: 'Hi {first_name},'.",
            )

    def _sign_off(self, text: str) -> Iterator[Finding]:
        # the sign-off is on one of the last two lines ("Best regards,\nSam")
        tail = text[max(0, len(text) - _WINDOW) :].rstrip().rsplit("\n", 2)[-2:]
        if _SIGN_OFF.search("\n".join(line[-80:] for line in tail)) is None:
            end = len(text.rstrip())
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=span(start=end, end=end),
                message="The message ends without a sign-off.",
                suggestion="Close with a sign-off and your name, such as 'Best regards, Sam'.",
            )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``personalization`` check."""
    register(PersonalizationCheck())
