"""The built-in scorers, one behaviour at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import ClassVar

import pytest

import perception
from perception import Account, Customer, Interaction, Stakeholder
from perception.builtin import scorers
from perception.config import Config
from perception.errors import ConfigError
from perception.hookspecs import hookimpl
from perception.model import Deliverable, Expectation, Feedback
from perception.outcome import Finding, Severity
from perception.plugins import Registry, get_plugin_manager

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(days: float = 0, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


CUSTOMER = Customer(
    id="acme",
    name="Acme",
    stakeholders=[
        Stakeholder(id="dana", name="Dana Whitfield", role="CIO", seniority="executive"),
        Stakeholder(id="marco", name="Marco Ruiz", role="Finance lead", seniority="manager"),
        Stakeholder(id="priya", name="Priya Natarajan", role="Clerk", seniority="user"),
    ],
)


def account(**records) -> Account:
    return Account(customer=CUSTOMER, **records)


def inbound(id_, when, text, author="priya", reply_to=None) -> Interaction:
    return Interaction(
        id=id_, at=when, direction="inbound", author=author, text=text, in_reply_to=reply_to
    )


def outbound(id_, when, text, reply_to=None) -> Interaction:
    return Interaction(
        id=id_, at=when, direction="outbound", author="Sam", text=text, in_reply_to=reply_to
    )


def signals(acc: Account, scorer: str, as_of: datetime, **kwargs):
    outcome = perception.assess(acc, as_of=as_of, strict=True, **kwargs)
    return [s for s in outcome.signals if s.scorer == scorer]


# -- registration ------------------------------------------------------------------------


def test_every_builtin_scorer_is_registered_with_description_and_defaults():
    registry = perception.get_registry()
    for cls in scorers.BUILTIN_SCORERS:
        entry = registry.scorers[cls.name]
        assert entry.description
        assert entry.defaults == cls.defaults
        assert entry.origin == "perception.builtin.scorers"
    assert set(registry.scorers) >= {
        "disconfirmation",
        "responsiveness",
        "sentiment",
        "voice",
        "communication",
        "confirmation",
        "recovery",
        "silence",
    }


def test_scorer_options_are_validated_by_the_config():
    registry = perception.get_registry()
    Config.from_mapping({"options": {"responsiveness": {"adequate_hours": 8}}}).validate(registry)
    with pytest.raises(ConfigError, match=r"options\.responsiveness\.adequat: unknown option"):
        Config.from_mapping({"options": {"responsiveness": {"adequat": 8}}}).validate(registry)
    with pytest.raises(ConfigError, match=r"options\.sentiment\.weight: must be float"):
        Config.from_mapping({"options": {"sentiment": {"weight": "high"}}}).validate(registry)


def test_every_signal_has_evidence_and_a_sentence():
    acc = account(
        expectations=[Expectation(id="e1", dimension="reliability", due=at(0), importance=0.9)],
        deliverables=[Deliverable(id="d1", expectation="e1", delivered_at=at(19))],
        interactions=[inbound("m1", at(20), "This is terrible, why is it late?")],
        feedback=[Feedback(id="f1", at=at(21), kind="complaint", author="dana")],
    )
    outcome = perception.assess(acc, as_of=at(30), strict=True)
    assert {s.scorer for s in outcome.signals} >= {"disconfirmation", "sentiment", "voice"}
    for signal in outcome.signals:
        assert signal.evidence, signal
        assert signal.explanation.endswith("."), signal.explanation


# -- disconfirmation ----------------------------------------------------------------------


def portal(delivered=None, due=T0, **expectation):
    exp = Expectation(
        id="exp-portal",
        dimension="reliability",
        description="Invoice portal",
        due=due,
        importance=0.9,
        **expectation,
    )
    items = [Deliverable(id="del-portal", expectation="exp-portal", delivered_at=delivered)]
    return account(expectations=[exp], deliverables=items)


def test_late_delivery_is_a_loss_explained_in_words():
    [signal] = signals(portal(delivered=at(19)), "disconfirmation", at(25))
    assert signal.value < -0.5
    assert "Invoice portal was promised for 1 March and delivered 19 days late" in (
        signal.explanation
    )
    assert signal.evidence == ("exp-portal", "del-portal")


def test_early_delivery_is_a_smaller_gain_than_the_same_delay_is_a_loss():
    [early] = signals(portal(delivered=at(-5)), "disconfirmation", at(25))
    [late] = signals(portal(delivered=at(5)), "disconfirmation", at(25))
    assert early.value > 0
    assert abs(late.value) > early.value
    assert "5 days before the 1 March deadline" in early.explanation


def test_missing_delivery_counts_once_due():
    assert signals(portal(delivered=None, due=at(10)), "disconfirmation", at(5)) == []
    [missing] = signals(portal(delivered=None, due=at(10)), "disconfirmation", at(20))
    assert missing.value < 0
    assert "still outstanding, 10 days late" in missing.explanation


def test_level_against_zone_of_tolerance():
    def uptime(level):
        exp = Expectation(
            id="up", dimension="reliability", description="Uptime", adequate=99.5, desired=99.9
        )
        item = Deliverable(id="d", expectation="up", delivered_at=at(0), level=level)
        return account(expectations=[exp], deliverables=[item])

    [short] = signals(uptime(99.0), "disconfirmation", at(1))
    [inside] = signals(uptime(99.7), "disconfirmation", at(1))
    [beyond] = signals(uptime(100.0), "disconfirmation", at(1))
    assert short.value < 0 < inside.value < beyond.value
    assert "below the adequate 99.5" in short.explanation


def test_critical_and_important_expectations_weigh_more():
    [plain] = signals(portal(delivered=at(5)), "disconfirmation", at(6))
    [critical] = signals(portal(delivered=at(5), critical=True), "disconfirmation", at(6))
    assert critical.weight == pytest.approx(plain.weight * 1.5)


def test_implicit_expectations_count():
    [signal] = signals(portal(delivered=at(5), kind="implicit"), "disconfirmation", at(6))
    assert signal.value < 0


# -- responsiveness ------------------------------------------------------------------------


def reply_expectation(adequate=24.0, desired=4.0):
    return Expectation(
        id="exp-reply",
        dimension="responsiveness",
        kind="implicit",
        adequate=adequate,
        desired=desired,
        unit="hours",
        better="lower",
    )


def conversation(reply_after_hours):
    return account(
        expectations=[reply_expectation()],
        interactions=[
            inbound("q1", at(0), "Can you send the report?"),
            outbound("a1", at(0, reply_after_hours), "Here it is.", reply_to="q1"),
        ],
    )


def test_fast_reply_pleases_slow_reply_displeases():
    [fast] = signals(conversation(1), "responsiveness", at(5))
    [slow] = signals(conversation(72), "responsiveness", at(5))
    assert fast.value > 0.15
    assert slow.value < 0
    assert "waited 3 days for a reply (expected within 24 hours)" in slow.explanation
    assert "exp-reply" in slow.evidence


def test_unanswered_message_past_the_adequate_time():
    acc = account(
        expectations=[reply_expectation()],
        interactions=[inbound("q1", at(0), "When will the fix ship?", author="marco")],
    )
    assert signals(acc, "responsiveness", at(0, 12)) == []  # still within 24 hours
    [waiting] = signals(acc, "responsiveness", at(4))
    assert waiting.value < 0
    assert waiting.explanation.startswith("Marco Ruiz's message of 1 March is still unanswered")


def test_thanks_needs_no_reply():
    acc = account(interactions=[inbound("t", at(0), "Thanks a lot, great work!")])
    assert signals(acc, "responsiveness", at(10)) == []


def test_default_expected_time_is_an_option():
    acc = account(
        interactions=[
            inbound("q1", at(0), "Can you help?"),
            outbound("a1", at(0, 10), "Yes, done.", reply_to="q1"),
        ]
    )
    config = Config(options={"responsiveness": {"adequate_hours": 8.0, "desired_hours": 2.0}})
    [strict] = signals(acc, "responsiveness", at(2), config=config)
    [lenient] = signals(acc, "responsiveness", at(2))
    assert strict.value < 0 < lenient.value


# -- sentiment --------------------------------------------------------------------------


def test_sentiment_follows_peak_and_end_not_the_mean():
    happy = "Great work, thank you, this is excellent!"
    acc = account(
        interactions=[inbound(f"h{i}", at(i), happy) for i in range(6)]
        + [
            inbound("n1", at(7), "This is terrible and frustrating.", author="marco"),
            inbound("n2", at(8), "I am angry, the portal is broken again.", author="dana"),
        ]
    )
    [signal] = signals(acc, "sentiment", at(9))
    assert signal.value < 0  # the mean of the messages is positive
    assert "The customer's last 2 messages were negative (latest: Dana Whitfield" in (
        signal.explanation
    )
    assert signal.evidence[-1] == "n2"


def test_old_messages_fade():
    acc = account(interactions=[inbound("n", at(0), "This is terrible and frustrating.")])
    [recent] = signals(acc, "sentiment", at(1))
    [old] = signals(acc, "sentiment", at(120))
    assert recent.value < old.value < 0


# -- voice -------------------------------------------------------------------------------


def test_executive_escalation_outweighs_user_complaint():
    acc = account(
        feedback=[
            Feedback(id="esc", at=at(0), kind="escalation", author="dana"),
            Feedback(id="cmp", at=at(0), kind="complaint", author="priya"),
        ]
    )
    by_id = {s.evidence[0]: s for s in signals(acc, "voice", at(1))}
    assert by_id["esc"].weight > 2.5 * by_id["cmp"].weight
    assert by_id["esc"].explanation.startswith("Dana Whitfield (CIO) escalated on 1 March")


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [("csat", 5, 1.0), ("csat", 1, -1.0), ("nps", 10, 1.0), ("nps", 0, -1.0), ("ces", 1, 1.0)],
)
def test_feedback_values(kind, value, expected):
    item = Feedback(id="f", at=T0, kind=kind, value=value)
    assert scorers.feedback_value(item) == pytest.approx(expected)


def test_stated_feedback_outweighs_inference():
    acc = account(
        interactions=[inbound("m", at(0), "This is terrible.")],
        feedback=[Feedback(id="f", at=at(0), kind="csat", value=5)],
    )
    outcome = perception.assess(acc, as_of=at(1), strict=True)
    assert outcome.score > 50  # the customer's own word wins
    assert outcome.drivers[0].scorer == "voice"


# -- communication ------------------------------------------------------------------------


class JargonCheck:
    name = "jargon-test"
    description = "Flags the word SOW."
    defaults: ClassVar[dict] = {}

    def check(self, message, ctx):
        if "SOW" in message.text:
            yield Finding(check=self.name, severity="warning", message="SOW is not explained.")


class _FakeChecks:
    @hookimpl
    def perception_register_checks(self, register):
        register(JargonCheck())


def only_test_checks():
    """Built-in scorers and policies, but none of the built-in checks."""
    pm = get_plugin_manager(load_entrypoints=False)
    pm.set_blocked("perception.builtin.checks")
    return pm


@pytest.fixture
def registry_with_fake_check():
    pm = only_test_checks()
    pm.register(_FakeChecks(), name="fake-checks")
    return Registry.from_plugin_manager(pm)


def test_communication_turns_check_findings_into_signals(registry_with_fake_check):
    acc = account(
        interactions=[
            inbound("q", at(0), "Why was the file rejected?"),
            outbound("a", at(0, 2), "It is out of scope per the SOW.", reply_to="q"),
            outbound("b", at(1), "As per the SOW, see above."),
            outbound("c", at(2), "Hi Priya, the fix is live. Best, Sam"),
        ]
    )
    [signal] = signals(acc, "communication", at(3), plugins=registry_with_fake_check)
    assert signal.value < -0.3
    assert signal.evidence == ("a", "b")
    assert "2 of our 3 messages" in signal.explanation
    assert "'jargon-test' findings" in signal.explanation
    assert "SOW is not explained" in signal.explanation
    outcome = perception.assess(acc, as_of=at(3), plugins=registry_with_fake_check)
    assert {f.check for f in outcome.findings} == {"jargon-test"}


def test_communication_maps_checks_to_dimensions(registry_with_fake_check):
    acc = account(interactions=[outbound("a", at(0), "Per the SOW.")])
    config = Config(options={"communication": {"dimensions": {"jargon-test": "assurance"}}})
    [signal] = signals(acc, "communication", at(1), plugins=registry_with_fake_check, config=config)
    assert signal.dimension.value == "assurance"


def test_clean_communication_is_a_small_gain(registry_with_fake_check):
    acc = account(
        interactions=[outbound(f"o{i}", at(i), "All good, fix is live.") for i in range(3)]
    )
    [signal] = signals(acc, "communication", at(4), plugins=registry_with_fake_check)
    assert 0 < signal.value <= 0.2
    assert "no warnings" in signal.explanation


def test_info_findings_weigh_less_than_warnings(registry_with_fake_check):
    class InfoCheck(JargonCheck):
        name = "jargon-info"

        def check(self, message, ctx):
            yield Finding(check=self.name, severity=Severity.INFO, message="Minor.")

    class _Info:
        @hookimpl
        def perception_register_checks(self, register):
            register(InfoCheck())

    pm = only_test_checks()
    pm.register(_Info(), name="info")
    registry = Registry.from_plugin_manager(pm)
    acc = account(interactions=[outbound("a", at(0), "Per the SOW.")])
    [info] = signals(acc, "communication", at(1), plugins=registry)
    [warning] = signals(acc, "communication", at(1), plugins=registry_with_fake_check)
    assert warning.value < info.value < 0


# -- confirmation ----------------------------------------------------------------------------


def cutover(confirmed_at=None, due=None):
    return account(
        expectations=[
            Expectation(
                id="exp-cutover",
                dimension="assurance",
                description="Cut-over weekend",
                critical=True,
                importance=0.8,
                due=due,
                confirmed_at=confirmed_at,
                stakeholder="dana",
            )
        ]
    )


def test_unconfirmed_critical_point_is_a_loss_named_with_its_holder():
    [signal] = signals(cutover(), "confirmation", at(0))
    assert signal.value < 0
    assert signal.explanation == (
        "Cut-over weekend is critical and was never confirmed by Dana Whitfield (CIO)."
    )
    [soon] = signals(cutover(due=at(5)), "confirmation", at(0))
    assert soon.value < signal.value
    [confirmed] = signals(cutover(confirmed_at=at(-3)), "confirmation", at(0))
    assert confirmed.value > 0


def test_confirmation_after_as_of_does_not_count():
    [signal] = signals(cutover(confirmed_at=at(10)), "confirmation", at(0))
    assert signal.value < 0


# -- recovery --------------------------------------------------------------------------


def failure(reply_text, reply_hours, follow_up=None):
    records = [
        inbound("bad", at(0), "The export is broken and this is really frustrating."),
        outbound("fix", at(0, reply_hours), reply_text, reply_to="bad"),
    ]
    if follow_up:
        records.append(inbound("after", at(0, reply_hours + 1), follow_up))
    return account(interactions=records)


def test_recovered_failure_scores_positive():
    good = failure(
        "I'm sorry, you're right. I have fixed the export and deployed it today.",
        2,
        follow_up="Thanks, that works. Appreciate it.",
    )
    [signal] = signals(good, "recovery", at(2))
    assert signal.value > 0.5
    assert "with an acknowledgement and a fix" in signal.explanation
    assert "next message was positive" in signal.explanation


def test_slow_unacknowledged_answer_is_a_loss():
    bad = failure("Works as designed. Ticket closed.", 50)
    [signal] = signals(bad, "recovery", at(4))
    assert signal.value < 0
    assert "without an acknowledgement or a concrete fix or date" in signal.explanation
    assert "slower than 24 hours" in signal.explanation


def test_unanswered_escalation():
    acc = account(feedback=[Feedback(id="esc", at=at(0), kind="escalation", author="dana")])
    assert signals(acc, "recovery", at(0, 3)) == []
    [signal] = signals(acc, "recovery", at(3))
    assert signal.value < -0.5
    assert "escalation of 1 March has had no answer" in signal.explanation


# -- silence ---------------------------------------------------------------------------


def test_silence_grows_after_the_limit():
    acc = account(interactions=[outbound("o", at(0), "Checking in.")])
    assert signals(acc, "silence", at(20)) == []
    [some] = signals(acc, "silence", at(30))
    [long] = signals(acc, "silence", at(60))
    assert long.value < some.value < 0
    assert "No contact with the customer for 60 days (since 1 March)" in long.explanation


def test_untrusted_text_does_not_break_scoring():
    odd = ("<b>x</b> \x00\x07 \u202e\u200b \U0001f600 ?? " * 2000)[:60_000]
    acc = account(
        interactions=[
            inbound("big", at(0), odd, author="dana"),
            outbound("reply", at(0, 30), odd, reply_to="big"),
        ],
        feedback=[Feedback(id="f", at=at(1), kind="complaint", text=odd)],
    )
    outcome = perception.assess(acc, as_of=at(3), strict=True)
    assert 0 <= outcome.score <= 100
    voice = next(s for s in outcome.signals if s.scorer == "voice")
    assert len(voice.explanation) < 200  # long comments are cut in explanations
