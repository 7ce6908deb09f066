"""check() and check_many(): silencing markers, disabled checks, order, any text, any size."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builtin.checks._helpers import ACCOUNT, names, only, revalidated
from perception.batch import check_many
from perception.config import Config
from perception.engine import check

# --------------------------------------------------------------------- engine behaviour


def test_inline_marker_silences_one_check():
    text = "You failed to attach the logs. <!-- perception: ignore[negative-language] -->"
    report = check(text)
    assert "negative-language" not in names(report)
    assert report.silenced == ("negative-language",)


def test_bare_inline_marker_silences_every_check():
    report = check("You failed to send the SLA. perception: ignore")
    assert report.findings == ()
    assert "negative-language" in report.silenced
    assert "undefined-term" in report.silenced


def test_disabled_check_does_not_run():
    config = Config(disable=["negative-language"])
    assert "negative-language" not in names(check("You failed to reply.", config=config))


def test_unknown_reply_to_is_an_error():
    with pytest.raises(ValueError, match="no interaction"):
        check("Hi", account=ACCOUNT, reply_to="nope")


def test_findings_are_ordered_by_position():
    report = check("Obviously you failed to read the SLA. The price will increase to $9.")
    assert revalidated(report)
    starts = [f.span.start for f in report.findings if f.span is not None]
    assert starts == sorted(starts)


def test_check_many_matches_check_in_one_and_two_processes():
    texts = [
        "You failed to send the SLA.",
        "Hi Dana, all good. Best, Sam",
        "",
        "We will stop on Friday.",
    ]
    expected = [check(t, recipient="Dana Lee") for t in texts]
    assert list(check_many(texts, recipient="Dana Lee")) == expected
    assert list(check_many(texts, workers=2, chunksize=1, recipient="Dana Lee")) == expected
    with pytest.raises(ValueError, match="workers"):
        list(check_many(texts, workers=0))


ODD_TEXT = st.one_of(
    st.text(max_size=500),
    st.lists(
        st.sampled_from(
            [
                "SLA",
                "(",
                ")",
                "You failed to",
                "\u202eRTL\u202c",
                "\u05e9\u05dc\u05d5\u05dd",
                "<script>alert(1)</script>",
                "\x00",
                "\x1b[31m",
                "\U0001f600",
                "\n\n",
                "!!!",
                "?",
                "e.g.",
                "Mr.",
                "$",
                "14 March",
                "perception: ignore[",
                "\u2019",
                "\ufeff",
                "\u0130",
                "You FAILED to",
                "We will",
                "confirm",
                "sorry",
                " ",
                "A.B.C.",
                "...",
            ]
        ),
        max_size=60,
    ).map("".join),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ODD_TEXT)
def test_any_text_gives_a_report_with_spans_inside_it(text):
    report = check(text, account=ACCOUNT, reply_to="in-1", recipient="Dana Lee")
    assert report.failures == ()
    assert report.length == len(text)
    assert revalidated(report)
    for finding in report.findings:
        if finding.span is not None:
            assert 0 <= finding.span.start <= finding.span.end <= len(text)
    for sentence in report.sentences:
        assert 0 <= sentence.span.start <= sentence.span.end <= len(text)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "SLA " * 250_000,
        ("You failed to read the KPI. " * 8_000),
        "(" * 500_000 + ")" * 500_000,
        "\U0001f600" * 300_000,
        ("<p>Hi Dana</p>\n\n" * 70_000),
        "!" * 1_000_000 + "a",
        "See QZX at a@b " + "x" * 1_000_000,
        "QZX (\u2160\u2161) here. " * 40_000,
        "A&" * 500_000,
    ],
    ids=[
        "one-word",
        "acronyms",
        "sentences",
        "brackets",
        "emoji",
        "html",
        "bangs",
        "long-token-after-address",
        "roman",
        "ampersands",
    ],
)
def test_megabyte_inputs_are_checked(text):
    report = check(text, recipient="Dana Lee")
    assert report.length == len(text)
    assert report.failures == ()
    assert revalidated(report)
    assert all(f.span is None or f.span.end <= len(text) for f in report.findings)


def test_check_many_keeps_order_across_processes():
    texts = [f"Message {i}: you failed to send the SLA by Friday." * (i % 3 + 1) for i in range(60)]
    expected = [check(t) for t in texts]
    assert list(check_many(iter(texts), workers=3, chunksize=4)) == expected


def test_check_many_looks_up_reply_to_once():
    with pytest.raises(ValueError, match="no interaction"):
        next(check_many(["Hi"], account=ACCOUNT, reply_to="nope"))
    reports = list(check_many(["The export runs again."], account=ACCOUNT, reply_to="in-1"))
    assert only(reports[0], "acknowledgement")
