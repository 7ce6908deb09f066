"""``perception check``: findings on draft messages, like a linter, where writers write."""

from __future__ import annotations

import glob
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import attrs
import click

from perception.cli._base import EXIT_FAILED, EXIT_INPUT, State, fail, main, pass_state
from perception.engine import check
from perception.io import load_accounts
from perception.lint import CheckedFile, apply_fixes, file_json, github_annotations, sarif_log
from perception.mail import AuthorText, MailError, read_email
from perception.model import Account
from perception.outcome import MessageReport, Severity
from perception.report import findings_text

__all__ = ["check_command"]

_GLOB_CHARS = frozenset("*?[")


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


@attrs.frozen
class _Draft:
    """A draft to check: its text, what to check (the text, or the author's own part of
    an e-mail), the checks its file says to skip, whether ``--fix`` may write the
    text back (the file's text is the message itself), and what was read only in part."""

    text: str
    message: str | AuthorText
    ignore: tuple[str, ...]
    writable: bool
    notices: tuple[str, ...] = ()


def _files(patterns: Sequence[str]) -> tuple[list[str], list[str]]:
    """The files named by *patterns* (paths, ``-`` for standard input, or globs such as
    ``drafts/**/*.txt``), each once, in order; and the errors, in words."""
    names: list[str] = []
    errors: list[str] = []
    for pattern in patterns or ("-",):
        if pattern == "-" or Path(pattern).exists() or not _GLOB_CHARS & set(pattern):
            found = [pattern]
        else:
            # glob.glob, not Path.glob: the pattern may be absolute or start with '..'.
            matches = glob.glob(pattern, recursive=True)  # noqa: PTH207
            found = sorted(p for p in matches if Path(p).is_file())
            if not found:
                errors.append(f"{pattern}: no file matches")
        names += [name for name in found if name not in names]
    return names, errors


def _read(name: str) -> _Draft:
    """The draft in the file *name* (``-``: standard input), decoded as UTF-8; a file
    ending in ``.eml`` is read as an e-mail (its body, the author's own text in it, and
    its ``X-Perception-Ignore`` header).

    :raises click.ClickException: it cannot be read (reported with the file's name).
    """
    try:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            if Path(name).is_dir():
                raise click.ClickException(f"{name}: is a folder (give files or a glob)")
            data = Path(name).read_bytes()
        if name.endswith(".eml"):
            parsed = read_email(data, source=name)
            ignore = () if parsed.ignore is None else (parsed.ignore or ("*",))
            return _Draft(
                text=parsed.text,
                message=parsed.author,
                ignore=ignore,
                writable=False,
                notices=parsed.notices,
            )
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})"
        raise click.ClickException(msg) from exc
    except OSError as exc:
        raise click.ClickException(f"{name}: cannot read: {exc.strerror or exc}") from exc
    except MailError as exc:
        raise click.ClickException(str(exc)) from exc
    return _Draft(text=text, message=text, ignore=(), writable=name != "-")


def _write(path: Path, text: str) -> None:
    """Write *text* to *path* through a temporary file in its folder, so that a crash never
    leaves half a file; the file keeps its permissions."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@main.command("check")
@click.argument("files", nargs=-1, metavar="[FILE|GLOB]...")
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
    help="Skip CHECK for these messages, as the marker would, without writing it in a "
    "message (repeatable; '*' skips every check).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="Output format: text for people, json, sarif (SARIF 2.1.0, for code scanning) or "
    "github (workflow annotations on the lines of a pull request).",
)
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding is at or above this severity.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe suggested edits to the files, then report what remains.",
)
@pass_state
def check_command(
    state: State,
    files: tuple[str, ...],
    context_path: Path | None,
    customer_id: str | None,
    reply_to: str | None,
    recipient: str | None,
    ignore: tuple[str, ...],
    fmt: str,
    fail_on: str,
    fix: bool,
) -> None:
    """Check draft messages before they are sent: each FILE, or each file a GLOB matches
    (quoted, such as 'drafts/**/*.md'), or standard input ('-', the default).

    Prints one finding a line as FILE:LINE:COL: SEVERITY [CHECK] MESSAGE, with a
    suggestion under it.  --format json prints one object per file (a list of them when
    given several FILE or GLOB arguments) whose findings carry line and column;
    --format sarif one SARIF 2.1.0 log; --format github workflow annotations.

    Where a suggestion is a replacement, the finding carries it as edits (an editor offers
    them as a quick fix); --fix applies those marked safe (leaving out a condescending
    filler word such as 'obviously') and reports the findings that remain.  An e-mail
    file is never rewritten.

    A FILE ending in .eml is read as an e-mail: its text body (or its HTML body, read as
    text), with the X-Perception-Ignore header as --ignore.  Only the author's own text
    is checked: quoted replies, forwarded headers and the signature are set apart; lines
    and columns count from the body's first line.

    Exit 0 when clean, 1 when a finding is at or above --fail-on, 2 on usage or input
    errors (every readable file is still checked).  Checks are switched off with
    `disable = [...]` and tuned with `[options.CHECK-NAME]` in the settings file; the
    marker `perception: ignore[CHECK-NAME]` in a message silences a check for that
    message, and a bare `perception: ignore` silences them all; --ignore does the same
    from the command line, so that the marker never reaches a customer.
    """
    names, errors = _files(files)
    if fix and "-" in names:
        fail("--fix writes the fixes back to the files: give files, not standard input")
    account = _context_account(context_path, customer_id, reply_to)
    config, registry = state.config(), state.registry()

    def run(message: str | AuthorText, skip: tuple[str, ...]) -> MessageReport:
        try:
            return check(
                message,
                account=account,
                reply_to=reply_to,
                recipient=recipient,
                config=config,
                plugins=registry,
                ignore=(*ignore, *skip),
            )
        except ValueError as exc:
            fail(str(exc))
            raise  # unreachable: fail() exits

    checked: list[CheckedFile] = []
    for name in names:
        try:
            draft = _read(name)
        except click.ClickException as exc:
            errors.append(exc.message)
            continue
        for notice in draft.notices:
            click.echo(f"perception: notice: {notice}", err=True)
        report, fixed, text = run(draft.message, draft.ignore), 0, draft.text
        if fix and draft.writable:
            text, fixed = apply_fixes(draft.text, report.findings)
            if fixed:
                _write(Path(name), text)
                report = run(text, draft.ignore)
        checked.append(CheckedFile(name=name, text=text, report=report, fixed=fixed))
    several = len(files) > 1 or any(_GLOB_CHARS & set(f) for f in files)
    checks = {name: entry.obj.description for name, entry in registry.checks.items()}
    _print(checked, fmt, several=several, checks=checks)
    _print_fixed(checked)
    for error in errors:
        click.echo(f"perception: error: {error}", err=True)
    if errors:
        raise click.exceptions.Exit(EXIT_INPUT)
    threshold = Severity(fail_on).rank
    if any(f.severity.rank >= threshold for c in checked for f in c.report.findings):
        raise click.exceptions.Exit(EXIT_FAILED)


def _print(
    checked: Sequence[CheckedFile], fmt: str, *, several: bool, checks: dict[str, str]
) -> None:
    if fmt == "json":
        data = [file_json(c) for c in checked]
        if several or data:
            click.echo(json.dumps(data if several else data[0], indent=2, ensure_ascii=False))
        return
    if fmt == "sarif":
        click.echo(json.dumps(sarif_log(checked, checks), indent=2, ensure_ascii=False))
        return
    if fmt == "github":
        for line in github_annotations(checked):
            click.echo(line)
        return
    for item in checked:
        label = "<stdin>" if item.name == "-" else item.name
        output = findings_text(item.report, item.text, filename=label)
        if output:
            click.echo(output)
        if item.report.silenced:
            silenced = ", ".join(item.report.silenced)
            click.echo(f"{label}: silenced: {silenced}", err=True)


def _print_fixed(checked: Sequence[CheckedFile]) -> None:
    for item in checked:
        if item.fixed:
            plural = "s" if item.fixed > 1 else ""
            click.echo(f"{item.name}: fixed {item.fixed} finding{plural}", err=True)
