"""Assess JSONL files on a Dask cluster: the optional extra ``customer-perception[dask]``.

The work is the plain unit of :mod:`perception.batch`: lines of accounts and a
:class:`~perception.batch.Settings` record, which every worker turns into its own plugin
registry (the plugins it names must be installed on the workers) and configuration.

* :func:`read_lines` makes a bag of ``(file, line number, line)`` from JSONL files,
  split into blocks of about *blocksize* bytes, each read by the worker that assesses it;
* :func:`assess_bag` maps such a bag (or a bag of plain lines) to result lines in the JSON
  form of :func:`perception.batch.assess_lines`;
* :func:`assess_files` does both and writes each block's outcomes as one part file
  (JSONL, or Parquet where pyarrow is installed) from the worker that assessed it, so
  results are never gathered into one process.  Records that are not valid accounts go
  to error parts, each named with its file and line; the caller gets counts and the first
  of them.  With a ledger, workers plan follow-ups and this process writes them: SQLite
  takes one writer at a time, so the ledger is written only here, one transaction per
  finished block.

Files must be readable at the same path by every worker (a shared file system).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import dask.bag
from dask.base import compute
from dask.delayed import Delayed, delayed

from perception.batch import (
    Line,
    RecordError,
    Settings,
    _assess_each,
    _result_json,
)
from perception.errors import PerceptionError
from perception.outcome import FollowUp, PerceivedOutcome

__all__ = [
    "BLOCKS_PER_THREAD",
    "DEFAULT_BLOCKSIZE",
    "FIRST_ERRORS",
    "MIN_BLOCKSIZE",
    "Summary",
    "assess_bag",
    "assess_files",
    "read_lines",
]

#: Bytes of JSONL per block at most: one task and one part file each (about 2,000
#: accounts of 50 interactions).
DEFAULT_BLOCKSIZE = 16 * 2**20
#: Blocks per worker thread that :func:`assess_files` aims for when the files are small
#: against the cluster: with a few blocks each, no thread waits long for the last one.
BLOCKS_PER_THREAD = 4
#: The smallest block :func:`assess_files` chooses by itself.
MIN_BLOCKSIZE = 2**20
#: Record errors each block sends back to the caller (all of them are in its error part).
FIRST_ERRORS = 20

PartFormat = Literal["jsonl", "parquet"]


def _no_budget(settings: Settings) -> None:
    if settings.time_budget is not None:
        msg = (
            "time_budget cannot be kept on Dask: its workers run tasks on threads, and a "
            "plugin call can be stopped only on a process's main thread; use the local "
            "pool (workers > 1) for a time budget"
        )
        raise ValueError(msg)


def _paths(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """The files named or matched (a glob pattern), sorted; an error when none is."""
    patterns = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    found: list[str] = []
    for pattern in patterns:
        text = os.fspath(pattern)
        if any(c in text for c in "*?["):
            # glob.glob, not Path.glob: the pattern may hold folders and be absolute
            matched = sorted(p for p in glob.glob(text) if Path(p).is_file())  # noqa: PTH207
            if not matched:
                raise PerceptionError(f"{text}: no file matches")
            found += matched
        elif Path(text).is_file():
            found.append(text)
        else:
            raise PerceptionError(f"{text}: no such file")
    if not found:
        raise PerceptionError("no input files given")
    return found


@attrs.frozen
class _Block:
    """Bytes ``[start, end)`` of one file: the lines that begin there."""

    path: str
    start: int
    end: int


def _blocks(paths: list[str], blocksize: int) -> list[_Block]:
    if blocksize < 1:
        raise ValueError(f"blocksize must be >= 1, not {blocksize}")
    blocks = []
    for path in paths:
        size = Path(path).stat().st_size
        blocks += [
            _Block(path, start, min(start + blocksize, size))
            for start in range(0, max(size, 1), blocksize)
        ]
    return blocks


def _line_starts(block: _Block) -> int:
    """How many lines begin in *block* (a line begins at 0 and after each newline)."""
    with Path(block.path).open("rb") as handle:
        handle.seek(max(block.start - 1, 0))
        data = handle.read(block.end - max(block.start - 1, 0) - 1 if block.end else 0)
    return (block.start == 0 and block.end > 0) + data.count(b"\n")


def _lines(block: _Block, first: int) -> Iterator[tuple[str, int, bytes]]:
    """``(file, line number, bytes)`` of each line that begins in *block*; *first* is the
    number of the first of them."""
    with Path(block.path).open("rb") as handle:
        if block.start > 0:
            handle.seek(block.start - 1)
            if handle.read(1) != b"\n":
                handle.readline()  # the rest of a line that began in the block before
        number = first
        while handle.tell() < block.end:
            raw = handle.readline()
            if not raw:
                break
            yield block.path, number, raw
            number += 1


def _numbering(blocks: list[_Block]) -> list[Any]:
    """The number of the first line of each block (delayed): counted by the workers."""
    counts = [delayed(_line_starts, pure=True)(block) for block in blocks]
    return _firsts(blocks, counts, add=delayed(_add, pure=True))


def _add(a: int, b: int) -> int:
    return a + b


def _firsts(
    blocks: list[_Block], counts: Sequence[Any], add: Callable[[Any, Any], Any] = _add
) -> list[Any]:
    """The number of the first line of each block, from how many lines begin in each
    (numbers, or delayed numbers added by a delayed *add*)."""
    firsts: list[Any] = []
    for index, block in enumerate(blocks):
        firsts.append(1 if block.start == 0 else add(firsts[-1], counts[index - 1]))
    return firsts


def _client() -> Any | None:
    """The distributed client in use, if there is one."""
    try:
        from distributed import default_client  # noqa: PLC0415  # optional

        return default_client()
    except (ImportError, ValueError):
        return None


def _threads() -> int | None:
    """The worker threads of the distributed client in use, if there is one."""
    client = _client()
    return None if client is None else sum(client.nthreads().values()) or None


def _auto_blocksize(paths: list[str]) -> int:
    """:data:`DEFAULT_BLOCKSIZE`, or smaller (down to :data:`MIN_BLOCKSIZE`) so that each
    worker thread of the cluster gets about :data:`BLOCKS_PER_THREAD` blocks."""
    threads = _threads()
    if threads is None:
        return DEFAULT_BLOCKSIZE
    total = sum(Path(path).stat().st_size for path in paths)
    share = -(-total // (threads * BLOCKS_PER_THREAD))
    return max(MIN_BLOCKSIZE, min(DEFAULT_BLOCKSIZE, share))


def read_lines(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
) -> dask.bag.Bag:
    """A bag of ``(file, line number, line bytes)`` for every line of the JSONL files.

    *paths* is a file, a glob pattern (``data/*.jsonl``) or a list of them.  Each file
    is split into blocks of about *blocksize* bytes, one partition each; line numbers
    are counted by the workers (a first pass counts the newlines of each block).
    """
    blocks = _blocks(_paths(paths), blocksize)
    firsts = _numbering(blocks)
    parts = [delayed(_block_lines, pure=True)(b, f) for b, f in zip(blocks, firsts, strict=True)]
    return dask.bag.from_delayed(parts)


def _block_lines(block: _Block, first: int) -> list[tuple[str, int, bytes]]:
    return list(_lines(block, first))


def assess_bag(bag: dask.bag.Bag, settings: Settings) -> dask.bag.Bag:
    """Result lines (JSON) for a bag of JSONL lines, partition by partition.

    The items of *bag* are lines (``str`` or ``bytes``) or ``(file, line number, line)``
    as :func:`read_lines` makes them; each result is a line of
    :func:`perception.batch.assess_lines`: ``{"source": ..., "outcome": {...}}`` or,
    for a record that is not a valid account, ``{"source": ..., "error": ...}``.
    Write them with ``bag.to_textfiles(...)``.

    :raises ValueError: when *settings* has a time budget (not kept on Dask's threads).
    """
    _no_budget(settings)
    return bag.map_partitions(_assess_partition, settings)


def _assess_partition(lines: Iterable[Line], settings: Settings) -> list[str]:
    from perception.batch import assess_lines  # noqa: PLC0415  # at call time, in the worker

    return assess_lines(lines, settings)


@attrs.frozen(kw_only=True)
class _Part:
    """What one block's task sends back: counts, the first errors, follow-ups."""

    outcomes: int
    errors: int
    first_errors: tuple[RecordError, ...]
    followups: tuple[dict[str, Any], ...] = ()


@attrs.frozen(kw_only=True)
class Summary:
    """What :func:`assess_files` did.

    Attributes:
        outcomes: accounts assessed, written to the part files.
        errors: records that are not valid accounts, written to the error parts.
        first_errors: the first few of those (up to :data:`FIRST_ERRORS` per block).
        parts: part files written (one per block).
        out: the folder of the parts.
        followups: follow-ups written to the ledger (0 without a ledger).
    """

    outcomes: int
    errors: int
    first_errors: tuple[RecordError, ...]
    parts: int
    out: Path
    followups: int = 0


def _write_atomically(path: Path, write: Any) -> None:
    """Write *path* through a temporary file, so a task run twice leaves one whole file."""
    temporary = path.with_name(path.name + ".tmp")
    write(temporary)
    temporary.replace(path)


def _parquet(rows: list[tuple[str, PerceivedOutcome]], path: Path) -> None:
    import pyarrow as pa  # noqa: PLC0415  # optional: only for Parquet parts
    import pyarrow.parquet as pq  # noqa: PLC0415

    from perception.io import to_jsonable  # noqa: PLC0415  # cattrs loads on first use

    table = pa.table(
        {
            "source": pa.array([s for s, _ in rows], pa.string()),
            "account": pa.array([o.account for _, o in rows], pa.string()),
            "as_of": pa.array([o.as_of for _, o in rows], pa.timestamp("us", tz="UTC")),
            "score": pa.array([o.score for _, o in rows], pa.float64()),
            "band": pa.array([o.band.value for _, o in rows], pa.string()),
            "confidence": pa.array([o.confidence for _, o in rows], pa.float64()),
            "outcome": pa.array(
                [json.dumps(to_jsonable(o), ensure_ascii=False) for _, o in rows], pa.string()
            ),
        }
    )
    pq.write_table(table, path)


def _write_block(
    block: _Block, first: int, settings: Settings, out: str, index: int, parts: PartFormat
) -> _Part:
    """Assess one block and write its part (and error part) from this worker.

    JSONL parts are written as each account is assessed, so a worker holds one outcome
    at a time; a Parquet part is written whole at the end of the block.
    """
    from perception.io import to_jsonable  # noqa: PLC0415  # cattrs loads on first use

    folder = Path(out)
    name = f"part-{index:05d}"
    results = _assess_each(_lines(block, first), settings)
    errors: list[RecordError] = []
    followups: list[dict[str, Any]] = []
    count = 0

    def outcomes() -> Iterator[tuple[str, PerceivedOutcome]]:
        nonlocal count
        for source, result in results:
            if isinstance(result, RecordError):
                errors.append(result)
                continue
            count += 1
            if settings.plan:
                followups.extend(to_jsonable(f) for f in result.followups)
            yield source, result

    def write_jsonl(path: Path) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for _, outcome in outcomes():
                handle.write(json.dumps(to_jsonable(outcome), ensure_ascii=False) + "\n")

    if parts == "parquet":
        _write_atomically(folder / f"{name}.parquet", lambda p: _parquet(list(outcomes()), p))
    else:
        _write_atomically(folder / f"{name}.jsonl", write_jsonl)
    if errors:
        lines = [_result_json(e.source, e) + "\n" for e in errors]
        _write_atomically(
            folder / f"errors-{index:05d}.jsonl",
            lambda p: p.write_text("".join(lines), encoding="utf-8"),
        )
    return _Part(
        outcomes=count,
        errors=len(errors),
        first_errors=tuple(errors[:FIRST_ERRORS]),
        followups=tuple(followups),
    )


def assess_files(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    settings: Settings,
    *,
    blocksize: int | None = None,
    parts: PartFormat = "jsonl",
    ledger: str | os.PathLike[str] | None = None,
) -> Summary:
    """Assess every account of the JSONL files *paths* on the current Dask scheduler.

    Each block of about *blocksize* bytes (default: :data:`DEFAULT_BLOCKSIZE`, or less
    so that each worker thread of a distributed client gets about
    :data:`BLOCKS_PER_THREAD` blocks) is read, assessed and written by one task:
    ``OUT/part-NNNNN.jsonl`` (one outcome a line, in the JSON form of
    :func:`perception.io.dump_json`) or ``OUT/part-NNNNN.parquet`` (columns ``source``,
    ``account``, ``as_of``, ``score``, ``band``, ``confidence`` and the whole
    ``outcome`` as JSON; needs pyarrow).  Records that are not valid accounts are written
    to ``OUT/errors-NNNNN.jsonl``, each with its file, line and problems; nothing is
    dropped.  Parts are numbered in file and line order.

    With *ledger* (a SQLite file), follow-ups are planned on the workers (whatever
    ``settings.plan`` says) and written to the ledger by this process, one transaction
    per block as blocks finish: SQLite allows one writer at a time.

    Runs on the scheduler in use: a ``distributed.Client`` made before the call (for a
    cluster, ``Client("tcp://scheduler:8786")``), else dask's default.

    :raises ValueError: when *settings* has a time budget (not kept on Dask's threads),
        or *blocksize* is below 1.
    """
    _no_budget(settings)
    if parts == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401, PLC0415  # checked before any task starts
        except ImportError as exc:
            raise PerceptionError("Parquet parts need pyarrow: pip install pyarrow") from exc
    if ledger is not None:
        settings = attrs.evolve(settings, plan=True)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = _paths(paths)
    blocks = _blocks(files, _auto_blocksize(files) if blocksize is None else blocksize)
    # Lines are counted first, and the blocks then numbered here: each task depends on
    # nothing, so the scheduler spreads them over the workers as they come free.
    counts = [int(c) for c in compute(*[delayed(_line_starts)(b) for b in blocks])]
    firsts = _firsts(blocks, counts)
    tasks: list[Delayed] = [
        delayed(_write_block, pure=False)(block, first, settings, os.fspath(folder), index, parts)
        for index, (block, first) in enumerate(zip(blocks, firsts, strict=True))
    ]
    written = 0
    done: list[_Part] = []
    with _ledger(ledger) as record:
        for part in _as_completed(tasks):
            done.append(part)
            if record is not None and part.followups:
                written += record(part.followups)
    return Summary(
        outcomes=sum(p.outcomes for p in done),
        errors=sum(p.errors for p in done),
        first_errors=tuple(e for p in done for e in p.first_errors),
        parts=len(tasks),
        out=folder,
        followups=written,
    )


def _as_completed(tasks: list[Delayed]) -> Iterator[_Part]:
    """The tasks' results as each finishes (on a distributed client), else all at once."""
    client = _client()
    if client is None:
        yield from compute(*tasks)
        return
    from distributed import as_completed  # noqa: PLC0415  # optional, there with a client

    futures = client.compute(tasks)
    for future in as_completed(futures):
        yield future.result()
        future.release()


@contextlib.contextmanager
def _ledger(path: str | os.PathLike[str] | None) -> Iterator[Any]:
    """A function that records follow-ups (JSON form) in the ledger at *path*, or None."""
    if path is None:
        yield None
        return
    from perception.io import structure  # noqa: PLC0415  # cattrs loads on first use
    from perception.store import Ledger  # noqa: PLC0415  # only this process writes it

    with Ledger.open(Path(path)) as ledger:

        def record(followups: Iterable[dict[str, Any]]) -> int:
            counts = ledger.record([structure(f, FollowUp) for f in followups])
            return counts.total

        yield record
