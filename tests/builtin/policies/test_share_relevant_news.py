"""The ``share-relevant-news`` policy and its catalogue."""

from __future__ import annotations

import pytest

from perception import Band, Config, Priority, get_plugin_manager, plan_followups
from perception.builtin.policies import ShareRelevantNewsPolicy, parse_catalogue
from perception.errors import ConfigError

from ._support import account, day, msg, outcome, run

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
