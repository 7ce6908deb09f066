"""Benchmark the batch engines against this machine's own ceiling, in one run.

Run: ``python benchmarks/scale.py [--accounts 20000] [--interactions 50] [--rounds 3]``

Generates one seeded portfolio as JSONL (default 20,000 accounts x 50 interactions =
1,000,000 interactions) and times, on that same file, each in a fresh process and
interleaved round by round (so that a busy moment of a shared machine does not fall on
one of them only):

* serial: ``assess_file(path)`` in one process;
* pool: ``assess_file(path, workers=2)``, the outcomes rebuilt in the calling process;
* dask: ``perception.dask.assess_files`` on a ``LocalCluster`` of 2 worker processes
  (1 thread each), parts written as JSONL by the workers (the cluster is started and its
  workers load the lexicon before the clock starts);
* ceiling: 2 forked processes, each reading, validating and assessing half of the lines
  (from its own byte offset), with nothing sent and nothing kept, the garbage collector
  frozen at the fork as the pool does: the most 2 processes can do here.

It prints each round's seconds and ratios to that round's ceiling (targets: pool
>= 0.95x, dask >= 0.85x), the median and range over the rounds, the CPU seconds of each
run (all its processes), and the peak memory (RSS) of the largest worker process of
each engine on the portfolio and on its first tenth (target: flat as the portfolio grows
10x).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assess import write_portfolio

# Each run: a fresh interpreter that loads the lexicon first (as a long-running process
# would have), then times the work; it prints seconds, CPU seconds of all its processes,
# and the peak RSS (KiB) of its largest worker process.
_PRELUDE = """
import itertools, os, resource, sys, time
from datetime import datetime, timezone
from perception.batch import assess_file
from perception.io import iter_accounts
as_of = datetime(2026, 6, 1, tzinfo=timezone.utc)
path, blocksize = sys.argv[1], int(sys.argv[2])
list(assess_file(sys.argv[3], as_of=as_of))
def usage(who):
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime, used.ru_maxrss
"""
_SERIAL = """
start, cpu = time.perf_counter(), usage(resource.RUSAGE_SELF)[0]
count = sum(1 for _ in assess_file(path, as_of=as_of))
seconds = time.perf_counter() - start
cpu, peak = usage(resource.RUSAGE_SELF)[0] - cpu, usage(resource.RUSAGE_SELF)[1]
"""
_POOL = """
start, cpu = time.perf_counter(), usage(resource.RUSAGE_SELF)[0]
count = sum(1 for _ in assess_file(path, as_of=as_of, workers=2, chunksize=16))
seconds = time.perf_counter() - start
cpu = usage(resource.RUSAGE_SELF)[0] - cpu + usage(resource.RUSAGE_CHILDREN)[0]
peak = usage(resource.RUSAGE_CHILDREN)[1]
"""
_CEILING = """
import gc
from perception import assess
from perception.io import account_from_line
with open(path, "rb") as handle:
    offsets = [0]
    for raw in handle:
        offsets.append(offsets[-1] + len(raw))
total = len(offsets) - 1
start, cpu = time.perf_counter(), usage(resource.RUSAGE_SELF)[0]
children = []
gc.freeze()  # as the pool does: the children's collections skip the inherited heap
for half in (0, 1):
    pid = os.fork()
    if pid == 0:
        first, last = half * total // 2, (half + 1) * total // 2
        with open(path, "rb") as handle:
            handle.seek(offsets[first])
            for number in range(first + 1, last + 1):
                line = handle.readline().decode("utf-8")
                assess(account_from_line(line, source=f"{path}:{number}"), as_of=as_of)
        os._exit(0)
    children.append(pid)
gc.unfreeze()
for pid in children:
    os.waitpid(pid, 0)
count = total
seconds = time.perf_counter() - start
cpu = usage(resource.RUSAGE_SELF)[0] - cpu + usage(resource.RUSAGE_CHILDREN)[0]
peak = usage(resource.RUSAGE_CHILDREN)[1]
"""
_DASK = """
import shutil, tempfile, distributed
from perception.batch import Settings
from perception.dask import assess_files
def warm():
    list(assess_file(sys.argv[3], as_of=as_of))
def worker_usage():
    return usage(resource.RUSAGE_SELF)
out = tempfile.mkdtemp()
with distributed.LocalCluster(
    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
) as cluster, distributed.Client(cluster) as client:
    client.run(warm)
    before = client.run(worker_usage)
    start, cpu = time.perf_counter(), usage(resource.RUSAGE_SELF)[0]
    summary = assess_files(path, out, Settings.create(as_of=as_of), blocksize=blocksize)
    seconds = time.perf_counter() - start
    after = client.run(worker_usage)
cpu = usage(resource.RUSAGE_SELF)[0] - cpu + sum(after[w][0] - before[w][0] for w in after)
peak = max(a[1] for a in after.values())
count = summary.outcomes
shutil.rmtree(out)
"""
_REPORT = """
print(count, seconds, cpu, peak)
"""
_RUNS = {"serial": _SERIAL, "pool": _POOL, "dask": _DASK, "ceiling": _CEILING}


def timed(name: str, path: Path, warm: Path, blocksize: int) -> tuple[int, float, float, int]:
    """Accounts, seconds, CPU seconds and peak worker RSS (KiB) of one run."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _PRELUDE + _RUNS[name] + _REPORT,
            str(path),
            str(blocksize),
            str(warm),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
    count, seconds, cpu, peak = done.stdout.split()[-4:]
    return int(count), float(seconds), float(cpu), int(peak)


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"median {statistics.median(values):.3f} (range {min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--interactions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument(
        "--blocksize", type=int, default=4 * 2**20, help="bytes of JSONL per Dask task"
    )
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    names = [n for n in _RUNS if not (args.skip_dask and n == "dask")]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "portfolio.jsonl"
        started = time.perf_counter()
        write_portfolio(path, args.accounts, args.interactions)
        warm = Path(folder) / "warm.jsonl"
        write_portfolio(warm, 3, args.interactions, seed=7)
        print(
            f"portfolio: {args.accounts} accounts x {args.interactions} interactions "
            f"({args.accounts * args.interactions:,} at most), "
            f"{path.stat().st_size / 1e6:.0f} MB JSONL, written in "
            f"{time.perf_counter() - started:.0f} s; Dask blocks of {args.blocksize:,} bytes"
        )
        results: dict[str, list[tuple[int, float, float, int]]] = {n: [] for n in names}
        for round_number in range(1, args.rounds + 1):
            for name in names:
                results[name].append(timed(name, path, warm, args.blocksize))
                count, seconds, cpu, _ = results[name][-1]
                print(f"  {name}: {count} accounts in {seconds:.1f} s, CPU {cpu:.0f} s", flush=True)
            ceiling = results["ceiling"][-1][1]
            print(
                f"round {round_number}: "
                + ", ".join(
                    f"{n} {results[n][-1][1]:.1f} s ({ceiling / results[n][-1][1]:.3f}x ceiling)"
                    for n in names
                ),
                flush=True,
            )
        count = results["serial"][0][0]
        assert all(r[0] == count for rs in results.values() for r in rs), "counts differ"
        ceilings = [r[1] for r in results["ceiling"]]
        print(f"\nover {args.rounds} interleaved round(s), {count} accounts each:")
        for name in names:
            seconds = [r[1] for r in results[name]]
            ratios = [c / s for c, s in zip(ceilings, seconds, strict=True)]
            cpu = [r[2] for r in results[name]]
            cpu_ratios = [
                r[2] / c[2] for r, c in zip(results[name], results["ceiling"], strict=True)
            ]
            target = {"pool": " (target >= 0.95)", "dask": " (target >= 0.85)"}.get(name, "")
            print(
                f"  {name:8s} {count / statistics.median(seconds):6.0f} accounts/s; "
                f"x ceiling {_spread(ratios)}{target}; "
                f"CPU {statistics.median(cpu):.0f} s (x ceiling's CPU "
                f"{_spread(cpu_ratios)})"
            )
        if args.skip_memory:
            return
        small = Path(folder) / "tenth.jsonl"
        with path.open(encoding="utf-8") as source, small.open("w", encoding="utf-8") as out:
            out.writelines(itertools.islice(source, args.accounts // 10))
        print(
            f"\npeak RSS of the largest worker process, {args.accounts // 10} vs {count} accounts:"
        )
        for name in names:
            tenth = timed(name, small, warm, args.blocksize)[3]
            full = max(r[3] for r in results[name])
            print(
                f"  {name:8s} {tenth / 1024:6.1f} MiB -> {full / 1024:6.1f} MiB "
                f"({(full - tenth) / tenth:+.1%})"
            )


if __name__ == "__main__":
    main()
