"""The ``break-silence`` policy."""

from __future__ import annotations

import pytest

from perception import Band, Config, Feedback, Priority, plan_followups
from perception.builtin.policies import BreakSilencePolicy
from perception.errors import ConfigError

from ._support import account, customer, day, msg, outcome, registry, resolve, run


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


def test_out_of_range_option_names_the_option():
    config = Config.from_mapping({"options": {"break-silence": {"days": -1}}})
    message = r"options\.break-silence\.days: must be >= 0, not -1"
    with pytest.raises(ConfigError, match=message):
        config.validate(registry())
    acct = account(interactions=[msg("m1", day(0), "inbound")])
    with pytest.raises(ConfigError, match=message):  # the engine validates lazily
        plan_followups(acct, outcome(as_of=day(40)), config=config, plugins=registry())


def test_ids_with_colons_give_distinct_keys_and_both_reach_the_ledger(tmp_path):
    from perception.store import Ledger  # noqa: PLC0415  # the ledger is optional

    # Joined plainly, both would be "break-silence:a:b:c" and the ledger would keep one.
    hello = "Hello"
    first = account(customer=customer(id="a"), interactions=[msg("b:c", day(0), "inbound", hello)])
    second = account(customer=customer(id="a:b"), interactions=[msg("c", day(0), "inbound", hello)])
    plans = [plan_followups(a, as_of=day(40), plugins=registry()) for a in (first, second)]
    keys = [f.key for p in plans for f in p.followups if f.policy == "break-silence"]
    assert keys == ["break-silence:a:b%3Ac", "break-silence:a%3Ab:c"]
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        assert ledger.record(plans).new == len([f for p in plans for f in p.followups])
        assert sorted(e.followup.account for e in ledger.list(policy="break-silence")) == [
            "a",
            "a:b",
        ]


def test_the_ledger_refuses_one_key_for_two_accounts(tmp_path):
    from perception import FollowUp  # noqa: PLC0415
    from perception.store import Ledger, LedgerError  # noqa: PLC0415

    def item(account_id):
        return FollowUp(
            policy="p", key="p:same", account=account_id, due=day(1), action="a", reason="r"
        )

    with Ledger.open(tmp_path / "ledger.db") as ledger:
        with pytest.raises(LedgerError, match="belongs to account 'one'"):
            ledger.record([item("one"), item("two")])
        ledger.record([item("one")])
        with pytest.raises(LedgerError, match="belongs to account 'one'"):
            ledger.record([item("two")])
        assert [e.followup.account for e in ledger.list()] == ["one"]


def test_in_recovery_the_silence_is_broken_with_progress_not_a_cheerful_question():
    acct = account(
        interactions=[msg("m1", day(0), "inbound")],
        feedback=[Feedback(id="f1", at=day(1), kind="complaint", author="marco")],
    )
    (item,) = run(BreakSilencePolicy(), acct, as_of=day(8), band=Band.AT_RISK)
    assert (
        item.action == "Contact Acme: report what has been done since the complaint of 2026-03-02."
    )
    (later,) = run(BreakSilencePolicy(), acct, as_of=day(30))
    assert later.action == "Contact Acme: ask how things are going."


def test_new_contact_resolves_the_old_silence_and_a_shorter_limit_keeps_it_open():
    quiet = account(interactions=[msg("m1", day(0), "inbound")])
    (item,) = run(BreakSilencePolicy(), quiet, as_of=day(25))
    assert resolve(BreakSilencePolicy(), quiet, item, as_of=day(25)) is None
    spoken = account(interactions=[msg("m1", day(0), "inbound"), msg("m2", day(26), "inbound")])
    reason = resolve(BreakSilencePolicy(), spoken, item, as_of=day(27))
    assert reason == "The silence was broken by a message from the customer on 2026-03-27."
