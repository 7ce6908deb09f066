"""Import time of ``perception`` against ``nltk`` alone, measured in the same run.

Target (foundation issue): ``import perception`` takes no more than 1.3x the time of
``import nltk``.  Each import runs in a fresh interpreter with ``-X importtime``; the
figure is the cumulative time of the top-level module, median of ``--runs`` runs,
alternating the two so that disk caches treat them alike.

Then the cost of a process's first check (``from perception import check`` and one
``check``, as a command-line run or a new worker pays it): wall time of the whole fresh
interpreter and its peak resident memory, median of ``--runs``, with the heavy modules
it loaded; with ``--baseline-python P``, the same for another version's interpreter in
the same run, alternating.

    python benchmarks/import_time.py [--runs 15] [--baseline-python P]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

_FIRST_CHECK = """\
import resource, sys
from perception import check
check("Thanks, but the export is still broken and nobody replied. Can you fix it today?")
heavy = sorted(m for m in ("nltk", "numpy", "scipy", "sklearn") if m in sys.modules)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak //= 1024 if sys.platform == "darwin" else 1  # bytes on macOS, KiB elsewhere
print(peak, ",".join(heavy) or "-")
"""


def first_check(python: str) -> tuple[float, float, str]:
    """``(seconds, peak MiB, heavy modules)`` of a fresh interpreter's first check."""
    started = time.perf_counter()
    result = subprocess.run(
        [python, "-c", _FIRST_CHECK], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    peak_kib, heavy = result.stdout.split()
    return seconds, int(peak_kib) / 1024, heavy


def import_us(module: str) -> int:
    """Cumulative import time of *module* in microseconds, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1])
    raise RuntimeError(f"no import time reported for {module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--baseline-python", help="another version's interpreter, for the first check"
    )
    args = parser.parse_args()
    import_us("nltk")  # warm the file cache for both
    import_us("perception")
    ours, theirs = [], []
    for _ in range(args.runs):
        theirs.append(import_us("nltk"))
        ours.append(import_us("perception"))
    ours_ms = statistics.median(ours) / 1000
    theirs_ms = statistics.median(theirs) / 1000
    ratio = ours_ms / theirs_ms
    print(f"import nltk:       {theirs_ms:8.1f} ms (median of {args.runs})")
    print(f"import perception: {ours_ms:8.1f} ms (median of {args.runs})")
    print(
        f"ratio perception / nltk: {ratio:.2f}x (target <= 1.30x): "
        f"{'met' if ratio <= 1.3 else 'NOT met'}"
    )
    lazy = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, perception; print(sorted(m for m in "
                "('nltk', 'vaderSentiment', 'importlib.metadata') if m in sys.modules))"
            ),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"heavy modules loaded by 'import perception': {lazy}")

    pythons = {"this version": sys.executable}
    if args.baseline_python:
        pythons["baseline"] = args.baseline_python
    runs: dict[str, list[tuple[float, float, str]]] = {name: [] for name in pythons}
    for _ in range(args.runs):
        for name, python in pythons.items():
            runs[name].append(first_check(python))
    print(f"a fresh process's first check (median of {args.runs}; spread in brackets):")
    for name, got in runs.items():
        seconds = [s for s, _, _ in got]
        peaks = [m for _, m, _ in got]
        print(
            f"  {name:12s} {statistics.median(seconds):6.2f} s "
            f"({min(seconds):.2f}-{max(seconds):.2f}), peak {statistics.median(peaks):6.1f} MiB; "
            f"heavy modules loaded: {json.dumps(got[0][2])}"
        )
    if "baseline" in runs:
        ours = statistics.median(s for s, _, _ in runs["this version"])
        theirs = statistics.median(s for s, _, _ in runs["baseline"])
        print(f"  time of this version / baseline: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
