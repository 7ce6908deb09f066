"""The trained mood model: its file, its features and how it reads a message."""

from __future__ import annotations

import array
import base64
import json
import math
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception import Interaction
from perception._mood import FEATURES, NEGATIVE_AT, POSITIVE_AT, customer_mood_of
from perception._mood_model import CLASSES, FORMAT, VERSION, MoodModel, load_model, ngrams, predict
from perception.engine import check
from perception.text import Message, customer_mood

#: Sets whose licences forbid shipping what is learned from them (see the data README).
NON_COMMERCIAL = ("emotional_support", "esconv", "acronym")


@given(st.text(max_size=400))
def test_ngrams_index_the_text_and_count_once(text):
    found = ngrams(text)
    names = [g for g, _, _ in found]
    assert len(names) == len(set(names))
    for gram, start, end in found:
        words = gram.split(" ")
        assert 1 <= len(words) <= 2
        written = text[start:end].lower()
        assert written.startswith(words[0])
        assert written.endswith(words[-1])


def test_ngrams_are_words_and_adjacent_pairs_in_lower_case():
    assert [g for g, _, _ in ngrams("Don't, don't STOP!")] == [
        "don't",
        "stop",
        "don't don't",
        "don't stop",
    ]


def test_ngrams_of_a_long_hostile_text_are_linear():
    text = "a'" * 50_000 + "'" * 50_000
    assert ngrams(text)[0][0].startswith("a'a")


def test_the_shipped_model_loads_and_says_what_it_was_trained_on():
    model = load_model()
    assert model.features == FEATURES
    assert len(model.grams) > 1000
    about = model.about
    trained = about["trained_on"]
    assert set(trained) == {
        "sentiment_sentences",
        "hotel_reviews",
        "vader tweets",
        "vader amazon",
        "vader movies",
        "vader nyt",
    }
    assert not any(bad in name for name in trained for bad in NON_COMMERCIAL)
    assert all(entry["licence"] for entry in trained.values())
    assert about["cross_validated"]["folds"] == 5
    assert set(about["cross_validated"]["macro_f1"]) == set(trained)
    assert about["library"].startswith("scikit-learn")


def _encoded(values):
    return base64.b64encode(array.array("f", values).tobytes()).decode("ascii")


def _document():
    return load_model().to_json()


def test_a_model_round_trips_through_its_json():
    model = load_model()
    again = MoodModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.intercept == model.intercept
    assert again.feature_weights == model.feature_weights
    assert again.grams == model.grams


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(format="something else"), "format"),
        (lambda d: d.update(version=VERSION + 1), "version"),
        (lambda d: d.update(classes=["positive", "negative"]), "classes"),
        (lambda d: d.update(intercept=[0.0, 1.0]), "intercept"),
        (lambda d: d["features"].update(whole=[math.inf, 0.0, 0.0]), "features.whole"),
        (lambda d: d["features"].update(whole=[1.0, "x", 0.0]), "features.whole"),
        (lambda d: d.update(grams=["great"]), "grams"),
        (lambda d: d.update(weights=d["weights"][:-8]), "weights"),
        (lambda d: d.update(weights="not base64!"), "weights"),
        (
            lambda d: d.update(weights=_encoded([math.nan] * 3 * len(d["grams"].split("\n")))),
            "weights",
        ),
        (lambda d: d.update(grams="great\ngreat", weights=_encoded([0.0] * 6)), "grams"),
    ],
)
def test_a_wrong_model_file_is_refused_naming_the_field(change, field):
    document = _document()
    change(document)
    with pytest.raises(ValueError, match=field.replace(".", r"\.")) as info:
        MoodModel.from_json(document, source="model.json")
    assert str(info.value).startswith("model.json: ")
    assert document["format"] == FORMAT or field == "format"


@given(st.text(max_size=300))
def test_a_prediction_is_a_distribution_and_names_words_of_the_text(text):
    model = load_model()
    message = Message(text)
    evidence = [0.0] * len(FEATURES)
    read = predict(model, evidence, message.text)
    assert read.label in CLASSES
    assert math.isclose(sum(read.probabilities), 1.0)
    assert read.probabilities[CLASSES.index(read.label)] == max(read.probabilities)
    for written, start, end, weight in read.words:
        assert text[start:end] == written
        assert weight > 0


def test_a_learned_reading_names_the_words_that_drove_it():
    mood = customer_mood("Returned it after two days, waste of money.")
    assert mood.label == "negative"
    assert mood.words()
    assert all(w in "Returned it after two days, waste of money." for w in mood.words())


def test_support_cues_keep_the_rules_reading():
    # A service failure, a polite closing, a reassurance: the rules decide.
    assert customer_mood("Still waiting for the refund, charged twice.").label == "negative"
    assert customer_mood("No, that is all, thank you.").label != "negative"
    assert customer_mood("No problem at all, and no complaints from the team. Thanks!").label == (
        "positive"
    )


def test_a_model_can_be_given_to_the_reading():
    flat = MoodModel(
        intercept=(0.0, 5.0, 0.0),
        features=FEATURES,
        feature_weights=tuple((0.0, 0.0, 0.0) for _ in FEATURES),
        grams={},
    )
    assert customer_mood_of(Message("What a wonderful, lovely day."), flat).label == "neutral"


@given(st.text(max_size=300))
def test_the_score_agrees_with_the_label(text):
    # Checks read the score against the usual cut-offs (the acknowledgement check's
    # threshold): they must read the label the reading chose.
    mood = customer_mood(text)
    if mood.label == "negative":
        assert mood.score <= NEGATIVE_AT
    elif mood.label == "positive":
        assert mood.score >= POSITIVE_AT
    elif mood.label == "neutral":
        assert NEGATIVE_AT < mood.score < POSITIVE_AT


@pytest.mark.parametrize(
    "question",
    [
        "Could you confirm the portal date?",
        "What is the new cut-over date?",
        "How do I reset my password?",
        "When will the new version be released?",
        # read by the model, its words ("stands", "the report") once made it unhappy
        "Hi, could you tell us where the report schedule stands?",
        "Hi Dana, could you tell us where the report schedule stands?",
    ],
)
def test_a_neutral_question_needs_no_acknowledgement(question):
    mood = customer_mood(question)
    assert mood.label == "neutral"
    inbound = Interaction(
        id="q", at=datetime(2026, 3, 3, tzinfo=timezone.utc), direction="inbound", text=question
    )
    report = check("Yes, the portal goes live on 10 March as planned.", reply_to=inbound)
    assert not [f for f in report.findings if f.check == "acknowledgement"]
    unhappy = Interaction(
        id="u",
        at=datetime(2026, 3, 3, tzinfo=timezone.utc),
        direction="inbound",
        text="The portal rejects our PDFs again and nobody tells us why.",
    )
    report = check("Yes, the portal goes live on 10 March as planned.", reply_to=unhappy)
    assert [f for f in report.findings if f.check == "acknowledgement"]


def test_ngrams_read_curly_apostrophes_and_any_alphabet_and_stop_at_sentence_ends():
    found = {g: (s, e) for g, s, e in ngrams("It isn\u2019t worth it. Crème brûlée!\n> Naïve")}
    assert "isn't" in found
    assert found["isn't"] == (3, 8)
    assert {"crème", "brûlée", "naïve", "crème brûlée"} <= set(found)
    assert "it crème" not in found
    assert "brûlée naïve" not in found


def test_curly_and_straight_apostrophes_read_the_same():
    straight = customer_mood("It isn't worth the money")
    curly = customer_mood("It isn\u2019t worth the money")
    assert (curly.label, curly.score) == (straight.label, straight.score)


def test_function_words_are_not_shown_as_the_customers_words():
    mood = customer_mood("The room was dirty and the staff was rude to us")
    assert mood.label == "negative"
    shown = {w.lower() for w in mood.words()}
    assert shown
    assert not shown & {"the", "was", "and", "to", "us"}


def test_a_rules_score_at_the_edge_stays_in_its_band():
    text = (
        "\x85great. \u2019ON! \x1c\n-- \n\n> MOUTH. mouth\n\ufb01x! \x85\u2026IT\u2019S\n-- \n"
        "+1! \n> \x85\u2019\u2026;! \t\n-? "
    )
    mood = customer_mood(text)
    if mood.label == "neutral":
        assert NEGATIVE_AT < mood.score < POSITIVE_AT


def test_a_model_of_other_evidence_is_refused():
    other = MoodModel(
        intercept=(0.0, 0.0, 0.0), features=("whole",), feature_weights=((0.0, 0.0, 0.0),), grams={}
    )
    with pytest.raises(ValueError, match="evidence"):
        customer_mood_of(Message("Fine."), other)


@pytest.mark.parametrize(
    ("text", "asks", "label"),
    [
        ("Could you tell us where the report schedule stands?", True, "neutral"),
        ("Hello, can you send the invoice again?", True, "neutral"),
        ("Please send the invoice again.", True, "neutral"),
        # a feeling word in it: the request is read for that, not as a plain request
        ("Could you please fix this terrible mess?", False, "negative"),
        # a failure in it is a complaint, however it is asked
        ("Could you tell me why I was charged twice?", False, "negative"),
        # a complaint asked politely is still a complaint
        (
            "Could you explain why my order still has not arrived after three weeks?",
            False,
            "negative",
        ),
        # not the polite form of a request
        ("We wonder, could you tell us?", False, "neutral"),
    ],
)
def test_a_request_in_its_polite_form_with_no_feeling_word_is_neutral(text, asks, label):
    mood = customer_mood(text)
    assert mood.label == label
    assert any(c.kind == "request" and c.valence == 0 for c in mood.cues) is asks
