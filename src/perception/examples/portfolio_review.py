"""Assess the sample portfolio and explain the account most at risk.

Run it: ``python -m perception.examples.portfolio_review`` (or ``perception demo``).
"""

from __future__ import annotations

import perception
from perception.config import Config
from perception.examples import SAMPLE_AS_OF, sample_path, sample_portfolio
from perception.report import account_text, portfolio_basis, portfolio_table


def run(config: Config | None = None) -> str:
    """The review as text: the risk table, then the worst account explained."""
    accounts = sample_portfolio()
    # Assess every account as of the sample's "today"; results come back in order.
    outcomes = list(perception.assess_many(accounts, as_of=SAMPLE_AS_OF, config=config))
    worst = min(outcomes, key=lambda o: o.score)
    # Plan the worst account's follow-ups so the explanation ends with what to do next.
    account = next(a for a in accounts if a.id == worst.account)
    worst = perception.assess(account, as_of=SAMPLE_AS_OF, config=config, plan=True)
    return "\n".join(
        [
            (
                f"Portfolio: {sample_path().name}, {len(accounts)} accounts, "
                f"as of {SAMPLE_AS_OF:%Y-%m-%d}"
            ),
            "",
            portfolio_table(outcomes),
            f"({portfolio_basis(outcomes)})",
            "",
            "Most at risk, explained:",
            account_text(worst),
        ]
    )


if __name__ == "__main__":
    print(run())
