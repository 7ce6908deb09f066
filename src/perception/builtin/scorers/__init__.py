"""Built-in scorers: how perception forms, one plugin module each.

Every scorer turns part of an account into :class:`~perception.outcome.Signal` records
with a value in [-1, 1], a weight, the ids of the records it rests on and one sentence
in plain words.  Each lives in its own module with its own ``perception_register_scorers``
hook implementation, named in :data:`perception.plugins.DEFAULT_PLUGINS`, so that
``PERCEPTION_BLOCK_PLUGINS=perception.builtin.scorers.silence`` blocks one scorer alone.
The science behind each default is in ``perception.science`` and
``docs/explanation/science.md``; the options are listed in ``docs/reference/scorers.md``.

===================  ================================================================
``disconfirmation``  each expectation against what was delivered (Oliver 1980)
``responsiveness``   reply times against the expected response time (Caruelle 2023)
``sentiment``        the customer's messages over time: peak, end and recency
``voice``            surveys, complaints, praise and escalations: the customer's word
``communication``    findings of the message checks on the team's messages
``confirmation``     critical expectations the customer never confirmed
``recovery``         failures answered fast, with acknowledgement and a fix
``silence``          no contact for longer than the customer would expect
===================  ================================================================

This package registers nothing itself; it re-exports the scorer classes and the helpers
other code uses.
"""

from __future__ import annotations

from typing import Any

from perception.builtin.scorers._common import (
    SENIORITY_WEIGHT,
    compound,
    expected_response_hours,
)
from perception.builtin.scorers.communication import CommunicationScorer
from perception.builtin.scorers.confirmation import ConfirmationScorer
from perception.builtin.scorers.disconfirmation import DisconfirmationScorer
from perception.builtin.scorers.recovery import RecoveryScorer
from perception.builtin.scorers.responsiveness import ResponsivenessScorer
from perception.builtin.scorers.sentiment import SentimentScorer
from perception.builtin.scorers.silence import SilenceScorer
from perception.builtin.scorers.voice import VoiceScorer, feedback_value

__all__ = [
    "BUILTIN_SCORERS",
    "SENIORITY_WEIGHT",
    "CommunicationScorer",
    "ConfirmationScorer",
    "DisconfirmationScorer",
    "RecoveryScorer",
    "ResponsivenessScorer",
    "SentimentScorer",
    "SilenceScorer",
    "VoiceScorer",
    "compound",
    "expected_response_hours",
    "feedback_value",
]

#: The built-in scorers, in the order they run (the order of ``DEFAULT_PLUGINS``).
BUILTIN_SCORERS: tuple[type[Any], ...] = (
    DisconfirmationScorer,
    ResponsivenessScorer,
    SentimentScorer,
    VoiceScorer,
    CommunicationScorer,
    ConfirmationScorer,
    RecoveryScorer,
    SilenceScorer,
)
