"""The ``share-relevant-news`` policy and its catalogue."""

from __future__ import annotations

import pytest

from perception import Band, Config, Dimension, Feedback, Priority, plan_followups
from perception.builtin.policies import NewsItem, ShareRelevantNewsPolicy, parse_catalogue
from perception.errors import ConfigError

from ._support import account, day, msg, outcome, registry, run

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


PREFIX = r"options\.share-relevant-news\.catalogue"
BAD_CATALOGUES = [
    ([{"title": "x"}], PREFIX + r"\[0\]\.id: required field is missing"),
    ([{"id": "a", "title": " "}], PREFIX + r"\[0\]\.title: must be a non-empty string"),
    (
        [{"id": "a", "title": "x"}, {"id": "a", "title": "y"}],
        PREFIX + r"\[1\]\.id: 'a' appears twice",
    ),
    (
        [{"id": "a", "title": "x", "dimensions": ["vibes"]}],
        PREFIX + r"\[0\]\.dimensions\[0\]: must be one of 'reliability', .*, not 'vibes'",
    ),
    ([{"id": "a", "title": "x", "colour": "red"}], PREFIX + r"\[0\]\.colour: unknown field"),
    ([{"id": "a", "title": "x", "url": 3}], PREFIX + r"\[0\]\.url: must be a string"),
    (
        [{"id": "a", "title": "x", "keywords": [1]}],
        PREFIX + r"\[0\]\.keywords\[0\]: must be a string",
    ),
]


@pytest.mark.parametrize(("catalogue", "message"), BAD_CATALOGUES)
def test_a_bad_catalogue_is_reported_with_its_place(catalogue, message):
    with pytest.raises(ConfigError, match=message):
        parse_catalogue("share-relevant-news", catalogue)


@pytest.mark.parametrize(("catalogue", "message"), BAD_CATALOGUES)
def test_a_bad_catalogue_fails_config_validation_with_its_place(catalogue, message):
    config = Config.from_mapping({"options": {"share-relevant-news": {"catalogue": catalogue}}})
    with pytest.raises(ConfigError, match=message):
        config.validate(registry())


def test_a_catalogue_that_is_not_a_list_is_refused():
    with pytest.raises(ConfigError, match=PREFIX):
        parse_catalogue("share-relevant-news", "nope")


def test_a_catalogue_that_is_not_a_list_is_refused_in_words():
    with pytest.raises(ConfigError, match=PREFIX + r": must be a list"):
        parse_catalogue("share-relevant-news", "nope")


def test_the_catalogue_is_structured_once_into_items():
    (item,) = parse_catalogue(
        "share-relevant-news",
        [
            {
                "id": "a",
                "title": "x",
                "segments": ["SMB"],
                "dimensions": ["tangibles"],
                "keywords": ["SSO", " "],
            }
        ],
    )
    assert item == NewsItem(
        id="a", title="x", segments=("smb",), dimensions=(Dimension.TANGIBLES,), keywords=("sso",)
    )
    config = Config.from_mapping({"options": {"share-relevant-news": {"catalogue": CATALOGUE}}})
    options = registry().policies["share-relevant-news"].options(config)
    assert [i.id for i in options.catalogue] == ["sso", "smb-pack", "api"]


def test_a_bad_catalogue_is_a_configuration_error_in_the_plan():
    config = Config.from_mapping({"options": {"share-relevant-news": {"catalogue": [{"id": 1}]}}})
    with pytest.raises(ConfigError, match=PREFIX + r"\[0\]\.id: must be a string, not int 1"):
        plan_followups(account(), outcome(), config=config, plugins=registry())


def test_no_news_while_the_account_recovers_from_an_escalation():
    acct = account(
        interactions=[msg("m1", day(0), "inbound", "Our login takes ages")],
        feedback=[Feedback(id="f1", at=day(1), kind="escalation")],
    )
    policy = ShareRelevantNewsPolicy()
    assert run(policy, acct, as_of=day(2), catalogue=CATALOGUE) == []
    assert run(policy, acct, as_of=day(40), catalogue=CATALOGUE)
    assert run(policy, acct, as_of=day(2), catalogue=CATALOGUE, recovery_days=0)
