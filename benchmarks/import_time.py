"""Import time of ``perception`` against ``nltk`` alone, measured in the same run.

Target (foundation issue): ``import perception`` takes no more than 1.3x the time of
``import nltk``.  Each import runs in a fresh interpreter with ``-X importtime``; the
figure is the cumulative time of the top-level module, median of ``--runs`` runs,
alternating the two so that disk caches treat them alike.

    python benchmarks/import_time.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys


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


if __name__ == "__main__":
    main()
