"""Check a draft reply to an angry customer, then the improved draft.

Run it: ``python -m perception.examples.draft_check``.

Priya, an accounts-payable clerk at Northwind Logistics, wrote that the new invoice
portal rejects half of her supplier PDFs.  The first draft answers the technical question
and closes the ticket; the checks say why it will land badly.  The second draft passes.
"""

from __future__ import annotations

import perception
from perception.examples import sample_portfolio
from perception.report import findings_text

ACCOUNT, REPLY_TO = "northwind-logistics", "nw-1"

FIRST_DRAFT = (
    "Per the SOW the OCR pipeline only accepts PDF/A. You failed to upload compliant "
    "files, that's our policy. Ticket closed."
)

IMPROVED_DRAFT = """Hi Priya,

I'm sorry the portal rejected so many of your supplier invoices, and that it has put your
payments behind. That is on us: the portal only reads one type of PDF, and we never told
your team.

Today I will convert the rejected files for you, and by Friday the portal will accept
both types. Could you confirm that Friday works for your payment run?

Best regards,
Sam"""


def review(title: str, text: str, account: perception.Account) -> tuple[str, int]:
    """The findings on *text* as a reply to the customer's message, and how many."""
    report = perception.check(text, account=account, reply_to=REPLY_TO)
    worst = report.worst()
    verdict = "clean" if worst is None else f"worst finding: {worst.value}"
    body = findings_text(report, text, filename=title) or f"{title}: no findings"
    return f"{title} ({len(report.findings)} findings, {verdict})\n{body}", len(report.findings)


def run() -> str:
    """Both reviews as text."""
    account = next(a for a in sample_portfolio() if a.id == ACCOUNT)
    inbound = account.interaction(REPLY_TO)
    assert inbound is not None
    sentiment = perception.check(inbound.text).sentiment.compound
    first, _ = review("first-draft", FIRST_DRAFT, account)
    second, _ = review("improved-draft", IMPROVED_DRAFT, account)
    return "\n".join(
        [
            f"The customer wrote (sentiment {sentiment:+.2f}):",
            f"  {inbound.text}",
            "",
            first,
            "",
            second,
        ]
    )


if __name__ == "__main__":
    print(run())
