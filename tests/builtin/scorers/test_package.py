"""The built-in scorers as a whole: registration, one module each, shared promises."""

from __future__ import annotations

import importlib

import pytest

import perception
from perception.builtin import scorers
from perception.config import Config
from perception.errors import ConfigError
from perception.hookspecs import EvidenceKind
from perception.model import Deliverable, Expectation, Feedback
from perception.options import defaults_of, help_of
from perception.plugins import BLOCK_ENV, DEFAULT_PLUGINS, get_plugin_manager, get_registry

from ._helpers import account, at, inbound, outbound

MODULES = [name for name in DEFAULT_PLUGINS if name.startswith("perception.builtin.scorers.")]


def test_every_builtin_scorer_is_registered_with_description_and_defaults():
    registry = perception.get_registry()
    for cls in scorers.BUILTIN_SCORERS:
        entry = registry.scorers[cls.name]
        assert entry.description
        assert entry.options_class is cls.Options
        assert entry.defaults == defaults_of(cls.Options)
        assert "weight" not in entry.defaults  # the one weight knob is [weights]
        assert all(help_of(cls.Options).values()), cls.name
        assert entry.weight == cls.weight
        assert entry.evidence_kind is cls.evidence_kind
        assert entry.origin == f"perception.builtin.scorers.{cls.name}"
        assert entry.origin == cls.__module__
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


def test_one_module_per_scorer_in_the_order_they_run():
    assert [cls.__module__ for cls in scorers.BUILTIN_SCORERS] == MODULES
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    builtin = [name for name, entry in registry.scorers.items() if entry.origin in MODULES]
    assert builtin == [cls.name for cls in scorers.BUILTIN_SCORERS]


def test_the_package_registers_nothing_itself():
    assert not hasattr(scorers, "perception_register_scorers")
    for name in MODULES:
        module = importlib.import_module(name)
        assert callable(module.perception_register_scorers)


@pytest.mark.parametrize("module", MODULES)
def test_each_scorer_module_can_be_blocked_alone(monkeypatch, module):
    monkeypatch.setenv(BLOCK_ENV, module)
    registry = get_registry(get_plugin_manager(load_entrypoints=False))
    blocked = module.rsplit(".", 1)[1]
    assert blocked not in registry.scorers
    others = {cls.name for cls in scorers.BUILTIN_SCORERS} - {blocked}
    assert others <= set(registry.scorers)
    assert {"personalization", "break-silence"} <= registry.names()  # checks, policies stay
    acc = account(
        interactions=[inbound("m1", at(0), "This is terrible, why is it late?")],
        feedback=[Feedback(id="f1", at=at(1), kind="complaint", author="dana")],
    )
    outcome = perception.assess(acc, as_of=at(30), plugins=registry, strict=True)
    assert blocked not in {s.scorer for s in outcome.signals}


def test_scorer_options_are_validated_by_the_config():
    registry = perception.get_registry()
    Config.from_mapping({"options": {"responsiveness": {"adequate_hours": 8}}}).validate(registry)
    with pytest.raises(ConfigError, match=r"options\.responsiveness\.adequat: unknown option"):
        Config.from_mapping({"options": {"responsiveness": {"adequat": 8}}}).validate(registry)
    with pytest.raises(ConfigError, match=r"options\.sentiment\.half_life_days: must be a number"):
        Config.from_mapping({"options": {"sentiment": {"half_life_days": "high"}}}).validate(
            registry
        )
    with pytest.raises(ConfigError, match=r"options\.sentiment\.weight: unknown option"):
        Config.from_mapping({"options": {"sentiment": {"weight": 2.0}}}).validate(registry)


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


def busy_account():
    return account(
        expectations=[Expectation(id="e1", dimension="reliability", due=at(0), importance=0.9)],
        deliverables=[Deliverable(id="d1", expectation="e1", delivered_at=at(19))],
        interactions=[
            inbound("m1", at(20), "This is terrible, why is it late?"),
            outbound("r1", at(22), "Sorry, we fixed it today."),
        ],
        feedback=[Feedback(id="f1", at=at(21), kind="complaint", author="dana")],
    )


def test_a_scorer_declares_its_weight_and_the_weights_table_sets_it():
    acc = busy_account()
    plain = perception.assess(acc, as_of=at(30), strict=True)
    declared = {cls.name: cls.weight for cls in scorers.BUILTIN_SCORERS}
    assert declared["voice"] == 3.0
    assert declared["sentiment"] == 1.5
    same = perception.assess(
        acc, as_of=at(30), strict=True, config=Config.from_mapping({"weights": declared})
    )
    assert same.score == pytest.approx(plain.score)
    silenced = perception.assess(
        acc, as_of=at(30), strict=True, config=Config.from_mapping({"weights": {"voice": 0}})
    )
    without = perception.assess(
        acc, as_of=at(30), strict=True, config=Config.from_mapping({"disable": ["voice"]})
    )
    assert silenced.score == pytest.approx(without.score)
    assert silenced.score != pytest.approx(plain.score)


def test_evidence_kinds_are_declared():
    kinds = {cls.name: cls.evidence_kind for cls in scorers.BUILTIN_SCORERS}
    assert kinds.pop("voice") is EvidenceKind.STATED
    assert kinds.pop("disconfirmation") is EvidenceKind.DELIVERY
    assert set(kinds.values()) == {EvidenceKind.INFERRED}
