"""Check a reply to an e-mail thread, then the improved reply.

Run it: ``python -m perception.examples.email_reply``.

Dana, the CIO of Northwind Logistics, wrote that the nightly export failed again.  Sam's
draft reply (``perception/examples/data/reply.eml``) quotes her message below it, as mail
clients do, and ends with a signature.  Only Sam's own words are checked: Dana's quoted
message is read as the message being answered (her mood, her words, the terms she already
uses), and nothing in it or in the signature is flagged.
"""

from __future__ import annotations

from importlib import resources

import perception
from perception.mail import read_email
from perception.report import findings_text

IMPROVED = """Hi Dana,

I'm sorry the nightly export failed again, and that your SLA reporting to the board was
blocked. The extract-transform-load (ETL) job hit a timeout when the dataset grew, so we
raised the limit and re-ran last night's export.

The fix goes live on Friday 13 March. Does that work for your reporting?

Best regards,
Sam Lee
"""


def run() -> str:
    """The split of the draft, its findings, and those of the improved reply."""
    folder = resources.files("perception").joinpath("examples").joinpath("data")
    data = folder.joinpath("reply.eml").read_bytes()
    mail = read_email(data, source="reply.eml")
    split = mail.author
    answered = split.thread[0]
    report = perception.check(split)
    mood = perception.text.customer_mood(answered.text)
    lines = [
        f"Subject: {mail.subject}",
        f"Answering {answered.author}, who reads as {mood.label} ({', '.join(mood.words(3))})",
        "",
        "Sam's own text (what the checks read):",
        *(f"  {line}" for line in split.own_text().splitlines()),
        "",
        f"Draft: {len(report.findings)} findings",
        findings_text(report, mail.text, filename="reply.eml"),
    ]
    improved_text = IMPROVED + "\n" + split.text[split.quoted[0].start :]
    improved = perception.check(improved_text)
    lines += [
        "",
        f"Improved reply: {len(improved.findings)} findings"
        + (
            f"\n{findings_text(improved, improved_text, filename='improved.txt')}"
            if improved.findings
            else ""
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    print(run())


if __name__ == "__main__":
    main()
