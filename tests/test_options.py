"""Typed plugin options: declared as a frozen attrs class, structured once per config."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception import Config, ConfigError, Signal, assess, hookimpl
from perception.config import load_config
from perception.options import at_least, between, defaults_of, help_of, one_of, option
from perception.plugins import get_plugin_manager, get_registry
from perception.testing import make_account

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


class TypedScorer:
    name = "typed"
    description = "A scorer with typed options."
    weight = 2.0

    @attrs.frozen(kw_only=True)
    class Options:
        days: float = option(21.0, "days of grace", validator=at_least(0))
        mood: float = option(-0.05, "threshold", validator=between(-1, 1))
        kinds: tuple[str, ...] = option(("a", "b"), "kinds", validator=one_of(["a", "b", "c"]))
        loud: bool = option(False, "louder")

    seen: list[object] = []  # noqa: RUF012  # records what the scorer was handed

    def score(self, account, ctx):
        self.seen.append(ctx.options)
        yield Signal(scorer=self.name, dimension="empathy", value=0.5, explanation="typed")


class MappingScorer:
    name = "mapped"
    description = "A scorer with a plain defaults mapping."
    defaults = {"days": 3}  # noqa: RUF012  # read-only by contract

    def score(self, account, ctx):
        ctx.options["days"] = 4  # must fail: options are read-only
        return []


class Plugin:
    def __init__(self, *objs):
        self.objs = objs

    @hookimpl
    def perception_register_scorers(self, register):
        for obj in self.objs:
            register(obj)


@pytest.fixture
def registry():
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Plugin(TypedScorer(), MappingScorer()), name="typed-plugin")
    TypedScorer.seen.clear()
    return get_registry(pm)


def test_options_class_gives_defaults_and_help():
    assert defaults_of(TypedScorer.Options) == {
        "days": 21.0,
        "mood": -0.05,
        "kinds": ("a", "b"),
        "loud": False,
    }
    assert help_of(TypedScorer.Options)["days"] == "days of grace"


def test_ctx_options_is_an_instance_of_the_options_class(registry):
    config = Config.from_mapping({"options": {"typed": {"days": 3, "kinds": ["c"]}}})
    config.validate(registry)
    assess(make_account(), as_of=AS_OF, config=config, plugins=registry)
    (options,) = TypedScorer.seen
    assert isinstance(options, TypedScorer.Options)
    assert options.days == 3.0
    assert isinstance(options.days, float)
    assert options.kinds == ("c",)
    assert options.mood == -0.05


def test_options_are_structured_once_per_config(registry):
    config = Config.from_mapping({"options": {"typed": {"days": 3}}})
    entry = registry.scorers["typed"]
    assert entry.options(config) is entry.options(config)


def test_range_error_names_the_option_and_the_file(tmp_path, registry):
    path = tmp_path / "perception.toml"
    path.write_text("[options.typed]\ndays = -1\nmood = 2.5\nkinds = ['z']\n", encoding="utf-8")
    config = load_config(path)
    with pytest.raises(ConfigError) as info:
        config.validate(registry)
    text = str(info.value)
    assert str(path) in text
    assert "options.typed.days: must be >= 0, not -1.0" in text
    assert "options.typed.mood: must be from -1 to 1, not 2.5" in text
    assert "options.typed.kinds: unknown value 'z' (allowed: a, b, c)" in text


def test_wrong_type_and_unknown_option_are_named(registry):
    config = Config.from_mapping({"options": {"typed": {"loud": "yes", "colour": 1}}})
    with pytest.raises(ConfigError) as info:
        config.validate(registry)
    text = str(info.value)
    assert "options.typed.colour: unknown option (allowed: days, kinds, loud, mood)" in text
    assert "options.typed.loud: must be true or false" in text


def test_the_engine_validates_options_it_is_given_lazily(registry):
    config = Config.from_mapping({"options": {"typed": {"days": math.inf}}})
    with pytest.raises(ConfigError, match=r"options\.typed\.days: must be a finite number"):
        assess(make_account(), as_of=AS_OF, config=config, plugins=registry)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_at_least_accepts_exactly_the_finite_numbers_in_range(value):
    cls = attrs.make_class("O", {"x": option(0.0, "x", validator=at_least(0))}, kw_only=True)
    if math.isfinite(value) and value >= 0:
        assert cls(x=value).x == value
    else:
        with pytest.raises(ValueError, match="x"):
            cls(x=value)


def test_mapping_options_are_read_only(registry):
    outcome = assess(make_account(), as_of=AS_OF, plugins=registry)
    (failure,) = [f for f in outcome.failures if f.plugin == "mapped"]
    assert "TypeError" in failure.error


def test_config_tables_are_read_only():
    config = Config.from_mapping({"weights": {"voice": 2}, "options": {"silence": {"days": 3}}})
    with pytest.raises(TypeError):
        config.weights["voice"] = 3.0  # type: ignore[index]
    with pytest.raises(TypeError):
        config.options["silence"]["days"] = 4  # type: ignore[index]


def test_declared_weight_is_the_one_knob(registry):
    account = make_account()
    plain = assess(account, as_of=AS_OF, plugins=registry)
    assert registry.scorers["typed"].weight == 2.0
    same = assess(
        account,
        as_of=AS_OF,
        plugins=registry,
        config=Config.from_mapping({"weights": {"typed": 2.0}}),
    )
    assert same.score == plain.score
    lighter = assess(
        account,
        as_of=AS_OF,
        plugins=registry,
        config=Config.from_mapping({"weights": {"typed": 0.5}}),
    )
    assert lighter.score < plain.score


def test_a_plugin_declaring_both_options_and_defaults_is_refused():
    class Both(TypedScorer):
        name = "both"
        defaults = {"days": 1}  # noqa: RUF012

    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(Plugin(Both()), name="both-plugin")
    with pytest.raises(Exception, match="either Options or defaults"):
        get_registry(pm)
