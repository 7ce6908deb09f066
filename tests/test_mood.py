"""How a customer's message reads to a support team (``perception.text.customer_mood``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception.text import customer_mood, language, message


@pytest.mark.parametrize(
    "text",
    [
        "I have been waiting for two weeks and still no reply.",
        "You charged my card twice for March.",
        "The site is down again. This is the third time this week.",
        "Great, another outage. Just what we needed this week.",
        "Thanks for nothing.",
        "My flight was cancelled and I'm stuck in Denver.",
        "I've been on hold for hours and nobody can help.",
    ],
)
def test_complaints_read_as_unhappy_with_their_words(text):
    mood = customer_mood(text)
    assert mood.unhappy
    assert mood.complaint
    assert mood.words()
    for cue in mood.cues:
        assert text[cue.span.start : cue.span.end] == cue.text


@pytest.mark.parametrize(
    "text",
    [
        "No problem at all, and no complaints from the team. Thanks!",
        "Not bad at all, the new dashboard is great.",
        "Thanks for fixing the outage so quickly!",
    ],
)
def test_negated_problems_and_repairs_are_not_complaints(text):
    assert customer_mood(text).label == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "No, that is all, thank you.",
        "Could you please help me reset my password?",
        "When does the Denver flight board?",
    ],
)
def test_polite_closings_and_neutral_requests_are_no_complaint(text):
    mood = customer_mood(text)
    assert not mood.unhappy
    assert mood.score < 0.5


def test_sarcasm_names_its_marker():
    mood = customer_mood("Great, another outage. Just what we needed this week.")
    kinds = {c.kind for c in mood.cues}
    assert "sarcasm" in kinds
    assert "failure" in kinds


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Die Rechnung ist falsch und niemand antwortet. Ich bin sehr verärgert.", "de"),
        ("Bonjour, l'application plante toujours au démarrage et personne ne répond.", "fr"),
        ("La factura está mal y nadie responde a mis correos desde hace una semana.", "es"),
    ],
)
def test_a_message_in_another_language_is_unsupported_not_neutral(text, code):
    mood = customer_mood(text)
    assert mood.label == "unsupported"
    assert not mood.supported
    assert mood.language.code == code
    assert not mood.unhappy


def test_another_script_is_unsupported():
    assert not language("Посылка не пришла, и никто не отвечает на письма.").supported
    assert not language("荷物が届かず、誰も返事をくれません。").supported


@pytest.mark.parametrize(
    "text",
    ["Thanks!", "A great film by a great director.", "No additional ear gels provided."],
)
def test_short_or_english_text_is_english(text):
    assert language(text).code == "en"


def test_only_the_customers_own_text_is_read():
    text = (
        "All good now, thanks!\n\n"
        "On Tue, 3 Mar 2026, Sam <sam@acme.example> wrote:\n"
        "> We are sorry the export failed again and the outage is still ongoing.\n"
    )
    mood = customer_mood(text)
    assert mood.label == "positive"
    assert all(c.span.end <= text.index("On Tue") for c in mood.cues)


def test_the_shared_message_caches_the_mood():
    shared = message("Still waiting for a reply.")
    assert shared.customer_mood is shared.customer_mood


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_mood_with_cues_inside_it(text):
    mood = customer_mood(text)
    assert mood.label in {"negative", "neutral", "positive", "unsupported"}
    assert -1.0 <= mood.score <= 1.0
    for cue in mood.cues:
        assert 0 <= cue.span.start <= cue.span.end <= len(text)
