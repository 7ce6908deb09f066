"""``perception demo``: the portfolio review on the bundled sample data."""

from __future__ import annotations

import click

from perception.cli._base import State, main, pass_state


@main.command("demo")
@pass_state
def demo_command(state: State) -> None:
    """Assess the bundled sample portfolio and explain the account most at risk."""
    from perception.examples import portfolio_review  # noqa: PLC0415  # only for this command

    click.echo(portfolio_review.run(config=state.config()))
