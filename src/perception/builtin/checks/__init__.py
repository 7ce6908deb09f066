"""Built-in message checks, one plugin module each.

Every check reads a draft :class:`~perception.text.Message` and yields
:class:`~perception.outcome.Finding` records with a severity, a span inside the message, a
message and a concrete suggestion.  Each lives in its own module with its own
``perception_register_checks`` hook implementation, named in
:data:`perception.plugins.DEFAULT_PLUGINS`, so that
``PERCEPTION_BLOCK_PLUGINS=perception.builtin.checks.readability`` blocks one check alone.
The checks share the message's tokenisation and sentiment through
:class:`~perception.text.Message`; their matching code and rule types are in
``perception.builtin._match``, and their word lists and rules are data in
``perception/data`` (see ``PROVENANCE.md`` there).  The options are listed in
``docs/reference/checks.md``.

==============================  ==========================================================
``undefined-term``              acronyms and jargon the customer may not know
``acknowledgement``             a reply to an unhappy customer that does not acknowledge it
``negative-language``           blaming, refusing or condescending phrasing
``unconfirmed-critical-point``  a date, price, decision or scope change with no request
                                to confirm it
``readability``                 long sentences and hard-to-read messages
``personalization``             a greeting by name and a sign-off
``language``                    a message in a language the checks do not read
==============================  ==========================================================

This package registers nothing itself; it re-exports the check classes and the helpers
other code uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from perception.builtin.checks.acknowledgement import AcknowledgementCheck
from perception.builtin.checks.language import LanguageCheck
from perception.builtin.checks.negative_language import NegativeLanguageCheck
from perception.builtin.checks.personalization import PersonalizationCheck
from perception.builtin.checks.readability import (
    ReadabilityCheck,
    flesch_reading_ease,
    syllables,
)
from perception.builtin.checks.unconfirmed_critical_point import UnconfirmedCriticalPointCheck
from perception.builtin.checks.undefined_term import UndefinedTermCheck
from perception.hookspecs import Check

__all__ = [
    "BUILTIN_CHECKS",
    "AcknowledgementCheck",
    "LanguageCheck",
    "NegativeLanguageCheck",
    "PersonalizationCheck",
    "ReadabilityCheck",
    "UnconfirmedCriticalPointCheck",
    "UndefinedTermCheck",
    "flesch_reading_ease",
    "syllables",
]

#: The built-in checks, in the order they run (the order of ``DEFAULT_PLUGINS``).
BUILTIN_CHECKS: Sequence[Callable[[], Check]] = (
    UndefinedTermCheck,
    AcknowledgementCheck,
    NegativeLanguageCheck,
    UnconfirmedCriticalPointCheck,
    ReadabilityCheck,
    PersonalizationCheck,
    LanguageCheck,
)
