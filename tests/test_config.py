from __future__ import annotations

import pytest

from perception import Band, Config, ConfigError, load_config
from perception.config import find_config
from perception.plugins import get_plugin_manager, get_registry


@pytest.fixture
def registry():
    return get_registry(get_plugin_manager(load_entrypoints=False))


def test_defaults():
    config = Config()
    assert config.band(80) is Band.DELIGHTED
    assert config.band(79.9) is Band.SATISFIED
    # Where customers of the labelled surveys were 60% likely to say they were satisfied
    # (docs/explanation/validity.md, "What the bands mean").
    assert config.band(60) is Band.SATISFIED
    assert config.band(59.9) is Band.NEUTRAL
    assert config.band(50) is Band.NEUTRAL
    assert config.band(30) is Band.AT_RISK
    assert config.band(0) is Band.CRITICAL
    assert config.weight("voice") == 1.0


def test_unknown_keys_are_errors_and_all_are_listed():
    with pytest.raises(ConfigError) as info:
        Config.from_mapping(
            {"disabled": ["x"], "weights": {"voice": -1}, "bands": {"happy": 90}},
            source="perception.toml",
        )
    text = str(info.value)
    assert "perception.toml: 3 problems" in text
    assert "unknown key 'disabled'" in text
    assert "weights.voice: must be a finite number >= 0" in text
    assert "bands.happy: unknown band" in text


def test_bands_must_fall():
    with pytest.raises(ConfigError, match="must fall"):
        Config.from_mapping({"bands": {"at_risk": 90}})


def test_validate_against_registry(registry):
    config = Config.from_mapping(
        {
            "disable": ["nope"],
            "weights": {"break-silence": 2},
            "options": {"break-silence": {"days": "ten", "colour": 1}, "ghost": {}},
        }
    )
    with pytest.raises(ConfigError) as info:
        config.validate(registry)
    text = str(info.value)
    assert "disable: no scorer, check or policy is named 'nope'" in text
    assert "weights.break-silence: no scorer is named" in text
    assert "options.break-silence.days: must be a number, not str 'ten'" in text
    assert (
        "options.break-silence.colour: unknown option "
        "(allowed: at_risk_days, days, inbound_only, recovery_days)" in text
    )
    assert "options.ghost: no scorer" in text


def test_valid_config_validates(registry):
    config = Config.from_mapping(
        {"disable": ["personalization"], "options": {"break-silence": {"days": 30}}}
    )
    config.validate(registry)
    assert config.options_for("break-silence", {"days": 21, "at_risk_days": 7}) == {
        "days": 30,
        "at_risk_days": 7,
    }


def test_load_from_pyproject_and_perception_toml(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.perception]\ndisable = ["voice"]\n'
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "pyproject.toml"
    assert load_config(start=nested).disable == {"voice"}
    (nested / "perception.toml").write_text("[weights]\nvoice = 2.5\n")
    config = load_config(start=nested)
    assert config.weight("voice") == 2.5
    assert config.source.endswith("perception.toml")


def test_no_config_found_gives_defaults(tmp_path):
    (tmp_path / ".git").mkdir()
    assert load_config(start=tmp_path) == Config()


def test_pyproject_without_table_is_skipped(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path) is None


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "perception.toml"
    path.write_text("disable = [\n")
    with pytest.raises(ConfigError, match=r"perception\.toml: not valid TOML"):
        load_config(path)
