"""``perception check``: findings on a draft message, like a linter."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from perception.cli._base import EXIT_FAILED, State, fail, format_option, main, pass_state
from perception.engine import check
from perception.io import dump_json, load_accounts
from perception.mail import AuthorText, MailError, read_email
from perception.model import Account
from perception.outcome import Severity
from perception.report import findings_text


def _context_account(
    context_path: Path | None, customer_id: str | None, reply_to: str | None
) -> Account | None:
    """The account named by --context and --customer, or ``None``."""
    if context_path is None:
        if customer_id or reply_to:
            fail("--customer and --reply-to need --context")
        return None
    accounts = load_accounts(context_path)
    if customer_id is None and len(accounts) == 1:
        return accounts[0]
    account = next((a for a in accounts if a.id == customer_id), None)
    if account is None:
        fail(f"{context_path}: no account with id {customer_id!r} (use --customer)")
    return account


def _read_draft(
    file: TextIO, name: str, ignore: tuple[str, ...]
) -> tuple[str | AuthorText, str, tuple[str, ...]]:
    """The draft to check, its text, and the checks to skip (an .eml file read as e-mail)."""
    try:
        if not name.endswith(".eml"):
            text = file.read()
            return text, text, ignore
        parsed = read_email(Path(name).read_bytes(), source=name)
    except UnicodeDecodeError as exc:
        fail(f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})")
    except OSError as exc:
        fail(f"{name}: cannot read: {exc.strerror or exc}")
    except MailError as exc:
        fail(str(exc))
    if parsed.ignore is not None:
        ignore = (*ignore, *(parsed.ignore or ("*",)))
    return parsed.author, parsed.text, ignore


@main.command("check")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option(
    "--context",
    "context_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Accounts file giving the customer's context.",
)
@click.option("--customer", "customer_id", help="The account in --context the message is for.")
@click.option("--reply-to", "reply_to", help="Id of the interaction this message answers.")
@click.option("--to", "recipient", help="Name of the person the message is addressed to.")
@click.option(
    "--ignore",
    multiple=True,
    metavar="CHECK",
    help="Skip CHECK for this message, as the marker would, without writing it in the "
    "message (repeatable; '*' skips every check).",
)
@format_option("text", "json", default="text")
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding is at or above this severity.",
)
@pass_state
def check_command(
    state: State,
    file: TextIO,
    context_path: Path | None,
    customer_id: str | None,
    reply_to: str | None,
    recipient: str | None,
    ignore: tuple[str, ...],
    fmt: str,
    fail_on: str,
) -> None:
    """Check the draft message in FILE (default: standard input) before it is sent.

    Prints one finding a line as FILE:LINE:COL: SEVERITY [CHECK] MESSAGE, with a
    suggestion under it.  Exit 0 when clean, 1 when a finding is at or above
    --fail-on, 2 on usage or input errors.

    Checks are switched off with `disable = [...]` and tuned with
    `[options.CHECK-NAME]` in the settings file; the marker
    `perception: ignore[CHECK-NAME]` in the message silences a check for that
    message, and a bare `perception: ignore` silences them all; --ignore does the
    same from the command line.

    A FILE ending in .eml is read as an e-mail: its text body (or its HTML body,
    read as text), with the X-Perception-Ignore header as --ignore. Only the
    author's own text is checked: quoted replies, forwarded headers and the
    signature are set apart; lines and columns count from the body's first line.
    """
    name = str(getattr(file, "name", "<stdin>"))
    draft, text, ignore = _read_draft(file, name, ignore)
    account = _context_account(context_path, customer_id, reply_to)
    try:
        report = check(
            draft,
            account=account,
            reply_to=reply_to,
            recipient=recipient,
            config=state.config(),
            plugins=state.registry(),
            ignore=ignore,
        )
    except ValueError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(dump_json(report))
    else:
        output = findings_text(report, text, filename=name)
        if output:
            click.echo(output)
        if report.silenced:
            click.echo(f"{name}: silenced by marker: {', '.join(report.silenced)}", err=True)
    threshold = Severity(fail_on).rank
    if any(f.severity.rank >= threshold for f in report.findings):
        raise click.exceptions.Exit(EXIT_FAILED)
