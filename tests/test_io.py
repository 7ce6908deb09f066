from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings

from perception import ValidationError, assess
from perception.io import (
    dump_account,
    dump_json,
    iter_accounts,
    json_schema,
    load_account,
    load_accounts,
    merge_interactions,
    read_interactions_csv,
    read_interactions_located,
    write_jsonl,
)
from perception.testing import T0, make_account
from strategies import accounts

GOOD = {
    "customer": {"id": "acme", "name": "Acme", "stakeholders": [{"id": "d", "name": "Dana"}]},
    "expectations": [{"id": "e1", "dimension": "reliability", "due": "2026-03-01T17:00:00Z"}],
    "deliverables": [{"id": "d1", "expectation": "e1", "delivered_at": "2026-03-02T10:00:00Z"}],
    "interactions": [
        {"id": "m1", "at": "2026-03-02T10:00:00+02:00", "direction": "inbound", "text": "Hi"}
    ],
    "feedback": [{"id": "f1", "at": "2026-03-03T10:00:00Z", "kind": "csat", "value": 4}],
}


@settings(max_examples=60, deadline=None)
@given(accounts())
def test_json_round_trip(account):
    data = json.loads(json.dumps(dump_account(account)))
    assert load_account(data) == account


def test_load_account_parses_times_and_enums():
    account = load_account(GOOD)
    assert account.interactions[0].at.utcoffset().total_seconds() == 7200
    assert account.feedback[0].value == 4.0


def bad_account():
    data = json.loads(json.dumps(GOOD))
    data["expectations"][0]["adequate"] = 10
    data["expectations"][0]["desired"] = 5
    data["interactions"][0]["at"] = "2026-03-02T10:00:00"  # naive
    data["interactions"][0]["direction"] = "sideways"
    data["feedback"][0]["value"] = "four"
    data["customer"]["colour"] = "blue"
    del data["customer"]["name"]
    return data


def test_every_problem_is_listed_with_its_path():
    with pytest.raises(ValidationError) as info:
        load_account(bad_account())
    found = {p.path: p.message for p in info.value.problems}
    assert set(found) == {
        "customer.colour",
        "customer.name",
        "expectations[0].adequate",
        "interactions[0].at",
        "interactions[0].direction",
        "feedback[0].value",
    }
    assert "unknown field" in found["customer.colour"]
    assert "missing" in found["customer.name"]
    assert "timezone-aware" in found["interactions[0].at"]
    assert "'inbound'" in found["interactions[0].direction"]


def test_cross_reference_problem_is_reported_with_path():
    data = json.loads(json.dumps(GOOD))
    data["deliverables"][0]["expectation"] = "missing"
    with pytest.raises(ValidationError, match=r"deliverables\[0\]\.expectation"):
        load_account(data)


def test_load_accounts_is_all_or_nothing_and_names_file_and_record(tmp_path):
    path = tmp_path / "portfolio.json"
    second = json.loads(json.dumps(GOOD))
    second["customer"]["id"] = "beta"
    path.write_text(json.dumps({"accounts": [GOOD, bad_account(), second, GOOD]}))
    with pytest.raises(ValidationError) as info:
        load_accounts(path)
    text = str(info.value)
    assert "record 2 (customer 'acme')" in text
    assert "accounts[1].expectations[0].adequate" in text
    assert "duplicate account id 'acme'" in text
    assert all(str(path) in p.source for p in info.value.problems)


def test_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n{not json}\n")
    with pytest.raises(ValidationError, match=r"p\.jsonl:3.*not valid JSON"):
        load_accounts(path)


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{\n  "customer": ,\n}')
    with pytest.raises(ValidationError, match=r"p\.json:2:\d+"):
        load_accounts(path)


def test_missing_file_is_a_validation_error(tmp_path):
    with pytest.raises(ValidationError, match="no such file"):
        load_accounts(tmp_path / "nope.json")


def test_jsonl_streams_and_round_trips(tmp_path):
    path = tmp_path / "p.jsonl"
    originals = [make_account(id=f"a{i}") for i in range(5)]
    assert write_jsonl(originals, path) == 5
    stream = iter_accounts(path)
    assert next(stream).id == "a0"
    assert [a.id for a in stream] == ["a1", "a2", "a3", "a4"]
    assert load_accounts(path) == originals


def test_single_object_and_list_files(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(GOOD))
    assert [a.id for a in load_accounts(one)] == ["acme"]
    many = tmp_path / "many.json"
    many.write_text(json.dumps([GOOD]))
    assert [a.id for a in load_accounts(many)] == ["acme"]


def test_non_object_record_is_reported(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([GOOD, 3]))
    with pytest.raises(ValidationError, match=r"accounts\[1\]: must be an object"):
        load_accounts(path)


CSV_HEAD = "account,id,at,direction,channel,author,text,in_reply_to\n"


def test_interactions_csv(tmp_path):
    path = tmp_path / "i.csv"
    path.write_text(CSV_HEAD + 'acme,m2,2026-03-04T09:00:00Z,outbound,email,Sam,"Hello, Dana",m1\n')
    found = read_interactions_csv(path)
    merged = merge_interactions([load_account(GOOD)], found)
    assert [i.id for i in merged[0].interactions] == ["m1", "m2"]
    assert merged[0].interactions[1].in_reply_to == "m1"


def test_interactions_csv_reports_every_bad_row_by_line(tmp_path):
    path = tmp_path / "i.csv"
    path.write_text(
        CSV_HEAD
        + "acme,m2,yesterday,outbound,email,Sam,hi,\n"
        + "acme,m3,2026-03-04T09:00:00Z,upward,email,Sam,hi,\n"
        + ",m4,2026-03-04T09:00:00Z,inbound,email,Sam,hi,\n"
    )
    with pytest.raises(ValidationError) as info:
        read_interactions_csv(path)
    sources = [(p.source, p.path) for p in info.value.problems]
    assert sources == [(f"{path}:2", "at"), (f"{path}:3", "direction"), (f"{path}:4", "account")]


def test_interactions_csv_header_problems(tmp_path):
    path = tmp_path / "i.csv"
    path.write_text("account,id,when,direction\n")
    with pytest.raises(ValidationError) as info:
        read_interactions_csv(path)
    assert {(p.path, p.message) for p in info.value.problems} == {
        ("at", "required column is missing"),
    }


def test_interactions_csv_headers_in_any_case_with_a_mapping_and_extra_columns(tmp_path):
    path = tmp_path / "i.csv"
    path.write_bytes(
        "\ufeffACCOUNT, Message ID ,Sent,Direction,In_Reply_To,Mood\n"
        "acme,m2,2026-03-04T09:00:00Z,OUTBOUND,m1,fine\n".encode()
    )
    notices = []
    found = read_interactions_csv(
        path, columns={"id": ["ID", "Message ID"], "at": "sent"}, notice=notices.append
    )
    (item,) = found["acme"]
    assert (item.id, item.direction.value, item.in_reply_to) == ("m2", "outbound", "m1")
    assert notices == [f"{path}: ignored columns: 'Mood'"]
    with pytest.raises(ValidationError, match="not a field of this file"):
        read_interactions_csv(path, columns={"when": "Sent"})


def test_merge_rejects_unknown_accounts():
    with pytest.raises(ValidationError, match="no account with id 'ghost'"):
        merge_interactions([load_account(GOOD)], {"ghost": []})


def test_merge_problems_name_the_row_of_the_csv_they_are_about(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "account,id,at,direction,text,in_reply_to\n"
        "acme,m2,2026-03-04T10:00:00Z,inbound,Hello,\n"
        "ghost,g1,2026-03-04T10:00:00Z,inbound,Boo,\n"
        "acme,m3,2026-03-04T11:00:00Z,outbound,Hi,nope\n",
        encoding="utf-8",
    )
    found, sources = read_interactions_located(path)
    assert found == read_interactions_csv(path)
    assert sources == {"acme": [f"{path}:2", f"{path}:4"], "ghost": [f"{path}:3"]}
    with pytest.raises(ValidationError) as info:
        merge_interactions([load_account(GOOD)], found, sources=sources)
    lines = str(info.value).splitlines()[1:]
    assert lines == [
        (
            f"  {path}:4: account 'acme'.interactions[2].in_reply_to: "
            "no interaction with id 'nope' in this account"
        ),
        f"  {path}:3: account: no account with id 'ghost'",
    ]


@settings(max_examples=30, deadline=None)
@given(accounts())
def test_schema_accepts_every_valid_account(account):
    jsonschema.validate(dump_account(account), json_schema())


def test_schema_rejects_what_the_loader_rejects():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad_account(), json_schema())


def test_dump_json_of_outcome_is_plain_json():
    outcome = assess(make_account(), as_of=T0)
    data = json.loads(dump_json(outcome))
    assert data["account"] == "acme"
    assert data["band"] == "neutral"


def test_dates_alone_and_rating_scales_are_read_from_json():
    data = {
        "customer": {"id": "guest", "name": "Guest"},
        "expectations": [
            {"id": "seat", "dimension": "tangibles", "description": "Seat comfort", "scale": [1, 5]}
        ],
        "deliverables": [
            {"id": "r1", "expectation": "seat", "delivered_at": "2026-03-01", "level": 2},
            {"id": "r2", "expectation": "seat", "delivered_at": "2026-03-01"},
        ],
        "feedback": [{"id": "f", "at": "2026-03-01", "kind": "csat", "value": 8, "scale": [0, 10]}],
    }
    account = load_account(data)
    assert account.expectations[0].scale == (1.0, 5.0)
    assert account.feedback[0].scale == (0.0, 10.0)
    assert account.feedback[0].at.isoformat() == "2026-03-01T00:00:00+00:00"
    assert load_account(dump_account(account)) == account
    jsonschema.validate(data, json_schema())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "must be a valid date, not '2026-02-30'"),
        ("2026-03-01T10:00", "must be timezone-aware"),
        ("1 March", "must be an ISO 8601 date-time such as"),
    ],
)
def test_bad_dates_are_named(value, message):
    data = {
        "customer": {"id": "c", "name": "C"},
        "feedback": [{"id": "f", "at": value, "kind": "praise"}],
    }
    with pytest.raises(ValidationError) as info:
        load_account(data)
    assert "feedback[0].at" in str(info.value)
    assert message in str(info.value)
