"""The plain unit of batch work: Settings, assess_lines, check_texts, plugins by name."""

from __future__ import annotations

import json
import os
import pickle
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import named_plugin
from perception import Config, PerceptionError, assess, assess_many, check_many
from perception.batch import Settings, _job, assess_lines, check_texts
from perception.calibration import CalibrationModel, load_calibration
from perception.examples import SAMPLE_AS_OF, sample_portfolio
from perception.io import dump_account, to_jsonable
from perception.plugins import DEFAULT_PLUGINS, get_plugin_manager, get_registry, plugin_names
from strategies import aware

names = st.lists(st.from_regex(r"[a-z][a-z0-9_.]{0,12}", fullmatch=True), max_size=3)


@settings(max_examples=40, deadline=None)
@given(
    as_of=aware,
    plugins=names,
    blocked=names,
    strict=st.booleans(),
    plan=st.booleans(),
    budget=st.none() | st.floats(0.001, 1e6),
    weight=st.floats(0, 10),
)
def test_settings_survive_json_and_pickle(as_of, plugins, blocked, strict, plan, budget, weight):
    record = Settings(
        as_of=as_of,
        config=Config.from_mapping({"weights": {"voice": weight}}).to_mapping(),
        plugins=plugins,
        blocked=blocked,
        strict=strict,
        plan=plan,
        time_budget=budget,
    )
    assert Settings.from_json(record.to_json()) == record
    assert pickle.loads(pickle.dumps(record)) == record
    assert json.loads(record.to_json())["as_of"] == as_of.isoformat()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"as_of": datetime(2026, 1, 1)}, "timezone-aware"),  # the point
        ({"as_of": date(2026, 1, 1)}, "timezone-aware datetime, not date"),
        ({"time_budget": 0}, "positive number of seconds"),
        ({"time_budget": float("nan")}, "positive number of seconds"),
        ({"plugins": "named_plugin"}, "list of names"),
    ],
)
def test_settings_refuse_bad_values(fields, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Settings(**{"as_of": SAMPLE_AS_OF, **fields})


def test_settings_json_with_a_wrong_field_names_it():
    text = json.dumps({"as_of": "2026-01-01T00:00:00Z", "strict": "yes"})
    with pytest.raises(PerceptionError, match="strict"):
        Settings.from_json(text)


def test_a_configuration_travels_as_its_table():
    config = Config.from_mapping(
        {
            "disable": ["readability"],
            "weights": {"voice": 2.0},
            "bands": {"at_risk": 20},
            "options": {"break-silence": {"days": 30}},
        },
        source="perception.toml",
    )
    table = config.to_mapping()
    json.dumps(table)
    assert Config.from_mapping(table, source=config.source) == config


def test_plugins_are_named_and_rebuilt_in_the_same_order(monkeypatch):
    pm = get_plugin_manager(load_entrypoints=False, blocked=[DEFAULT_PLUGINS[0]])
    pm.register(named_plugin, name="named_plugin")
    plugins, blocked = plugin_names(pm)
    assert plugins == ("named_plugin",)
    assert blocked == (DEFAULT_PLUGINS[0],)
    rebuilt = get_plugin_manager(load_entrypoints=False, blocked=blocked, plugins=plugins)
    assert [e.name for e in get_registry(rebuilt)] == [e.name for e in get_registry(pm)]


def test_a_plugin_object_has_no_name_another_process_could_load():
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(named_plugin.PidScorer(), name="an-object")
    assert plugin_names(pm) is None
    with pytest.raises(ValueError, match="registered in-process"):
        Settings.create(plugins=pm)


def test_a_plugin_name_that_loads_nothing_is_named_in_the_error():
    with pytest.raises(PerceptionError, match=r"'no_such_module_here'.*ModuleNotFoundError"):
        get_plugin_manager(load_entrypoints=False, plugins=["no_such_module_here"])


def test_assess_lines_gives_a_result_for_every_record_and_skips_blank_lines():
    accounts = sample_portfolio()
    lines = [
        ("a.jsonl", 1, json.dumps(dump_account(accounts[0]))),
        ("a.jsonl", 2, "   "),
        ("a.jsonl", 3, '{"customer": {"id": "x", "name": "X"}, "interactions": 3}'),
        ("a.jsonl", 4, b"\xff\xfe not text\n"),
        ("a.jsonl", 5, "{not json"),
    ]
    results = [json.loads(r) for r in assess_lines(lines, Settings.create(as_of=SAMPLE_AS_OF))]
    assert [r["source"] for r in results] == ["a.jsonl:1", "a.jsonl:3", "a.jsonl:4", "a.jsonl:5"]
    assert results[0]["outcome"] == to_jsonable(
        next(assess_many([accounts[0]], as_of=SAMPLE_AS_OF))
    )
    assert results[1]["problems"][0]["path"] == "interactions"
    assert "UTF-16" in results[2]["problems"][0]["message"]
    assert "not valid JSON" in results[3]["problems"][0]["message"]


def test_plain_strings_are_numbered_in_the_order_given():
    (result,) = assess_lines(["{}"], Settings.create(as_of=SAMPLE_AS_OF))
    assert json.loads(result)["source"] == "<lines>:1"


def test_check_texts_gives_the_reports_of_check_many():
    texts = ["Per the SOW, the OCR is done.", "Thanks so much, all good!"]
    results = check_texts(texts, Settings.create(as_of=SAMPLE_AS_OF))
    assert [json.loads(r) for r in results] == [to_jsonable(r) for r in check_many(texts)]


def _model():
    weights = {"voice": 3.0, "sentiment": 1.5, "disconfirmation": 1.0}
    return CalibrationModel(
        intercept=0.3,
        coefficients={"voice": 1.1, "sentiment": 0.7, "disconfirmation": 0.9},
        scorers={"voice", "sentiment", "disconfirmation"},
        weights=weights,
    )


def test_a_calibration_travels_in_the_settings_and_is_applied_by_the_worker(tmp_path):
    model = _model()
    path = model.write(tmp_path / "model.json")
    settings = Settings.create(as_of=SAMPLE_AS_OF, calibration=path)
    assert settings.calibration == model.to_json()
    again = Settings.from_json(settings.to_json())
    assert again == settings
    assert pickle.loads(pickle.dumps(settings)) == settings
    account = sample_portfolio()[0]
    loaded = load_calibration(path)
    expected = assess(account, as_of=SAMPLE_AS_OF, config=Config(calibration=loaded))
    [line] = assess_lines([json.dumps(to_jsonable(dump_account(account)))], again)
    outcome = json.loads(line)["outcome"]
    assert expected.calibration is not None
    assert outcome["calibration"] == expected.calibration
    assert outcome["score"] == pytest.approx(expected.score)
    local = list(
        assess_many([account], as_of=SAMPLE_AS_OF, config=Config(calibration=loaded), workers=2)
    )
    assert local[0].score == pytest.approx(expected.score)
    assert local[0].calibration == expected.calibration


def test_settings_take_the_calibration_of_the_configuration():
    model = _model()
    settings = Settings.create(as_of=SAMPLE_AS_OF, config=Config(calibration=model))
    assert settings.calibration == model.to_json()
    account = sample_portfolio()[0]
    expected = assess(account, as_of=SAMPLE_AS_OF, config=Config(calibration=model))
    [line] = assess_lines([json.dumps(to_jsonable(dump_account(account)))], settings)
    assert json.loads(line)["outcome"]["calibration"] == expected.calibration
    assert Settings.create(as_of=SAMPLE_AS_OF).calibration is None


def test_a_calibration_path_in_settings_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match="calibration document"):
        Settings(as_of=SAMPLE_AS_OF, calibration="model.json")


def test_the_local_pool_sends_names_and_workers_load_the_plugins():
    pm = get_plugin_manager(load_entrypoints=False)
    pm.register(named_plugin, name="named_plugin")
    job = _job(SAMPLE_AS_OF, None, pm, strict=False, plan=False, time_budget=None)
    assert job.registry is None
    assert job.settings.plugins == ("named_plugin",)
    outcomes = list(assess_many(sample_portfolio(), as_of=SAMPLE_AS_OF, plugins=pm, workers=2))
    pids = {s.explanation for o in outcomes for s in o.signals if s.scorer == "pid-scorer"}
    assert pids
    assert f"pid {os.getpid()}" not in pids


def test_settings_default_to_now():
    before = datetime.now(timezone.utc)
    assert Settings.create().as_of >= before
