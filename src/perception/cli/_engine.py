"""Where ``perception assess`` runs: this machine's processes, or a Dask cluster."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import click

from perception.cli._base import EXIT_INPUT, State, fail
from perception.errors import ConfigError, install_extra

F = TypeVar("F", bound=Callable[..., Any])

#: Options of ``assess`` that only the local engine reads.
_LOCAL_ONLY = {
    "account_id": "--account",
    "fmt": "--format",
    "out_path": "--out",
    "interactions_csv": "--interactions",
    "fail_under": "--fail-under",
    "time_budget": "--time-budget",
    "webhook": "--notify-webhook",
    "detail": "--detail",
    "change_days": "--change-days",
    "trend_points": "--trend-points",
    "trend_days": "--trend-days",
}
#: Options only the Dask engine reads.
_DASK_ONLY = {
    "scheduler": "--scheduler",
    "parts_dir": "--parts",
    "parts_format": "--parts-format",
}
#: Record errors printed before the count of the rest.
_SHOWN_ERRORS = 20


def engine_options(command: F) -> F:
    """The PATH argument and the options that choose and configure the engine.

    With ``--engine dask`` the command's own body does not run: the files PATH names
    (a pattern) are assessed on Dask.  Otherwise PATH must be a file, and the command
    runs with its own options (and ``time_budget``).
    """

    @functools.wraps(command)
    def dispatch(state: State, *, path: Path, engine: str, **options: Any) -> Any:
        dask_options = {name: options.pop(name) for name in _DASK_ONLY}
        if engine == "dask":
            as_of = options["as_of"] or datetime.now(timezone.utc)
            return run_dask(
                state,
                path,
                as_of=as_of,
                workers=options["workers"],
                db=options["db"],
                calibration=options["calibration_path"],
                **dask_options,
            )
        if not path.is_file():
            # The hint only for what reads as a pattern: a plain name is simply missing.
            hint = (
                " (a pattern such as 'data/*.jsonl' needs --engine dask)"
                if any(c in str(path) for c in "*?[")
                else ""
            )
            fail(f"{path}: no such file{hint}")
        for name, flag in _DASK_ONLY.items():
            if _given(name):
                fail(f"{flag} applies to --engine dask only")
        return command(state, path=path, **options)

    options = [
        click.argument("path", type=click.Path(dir_okay=False, path_type=Path)),
        click.option(
            "--time-budget",
            type=click.FloatRange(min=0, min_open=True),
            help="Seconds each plugin call may run before it is stopped and reported as "
            "that plugin's failure (local engine; POSIX).",
        ),
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="Run on this machine's processes, or on Dask (needs the dask extra): "
            "PATH may then be a pattern ('data/*.jsonl') and outcomes go to --parts.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Dask scheduler to run on (default: a local cluster of --workers processes).",
        ),
        click.option(
            "--parts",
            "parts_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="With --engine dask: folder of the part files (outcomes, errors).",
        ),
        click.option(
            "--parts-format",
            type=click.Choice(["jsonl", "parquet"]),
            default="jsonl",
            show_default=True,
            help="With --engine dask: JSONL part files, or Parquet (needs pyarrow).",
        ),
    ]
    wrapped: Any = dispatch
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def _given(name: str) -> bool:
    source = click.get_current_context().get_parameter_source(name)
    return source is not None and source is not click.core.ParameterSource.DEFAULT


def run_dask(
    state: State,
    pattern: Path,
    *,
    as_of: datetime,
    scheduler: str | None,
    workers: int,
    parts_dir: Path | None,
    parts_format: str,
    db: Path | None,
    calibration: Path | None = None,
) -> None:
    """``perception assess PATTERN --engine dask``: parts written by the workers."""
    for name, flag in _LOCAL_ONLY.items():
        if _given(name):
            fail(f"{flag} applies to --engine local only")
    if parts_dir is None:
        fail("--engine dask writes part files: give their folder with --parts")
        return
    try:
        import distributed  # noqa: PLC0415  # optional extra

        from perception.dask import assess_files  # noqa: PLC0415
    except ImportError:
        fail(f"--engine dask needs Dask: {install_extra('dask')}")
        return
    from perception.batch import Settings  # noqa: PLC0415  # only for this engine
    from perception.plugins import default_plugin_manager  # noqa: PLC0415

    try:
        settings = Settings.create(
            as_of=as_of,
            config=state.config(),
            plugins=default_plugin_manager(),
            calibration=calibration,
        )
    except (ValueError, ConfigError) as exc:
        fail(str(exc))
        return
    cluster: Any = None
    if scheduler is None:
        # Any free port: the scheduler serves HTTP (health, metrics) even without a
        # dashboard, and the usual 8787 may be another cluster's.
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    try:
        try:
            client = distributed.Client(scheduler or cluster)
        except (OSError, ValueError) as exc:  # TimeoutError is an OSError
            fail(f"--scheduler {scheduler}: cannot connect: {exc}")
            return
        with client:
            summary = assess_files(
                str(pattern),
                parts_dir,
                settings,
                parts="parquet" if parts_format == "parquet" else "jsonl",
                ledger=db,
            )
    finally:
        if cluster is not None:
            cluster.close()
    click.echo(
        f"Assessed {summary.outcomes} accounts into {summary.parts} part files in {parts_dir}"
        + (f"; {summary.followups} follow-ups recorded in {db}" if db is not None else "")
    )
    if summary.errors:
        for error in summary.first_errors[:_SHOWN_ERRORS]:
            for line in [str(p) for p in error.problems] or [f"{error.source}: {error.error}"]:
                click.echo(f"perception: error: {line}", err=True)
        click.echo(
            f"perception: error: {summary.errors} invalid record(s), each listed in "
            f"{parts_dir}/errors-*.jsonl; the others were assessed",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_INPUT)
