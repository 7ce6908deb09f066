"""The HTML portfolio report in a real headless Chromium: it opens, filters, sorts, pages,
shows hostile text as text, and fetches nothing from the network.

Needs the Debian packages ``chromium`` and ``chromium-driver``; without them the tests are
skipped, saying so, unless ``PERCEPTION_REQUIRE_BROWSER=1`` (set by ``.ci/run``, which
installs them) makes that a failure.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from browser import Browser, find_browser, requests_made, require
from perception import assess
from perception.examples import SAMPLE_AS_OF, sample_portfolio
from perception.report import PortfolioRow, portfolio_html, portfolio_page

AS_OF = datetime(2026, 3, 20, 9, tzinfo=timezone.utc)
BANDS = ("delighted", "satisfied", "neutral", "at risk", "critical")
OWNERS = ("Sam Keller", "Riya Shah", "Grace Liu", "Jonas Berg")
SEGMENTS = ("enterprise", "mid-market", "smb")
HOSTILE = '<img src="http://e.invalid/x.png" onerror="document.title=1">'


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    found = find_browser()
    if found is None:
        message = (
            "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
        if require():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    session = Browser(*found, profile=tmp_path_factory.mktemp("chromium-profile"))
    yield session
    session.close()


def _rows(count):
    rng = random.Random(12)
    rows = []
    for index in range(count):
        score = round(rng.uniform(5, 95), 1)
        band = BANDS[min(4, int((100 - score) // 20))]
        rows.append(
            PortfolioRow(
                account=f"acct-{index:05d}",
                name=HOSTILE if index == 7 else f"Customer {index:05d}",
                score=score,
                band=band,
                confidence=0.8,
                change=round(rng.uniform(-20, 20), 1) if index % 5 else None,
                owner=OWNERS[index % len(OWNERS)],
                segment=SEGMENTS[index % len(SEGMENTS)],
                renewal=(AS_OF + timedelta(days=rng.randint(-30, 400))).date(),
                driver=f"Driver text of account {index}",
            )
        )
    return rows


@pytest.fixture(scope="module")
def big_page(tmp_path_factory):
    rows = _rows(2000)
    path = tmp_path_factory.mktemp("report") / "portfolio.html"
    path.write_text(portfolio_page(rows, [], title="Portfolio", as_of=AS_OF, change_days=30))
    return path, rows


def _open(browser, path):
    browser.log("performance")  # empty what an earlier page logged
    browser.open(path.as_uri())
    assert browser.run("return document.body.dataset.ready") == "1"


def _drawn(browser):
    return browser.run(
        "return Array.from(document.querySelectorAll('#rows-body tr')).map(function(tr){"
        "var c=tr.children; return {id: tr.dataset.account, score: parseFloat(c[1].textContent),"
        "band: c[3].textContent, owner: c[4].textContent, renewal: c[6].textContent};});"
    )


def _count(browser):
    return browser.run("return document.getElementById('count').textContent")


def test_the_page_draws_one_page_of_rows_worst_first(browser, big_page):
    path, _ = big_page
    _open(browser, path)
    drawn = _drawn(browser)
    assert len(drawn) == 100
    assert _count(browser) == "Accounts 1\u2013100 of 2000"
    ranks = [BANDS.index(r["band"]) for r in drawn]
    assert ranks == sorted(ranks, reverse=True)
    assert drawn[0]["band"] == "critical"


def test_filters_by_band_owner_search_and_renewal(browser, big_page):
    path, rows = big_page
    _open(browser, path)
    browser.click('#f-band option[value="4"]')
    critical = [r for r in rows if r.band == "critical"]
    assert _count(browser).endswith(f"of {len(critical)} (filtered from 2000)")
    assert {r["band"] for r in _drawn(browser)} == {"critical"}
    browser.click('#f-owner option[value="Grace Liu"]')
    both = [r for r in critical if r.owner == "Grace Liu"]
    assert _count(browser).endswith(f"of {len(both)} (filtered from 2000)")
    assert {r["owner"] for r in _drawn(browser)} == {"Grace Liu"}
    assert "band=4" in browser.run("return location.hash")
    browser.click('#f-band option[value=""]')
    browser.click('#f-owner option[value=""]')
    browser.type("#f-q", "customer 0012")
    assert {r["id"] for r in _drawn(browser)} == {f"acct-{i:05d}" for i in range(120, 130)}
    browser.run("document.getElementById('f-q').value=''; return 1")
    browser.run("location.hash=''; return 1")
    _open(browser, path)
    browser.click('#f-within option[value="30"]')
    soon = [r for r in rows if 0 <= (r.renewal - AS_OF.date()).days <= 30]
    assert _count(browser).endswith(f"of {len(soon)} (filtered from 2000)")


def test_sorts_by_a_column_both_ways_and_pages(browser, big_page):
    path, rows = big_page
    browser.open(path.as_uri() + "#")
    _open(browser, path)
    browser.click('th[data-sort="score"] button')
    ascending = [r["score"] for r in _drawn(browser)]
    assert ascending == sorted(ascending)
    assert ascending[0] == min(r.score for r in rows)
    browser.click('th[data-sort="score"] button')
    descending = [r["score"] for r in _drawn(browser)]
    assert descending == sorted(descending, reverse=True)
    assert descending[0] == max(r.score for r in rows)
    sort_state = browser.run(
        "return document.querySelector('th[data-sort=score]').getAttribute('aria-sort')"
    )
    assert sort_state == "descending"
    browser.click("#next")
    assert _count(browser) == "Accounts 101\u2013200 of 2000"
    second = [r["score"] for r in _drawn(browser)]
    assert second[0] <= descending[-1]


def test_hostile_text_is_shown_as_text(browser, big_page):
    path, _ = big_page
    _open(browser, path)
    browser.type("#f-q", "acct-00007")
    assert browser.run("return document.querySelectorAll('#rows-body img').length") == 0
    shown = browser.run("return document.querySelector('#rows-body td').textContent")
    assert HOSTILE in shown
    assert browser.run("return document.title") == "Portfolio"


def test_nothing_is_fetched_from_the_network(browser, big_page, tmp_path):
    accounts = sample_portfolio()
    outcomes = [assess(a, as_of=SAMPLE_AS_OF) for a in accounts]
    page = portfolio_html(outcomes, accounts={a.id: a for a in accounts})
    path = tmp_path / "sample.html"
    path.write_text(page, encoding="utf-8")
    for target in (path, big_page[0]):
        _open(browser, target)
        browser.click('th[data-sort="renewal"] button')
        urls = requests_made(browser.log("performance"))
        assert urls, "the performance log records the page itself"
        assert all(url.startswith(("file://", "data:")) for url in urls), urls
        resources = browser.run("return performance.getEntriesByType('resource').length")
        assert resources == 0
        errors = [e for e in browser.log("browser") if e.get("level") == "SEVERE"]
        assert errors == []
    _open(browser, path)
    links = browser.run("return document.querySelectorAll('#rows-body a.detail').length")
    assert links == len(outcomes)  # every account of the sample is explained below


def test_dates_are_in_words(big_page, browser):
    path, rows = big_page
    _open(browser, path)
    first = _drawn(browser)[0]
    row = next(r for r in rows if r.account == first["id"])
    assert first["renewal"] == f"{row.renewal.day} {row.renewal:%b %Y}"
    assert isinstance(row.renewal, date)
