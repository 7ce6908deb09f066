"""The ``language`` check: a message in a language the checks do not read says so.

The built-in checks read English: their word lists, their rules, VADER's lexicon and the
reading-ease formula are English.  A draft in German or French would pass them all, "as if
fine".  This check reports the message's language instead (one informational finding),
and the checks that read the words (``acknowledgement``, ``negative-language``,
``unconfirmed-critical-point``, ``readability``, ``personalization``) do not apply to it:
the report lists them as not applicable rather than passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from perception.builtin._match import finding, span
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.outcome import Finding, Severity
from perception.text import Message

__all__ = ["LanguageCheck", "perception_register_checks", "reads"]


def reads(message: Message) -> bool:
    """Whether the built-in checks read *message* (it is not in another language)."""
    return message.language.supported


class LanguageCheck:
    """A message in a language the checks do not read, reported as such."""

    name = "language"
    description = (
        "A message in a language the checks do not read (they read English): reported "
        "instead of passed."
    )

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.language]``."""

    def check(
        self, message: Message, ctx: CheckContext[LanguageCheck.Options]
    ) -> Iterator[Finding]:
        """One informational finding when the message is not in a language the checks read."""
        if not message.text.strip() or reads(message):
            return
        found = message.language
        start = len(message.text) - len(message.text.lstrip())
        yield finding(
            check=self.name,
            severity=Severity.INFO,
            span=span(start=start, end=start),
            message=f"The message reads as {found.name}; the checks read English only, so "
            "its wording was not checked.",
            suggestion="Have someone who reads the language review it before it is sent.",
            terms=(found.code,),
        )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``language`` check."""
    register(LanguageCheck())
