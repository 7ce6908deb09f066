"""perception.lint: positions, JSON per file, SARIF 2.1.0 (validated against the OASIS
schema, vendored in tests/data/sarif), GitHub annotations and safe fixes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perception import Edit, Finding, PluginFailure, Severity, Span, check
from perception.lint import (
    SARIF_SCHEMA,
    CheckedFile,
    LineIndex,
    apply_fixes,
    file_json,
    github_annotations,
    sarif_log,
)

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
DRAFT = (
    "Hi Dana,\n\nObviously, you failed to attach the logs. It is basically done.\n"
    "Enclosed please find the report. Caf\u00e9 \U0001f600 is simply open.\n"
)


@pytest.fixture(scope="module")
def sarif_schema():
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"the SARIF schema is missing: {SCHEMA_PATH}", pytrace=False)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    assert schema["id"] == SARIF_SCHEMA
    return schema


def checked(name: str = "drafts/a.txt", text: str = DRAFT) -> CheckedFile:
    return CheckedFile(name=name, text=text, report=check(text))


def test_positions_are_lines_and_columns_in_characters():
    index = LineIndex("ab\n\U0001f600cd\n")
    assert index.position(0) == (1, 1)
    assert index.position(2) == (1, 3)  # the line break itself
    assert index.position(3) == (2, 1)
    assert index.position(4) == (2, 2)  # an emoji is one character
    assert index.position(99) == (3, 1)  # past the end: the end
    assert index.region(Span(start=3, end=6)) == {
        "startLine": 2,
        "startColumn": 1,
        "endLine": 2,
        "endColumn": 4,
        "charOffset": 3,
        "charLength": 3,
    }


@given(st.text(max_size=200), st.data())
def test_a_position_points_back_at_its_offset(text, data):
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    line, column = LineIndex(text).position(offset)
    lines = text.split("\n")
    assert sum(len(x) + 1 for x in lines[: line - 1]) + column - 1 == offset


def test_json_of_a_file_has_its_name_and_each_findings_line_and_column():
    data = file_json(checked())
    assert data["file"] == "drafts/a.txt"
    assert data["length"] == len(DRAFT)
    blame = next(f for f in data["findings"] if "failed" in f["message"])
    assert (blame["line"], blame["column"], blame["end_line"]) == (3, 12, 3)
    obviously = next(f for f in data["findings"] if f["message"].startswith("'Obviously'"))
    assert obviously["safe"] is True
    assert obviously["edits"] == [{"span": {"start": 10, "end": 22}, "text": "Y"}]


def test_sarif_of_several_files_validates_against_the_published_schema(sarif_schema):
    clean = CheckedFile(
        name="/tmp/clean draft.txt",
        text="Hi Dana,\n\nThe fix is live.\n\nBest regards,\nSam\n",
        report=check("Hi Dana,\n\nThe fix is live.\n\nBest regards,\nSam\n"),
    )
    broken = checked("notes/b.md")
    broken = CheckedFile(
        name=broken.name,
        text=broken.text,
        report=broken.report.__class__(
            length=broken.report.length,
            sentiment=broken.report.sentiment,
            findings=(
                *broken.report.findings,
                Finding(check="whole", severity="error", message="About the whole message."),
            ),
            failures=(PluginFailure(plugin="boom", kind="check", error="RuntimeError: x"),),
        ),
    )
    log = sarif_log([checked(), clean, broken], {"negative-language": "Blame and negativity."})
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    run = log["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert [a["location"]["uri"] for a in run["artifacts"]] == [
        "drafts/a.txt",
        "file:///tmp/clean%20draft.txt",
        "notes/b.md",
    ]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert {r["level"] for r in results} == {"note", "warning", "error"}
    whole = next(r for r in results if r["ruleId"] == "whole")
    assert "region" not in whole["locations"][0]["physicalLocation"]
    fixed = next(r for r in results if r.get("fixes"))
    (replacement,) = fixed["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["deletedRegion"]["startLine"] == 3
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"].startswith("check 'boom' failed")


def test_an_empty_log_validates_too(sarif_schema):
    jsonschema.Draft4Validator(sarif_schema).validate(sarif_log([], {}))


def test_github_annotations_escape_what_the_workflow_commands_read():
    text = "You failed to attach it.\n"
    item = CheckedFile(name="a,b:c%.txt", text=text, report=check(text))
    (line,) = [x for x in github_annotations([item]) if "failed" in x]
    assert line.startswith("::warning file=a%2Cb%3Ac%25.txt,line=1,col=1,endLine=1,endColumn=")
    assert ",title=perception [negative-language]::" in line
    multi = Finding(check="x", severity=Severity.INFO, message="50% off\nnow")
    other = CheckedFile(name="m.txt", text="", report=check("")).report
    item = CheckedFile(
        name="m.txt",
        text="",
        report=other.__class__(length=0, sentiment=other.sentiment, findings=(multi,)),
    )
    assert github_annotations([item]) == [
        "::notice file=m.txt,title=perception [x]::50%25 off%0Anow"
    ]


def _safe(check_name: str, start: int, end: int, text: str) -> Finding:
    edit = Edit(span=Span(start=start, end=end), text=text)
    return Finding(check=check_name, severity="info", message="m", edits=[edit], safe=True)


def test_only_safe_edits_are_applied_and_never_two_that_overlap():
    text = "It is obviously broken. Enclosed please find the log. It is simply done."
    report = check(text)
    fixed, count = apply_fixes(text, report.findings)
    assert fixed == "It is broken. Enclosed please find the log. It is done."
    assert count == 2
    one, two, outside = _safe("a", 0, 5, "X"), _safe("b", 3, 8, "Y"), _safe("c", 9, 99, "Z")
    assert apply_fixes("abcdefghij", [two, one, outside]) == ("Xfghij", 1)


def test_edits_of_one_finding_may_not_overlap():
    with pytest.raises(ValueError, match="edits: must not overlap"):
        Finding(
            check="a",
            severity="info",
            message="m",
            edits=[
                Edit(span=Span(start=0, end=5), text=""),
                Edit(span=Span(start=4, end=6), text=""),
            ],
        )


_drafts = st.lists(
    st.sampled_from(
        ["Obviously,", "obviously", "It is", "basically", "simply", "done.", "\n", "Clearly", "ok"]
    ),
    max_size=30,
).map(" ".join)


@given(_drafts)
def test_fixing_until_nothing_is_left_to_fix_leaves_single_spaces_and_no_safe_finding(text):
    for _ in range(10):
        text, count = apply_fixes(text, check(text).findings)
        if not count:
            break
    assert not [f for f in check(text).findings if f.safe and f.edits]
    assert "  " not in text


@st.composite
def _text_and_disjoint_edits(draw):
    text = draw(st.text(alphabet="ab\n ", max_size=60))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12, unique=True)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    findings = [
        _safe(f"c{i}", start, end, draw(st.text(alphabet="XY", max_size=3)))
        for i, (start, end) in enumerate(pairs)
    ]
    return text, draw(st.permutations(findings))


@given(_text_and_disjoint_edits())
def test_fixes_equal_the_edits_applied_one_by_one_from_the_end(case):
    text, findings = case
    expected = text
    for finding in sorted(findings, key=lambda f: f.edits[0].span.start, reverse=True):
        edit = finding.edits[0]
        expected = expected[: edit.span.start] + edit.text + expected[edit.span.end :]
    assert apply_fixes(text, findings) == (expected, len(findings))
