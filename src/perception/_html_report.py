"""The HTML portfolio page: a sortable, filterable table of every account, and the detail of
the accounts chosen.

One self-contained file: inline CSS and one inline script, no request to anything outside it
(its Content-Security-Policy forbids them).  The table's rows travel as compact JSON inside
the page and are drawn a page of rows at a time, so 20,000 accounts make a page of a few
megabytes that opens at once; the first page of rows is also written as plain HTML, for a
reader without scripts.  Filters and sort order live in the address's ``#`` part, so a view
can be bookmarked or shared.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from importlib import resources

import attrs

__all__ = [
    "PortfolioRow",
    "anchor",
    "band_badge",
    "chart",
    "escape",
    "facts_list",
    "head",
    "page",
    "when",
]

#: Rows drawn at a time.
PAGE_ROWS = 100

_BANDS = ("delighted", "satisfied", "neutral", "at risk", "critical")


@attrs.frozen(kw_only=True)
class PortfolioRow:
    """One account in the portfolio table.

    Attributes:
        account: the account's id.
        name: the customer's name.
        score: 0-100.
        band: the band's value (``"at risk"``).
        confidence: 0-1.
        change: points gained (or lost, negative) since the earlier assessment, if any.
        owner: the account owner.
        segment: the customer's segment.
        renewal: the renewal date, if known.
        driver: the top driver, in words.
        anchor: the id of the account's detail section on the page, if it has one.
    """

    account: str
    name: str
    score: float
    band: str
    confidence: float
    change: float | None = None
    owner: str = ""
    segment: str = ""
    renewal: date | None = None
    driver: str = ""
    anchor: str = ""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def when(moment: date | datetime) -> str:
    """A date in words: ``30 June 2026``."""
    return f"{moment.day} {moment:%B %Y}"


def _short(moment: date) -> str:
    return f"{moment.day} {moment:%b %Y}"


_DRIVER_CHARS = 120


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _row_data(row: PortfolioRow, as_of: date | None) -> list[object]:
    days = (row.renewal - as_of).days if row.renewal is not None and as_of is not None else None
    return [
        row.account,
        row.name,
        round(row.score, 1),
        round(row.change, 1) if row.change is not None else None,
        _BANDS.index(row.band) if row.band in _BANDS else 2,
        row.owner,
        row.segment,
        row.renewal.isoformat() if row.renewal is not None else "",
        days,
        _cut(row.driver, _DRIVER_CHARS),
        row.anchor,
        round(row.confidence, 2),
    ]


def _json_for_script(data: object) -> str:
    """JSON that cannot end the script element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _band_badge(band: str) -> str:
    index = _BANDS.index(band) if band in _BANDS else 2
    return f'<span class="band b{index}">{_h(band)}</span>'


def _change_text(change: float | None) -> str:
    if change is None:
        return ""
    return f"{change:+.1f}" if round(change, 1) else "0.0"


def _static_row(row: PortfolioRow) -> str:
    name = _h(row.name or row.account)
    cell = f'<a href="#{_h(row.anchor)}">{name}</a>' if row.anchor else name
    renewal = _short(row.renewal) if row.renewal is not None else ""
    return (
        f'<tr><td>{cell}<div class="id">{_h(row.account)}</div></td>'
        f'<td class="num">{row.score:.1f}</td><td class="num">{_change_text(row.change)}</td>'
        f"<td>{_band_badge(row.band)}</td><td>{_h(row.owner)}</td><td>{_h(row.segment)}</td>"
        f"<td>{_h(renewal)}</td><td>{_h(_cut(row.driver, _DRIVER_CHARS))}</td></tr>"
    )


def _options(values: Sequence[str], label: str) -> str:
    items = "".join(f'<option value="{_h(v)}">{_h(v)}</option>' for v in values)
    return f'<option value="">{_h(label)}</option>{items}'


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem;color:#222;
max-width:80rem}
table{border-collapse:collapse;width:100%;margin:.75rem 0}
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .45rem;text-align:left;vertical-align:top}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.id{color:#777;font-size:.8em}
.band{color:#fff;border-radius:.25rem;padding:.05rem .4rem;font-size:.85em;white-space:nowrap}
.b0{background:#1b7f3b}.b1{background:#4d9a3a}.b2{background:#8a8a2a}.b3{background:#c16a00}
.b4{background:#b3261e}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.filters input,.filters select,.pager button{font:inherit;padding:.2rem .35rem}
.pager{display:flex;gap:.5rem;align-items:center}
section{border-top:2px solid #eee;margin-top:2rem;padding-top:.5rem}
.diagnosis{background:#fff4e5;border-left:4px solid #c16a00;padding:.5rem .75rem}
.meta{color:#666;font-size:.9em}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem}
dl.facts dt{color:#555}dl.facts dd{margin:0}
figure{margin:.5rem 0}
"""


def _script() -> str:
    """The table's script (``perception/data/portfolio.js``)."""
    return (resources.files("perception") / "data" / "portfolio.js").read_text("utf-8")


_HEADERS = (
    ("account", "Account"),
    ("score", "Score"),
    ("change", "Change"),
    ("band", "Band"),
    ("owner", "Owner"),
    ("segment", "Segment"),
    ("renewal", "Renewal"),
)

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9_]")


def anchor(account: str) -> str:
    """A section id for *account*, distinct for distinct ids: every character other than
    a letter, digit or underscore becomes ``-HEX-`` (``a b`` -> ``acct-a-20-b``)."""
    return "acct-" + _NOT_PLAIN.sub(lambda m: f"-{ord(m.group()):x}-", account)


def head(title: str) -> str:
    """The start of a self-contained page with the report's styles, up to its heading."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{_h(title)}</h1>",
        ]
    )


def page(
    rows: Sequence[PortfolioRow],
    sections: Sequence[str],
    *,
    title: str,
    as_of: datetime | None,
    change_days: float | None = None,
    note: str = "",
) -> str:
    """The whole page: *rows* in the table (most at risk first), *sections* (HTML of the
    accounts explained in full) after it; *note* (plain text) under the summary."""
    ordered = sorted(rows, key=lambda r: (-_rank(r.band), r.score, r.account))
    day = as_of.date() if as_of is not None else None
    data = _json_for_script([_row_data(r, day) for r in ordered])
    counts = dict.fromkeys(_BANDS, 0)
    for row in ordered:
        counts[row.band] = counts.get(row.band, 0) + 1
    summary = ", ".join(
        f"{_band_badge(band)} {counts[band]}" for band in reversed(_BANDS) if counts.get(band)
    )
    owners = sorted({r.owner for r in ordered if r.owner})
    segments = sorted({r.segment for r in ordered if r.segment})
    bands = "".join(
        f'<option value="{i}">{_h(b)}</option>' for i, b in reversed(list(enumerate(_BANDS)))
    )
    change_label = ""
    if change_days and as_of is not None:
        earlier = as_of - timedelta(days=change_days)
        change_label = f"Change: points gained or lost since {when(earlier)}."
    head_cells = "".join(
        f'<th data-sort="{key}" aria-sort="none"><button type="button">{label}</button></th>'
        for key, label in _HEADERS
    )
    total = len(ordered)
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_h(title)}</h1>",
        (
            f'<p class="meta">{total} accounts, as of '
            f"{_h(when(as_of)) if as_of is not None else 'now'}. {summary}</p>"
        ),
        f'<p class="meta">{_h(change_label)}</p>' if change_label else "",
        f'<p class="meta">{_h(note[:1].upper() + note[1:])}.</p>' if note else "",
    ]
    filters = [
        '<div class="filters" role="search">',
        (
            '<input id="f-q" type="search" placeholder="Search name, id, owner, driver" '
            'aria-label="Search">'
        ),
        f'<select id="f-band" aria-label="Band">{_options([], "All bands")}{bands}</select>',
        f'<select id="f-owner" aria-label="Owner">{_options(owners, "All owners")}</select>',
        "".join(
            [
                '<select id="f-segment" aria-label="Segment">',
                _options(segments, "All segments"),
                "</select>",
            ]
        ),
        f'<select id="f-within" aria-label="Renewal">{_RENEWAL_OPTIONS}</select>',
        "</div>",
        (
            '<div class="pager"><button type="button" id="prev">Previous</button>'
            f'<span id="count" aria-live="polite">Accounts 1\u2013{min(PAGE_ROWS, total)} of '
            f'{total}</span><button type="button" id="next">Next</button></div>'
        ),
    ]
    table = [
        f'<table id="portfolio" data-page="{PAGE_ROWS}">',
        f"<thead><tr>{head_cells}<th>Top driver</th></tr></thead>",
        '<tbody id="rows-body">',
        *(_static_row(r) for r in ordered[:PAGE_ROWS]),
        "</tbody></table>",
        f'<noscript><p class="meta">{_NO_SCRIPT}</p></noscript>',
    ]
    tail = [
        f'<script id="rows" type="application/json">{data}</script>',
        f"<script>{_script()}</script>",
        "</body></html>",
    ]
    return "\n".join([*head, *filters, *table, *sections, *tail])


#: Nothing may be fetched: styles and the script are inline, images data only.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_RENEWAL_OPTIONS = "".join(
    [
        '<option value="">Any renewal</option>',
        *(f'<option value="{d}">Renews within {d} days</option>' for d in (30, 90, 180)),
    ]
)
_NO_SCRIPT = (
    "The first page of the table is shown; sorting, filtering and the other pages need scripts."
)


def _rank(band: str) -> int:
    return _BANDS.index(band) if band in _BANDS else 2


def chart(points: Sequence[tuple[datetime, float]], *, width: int = 420, height: int = 160) -> str:
    """An SVG line chart of a score over time: the y axis labelled 0, 25, 50, 75 and 100
    ("score"), the x axis with the first, middle and last dates in words."""
    left, right, top, bottom = 40, 12, 10, 34
    inner_w, inner_h = width - left - right, height - top - bottom
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="score over time" '
            'font-family="system-ui,sans-serif" font-size="11">'
        ),
        f'<rect x="{left}" y="{top}" width="{inner_w}" height="{inner_h}" fill="#fafafa"/>',
    ]
    for level in (0, 25, 50, 75, 100):
        y = top + inner_h * (1 - level / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + inner_w}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{level}</text>'
        )
    parts.append(
        f'<text x="10" y="{top + inner_h / 2:.1f}" fill="#555" text-anchor="middle" '
        f'transform="rotate(-90 10 {top + inner_h / 2:.1f})">score</text>'
    )
    if points:
        t0 = points[0][0]
        total = (points[-1][0] - t0).total_seconds() or 1.0

        def x_of(moment: datetime) -> float:
            share = (moment - t0).total_seconds() / total if len(points) > 1 else 0.5
            return left + inner_w * share

        coords = [(x_of(t), top + inner_h * (1 - max(0.0, min(100.0, s)) / 100)) for t, s in points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5f99" stroke-width="2"/>')
        for (x, y), (moment, score) in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#1f5f99">'
                f"<title>{_h(when(moment))}: {score:.0f}</title></circle>"
            )
        ticks = [points[0], points[len(points) // 2], points[-1]] if len(points) > 2 else points
        anchors = ("start", "middle", "end") if len(ticks) == 3 else ("start", "end")
        for (moment, _), text_anchor in zip(ticks, anchors, strict=False):
            parts.append(
                f'<text x="{x_of(moment):.1f}" y="{top + inner_h + 16}" fill="#555" '
                f'text-anchor="{text_anchor}">{_h(_short(moment.date()))}</text>'
            )
        parts.append(
            f'<text x="{left + inner_w / 2:.1f}" y="{height - 3}" fill="#555" '
            'text-anchor="middle">date</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def facts_list(facts: Sequence[tuple[str, str]]) -> str:
    """*facts* as a definition list."""
    if not facts:
        return ""
    items = "".join(f"<dt>{_h(label)}</dt><dd>{_h(text)}</dd>" for label, text in facts)
    return f'<dl class="facts">{items}</dl>'


def band_badge(band: str) -> str:
    """The coloured badge of a band."""
    return _band_badge(band)


def escape(text: object) -> str:
    """*text* escaped for HTML text and attribute values."""
    return _h(text)
