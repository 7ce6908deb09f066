"""Damaged and hostile input files: a clear error naming the file and the line, exit 2,
never a traceback, and nothing half-loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import Account, ConfigError, Customer, ValidationError, assess_file
from perception._validation import shown
from perception.cli import EXIT_INPUT, main
from perception.config import Config, load_config
from perception.errors import Problem
from perception.examples import SAMPLE_AS_OF, sample_path
from perception.io import (
    MAX_CSV_CELL,
    decode_text,
    iter_accounts,
    load_account,
    load_accounts,
    loads_json,
    read_interactions_csv,
)


@pytest.fixture
def portfolio_text():
    return Path(sample_path()).read_text(encoding="utf-8")


@pytest.fixture
def jsonl(tmp_path, portfolio_text):
    accounts = json.loads(portfolio_text)["accounts"]
    path = tmp_path / "portfolio.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in accounts), encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray perception.toml is picked up
    (tmp_path / ".git").mkdir(exist_ok=True)

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def _problems(excinfo):
    return [str(p) for p in excinfo.value.problems]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" + "1" * 5000 + "]", "a number has more than 4,300 digits"),
        ("[" * 1200 + "]" * 1200, "nested too deeply"),
        ('{"accounts": [', "not valid JSON"),
    ],
)
def test_json_beyond_the_decoders_limits_is_a_clear_error(cli, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    assert str(path) in str(info.value)
    assert any(message in p for p in _problems(info))
    result = cli("validate", path)
    assert result.exit_code == EXIT_INPUT
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "latin-1"])
def test_text_that_is_not_utf8_is_named_with_its_line(cli, tmp_path, portfolio_text, encoding):
    path = tmp_path / "other.json"
    path.write_bytes(portfolio_text.replace("Northwind", "N\u00f6rthwind").encode(encoding))
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    (problem,) = _problems(info)
    assert problem.startswith(f"{path}:")
    assert "UTF-8" in problem
    assert cli("validate", path).exit_code == EXIT_INPUT


def test_a_byte_order_mark_is_accepted(tmp_path, portfolio_text):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + portfolio_text.encode("utf-8"))
    assert len(load_accounts(path)) == 12


def test_a_jsonl_line_that_is_not_utf8_names_the_line(tmp_path, jsonl):
    lines = jsonl.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"a", b"\xe4", 1)
    jsonl.write_bytes(b"\n".join(lines))
    with pytest.raises(ValidationError) as info:
        load_accounts(jsonl)
    assert _problems(info)[0].startswith(f"{jsonl}:4: not UTF-8 text: byte 0xe4")


@pytest.mark.parametrize("workers", [1, 2])
def test_assess_file_reports_a_bad_line_after_the_outcomes_before_it(jsonl, workers):
    lines = jsonl.read_bytes().split(b"\n")
    lines[9] = b"\xff" + lines[9]
    jsonl.write_bytes(b"\n".join(lines))
    outcomes = []
    with pytest.raises(ValidationError, match=r"portfolio\.jsonl:10"):
        outcomes.extend(assess_file(jsonl, workers=workers, chunksize=1, as_of=SAMPLE_AS_OF))
    assert len(outcomes) == 9


def test_csv_cells_longer_than_the_csv_modules_default_are_read(tmp_path):
    path = tmp_path / "interactions.csv"
    text = "y" * 140_000
    path.write_text(
        f"account,id,at,direction,text\nacme,x1,2026-03-01T10:00:00+00:00,inbound,{text}\n",
        encoding="utf-8",
    )
    (item,) = read_interactions_csv(path)["acme"]
    assert item.text == text
    assert MAX_CSV_CELL >= 10_000_000


def test_csv_that_is_not_utf8_is_named_with_its_line(tmp_path):
    path = tmp_path / "interactions.csv"
    path.write_bytes(
        b"account,id,at,direction,text\nacme,x1,2026-03-01T10:00:00+00:00,inbound,caf\xe9\n"
    )
    with pytest.raises(ValidationError) as info:
        read_interactions_csv(path)
    assert _problems(info)[0].startswith(f"{path}:2: not UTF-8 text")


def test_a_configuration_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "perception.toml"
    path.write_bytes(b'disable = ["\xff"]\n')
    with pytest.raises(ConfigError, match=r"perception\.toml:1: not UTF-8 text"):
        load_config(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("tool = 5\n", "tool: must be a table, not int"),
        ("[tool]\nperception = 3\n", "the perception table must be a table"),
    ],
)
def test_a_pyproject_with_a_strange_tool_table_is_named(cli, tmp_path, content, message):
    (tmp_path / "pyproject.toml").write_text(content, encoding="utf-8")
    result = cli("--config", tmp_path / "pyproject.toml", "plugins")
    assert result.exit_code == EXIT_INPUT
    assert message in result.output
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path / "pyproject.toml")


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1.0])
def test_weights_must_be_finite_and_not_negative(value):
    with pytest.raises(ConfigError, match=r"weights\.voice: must be a finite number >= 0"):
        Config.from_mapping({"weights": {"voice": value}})


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_a_validation_error(raw):
    try:
        text = decode_text(raw, "f.json")
    except ValidationError as exc:
        sources = [p.source for p in exc.problems]
    else:
        sources = ["f.json:"]
        assert isinstance(text, str)
    assert all(s.startswith("f.json:") for s in sources)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='[]{}":,0123456789-eE.truefalsn \n', max_size=200))
def test_any_text_parses_or_raises_a_validation_error(text):
    try:
        loads_json(text, "f.json")
    except ValidationError as exc:
        sources = [p.source for p in exc.problems]
    else:
        sources = ["f.json"]
    assert all(s.startswith("f.json") for s in sources)


def test_a_key_given_twice_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"customer": {"id": "a", "id": "b", "name": "A"}}', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    assert "the key 'id' appears twice in one object" in _problems(info)[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [("x", "must be a list, not str 'x'"), ({"id": "m"}, "must be a list, not dict {'id': 'm'}")],
)
def test_a_list_field_given_a_string_or_an_object_is_named(tmp_path, value, message):
    data = {"customer": {"id": "a", "name": "A"}, "interactions": value}
    path = tmp_path / "shape.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    assert _problems(info) == [f"{path} (customer 'a'): interactions: {message}"]


def test_a_bad_item_of_a_list_is_named_by_its_index(tmp_path):
    data = {"customer": {"id": "a", "name": "A"}, "interactions": [{"id": "m"}, 3]}
    path = tmp_path / "items.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    paths = [p.path for p in info.value.problems]
    assert "interactions[0].at" in paths
    assert any(p.startswith("interactions[1]") for p in paths)


@pytest.mark.parametrize(
    ("row", "line", "message"),
    [
        ('acme,x1,2026-03-01T10:00:00+00:00,inbound,"unfinished\n', 2, "unexpected end of data"),
        ('acme,x1,2026-03-01T10:00:00+00:00,inbound,"a"b\n', 2, "',' expected after '\"'"),
    ],
)
def test_a_damaged_csv_is_refused_with_its_line(tmp_path, row, line, message):
    path = tmp_path / "damaged.csv"
    path.write_text("account,id,at,direction,text\n" + row, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_interactions_csv(path)
    assert _problems(info) == [f"{path}:{line}: not readable CSV: {message}"]


def test_a_csv_with_a_byte_order_mark_has_its_first_column(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbfaccount,id,at,direction,text\n"
        b"acme,x1,2026-03-01T10:00:00+00:00,inbound,hello\n"
    )
    assert [i.id for i in read_interactions_csv(path)["acme"]] == ["x1"]


def test_listing_an_empty_file_does_not_make_it_a_ledger(cli, tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    result = cli("followups", "list", "--db", path)
    assert result.exit_code == EXIT_INPUT
    assert "an empty file, not a ledger" in result.output
    assert path.read_bytes() == b""


def test_a_table_field_given_a_string_is_named(tmp_path):
    data = {"customer": {"id": "a", "name": "A", "glossary": "SLA"}}
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    assert _problems(info) == [
        f"{path} (customer 'a'): customer.glossary: must be a table, not str 'SLA'"
    ]


def test_an_option_table_given_a_string_is_named():
    from perception.plugins import get_plugin_manager, get_registry  # noqa: PLC0415

    config = Config.from_mapping({"options": {"communication": {"dimensions": "empathy"}}})
    with pytest.raises(ConfigError, match=r"options\.communication\.dimensions: must be a table"):
        config.validate(get_registry(get_plugin_manager(load_entrypoints=False)))


# -- shapes named in the user's terms ----------------------------------------------------------

_ACME = {"customer": {"id": "a", "name": "A"}}

#: Words of Python's own errors, which must never reach the user in place of a message.
_INTERNALS = (
    "has no attribute",
    "is not iterable",
    "has no len()",
    "not subscriptable",
    "unhashable",
    "NoneType",
    "Traceback",
)


def _load_problems(tmp_path, data):
    path = tmp_path / "shape.jsonl"
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    return {p.path: p.message for p in info.value.problems}


@pytest.mark.parametrize(
    "field",
    [
        "expectations",
        "deliverables",
        "interactions",
        "feedback",
        "cases",
        "usage",
    ],
)
@pytest.mark.parametrize(
    ("value", "shown"), [(5, "int 5"), (None, "null"), ("x", "str 'x'"), ([1], "list [1]")]
)
def test_a_nested_record_that_is_not_an_object_is_named(tmp_path, field, value, shown):
    found = _load_problems(tmp_path, {**_ACME, field: [value]})
    assert found == {f"{field}[0]": f"must be an object, not {shown}"}


def test_a_record_of_required_fields_names_them_when_it_is_not_an_object(tmp_path):
    found = _load_problems(tmp_path, {**_ACME, "arr": 5, "mrr": "12"})
    assert found == {
        "arr": "must be an object (amount and currency), not int 5",
        "mrr": "must be an object (amount and currency), not str '12'",
    }
    stakeholders = {"customer": {"id": "a", "name": "A", "stakeholders": [5]}}
    assert _load_problems(tmp_path, stakeholders) == {
        "customer.stakeholders[0]": "must be an object, not int 5"
    }
    assert _load_problems(tmp_path, {"customer": 5}) == {"customer": "must be an object, not int 5"}


@pytest.mark.parametrize(
    ("scale", "path", "message"),
    [
        (5, "scale", "must be a list of two numbers, not int 5"),
        ("15", "scale", "must be a list of two numbers, not str '15'"),
        ([1, 5, 9], "scale", "must be a list of two numbers, not list [1, 5, 9]"),
        ({"low": 1}, "scale", "must be a list of two numbers, not dict {'low': 1}"),
        ([1, "5"], "scale[1]", "must be a number, not str '5'"),
    ],
)
def test_a_scale_is_a_list_of_two_numbers_never_a_string_taken_apart(
    tmp_path, scale, path, message
):
    feedback = {"id": "f", "at": "2026-03-01", "kind": "csat", "value": 4, "scale": scale}
    expectation = {"id": "e", "dimension": "reliability", "scale": scale}
    found = _load_problems(tmp_path, {**_ACME, "feedback": [feedback]})
    assert found == {f"feedback[0].{path}": message}
    found = _load_problems(tmp_path, {**_ACME, "expectations": [expectation]})
    assert found == {f"expectations[0].{path}": message}


def _paths(data, prefix=()):
    """Every path into *data* (keys and indexes), the empty one first."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


_RICH = {
    "customer": {
        "id": "acme",
        "name": "Acme",
        "stakeholders": [{"id": "d", "name": "Dana"}],
        "glossary": {"SLA": "service level agreement"},
    },
    "expectations": [{"id": "e1", "dimension": "reliability", "scale": [1, 5], "adequate": 3}],
    "deliverables": [{"id": "d1", "expectation": "e1", "delivered_at": "2026-03-02"}],
    "interactions": [{"id": "m1", "at": "2026-03-02T10:00:00Z", "direction": "inbound"}],
    "feedback": [{"id": "f1", "at": "2026-03-03", "kind": "csat", "value": 4, "scale": [1, 5]}],
    "cases": [{"id": "c1", "opened_at": "2026-03-01", "tags": ["x"]}],
    "usage": [{"metric": "logins", "at": "2026-03-01", "value": 3}],
    "arr": {"amount": 100, "currency": "EUR"},
    "renewal": "2026-09-30",
    "attributes": {"region": "north"},
}
_RICH_PATHS = list(_paths(_RICH))[1:]

_hostile = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
_hostile = (
    _hostile
    | st.lists(_hostile, max_size=3)
    | st.dictionaries(st.text(max_size=3), _hostile, max_size=2)
)


def _replaced(data, path, value):
    data = json.loads(json.dumps(data))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_RICH_PATHS), _hostile)
def test_any_value_of_any_type_anywhere_loads_or_is_named_in_the_users_terms(path, value):
    data = _replaced(_RICH, path, value)
    try:
        load_account(data)
    except ValidationError as exc:
        for problem in exc.problems:
            assert not any(word in problem.message for word in _INTERNALS), problem


# -- long values are cut ---------------------------------------------------------------------


def test_a_huge_value_is_cut_in_the_error_with_its_length(cli, tmp_path):
    huge = "x" * 5_000_000
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"customer": {"id": huge}, "renewal": huge}) + "\n")
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    text = str(info.value)
    assert len(text) < 1_000
    assert "(5,000,000 characters)" in text
    assert "customer.name: required field is missing" in text
    result = cli("validate", path)
    assert result.exit_code == EXIT_INPUT
    assert len(result.output) < 1_000


def test_a_problem_never_holds_more_than_a_thousand_characters_of_anything():
    problem = Problem(path="p" * 5000, message="m" * 5000, source="s" * 5000)
    for text in (problem.path, problem.message, problem.source):
        assert len(text) < 1_100
        assert text.endswith("(5,000 characters)")
    assert Problem(path="a", message="short").message == "short"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "'abc'"),
        ("y" * 100, f"'{'y' * 80}'\u2026 (100 characters)"),
        pytest.param(10**5000, "a whole number of about 5,001 digits", id="huge-int"),
        (None, "None"),
    ],
)
def test_values_are_shown_cut_to_eighty_characters(value, expected):
    assert shown(value) == expected


# -- text no output can write ---------------------------------------------------------------

_SURROGATE = "holds an unpaired surrogate '\\ud800' (not valid Unicode)"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"customer": {"id": "a", "name": "x\ud800"}}, "customer.name"),
        ({"customer": {"id": "\ud800", "name": "A"}}, "customer.id"),
        ({**_ACME, "owner": "\ud800"}, "owner"),
        ({**_ACME, "attributes": {"k": "\ud800"}}, "attributes['k']"),
        ({**_ACME, "attributes": {"\ud800": 1}}, "attributes['\\ud800']"),
        (
            {"customer": {"id": "a", "name": "A", "glossary": {"t": "\ud800"}}},
            "customer.glossary['t']",
        ),
        (
            {
                **_ACME,
                "interactions": [
                    {"id": "m", "at": "2026-03-01", "direction": "inbound", "text": "é\ud800"}
                ],
            },
            "interactions[0].text",
        ),
        (
            {**_ACME, "cases": [{"id": "c", "opened_at": "2026-03-01", "tags": ["\ud800"]}]},
            "cases[0].tags[0]",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_with_its_field(tmp_path, data, path):
    assert _load_problems(tmp_path, data) == {path: _SURROGATE}


def test_a_lone_surrogate_fails_validate_not_every_output_after_it(cli, tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"customer":{"id":"a","name":"x\\ud800"}}\n', encoding="utf-8")
    result = cli("validate", path)
    assert result.exit_code == EXIT_INPUT
    assert f"{path}:1 (customer 'a'): customer.name: {_SURROGATE}" in result.output
    for fmt in ("csv", "markdown", "html", "jsonl"):
        result = cli("assess", "--format", fmt, "--as-of", "2026-03-20", path)
        assert result.exit_code == EXIT_INPUT, result.output
        assert "customer.name" in result.output


def test_a_surrogate_pair_is_one_character_and_welcome(tmp_path):
    path = tmp_path / "emoji.jsonl"
    path.write_text('{"customer":{"id":"a","name":"x\\ud83d\\ude00"}}\n', encoding="utf-8")
    (account,) = load_accounts(path)
    assert account.name == "x\U0001f600"


def test_records_built_in_python_refuse_a_lone_surrogate_too():
    with pytest.raises(ValidationError, match=r"name: holds an unpaired surrogate"):
        Customer(id="a", name="x\udcff")
    with pytest.raises(ValidationError, match=r"attributes: name '\\udcff' holds"):
        Account(customer=Customer(id="a", name="A"), attributes={"\udcff": 1})


# -- validate reports every line --------------------------------------------------------------


def test_validate_reports_every_bad_line_of_a_jsonl_file(cli, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"customer": {"id": "a", "name": "A"}}\n'
        b"{not json\n"
        b'{"customer": {"id": "b"}}\n'
        b"\xff\n"
        b'{"customer": {"id": "a", "name": "again"}}\n'
    )
    expected = [
        f"{path}:2: not valid JSON: Expecting property name enclosed in double quotes",
        f"{path}:3 (customer 'b'): customer.name: required field is missing",
        f"{path}:4: not UTF-8 text: byte 0xff at column 1",
        (
            f"{path}:5 (customer 'a'): customer.id: duplicate account id 'a' "
            f"(first in {path}:1 (customer 'a'))"
        ),
    ]
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    assert _problems(info) == expected
    result = cli("validate", path)
    assert result.exit_code == EXIT_INPUT
    assert result.output.splitlines()[1:] == [f"  {line}" for line in expected]
    with pytest.raises(ValidationError) as info:  # the stream still stops at the first
        list(iter_accounts(path))
    assert _problems(info) == expected[:1]


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        (
            "expectations",
            {"id": "e1", "dimension": "reliability", "due": "0001-01-02T00:00:00Z"},
            "expectations[0].due",
        ),
        ("renewal", "9999-12-31", "renewal"),
    ],
)
def test_a_time_outside_the_years_read_is_named_with_its_field(where, value, field):
    data = {"customer": {"id": "a", "name": "A"}}
    data[where] = [value] if where == "expectations" else value
    with pytest.raises(ValidationError) as info:
        load_account(data)
    assert f"{field}: must be between the years 1000 and 9000" in str(info.value)
