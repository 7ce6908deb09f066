"""Tests of the built-in checks and of check() / check_many() in the engine."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perception.batch import check_many
from perception.builtin.checks import (
    BUILTIN_CHECKS,
    flesch_reading_ease,
    syllables,
)
from perception.config import Config
from perception.engine import check
from perception.model import Account, Customer, Direction, Interaction, Stakeholder
from perception.outcome import Finding, Sentiment, Severity, Span

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ANGRY = Interaction(
    id="in-1",
    at=AT,
    direction=Direction.INBOUND,
    author="dana",
    text="This is the third time the export has failed. We are very disappointed and angry.",
)
HAPPY = Interaction(
    id="in-2", at=AT, direction=Direction.INBOUND, author="dana", text="Thanks, it works great!"
)
CUSTOMER = Customer(
    id="acme",
    name="Acme",
    stakeholders=[Stakeholder(id="dana", name="Dana Lee")],
    glossary={"QBR": "quarterly business review"},
)
ACCOUNT = Account(customer=CUSTOMER, interactions=[ANGRY, HAPPY])


def revalidated(report):
    """Every record of *report* rebuilt through its validating constructor."""
    for f in report.findings:
        span = None if f.span is None else Span(start=f.span.start, end=f.span.end)
        rebuilt = Finding(
            check=f.check,
            severity=f.severity,
            message=f.message,
            suggestion=f.suggestion,
            span=span,
            evidence=f.evidence,
        )
        assert rebuilt == f
    for s in (report.sentiment, *(x.sentiment for x in report.sentences)):
        assert Sentiment(**attrs.asdict(s)) == s
    for x in report.sentences:
        assert Span(start=x.span.start, end=x.span.end) == x.span
    return True


def names(report, check_name=None):
    return [f.check for f in report.findings if check_name is None or f.check == check_name]


def only(report, check_name):
    return [f for f in report.findings if f.check == check_name]


def test_every_builtin_check_is_registered_with_name_description_and_defaults():
    report = check("Hello")
    assert report.failures == ()
    for factory in BUILTIN_CHECKS:
        item = factory()
        assert item.name == item.name.lower()
        assert item.description
        assert isinstance(item.defaults, dict)


# ----------------------------------------------------------------------- undefined-term


def test_undefined_acronym_is_flagged_at_first_use_with_expansion():
    text = "The SLA was breached. The SLA is now being reviewed."
    findings = only(check(text), "undefined-term")
    assert len(findings) == 1
    assert findings[0].severity is Severity.WARNING
    assert text[findings[0].span.start : findings[0].span.end] == "SLA"
    assert findings[0].span.start == 4
    assert "service level agreement (SLA)" in findings[0].suggestion


@pytest.mark.parametrize(
    "text",
    [
        "Our service level agreement (SLA) says four hours; the SLA was met.",
        "The SLA (service level agreement) says four hours.",
        "SLA stands for service level agreement.",
        "Here SLA = service level agreement.",
        "By the Uniform Limit Theorem ULT, this holds.",
        "We use Text Annotation Graphs, or TAG, for this.",
    ],
)
def test_defined_acronyms_are_not_flagged(text):
    assert not only(check(text), "undefined-term")


def test_glossary_known_terms_and_widely_known_acronyms_are_not_flagged():
    text = "Agenda for the QBR: the CEO joins, and we review the KPI."
    findings = only(check(text, account=ACCOUNT), "undefined-term")
    assert [f.span.start for f in findings] == [text.index("KPI")]
    config = Config(options={"undefined-term": {"known_terms": ["kpi"]}})
    assert not only(check(text, account=ACCOUNT, config=config), "undefined-term")


def test_plural_acronym_and_shouting():
    assert only(check("Please review the SLAs today."), "undefined-term")
    assert not only(
        check("WHY IS THE EXPORT STILL BROKEN AFTER THREE DAYS OF WAITING"), "undefined-term"
    )


def test_jargon_gets_a_plain_suggestion():
    findings = only(check("Let's touch base next week, per your request."), "undefined-term")
    assert {f.severity for f in findings} == {Severity.INFO}
    assert any("let's talk" in f.suggestion for f in findings)
    assert any("as you asked" in f.suggestion for f in findings)


# ---------------------------------------------------------------------- acknowledgement


def test_reply_to_negative_message_without_acknowledgement_is_flagged():
    text = "Hi Dana,\n\nThe export runs again. We deployed a patch.\n\nBest,\nSam"
    findings = only(check(text, account=ACCOUNT, reply_to="in-1"), "acknowledgement")
    assert len(findings) == 1
    assert findings[0].severity is Severity.ERROR  # the inbound message is very negative
    assert text[findings[0].span.start : findings[0].span.end].startswith("The export")


@pytest.mark.parametrize(
    "opening",
    [
        "I'm so sorry the export failed again.",
        "I understand how frustrating this has been.",
        "Thank you for your patience.",
        "You're right, this is not good enough.",
    ],
)
def test_acknowledging_reply_is_not_flagged(opening):
    text = f"Hi Dana,\n\n{opening} The export runs again.\n\nBest,\nSam"
    assert not only(check(text, account=ACCOUNT, reply_to="in-1"), "acknowledgement")


def test_reply_to_positive_or_no_message_is_not_flagged():
    text = "Hi Dana, the export runs again. Best, Sam"
    assert not only(check(text, account=ACCOUNT, reply_to="in-2"), "acknowledgement")
    assert not only(check(text), "acknowledgement")


def test_acknowledgement_threshold_option():
    mild = Interaction(
        id="m", at=AT, direction=Direction.INBOUND, text="The report is a bit annoying."
    )
    text = "The report is faster now."
    assert only(check(text, reply_to=mild), "acknowledgement")
    config = Config(options={"acknowledgement": {"threshold": -0.9}})
    assert not only(check(text, reply_to=mild, config=config), "acknowledgement")


# -------------------------------------------------------------------- negative-language


@pytest.mark.parametrize(
    ("text", "phrase", "severity"),
    [
        ("You failed to attach the logs.", "You failed to", Severity.WARNING),
        ("That's our policy.", "That's our policy", Severity.WARNING),
        ("Unfortunately, we can't refund it.", "Unfortunately, we can't", Severity.INFO),
        ("As I already said, it runs nightly.", "As I already said", Severity.WARNING),
        ("Please calm down.", "calm down", Severity.WARNING),
        ("There's nothing we can do.", "There's nothing we can do", Severity.WARNING),
        ("Obviously it works.", "Obviously", Severity.INFO),
    ],
)
def test_negative_phrases_are_flagged_with_a_rewording(text, phrase, severity):
    findings = only(check(text), "negative-language")
    spans = {text[f.span.start : f.span.end]: f for f in findings}
    assert phrase in spans
    assert spans[phrase].severity is severity
    assert spans[phrase].suggestion


def test_overlapping_negative_phrases_give_one_finding():
    findings = only(check("Unfortunately we can't help with that."), "negative-language")
    assert len(findings) == 1


def test_positive_message_has_no_negative_language():
    assert not only(
        check("Great news: the fix is live and your data is safe."), "negative-language"
    )


def test_strongly_negative_sentence_is_flagged_unless_it_apologises():
    assert only(check("The outage was a terrible, awful disaster."), "negative-language")
    assert not only(
        check("I'm so sorry, the outage was a terrible, awful disaster."), "negative-language"
    )


# ----------------------------------------------------------- unconfirmed-critical-point


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We will move the go-live to 14 March.", "date"),
        ("The fix ships on Friday.", "date"),
        ("The price will increase to $400 per month.", "price"),
        ("We have decided to replace the connector.", "decision"),
        ("The custom report is out of scope.", "scope"),
        ("The launch has been postponed.", "decision"),
        ("Delivery is planned for 2026-04-01.", "date"),
    ],
)
def test_critical_points_without_confirmation_are_flagged(text, kind):
    findings = only(check(text), "unconfirmed-critical-point")
    assert len(findings) == 1
    assert kind in findings[0].message
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "ask",
    ["Could you confirm this works for you?", "Please confirm by Tuesday.", "Does that work?"],
)
def test_critical_points_with_a_confirmation_request_are_not_flagged(ask):
    text = f"We will move the go-live to 14 March. {ask}"
    assert not only(check(text), "unconfirmed-critical-point")


def test_critical_point_kinds_option():
    config = Config(options={"unconfirmed-critical-point": {"kinds": ["price"]}})
    assert not only(check("The fix ships on Friday.", config=config), "unconfirmed-critical-point")


# ---------------------------------------------------------------------------- readability


def test_long_sentence_and_hard_message_are_flagged():
    long_sentence = " ".join(["word"] * 35) + "."
    findings = only(check(long_sentence), "readability")
    assert any("35 words" in f.message for f in findings)
    hard = (
        "In accordance with the aforementioned organisational considerations, the "
        "implementation of additional functionality necessitates comprehensive "
        "reconsideration. Subsequently, the administrative infrastructure will "
        "facilitate the utilization of sophisticated methodologies. Consequently, "
        "organisational representatives should anticipate substantial modifications."
    )
    config = Config(options={"readability": {"min_words": 10}})
    findings = only(check(hard, config=config), "readability")
    assert any("Flesch reading ease" in f.message for f in findings)
    assert any("->" in f.suggestion for f in findings)


def test_plain_message_is_readable():
    text = "Hi Dana. The fix is live. You can use the export again. " * 5
    assert not only(check(text), "readability")


def test_readability_options():
    config = Config(options={"readability": {"max_sentence_words": 3}})
    assert only(check("The fix is live now.", config=config), "readability")


def test_syllables_and_flesch():
    assert syllables("cat") == 1
    assert syllables("table") == 2
    assert syllables("organisation") >= 4
    assert flesch_reading_ease(0, 0, 0) == 100.0
    assert flesch_reading_ease(10, 1, 10) > flesch_reading_ease(30, 1, 60)


# ------------------------------------------------------------------------ personalization


def test_personalization_uses_the_recipient():
    findings = only(check("Hello,\nThe fix is live.", recipient="Dana Lee"), "personalization")
    assert len(findings) == 2  # no name in the greeting, no sign-off
    clean = "Hi Dana,\nThe fix is live.\nBest regards,\nSam"
    assert not only(check(clean, recipient="Dana Lee"), "personalization")
    assert not only(check("The fix is live."), "personalization")  # nobody named


def test_recipient_comes_from_the_inbound_author():
    findings = only(check("The fix is live.", account=ACCOUNT, reply_to="in-2"), "personalization")
    assert any("Dana Lee" in f.message for f in findings)


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
    ],
    ids=["one-word", "acronyms", "sentences", "brackets", "emoji", "html"],
)
def test_megabyte_inputs_are_checked(text):
    report = check(text, recipient="Dana Lee")
    assert report.length == len(text)
    assert report.failures == ()
    assert revalidated(report)
    assert all(f.span is None or f.span.end <= len(text) for f in report.findings)


def test_patterns_work_when_lower_casing_changes_the_length():
    text = "\u0130stanbul office: You FAILED to attach the logs."
    findings = only(check(text), "negative-language")
    assert [text[f.span.start : f.span.end] for f in findings] == ["You FAILED to"]


def test_check_many_keeps_order_across_processes():
    texts = [f"Message {i}: you failed to send the SLA by Friday." * (i % 3 + 1) for i in range(60)]
    expected = [check(t) for t in texts]
    assert list(check_many(iter(texts), workers=3, chunksize=4)) == expected


def test_check_many_looks_up_reply_to_once():
    with pytest.raises(ValueError, match="no interaction"):
        next(check_many(["Hi"], account=ACCOUNT, reply_to="nope"))
    reports = list(check_many(["The export runs again."], account=ACCOUNT, reply_to="in-1"))
    assert only(reports[0], "acknowledgement")


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("This is URGENT now.", []),
        ("We need this NOW. Thanks.", []),
        ("IMPORTANT: the SLA applies.", ["SLA"]),
        ("NOTE the CRM sync.", ["CRM"]),
    ],
)
def test_words_in_capitals_for_emphasis_are_not_acronyms(text, flagged):
    report = check(text)
    found = [
        text[f.span.start : f.span.end] for f in report.findings if f.check == "undefined-term"
    ]
    assert found == flagged


def test_one_sharply_negative_sentence_makes_the_inbound_message_negative():
    inbound = Interaction(
        id="in",
        at=datetime(2026, 3, 18, 7, 30, tzinfo=timezone.utc),
        direction=Direction.INBOUND,
        text="I am disappointed. My team learns about changes second hand. "
        "I expect a call with your leadership this week.",
    )
    account = Account(customer=Customer(id="c", name="C"), interactions=[inbound])
    report = check("Ticket closed.", account=account, reply_to="in")
    assert [f.check for f in report.findings if f.check == "acknowledgement"] == ["acknowledgement"]
    kind = check("Hi, I'm sorry we let you down.", account=account, reply_to="in")
    assert "acknowledgement" not in {f.check for f in kind.findings}
