"""Rendering outcomes, message reports and follow-ups for people.

Plain text for the terminal, Markdown for tickets and wikis, and one self-contained HTML
file (inline CSS and SVG, no scripts, no network) for sharing.  Every piece of customer
text is escaped in Markdown and HTML output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from perception import _html_report
from perception._html_report import PortfolioRow, when
from perception.calibration import CalibrationModel
from perception.config import DEFAULT_BANDS
from perception.history import HistoryPoint, compare
from perception.lint import LineIndex
from perception.model import Account
from perception.outcome import Band, FollowUp, MessageReport, PerceivedOutcome

__all__ = [
    "DETAIL_ACCOUNTS",
    "PortfolioRow",
    "Trajectory",
    "account_facts",
    "account_markdown",
    "account_text",
    "calibration_html",
    "findings_text",
    "followups_table",
    "history_html",
    "portfolio_basis",
    "portfolio_html",
    "portfolio_markdown",
    "portfolio_page",
    "portfolio_row",
    "portfolio_table",
    "reliability_svg",
    "reliability_text",
    "risk_order",
    "score_basis",
    "terminal_safe",
    "trajectory_svg",
    "when",
]

#: Points of an account's score over time: ``(as_of, score)``, oldest first.
Trajectory = Sequence[tuple[datetime, float]]


#: Characters that would act on a terminal instead of being shown: C0 and C1 controls
#: (escape sequences start with ESC, U+001B) other than the line break, and the
#: bidirectional controls that reorder what is displayed.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """*text* with every character that a terminal would act on (escape sequences, other
    controls, bidirectional overrides) shown as an escape such as ``\\x1b``.

    Account ids, plugin names and message text come from outside; printed raw, they could
    recolour, rewrite or reorder what the reader sees.  Line breaks are kept.
    """
    return _UNSAFE.sub(_escape_one, text)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def risk_order(outcomes: Sequence[PerceivedOutcome]) -> list[PerceivedOutcome]:
    """*outcomes* most at risk first: worst band, then lowest score, then account id."""
    return sorted(outcomes, key=lambda o: (-o.band.rank, o.score, o.account))


def portfolio_table(outcomes: Sequence[PerceivedOutcome], *, driver_width: int = 70) -> str:
    """A plain-text table of outcomes, worst first: account, score, band, confidence, driver."""
    rows = risk_order(outcomes)
    width = max([len("ACCOUNT")] + [len(o.account) for o in rows])
    lines = [f"{'ACCOUNT':<{width}}  SCORE  {'BAND':<9}  CONF  TOP DRIVER"]
    for o in rows:
        driver = _cut(o.drivers[0].text, driver_width) if o.drivers else "-"
        lines.append(
            f"{o.account:<{width}}  {o.score:5.1f}  {o.band.value:<9}  "
            f"{o.confidence:4.2f}  {driver}"
        )
    return terminal_safe("\n".join(lines))


def portfolio_basis(outcomes: Sequence[PerceivedOutcome]) -> str:
    """What the scores of a portfolio are, in a few words: the default score, or calibrated
    probabilities and from which calibration."""
    labels = {o.calibration for o in outcomes}
    if not labels or labels == {None}:
        return "scores: the default score, not calibrated"
    if None in labels or len(labels) > 1:
        return "scores: some calibrated, some not; see each account"
    return (
        "scores: calibrated probabilities (%) that the customer calls themselves satisfied, "
        f"from {next(iter(labels))}"
    )


def score_basis(outcome: PerceivedOutcome) -> str:
    """What the score is: the default score, or a calibrated probability and from what."""
    if outcome.calibration is None:
        return (
            f"Score: the default score (not calibrated); {outcome.baseline:.1f} with no evidence."
        )
    return (
        "Score: the calibrated probability (%) that the customer calls themselves "
        f"satisfied ({outcome.calibration}); {outcome.baseline:.1f} for this evidence with "
        "every value neutral."
    )


def _driver_rows(outcome: PerceivedOutcome) -> list[tuple[float, str]]:
    """The drivers' points and words, then the rest of the evidence, so that they add up
    to the score minus the baseline."""
    rows = [(d.impact, d.text) for d in outcome.drivers]
    rest = outcome.score - outcome.baseline - sum(d.impact for d in outcome.drivers)
    if abs(rest) >= 0.05:
        # Also when no signal is named: the points are still accounted for.
        rows.append((rest, _rest_words(len(outcome.signals) - len(rows), named=bool(rows))))
    return rows


def _rest_words(others: int, *, named: bool) -> str:
    """What the line of the evidence not named as a driver stands for: how many pieces
    of evidence, when the outcome still lists its signals."""
    if not named:
        return "All the evidence together."
    if others == 1:
        return "The one other piece of evidence."
    if others > 1:
        return f"The other {others} pieces of evidence together."
    return "All other evidence together."


def _days(count: float) -> str:
    whole = round(count)
    return "1 day" if whole == 1 else f"{whole} days"


def _renewal(renewal: date, as_of: datetime) -> str:
    days = (renewal - as_of.date()).days
    if days >= 0:
        return f"{when(renewal)} (in {_days(days)})"
    return f"{when(renewal)} ({_days(-days)} ago)"


def _usage_line(account: Account, metric: str) -> tuple[str, str]:
    series = account.usage_series(metric)
    first, last = series[0], series[-1]
    unit = f" {last.unit}" if last.unit else ""
    text = f"{last.value:g}{unit} on {when(last.at)}"
    if len(series) > 1 and first.value:
        change = (last.value - first.value) / abs(first.value) * 100
        way = "up" if change >= 0 else "down"
        text += f", {way} {abs(change):.0f}% from {first.value:g} on {when(first.at)}"
    return metric.replace("_", " ").capitalize(), text


def account_facts(account: Account, as_of: datetime) -> list[tuple[str, str]]:
    """What the team knows of the account besides perception, as ``(label, text)`` pairs:
    owner, segment, plan, lifecycle stage, ARR and MRR, renewal, cases, usage metrics and
    the custom attributes.  Only what the account has is listed."""
    view = account.as_of(as_of)
    facts: list[tuple[str, str]] = [("Customer", account.customer.name)]
    plain = (
        ("Owner", account.owner),
        ("Segment", account.customer.segment),
        ("Plan", account.plan),
        ("Lifecycle stage", account.lifecycle.value if account.lifecycle is not None else ""),
        ("ARR", str(account.arr) if account.arr is not None else ""),
        ("MRR", str(account.mrr) if account.mrr is not None else ""),
        ("Renewal", _renewal(account.renewal, as_of) if account.renewal is not None else ""),
    )
    facts += [(label, value) for label, value in plain if value]
    if view.cases:
        open_cases = view.open_cases()
        text = f"{len(open_cases)} open of {len(view.cases)}"
        if open_cases:
            worst = open_cases[0]
            text += (
                f"; most urgent: {worst.id} ({worst.priority.value}) "
                f"{worst.subject or 'without a subject'}, open {_days(worst.open_for(as_of))}"
            )
        facts.append(("Cases", text))
    facts += [_usage_line(view, metric) for metric in view.metrics()]
    facts += [(name, _attribute(value)) for name, value in sorted(account.attributes.items())]
    return facts


def _attribute(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def account_text(outcome: PerceivedOutcome, *, account: Account | None = None) -> str:
    """One account's outcome explained in words; with *account*, its facts too (owner,
    plan, ARR, renewal, cases, usage, custom attributes)."""
    lines = [
        (
            f"{outcome.account}: {outcome.score:.1f}/100, {outcome.band.value} "
            f"(confidence {outcome.confidence:.2f}) as of {outcome.as_of.isoformat()}"
        ),
        score_basis(outcome),
    ]
    if account is not None:
        lines += ["", "Account:"]
        lines += [f"  {label}: {text}" for label, text in account_facts(account, outcome.as_of)]
    if outcome.diagnosis:
        lines += ["", outcome.diagnosis]
    driver_rows = _driver_rows(outcome)
    if driver_rows:
        lines += ["", f"What drives it: points from {outcome.baseline:.1f}"]
        lines += [f"  {impact:+6.1f}  {text}" for impact, text in driver_rows]
    if outcome.dimensions:
        lines += ["", "By dimension (-1 to +1):"]
        lines += [
            f"  {d.value:<15} {v:+.2f}"
            for d, v in sorted(outcome.dimensions.items(), key=lambda kv: kv[1])
        ]
    if outcome.findings:
        lines += ["", f"Findings in the team's messages: {len(outcome.findings)}"]
        lines += [
            f"  [{f.check}] {', '.join(f.evidence)}: {f.message}" for f in outcome.findings[:10]
        ]
    if outcome.followups:
        lines += ["", "Follow-ups:"]
        lines += [
            f"  {f.due.date().isoformat()}  {f.priority.value:<6}  {f.action}"
            for f in outcome.followups
        ]
    if outcome.failures:
        lines += ["", "Plugin failures:"]
        lines += [f"  {f.kind} {f.plugin!r}: {f.error}" for f in outcome.failures]
    return terminal_safe("\n".join(lines))


def findings_text(report: MessageReport, text: str, *, filename: str = "<stdin>") -> str:
    """Findings like a linter: ``file:line:col: severity [check] message`` plus suggestion."""
    lines = []
    # One index of the line starts for all findings: counting the lines before each
    # finding made a long text with many findings quadratic.
    index = LineIndex(text) if report.findings else None
    for f in report.findings:
        line, col = index.position(f.span.start) if index is not None and f.span else (1, 1)
        lines.append(f"{filename}:{line}:{col}: {f.severity.value} [{f.check}] {f.message}")
        if f.suggestion:
            lines.append(f"    suggestion: {f.suggestion}")
    for failure in report.failures:
        lines.append(
            f"{filename}: plugin failure: {failure.kind} {failure.plugin!r}: {failure.error}"
        )
    return terminal_safe("\n".join(lines))


def followups_table(followups: Sequence[FollowUp]) -> str:
    """A plain-text table of follow-ups: due, priority, account, policy, action."""
    if not followups:
        return "No follow-ups."
    width = max(len(f.account) for f in followups)
    lines = [f"{'DUE':<10}  {'PRIORITY':<8}  {'ACCOUNT':<{width}}  ACTION"]
    for f in followups:
        lines.append(
            f"{f.due.date().isoformat():<10}  {f.priority.value:<8}  "
            f"{f.account:<{width}}  {f.action}"
        )
        lines.append(f"{'':<10}  {'':<8}  {'':<{width}}  why: {f.reason} [{f.key}]")
    return terminal_safe("\n".join(lines))


# -- trajectories -----------------------------------------------------------------------


def trajectory_svg(
    points: Trajectory,
    *,
    width: int = 240,
    height: int = 60,
    bands: Mapping[Band, float] | None = None,
) -> str:
    """An inline SVG line chart of a trajectory (0-100 scale), with a guide line at the
    lower limit of each band (*bands*, as in ``Config.bands``; the defaults if not given)."""
    pad = 4
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="score over time">'
        ),
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fafafa"/>',
    ]
    for level in sorted((bands if bands is not None else DEFAULT_BANDS).values()):
        y = pad + inner_h * (1 - level / 100)
        parts.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
        )
    if points:
        t0 = points[0][0]
        total = (points[-1][0] - t0).total_seconds() or 1.0
        coords = [
            (
                pad + inner_w * ((t - t0).total_seconds() / total if len(points) > 1 else 0.5),
                pad + inner_h * (1 - max(0.0, min(100.0, score)) / 100),
            )
            for t, score in points
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5f99" stroke-width="2"/>')
        x, y = coords[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f5f99"/>')
        first, last = points[0], points[-1]
        parts.append(
            f"<title>{first[0]:%Y-%m-%d}: {first[1]:.0f} to {last[0]:%Y-%m-%d}: "
            f"{last[1]:.0f}</title>"
        )
    parts.append("</svg>")
    return "".join(parts)


# -- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")


def _md(text: str) -> str:
    """*text* safe inside a Markdown table cell or paragraph: one line, no markup, no HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def portfolio_markdown(outcomes: Sequence[PerceivedOutcome]) -> str:
    """A Markdown table of outcomes, most at risk first."""
    lines = [
        "| Account | Score | Band | Confidence | Top driver |",
        "|---|---:|---|---:|---|",
    ]
    for o in risk_order(outcomes):
        driver = _md(o.drivers[0].text) if o.drivers else "-"
        lines.append(
            f"| {_md(o.account)} | {o.score:.1f} | {o.band.value} | {o.confidence:.2f} | {driver} |"
        )
    return terminal_safe("\n".join(lines))


def account_markdown(outcome: PerceivedOutcome, *, account: Account | None = None) -> str:
    """One account's outcome explained, in Markdown; with *account*, its facts too."""
    lines = [
        f"## {_md(outcome.account)}: {outcome.score:.1f}/100, {outcome.band.value}",
        "",
        f"Confidence {outcome.confidence:.2f}, as of {outcome.as_of.isoformat()}.",
        _md(score_basis(outcome)),
    ]
    if account is not None:
        lines += [""]
        lines += [
            f"- **{_md(label)}**: {_md(text)}"
            for label, text in account_facts(account, outcome.as_of)
        ]
    if outcome.diagnosis:
        lines += ["", f"> {_md(outcome.diagnosis)}"]
    driver_rows = _driver_rows(outcome)
    if driver_rows:
        lines += ["", "### What drives it", ""]
        lines += [f"- **{impact:+.1f}** {_md(text)}" for impact, text in driver_rows]
    if outcome.dimensions:
        lines += ["", "### By dimension", "", "| Dimension | Value |", "|---|---:|"]
        lines += [
            f"| {d.value} | {v:+.2f} |"
            for d, v in sorted(outcome.dimensions.items(), key=lambda kv: kv[1])
        ]
    if outcome.findings:
        lines += ["", f"### Findings in the team's messages ({len(outcome.findings)})", ""]
        lines += [
            f"- `{_md(f.check)}` {_md(', '.join(f.evidence))}: {_md(f.message)}"
            for f in outcome.findings[:20]
        ]
    if outcome.failures:
        lines += ["", "### Plugin failures", ""]
        lines += [f"- {f.kind} `{_md(f.plugin)}`: {_md(f.error)}" for f in outcome.failures]
    return terminal_safe("\n".join(lines))


# -- HTML -------------------------------------------------------------------------------

#: Accounts explained in full on the HTML page when none are named: the most at risk.
DETAIL_ACCOUNTS = 50


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def portfolio_row(
    outcome: PerceivedOutcome,
    account: Account | None = None,
    *,
    previous: float | None = None,
    detailed: bool = False,
) -> PortfolioRow:
    """The row of *outcome* in the HTML portfolio table: with *account*, its name, owner,
    segment and renewal; with *previous* (an earlier score), the change since; *detailed*
    links the row to the account's section."""
    return PortfolioRow(
        account=outcome.account,
        name=account.customer.name if account is not None else "",
        score=outcome.score,
        band=outcome.band.value,
        confidence=outcome.confidence,
        change=outcome.score - previous if previous is not None else None,
        owner=account.owner if account is not None else "",
        segment=account.customer.segment if account is not None else "",
        renewal=account.renewal if account is not None else None,
        driver=outcome.drivers[0].text if outcome.drivers else "",
        anchor=_html_report.anchor(outcome.account) if detailed else "",
    )


def portfolio_page(
    rows: Sequence[PortfolioRow],
    details: Sequence[tuple[PerceivedOutcome, Account | None, Trajectory | None]],
    *,
    title: str = "Perceived outcomes",
    as_of: datetime | None = None,
    change_days: float | None = None,
    history: Mapping[str, Sequence[HistoryPoint]] | None = None,
    basis: str = "",
    calibration: CalibrationModel | None = None,
) -> str:
    """The HTML portfolio page from prepared *rows* (every account) and *details* (the
    accounts explained in full, with their facts and trajectory): what
    :func:`portfolio_html` renders, for callers that stream the outcomes and keep only the
    rows.  *change_days* labels the change column; *history* has the recorded assessments
    of accounts, shown at the end of their section (:func:`history_html`); *basis* says
    what the scores are (:func:`portfolio_basis`); with the *calibration* the scores come
    from, the page ends with its figures and reliability diagram."""
    history = history or {}
    ordered = sorted(details, key=lambda d: (-d[0].band.rank, d[0].score, d[0].account))
    sections = [_account_html(o, a, points, history.get(o.account, ())) for o, a, points in ordered]
    if calibration is not None:
        sections.append(_calibration_section(calibration))
    return _html_report.page(
        rows, sections, title=title, as_of=as_of, change_days=change_days, note=basis
    )


def portfolio_html(
    outcomes: Sequence[PerceivedOutcome],
    *,
    trajectories: Mapping[str, Trajectory] | None = None,
    title: str = "Perceived outcomes",
    accounts: Mapping[str, Account] | None = None,
    previous: Mapping[str, float] | None = None,
    detail: Sequence[str] | None = None,
    change_days: float | None = None,
    history: Mapping[str, Sequence[HistoryPoint]] | None = None,
    calibration: CalibrationModel | None = None,
) -> str:
    """One self-contained HTML page: a sortable, filterable table of every account, then
    the accounts chosen, explained in full.

    The table (name, score, change, band, owner, segment, renewal, top driver) is drawn by
    an inline script from data inside the page, a page of rows at a time, with its first
    page also written as HTML; nothing is fetched from anywhere (the page's
    Content-Security-Policy forbids it), and all text is escaped.

    :param trajectories: each account's scores over time, drawn in its section.
    :param accounts: the accounts by id, for their names and facts.
    :param previous: each account's earlier score, for the change column.
    :param detail: the ids of the accounts to explain in full (default: the
        :data:`DETAIL_ACCOUNTS` most at risk).
    :param change_days: how many days before *as_of* the earlier scores are, for the label.
    :param history: each account's recorded assessments, shown at the end of its section.
    :param calibration: the calibration the scores come from: the page ends with its
        figures and reliability diagram.
    """
    trajectories = trajectories or {}
    accounts = accounts or {}
    previous = previous or {}
    chosen = (
        set(detail)
        if detail is not None
        else {o.account for o in risk_order(outcomes)[:DETAIL_ACCOUNTS]}
    )
    rows = [
        portfolio_row(
            o,
            accounts.get(o.account),
            previous=previous.get(o.account),
            detailed=o.account in chosen,
        )
        for o in outcomes
    ]
    details = [
        (o, accounts.get(o.account), trajectories.get(o.account))
        for o in outcomes
        if o.account in chosen
    ]
    as_of = outcomes[0].as_of if outcomes else None
    return portfolio_page(
        rows,
        details,
        title=title,
        as_of=as_of,
        change_days=change_days,
        history=history,
        basis=portfolio_basis(outcomes),
        calibration=calibration,
    )


def _account_html(
    outcome: PerceivedOutcome,
    account: Account | None,
    points: Trajectory | None,
    history: Sequence[HistoryPoint] = (),
) -> str:
    name = account.customer.name if account is not None else outcome.account
    parts = [
        f'<section id="{_h(_html_report.anchor(outcome.account))}">',
        f"<h2>{_h(name)} {_html_report.band_badge(outcome.band.value)}</h2>",
        (
            f'<p class="meta">{_h(outcome.account)}: score {outcome.score:.1f}/100, confidence '
            f"{outcome.confidence:.2f}, as of {_h(when(outcome.as_of))}. "
            f"{_h(score_basis(outcome))}</p>"
        ),
    ]
    if account is not None:
        parts.append(_html_report.facts_list(account_facts(account, outcome.as_of)))
    if points:
        parts.append(
            f'<figure>{_html_report.chart(points)}<figcaption class="meta">Score from '
            f"{_h(when(points[0][0]))} to {_h(when(points[-1][0]))}</figcaption></figure>"
        )
    if outcome.diagnosis:
        parts.append(f'<p class="diagnosis">{_h(outcome.diagnosis)}</p>')
    driver_rows = _driver_rows(outcome)
    if driver_rows:
        parts.append("<h3>What drives it</h3><ul>")
        parts += [f"<li><b>{impact:+.1f}</b> {_h(text)}</li>" for impact, text in driver_rows]
        parts.append("</ul>")
    if outcome.dimensions:
        parts.append("<h3>By dimension</h3><table><tbody>")
        parts += [
            f'<tr><td>{_h(d.value)}</td><td class="num">{v:+.2f}</td></tr>'
            for d, v in sorted(outcome.dimensions.items(), key=lambda kv: kv[1])
        ]
        parts.append("</tbody></table>")
    if outcome.findings:
        parts.append(f"<h3>Findings in the team's messages ({len(outcome.findings)})</h3><ul>")
        parts += [
            f"<li><code>{_h(f.check)}</code> {_h(', '.join(f.evidence))}: {_h(f.message)}</li>"
            for f in outcome.findings[:20]
        ]
        parts.append("</ul>")
    if outcome.failures:
        parts.append("<h3>Plugin failures</h3><ul>")
        parts += [
            f"<li>{_h(f.kind)} <code>{_h(f.plugin)}</code>: {_h(f.error)}</li>"
            for f in outcome.failures
        ]
        parts.append("</ul>")
    if history:
        parts.append(history_html(history))
    parts.append("</section>")
    return "\n".join(parts)


def history_html(points: Sequence[HistoryPoint], *, limit: int = 12) -> str:
    """An account's recorded assessments as an HTML block: the last *limit* of them, newest
    first, each with its score, band and the drivers that appeared since the one before.

    Self-contained (it uses the page's table and band styles) and escaped; empty for no
    points.
    """
    if not points:
        return ""
    ordered = sorted(points, key=lambda p: p.as_of)
    rows = []
    for index in range(len(ordered) - 1, max(-1, len(ordered) - 1 - limit), -1):
        point = ordered[index]
        before = ordered[index - 1] if index else None
        change = compare(before, point, min_change=0.0)
        moved = f"{point.score - before.score:+.1f}" if before is not None else ""
        why = [f"new: {d.text}" for d in change.new_drivers] if change else []
        why += [f"no longer: {d.text}" for d in change.gone_drivers] if change else []
        badge = _html_report.band_badge(point.band.value)
        reasons = "<br>".join(_h(w) for w in why) or "-"
        rows.append(
            f'<tr><td>{_h(point.as_of.date().isoformat())}</td><td class="num">'
            f'{point.score:.1f}</td><td class="num">{_h(moved)}</td>'
            f"<td>{badge}</td><td>{reasons}</td></tr>"
        )
    return (
        f'<div class="history"><h3>History ({len(ordered)} assessments)</h3>'
        "<table><thead><tr><th>As of</th><th>Score</th><th>Change</th><th>Band</th>"
        "<th>What changed</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


# -- calibration --------------------------------------------------------------------------

Bins = Sequence[Mapping[str, float | int | None]]


def reliability_text(bins: Bins, *, width: int = 30) -> str:
    """The reliability diagram as text: per band of predicted probability, how many
    outcomes, the mean prediction and the share actually satisfied, with a bar."""
    lines = ["  predicted   outcomes  mean predicted  observed"]
    for b in bins:
        count = int(b.get("count") or 0)
        low, high = float(b.get("low") or 0.0), float(b.get("high") or 0.0)
        band = f"{low * 100:.0f}-{high * 100:.0f}%"
        if not count:
            lines.append(f"  {band:<10} {count:>9}")
            continue
        predicted = float(b.get("predicted") or 0.0)
        observed = float(b.get("observed") or 0.0)
        bar = "#" * round(observed * width)
        lines.append(
            f"  {band:<10} {count:>9}  {predicted * 100:>13.1f}%  {observed * 100:>7.1f}%  {bar}"
        )
    return "\n".join(lines)


def reliability_svg(bins: Bins, *, size: int = 240) -> str:
    """The reliability diagram as an inline SVG: observed share against mean predicted
    probability per band, with the diagonal of perfect calibration; a dot's area grows
    with the number of outcomes in its band."""
    pad = 28
    inner = size - 2 * pad
    total = sum(int(b.get("count") or 0) for b in bins) or 1

    def x(v: float) -> float:
        return pad + inner * v

    def y(v: float) -> float:
        return pad + inner * (1 - v)

    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" role="img" aria-label="reliability diagram">'
        ),
        (
            f'<rect x="{pad}" y="{pad}" width="{inner}" height="{inner}" fill="#fafafa" '
            'stroke="#ccc"/>'
        ),
        (
            f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" y2="{y(1):.1f}" '
            'stroke="#bbb" stroke-dasharray="4 3"/>'
        ),
        (
            f'<text x="{size / 2:.0f}" y="{size - 6}" font-size="10" text-anchor="middle">'
            "predicted probability</text>"
        ),
        (
            f'<text x="10" y="{size / 2:.0f}" font-size="10" text-anchor="middle" '
            f'transform="rotate(-90 10 {size / 2:.0f})">observed share satisfied</text>'
        ),
    ]
    points = [
        (
            float(b.get("predicted") or 0.0),
            float(b.get("observed") or 0.0),
            int(b.get("count") or 0),
        )
        for b in bins
        if b.get("count") and b.get("predicted") is not None and b.get("observed") is not None
    ]
    if points:
        path = " ".join(f"{x(p):.1f},{y(o):.1f}" for p, o, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5f99" stroke-width="1.5"/>')
        for p, o, count in points:
            radius = 2.0 + 8.0 * (count / total) ** 0.5
            parts.append(
                f'<circle cx="{x(p):.1f}" cy="{y(o):.1f}" r="{radius:.1f}" fill="#1f5f99" '
                f'fill-opacity="0.6"><title>{count} outcomes: predicted {p * 100:.0f}%, '
                f"observed {o * 100:.0f}%</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _summary(metadata: Mapping[str, object], key: str) -> str:
    cv = metadata.get("cv")
    figures = cv.get(key) if isinstance(cv, Mapping) else None
    if not isinstance(figures, Mapping) or figures.get("mean") is None:
        return "n/a"
    text = f"{float(figures['mean']):.3f}"
    if figures.get("sd") is not None:
        text += f" &plusmn; {float(figures['sd']):.3f}"
    return text


def _calibration_section(model: CalibrationModel) -> str:
    meta = model.metadata
    bins = meta.get("reliability")
    bins = bins if isinstance(bins, Sequence) else []
    default = meta.get("default_score")
    default = default if isinstance(default, Mapping) else {}

    def plain(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, (int, float)) else "n/a"

    rows = "".join(
        f'<tr><td>{label}</td><td class="num">{_summary(meta, key)}</td>'
        f'<td class="num">{plain(default.get(key))}</td></tr>'
        for key, label in (
            ("auc", "AUC (satisfied)"),
            ("brier", "Brier score"),
            ("spearman", "Rank correlation"),
        )
    )
    return "\n".join(
        [
            '<section id="calibration">',
            "<h2>Calibration</h2>",
            (
                f'<p class="meta">Scores are calibrated probabilities: {_h(model.label)}. '
                f"{_h(meta.get('outcomes', '?'))} stated outcomes from "
                f"{_h(meta.get('accounts', '?'))} accounts; figures cross-validated by whole "
                "accounts.</p>"
            ),
            (
                "<table><thead><tr><th></th><th>Calibrated (mean &plusmn; sd over folds)</th>"
                f"<th>Default score</th></tr></thead><tbody>{rows}</tbody></table>"
            ),
            (
                f'<figure>{reliability_svg(bins)}<figcaption class="meta">Reliability: the '
                "share of customers satisfied against the predicted probability; on the "
                "diagonal, a prediction of 70% comes true 70% of the time.</figcaption></figure>"
            ),
            f"<pre>{_h(reliability_text(bins))}</pre>",
            "</section>",
        ]
    )


def calibration_html(model: CalibrationModel, *, title: str = "Calibration") -> str:
    """One self-contained HTML page with a calibration's figures and reliability diagram."""
    return "\n".join(
        [
            _html_report.head(title),
            _calibration_section(model),
            "</body></html>",
        ]
    )
