"""Tests of ``perception.builtin.checks.acknowledgement``."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception import check
from perception.builtin.checks.acknowledgement import _acknowledges, acknowledgement
from perception.config import Config
from perception.model import Account, Customer, Direction, Interaction
from perception.outcome import Severity
from perception.text import Message

from ._helpers import ACCOUNT, AT, only, refused


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


def test_acknowledgement_late_in_the_reply_does_not_count():
    text = "The export runs again. We deployed a patch. It is monitored. Sorry."
    config = Config(options={"acknowledgement": {"within_sentences": 3}})
    assert only(check(text, account=ACCOUNT, reply_to="in-1", config=config), "acknowledgement")
    config = Config(options={"acknowledgement": {"within_sentences": 4}})
    assert not only(check(text, account=ACCOUNT, reply_to="in-1", config=config), "acknowledgement")


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


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"threshold": float("nan")}, "threshold"),
        ({"threshold": 2}, "threshold"),
        ({"error_threshold": -1.5}, "error_threshold"),
        ({"within_sentences": 0}, "within_sentences"),
    ],
)
def test_options_out_of_range_are_refused(options, key):
    assert f"options.acknowledgement.{key}" in refused("acknowledgement", options)


def _inbound(text):
    interaction = Interaction(id="in", at=AT, direction=Direction.INBOUND, author="dana", text=text)
    return Account(customer=Customer(id="c", name="C"), interactions=[interaction])


_UNHAPPY = "The export failed again and nobody replied to my ticket. I am really frustrated."


def _ack(reply, inbound=_UNHAPPY):
    report = check(reply, account=_inbound(inbound), reply_to="in")
    return report, [f for f in report.findings if f.check == "acknowledgement"]


@pytest.mark.parametrize(
    "reply",
    [
        "Hi Dana,\n\nI know how frustrating this is. The export runs again.",
        "I have been there myself. The export runs again.",
        "I'm sorry nobody answered. The export runs again.",
        "You're right, we should have replied. The export runs again.",
        "The export failed because of a timeout and your ticket was not routed.",
        "Oh no, that really sucks. The export runs again.",
    ],
    ids=["know-how-frustrating", "been-there", "apology", "validation", "restatement", "reaction"],
)
def test_acknowledging_replies_pass(reply):
    report, found = _ack(reply)
    assert found == []
    assert "acknowledgement" not in report.not_applicable


def test_sorry_for_my_grammar_is_no_acknowledgement():
    _report, found = _ack("Sorry for my grammar. Ticket closed.")
    assert len(found) == 1
    assert found[0].terms  # the customer's words that show they are unhappy


def test_not_applicable_when_the_customer_is_not_unhappy():
    for calm in ["No, that is all, thank you.", "No problem at all, and no complaints. Thanks!"]:
        report, found = _ack("Ticket closed.", inbound=calm)
        assert found == []
        assert report.not_applicable == ("acknowledgement",)


def test_an_inbound_message_in_another_language_is_reported_not_scored():
    german = "Der Export ist wieder fehlgeschlagen und niemand hat auf mein Ticket geantwortet."
    _report, found = _ack("Ticket closed.", inbound=german)
    assert len(found) == 1
    assert found[0].severity is Severity.INFO
    assert "German" in found[0].message


def test_sarcasm_about_a_failure_needs_an_acknowledgement():
    _report, found = _ack("Ticket closed.", inbound="Great, another outage. Just what we needed.")
    assert len(found) == 1


# ------------------------------------------------------------- the evidence, form by form


def _kinds(text, inbound=""):
    return {kind for kind, _words in acknowledgement(Message(text), inbound).cues}


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("I know how frustrating this is.", "validation"),
        ("That sounds really hard.", "validation"),
        ("That must have been awful for you.", "validation"),
        ("I can imagine how stressful last week was.", "validation"),
        ("I can tell this has been exhausting.", "validation"),
        ("I'd be frustrated too.", "validation"),
        ("Waiting that long with no reply would frustrate anyone.", "validation"),
        ("Two weeks without an answer is not okay.", "validation"),
        ("You have every reason to be upset.", "validation"),
        ("This is not the news you were hoping for.", "validation"),
        ("What a frustrating wait.", "validation"),
        ("Losing access to your account is stressful.", "reassurance"),
        ("Your frustration is completely understandable.", "validation"),
        ("Waiting a week for an answer can be so discouraging.", "validation"),
        ("It sounds like you are exhausted.", "reflection"),
        ("You must be so frustrated.", "reflection"),
        ("You're clearly upset about the invoice.", "reflection"),
        ("You did the right thing by telling us.", "reassurance"),
        ("It's completely understandable to feel that way.", "reassurance"),
        ("You are not alone in this.", "reassurance"),
        ("It's not your fault.", "reassurance"),
        ("Many people go through the same thing.", "reassurance"),
        ("Oh no, that sucks.", "reaction"),
        ("I hope you feel better soon.", "reaction"),
        ("I feel you, it is a lot to deal with.", "reaction"),
        ("Thats so unfair.", "validation"),  # the apostrophe left out, as people type in chat
        ("So you were charged twice?", "restatement"),
        ("Oh I see, so your invoice is wrong.", "restatement"),
        ("The invoice shows the wrong plan, is that right?", "restatement"),
        ("I hear you saying the export matters most.", "restatement"),
        # a statement asked back checks a restatement ("it sounds like ...?")
        ("It sounds like you were charged twice?", "restatement"),
        ("You are totally stressed out?", "restatement"),
        ("Am I understanding you correctly?", "restatement"),
        ("That does sound hard.", "validation"),  # "does" stresses, it does not ask
        ("I can imagine.", "validation"),
        ("I know the feeling.", "validation"),
        ("Totally understand your worries.", "validation"),
        ("I can hear the frustration in your message.", "validation"),
        ("Your concerns are grounded.", "validation"),
        ("That is nerve-wracking.", "validation"),
        ("You must feel as though nobody is listening.", "reflection"),
        ("Nobody should have to deal with what you're going through.", "reflection"),
        ("It's good that you reached out to us.", "reassurance"),
        ("I'm sure you will find a way through this.", "reassurance"),
        ("It's completely normal to feel that way.", "reassurance"),
        ("Things will only get better from here.", "reassurance"),
        ("Don't be so hard on yourself.", "reassurance"),
        ("You're on the right track.", "reassurance"),
        ("It takes courage to say that.", "reassurance"),
        ("You are a very strong person.", "reassurance"),
        ("You will do great.", "reassurance"),
        ("That's a bummer.", "reaction"),
    ],
)
def test_each_form_of_acknowledgement_is_evidence(reply, kind):
    found = acknowledgement(Message(reply))
    assert found.acknowledges
    assert kind in {k for k, _words in found.cues}


@pytest.mark.parametrize(
    "reply",
    [
        "How do you feel about the new plan?",  # a question about feelings
        "Do you feel the export is faster now?",
        "Is it hard to find the setting?",
        "If it is hard to find the setting, click Help.",  # a condition
        "This guide will make you feel at home in the tool.",
        "Tell me how you feel about the new plan.",  # asks, in the form of a request
        "I hope this helps.",
        "It is hard to say when the fix ships.",  # a hedge about the answer
        "It is not hard to set up.",  # negated
        "You are good to go.",
        "It is not right now, but it will be by Friday.",
        "You must be logged in to export.",
        "I can tell you that the fix ships on Friday.",
        "We changed the report so you can see every region.",  # "so you" inside a clause
        "Thanks for sharing the logs.",
        "Sorry, could you repeat the order number?",  # sorry for asking
        "In what area do you mean?",  # asks what they mean, restates nothing
        "Sorry for my grammar.",
        "Don't you feel the export is faster now?",  # a question, not an imperative
        "Are you feeling overwhelmed by the new plan?",
        "I used to have a hard time with spreadsheets too.",  # the writer's own hard time
        "My exams were stressful.",
        "It is good for your health to take breaks.",  # not "good for you"
        "I believe Youtube has a guide.",  # not "I believe you"
        "Sales are heading in the right direction.",  # not "you are on the right track"
        "I hope that you feel at home in the new tool.",  # a hope, not a reflection
        "I'm sure about the date: it ships on Friday.",  # sure of a fact, not reassurance
        "To assure you are billed once, check the plan.",
        # a fact asserted to a customer who is upset dismisses rather than acknowledges
        "I am sure the invoice is correct.",
        "I'm sure it's fine.",
        "That is normal, the export runs every night.",
        "I can assure you our system is working correctly.",
        # the writer's view, not the customer's words
        "Correct me if I'm wrong, but this is expected behaviour.",
        "My understanding is that this works as designed.",
        "From what I can see, everything works on our side.",
        "Does that sound right? We will refund you next week.",
        "Please make sure you fully understand the pricing before upgrading.",
        "We could imagine adding this in a future release.",
        "I can see from your account that the payment went through.",
        "You are a good fit for the Pro plan.",
        "You are the special case where the discount does not apply.",
        "I promise it will be shipped on Monday.",
        "This is actually common with old versions. Please update.",
        "You will do well to read the manual first.",
        "You must be busy, so we closed the ticket.",
        # "is that right" and "good for you" inside other sentences
        "The issue is that right now we do not support CSV.",
        "Let me know which time is good for you.",
        "What are you going through?",
        # questions opened by which or who ask; they restate nothing
        "Which step is confusing?",
        "Who told you that it is hard to configure?",
        # a diagnosis, not a reflection of how the customer feels
        "It sounds like a bug in the export.",
        "It looks like a caching problem on our side.",
        "That sounds like a known issue.",
    ],
)
def test_questions_conditions_and_lookalikes_are_no_evidence(reply):
    assert acknowledgement(Message(reply)).cues == ()
    assert not acknowledgement(Message(reply)).acknowledges


def test_a_question_after_an_acknowledgement_keeps_it():
    assert _kinds("I know it's hard, but have you tried the new export?") == {"validation"}
    assert _kinds("I'm sorry to hear that. How long has it been failing?") == {"apology"}


def test_the_writers_own_hard_time_is_told_from_the_customers():
    for knowing in ("realise", "recognise", "appreciate", "admit"):
        assert _kinds(f"I {knowing} this has been really difficult.") == {"validation"}
    assert _kinds("I'm aware this has been a difficult week.") == {"validation"}
    assert _kinds("I'm sure it's hard.") == {"validation"}
    assert "validation" in _kinds("I know it has been hard.")
    assert "validation" in _kinds("I think it is hard.")
    assert _kinds("I have had a hard time with it.") == set()
    assert _kinds("My team and you had a hard time with it.") == {"validation"}


def test_a_restatement_asked_as_a_statement_counts_and_a_question_does_not():
    inbound = "I was charged twice for the same order and nobody answers."
    assert acknowledgement(Message("You were charged twice for one order?"), inbound).acknowledges
    asked = acknowledgement(Message("Were you charged twice for one order?"), inbound)
    assert not asked.acknowledges


def test_words_repeated_only_in_sentences_that_speak_to_the_customer():
    inbound = "The nightly export failed again."
    assert acknowledgement(Message("Your nightly export failed again."), inbound).acknowledges
    assert not acknowledgement(
        Message("Nightly exports failed again across the region."), inbound
    ).acknowledges


def test_a_reply_that_only_asks_is_flagged_and_one_that_restates_is_not():
    _report, found = _ack("How do you feel about the export?")
    assert len(found) == 1
    _report, found = _ack("So your export failed again and nobody replied? We fixed it today.")
    assert found == []


_PHRASES = st.sampled_from(
    [
        "so you",
        "that must be",
        "hard",
        "you feel",
        "how do you",
        "?",
        ", ",
        ". ",
        "sorry",
        "for my grammar",
        "it's not",
        "your fault",
        "I can tell",
        "you",
        "thats",
        "\u2019",
        "\n",
        " ",
    ]
)


@given(
    st.lists(st.one_of(_PHRASES, st.text(max_size=8)), max_size=30).map("".join),
    st.text(max_size=60),
    st.integers(min_value=-1, max_value=300),
)
def test_the_evidence_of_any_text_is_total_and_the_check_agrees_with_it(text, inbound, end):
    message = Message(text)
    found = acknowledgement(message, inbound, end=end)
    assert found.score in (0.0, 0.25, 0.5, 1.0)
    assert found.acknowledges == _acknowledges(message, inbound, len(text) if end < 0 else end)
    stop = len(text) if end < 0 else end
    for kind, words in found.cues:
        if kind != "restatement" or words.lower() in text.lower():
            assert words.lower() in text[:stop].lower()


def test_what_the_customer_is_going_through_tells_at_the_start_of_a_clause():
    assert "reflection" in _kinds("What you are going through sounds exhausting.")
    assert "reflection" in _kinds("What you're feeling is valid.")
    assert _kinds("Good for you!") == {"reassurance"}
