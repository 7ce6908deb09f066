"""Tests of ``perception.builtin.checks.negative_language`` and its rule file."""

from __future__ import annotations

import pytest

from perception import check
from perception.builtin._match import existence_rules
from perception.builtin.checks.negative_language import RULES_FILE
from perception.config import Config
from perception.outcome import Severity
from perception.text import Message

from ._helpers import only, refused, spans

RULES = existence_rules(RULES_FILE)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rule_finds_its_example_with_its_message_and_suggestion(rule):
    matches = list(rule.finditer(Message(rule.example)))
    assert matches, f"{rule.id} does not match its own example"
    findings = only(check(rule.example), "negative-language")
    (found,) = [f for f in findings if f.message.endswith(rule.message)]
    assert found.severity is rule.severity
    assert found.suggestion == rule.suggestion
    assert rule.triggers & Message(rule.example).vocabulary


def test_rule_ids_are_unique_and_every_rule_has_a_suggestion():
    assert len({r.id for r in RULES}) == len(RULES)
    assert all(r.suggestion and r.message for r in RULES)


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
    by_text = {text[f.span.start : f.span.end]: f for f in findings}
    assert phrase in by_text
    assert by_text[phrase].severity is severity
    assert by_text[phrase].suggestion


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


def test_condescending_words_can_be_switched_off():
    config = Config(options={"negative-language": {"condescending": False}})
    assert not only(check("Obviously it works.", config=config), "negative-language")


def test_patterns_work_when_lower_casing_changes_the_length():
    text = "\u0130stanbul office: You FAILED to attach the logs."
    assert spans(text, only(check(text), "negative-language")) == ["You FAILED to"]


def test_sentence_threshold_is_range_checked():
    assert "sentence_threshold" in refused("negative-language", {"sentence_threshold": -3})


def test_findings_name_the_words_that_drove_them():
    text = "You failed to send the logs. This is a terrible, awful failure."
    terms = [f.terms for f in check(text).findings if f.check == "negative-language"]
    assert ("you failed to",) in [tuple(t.lower() for t in ts) for ts in terms]
    assert any("terrible" in ts and "awful" in ts for ts in terms)
