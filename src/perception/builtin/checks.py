"""Built-in message checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.outcome import Finding, Severity, Span
from perception.text import Message

__all__ = ["PersonalizationCheck"]

_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[ \t,]*"
    r"(?P<name>[^\s,!.:;]*)",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"\b(?:regards|best|thanks|thank you|cheers|sincerely|kind regards|warm regards|"
    r"best wishes|talk soon|speak soon)\b[^\n]*[,.!]?\s*\n?\s*\S*\s*$",
    re.IGNORECASE,
)
#: Only the head and tail of a message are searched, so any length is checked in bounded time.
_WINDOW = 400


class PersonalizationCheck:
    """A message to a named person should greet them by name and end with a sign-off."""

    name = "personalization"
    description = "Greeting addressed to the recipient by name, and a sign-off."
    defaults: ClassVar[dict[str, Any]] = {"require_sign_off": True}

    def check(self, message: Message, ctx: CheckContext) -> Iterator[Finding]:
        """Findings when the greeting or sign-off is missing."""
        if not ctx.recipient or not message.text.strip():
            return
        text = message.text
        head = text[:_WINDOW]
        first_name = ctx.recipient.split()[0]
        greeting = _GREETING.match(head)
        if greeting is None:
            yield Finding(
                check=self.name,
                severity=Severity.INFO,
                span=Span(start=0, end=0),
                message=f"The message does not greet {ctx.recipient}.",
                suggestion=f"Open with a greeting by name, such as 'Hi {first_name},'.",
            )
        elif first_name.casefold() not in greeting.group("name").casefold():
            yield Finding(
                check=self.name,
                severity=Severity.INFO,
                span=Span(start=greeting.start(), end=greeting.end()),
                message=f"The greeting does not address {ctx.recipient} by name.",
                suggestion=f"Address the person: 'Hi {first_name},'.",
            )
        tail_start = max(0, len(text) - _WINDOW)
        if ctx.options["require_sign_off"] and _SIGN_OFF.search(text[tail_start:]) is None:
            end = len(text.rstrip())
            yield Finding(
                check=self.name,
                severity=Severity.INFO,
                span=Span(start=end, end=end),
                message="The message ends without a sign-off.",
                suggestion="Close with a sign-off and your name, such as 'Best regards, Sam'.",
            )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the built-in checks."""
    register(PersonalizationCheck())
