"""Telling people that an account changed band: plugin hooks and a webhook.

:func:`notify` calls every implementation of the ``perception_band_changed`` hook and,
when given a webhook URL, posts one JSON message per change to it.  Nothing here raises
for a failing plugin or an unreachable webhook: each problem is returned in words, and
the caller reports it as a warning.  The core never imports this module.

The JSON message carries a ``text`` field with the change in one line, so a chat tool's
incoming webhook that shows ``text`` needs no adapter; the other fields are for programs.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

import pluggy

from perception import __version__
from perception.errors import PerceptionError
from perception.history import HistoryPoint, OutcomeChange
from perception.outcome import Driver

__all__ = ["check_webhook", "notify", "webhook_payload"]

#: Seconds to wait for a webhook to answer.
TIMEOUT = 10.0


def check_webhook(url: str) -> str:
    """*url* if it is an ``http`` or ``https`` URL with a host.

    :raises PerceptionError: it is not one.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        msg = f"webhook {_where(url)!r} must be an http:// or https:// URL with a host"
        raise PerceptionError(msg)
    return url


def _where(url: str) -> str:
    """The scheme and host of *url*, never its path or query (they may hold a secret)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return url[:40]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def _point(point: HistoryPoint) -> dict[str, Any]:
    return {"as_of": point.as_of.isoformat(), "score": point.score, "band": point.band.value}


def _driver(driver: Driver) -> dict[str, Any]:
    return {
        "text": driver.text,
        "dimension": driver.dimension.value,
        "impact": driver.impact,
        "scorer": driver.scorer,
        "evidence": list(driver.evidence),
    }


def webhook_payload(change: OutcomeChange) -> dict[str, Any]:
    """The JSON message posted for *change*."""
    return {
        "event": "band_changed",
        "text": change.describe(),
        "account": change.account,
        "worse": change.worse,
        "before": _point(change.before),
        "after": _point(change.after),
        "new_drivers": [_driver(d) for d in change.new_drivers],
        "gone_drivers": [_driver(d) for d in change.gone_drivers],
    }


def _post(url: str, change: OutcomeChange, timeout: float) -> str | None:
    body = json.dumps(webhook_payload(change), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310  # the scheme is checked: http(s) only
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"perception/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # as above
            response.read()
    except urllib.error.HTTPError as exc:
        return f"webhook {_where(url)} answered {exc.code} for {change.account}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"webhook {_where(url)} unreachable for {change.account}: {reason}"
    return None


def notify(
    changes: Iterable[OutcomeChange],
    *,
    pm: pluggy.PluginManager,
    webhook: str | None = None,
    timeout: float = TIMEOUT,
) -> list[str]:
    """Tell the ``perception_band_changed`` hook implementations, and *webhook*, of each
    change; return the problems, in words (empty when all went well)."""
    if webhook is not None:
        check_webhook(webhook)
    problems: list[str] = []
    hook = pm.hook.perception_band_changed
    for change in changes:
        arguments = {"change": change}
        for impl in reversed(hook.get_hookimpls()):  # pluggy's order: last registered first
            try:
                impl.function(*(arguments[name] for name in impl.argnames))
            except Exception as exc:  # noqa: BLE001  # a plugin's failure is reported, not raised
                problems.append(
                    f"plugin {impl.plugin_name!r} failed on the band change of "
                    f"{change.account}: {type(exc).__name__}: {exc}"
                )
        if webhook is not None:
            problem = _post(webhook, change, timeout)
            if problem is not None:
                problems.append(problem)
    return problems
