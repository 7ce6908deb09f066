"""Why is the customer unhappy, although everything was delivered?

Run it: ``python -m perception.examples.escalation_postmortem``.

Northwind Logistics received every committed deliverable on time, and its CIO still
escalated.  This example puts the delivery record next to the perceived outcome and
lets the drivers and the diagnosis say what the checklist missed.
"""

from __future__ import annotations

from datetime import timedelta

import perception
from perception.examples import SAMPLE_AS_OF, sample_portfolio

ACCOUNT = "northwind-logistics"


def delivery_record(account: perception.Account) -> list[str]:
    """One line per explicit commitment: due, delivered, on time or not."""
    lines = []
    for exp in account.expectations:
        if exp.kind is not perception.ExpectationKind.EXPLICIT:
            continue
        done = [d for d in account.deliverables_for(exp.id) if d.delivered_at is not None]
        if not done:
            lines.append(f"  [ ] {exp.description}: not delivered")
            continue
        delivered = min(d.delivered_at for d in done if d.delivered_at is not None)
        late = exp.due is not None and delivered > exp.due
        when = f"delivered {delivered:%d %b}" + (f", due {exp.due:%d %b}" if exp.due else "")
        lines.append(f"  [{'!' if late else 'x'}] {exp.description}: {when}")
    return lines


def run() -> str:
    """The post-mortem as text."""
    account = next(a for a in sample_portfolio() if a.id == ACCOUNT)
    outcome = perception.assess(account, as_of=SAMPLE_AS_OF)
    lines = [f"Post-mortem: {account.customer.name}, as of {SAMPLE_AS_OF:%d %B %Y}", ""]
    lines += ["The checklist (explicit commitments):", *delivery_record(account), ""]
    lines += [f"The customer's perception: {outcome.score:.0f}/100, {outcome.band.value}."]
    if outcome.diagnosis:
        lines += ["", outcome.diagnosis]
    lines += ["", "What moved the score most:"]
    lines += [f"  {d.impact:+6.1f}  {d.text}" for d in outcome.drivers]

    # How the perception developed: the same account assessed week by week.
    lines += ["", "Week by week:"]
    for weeks_back in range(6, -1, -1):
        moment = SAMPLE_AS_OF - timedelta(weeks=weeks_back)
        past = perception.assess(account, as_of=moment)
        bar = "#" * round(past.score / 5)
        lines.append(f"  {moment:%d %b}  {past.score:5.1f}  {bar}")

    findings = {f.check for f in outcome.findings}
    if findings:
        lines += [
            "",
            f"Checks that fired on the team's own messages: {', '.join(sorted(findings))}",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
