"""The built-in follow-up policies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perception import (
    Account,
    Band,
    Config,
    Customer,
    Deliverable,
    Expectation,
    Feedback,
    Interaction,
    PerceivedOutcome,
    PolicyContext,
    Priority,
    Stakeholder,
    get_plugin_manager,
    get_registry,
    plan_followups,
)
from perception.builtin.policies import (
    BUILTIN_POLICIES,
    BreakSilencePolicy,
    ConfirmCriticalPolicy,
    ExecutiveTouchpointPolicy,
    PostDeliveryCheckInPolicy,
    RecoverNegativePolicy,
    ShareRelevantNewsPolicy,
    parse_catalogue,
    response_window,
)
from perception.errors import ConfigError

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
NAMES = {
    "post-delivery-check-in",
    "confirm-critical",
    "recover-negative",
    "break-silence",
    "executive-touchpoint",
    "share-relevant-news",
}


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def customer(**kwargs) -> Customer:
    people = (
        Stakeholder(id="dana", name="Dana Whitfield", role="CIO", seniority="executive"),
        Stakeholder(id="marco", name="Marco Ruiz", seniority="manager"),
        Stakeholder(id="priya", name="Priya Natarajan"),
    )
    values = {"id": "acme", "name": "Acme", "segment": "enterprise", "stakeholders": people}
    values.update(kwargs)
    return Customer(**values)


def account(**kwargs) -> Account:
    kwargs.setdefault("customer", customer())
    return Account(**kwargs)


def outcome(band: Band = Band.SATISFIED, as_of: datetime = T0) -> PerceivedOutcome:
    score = {
        Band.DELIGHTED: 90.0,
        Band.SATISFIED: 70.0,
        Band.NEUTRAL: 50.0,
        Band.AT_RISK: 30.0,
        Band.CRITICAL: 10.0,
    }[band]
    return PerceivedOutcome(account="acme", as_of=as_of, score=score, band=band, confidence=0.5)


def run(policy, acct: Account, *, as_of: datetime, band: Band = Band.SATISFIED, **options):
    ctx = PolicyContext(
        as_of=as_of,
        options=Config().options_for(policy.name, {**policy.defaults, **options}),
        config=Config(),
    )
    return list(policy.followups(acct, outcome(band, as_of), ctx))


def msg(id_: str, at: datetime, direction: str, text: str = "", **kwargs) -> Interaction:
    return Interaction(id=id_, at=at, direction=direction, text=text, **kwargs)


# --- registration --------------------------------------------------------------------


def test_every_builtin_policy_is_registered_with_description_and_defaults():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    assert set(registry.policies) == NAMES
    for entry in registry.policies.values():
        assert entry.description
        assert entry.origin == "perception.builtin.policies"
    assert len(BUILTIN_POLICIES) == len(NAMES)


def test_default_options_pass_config_validation_and_wrong_types_fail():
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    options = {name: dict(registry.policies[name].defaults) for name in NAMES}
    Config(options=options).validate(registry)
    with pytest.raises(ConfigError, match=r"options.break-silence.days: must be int"):
        Config(options={"break-silence": {"days": "soon"}}).validate(registry)
    with pytest.raises(ConfigError, match="unknown option"):
        Config(options={"recover-negative": {"hours": 4}}).validate(registry)


def test_out_of_range_option_names_the_option():
    acct = account(interactions=[msg("m1", day(0), "inbound")])
    with pytest.raises(ConfigError, match=r"options.break-silence.days: must be a number >= 0"):
        run(BreakSilencePolicy(), acct, as_of=day(40), days=-1)


# --- post-delivery-check-in ----------------------------------------------------------


def _delivery_account(**deliverable) -> Account:
    deliverable.setdefault("delivered_at", day(0))
    return account(
        expectations=[
            Expectation(
                id="e1",
                dimension="reliability",
                description="Portal live",
                critical=True,
                stakeholder="marco",
            ),
        ],
        deliverables=[Deliverable(id="d1", expectation="e1", description="Portal", **deliverable)],
    )


def test_delivery_check_in_is_due_days_after_delivery_and_names_the_delivery():
    (item,) = run(PostDeliveryCheckInPolicy(), _delivery_account(), as_of=day(1))
    assert item.key == "post-delivery-check-in:acme:d1:delivered:20260301T090000Z"
    assert item.due == day(3)
    assert item.priority is Priority.HIGH  # the expectation is critical
    assert "Marco Ruiz" in item.action
    assert item.evidence == ("d1",)


def test_acceptance_replaces_the_delivery_check_in():
    acct = _delivery_account(accepted_at=day(2))
    (item,) = run(PostDeliveryCheckInPolicy(), acct, as_of=day(5))
    assert item.key.endswith(":d1:accepted:20260303T090000Z")
    assert item.due == day(16)


def test_redelivery_is_a_new_situation_with_a_new_key():
    first = run(PostDeliveryCheckInPolicy(), _delivery_account(), as_of=day(1))
    again = run(PostDeliveryCheckInPolicy(), _delivery_account(), as_of=day(2))
    later = run(PostDeliveryCheckInPolicy(), _delivery_account(delivered_at=day(4)), as_of=day(5))
    assert [f.key for f in first] == [f.key for f in again]
    assert first[0].key != later[0].key


def test_old_deliveries_are_left_alone_unless_max_age_is_zero():
    acct = _delivery_account()
    assert run(PostDeliveryCheckInPolicy(), acct, as_of=day(90)) == []
    assert len(run(PostDeliveryCheckInPolicy(), acct, as_of=day(90), max_age_days=0)) == 1


# --- confirm-critical ----------------------------------------------------------------


def _critical(**kwargs) -> Expectation:
    values = {
        "id": "cut",
        "dimension": "assurance",
        "description": "Cut-over on 21 March",
        "critical": True,
        "stakeholder": "dana",
    }
    values.update(kwargs)
    return Expectation(**values)


def test_unconfirmed_critical_expectation_asks_for_confirmation_before_it_is_due():
    acct = account(expectations=[_critical(due=day(20))])
    (item,) = run(ConfirmCriticalPolicy(), acct, as_of=day(1))
    assert item.key.startswith("confirm-critical:acme:cut:")
    assert item.due == day(15)
    assert item.priority is Priority.HIGH
    assert "Dana Whitfield" in item.action
    (late,) = run(ConfirmCriticalPolicy(), acct, as_of=day(16))
    assert late.priority is Priority.URGENT
    assert late.key == item.key


def test_confirmed_accepted_or_non_critical_expectations_need_nothing():
    policy = ConfirmCriticalPolicy()
    assert run(policy, account(expectations=[_critical(confirmed_at=day(0))]), as_of=day(1)) == []
    assert run(policy, account(expectations=[_critical(critical=False)]), as_of=day(1)) == []
    accepted = account(
        expectations=[_critical()],
        deliverables=[
            Deliverable(id="d", expectation="cut", delivered_at=day(0), accepted_at=day(1))
        ],
    )
    assert run(policy, accepted, as_of=day(2)) == []


def test_a_scope_change_gets_a_new_key():
    before = run(ConfirmCriticalPolicy(), account(expectations=[_critical()]), as_of=day(1))
    changed = account(expectations=[_critical(description="Cut-over on 28 March")])
    after = run(ConfirmCriticalPolicy(), changed, as_of=day(1))
    assert before[0].key != after[0].key
    assert before[0].key.rsplit(":", 1)[0] == after[0].key.rsplit(":", 1)[0]


# --- recover-negative ----------------------------------------------------------------

NEGATIVE = "The export is broken again and this is really frustrating. Nobody answers."


def test_unanswered_negative_message_fires_once_the_window_has_passed():
    acct = account(interactions=[msg("m1", day(0), "inbound", NEGATIVE, author="priya")])
    assert run(RecoverNegativePolicy(), acct, as_of=day(0.5)) == []  # still within 24 h
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(2))
    assert item.key == "recover-negative:acme:m1"
    assert item.due == day(1)
    assert item.priority is Priority.URGENT
    assert "has not been answered" in item.reason


def test_an_acknowledging_reply_in_time_recovers():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg(
                "r1",
                day(0.2),
                "outbound",
                "Sorry about this, Priya. A fix ships today.",
                in_reply_to="m1",
            ),
        ]
    )
    assert run(RecoverNegativePolicy(), acct, as_of=day(2)) == []


def test_a_cold_reply_keeps_the_same_key_and_cites_the_reply():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg("r1", day(0.2), "outbound", "Resubmit the files in the correct format."),
        ]
    )
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(0.3))
    assert item.key == "recover-negative:acme:m1"
    assert item.evidence == ("m1", "r1")
    assert "without acknowledging" in item.reason
    assert item.priority is Priority.HIGH


def test_a_late_acknowledging_reply_still_counts_as_a_miss():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="priya"),
            msg("r1", day(3), "outbound", "Sorry for the delay.", in_reply_to="m1"),
        ]
    )
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(4))
    assert "after the window" in item.reason


def test_positive_messages_and_old_messages_are_ignored():
    happy = account(interactions=[msg("m1", day(0), "inbound", "Thanks, all good!")])
    assert run(RecoverNegativePolicy(), happy, as_of=day(3)) == []
    old = account(interactions=[msg("m1", day(0), "inbound", NEGATIVE)])
    assert run(RecoverNegativePolicy(), old, as_of=day(60)) == []


def test_the_response_window_comes_from_the_responsiveness_expectation():
    reply = Expectation(
        id="r", dimension="responsiveness", adequate=4, desired=1, unit="hours", better="lower"
    )
    acct = account(expectations=[reply], interactions=[msg("m1", day(0), "inbound", NEGATIVE)])
    assert response_window(acct, 24) == timedelta(hours=4)
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(0.5))
    assert item.due == day(0) + timedelta(hours=4)
    assert response_window(account(), 24) == timedelta(hours=24)


def test_an_executive_author_makes_it_urgent():
    acct = account(
        interactions=[
            msg("m1", day(0), "inbound", NEGATIVE, author="dana"),
            msg("r1", day(0.2), "outbound", "Please resubmit.", in_reply_to="m1"),
        ]
    )
    (item,) = run(RecoverNegativePolicy(), acct, as_of=day(1))
    assert item.priority is Priority.URGENT
    assert "Dana Whitfield" in item.action


# --- break-silence -------------------------------------------------------------------


def test_silence_is_shorter_when_at_risk_and_the_key_names_the_last_contact():
    acct = account(interactions=[msg("m1", day(0), "inbound"), msg("m2", day(1), "outbound")])
    assert run(BreakSilencePolicy(), acct, as_of=day(10)) == []
    (item,) = run(BreakSilencePolicy(), acct, as_of=day(10), band=Band.AT_RISK)
    assert item.key == "break-silence:acme:m2"
    assert item.due == day(8)
    assert item.priority is Priority.HIGH
    (later,) = run(BreakSilencePolicy(), acct, as_of=day(30))
    assert later.key == item.key
    assert later.reason == run(BreakSilencePolicy(), acct, as_of=day(31))[0].reason


def test_inbound_only_counts_only_the_customers_messages():
    acct = account(interactions=[msg("m1", day(0), "inbound"), msg("m2", day(20), "outbound")])
    assert run(BreakSilencePolicy(), acct, as_of=day(25)) == []
    (item,) = run(BreakSilencePolicy(), acct, as_of=day(25), inbound_only=True)
    assert item.key == "break-silence:acme:m1"
    assert run(BreakSilencePolicy(), account(), as_of=day(25)) == []


# --- executive-touchpoint ------------------------------------------------------------


def test_touchpoint_needs_an_at_risk_outcome():
    acct = account(interactions=[msg("m1", day(0), "inbound", "Hello", author="dana")])
    assert run(ExecutiveTouchpointPolicy(), acct, as_of=day(1)) == []
    (item,) = run(ExecutiveTouchpointPolicy(), acct, as_of=day(1), band=Band.AT_RISK)
    assert item.key == "executive-touchpoint:acme:m1"
    assert item.due == day(2)
    assert item.priority is Priority.HIGH
    assert "Dana Whitfield (CIO)" in item.action


def test_an_escalation_is_the_trigger_and_a_new_one_is_a_new_situation():
    first = account(feedback=[Feedback(id="f1", at=day(0), kind="escalation", author="marco")])
    (item,) = run(ExecutiveTouchpointPolicy(), first, as_of=day(1), band=Band.CRITICAL)
    assert item.key == "executive-touchpoint:acme:f1"
    assert item.priority is Priority.URGENT
    assert "Dana Whitfield" in item.action  # the executive, not the manager who escalated
    second = attrs.evolve(
        first, feedback=(*first.feedback, Feedback(id="f2", at=day(5), kind="escalation"))
    )
    (again,) = run(ExecutiveTouchpointPolicy(), second, as_of=day(6), band=Band.CRITICAL)
    assert again.key == "executive-touchpoint:acme:f2"


def test_no_executive_and_no_escalation_means_no_touchpoint():
    acct = account(customer=customer(stakeholders=()), interactions=[msg("m", day(0), "inbound")])
    assert run(ExecutiveTouchpointPolicy(), acct, as_of=day(1), band=Band.CRITICAL) == []
    with pytest.raises(ConfigError, match="unknown band 'doomed'"):
        run(ExecutiveTouchpointPolicy(), acct, as_of=day(1), band=Band.CRITICAL, bands=["doomed"])


# --- share-relevant-news -------------------------------------------------------------

CATALOGUE = [
    {"id": "sso", "title": "the new SSO connector", "keywords": ["login", "sso"]},
    {"id": "smb-pack", "title": "the starter pack", "segments": ["smb"]},
    {"id": "api", "title": "the reporting API", "dimensions": ["tangibles"]},
]


def test_news_picks_a_suitable_item_at_most_once_an_interval():
    acct = account(interactions=[msg("m1", day(0), "inbound", "Our login takes ages")])
    policy = ShareRelevantNewsPolicy()
    (item,) = run(policy, acct, as_of=day(1), catalogue=CATALOGUE)
    assert item.key.startswith("share-relevant-news:acme:p")
    assert item.key.endswith(":sso")
    assert item.priority is Priority.LOW
    assert item.due <= day(1)
    keys = {run(policy, acct, as_of=day(1 + n), catalogue=CATALOGUE)[0].key for n in range(120)}
    assert 1 < len(keys) <= 3  # at most one new key per 90 days over 120 days


def test_no_news_when_nothing_suits_or_the_customer_is_unhappy():
    policy = ShareRelevantNewsPolicy()
    plain = account()
    assert run(policy, plain, as_of=day(1), catalogue=CATALOGUE[1:2]) == []  # wrong segment
    suited = account(interactions=[msg("m1", day(0), "inbound", "sso please")])
    assert run(policy, suited, as_of=day(1), catalogue=CATALOGUE, band=Band.AT_RISK) == []
    assert run(policy, suited, as_of=day(1)) == []  # empty catalogue


@pytest.mark.parametrize(
    ("catalogue", "message"),
    [
        ("nope", r"catalogue: must be a list"),
        ([{"title": "x"}], r"catalogue\[0\].id: must be a non-empty string"),
        ([{"id": "a", "title": "x"}, {"id": "a", "title": "y"}], r"catalogue\[1\].id: 'a'"),
        ([{"id": "a", "title": "x", "dimensions": ["vibes"]}], r"catalogue\[0\].dimensions"),
        ([{"id": "a", "title": "x", "colour": "red"}], r"catalogue\[0\]: unknown keys colour"),
    ],
)
def test_a_bad_catalogue_is_reported_with_its_place(catalogue, message):
    with pytest.raises(ConfigError, match=message):
        parse_catalogue("share-relevant-news", catalogue)


def test_a_bad_catalogue_is_a_policy_failure_in_the_plan_not_a_crash():
    config = Config(options={"share-relevant-news": {"catalogue": [{"id": 1}]}})
    plan = plan_followups(
        account(), outcome(), config=config, plugins=get_plugin_manager(load_entrypoints=False)
    )
    assert [f.plugin for f in plan.failures] == ["share-relevant-news"]
    assert "catalogue[0].id" in plan.failures[0].error


# --- through the engine --------------------------------------------------------------


def _busy_account() -> Account:
    return account(
        expectations=[_critical(due=day(30)), Expectation(id="e1", dimension="reliability")],
        deliverables=[Deliverable(id="d1", expectation="e1", delivered_at=day(0))],
        interactions=[msg("m1", day(1), "inbound", NEGATIVE, author="dana")],
        feedback=[Feedback(id="f1", at=day(2), kind="escalation", author="dana")],
    )


def test_plan_followups_runs_every_policy_and_is_stable_across_runs():
    pm = get_plugin_manager(load_entrypoints=False)
    acct = _busy_account()
    first = plan_followups(acct, outcome(Band.CRITICAL, day(30)), plugins=pm)
    second = plan_followups(acct, outcome(Band.CRITICAL, day(30)), plugins=pm)
    assert first == second
    assert not first.failures
    policies = {f.policy for f in first.followups}
    assert {
        "confirm-critical",
        "recover-negative",
        "break-silence",
        "executive-touchpoint",
        "post-delivery-check-in",
    } <= policies


def test_a_disabled_policy_does_not_run():
    pm = get_plugin_manager(load_entrypoints=False)
    config = Config(disable={"recover-negative"})
    plan = plan_followups(
        _busy_account(), outcome(Band.CRITICAL, day(30)), config=config, plugins=pm
    )
    assert "recover-negative" not in {f.policy for f in plan.followups}


_texts = st.text(max_size=300) | st.sampled_from(
    ["<b>broken</b> \x00\u202e", NEGATIVE * 40, "🙂" * 200, "sorry " * 50]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.tuples(_texts, st.booleans(), st.floats(0, 40)), max_size=6),
    as_of=st.floats(0, 60),
)
def test_planning_any_messages_is_deterministic_and_keys_are_unique(texts, as_of):
    interactions = [
        msg(f"x{i}", day(offset), "inbound" if inbound else "outbound", text)
        for i, (text, inbound, offset) in enumerate(texts)
    ]
    acct = _busy_account()
    acct = attrs.evolve(acct, interactions=(*acct.interactions, *interactions))
    pm = get_plugin_manager(load_entrypoints=False)
    first = plan_followups(acct, outcome(Band.AT_RISK, day(as_of)), plugins=pm, strict=True)
    second = plan_followups(acct, outcome(Band.AT_RISK, day(as_of)), plugins=pm, strict=True)
    assert first == second
    keys = [f.key for f in first.followups]
    assert len(keys) == len(set(keys))
    assert all(
        k.startswith(f"{f.policy}:acme:") for k, f in zip(keys, first.followups, strict=True)
    )
