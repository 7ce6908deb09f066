"""Shared parameter types and input helpers of the commands."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import click

from perception._moments import out_of_range
from perception.errors import ValidationError
from perception.io import load_accounts, merge_interactions, read_interactions_located
from perception.model import Account


class AwareDateTime(click.ParamType):  # type: ignore[type-arg, unused-ignore]  # generic in click >= 8.2 only
    """An ISO 8601 date-time with an offset (``2026-03-01T09:00:00Z``), or a date.

    A bare date means midnight UTC at the start of that day.  A date-time without an
    offset is refused: perception never guesses a time zone.
    """

    name = "datetime"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        """Parse *value*."""
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(0), tzinfo=timezone.utc)
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date or date-time", param, ctx)
        if parsed.tzinfo is None:
            self.fail(
                f"{value!r} has no time zone; add 'Z' or an offset such as '+02:00'", param, ctx
            )
        problem = out_of_range(parsed)
        if problem is not None:
            self.fail(problem, param, ctx)
        return parsed


AWARE_DATETIME = AwareDateTime()

path_argument = click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
interactions_option = click.option(
    "--interactions",
    "interactions_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV file of interactions to add to the accounts (see the input format docs).",
)


def read_portfolio(path: Path, interactions_csv: Path | None = None) -> list[Account]:
    """All accounts of *path* (all or nothing), with the CSV interactions merged in."""
    accounts = load_accounts(path)
    if interactions_csv is not None:
        found, sources = read_interactions_located(interactions_csv)
        try:
            accounts = merge_interactions(accounts, found, sources=sources)
        except ValidationError as exc:
            summary = f"cannot merge {interactions_csv} into {path}"
            raise ValidationError(exc.problems, summary=summary) from None
    return accounts
