"""Tests of ``perception.builtin.checks.readability``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from perception import check
from perception.builtin.checks.readability import (
    _SYLLABLES,
    ReadabilityCheck,
    _most_words,
    flesch_reading_ease,
    syllables,
)
from perception.config import Config
from perception.text import Message

from ._helpers import only, refused


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
    config = Config(options={"readability": {"plain_words": True}})
    findings = only(check("We will commence shortly.", config=config), "readability")
    assert any("simpler alternative" in f.message for f in findings)


def test_syllables_and_flesch():
    assert syllables("cat") == 1
    assert syllables("table") == 2
    assert syllables("organisation") >= 4
    assert flesch_reading_ease(0, 0, 0) == 100.0
    assert flesch_reading_ease(10, 1, 10) > flesch_reading_ease(30, 1, 60)


@given(st.text(alphabet="aeiouybcdrstl", min_size=1, max_size=60))
def test_syllables_of_any_word_is_at_least_one_and_long_words_are_not_cached(word):
    before = len(_SYLLABLES)
    assert syllables(word) >= 1
    if len(word) > 40:
        assert len(_SYLLABLES) == before


def test_options_are_range_checked():
    assert "max_sentence_words" in refused("readability", {"max_sentence_words": 0})
    assert "min_reading_ease" in refused("readability", {"min_reading_ease": float("inf")})


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1-' .\n\u00e9\u2019_", max_size=80))
def test_a_text_holds_at_most_half_its_length_in_words(text):
    # what lets the check skip texts too short to hold a long sentence or to be scored
    checker = ReadabilityCheck()
    _, (words, _, _) = checker._measure(Message(text), 1000)
    assert words <= (len(text) + 1) // 2


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab1-'. .?!,\n\u00e9\u2019\u00b2_()\"\u0416&", max_size=80))
def test_a_text_holds_at_most_as_many_words_as_tokens_and_periods(text):
    # the tighter bound the check skips short texts by (_most_words)
    checker = ReadabilityCheck()
    message = Message(text)
    _, (words, _, _) = checker._measure(message, 1000)
    assert words <= _most_words(message) <= (len(text) + 1) // 2
    # in chunks (which may cut a word), the bound is the one by length, as before
    assert _most_words(Message("aaaa bb.", chunk_chars=3)) == 4


def test_short_messages_are_skipped_only_when_no_finding_is_possible():
    short = "a b c d e f"  # 6 words in 11 characters
    tight = Config(options={"readability": {"max_sentence_words": 5}})
    assert [f.check for f in check(short, config=tight).findings] == ["readability"]
    scored = Config(options={"readability": {"min_words": 0, "min_reading_ease": 150}})
    assert [f.check for f in check("a b", config=scored).findings] == ["readability"]
    assert not check(short).findings  # the defaults: 30 words a sentence, 40 to score
