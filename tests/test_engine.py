from __future__ import annotations

import json
import pickle
from datetime import date, datetime, timedelta, timezone

import pytest

from perception import (
    Band,
    Config,
    Deliverable,
    Dimension,
    Expectation,
    Feedback,
    Finding,
    FollowUp,
    Problem,
    Signal,
    Span,
    ValidationError,
    assess,
    assess_many,
    check,
    hookimpl,
    plan_followups,
)
from perception.aggregate import aggregate
from perception.batch import assess_file
from perception.io import dump_account, write_jsonl
from perception.plugins import DEFAULT_PLUGINS, Registry, get_plugin_manager, get_registry
from perception.testing import T0, make_account, message


class Boom:
    name = "boom"
    description = "Always raises."

    def score(self, account, ctx):
        raise RuntimeError("scorer exploded")

    def check(self, message, ctx):
        raise RuntimeError("check exploded")

    def followups(self, account, outcome, ctx):
        raise RuntimeError("policy exploded")


class BoomPlugin:
    def __init__(self, kind):
        self.kind = kind

    @hookimpl
    def perception_register_scorers(self, register):
        if self.kind == "scorer":
            register(Boom())

    @hookimpl
    def perception_register_checks(self, register):
        if self.kind == "check":
            register(Boom())

    @hookimpl
    def perception_register_policies(self, register):
        if self.kind == "policy":
            register(Boom())


def registry_with(plugin):
    """The built-in scorers and policies with *plugin*; no built-in check interferes."""
    pm = get_plugin_manager(load_entrypoints=False)
    for module in DEFAULT_PLUGINS:
        if module.startswith("perception.builtin.checks."):
            pm.set_blocked(module)
    pm.register(plugin, name="boom-plugin")
    return get_registry(pm)


def test_failing_scorer_is_reported_with_its_name():
    outcome = assess(make_account(), as_of=T0, plugins=registry_with(BoomPlugin("scorer")))
    (failure,) = outcome.failures
    assert failure.plugin == "boom"
    assert failure.kind == "scorer"
    assert failure.origin == "boom-plugin"
    assert "scorer exploded" in failure.error


def test_strict_reraises():
    with pytest.raises(RuntimeError, match="scorer exploded"):
        assess(make_account(), as_of=T0, plugins=registry_with(BoomPlugin("scorer")), strict=True)


def test_failing_check_and_policy_are_reported():
    report = check("Hi", plugins=registry_with(BoomPlugin("check")))
    assert [f.plugin for f in report.failures] == ["boom"]
    plan = plan_followups(make_account(), as_of=T0, plugins=registry_with(BoomPlugin("policy")))
    assert [f.kind for f in plan.failures] == ["policy"]


def test_wrong_return_type_is_a_failure():
    class Wrong:
        name = "wrong"
        description = "Returns strings."

        def score(self, account, ctx):
            return ["not a signal"]

    class Plugin:
        @hookimpl
        def perception_register_scorers(self, register):
            register(Wrong())

    outcome = assess(make_account(), as_of=T0, plugins=registry_with(Plugin()))
    assert "returned str, not Signal" in outcome.failures[0].error


def test_naive_as_of_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        assess(make_account(), as_of=datetime(2026, 1, 1))


@pytest.mark.parametrize("year", [1, 999, 9001, 9999])
def test_an_as_of_outside_the_years_read_is_refused(year):
    with pytest.raises(ValueError, match="as_of must be between the years 1000 and 9000"):
        assess(make_account(), as_of=datetime(year, 6, 1, tzinfo=timezone.utc))


@pytest.mark.parametrize("as_of", [date(2026, 1, 1), "2026-01-01", 1767225600])
def test_an_as_of_that_is_not_a_datetime_is_a_type_error_naming_it(as_of):
    for call in (assess, plan_followups):
        with pytest.raises(
            TypeError, match=f"as_of must be a timezone-aware datetime, not {type(as_of).__name__}"
        ):
            call(make_account(), as_of=as_of)


def test_records_after_as_of_are_ignored():
    account = make_account(
        feedback=[
            Feedback(id="f1", at=T0, kind="csat", value=5),
            Feedback(id="f2", at=T0 + timedelta(days=10), kind="escalation", author="exec"),
        ]
    )
    early = assess(account, as_of=T0 + timedelta(days=1))
    late = assess(account, as_of=T0 + timedelta(days=11))
    assert [s.evidence for s in early.signals] == [("f1",)]
    assert late.score < early.score


def test_as_of_hides_later_delivery_acceptance_and_confirmation():
    account = make_account(
        expectations=[
            Expectation(id="e", dimension="reliability", confirmed_at=T0 + timedelta(days=5))
        ],
        deliverables=[
            Deliverable(
                id="d",
                expectation="e",
                delivered_at=T0 + timedelta(days=2),
                accepted_at=T0 + timedelta(days=4),
            )
        ],
    )
    seen = []

    class Spy:
        name = "spy"
        description = "Records what it sees."

        def score(self, account, ctx):
            seen.append(account)
            return []

    class Plugin:
        @hookimpl
        def perception_register_scorers(self, register):
            register(Spy())

    registry = registry_with(Plugin())
    assess(account, as_of=T0 + timedelta(days=3), plugins=registry)
    view = seen[-1]
    assert view.deliverables[0].delivered_at is not None
    assert view.deliverables[0].accepted_at is None
    assert view.expectations[0].confirmed_at is None
    assess(account, as_of=T0 + timedelta(days=1), plugins=registry)
    assert seen[-1].deliverables[0].delivered_at is None
    assess(account, as_of=T0 + timedelta(days=9), plugins=registry)
    assert seen[-1] is account


def signal(value, weight=1.0, dimension=Dimension.RELIABILITY, scorer="s"):
    return Signal(
        scorer=scorer, dimension=dimension, value=value, weight=weight, explanation=f"value {value}"
    )


def test_aggregate_without_evidence_is_neutral_and_unsure():
    score, confidence, dims, drivers = aggregate([], {})
    assert (score, confidence, dims, drivers) == (50.0, 0.0, {}, ())


def test_aggregate_weights_dimensions_and_drivers():
    signals = [
        signal(-1.0, weight=3.0),
        signal(0.5, dimension=Dimension.EMPATHY),
        signal(0.01, weight=0.1),
    ]
    score, confidence, dims, drivers = aggregate(signals, {})
    assert score < 50
    assert dims[Dimension.EMPATHY] == 0.5
    assert dims[Dimension.RELIABILITY] < 0
    assert drivers[0].text == "value -1.0"
    assert drivers[0].impact < 0
    assert len(drivers) == 2  # the tiny signal moves the score by less than half a point
    assert 0 < confidence < 1


def test_config_weights_and_disable():
    account = make_account(feedback=[Feedback(id="f", at=T0, kind="nps", value=0)])
    base = assess(account, as_of=T0)
    off = assess(account, as_of=T0, config=Config(disable=frozenset({"voice"})))
    assert base.band is Band.CRITICAL
    assert off.signals == ()
    assert off.score == 50.0


def score_account(i):
    return make_account(
        id=f"a{i}", feedback=[Feedback(id="f", at=T0, kind="csat", value=1 + i % 5)]
    )


def test_assess_many_preserves_order_in_one_and_two_processes():
    accounts = [score_account(i) for i in range(12)]
    one = list(assess_many(accounts, as_of=T0))
    two = list(assess_many(iter(accounts), as_of=T0, workers=2, chunksize=2))
    assert [o.account for o in two] == [a.id for a in accounts]
    assert [o.score for o in one] == [o.score for o in two]


def test_assess_many_rejects_bad_workers():
    with pytest.raises(ValueError, match="workers"):
        list(assess_many([], workers=0))


class SpanCheck:
    name = "span-check"
    description = "Flags the word 'policy' and returns one span past the end."

    def check(self, message, ctx):
        index = message.text.find("policy")
        if index >= 0:
            yield Finding(
                check=self.name,
                severity="warning",
                message="policy",
                span=Span(start=index, end=index + 6),
            )
        yield Finding(
            check=self.name,
            severity="info",
            message="out of range",
            span=Span(start=0, end=len(message.text) + 5),
        )


class SpanPlugin:
    @hookimpl
    def perception_register_checks(self, register):
        register(SpanCheck())


def test_check_orders_findings_and_reports_spans_outside_the_text():
    report = check("That's our policy.", plugins=registry_with(SpanPlugin()))
    assert [f.message for f in report.findings] == ["out of range", "policy"]
    assert report.findings[0].span is None
    assert report.findings[1].span == Span(start=11, end=17)
    assert report.worst().value == "warning"
    assert report.length == 18
    (failure,) = report.failures
    assert failure.plugin == "span-check"
    assert "lies outside the message (length 18)" in failure.error


def test_check_resolves_reply_to_and_recipient():
    account = make_account(interactions=[message("m1", "This is broken!", author="exec")])
    report = check("Thanks for the note.", account=account, reply_to="m1")
    assert any("Alex Morgan" in f.message for f in report.findings)
    with pytest.raises(ValueError, match="no interaction with id 'zz'"):
        check("x", account=account, reply_to="zz")


def test_outbound_findings_reach_the_outcome():
    class Uses:
        name = "uses-checks"
        description = "Runs checks on outbound messages."

        def score(self, account, ctx):
            for item in account.interactions:
                ctx.check(item)
                ctx.check(item)  # cached
            return []

    class Plugin:
        @hookimpl
        def perception_register_scorers(self, register):
            register(Uses())

        @hookimpl
        def perception_register_checks(self, register):
            register(SpanCheck())

    account = make_account(interactions=[message("m1", "our policy", inbound=False)])
    outcome = assess(account, as_of=T0 + timedelta(days=1), plugins=registry_with(Plugin()))
    assert [f.evidence for f in outcome.findings if f.check == "span-check"] == [
        ("m1",),
        ("m1",),
    ]


def test_plan_followups_deduplicates_keys_and_sorts():
    class Twice:
        name = "twice"
        description = "Plans the same follow-up twice and one earlier."

        def followups(self, account, outcome, ctx):
            for key, days in (("k2", 2), ("k2", 2), ("k1", 1)):
                yield FollowUp(
                    policy=self.name,
                    key=key,
                    account=account.id,
                    due=ctx.as_of + timedelta(days=days),
                    action="Call.",
                    reason="Because.",
                )

    class Plugin:
        @hookimpl
        def perception_register_policies(self, register):
            register(Twice())

    plan = plan_followups(make_account(), as_of=T0, plugins=registry_with(Plugin()))
    assert [f.key for f in plan.followups] == ["k1", "k2"]


def test_assess_with_plan_includes_followups():
    account = make_account(interactions=[message("m1", "hello", days=-60)])
    outcome = assess(account, as_of=T0, plan=True)
    assert "break-silence" in {f.policy for f in outcome.followups}
    assert not assess(account, as_of=T0).followups


def test_registry_argument_types():
    pm = get_plugin_manager(load_entrypoints=False)
    by_pm = assess(make_account(), as_of=T0, plugins=pm)
    by_registry = assess(make_account(), as_of=T0, plugins=Registry.from_plugin_manager(pm))
    assert by_pm == by_registry


def write_jsonl_with(tmp_path, accounts, bad_line=None):
    path = tmp_path / "p.jsonl"
    write_jsonl(accounts, path)
    if bad_line is not None:
        lines = path.read_text().splitlines()
        lines.insert(bad_line, json.dumps({"customer": {"id": "bad"}}))
        path.write_text("\n\n".join(lines) + "\n")  # blank lines keep their numbers
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_assess_file_streams_in_order(tmp_path, workers):
    accounts = [score_account(i) for i in range(9)]
    path = write_jsonl_with(tmp_path, accounts)
    outcomes = list(assess_file(path, as_of=T0, workers=workers, chunksize=2))
    assert [o.account for o in outcomes] == [a.id for a in accounts]
    expected = [o.score for o in assess_many(accounts, as_of=T0)]
    assert [o.score for o in outcomes] == expected


@pytest.mark.parametrize("workers", [1, 2])
def test_assess_file_names_the_line_of_a_bad_record(tmp_path, workers):
    path = write_jsonl_with(tmp_path, [score_account(i) for i in range(4)], bad_line=2)
    with pytest.raises(ValidationError) as info:
        list(assess_file(path, as_of=T0, workers=workers, chunksize=1))
    # lines are 1, 3, 5 (bad), 7, 9: blank lines between them
    assert {p.source for p in info.value.problems} == {f"{path}:5 (customer 'bad')"}
    assert {p.path for p in info.value.problems} == {"customer.name"}


def test_assess_file_reads_json_too(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([dump_account(score_account(1))]))
    assert [o.account for o in assess_file(path, as_of=T0, workers=2)] == ["a1"]


def test_validation_error_survives_pickling():
    error = ValidationError([Problem(path="a.b", message="bad", source="f:1")], summary="s")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems
    assert str(copy) == str(error)
