"""``perception schema`` and ``perception validate``: the input format."""

from __future__ import annotations

import json
from pathlib import Path

import click

from perception.cli._base import main
from perception.cli._io import interactions_option, path_argument, read_portfolio
from perception.io import json_schema, validate_accounts


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of one account object."""
    click.echo(json.dumps(json_schema(), indent=2))


@main.command("validate")
@path_argument
@interactions_option
def validate_command(path: Path, interactions_csv: Path | None) -> None:
    """Check an accounts file (JSON or JSONL) and report every problem.

    Exit code 0 when the file is valid, 2 with one line per problem otherwise.
    """
    if interactions_csv is None:  # nothing to merge: the accounts need not be kept
        count, total = validate_accounts(path)
    else:
        accounts = read_portfolio(path, interactions_csv)
        count, total = len(accounts), sum(len(a.interactions) for a in accounts)
    click.echo(f"{path}: {count} accounts, {total} interactions: valid")
