"""The fields teams have: commercial facts, cases (tickets), product usage, custom attributes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import (
    Case,
    CasePriority,
    CaseStatus,
    FeedbackKind,
    FollowUp,
    LifecycleStage,
    Money,
    Signal,
    UsageEvent,
    ValidationError,
    assess,
    followup_key,
    hookimpl,
    outcome,
    plan_followups,
)
from perception.io import (
    dump_account,
    iter_accounts,
    json_schema,
    load_account,
    load_accounts,
    write_jsonl,
)
from perception.report import account_facts, account_markdown, account_text, when
from perception.testing import T0, make_account, message

DATA = Path(__file__).parent / "data"

CASE = Case(
    id="T-1",
    opened_at=T0,
    subject="Export fails",
    status="pending",
    priority="high",
    closed_at=T0 + timedelta(days=2),
    requester="exec",
    assignee="Sam",
    tags=("export", "p2"),
)

#: One value for each new field, and how to put it on an account.
NEW_FIELDS = {
    "arr": {"arr": Money(amount=120_000, currency="EUR")},
    "mrr": {"mrr": Money(amount=10_000.5, currency="usd")},
    "renewal": {"renewal": date(2026, 9, 30)},
    "plan": {"plan": "Enterprise"},
    "lifecycle": {"lifecycle": LifecycleStage.EXPANSION},
    "attributes": {"attributes": {"seats": 40, "region": "EMEA", "strategic": True, "nps": 7.5}},
    "cases": {"cases": (CASE,)},
    "case.closed_at-absent": {"cases": (attrs.evolve(CASE, closed_at=None, status="open"),)},
    "usage": {
        "usage": (
            UsageEvent(metric="weekly_active_users", at=T0, value=41, unit="users"),
            UsageEvent(metric="storage", at=T0, value=2.5, unit="GB", id="s-1"),
        )
    },
}


def _with(fields):
    account = make_account()
    return attrs.evolve(account, **fields)


@pytest.mark.parametrize("field", sorted(NEW_FIELDS))
def test_each_new_field_round_trips_through_json(field):
    account = _with(NEW_FIELDS[field])
    data = json.loads(json.dumps(dump_account(account)))
    assert load_account(data) == account
    jsonschema.validate(data, json_schema())


def test_interaction_case_round_trips_through_jsonl(tmp_path):
    account = make_account(
        interactions=[message("m1", "The export fails.", case="T-1")], cases=(CASE,)
    )
    path = tmp_path / "a.jsonl"
    write_jsonl([account], path)
    (back,) = iter_accounts(path)
    assert back == account
    assert back.interactions[0].case == "T-1"
    assert back.case_interactions("T-1") == back.interactions


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(min_size=1).filter(str.strip), st.none(), max_size=1))
def test_attribute_values_keep_their_type(names):
    values = {"n": 3, "f": 0.25, "b": False, "s": "3"}
    account = _with({"attributes": values})
    back = load_account(json.loads(json.dumps(dump_account(account))))
    assert {k: type(v) for k, v in back.attributes.items()} == {
        "n": int,
        "f": float,
        "b": bool,
        "s": str,
    }
    for name in names:
        with pytest.raises(ValidationError, match="must be a string, a number or true/false"):
            load_account({"customer": {"id": "a", "name": "A"}, "attributes": {name: None}})


def test_an_old_file_is_still_valid():
    old = load_accounts(DATA / "portfolio-0.1.json")
    assert len(old) == 12
    assert all(a.cases == () and a.usage == () and a.arr is None for a in old)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("feedback", 0, "kind"), "NPS", FeedbackKind.NPS),
        (("feedback", 0, "kind"), " Nps ", FeedbackKind.NPS),
        (("lifecycle",), "ONBOARDING", LifecycleStage.ONBOARDING),
        (("cases", 0, "status"), "Solved", CaseStatus.SOLVED),
        (("cases", 0, "priority"), "URGENT", CasePriority.URGENT),
    ],
)
def test_enumerations_accept_any_case(path, value, expected):
    data = {
        "customer": {"id": "a", "name": "A"},
        "feedback": [{"id": "f", "at": "2026-03-01T00:00:00Z", "kind": "nps", "value": 3}],
        "cases": [{"id": "c", "opened_at": "2026-03-01T00:00:00Z"}],
    }
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    account = load_account(data)
    found = account
    for key in path:
        found = found[key] if isinstance(key, int) else getattr(found, key)
    assert found is expected
    jsonschema.validate(data, json_schema())


def test_every_problem_of_the_new_fields_is_named():
    data = {
        "customer": {"id": "a", "name": "A"},
        "arr": {"amount": -5, "currency": "euro"},
        "renewal": "2026-09-31",
        "lifecycle": "zombie",
        "attributes": {"x": [1]},
        "cases": [
            {
                "id": "c",
                "opened_at": "2026-03-02T00:00:00Z",
                "closed_at": "2026-03-01T00:00:00Z",
                "status": "gone",
            }
        ],
        "usage": [{"metric": "", "at": "2026-03-01T00:00:00", "value": "many"}],
        "interactions": [
            {"id": "m", "at": "2026-03-01T00:00:00Z", "direction": "inbound", "case": "nope"}
        ],
    }
    with pytest.raises(ValidationError) as info:
        load_account(data)
    paths = {p.path for p in info.value.problems}
    assert {
        "arr.amount",
        "arr.currency",
        "renewal",
        "lifecycle",
        "attributes['x']",
        "cases[0].status",
        "usage[0].at",
        "usage[0].value",
    } <= paths
    data.update(arr=None, renewal=None, lifecycle=None, attributes={}, usage=[])
    data["cases"][0]["status"] = "open"
    with pytest.raises(ValidationError) as info:
        load_account(data)
    messages = {p.path: p.message for p in info.value.problems}
    assert messages == {"cases[0].closed_at": "must not be before opened_at"}
    data["cases"][0]["closed_at"] = None
    with pytest.raises(ValidationError) as info:
        load_account(data)
    messages = {p.path: p.message for p in info.value.problems}
    assert messages == {"interactions[0].case": "no case with id 'nope' in this account"}


def test_as_of_reopens_cases_closed_later_and_drops_later_usage():
    account = make_account(
        interactions=[message("m1", "Help", case="T-1", days=0.5)],
        cases=(
            attrs.evolve(CASE, status="solved"),
            attrs.evolve(CASE, id="T-2", opened_at=T0 + timedelta(days=5), closed_at=None),
        ),
        usage=(
            UsageEvent(metric="wau", at=T0, value=1),
            UsageEvent(metric="wau", at=T0 + timedelta(days=7), value=2),
        ),
    )
    view = account.as_of(T0 + timedelta(days=1))
    assert [c.id for c in view.cases] == ["T-1"]
    assert view.cases[0].is_open
    assert view.cases[0].closed_at is None
    assert [u.value for u in view.usage] == [1]
    assert view.open_cases() == view.cases
    assert account.as_of(T0 + timedelta(days=30)) is account
    early = account.as_of(T0 - timedelta(days=1))
    assert early.cases == ()


class _CasesScorer:
    name = "open-cases-test"
    description = "Urgent cases still open, and falling usage."

    def score(self, account, ctx):
        for case in account.open_cases():
            if case.priority is CasePriority.HIGH:
                yield Signal(
                    scorer=self.name,
                    dimension="responsiveness",
                    value=-0.6,
                    explanation=f"Case {case.id} open for {case.open_for(ctx.as_of):.0f} days.",
                    evidence=[case.id, *(i.id for i in account.case_interactions(case.id))],
                )
        series = account.usage_series("wau")
        if len(series) > 1 and series[-1].value < series[0].value:
            yield Signal(
                scorer=self.name,
                dimension="tangibles",
                value=-0.3,
                explanation="Weekly active users fell.",
                evidence=[series[0].id, series[-1].id],
            )


class _RenewalPolicy:
    name = "renewal-check-in-test"
    description = "A call 60 days before renewal."

    def followups(self, account, outcome, ctx):
        if account.renewal is None:
            return
        due = T0.replace(
            year=account.renewal.year, month=account.renewal.month, day=account.renewal.day
        ) - timedelta(days=60)
        yield FollowUp(
            policy=self.name,
            key=followup_key(self.name, account.id, account.renewal.isoformat()),
            account=account.id,
            due=due,
            action=f"Call before the {account.plan} renewal ({account.arr}).",
            reason="The contract renews soon.",
        )


class _FactsPlugin:
    @hookimpl
    def perception_register_scorers(self, register):
        register(_CasesScorer())

    @hookimpl
    def perception_register_policies(self, register):
        register(_RenewalPolicy())


def test_scorers_and_policies_read_cases_usage_and_renewal(perception_plugin):
    registry = perception_plugin(_FactsPlugin())
    account = make_account(
        interactions=[message("m1", "The export fails.", case="T-1")],
        cases=(attrs.evolve(CASE, closed_at=None, status="open"),),
        usage=(
            UsageEvent(metric="wau", at=T0 - timedelta(days=14), value=40),
            UsageEvent(metric="wau", at=T0, value=30),
        ),
        renewal=date(2026, 9, 30),
        plan="Enterprise",
        arr=Money(amount=1000, currency="EUR"),
    )
    outcome = assess(account, as_of=T0 + timedelta(days=3), plugins=registry)
    signals = [s for s in outcome.signals if s.scorer == "open-cases-test"]
    assert [s.evidence for s in signals] == [
        ("T-1", "m1"),
        ("wau@" + (T0 - timedelta(days=14)).isoformat(), "wau@" + T0.isoformat()),
    ]
    plan = plan_followups(account, outcome, plugins=registry)
    (followup,) = [f for f in plan.followups if f.policy == "renewal-check-in-test"]
    assert followup.due.date() == date(2026, 8, 1)
    assert "1,000 EUR" in followup.action


def test_reports_show_the_facts():
    account = attrs.evolve(
        make_account(),
        cases=(attrs.evolve(CASE, closed_at=None, status="open"),),
        usage=(
            UsageEvent(metric="weekly_active_users", at=T0 - timedelta(days=14), value=40),
            UsageEvent(metric="weekly_active_users", at=T0, value=30, unit="users"),
        ),
        renewal=(T0 + timedelta(days=45)).date(),
        plan="Enterprise",
        lifecycle="renewal",
        arr=Money(amount=120_000, currency="EUR"),
        owner="Sam Keller",
        attributes={"strategic": True, "seats": 40},
    )
    as_of = T0 + timedelta(days=3)
    facts = dict(account_facts(account, as_of))
    assert facts["ARR"] == "120,000 EUR"
    assert facts["Renewal"] == f"{when(account.renewal)} (in 42 days)"
    assert facts["Lifecycle stage"] == "renewal"
    assert facts["Cases"].startswith(
        "1 open of 1; most urgent: T-1 (high) Export fails, open 3 days"
    )
    assert facts["Weekly active users"] == (
        f"30 users on {when(T0)}, down 25% from 40 on {when(T0 - timedelta(days=14))}"
    )
    assert facts["strategic"] == "yes"
    outcome = assess(account, as_of=as_of)
    text = account_text(outcome, account=account)
    assert "Owner: Sam Keller" in text
    assert "Plan: Enterprise" in text
    assert "**ARR**: 120,000 EUR" in account_markdown(outcome, account=account)
    assert "Owner" not in account_text(outcome)


def test_when_writes_dates_in_words():
    assert when(date(2026, 6, 30)) == "30 June 2026"
    assert when(T0) == f"{T0.day} {T0:%B %Y}"


def test_a_case_and_a_follow_up_share_one_priority_scale() -> None:
    assert CasePriority is outcome.Priority
    assert [p.rank for p in CasePriority] == [0, 1, 2, 3]
    assert Case(id="c", opened_at=T0, priority="HIGH").priority is outcome.Priority.HIGH
