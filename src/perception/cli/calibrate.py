"""``perception calibrate``: fit scorer weights to the customer's stated outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from perception.calibrate import calibrate, write_weights
from perception.cli._base import State, format_option, main, pass_state
from perception.cli._io import interactions_option, path_argument, read_portfolio
from perception.config import find_config


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@main.command("calibrate")
@path_argument
@interactions_option
@click.option(
    "--holdout",
    type=click.FloatRange(0.05, 0.95),
    default=0.3,
    show_default=True,
    help="Share of accounts held back to measure the fit.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Which accounts are held back."
)
@click.option(
    "--write",
    "write_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file to write the [weights] into (default: the configuration in use, "
    "else ./perception.toml).",
)
@click.option("--dry-run", is_flag=True, help="Report the fit without writing anything.")
@format_option("text", "json", default="text")
@pass_state
def calibrate_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    holdout: float,
    seed: int,
    write_path: Path | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """Fit the scorer weights to the CSAT and NPS answers in PATH and save them.

    Each answer is predicted from the evidence before it, with the customer's stated
    feedback (the voice scorer) held out.  Reports Spearman's rank correlation and the
    AUC of spotting unhappy answers (CSAT <= 2, NPS <= 6) on held-back accounts, before
    and after fitting, then writes the weights to the [weights] table.
    """
    accounts = read_portfolio(path, interactions_csv)
    result = calibrate(
        accounts, config=state.config(), plugins=state.registry(), holdout=holdout, seed=seed
    )
    target = None
    if not dry_run:
        target = write_path or state.config_path or find_config() or Path("perception.toml")
        write_weights(target, result.weights)
    if fmt == "json":
        data = {
            "weights": dict(result.weights),
            "before": dict(result.before),
            "after": dict(result.after),
            "train": result.train,
            "test": result.test,
            "accounts": result.accounts,
            "written_to": str(target) if target else None,
        }
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"{result.accounts} accounts, {result.train + result.test} stated answers: "
        f"{result.train} to fit, {result.test} held back."
    )
    click.echo("Held-back fit       before   after")
    for key, label in (("spearman", "rank correlation"), ("auc", "AUC (unhappy)")):
        click.echo(
            f"  {label:<17} {_figure(result.before[key]):>6}  {_figure(result.after[key]):>6}"
        )
    click.echo("Weights: " + ", ".join(f"{k}={v:g}" for k, v in result.weights.items()))
    if target is not None:
        click.echo(f"Wrote [weights] to {target}")
