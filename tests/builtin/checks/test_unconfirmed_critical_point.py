"""Tests of ``perception.builtin.checks.unconfirmed_critical_point`` and its rule file."""

from __future__ import annotations

import pytest

from perception import check
from perception.builtin._match import token_rules
from perception.builtin.checks.unconfirmed_critical_point import KINDS, RULES_FILE
from perception.config import Config
from perception.outcome import Severity
from perception.text import Message

from ._helpers import only, refused

RULES = token_rules(RULES_FILE)


@pytest.mark.parametrize(
    "rule", RULES.rules, ids=[f"{n}-{r.kind}" for n, r in enumerate(RULES.rules, 1)]
)
def test_each_rule_recognises_its_example(rule):
    message = Message(rule.example)
    tokens = message.tokens
    ends = [rule.end(tokens, i) for i, token in enumerate(tokens) if token in rule.anchor]
    assert any(end is not None for end in ends), f"no {rule.kind} rule holds in {rule.example!r}"
    findings = only(check(rule.example), "unconfirmed-critical-point")
    assert len(findings) == 1
    assert rule.kind in findings[0].message


def test_every_rule_is_of_a_known_kind():
    assert {rule.kind for rule in RULES.rules} == set(KINDS)


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
    "text",
    [
        "May I ask how the rollout went?",  # "may" is a month only beside a day
        "We will see how it goes.",  # no decision verb
        "The cost was fine last year.",  # a price word with no change
        "Have a nice weekend.",
    ],
)
def test_ordinary_sentences_state_no_critical_point(text):
    assert not only(check(text), "unconfirmed-critical-point")


@pytest.mark.parametrize(
    "ask",
    [
        "Could you confirm this works for you?",
        "Please confirm by Tuesday.",
        "Does that work?",
        "Shall I book it?",
        "Should we go ahead?",
        "Does that work for you?",
        "Does Thursday suit your team?",
        "Let me know if that is OK.",
        "Let me know if that works.",
        "Is that OK with you?",
        "Would you like us to proceed?",
        "Are you happy with that date?",
        "Sound good?",
        "Any objections?",
    ],
)
def test_critical_points_with_a_confirmation_request_are_not_flagged(ask):
    text = f"We will move the go-live to 14 March. {ask}"
    assert not only(check(text), "unconfirmed-critical-point")


def test_critical_point_kinds_option():
    config = Config(options={"unconfirmed-critical-point": {"kinds": ["price"]}})
    assert not only(check("The fix ships on Friday.", config=config), "unconfirmed-critical-point")


def test_unknown_kind_is_refused_when_the_configuration_is_validated():
    message = refused("unconfirmed-critical-point", {"kinds": ["bogus"]})
    assert "options.unconfirmed-critical-point.kinds" in message
    assert "bogus" in message


@pytest.mark.parametrize(
    "question",
    ["Can you send us the logs?", "How many users do you have?", "What time zone are you in?"],
)
def test_a_question_that_asks_for_something_else_is_no_confirmation(question):
    text = f"We will move the go-live to 14 March. {question}"
    assert len(only(check(text), "unconfirmed-critical-point")) == 1


def test_the_finding_names_the_statements():
    text = "The price will increase to $400 per month."
    (finding,) = only(check(text), "unconfirmed-critical-point")
    assert finding.terms
    assert all(term in text for term in finding.terms)
