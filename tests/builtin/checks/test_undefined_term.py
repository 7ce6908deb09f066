"""Tests of ``perception.builtin.checks.undefined_term``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception import check
from perception.builtin.checks.undefined_term import _addresses, acronym_core
from perception.config import Config
from perception.model import Account, Direction, Interaction
from perception.outcome import Severity

from ._helpers import ACCOUNT, AT, CUSTOMER, only, refused, spans


def test_undefined_acronym_is_flagged_at_first_use_with_expansion():
    text = "The SLA was breached. The SLA is now being reviewed."
    findings = only(check(text), "undefined-term")
    assert len(findings) == 1
    assert findings[0].severity is Severity.WARNING
    assert spans(text, findings) == ["SLA"]
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


def test_widely_known_acronyms_are_flagged_on_request():
    config = Config(options={"undefined-term": {"flag_widely_known": True}})
    assert spans("The CEO joins.", only(check("The CEO joins.", config=config), "undefined-term"))


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


def test_acronyms_and_jargon_can_be_switched_off():
    text = "Let's touch base about the SLA."
    config = Config(options={"undefined-term": {"acronyms": False, "jargon": False}})
    assert not only(check(text, config=config), "undefined-term")


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
    assert spans(text, only(check(text), "undefined-term")) == flagged


@pytest.mark.parametrize(
    "text",
    [
        "QZX (\u2160\u2161) here.",  # capitals that are not letters, in brackets
        "\u2160\u2161 QZX",
        "(\u2160\u2161\u2162s) QZX",
    ],
)
def test_capitals_that_are_not_letters_do_not_crash_the_check(text):
    report = check(text)
    assert report.failures == ()
    assert spans(text, only(report, "undefined-term")) == ["QZX"]


@pytest.mark.parametrize(
    "text",
    [
        "Write to QZX@example.com today.",
        "See https://QZX.example.com/ABC today.",
        "See ftp://host/QZX and svn+ssh://QZX.",
    ],
)
def test_acronyms_inside_addresses_are_not_flagged(text):
    assert not only(check(text), "undefined-term")


def test_an_address_hides_only_its_own_token():
    text = "See QZX at a@b " + "x" * 5_000
    assert spans(text, only(check(text), "undefined-term")) == ["QZX"]
    assert _addresses("mail a@b.co now, not a@b or @x.y") == [(5, 11)]


@given(st.text(alphabet="ab@.:/x \n", max_size=200))
def test_addresses_are_whole_tokens_with_a_scheme_or_an_at_sign(text):
    for start, end in _addresses(text):
        token = text[start:end]
        assert token.strip() == token
        assert "://" in token or "@" in token


@given(st.text(max_size=20))
def test_acronym_core_never_fails_and_returns_part_of_the_token(token):
    core = acronym_core(token)
    assert core is None or token.startswith(core)


@pytest.mark.parametrize(
    ("token", "core"),
    [("SLA", "SLA"), ("SLAs", "SLA"), ("SaaS", "SaaS"), ("Ok", None), ("IV", None), ("ⅠⅡ", None)],
)
def test_acronym_core(token, core):
    assert acronym_core(token) == core


def test_options_are_typed():
    assert "options.undefined-term.acronyms" in refused("undefined-term", {"acronyms": "yes"})
    assert "known_terms" in refused("undefined-term", {"known_terms": "SLA"})


def _terms(text, **kwargs):
    return [(f.severity.value, f.terms) for f in only(check(text, **kwargs), "undefined-term")]


@pytest.mark.parametrize("term", ["ML", "MD", "LCD", "DC", "CV", "MIX"])
def test_letters_of_roman_numerals_are_acronyms_where_they_are_not_numerals(term):
    assert _terms(f"The {term} team reviewed the {term} results.") == [("warning", (term,))]


@pytest.mark.parametrize(
    "text", ["Phase II starts on Monday.", "Super Bowl LX is on.", "Louis XIV", "Part XL"]
)
def test_roman_numerals_are_not_acronyms(text):
    assert _terms(text) == []


def test_vader_slang_and_mixed_case_are_not_emphasis():
    assert _terms("We report the IoU of each box.") == [("warning", ("IoU",))]
    assert _terms("The DOA unit was replaced.") == [("warning", ("DOA",))]
    assert _terms("Please reply NOW, this is TERRIBLE and BAD.") == []


def test_currency_codes_are_at_most_informational():
    assert _terms("The fee is EUR 120, or 130 CHF.") == []
    assert _terms("We bill in SEK.") == [("info", ("SEK",))]


def test_codes_with_digits_and_camel_case_names_are_at_most_informational():
    assert _terms("Ticket TR1234 and order INC0012345 are closed.") == []
    assert _terms("We offer B2B plans.") == [("info", ("B2B",))]
    assert _terms("It runs on OpenCL and InfluxDB.") == [
        ("info", ("OpenCL",)),
        ("info", ("InfluxDB",)),
    ]


def test_a_term_the_customer_used_in_the_thread_is_known():
    draft = "Hi Dana,\n\nThe ETL job runs again.\n\n"
    quoted = "On Tue, 3 Mar 2026, Dana <dana@x.example> wrote:\n> Our ETL job failed.\n"
    assert _terms(draft) == [("warning", ("ETL",))]
    assert _terms(draft + quoted) == []


def test_a_term_from_the_account_inbound_messages_is_known():
    inbound = Interaction(
        id="in-9", at=AT, direction=Direction.INBOUND, author="dana", text="Is the MFA fix out?"
    )
    account = Account(customer=CUSTOMER, interactions=[inbound])
    assert _terms("The MFA fix ships today.", account=account) == []
    assert _terms("The MFA fix ships today.") == [("warning", ("MFA",))]
