"""``perception import``: a team's data (e-mail, helpdesk, CRM) into perception's JSONL."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from perception.cli._base import fail, main
from perception.config import _read_toml  # the project's one TOML reader and its errors
from perception.importers import PRESETS, import_accounts_csv, import_email, import_zendesk
from perception.io import dump_account
from perception.model import Account

__all__ = ["import_group", "read_columns"]


def _notice(text: str) -> None:
    click.echo(f"perception: notice: {text}", err=True)


def read_columns(path: Path | None, pairs: Sequence[str]) -> dict[str, str | list[str]]:
    """A column mapping from a TOML or JSON file (a table of field = header, or field =
    [headers to try]) and from ``FIELD=HEADER`` pairs, which win."""
    columns: dict[str, str | list[str]] = {}
    if path is not None:
        data: Any = None
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                fail(f"{path}: cannot read the column mapping: {exc}")
        else:
            data = _read_toml(path)
        table: Any = data.get("columns", data) if isinstance(data, dict) else None
        if not isinstance(table, dict) or not all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(h, str) for h in v))
            for v in table.values()
        ):
            fail(f'{path}: a column mapping is a table of field = "header" or ["headers"]')
        columns.update(table)
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            fail(f"--column {pair!r}: write FIELD=HEADER, such as arr='ARR (EUR)'")
        columns[field.strip()] = header.strip()
    return columns


def _write(accounts: list[Account], out_path: Path | None) -> None:
    lines = (json.dumps(dump_account(a), ensure_ascii=False) + "\n" for a in accounts)
    if out_path is None:
        sys.stdout.writelines(lines)
    else:
        try:
            with out_path.open("w", encoding="utf-8") as handle:
                handle.writelines(lines)
        except OSError as exc:
            fail(f"{out_path}: cannot write: {exc.strerror or exc}")
    interactions = sum(len(a.interactions) for a in accounts)
    cases = sum(len(a.cases) for a in accounts)
    where = f" to {out_path}" if out_path is not None else ""
    click.echo(
        f"Imported {len(accounts)} accounts, {interactions} interactions, {cases} cases{where}",
        err=True,
    )


_out_option = click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the accounts (JSONL) to this file instead of standard output.",
)


@main.group("import")
def import_group() -> None:
    """Convert a team's data into perception's accounts, written as JSONL.

    Each subcommand reads one kind of export and writes one account per line, ready for
    'perception validate' and 'perception assess'.  What is left out is listed on
    standard error as notices.
    """


@import_group.command("email")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--team-domain",
    "team_domains",
    multiple=True,
    required=True,
    help="A mail domain of the team (repeat for several): its messages are outbound.",
)
@_out_option
def email_command(
    paths: tuple[Path, ...], team_domains: tuple[str, ...], out_path: Path | None
) -> None:
    """Accounts from e-mail: .eml files, folders of them, and mbox files.

    One account per customer domain; replies threaded by In-Reply-To and References;
    direction from --team-domain.
    """
    _write(import_email(paths, team_domains=team_domains, notice=_notice), out_path)


@import_group.command("zendesk")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_out_option
def zendesk_command(paths: tuple[Path, ...], out_path: Path | None) -> None:
    """Accounts from Zendesk Support tickets with their comments (JSON or JSON Lines).

    One account per organization, a case per ticket, an interaction per public comment.
    """
    _write(import_zendesk(paths, notice=_notice), out_path)


def _columns_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--column",
        "column_pairs",
        multiple=True,
        metavar="FIELD=HEADER",
        help="The header of a field in this file (repeat), such as arr='ARR (EUR)'.",
    )(function)
    return click.option(
        "--columns",
        "columns_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help='A column mapping file (TOML or JSON): field = "header" or ["headers"].',
    )(function)


@import_group.command("accounts-csv")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS), case_sensitive=False),
    help="The CRM the file was exported from: its headers are known.",
)
@_columns_options
@click.option("--currency", help="The currency of ARR and MRR when no column gives it (EUR).")
@_out_option
def accounts_csv_command(
    path: Path,
    preset: str | None,
    columns_path: Path | None,
    column_pairs: tuple[str, ...],
    currency: str | None,
    out_path: Path | None,
) -> None:
    """Accounts from a CRM's CSV export: one account per row.

    Fields: id, name, segment, owner, plan, lifecycle, arr, mrr, currency, renewal and
    attributes.NAME.  Headers match in any case; other columns are ignored with a notice.
    """
    columns = read_columns(columns_path, column_pairs)
    accounts = import_accounts_csv(
        path,
        preset=preset.casefold() if preset else None,
        columns=columns,
        currency=currency,
        notice=_notice,
    )
    _write(accounts, out_path)
