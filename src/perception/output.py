"""Writing outcomes as they come, for machines and analysts: JSON, JSONL, CSV and Parquet.

Each writer takes an iterable of ``(outcome, account)`` pairs (the account may be
``None``) and writes each outcome as soon as it is taken, so a portfolio of any size is
written in constant memory.  JSON output is one versioned envelope::

    {"format": "perception-outcomes", "version": 1, "generator": "perception 0.1.0",
     "outcomes": [...], "count": 2}

whose outcomes are :meth:`PerceivedOutcome.to_dict` objects; JSONL output is one such
object per line.  CSV and Parquet output are the flat rows of
:func:`perception.frame.outcome_row`, one per account.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any

from perception.errors import install_extra
from perception.frame import ROW_COLUMNS, outcome_row
from perception.model import Account
from perception.outcome import PerceivedOutcome

__all__ = [
    "JSON_FORMAT",
    "JSON_FORMAT_VERSION",
    "Pair",
    "write_csv",
    "write_json",
    "write_jsonl",
    "write_parquet",
]

#: The ``format`` of the JSON envelope.
JSON_FORMAT = "perception-outcomes"
#: The ``version`` of the JSON envelope; raised when a field changes meaning or goes.
JSON_FORMAT_VERSION = 1

#: An outcome and the account it is for (``None`` when not at hand).
Pair = tuple[PerceivedOutcome, Account | None]


def _generator() -> str:
    from perception import __version__  # noqa: PLC0415  # the package imports this module

    return f"perception {__version__}"


def _line(outcome: PerceivedOutcome) -> str:
    return json.dumps(outcome.to_dict(), ensure_ascii=False, allow_nan=False)


def write_json(pairs: Iterable[Pair], out: IO[str], *, indent: bool = False) -> int:
    """Write the outcomes of *pairs* to *out* as one JSON envelope, one outcome at a time.

    :param indent: put each outcome on its own line (the outcome itself stays on one).
    :return: how many outcomes were written.
    """
    head = {"format": JSON_FORMAT, "version": JSON_FORMAT_VERSION, "generator": _generator()}
    out.write(json.dumps(head)[:-1] + ', "outcomes": [')
    count = 0
    separator = ",\n" if indent else ","
    for outcome, _ in pairs:
        if count:
            out.write(separator)
        elif indent:
            out.write("\n")
        out.write(_line(outcome))
        count += 1
    out.write(("\n" if indent and count else "") + f'], "count": {count}}}\n')
    return count


def write_jsonl(pairs: Iterable[Pair], out: IO[str]) -> int:
    """Write one outcome per line of *out* (JSON Lines); return how many."""
    count = 0
    for outcome, _ in pairs:
        out.write(_line(outcome))
        out.write("\n")
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return "" if value is None else value


def write_csv(pairs: Iterable[Pair], out: IO[str]) -> int:
    """Write one row per outcome (:data:`perception.frame.ROW_COLUMNS`) to *out* as CSV,
    with a header; empty cells for absent values.  Return how many rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROW_COLUMNS)
    count = 0
    for outcome, account in pairs:
        row = outcome_row(outcome, account)
        writer.writerow([_cell(row[c]) for c in ROW_COLUMNS])
        count += 1
    return count


def _batches(pairs: Iterable[Pair], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for outcome, account in pairs:
        batch.append(outcome_row(outcome, account))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_parquet(pairs: Iterable[Pair], path: str | Path, *, batch_size: int = 2048) -> int:
    """Write one row per outcome to the Parquet file *path*, *batch_size* rows at a time
    (constant memory); the columns are :data:`perception.frame.ROW_COLUMNS`.

    :raises ImportError: when pyarrow is not installed (the ``parquet`` extra).
    """
    try:
        import pyarrow as pa  # noqa: PLC0415  # optional extra, imported on use
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        msg = f"Parquet output needs pyarrow: {install_extra('parquet')}"
        raise ImportError(msg) from None
    schema = pa.schema([(name, _arrow_type(pa, name)) for name in ROW_COLUMNS])
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in _batches(pairs, batch_size):
            columns = {name: [row[name] for row in batch] for name in ROW_COLUMNS}
            columns["as_of"] = [_timestamp(v) for v in columns["as_of"]]
            columns["renewal"] = [_day(v) for v in columns["renewal"]]
            writer.write_table(pa.table(columns, schema=schema))
            count += len(batch)
    return count


_INTEGERS = frozenset({"signals", "drivers", "findings", "followups", "failures"})
_INTEGERS_TOO = frozenset({"cases", "open_cases"})
_FLOATS = frozenset(
    {"score", "confidence", "top_driver_impact", "baseline", "arr", "mrr"}
    | {c for c in ROW_COLUMNS if c.startswith("dimension_")}
)


def _arrow_type(pa: Any, name: str) -> Any:
    if name == "as_of":
        return pa.timestamp("us", tz="UTC")
    if name == "renewal":
        return pa.date32()
    if name in _INTEGERS or name in _INTEGERS_TOO:
        return pa.int64()
    if name in _FLOATS:
        return pa.float64()
    return pa.string()


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None
