"""Rendering outcomes as text, Markdown and HTML."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from importlib import resources

import perception
from perception import Account, Band, Customer, Interaction, assess, check
from perception.batch import trajectory
from perception.model import Feedback
from perception.report import (
    account_markdown,
    account_text,
    findings_text,
    portfolio_html,
    portfolio_markdown,
    portfolio_table,
    risk_order,
    trajectory_svg,
)
from perception.testing import make_account

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
EVIL = '<script>alert("x")</script> | **bold** [link](http://e.invalid) \x00\u202e'


def make(id_: str, csat: int, text: str = "Thanks!") -> Account:
    return Account(
        customer=Customer(id=id_, name=id_),
        interactions=[
            Interaction(id="m", at=T0, direction="inbound", author="x", text=text),
        ],
        feedback=[Feedback(id="f", at=T0 + timedelta(days=1), kind="csat", value=csat, text=text)],
    )


def outcomes(text: str = "Thanks!"):
    accounts = [make("good", 5), make("bad", 1, text), make("mid", 3)]
    return [perception.assess(a, as_of=T0 + timedelta(days=2)) for a in accounts]


def test_risk_order_and_table():
    ordered = [o.account for o in risk_order(outcomes())]
    assert ordered == ["bad", "mid", "good"]
    table = portfolio_table(outcomes()).splitlines()
    assert table[0].split()[:4] == ["ACCOUNT", "SCORE", "BAND", "CONF"]
    assert table[1].startswith("bad")


def test_markdown_escapes_customer_text():
    rendered = portfolio_markdown(outcomes(EVIL))
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "\\|" in rendered  # a pipe cannot break the table
    for line in rendered.splitlines()[2:]:
        assert line.count(" | ") == 4  # five cells per row
    explained = account_markdown(risk_order(outcomes(EVIL))[0])
    assert "<script>" not in explained
    assert "\\[link\\]" in explained


def test_html_is_self_contained_and_escaped():
    results = outcomes(EVIL)
    page = portfolio_html(results, trajectories={"bad": [(T0, 40.0), (T0 + timedelta(1), 20.0)]})
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script id="rows" type="application/json">', "<script>"]
    assert "&lt;script&gt;" in page  # in the sections and the first page of rows
    assert "<script>alert" not in page
    assert "http://e.invalid" in page  # shown as text only
    assert 'href="http' not in page
    assert "src=" not in page
    assert page.count("<svg") == 1  # the section's chart
    assert page.index('id="acct-bad"') < page.index('id="acct-good"')


def test_html_rows_data_cannot_end_its_script():
    page = portfolio_html(outcomes(EVIL))
    data = page[page.index('<script id="rows"') :]
    data = data[data.index(">") + 1 : data.index("</script>")]
    assert "<" not in data
    assert json.loads(data)[0][0] in {"bad", "good"}


def test_html_details_only_the_accounts_chosen():
    results = outcomes()
    page = portfolio_html(results, detail=["good"])
    assert re.findall(r'<section id="([^"]+)"', page) == ["acct-good"]
    assert page.count('href="#acct-') == 1


def test_trajectory_assesses_past_points():
    account = make("bad", 1)
    points = trajectory(account, as_of=T0 + timedelta(days=10), points=4, span_days=20)
    assert len(points) == 4
    assert points[0][0] == T0  # starts at the first record, not before
    assert points[-1][1] < points[0][1]  # the bad CSAT arrives on day 1
    svg = trajectory_svg(points)
    assert svg.startswith("<svg")
    assert "<polyline" in svg


def test_trajectory_guide_lines_sit_at_the_band_limits():
    height, pad = 60, 4

    def guides(svg: str) -> list[float]:
        return sorted(float(part.split('"')[1]) for part in svg.split(" y1=")[1:])

    def at(level: float) -> float:
        return round(pad + (height - 2 * pad) * (1 - level / 100), 1)

    assert guides(trajectory_svg([])) == sorted(at(v) for v in (25, 45, 60, 80))
    custom = {Band.DELIGHTED: 90.0, Band.SATISFIED: 70.0, Band.NEUTRAL: 50.0, Band.AT_RISK: 30.0}
    assert guides(trajectory_svg([], bands=custom)) == sorted(at(v) for v in (30, 50, 70, 90))


def test_empty_trajectory_and_portfolio_render():
    assert "<polyline" not in trajectory_svg([])
    assert "0 accounts" in portfolio_html([])


def test_account_text_shows_diagnosis_and_drivers():
    text = account_text(risk_order(outcomes())[0])
    assert "What drives it:" in text
    assert "gave a CSAT of 1/5" in text


def test_section_ids_are_distinct_for_distinct_account_ids():
    ids = ["a b", "a-b", "a/b", "a_b", "a-20-b", "ab", "a\u00e9b"]
    outcomes = [assess(make_account(id=i), as_of=T0) for i in ids]
    page = portfolio_html(outcomes)
    sections = re.findall(r'<section id="([^"]+)"', page)
    links = re.findall(r'<a href="#([^"]+)"', page)
    assert len(set(sections)) == len(ids)
    assert sorted(links) == sorted(sections)
    assert all(" " not in s for s in sections)


def test_text_output_shows_terminal_controls_as_escapes():
    outcome = assess(make_account(id="evil\x1b[2Jid\u202e"), as_of=T0)
    table = portfolio_table([outcome])
    assert "\x1b" not in table
    assert "\u202e" not in table
    assert "evil\\x1b[2Jid\\u202e" in table
    assert "\x1b" not in account_text(outcome)


def test_the_table_script_cannot_end_its_element():
    script = (resources.files("perception") / "data" / "portfolio.js").read_text("utf-8")
    assert "</script" not in script.casefold()
    assert "<!--" not in script
    assert "innerHTML" not in script  # text goes in as text


def test_findings_text_gives_each_finding_its_line_and_column():
    text = "Hi,\n\nthis is obviously done.\nIt is simply open.\n" * 3
    report = check(text)
    shown = findings_text(report, text, filename="d.md").splitlines()
    located = [line.split(": ", 1)[0] for line in shown if line.startswith("d.md:")]
    expected = []
    for finding in report.findings:
        start = finding.span.start
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        expected.append(f"d.md:{line}:{column}")
    assert located == expected
    assert len(set(located)) >= 6  # findings on several lines, each placed
