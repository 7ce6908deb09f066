"""perception.dask on a real LocalCluster of two worker processes: the results equal the
serial path account by account, and an invalid record is reported, not lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from perception import assess_file, plan_followups
from perception.batch import Settings, assess_lines
from perception.examples import SAMPLE_AS_OF, sample_path
from perception.io import load_accounts, to_jsonable
from perception.store import Ledger

distributed = pytest.importorskip("distributed", reason="needs the extra customer-perception[dask]")
pdask = pytest.importorskip("perception.dask")
dask = pytest.importorskip("dask")

BAD_LINE = 5  # of the second file


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """Two JSONL files of sample accounts (distinct ids); line 5 of the second is invalid."""
    folder = tmp_path_factory.mktemp("portfolio")
    accounts = json.loads(Path(sample_path()).read_text(encoding="utf-8"))["accounts"]
    paths = []
    for part in range(2):
        lines = []
        for copy in range(3):
            for account in accounts:
                data = json.loads(json.dumps(account))
                data["customer"]["id"] = f"{part}-{copy}-{account['customer']['id']}"
                lines.append(json.dumps(data))
        if part == 1:
            lines[BAD_LINE - 1] = json.dumps({"customer": {"id": "broken"}, "interactions": 3})
            lines.insert(2, "")  # a blank line keeps its number and is skipped
        path = folder / f"accounts-{part}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def settings():
    return Settings.create(as_of=SAMPLE_AS_OF)


def serial(paths, **options):
    """The serial path's outcomes of every valid record, as JSON, by account."""
    outcomes = {}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or (path.name.endswith("1.jsonl") and number == BAD_LINE + 1):
                continue
            one = path.parent / "one.jsonl"
            one.write_text(line + "\n", encoding="utf-8")
            (outcome,) = assess_file(one, as_of=SAMPLE_AS_OF, **options)
            outcomes[outcome.account] = to_jsonable(outcome)
    return outcomes


def read_parts(folder, kind="part"):
    return [
        json.loads(line)
        for path in sorted(folder.glob(f"{kind}-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_outcomes_equal_the_serial_path_and_the_bad_record_is_reported(
    client, portfolio, settings, tmp_path
):
    summary = pdask.assess_files(portfolio, tmp_path / "out", settings, blocksize=20_000)
    assert summary.parts > 4  # several blocks per file
    written = read_parts(tmp_path / "out")
    assert summary.outcomes == len(written) == 71
    expected = serial(portfolio)
    assert {o["account"]: o for o in written} == expected
    assert [o["account"] for o in written] == list(expected)  # file and line order
    # the invalid record: counted, returned and written, with its file and line
    bad = f"{portfolio[1]}:{BAD_LINE + 1}"
    assert summary.errors == 1
    assert [e.source for e in summary.first_errors] == [bad]
    assert summary.first_errors[0].problems
    (error,) = read_parts(tmp_path / "out", "errors")
    assert error["source"] == bad
    assert any(p["path"] == "interactions" for p in error["problems"])


def test_line_numbers_are_counted_across_blocks(client, portfolio):
    lines = pdask.read_lines(portfolio, blocksize=7_000).compute()
    expected = [
        (str(path), number, raw)
        for path in portfolio
        for number, raw in enumerate(path.read_bytes().splitlines(keepends=True), 1)
    ]
    assert lines == expected


def test_a_bag_gives_the_lines_of_assess_lines(client, portfolio, settings):
    bag = pdask.assess_bag(pdask.read_lines(portfolio[1], blocksize=9_000), settings)
    items = [
        (str(portfolio[1]), n, raw)
        for n, raw in enumerate(portfolio[1].read_bytes().splitlines(keepends=True), 1)
    ]
    assert bag.compute() == assess_lines(items, settings)


def test_workers_load_the_plugins_the_settings_name(client, portfolio, tmp_path):
    named = Settings.create(as_of=SAMPLE_AS_OF).__class__(
        as_of=SAMPLE_AS_OF, entry_points=False, plugins=("named_plugin",)
    )
    pdask.assess_files(portfolio[0], tmp_path / "out", named)
    written = read_parts(tmp_path / "out")
    pids = {s["explanation"] for o in written for s in o["signals"] if s["scorer"] == "pid-scorer"}
    assert len(written) == 36
    assert pids
    assert f"pid {os.getpid()}" not in pids  # built and run in the workers


def test_parquet_parts(client, portfolio, settings, tmp_path):
    pq = pytest.importorskip(
        "pyarrow.parquet", reason="needs the extra customer-perception[parquet]"
    )
    summary = pdask.assess_files(portfolio, tmp_path / "out", settings, parts="parquet")
    table = pq.read_table(sorted((tmp_path / "out").glob("part-*.parquet"))[0])
    rows = table.to_pylist()
    assert summary.outcomes == 71
    assert len(rows) == 36
    assert rows[0]["source"] == f"{portfolio[0]}:1"
    assert json.loads(rows[0]["outcome"])["score"] == rows[0]["score"]


def test_workers_plan_and_this_process_writes_the_ledger(client, portfolio, settings, tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    summary = pdask.assess_files(portfolio[0], tmp_path / "out", settings, ledger=ledger)
    planned = {
        f.key
        for account in load_accounts(portfolio[0])
        for f in plan_followups(account, as_of=SAMPLE_AS_OF).followups
    }
    assert planned
    with Ledger.open(ledger) as opened:
        assert {e.key for e in opened.list()} == planned
    assert summary.followups == len(planned)


def test_a_time_budget_is_refused_on_dask(portfolio, tmp_path):
    budgeted = Settings(as_of=SAMPLE_AS_OF, time_budget=1.0)
    with pytest.raises(ValueError, match="time_budget cannot be kept on Dask"):
        pdask.assess_files(portfolio, tmp_path / "out", budgeted)


def test_missing_files_are_named(tmp_path, settings):
    with pytest.raises(Exception, match="no file matches"):
        pdask.assess_files(str(tmp_path / "*.jsonl"), tmp_path / "out", settings)


def test_the_blocks_are_numbered_as_the_workers_count_them(client, portfolio):
    """The eager numbering of assess_files equals the delayed one of read_lines."""
    files = [str(p) for p in portfolio]
    for size in (997, 7_000, 10**9):
        blocks = pdask._blocks(files, size)
        counts = [pdask._line_starts(b) for b in blocks]
        assert list(dask.compute(*pdask._numbering(blocks))) == pdask._firsts(blocks, counts)


def test_small_files_are_split_for_every_worker_thread(client, portfolio, settings, tmp_path):
    size = sum(p.stat().st_size for p in portfolio)
    assert size < pdask.MIN_BLOCKSIZE  # so the floor decides: one block per file
    assert pdask._auto_blocksize([str(p) for p in portfolio]) == pdask.MIN_BLOCKSIZE
    summary = pdask.assess_files(portfolio, tmp_path / "out", settings)
    assert summary.parts == 2
    assert summary.outcomes == 71


@pytest.mark.parametrize(
    ("threads", "size", "expected"),
    [
        (None, 10**8, pdask.DEFAULT_BLOCKSIZE),  # no distributed client: the default
        (2, 10**8, 12_500_000),  # 100 MB over 2 threads: 4 blocks each
        (2, 10**9, pdask.DEFAULT_BLOCKSIZE),  # large files: never above the default
        (64, 10**8, pdask.MIN_BLOCKSIZE),  # many threads: never below the floor
    ],
)
def test_the_block_size_follows_the_cluster(monkeypatch, tmp_path, threads, size, expected):
    path = tmp_path / "big.jsonl"
    with path.open("wb") as handle:
        handle.truncate(size)  # sparse: takes no room on disk
    monkeypatch.setattr(pdask, "_threads", lambda: threads)
    assert pdask._auto_blocksize([str(path)]) == expected
