"""Outcomes as flat rows and data frames, for analysts.

:func:`outcome_row` flattens one outcome (and, when given, its account's facts) into one
row of plain values; :func:`signal_rows` and :func:`driver_rows` give one row per signal
or driver.  :func:`to_frame` builds a :class:`pandas.DataFrame` from them; pandas is an
optional extra (``pandas``) and is imported only then.
The CSV and Parquet outputs of ``perception assess`` write the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal

from perception.errors import install_extra
from perception.model import Account, Dimension
from perception.outcome import PerceivedOutcome

if TYPE_CHECKING:  # pragma: no cover - imported for annotations only
    import pandas

__all__ = [
    "ACCOUNT_COLUMNS",
    "DRIVER_COLUMNS",
    "OUTCOME_COLUMNS",
    "ROW_COLUMNS",
    "SIGNAL_COLUMNS",
    "Rows",
    "account_columns",
    "driver_rows",
    "outcome_row",
    "signal_rows",
    "to_frame",
]

#: What :func:`to_frame` gives one row for.
Rows = Literal["accounts", "signals", "drivers"]

#: Columns of an outcome, in order: id, time, score, band, confidence, the value of each
#: dimension (empty without evidence), the top driver, counts, the diagnosis.
OUTCOME_COLUMNS: tuple[str, ...] = (
    "account",
    "as_of",
    "score",
    "band",
    "confidence",
    *(f"dimension_{d.value}" for d in Dimension),
    "top_driver",
    "top_driver_impact",
    "signals",
    "drivers",
    "findings",
    "followups",
    "failures",
    "diagnosis",
    "baseline",
    "calibration",
)

#: Columns of an account's facts (the customer's name, owner, segment, commercial facts,
#: cases); ``attributes`` holds the custom attributes as one JSON object.
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "name",
    "owner",
    "segment",
    "plan",
    "lifecycle",
    "arr",
    "arr_currency",
    "mrr",
    "mrr_currency",
    "renewal",
    "cases",
    "open_cases",
    "attributes",
)

#: Columns of one row per account: the outcome's, then the account's facts.
ROW_COLUMNS: tuple[str, ...] = (*OUTCOME_COLUMNS, *ACCOUNT_COLUMNS)

#: Columns of one row per signal.
SIGNAL_COLUMNS: tuple[str, ...] = (
    "account",
    "as_of",
    "scorer",
    "dimension",
    "value",
    "weight",
    "confidence",
    "at",
    "explanation",
    "evidence",
)

#: Columns of one row per driver (rank 1 moves the score most).
DRIVER_COLUMNS: tuple[str, ...] = (
    "account",
    "as_of",
    "rank",
    "impact",
    "dimension",
    "scorer",
    "text",
    "evidence",
)


def account_columns(account: Account | None) -> dict[str, Any]:
    """The facts of *account* as plain values, by :data:`ACCOUNT_COLUMNS` (all empty for
    ``None``).  Dates are ISO 8601 text; ``attributes`` is a JSON object as text."""
    if account is None:
        return dict.fromkeys(ACCOUNT_COLUMNS)
    arr, mrr = account.arr, account.mrr
    return {
        "name": account.customer.name,
        "owner": account.owner,
        "segment": account.customer.segment,
        "plan": account.plan,
        "lifecycle": account.lifecycle.value if account.lifecycle is not None else None,
        "arr": arr.amount if arr is not None else None,
        "arr_currency": arr.currency if arr is not None else None,
        "mrr": mrr.amount if mrr is not None else None,
        "mrr_currency": mrr.currency if mrr is not None else None,
        "renewal": account.renewal.isoformat() if account.renewal is not None else None,
        "cases": len(account.cases),
        "open_cases": sum(1 for c in account.cases if c.is_open),
        "attributes": (
            json.dumps(dict(account.attributes), ensure_ascii=False, sort_keys=True)
            if account.attributes
            else None
        ),
    }


def outcome_row(outcome: PerceivedOutcome, account: Account | None = None) -> dict[str, Any]:
    """One flat row of plain values by :data:`ROW_COLUMNS`: the outcome, then the facts
    of *account* (empty without it)."""
    top = outcome.drivers[0] if outcome.drivers else None
    row: dict[str, Any] = {
        "account": outcome.account,
        "as_of": outcome.as_of.isoformat(),
        "score": outcome.score,
        "band": outcome.band.value,
        "confidence": outcome.confidence,
    }
    for dimension in Dimension:
        row[f"dimension_{dimension.value}"] = outcome.dimensions.get(dimension)
    row.update(
        top_driver=top.text if top is not None else None,
        top_driver_impact=top.impact if top is not None else None,
        signals=len(outcome.signals),
        drivers=len(outcome.drivers),
        findings=len(outcome.findings),
        followups=len(outcome.followups),
        failures=len(outcome.failures),
        diagnosis=outcome.diagnosis,
        baseline=outcome.baseline,
        calibration=outcome.calibration,
    )
    row.update(account_columns(account))
    return row


def signal_rows(outcome: PerceivedOutcome) -> Iterator[dict[str, Any]]:
    """One row per signal of *outcome*, by :data:`SIGNAL_COLUMNS`; evidence ids are joined
    with spaces."""
    for signal in outcome.signals:
        yield {
            "account": outcome.account,
            "as_of": outcome.as_of.isoformat(),
            "scorer": signal.scorer,
            "dimension": signal.dimension.value,
            "value": signal.value,
            "weight": signal.weight,
            "confidence": signal.confidence,
            "at": signal.at.isoformat() if signal.at is not None else None,
            "explanation": signal.explanation,
            "evidence": " ".join(signal.evidence),
        }


def driver_rows(outcome: PerceivedOutcome) -> Iterator[dict[str, Any]]:
    """One row per driver of *outcome*, by :data:`DRIVER_COLUMNS`."""
    for rank, driver in enumerate(outcome.drivers, start=1):
        yield {
            "account": outcome.account,
            "as_of": outcome.as_of.isoformat(),
            "rank": rank,
            "impact": driver.impact,
            "dimension": driver.dimension.value,
            "scorer": driver.scorer,
            "text": driver.text,
            "evidence": " ".join(driver.evidence),
        }


def _import_pandas() -> Any:
    try:
        import pandas  # noqa: PLC0415  # optional extra, imported on use
    except ImportError:
        msg = f"perception.to_frame needs pandas: {install_extra('pandas')}"
        raise ImportError(msg) from None
    return pandas


def _by_id(accounts: Iterable[Account] | Mapping[str, Account] | None) -> Mapping[str, Account]:
    if accounts is None:
        return {}
    if isinstance(accounts, Mapping):
        return accounts
    return {a.id: a for a in accounts}


def to_frame(
    outcomes: Iterable[PerceivedOutcome],
    *,
    rows: Rows = "accounts",
    accounts: Iterable[Account] | Mapping[str, Account] | None = None,
) -> pandas.DataFrame:
    """A :class:`pandas.DataFrame` of *outcomes*.

    :param rows: ``"accounts"`` (default): one row per outcome, by :data:`ROW_COLUMNS`,
        with each custom attribute in a column ``attributes.NAME``; ``"signals"``: one
        row per signal (:data:`SIGNAL_COLUMNS`); ``"drivers"``: one row per driver
        (:data:`DRIVER_COLUMNS`).
    :param accounts: the accounts (or a mapping by id), to add each one's facts (name,
        owner, segment, plan, ARR, renewal, cases, attributes) to its row.
    :return: a frame with ``as_of`` (and ``at``, ``renewal``) as time zone-aware or date
        columns and ``band`` as an ordered category, worst last.
    :raises ImportError: when pandas is not installed (the ``pandas`` extra).
    """
    pd = _import_pandas()
    if rows == "signals":
        frame = pd.DataFrame(
            [r for o in outcomes for r in signal_rows(o)], columns=list(SIGNAL_COLUMNS)
        )
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
    elif rows == "drivers":
        frame = pd.DataFrame(
            [r for o in outcomes for r in driver_rows(o)], columns=list(DRIVER_COLUMNS)
        )
    elif rows == "accounts":
        frame = _account_frame(pd, outcomes, _by_id(accounts))
    else:
        msg = f"rows must be 'accounts', 'signals' or 'drivers', not {rows!r}"
        raise ValueError(msg)
    frame["as_of"] = pd.to_datetime(frame["as_of"], utc=True)
    return frame


def _account_frame(
    pd: Any, outcomes: Iterable[PerceivedOutcome], accounts: Mapping[str, Account]
) -> Any:
    from perception.outcome import Band  # noqa: PLC0415  # only for the category order

    records: list[dict[str, Any]] = []
    extra: dict[str, None] = {}
    for outcome in outcomes:
        account = accounts.get(outcome.account)
        row = outcome_row(outcome, account)
        if account is not None:
            for name, value in account.attributes.items():
                key = f"attributes.{name}"
                row[key] = value
                extra[key] = None
        records.append(row)
    columns = [*ROW_COLUMNS, *sorted(extra)]
    frame = pd.DataFrame(records, columns=columns)
    frame["band"] = pd.Categorical(frame["band"], categories=[b.value for b in Band], ordered=True)
    frame["renewal"] = pd.to_datetime(frame["renewal"]).dt.date
    return frame
