"""Rendering outcomes, message reports and follow-ups for people."""

from __future__ import annotations

from collections.abc import Sequence

from perception.outcome import FollowUp, MessageReport, PerceivedOutcome

__all__ = ["account_text", "findings_text", "followups_table", "portfolio_table"]


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def portfolio_table(outcomes: Sequence[PerceivedOutcome], *, driver_width: int = 70) -> str:
    """A plain-text table of outcomes, worst first: account, score, band, confidence, driver."""
    rows = sorted(outcomes, key=lambda o: (o.score, o.account))
    width = max([len("ACCOUNT")] + [len(o.account) for o in rows])
    lines = [f"{'ACCOUNT':<{width}}  SCORE  {'BAND':<9}  CONF  TOP DRIVER"]
    for o in rows:
        driver = _cut(o.drivers[0].text, driver_width) if o.drivers else "-"
        lines.append(
            f"{o.account:<{width}}  {o.score:5.1f}  {o.band.value:<9}  "
            f"{o.confidence:4.2f}  {driver}"
        )
    return "\n".join(lines)


def account_text(outcome: PerceivedOutcome) -> str:
    """One account's outcome explained in words."""
    lines = [
        (
            f"{outcome.account}: {outcome.score:.1f}/100, {outcome.band.value} "
            f"(confidence {outcome.confidence:.2f}) as of {outcome.as_of.isoformat()}"
        ),
    ]
    if outcome.diagnosis:
        lines += ["", outcome.diagnosis]
    if outcome.drivers:
        lines += ["", "What drives it:"]
        lines += [f"  {d.impact:+6.1f}  {d.text}" for d in outcome.drivers]
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
    return "\n".join(lines)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def findings_text(report: MessageReport, text: str, *, filename: str = "<stdin>") -> str:
    """Findings like a linter: ``file:line:col: severity [check] message`` plus suggestion."""
    lines = []
    for f in report.findings:
        line, col = _line_col(text, f.span.start) if f.span else (1, 1)
        lines.append(f"{filename}:{line}:{col}: {f.severity.value} [{f.check}] {f.message}")
        if f.suggestion:
            lines.append(f"    suggestion: {f.suggestion}")
    for failure in report.failures:
        lines.append(
            f"{filename}: plugin failure: {failure.kind} {failure.plugin!r}: {failure.error}"
        )
    return "\n".join(lines)


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
    return "\n".join(lines)
