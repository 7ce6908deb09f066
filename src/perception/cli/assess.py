"""``perception assess``: perceived outcomes of a portfolio."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

import attrs
import click

from perception.batch import assess_many
from perception.calibration import load_calibration
from perception.cli._base import EXIT_FAILED, State, fail, format_option, main, pass_state
from perception.cli._engine import engine_options
from perception.cli._html import HtmlOptions, html_report
from perception.cli._io import AWARE_DATETIME, interactions_option
from perception.cli._ledger import record_and_notify, webhook_option
from perception.cli._stream import (
    Deferred,
    count_records,
    paired,
    portfolio_stream,
    show_progress,
    with_progress,
)
from perception.config import Config
from perception.history import HistoryPoint
from perception.model import Account
from perception.outcome import PerceivedOutcome
from perception.output import write_csv, write_json, write_jsonl, write_parquet
from perception.report import (
    _md,
    account_markdown,
    account_text,
    portfolio_basis,
    portfolio_markdown,
    portfolio_table,
    risk_order,
)
from perception.store import Ledger

#: Formats written one account at a time, as the outcomes come.
STREAMED = ("json", "jsonl", "csv", "parquet")
#: Outcomes are recorded in a ledger this many at a time (one transaction each).
RECORD_BATCH = 500


@main.command("assess")
@interactions_option
@click.option("--as-of", type=AWARE_DATETIME, help="Assess as of this time (default: now).")
@click.option("--account", "account_id", help="Explain this one account in full.")
@format_option("table", "json", "jsonl", "csv", "parquet", "markdown", "html", default="table")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of standard output (needed for parquet).",
)
@click.option(
    "--trend-points",
    type=click.IntRange(min=0, max=52),
    default=8,
    show_default=True,
    help="Points of the score trajectory of each account explained in the HTML report (0: none).",
)
@click.option(
    "--trend-days",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Days of history the HTML trajectory covers.",
)
@click.option(
    "--detail",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="HTML: the accounts most at risk explained in full below the table (and --account).",
)
@click.option(
    "--change-days",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="HTML: the score change column compares with this many days earlier (0: none).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Processes to use."
)
@click.option(
    "--fail-under", type=click.FloatRange(0, 100), help="Exit 1 when any account scores below this."
)
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress bar (it is drawn only on a terminal)."
)
@click.option(
    "--calibration",
    "calibration_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Calibration file from `perception calibrate` (default: the configuration's "
    "`calibration`, if any); scores become calibrated probabilities.",
)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep each outcome, with its drivers, in this ledger's history (the HTML report then "
    "shows the history of each account it explains). With --engine dask: plan follow-ups on "
    "the workers and record them in this ledger, written by this process alone.",
)
@webhook_option
@pass_state
@engine_options
def assess_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    as_of: datetime | None,
    account_id: str | None,
    fmt: str,
    out_path: Path | None,
    trend_points: int,
    trend_days: float,
    detail: int,
    change_days: float,
    workers: int,
    fail_under: float | None,
    quiet: bool,  # a click flag
    calibration_path: Path | None,
    db: Path | None,
    webhook: str | None,
    time_budget: float | None,
) -> None:
    """Assess every account in PATH (JSON or JSONL) and list them, most at risk first.

    The table shows each account's score (0-100), band, confidence and top driver.
    With --account, explain that account: its facts, diagnosis, drivers, dimensions
    and findings.  --format html writes one self-contained page: a sortable, filterable
    table of every account (band, owner, segment, renewal, score change over
    --change-days), then the --detail accounts most at risk (and --account) explained
    with their score trajectory.

    --format json, jsonl, csv and parquet write each outcome as it is ready, in the
    order of PATH, in constant memory: json as one versioned envelope, jsonl one
    outcome a line, csv and parquet one flat row per account with its facts.  A JSONL
    PATH is read as a stream; the first invalid record stops the run (exit 2) after the
    outcomes before it were written.  On a terminal a progress bar is drawn on
    standard error.

    With a calibration (--calibration, or `calibration` in the configuration), each
    score is the calibrated probability (%) that the customer calls themselves
    satisfied, and the reports say so.

    With --db, each outcome is kept in the ledger's history as it comes, and each
    account whose band changed is told to the plugins and --notify-webhook.

    With --engine dask, PATH may be a pattern ('data/*.jsonl'): the files are split into
    blocks, each assessed and written to --parts by a Dask worker, and invalid records
    are listed with their file and line (exit 2) while the others are assessed.
    """
    if fmt == "parquet" and out_path is None:
        fail("--format parquet needs --out FILE")
    as_of = as_of or datetime.now(timezone.utc)
    config, registry = _calibrated(state.config(), calibration_path), state.registry()
    deferred = Deferred()
    accounts: Iterable[Account] = deferred.guard(
        portfolio_stream(path, interactions_csv, account_id=account_id)
    )
    total = 1 if account_id is not None else count_records(path)
    accounts = with_progress(accounts, total=total, enabled=show_progress(quiet))

    def assess_all(items: Iterable[Account]) -> Iterator[PerceivedOutcome]:
        return assess_many(
            items,
            workers=workers,
            as_of=as_of,
            config=config,
            plugins=registry,
            time_budget=time_budget,
        )

    with contextlib.ExitStack() as stack:
        ledger = stack.enter_context(Ledger.open(db)) if db is not None else None
        lowest = _Lowest()
        pairs = lowest.watch(paired(accounts, assess_all))
        if ledger is not None:
            pairs = _recorded(pairs, ledger, webhook)
        if fmt in STREAMED:
            count = _write_streamed(fmt, pairs, out_path)
        elif fmt == "html":

            def earlier(moment: datetime) -> Iterator[PerceivedOutcome]:
                again: Iterable[Account] = portfolio_stream(
                    path, interactions_csv, account_id=account_id
                )
                again = with_progress(again, total=total, enabled=show_progress(quiet))
                return assess_many(
                    again,
                    workers=workers,
                    as_of=moment,
                    config=config,
                    plugins=registry,
                    time_budget=time_budget,
                )

            options = HtmlOptions(
                detail=detail,
                account_id=account_id,
                trend_points=trend_points,
                trend_days=trend_days,
                change_days=change_days,
                title=f"Perceived outcomes: {path.name}",
            )
            output, count = html_report(
                pairs,
                earlier=earlier,
                options=options,
                config=config,
                registry=registry,
                history=_history_of(ledger),
            )
            deferred.raise_if_any()  # a report for people is all or nothing
            _write_text(output, out_path)
        else:
            single = account_id is not None
            # The reports that explain accounts (one account, or every account in
            # Markdown, which keeps the accounts anyway) say how many pieces of evidence
            # each rest line holds; the portfolio table needs no signals.
            explained = single or fmt == "markdown"
            kept = [(o if explained else _slim(o), a) for o, a in pairs]
            deferred.raise_if_any()  # a report for people is all or nothing
            count = len(kept)
            output = _render(fmt, kept, single=single)
            _write_text(output, out_path)
        if out_path is not None:
            click.echo(f"Wrote {count} assessed accounts to {out_path}", err=True)
    deferred.raise_if_any()
    if fail_under is not None and lowest.score is not None and lowest.score < fail_under:
        raise click.exceptions.Exit(EXIT_FAILED)


@attrs.define
class _Lowest:
    """The lowest score seen in a stream of outcomes."""

    score: float | None = None

    def watch(
        self, pairs: Iterable[tuple[PerceivedOutcome, Account]]
    ) -> Iterator[tuple[PerceivedOutcome, Account]]:
        for outcome, account in pairs:
            if self.score is None or outcome.score < self.score:
                self.score = outcome.score
            yield outcome, account


def _calibrated(config: Config, path: Path | None) -> Config:
    """*config* with the calibration file *path* in place of its own, if one is given."""
    if path is None:
        return config
    return attrs.evolve(config, calibration=load_calibration(path))


def _recorded(
    pairs: Iterable[tuple[PerceivedOutcome, Account]], ledger: Ledger, webhook: str | None
) -> Iterator[tuple[PerceivedOutcome, Account]]:
    """*pairs*, each outcome recorded in *ledger* (in batches, one transaction each) and
    each band change told, as they pass."""
    batch: list[PerceivedOutcome] = []
    for outcome, account in pairs:
        batch.append(outcome)
        if len(batch) >= RECORD_BATCH:
            record_and_notify(ledger, batch, webhook=webhook)
            batch = []
        yield outcome, account
    if batch:
        record_and_notify(ledger, batch, webhook=webhook)


def _history_of(
    ledger: Ledger | None,
) -> Callable[[Sequence[str]], Mapping[str, Sequence[HistoryPoint]]] | None:
    """How the HTML report reads the history of the accounts it explains, if kept."""
    if ledger is None:
        return None
    return lambda ids: {account: ledger.history(account) for account in ids}


def _slim(outcome: PerceivedOutcome) -> PerceivedOutcome:
    """*outcome* without its signals: the reports for people show drivers, not signals,
    and a portfolio's signals are most of its memory."""
    return attrs.evolve(outcome, signals=())


@contextlib.contextmanager
def _opened(out_path: Path | None) -> Iterator[IO[str]]:
    if out_path is None:
        yield sys.stdout
        return
    try:
        handle = out_path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        fail(f"{out_path}: cannot write: {exc.strerror or exc}")
    with handle:
        yield handle


def _write_streamed(
    fmt: str, pairs: Iterable[tuple[PerceivedOutcome, Account]], out_path: Path | None
) -> int:
    if fmt == "parquet":
        assert out_path is not None
        try:
            return write_parquet(pairs, out_path)
        except ImportError as exc:
            fail(str(exc))
    with _opened(out_path) as out:
        if fmt == "json":
            return write_json(pairs, out, indent=True)
        if fmt == "jsonl":
            return write_jsonl(pairs, out)
        return write_csv(pairs, out)


def _write_text(output: str, out_path: Path | None) -> None:
    if out_path is None:
        click.echo(output)
        return
    try:
        out_path.write_text(output + "\n", encoding="utf-8")
    except OSError as exc:
        fail(f"{out_path}: cannot write: {exc.strerror or exc}")


def _render(fmt: str, kept: list[tuple[PerceivedOutcome, Account]], *, single: bool) -> str:
    outcomes = [o for o, _ in kept]
    accounts = {a.id: a for _, a in kept}
    if fmt == "markdown":
        if single:
            return account_markdown(outcomes[0], account=kept[0][1])
        return "\n\n".join(
            [
                "# Perceived outcomes",
                _md_sentence(portfolio_basis(outcomes)),
                portfolio_markdown(outcomes),
                *(account_markdown(o, account=accounts[o.account]) for o in risk_order(outcomes)),
            ]
        )
    if single:
        return account_text(outcomes[0], account=kept[0][1])
    return f"{portfolio_table(outcomes)}\n({portfolio_basis(outcomes)})"


def _md_sentence(text: str) -> str:
    """*text* as a Markdown sentence: capitalised, ending in a full stop."""
    return _md(text[:1].upper() + text[1:] + ".")
