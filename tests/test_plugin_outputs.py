"""What a plugin hands back is checked before it is used: a wrong record is reported as
that plugin's failure, with its name, and does not move the score or reach the ledger."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

import perception
from perception import FollowUp, Signal, assess, check, hookimpl, plan_followups
from perception.plugins import DEFAULT_PLUGINS, get_plugin_manager, get_registry
from perception.testing import T0, make_account, message


class Liar:
    """A scorer, check and policy whose records are wrong in one way each."""

    def __init__(self, name, mode):
        self.name = name
        self.description = "returns a wrong record"
        self.mode = mode

    def score(self, account, ctx):
        signal = Signal(scorer=self.name, dimension="empathy", value=0.5, explanation="x")
        if self.mode == "other-name":
            signal = Signal(scorer="voice", dimension="empathy", value=-1.0, explanation="x")
        elif self.mode == "mutated":
            object.__setattr__(signal, "value", math.nan)
        elif self.mode == "evidence":
            object.__setattr__(signal, "evidence", (3,))
        yield signal

    def followups(self, account, outcome, ctx):
        yield FollowUp(
            policy=self.name,
            key=f"{self.name}:1",
            account="someone-else" if self.mode == "account" else account.id,
            due=ctx.as_of,
            action="Call.",
            reason="Because.",
        )


class Register:
    def __init__(self, obj):
        self.obj = obj

    @hookimpl
    def perception_register_scorers(self, register):
        register(self.obj)

    @hookimpl
    def perception_register_policies(self, register):
        register(_AsPolicy(self.obj))


class _AsPolicy:
    def __init__(self, liar):
        self.name = liar.name + "-policy"
        self.description = liar.description
        self.liar = liar

    def followups(self, account, outcome, ctx):
        for item in self.liar.followups(account, outcome, ctx):
            yield FollowUp(
                policy=self.name,
                key=item.key,
                account=item.account,
                due=item.due,
                action=item.action,
                reason=item.reason,
            )


def _alone(plugin, name):
    """A registry of *plugin* and no built-in."""
    pm = get_plugin_manager(load_entrypoints=False)
    for builtin in DEFAULT_PLUGINS:
        pm.set_blocked(builtin)
    pm.register(plugin, name=name)
    return get_registry(pm)


def _registry(mode):
    return _alone(Register(Liar("liar", mode)), "liar-plugin")


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("other-name", "returned a signal named 'voice', not its own name 'liar'"),
        ("mutated", "signal value must be a finite number in [-1, 1], not nan"),
        ("evidence", "evidence must be record ids (strings), not int"),
    ],
)
def test_a_wrong_signal_is_the_scorers_failure_and_moves_nothing(mode, message):
    outcome = assess(make_account(), as_of=T0, plugins=_registry(mode))
    assert outcome.signals == ()
    assert outcome.score == 50.0
    (failure,) = [f for f in outcome.failures if f.plugin == "liar"]
    assert failure.origin == "liar-plugin"
    assert message in failure.error
    with pytest.raises(ValueError, match=r"not its own name|finite number|record ids"):
        assess(make_account(), as_of=T0, plugins=_registry(mode), strict=True)


def test_a_follow_up_for_another_account_is_refused():
    plan = plan_followups(make_account(), as_of=T0, plugins=_registry("account"))
    assert plan.followups == ()
    (failure,) = plan.failures
    assert failure.plugin == "liar-policy"
    assert "planned a follow-up for account 'someone-else' while planning 'acme'" in failure.error


def test_a_finding_with_evidence_that_is_not_ids_is_the_checks_failure():
    class BadEvidence:
        name = "bad-evidence"
        description = "evidence of the wrong type"

        def check(self, message, ctx):
            from perception import Finding  # noqa: PLC0415

            finding = Finding(check=self.name, severity="info", message="m", suggestion="s")
            object.__setattr__(finding, "evidence", (None,))
            yield finding

    class Plugin:
        @hookimpl
        def perception_register_checks(self, register):
            register(BadEvidence())

    registry = _alone(Plugin(), "bad-plugin")
    report = check("Hello.", plugins=registry)
    assert report.findings == ()
    (failure,) = report.failures
    assert "evidence must be record ids (strings), not NoneType" in failure.error
    account = make_account(interactions=[message("m1", "Hi", inbound=False)])
    assert assess(account, as_of=T0 + timedelta(days=1), plugins=registry).findings == ()


class _Judging:
    """A check whose optional ``applies`` says whether it has anything to judge."""

    name = "judging"
    description = "applies only to messages that mention an invoice"

    def __init__(self, applies):
        self._applies = applies

    def applies(self, text_message, ctx):
        return self._applies(text_message)

    def check(self, text_message, ctx):
        yield perception.Finding(check=self.name, severity="info", message="judged")


class _RegisterCheck:
    def __init__(self, obj):
        self.obj = obj

    @hookimpl
    def perception_register_checks(self, register):
        register(self.obj)


def test_a_check_that_does_not_apply_is_listed_not_run():
    registry = _alone(_RegisterCheck(_Judging(lambda m: "invoice" in m.text)), "judging-plugin")
    report = check("The export runs again.", plugins=registry)
    assert report.findings == ()
    assert report.not_applicable == ("judging",)
    report = check("The invoice is attached.", plugins=registry)
    assert [f.message for f in report.findings] == ["judged"]
    assert report.not_applicable == ()


def test_a_raising_applies_is_the_checks_failure_and_the_check_runs():
    def broken(_):
        raise RuntimeError("cannot tell")

    registry = _alone(_RegisterCheck(_Judging(broken)), "judging-plugin")
    report = check("The export runs again.", plugins=registry)
    assert [f.message for f in report.findings] == ["judged"]
    (failure,) = report.failures
    assert failure.plugin == "judging"
    assert "RuntimeError: cannot tell" in failure.error
    with pytest.raises(RuntimeError, match="cannot tell"):
        check("The export runs again.", plugins=registry, strict=True)
