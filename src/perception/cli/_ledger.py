"""Recording assessed outcomes into a ledger, and telling of band changes (private)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from perception.errors import PerceptionError
from perception.history import OutcomeChange, band_changes
from perception.notify import check_webhook, notify
from perception.outcome import FollowUpPlan, PerceivedOutcome
from perception.plugins import default_plugin_manager
from perception.store import Ledger, RecordCounts

__all__ = ["WEBHOOK_ENV", "record_and_notify", "webhook_option"]

#: Environment variable with the webhook URL, when ``--notify-webhook`` is not given.
WEBHOOK_ENV = "PERCEPTION_WEBHOOK"

F = TypeVar("F", bound=Callable[..., Any])


def _webhook(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return check_webhook(value.strip())
    except PerceptionError as exc:
        raise click.BadParameter(str(exc)) from exc


def webhook_option(func: F) -> F:
    """``--notify-webhook URL``: post each band change there (JSON), with --db."""
    option = click.option(
        "--notify-webhook",
        "webhook",
        envvar=WEBHOOK_ENV,
        show_envvar=True,
        callback=_webhook,
        help="With --db: post each account whose band changed to this URL (JSON); plugins "
        "implementing perception_band_changed are told too.",
    )
    return option(func)


def _unseen(
    ledger: Ledger, outcomes: Sequence[PerceivedOutcome]
) -> tuple[dict[str, Any], list[PerceivedOutcome]]:
    """The previous point of each account, and the outcomes not yet recorded with their
    band (a run repeated for the same time tells nothing twice)."""
    times = {o.as_of for o in outcomes}
    previous: dict[str, Any] = {}
    fresh: list[PerceivedOutcome] = []
    for moment in times:
        before = ledger.latest(before=moment)
        current = ledger.latest(at_or_before=moment)
        for outcome in outcomes:
            if outcome.as_of != moment:
                continue
            stored = current.get(outcome.account)
            if stored is not None and stored.as_of == moment and stored.band is outcome.band:
                continue
            if outcome.account in before:
                previous[outcome.account] = before[outcome.account]
            fresh.append(outcome)
    return previous, fresh


def record_and_notify(
    ledger: Ledger,
    outcomes: Sequence[PerceivedOutcome],
    *,
    plans: Sequence[FollowUpPlan] = (),
    webhook: str | None = None,
) -> tuple[RecordCounts, list[OutcomeChange]]:
    """Record *plans* and *outcomes* in one transaction; then tell the hook implementations
    and *webhook* of each account whose band changed; warn of what failed."""
    previous, fresh = _unseen(ledger, outcomes)
    counts = ledger.record(plans, outcomes=outcomes)
    changes = band_changes(previous, fresh)
    for problem in notify(changes, pm=default_plugin_manager(), webhook=webhook):
        click.echo(f"perception: warning: {problem}", err=True)
    return counts, changes
