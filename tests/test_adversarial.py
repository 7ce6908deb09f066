"""Hostile text: no check may crash, hang or point outside the message.

A bounded run of generated messages belongs to the suite (a few seconds); a longer run is
``PERCEPTION_FUZZ_EXAMPLES=20000 python -m pytest tests/test_adversarial.py``.
"""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perception import check
from perception.testing import make_account, message

EXAMPLES = int(os.environ.get("PERCEPTION_FUZZ_EXAMPLES", "150"))

#: Pieces that the checks look for, mixed with noise: acronyms, brackets, addresses,
#: punctuation runs, quotes, dates, money, Unicode capitals that are not letters.
_PIECES = st.sampled_from(
    [
        "QZX",
        "(",
        ")",
        "[",
        "]",
        "a@b",
        "http://x",
        "!!!",
        "...",
        "?",
        "\u2026",
        "'",
        '"',
        "\u2019",
        "\n",
        "\n\n",
        "  ",
        "\t",
        "we",
        "decided",
        "price",
        "$",
        "100",
        "on",
        "May",
        "3rd",
        "2026-03-01",
        "you",
        "failed",
        "to",
        "sorry",
        "Hi",
        "Dana",
        "Best",
        "Sam",
        "\u2160\u2161",
        "\u00c9T\u00c9",
        "\u0130",
        "\ufb03",
        "\u202e",
        "\x00",
        "e.g.",
        "SLA",
        "(SLA)",
        "Service Level Agreement",
        "not",
        "but",
        "-",
        "/",
        "&",
        "#",
    ]
)
_TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_PIECES, st.text(string.printable, max_size=5)), max_size=60).map(" ".join),
)


def _assert_sound(text, report):
    assert report.failures == (), report.failures
    for finding in report.findings:
        if finding.span is not None:
            assert 0 <= finding.span.start <= finding.span.end <= len(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_no_check_fails_on_any_text(text):
    _assert_sound(text, check(text))


@settings(
    max_examples=max(10, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_TEXTS, _TEXTS)
def test_no_check_fails_on_any_reply_to_any_message(inbound, reply):
    account = make_account(interactions=[message("m1", inbound or "x")])
    _assert_sound(reply, check(reply, account=account, reply_to="m1"))


@pytest.mark.parametrize(
    "text",
    [
        "QZX (\u2160\u2161) here.",
        "See QZX at a@b " + "x" * 5_000,
        "!" * 5_000 + "a",
        "(" * 5_000,
        "\u2160" * 2_000,
    ],
)
def test_known_hostile_messages_are_checked_without_failure(text):
    _assert_sound(text, check(text))
