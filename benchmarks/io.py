"""Benchmark input and output at portfolio scale: validation, streaming assessment to JSONL
and CSV, and the HTML report.

Run: ``python benchmarks/io.py [--sizes 10000 100000] [--html-accounts 20000] [--rounds 2]
[--workers 1] [--baseline-src DIR [--baseline-assess]]`` (``--html-accounts 0`` skips the
HTML report)

Generates seeded synthetic portfolios as JSONL (each account with 6 interactions, a case,
usage events, ARR, renewal, owner, segment and custom attributes), then runs the
``perception`` command in a fresh process per measurement and reports, for each size:

* ``perception validate``: accounts/s and peak RSS;
* ``perception assess --format jsonl`` and ``--format csv`` (streamed, one process):
  accounts/s, peak RSS and output size;
* the growth of peak RSS from the smallest to the largest size (target: < 10 %).  The text
  caches (the shared message cache, the word-valence and token caches of two generations
  of 25,000 words each, the checks' caches) are bounded, but a portfolio whose messages
  are all distinct fills them only after thousands of accounts; ``--templated`` runs the same with
  templated messages, as a control that shows what the streaming itself holds.

and for ``--html-accounts`` accounts: ``perception assess --format html`` with its defaults
(the change column assesses every account twice) and with ``--change-days 0``: time and
page size (targets: < 10 MB and < 20 s), and, when Chromium and chromedriver are installed,
the time the page takes to open and draw its table in headless Chromium.

``--baseline-src DIR`` runs the same commands (validate only, unless ``--baseline-assess``
says the baseline has the streamed formats too) with the ``perception`` package found in
``DIR/src`` (for example an earlier commit's tree from ``git archive``),
alternating with the current one in each round; the portfolios are then written in the
format of version 0.1, which both read.  Peak RSS comes from the kernel's account of
each child process (``wait4``).  Timings are wall-clock; each figure is the best of
``--rounds`` rounds, with the spread (slowest / fastest) beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from assess import AS_OF, synthetic_account

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
OWNERS = ["Sam Keller", "Riya Shah", "Tomás Ibarra", "Grace Liu", "Jonas Berg", "Mei Chen"]
SEGMENTS = ["enterprise", "mid-market", "smb", "public sector"]


def account(index: int, rng: random.Random, *, unique: bool = True, facts: bool = True) -> dict:
    """One synthetic account with the fields teams have; *unique*: every message text is
    distinct (it names its account and place), else messages are templates; without
    *facts*, in the format of version 0.1 (no owner, ARR, renewal, cases or usage)."""
    data = synthetic_account(index, 6, rng, unique=unique)
    if not facts:
        return data
    opened = AS_OF - timedelta(days=rng.randint(1, 60))
    solved = rng.random() < 0.6
    data.update(
        owner=rng.choice(OWNERS),
        plan=rng.choice(["Starter", "Growth", "Enterprise"]),
        lifecycle=rng.choice(["onboarding", "adoption", "expansion", "renewal"]),
        arr={"amount": rng.randint(5, 500) * 1000, "currency": rng.choice(["EUR", "USD"])},
        renewal=(AS_OF + timedelta(days=rng.randint(-20, 400))).date().isoformat(),
        attributes={"region": rng.choice(["EMEA", "NA", "APAC"]), "seats": rng.randint(3, 900)},
        cases=[
            {
                "id": f"T-{index}",
                "opened_at": opened.isoformat(),
                "subject": "Export fails",
                "status": "solved" if solved else "open",
                "priority": rng.choice(["low", "normal", "high", "urgent"]),
                **({"closed_at": (opened + timedelta(hours=30)).isoformat()} if solved else {}),
            }
        ],
        usage=[
            {
                "metric": "weekly_active_users",
                "at": (AS_OF - timedelta(weeks=week)).isoformat(),
                "value": rng.randint(5, 300),
            }
            for week in range(4)
        ],
    )
    data["customer"]["segment"] = rng.choice(SEGMENTS)
    return data


def write_portfolio(path: Path, count: int, *, unique: bool = True, facts: bool = True) -> None:
    rng = random.Random(12)
    with path.open("w", encoding="utf-8") as handle:
        for index in range(count):
            handle.write(json.dumps(account(index, rng, unique=unique, facts=facts)))
            handle.write("\n")


def run(args: list[str], *, src: Path, cwd: Path) -> tuple[float, float]:
    """Run ``perception ARGS`` with the package in *src*; return (seconds, peak RSS in MB)."""
    env = {**os.environ, "PYTHONPATH": str(src), "PERCEPTION_DISABLE_PLUGIN_AUTOLOAD": "1"}
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and stall the child
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "perception", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read(4000).decode("utf-8", "replace")
            raise SystemExit(f"perception {' '.join(args)} failed:\n{message}")
    return seconds, usage.ru_maxrss / 1024


def best(samples: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(fastest seconds, its spread as slowest/fastest, highest peak RSS in MB)."""
    times = [s for s, _ in samples]
    return min(times), max(times) / min(times), max(r for _, r in samples)


def page_open_time(page: Path) -> float | None:
    """Seconds for headless Chromium to open *page* and draw its table, if installed."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    try:
        from browser import Browser, find_browser  # noqa: PLC0415  # the tests' client
    finally:
        sys.path.pop(0)
    found = find_browser()
    if found is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(*found, profile=Path(profile))
        try:
            browser.open("about:blank")
            start = time.perf_counter()
            browser.open(page.as_uri())
            while browser.run("return document.body && document.body.dataset.ready") != "1":
                time.sleep(0.05)
            return time.perf_counter() - start
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--html-accounts", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline-src", type=Path, help="an older tree to compare with")
    parser.add_argument("--workers", type=int, default=1, help="processes for assess")
    parser.add_argument(
        "--baseline-assess",
        action="store_true",
        help="the baseline is a version after 0.1: run its streamed assess too",
    )
    parser.add_argument(
        "--templated",
        action="store_true",
        help="messages from templates (no text unique to an account): a control that leaves "
        "the bounded text caches out of the memory figures",
    )
    options = parser.parse_args()
    sides = [("current", SRC)]
    if options.baseline_src is not None:
        sides.append(("baseline", options.baseline_src.resolve() / "src"))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        texts = "templated" if options.templated else "distinct"
        print(
            f"as of {AS_OF:%Y-%m-%d}; {options.rounds} rounds; {texts} message texts; "
            "best time, spread, peak RSS"
        )
        peaks: dict[tuple[str, str], list[float]] = {}
        for size in options.sizes:
            data = work / f"portfolio-{size}.jsonl"
            write_portfolio(data, size, unique=not options.templated, facts=len(sides) == 1)
            print(f"\n{size:,} accounts ({data.stat().st_size / 1e6:.0f} MB of JSONL)")
            commands = {"validate": ["validate", str(data)]}
            for fmt in ("jsonl", "csv"):
                commands[f"assess --format {fmt}"] = [
                    *("assess", str(data), "--as-of", AS_OF.isoformat(), "--quiet"),
                    *("--format", fmt, "--out", f"out.{fmt}", "--workers", str(options.workers)),
                ]
            for name, args in commands.items():
                # Version 0.1 has no streamed formats: a baseline runs validate only,
                # unless it is a later version (--baseline-assess).
                here = [
                    (s, src)
                    for s, src in sides
                    if s == "current" or name == "validate" or options.baseline_assess
                ]
                for side, (seconds, spread, rss) in alternate(here, args, work, options.rounds):
                    peaks.setdefault((side, name), []).append(rss)
                    extra = ""
                    if name.startswith("assess"):
                        out = work / ("out.jsonl" if "jsonl" in name else "out.csv")
                        extra = f", output {out.stat().st_size / 1e6:.0f} MB"
                    print(
                        f"  {side:<8} {name:<22} {size / seconds:7.0f} accounts/s "
                        f"({seconds:6.1f} s, spread {spread:.2f}), peak RSS {rss:6.0f} MB{extra}"
                    )
            data.unlink()
        if len(options.sizes) > 1:
            print(f"\npeak RSS growth from {options.sizes[0]:,} to {options.sizes[-1]:,} accounts")
            for (side, name), values in peaks.items():
                growth = (values[-1] - values[0]) / values[0] * 100
                target = " (target < 10 %)" if name.startswith("assess") else ""
                print(f"  {side:<8} {name:<22} {growth:+6.1f} %{target}")
        if options.html_accounts:
            html_report(work, options, sides)


def page_only(count: int, rounds: int) -> tuple[float, float, float]:
    """Seconds (best, spread) to build the page of *count* prepared rows and 50 detailed
    accounts, and its size in MB: the report's own cost, without assessing anything."""
    sys.path.insert(0, str(SRC))
    from perception import assess  # noqa: PLC0415  # the tree measured
    from perception.io import load_account  # noqa: PLC0415
    from perception.report import PortfolioRow, portfolio_page  # noqa: PLC0415

    rng = random.Random(3)
    bands = ["delighted", "satisfied", "neutral", "at risk", "critical"]
    rows = [
        PortfolioRow(
            account=f"acct-{i:06d}",
            name=f"Customer {i}",
            score=rng.uniform(0, 100),
            band=rng.choice(bands),
            confidence=0.9,
            change=rng.uniform(-20, 20),
            owner=rng.choice(OWNERS),
            segment=rng.choice(SEGMENTS),
            renewal=(AS_OF + timedelta(days=rng.randint(0, 400))).date(),
            driver="Dana Whitfield (CIO) escalated on 18 March: the portal rejects our invoices.",
        )
        for i in range(count)
    ]
    detail_rng = random.Random(4)
    details = []
    for i in range(50):
        built = load_account(account(i, detail_rng))
        details.append((assess(built, as_of=AS_OF), built, None))
    times, text = [], ""
    for _ in range(rounds):
        start = time.perf_counter()
        text = portfolio_page(rows, details, as_of=AS_OF, change_days=30)
        times.append(time.perf_counter() - start)
    return min(times), max(times) / min(times), len(text.encode()) / 1e6


def html_report(work: Path, options: argparse.Namespace, sides: list[tuple[str, Path]]) -> None:
    count = options.html_accounts
    seconds, spread, size = page_only(count, options.rounds)
    print(
        f"\nHTML page of {count:,} prepared rows and 50 detailed accounts, built in-process: "
        f"{seconds:.2f} s (spread {spread:.2f}), {size:.1f} MB"
    )
    data = work / f"portfolio-{count}.jsonl"
    write_portfolio(data, count, facts=len(sides) == 1)
    print(f"\nHTML report of {count:,} accounts (targets: < 10 MB, < 20 s)")
    variants = {
        "default (--change-days 30)": [],
        "--change-days 0": ["--change-days", "0"],
    }
    page = work / "report.html"
    for label, extra in variants.items():
        here = [(s, src) for s, src in sides if s == "current" or not extra]
        args = [
            *("assess", str(data), "--as-of", AS_OF.isoformat(), "--format", "html"),
            *("--out", str(page), "--workers", str(options.workers), *extra),
        ]
        sizes: dict[str, float] = {}

        def measure(side: str, sizes: dict[str, float] = sizes) -> None:
            sizes[side] = page.stat().st_size / 1e6

        results = alternate(here, args, work, options.rounds, after=measure)
        for side, (seconds, spread, rss) in results:
            print(
                f"  {side:<8} {label:<28} {seconds:6.1f} s (spread {spread:.2f}), "
                f"{sizes[side]:5.1f} MB, peak RSS {rss:5.0f} MB"
            )
        if not extra:
            run(args, src=SRC, cwd=work)  # the current page, to open
            opened = page_open_time(page)
            if opened is not None:
                print(f"  {'current':<8} {'opened in headless Chromium':<28} {opened:6.2f} s")


def alternate(
    sides: list[tuple[str, Path]],
    args: list[str],
    work: Path,
    rounds: int,
    after: Callable[[str], None] | None = None,
) -> list[tuple[str, tuple[float, float, float]]]:
    """Run *args* on each side, the sides alternating within each of *rounds* rounds;
    ``(side, best(samples))`` for each side.  *after* is called with the side after each
    run."""
    samples: dict[str, list[tuple[float, float]]] = {side: [] for side, _ in sides}
    for _ in range(rounds):
        for side, src in sides:
            samples[side].append(run(args, src=src, cwd=work))
            if after is not None:
                after(side)
    return [(side, best(found)) for side, found in samples.items()]


if __name__ == "__main__":
    main()
