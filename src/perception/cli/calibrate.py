"""``perception calibrate``: fit the outcome model to the customers' stated outcomes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from perception.calibrate import FitReport, collect_observations, fit_calibration
from perception.cli._base import State, fail, format_option, main, pass_state
from perception.cli._io import interactions_option, path_argument, read_portfolio
from perception.report import calibration_html, reliability_text


def _figure(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _spread(summary: Mapping[str, Any]) -> str:
    mean, sd = summary.get("mean"), summary.get("sd")
    if mean is None:
        return "n/a"
    return f"{mean:.3f}" + (f" +/- {sd:.3f}" if sd is not None else "")


def _regularisation(report: FitReport) -> str:
    regularisation = report.model.metadata["regularisation"]
    return (
        f"{len(report.model.coefficients)} features, regularisation C = "
        f"{regularisation['C']:g}; the features about one subject "
        f"{_penalised(regularisation.get('subjects'))}, the scorers' value curves "
        f"{_penalised(regularisation.get('curves', 1))}."
    )


def _penalised(penalty: float | None) -> str:
    """A penalty relative to the rest's, in words (``None``: left out)."""
    if penalty is None:
        return "left out"
    return "penalised like the rest" if penalty == 1 else f"penalised {penalty:g} times more"


def _text(report: FitReport, target: Path | None) -> str:
    validation = report.cross_validation
    folds = len(validation.folds)
    lines = [
        (
            f"{report.outcomes} stated outcomes ({report.satisfied} satisfied) from "
            f"{report.accounts} accounts; {folds}-fold cross-validation, whole accounts per fold."
        ),
        "",
        "                     calibrated (mean +/- sd over folds)   default score",
    ]
    for key, label in (
        ("auc", "AUC (satisfied)"),
        ("brier", "Brier score"),
        ("spearman", "rank correlation"),
    ):
        calibrated = _spread(getattr(validation, key))
        lines.append(f"  {label:<18} {calibrated:<37} {_figure(report.default[key])}")
    lines += [
        "",
        "Reliability of the cross-validated probabilities:",
        reliability_text(validation.reliability),
        "",
        _regularisation(report),
    ]
    if target is not None:
        lines.append(f"Wrote {target}. Apply it: perception assess PATH --calibration {target}")
    return "\n".join(lines)


def _json(report: FitReport, target: Path | None) -> str:
    validation = report.cross_validation
    data = {
        "outcomes": report.outcomes,
        "satisfied": report.satisfied,
        "accounts": report.accounts,
        "cross_validation": {
            "auc": dict(validation.auc),
            "brier": dict(validation.brier),
            "spearman": dict(validation.spearman),
            "reliability": [dict(b) for b in validation.reliability],
        },
        "default_score": dict(report.default),
        "features": len(report.model.coefficients),
        "written_to": str(target) if target else None,
    }
    return json.dumps(data, indent=2)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror or exc}")


@main.command("calibrate")
@path_argument
@interactions_option
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("calibration.json"),
    show_default=True,
    help="Calibration file to write.",
)
@click.option(
    "--folds",
    type=click.IntRange(2, 20),
    default=5,
    show_default=True,
    help="k of the k-fold cross-validation (whole accounts per fold).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Which accounts fall in which fold."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an HTML page with the figures and the reliability diagram.",
)
@click.option("--dry-run", is_flag=True, help="Report the fit without writing the calibration.")
@format_option("text", "json", default="text")
@pass_state
def calibrate_command(
    state: State,
    path: Path,
    interactions_csv: Path | None,
    out_path: Path,
    folds: int,
    seed: int,
    report_path: Path | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """Fit the outcome model to the stated outcomes in PATH and write it to --out.

    Every CSAT, NPS or CES answer, renewal and churn in the accounts' feedback is an
    outcome: satisfied (CSAT in the top two boxes, NPS 7 or more, CES below the middle,
    a renewal) or not.  Each is predicted from the evidence before it.  A regularised
    logistic model over the signals (by scorer, dimension and expectation, with the
    shape of each value curve) is cross-validated by whole accounts, then fitted on
    all of them.  Needs scikit-learn (the calibrate extra: pip install '.[calibrate]' in
    a checkout); applying the file with `perception assess --calibration FILE` needs
    nothing extra.
    """
    accounts = read_portfolio(path, interactions_csv)
    config, registry = state.config(), state.registry()
    observations = collect_observations(accounts, config=config, plugins=registry)
    report = fit_calibration(observations, folds=folds, seed=seed, source=str(out_path))
    target = None if dry_run else out_path
    if target is not None:
        try:
            report.model.write(target)
        except OSError as exc:
            fail(f"{target}: cannot write: {exc.strerror or exc}")
    if report_path is not None:
        _write(report_path, calibration_html(report.model, title=f"Calibration: {path.name}"))
    click.echo(_json(report, target) if fmt == "json" else _text(report, target))
