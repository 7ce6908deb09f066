"""A third-party plugin: one scorer, one check, one policy and one CLI command."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import click

from perception import Finding, FollowUp, Signal, Span, hookimpl


class RenewalScorer:
    name = "acme-renewal"
    description = "Accounts with an 'acme' segment are renewing: a small positive signal."
    defaults: ClassVar[dict[str, float]] = {"bonus": 0.2}

    def score(self, account, ctx):
        yield Signal(
            scorer=self.name,
            dimension="assurance",
            value=float(ctx.options["bonus"]),
            explanation=f"{account.customer.name} is in the renewal programme.",
        )


class ShoutingCheck:
    name = "acme-shouting"
    description = "Flags words in capitals."

    def check(self, message, ctx):
        for word in message.words:
            text = message.slice(word)
            if len(text) > 3 and text.isupper():
                yield Finding(
                    check=self.name,
                    severity="warning",
                    span=Span(start=word.start, end=word.end),
                    message=f"'{text}' reads as shouting.",
                    suggestion=f"Write '{text.capitalize()}'.",
                )


class QuarterlyPolicy:
    name = "acme-quarterly"
    description = "A quarterly business review for every account."

    def followups(self, account, outcome, ctx):
        quarter = (ctx.as_of.month - 1) // 3 + 1
        yield FollowUp(
            policy=self.name,
            key=f"{self.name}:{account.id}:{ctx.as_of.year}-Q{quarter}",
            account=account.id,
            due=ctx.as_of + timedelta(days=7),
            action="Hold the quarterly business review.",
            reason="Every account gets one each quarter.",
        )


@hookimpl
def perception_register_scorers(register):
    register(RenewalScorer())


@hookimpl
def perception_register_checks(register):
    register(ShoutingCheck())


@hookimpl
def perception_register_policies(register):
    register(QuarterlyPolicy())


@hookimpl
def perception_register_commands(cli):
    @cli.command("acme-hello")
    def hello():
        """Say hello from the acme plugin."""
        click.echo("hello from acme")
